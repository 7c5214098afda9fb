/**
 * `ttc-lens profile <model.onnx>`: measure a model on this machine in the profiler process (cached).
 * Exit codes: 0 measured, 1 the model could not be measured, 2 usage error.
 */
import { createProfiler } from '../core/profile/client';
import { formatEps, formatFailure, formatText } from '../core/profile/format';
import type { GraphOptimizationLevel, MeasureOptions } from '../core/profile/protocol';
import { parseBindings } from '../core/bindings';
import { parseUnit } from '../core/config/units';

/** `--max-time` is clamped to one day (a larger cap would overflow Node's timers once multiplied). */
export const MAX_TIME_MS = 86_400_000;

export const USAGE = `Usage: ttc-lens profile <model.onnx | config.json | genai_config.json> [options]

Measures an ONNX model's latency on this machine with ONNX Runtime (in a separate process) and caches
the result. A shape-only description (Hugging Face config.json or ONNX Runtime GenAI
genai_config.json) has nothing to run: it gets the static analysis. A *.ttc.yaml config is not a
model: validate it with 'ttc-lens check'.

Options:
  --static            static analysis instead (structure, parameters, FLOPs, memory, KV cache);
                      'ttc-lens profile --static --help' lists its options
  --precision P       weight precision of a .json description: fp32, fp16, bf16, int8, int4
  --bind k=v          bind a symbolic dimension (repeatable), e.g. --bind batch=4
  --threads N         intra-op threads (default: physical cores)
  --ep NAME           execution provider: cpu, cuda, webgpu, … (unusable ones fall back to cpu)
  --opt LEVEL         graph optimization: disabled | basic | extended | all (default all)
  --max-time MS       time cap per measured configuration (default 10000; at most 1 day)
  --max-memory SIZE   refuse when inputs + peak activations would exceed SIZE (default: half the RAM)
  --target-ci F       stop when the median's 95% CI is within ±F (default 0.02)
  --samples FILE      sample inputs, JSON {input: {dims, dtype, data}}
  --sweep-batch LIST  also measure these batch sizes, e.g. 1,2,4,8
  --sweep-dim k=LIST  also measure a named dimension, e.g. sequence=64,128,256
  --no-ops            skip the per-operator profile
  --no-decoder        skip decoder prefill/decode timings
  --no-cache          measure even if a cached result exists
  --cache-dir DIR     where results are cached (default: the OS cache folder)
  --eps               list execution providers and whether they are usable, then exit
  --json              machine-readable output`;

interface Parsed {
  model?: string;
  opts: Omit<MeasureOptions, 'modelPath'>;
  json: boolean;
  noCache: boolean;
  cacheDir?: string;
  eps: boolean;
}

const intList = (s: string, what: string): number[] => {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (!v.length || v.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${what} needs positive integers separated by commas, got '${s}'`);
  return v;
};

export function parseArgs(args: string[]): Parsed {
  const p: Parsed = { opts: {}, json: false, noCache: false, eps: false };
  const bind: Record<string, number> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (v: string, min: number) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new Error(`${a} needs a number ≥ ${min}, got '${v}'`);
      return n;
    };
    switch (a) {
      case '--bind': {
        const err = parseBindings(val(), bind);
        if (err) throw new Error(err);
        break;
      }
      case '--max-memory': {
        const v = val();
        const bytes = parseUnit('bytes', /^\d+(\.\d+)?$/.test(v) ? `${v}MiB` : v);
        if (bytes === undefined || !(bytes > 0)) throw new Error(`--max-memory needs a size such as 8GiB or 4096 (MiB), got '${v}'`);
        p.opts.maxMemoryBytes = bytes;
        break;
      }
      case '--threads':
        p.opts.threads = Math.floor(num(val(), 1));
        break;
      case '--ep':
        p.opts.ep = val().toLowerCase();
        break;
      case '--opt': {
        const v = val();
        if (!['disabled', 'basic', 'extended', 'all'].includes(v)) throw new Error(`--opt must be disabled, basic, extended or all, got '${v}'`);
        p.opts.graphOptimizationLevel = v as GraphOptimizationLevel;
        break;
      }
      case '--max-time':
        // Node's timers hold at most 2^31−1 ms; the request timeout is a multiple of this cap.
        p.opts.maxTimeMs = Math.min(num(val(), 1), MAX_TIME_MS);
        break;
      case '--target-ci':
        p.opts.targetCi = num(val(), 0);
        break;
      case '--samples':
        p.opts.samplesPath = val();
        break;
      case '--sweep-batch':
        p.opts.sweep = { ...p.opts.sweep, batch: intList(val(), '--sweep-batch') };
        break;
      case '--sweep-dim': {
        const [k, list] = val().split('=');
        if (!k || !list) throw new Error(`--sweep-dim needs name=v1,v2,…, got '${args[i]}'`);
        p.opts.sweep = { ...p.opts.sweep, dim: { name: k, values: intList(list, '--sweep-dim') } };
        break;
      }
      case '--no-ops':
        p.opts.opProfile = false;
        break;
      case '--no-decoder':
        p.opts.decoder = false;
        break;
      case '--no-cache':
        p.noCache = true;
        break;
      case '--cache-dir':
        p.cacheDir = val();
        break;
      case '--eps':
        p.eps = true;
        break;
      case '--json':
        p.json = true;
        break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option '${a}'`);
        if (p.model) throw new Error(`one model at a time (got '${p.model}' and '${a}')`);
        p.model = a;
    }
  }
  if (Object.keys(bind).length) p.opts.bind = bind;
  return p;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
    if (!parsed.model && !parsed.eps) throw new Error('which model? (ttc-lens profile <model.onnx>)');
  } catch (e) {
    process.stderr.write(`ttc-lens profile: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const profiler = createProfiler({ cacheDir: parsed.cacheDir, log: (l) => process.env.TTC_LENS_DEBUG && process.stderr.write(`${l}\n`) });
  const interactive = !parsed.json && process.stderr.isTTY;
  try {
    if (parsed.eps) {
      const r = await profiler.detectEps();
      if (!r.ok) {
        process.stderr.write(`ttc-lens profile: ${formatFailure(r.failure)}\n`);
        return 1;
      }
      process.stdout.write(parsed.json ? JSON.stringify(r.value, null, 2) + '\n' : formatEps(r.value) + '\n');
      return 0;
    }
    const r = await profiler.measure(
      { modelPath: parsed.model!, ...parsed.opts },
      { noCache: parsed.noCache, onProgress: interactive ? (m) => process.stderr.write(`\r\x1b[K${m}`) : undefined },
    );
    if (interactive) process.stderr.write('\r\x1b[K');
    if (!r.ok) {
      if (parsed.json) process.stdout.write(JSON.stringify({ ok: false, failure: r.failure }, null, 2) + '\n');
      process.stderr.write(`ttc-lens profile: ${formatFailure(r.failure)}\n`);
      if (process.env.TTC_LENS_DEBUG && r.failure.detail) process.stderr.write(r.failure.detail + '\n');
      return 1;
    }
    process.stdout.write(parsed.json ? JSON.stringify({ ok: true, cached: !!r.cached, profile: r.value }, null, 2) + '\n' : formatText(r.value, r.cached) + '\n');
    return 0;
  } finally {
    await profiler.dispose();
  }
}
