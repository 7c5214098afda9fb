/**
 * Structured pruning on files (the `ttc-lens prune` CLI and the language server's code action): read
 * the model, prune it (prune.ts), write `<name>.pruned<R>.onnx` beside it atomically — never over the
 * original, never over an existing file unless forced — and format the verification report. The
 * verification itself is the same as for quantization (pipeline.ts `verifyRewrite`).
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../onnx/writer';
import { encodeModel } from './model';
import { asModelError, checkOutPath, readModel, RewriteError, type Verified } from './pipeline';
import { pruneModel, type PruneReport } from './prune';
import { worst } from './fidelity';
import { fmtDb, pointLabel, type Thresholds } from './verify';
import { verdictText } from './format';

/**
 * Pruning without fine-tuning moves outputs much more than quantization: the default fidelity floor
 * is 15 dB SQNR (int4's) and a 1.1× speedup where the plan runs the model; both settable.
 */
export const PRUNE_THRESHOLDS: Thresholds = { minSqnrDb: 15, minSpeedup: 1.1 };

export interface PruneFileResult {
  model: string;
  out: string;
  report: PruneReport;
  bytesIn: number;
  bytesOut: number;
  thresholds: Thresholds;
}

/** `<dir>/<name>.pruned<percent>.onnx`. */
export function prunedPath(model: string, ratio: number): string {
  return path.join(path.dirname(model), `${path.basename(model).replace(/\.onnx$/i, '')}.pruned${Math.round(ratio * 100)}.onnx`);
}

export async function pruneFile(model: string, o: { ratio: number; out?: string; force?: boolean; scope?: 'ffn' | 'conv' | 'all' }): Promise<PruneFileResult> {
  if (!(o.ratio > 0 && o.ratio < 1)) throw new RewriteError(`--ratio must be above 0 and below 1 (got ${o.ratio})`, 'usage');
  const out = o.out ?? prunedPath(model, o.ratio);
  checkOutPath(model, out, o.force ?? false);
  const { bytes, model: m } = readModel(model);
  const report: PruneReport = asModelError(model, () => pruneModel(m, { ratio: o.ratio, scope: o.scope }));
  const pruned = report.sites.filter((s) => s.unitsAfter < s.unitsBefore);
  if (!pruned.length) {
    const why = report.refused.length ? `: ${report.refused.slice(0, 3).map((r) => `${r.site}: ${r.reason}`).join('; ')}${report.refused.length > 3 ? `; and ${report.refused.length - 3} more` : ''}` : ' (no feed-forward block or conv chain the coupling analysis understands)';
    throw new RewriteError(`nothing to prune in ${model}${why}`, 'nothing');
  }
  const encoded = encodeModel(m);
  await writeFileAtomic(out, encoded);
  return { model, out, report, bytesIn: bytes.byteLength, bytesOut: encoded.byteLength, thresholds: PRUNE_THRESHOLDS };
}

const row = (label: string, text: string) => `${label.padEnd(12)}${text}`;
const mb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);

export function formatPruneReport(p: PruneFileResult, v: Verified | undefined, failure?: string): string {
  const r = p.report;
  const lines: string[] = [];
  lines.push(row('Pruned', `${p.model} → ${path.basename(p.out)} (structured, ${Math.round(r.ratio * 100)}% of units per site)`));
  const sites = r.sites.filter((s) => s.unitsAfter < s.unitsBefore);
  lines.push(row('Sites', `${sites.length} (${sites.slice(0, 4).map((s) => `${s.id} ${s.unitsBefore}→${s.unitsAfter}`).join(', ')}${sites.length > 4 ? ', …' : ''})`));
  if (r.refused.length) lines.push(row('Refused', r.refused.slice(0, 4).map((x) => `${x.site}: ${x.reason}`).join('; ') + (r.refused.length > 4 ? `; and ${r.refused.length - 4} more` : '')));
  for (const n of r.notes) lines.push(row('Note', n));
  lines.push(row('Size', `${mb(p.bytesIn)} → ${mb(p.bytesOut)}; ${r.parametersRemoved.toLocaleString('en-US')} parameters removed`));
  if (!v) {
    lines.push(row('Verified', `no — ${failure ?? 'the profiler did not answer'}`));
    return lines.join('\n');
  }
  const res = v.result;
  lines.push(row('Session', res.session.ok ? `loads (${Math.round(res.session.loadMs ?? 0)} ms)` : `does not load: ${res.session.error}`));
  if (res.fidelity.length) {
    const w = worst(res.fidelity);
    lines.push(row('Fidelity', `SQNR ${fmtDb(w.sqnrDb)} · cosine ${w.cosine.toFixed(5)} · max abs error ${w.maxAbsError.toPrecision(3)}${w.top1 !== undefined ? ` · top-1 ${(w.top1 * 100).toFixed(1)}%` : ''} (${res.fidelityInputs} inputs; no fine-tuning after pruning)`));
  }
  for (const [i, t] of res.timing.entries()) {
    if (t.error) lines.push(row(i === 0 ? 'Speed' : '', `${pointLabel(t)}: ${t.error}`));
    else lines.push(row(i === 0 ? 'Speed' : '', `${pointLabel(t)}: ${t.speedup!.toFixed(2)}×${t.ci95 ? ` (95% CI ${t.ci95[0].toFixed(2)}–${t.ci95[1].toFixed(2)}×)` : ''}  ${t.originalMs!.toFixed(3)} → ${t.rewrittenMs!.toFixed(3)} ms`));
  }
  const j = v.judgement;
  lines.push(row('Verdict', `${verdictText(j.verdict)}${j.reasons.length ? ` — ${j.reasons.join('; ')}` : ''} (thresholds: SQNR ≥ ${v.thresholds.minSqnrDb} dB, speedup ≥ ${v.thresholds.minSpeedup}×)`));
  lines.push(row('Machine', `${res.env.threads} thread(s), ${res.env.ep}, ORT ${res.env.ortVersion}; load average ${res.load[0].toFixed(2)} → ${res.load[1].toFixed(2)}`));
  return lines.join('\n');
}

/** One line for titles: "prune 50%: 1.74× (B=1), SQNR 12.0 dB — below fidelity". */
export function pruneOneLine(p: PruneFileResult, v: Verified): string {
  const timed = v.result.timing.filter((t) => t.speedup !== undefined);
  const speed = timed.length ? timed.map((t) => `${t.speedup!.toFixed(2)}× (${pointLabel(t)})`).join(', ') : 'not timed';
  const fid = v.result.fidelity.length ? `SQNR ${fmtDb(worst(v.result.fidelity).sqnrDb)}` : 'no fidelity';
  return `prune ${Math.round(p.report.ratio * 100)}%: ${speed}, ${fid} — ${verdictText(v.judgement.verdict)}`;
}
