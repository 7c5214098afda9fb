/**
 * One entry point for "rewrite this model file" (quantize int8/int4, structured prune) for the
 * language server's code actions, and the call shapes where a config's plan really runs a model —
 * the batch sizes and decode contexts a rewrite must be timed at (int4 gains shrink with batch:
 * a best-of-16 decodes at B = 16, so timing it at batch 1 would flatter it).
 */
import type { PlannedWorkload } from '../estimate/plan';
import { formatReport, oneLine } from './format';
import { quantizeFile, type Verified } from './pipeline';
import { pruneFile, formatPruneReport, pruneOneLine } from './prunePipeline';
import type { Thresholds } from './verify';

export interface RewriteFileResult {
  out: string;
  /** Thresholds of this kind of rewrite beyond the defaults of its judge. */
  thresholds?: Partial<Thresholds>;
  /** The verification report as text. */
  report(v: Verified | undefined, failure?: string): string;
  /** One line: measured speedup, fidelity, verdict. */
  line(v: Verified): string;
}

export async function rewriteFile(model: string, kind: 'int8' | 'int4' | 'prune', o: { ratio?: number; out?: string; force?: boolean } = {}): Promise<RewriteFileResult> {
  if (kind === 'prune') {
    const r = await pruneFile(model, { ratio: o.ratio ?? 0.5, out: o.out, force: o.force });
    return { out: r.out, thresholds: r.thresholds, report: (v, f) => formatPruneReport(r, v, f), line: (v) => pruneOneLine(r, v) };
  }
  const r = await quantizeFile(model, { to: kind, out: o.out, force: o.force });
  return { out: r.out, report: (v, f) => formatReport(r, v, f), line: (v) => oneLine(kind, v) };
}

/**
 * Where the plan runs `model`: its decode batches (smallest and largest) at the middle of its decode
 * contexts; for models without decode steps, the batches of its runs or verifier scores.
 */
export function rewritePoints(w: PlannedWorkload, model: string): { batches: number[]; contexts?: number[] } {
  const steps: Array<{ batch: number; lo: number; hi: number; n: number }> = [];
  const other = new Set<number>();
  for (const q of w.queries) {
    for (const { call } of q.calls) {
      if (call.model !== model) continue;
      if (call.kind === 'steps') steps.push({ batch: call.batch, lo: call.context, hi: call.context + call.count - 1, n: call.count });
      else if (call.kind === 'run' || call.kind === 'score') other.add(call.batch);
    }
  }
  if (steps.length) {
    const bs = [...new Set(steps.map((s) => s.batch))].sort((a, b) => a - b);
    // The step-weighted middle context.
    const total = steps.reduce((a, s) => a + s.n, 0);
    const mid = Math.round(steps.reduce((a, s) => a + s.n * ((s.lo + s.hi) / 2), 0) / Math.max(1, total));
    return { batches: bs.length > 1 ? [bs[0], bs[bs.length - 1]] : bs, contexts: [Math.max(1, mid)] };
  }
  const bs = [...other].sort((a, b) => a - b);
  return { batches: bs.length > 1 ? [bs[0], bs[bs.length - 1]] : bs.length ? bs : [1] };
}
