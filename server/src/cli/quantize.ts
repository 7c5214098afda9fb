/**
 * `ttc-lens quantize <model.onnx> --to int8|int4`: rewrite a model's MatMul/Gemm weights, write
 * `<name>.int8.onnx` (or int4) beside it, then verify it in the profiler process and print the report.
 * Exit codes: 0 written and verified as helping, 1 written but not faster / below fidelity / not
 * verified, or nothing to quantize or an unreadable model, 2 usage error (including an existing output
 * without --force).
 */
import { formatFailure } from '../core/profile/format';
import { ProfilerPool } from '../core/profile/pool';
import { formatReport } from '../core/rewrite/format';
import { quantizeFile, RewriteError, verifyRewrite, type QuantizeFileResult, type Verified } from '../core/rewrite/pipeline';
import { DEFAULT_BLOCK_SIZE, type QuantizeOptions } from '../core/rewrite/quantize';
import { DEFAULT_THRESHOLDS } from '../core/rewrite/verify';
import { finishVerifyArgs, jsonNumbers, verifyArgs, verifyOption, walkArgs, type VerifyArgs } from './verifyOptions';

export const USAGE = `Usage: ttc-lens quantize <model.onnx> --to int8|int4 [options]

Quantizes the weights of MatMul and Gemm nodes (constant float32 weights, in the main graph and in
subgraphs), writes <name>.int8.onnx or <name>.int4.onnx beside the model (never over it), then
verifies the new model with ONNX Runtime in a separate process: the session loads, ORT fused the
quantized operators, outputs compared with the original's (SQNR, cosine, max abs error, top-1), and
original and rewritten timed in alternating blocks (speedup with a 95% CI).

  int8: dynamic quantization (ORT's quantize_dynamic layout, or com.microsoft.DynamicQuantizeMatMul
        for models below opset 11); symmetric int8 weights, per tensor or --per-channel.
  int4: weight-only com.microsoft.MatMulNBits, blocks of --block-size along K.

Options:
  --to int8|int4        precision (required)
  -o, --out FILE        output file (default <name>.<to>.onnx beside the model)
  --force               replace an existing output file
  --per-channel         int8: one scale per output column
  --block-size N        int4: block size, a power of 2 ≥ 16 (default ${DEFAULT_BLOCK_SIZE})
  --asymmetric          int4: blocks with zero points (default symmetric)
  --accuracy-level N    int4: MatMulNBits accuracy_level 0–4 (default 4: int8 compute, fast on CPU)
  --batch LIST          batch sizes timed (default 1), e.g. 1,16
  --context LIST        decoders: cache lengths of the timed decode step (default 128)
  --bind k=v            bind a symbolic dimension for the comparison and timing (repeatable)
  --samples FILE        sample inputs for the comparison, JSON {input: {dims, dtype, data}}
  --threads N           intra-op threads (default: physical cores)
  --max-time MS         time cap per timed point, both models together (default 4000)
  --min-sqnr DB         fidelity threshold (default ${DEFAULT_THRESHOLDS.int8.minSqnrDb} for int8, ${DEFAULT_THRESHOLDS.int4.minSqnrDb} for int4)
  --min-speedup X       speed threshold (default ${DEFAULT_THRESHOLDS.int8.minSpeedup})
  --no-verify           write the model without verifying it
  --json                machine-readable output`;

interface Parsed extends VerifyArgs {
  model?: string;
  q: QuantizeOptions & { out?: string; force?: boolean };
}

export function parseArgs(args: string[]): Parsed {
  const p: Parsed = { q: { to: undefined as unknown as 'int8' }, ...verifyArgs() };
  const bind: Record<string, number> = {};
  walkArgs(
    args,
    (a, r) => {
      switch (a) {
        case '--to': {
          const v = r.value();
          if (v !== 'int8' && v !== 'int4') throw new Error(`--to must be int8 or int4, got '${v}'`);
          p.q.to = v;
          return true;
        }
        case '-o':
        case '--out':
          p.q.out = r.value();
          return true;
        case '--force':
          p.q.force = true;
          return true;
        case '--per-channel':
          p.q.perChannel = true;
          return true;
        case '--block-size': {
          const n = r.number(r.value(), 16);
          if (!Number.isInteger(n) || (n & (n - 1)) !== 0) throw new Error(`--block-size must be a power of 2 ≥ 16, got ${n}`);
          p.q.blockSize = n;
          return true;
        }
        case '--asymmetric':
          p.q.symmetric = false;
          return true;
        case '--accuracy-level': {
          const n = r.number(r.value(), 0);
          if (!Number.isInteger(n) || n > 4) throw new Error(`--accuracy-level must be 0–4, got ${n}`);
          p.q.accuracyLevel = n;
          return true;
        }
        default:
          return verifyOption(a, r, p, bind);
      }
    },
    (a) => {
      if (p.model) throw new Error(`one model at a time (got '${p.model}' and '${a}')`);
      p.model = a;
    },
  );
  if (!p.model) throw new Error('which model? (ttc-lens quantize <model.onnx> --to int8|int4)');
  if (!p.q.to) throw new Error('--to int8 or --to int4 is required');
  if (p.q.to === 'int8' && (p.q.blockSize !== undefined || p.q.symmetric === false || p.q.accuracyLevel !== undefined)) throw new Error('--block-size, --asymmetric and --accuracy-level are int4 options');
  if (p.q.to === 'int4' && p.q.perChannel) throw new Error('--per-channel is an int8 option (int4 is always per block)');
  finishVerifyArgs(p, bind);
  return p;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let p: Parsed;
  try {
    p = parseArgs(args);
  } catch (e) {
    process.stderr.write(`ttc-lens quantize: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  let q: QuantizeFileResult;
  try {
    q = await quantizeFile(p.model!, p.q);
  } catch (e) {
    if (!(e instanceof RewriteError)) throw e;
    if (p.json) process.stdout.write(JSON.stringify({ ok: false, error: e.message, kind: e.kind }, null, 2) + '\n');
    process.stderr.write(`ttc-lens quantize: ${e.message}\n`);
    return e.kind === 'usage' ? 2 : 1;
  }
  if (p.noVerify) {
    process.stdout.write(p.json ? JSON.stringify({ ok: true, model: q.model, out: q.out, summary: q.summary, bytesIn: q.bytesIn, bytesOut: q.bytesOut }, null, 2) + '\n' : formatReport(q, undefined, 'skipped (--no-verify)') + '\n');
    return 0;
  }
  const pool = new ProfilerPool({ log: (l) => process.env.TTC_LENS_DEBUG && process.stderr.write(`${l}\n`) });
  const interactive = !p.json && process.stderr.isTTY;
  try {
    const r = await verifyRewrite(pool, { original: q.model, rewritten: q.out, ...p.verify }, p.q.to, p.thresholds, {
      onProgress: interactive ? (m) => process.stderr.write(`\r\x1b[K${m}`) : undefined,
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    const v: Verified | undefined = r.ok ? r.value : undefined;
    const failure = r.ok ? undefined : formatFailure(r.failure);
    if (p.json) {
      process.stdout.write(JSON.stringify({ ok: !!v && v.judgement.verdict === 'helped', model: q.model, out: q.out, summary: q.summary, bytesIn: q.bytesIn, bytesOut: q.bytesOut, verification: v ?? null, ...(failure ? { failure } : {}) }, jsonNumbers, 2) + '\n');
    } else process.stdout.write(formatReport(q, v, failure) + '\n');
    return v?.judgement.verdict === 'helped' ? 0 : 1;
  } finally {
    await pool.dispose();
  }
}
