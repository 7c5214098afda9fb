/**
 * `ttc-lens prune <model.onnx> --ratio R`: remove the lowest-scoring R of each prunable site's units
 * (feed-forward hidden units; conv output channels where the coupling analysis proves it safe), write
 * `<name>.pruned<R%>.onnx` beside the model (never over it), verify it in the profiler process like
 * `quantize` does, and print the report. Exit codes as `quantize`: 0 written and helped, 1 written but
 * not faster / below fidelity / not verified, or nothing to prune, 2 usage errors.
 */
import { formatFailure } from '../core/profile/format';
import { ProfilerPool } from '../core/profile/pool';
import { RewriteError, verifyRewrite, type Verified } from '../core/rewrite/pipeline';
import { formatPruneReport, pruneFile, PRUNE_THRESHOLDS, type PruneFileResult } from '../core/rewrite/prunePipeline';
import { unstructuredPruning } from '../core/rewrite/prune';
import { finishVerifyArgs, jsonNumbers, verifyArgs, verifyOption, walkArgs, type VerifyArgs } from './verifyOptions';

export const USAGE = `Usage: ttc-lens prune <model.onnx> --ratio R [options]

Structured pruning: removes the fraction R of each prunable site's units — feed-forward hidden units
(MatMul/Gemm → activation → MatMul, gated FFNs included) and conv output channels where the coupling
analysis proves it safe — scored by ‖W_in[:,j]‖·‖W_out[j,:]‖, slicing every coupled tensor. Sites it
does not understand are refused with the reason, never rewritten wrongly. Writes
<name>.pruned<R%>.onnx beside the model, then verifies it with ONNX Runtime in a separate process
(session, outputs against the original, interleaved A/B timing). No fine-tuning happens: expect the
outputs to move.

Unstructured (magnitude) pruning is not offered: ONNX Runtime on CPU multiplies zeroed weights as
dense tensors, so it makes nothing smaller or faster (--unstructured explains).

Options:
  --ratio R             fraction of units removed per site, 0 < R < 1 (required)
  --scope ffn|conv|all  which sites (default all)
  -o, --out FILE        output file (default <name>.pruned<R%>.onnx beside the model)
  --force               replace an existing output file
  --batch LIST          batch sizes timed (default 1), e.g. 1,64
  --context LIST        decoders: cache lengths of the timed decode step (default 128)
  --bind k=v            bind a symbolic dimension (repeatable)
  --samples FILE        sample inputs for the comparison, JSON {input: {dims, dtype, data}}
  --threads N           intra-op threads (default: physical cores)
  --max-time MS         time cap per timed point, both models together (default 4000)
  --min-sqnr DB         fidelity threshold (default ${PRUNE_THRESHOLDS.minSqnrDb})
  --min-speedup X       speed threshold (default ${PRUNE_THRESHOLDS.minSpeedup})
  --no-verify           write the model without verifying it
  --json                machine-readable output`;

interface Parsed extends VerifyArgs {
  model?: string;
  ratio?: number;
  scope?: 'ffn' | 'conv' | 'all';
  out?: string;
  force: boolean;
  unstructured: boolean;
}

export function parseArgs(args: string[]): Parsed {
  const p: Parsed = { force: false, ...verifyArgs(), unstructured: false };
  const bind: Record<string, number> = {};
  walkArgs(
    args,
    (a, r) => {
      switch (a) {
        case '--ratio': {
          const x = Number(r.value());
          if (!(x > 0 && x < 1)) throw new Error(`--ratio must be above 0 and below 1, got '${r.current()}'`);
          p.ratio = x;
          return true;
        }
        case '--scope': {
          const v = r.value();
          if (v !== 'ffn' && v !== 'conv' && v !== 'all') throw new Error(`--scope must be ffn, conv or all, got '${v}'`);
          p.scope = v;
          return true;
        }
        case '-o':
        case '--out':
          p.out = r.value();
          return true;
        case '--force':
          p.force = true;
          return true;
        case '--unstructured':
          p.unstructured = true;
          return true;
        default:
          return verifyOption(a, r, p, bind);
      }
    },
    (a) => {
      if (p.model) throw new Error(`one model at a time (got '${p.model}' and '${a}')`);
      p.model = a;
    },
  );
  if (p.unstructured) return p;
  if (!p.model) throw new Error('which model? (ttc-lens prune <model.onnx> --ratio R)');
  if (p.ratio === undefined) throw new Error('--ratio R is required (e.g. --ratio 0.5)');
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
    process.stderr.write(`ttc-lens prune: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  if (p.unstructured) {
    const u = unstructuredPruning();
    if (p.json) process.stdout.write(JSON.stringify({ ok: false, ...u }, null, 2) + '\n');
    process.stderr.write(`ttc-lens prune: unstructured pruning is not offered. ${u.reason}\n`);
    return 2;
  }
  let r: PruneFileResult;
  try {
    r = await pruneFile(p.model!, { ratio: p.ratio!, out: p.out, force: p.force, scope: p.scope });
  } catch (e) {
    if (!(e instanceof RewriteError)) throw e;
    if (p.json) process.stdout.write(JSON.stringify({ ok: false, error: e.message, kind: e.kind }, null, 2) + '\n');
    process.stderr.write(`ttc-lens prune: ${e.message}\n`);
    return e.kind === 'usage' ? 2 : 1;
  }
  if (p.noVerify) {
    process.stdout.write(p.json ? JSON.stringify({ ok: true, model: r.model, out: r.out, report: r.report, bytesIn: r.bytesIn, bytesOut: r.bytesOut }, null, 2) + '\n' : formatPruneReport(r, undefined, 'skipped (--no-verify)') + '\n');
    return 0;
  }
  const pool = new ProfilerPool({ log: (l) => process.env.TTC_LENS_DEBUG && process.stderr.write(`${l}\n`) });
  const interactive = !p.json && process.stderr.isTTY;
  try {
    const o = await verifyRewrite(pool, { original: r.model, rewritten: r.out, ...p.verify }, 'int4', { ...r.thresholds, ...p.thresholds }, {
      onProgress: interactive ? (m) => process.stderr.write(`\r\x1b[K${m}`) : undefined,
    });
    if (interactive) process.stderr.write('\r\x1b[K');
    const v: Verified | undefined = o.ok ? o.value : undefined;
    const failure = o.ok ? undefined : formatFailure(o.failure);
    if (p.json) {
      process.stdout.write(JSON.stringify({ ok: !!v && v.judgement.verdict === 'helped', model: r.model, out: r.out, report: r.report, bytesIn: r.bytesIn, bytesOut: r.bytesOut, verification: v ?? null, ...(failure ? { failure } : {}) }, jsonNumbers, 2) + '\n');
    } else process.stdout.write(formatPruneReport(r, v, failure) + '\n');
    return v?.judgement.verdict === 'helped' ? 0 : 1;
  } finally {
    await pool.dispose();
  }
}
