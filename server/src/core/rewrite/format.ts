/** The verification report of a rewrite as text (CLI) and as one line (code action titles, logs). */
import * as path from 'node:path';
import { worst } from './fidelity';
import type { QuantizeFileResult, Verified } from './pipeline';
import { fmtDb, pointLabel, type Verdict } from './verify';

const VERDICT_TEXT: Record<Verdict, string> = {
  helped: 'helped',
  'not-faster': 'not faster',
  'below-fidelity': 'below fidelity',
  failed: 'failed',
};

export function verdictText(v: Verdict): string {
  return VERDICT_TEXT[v];
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

const row = (label: string, text: string) => `${label.padEnd(12)}${text}`;

/** One line: "int8: 2.70× faster (batch 1), SQNR 33.1 dB — helped". */
export function oneLine(to: string, v: Verified): string {
  const timed = v.result.timing.filter((p) => p.speedup !== undefined);
  const speed = timed.length ? timed.map((p) => `${p.speedup!.toFixed(2)}× (${pointLabel(p)})`).join(', ') : 'not timed';
  const fid = v.result.fidelity.length ? `SQNR ${fmtDb(worst(v.result.fidelity).sqnrDb)}` : 'no fidelity';
  return `${to}: ${speed}, ${fid} — ${verdictText(v.judgement.verdict)}`;
}

export function formatReport(q: QuantizeFileResult, v: Verified | undefined, failure?: string): string {
  const s = q.summary;
  const lines: string[] = [];
  const how = s.to === 'int8' ? `${s.layout} layout` : `MatMulNBits`;
  lines.push(row('Quantized', `${q.model} → ${path.basename(q.out)} (${s.to}, ${how})`));
  const sub = s.rewritten.filter((r) => r.graph).length;
  const counts = `${s.rewritten.length} MatMul/Gemm${sub ? ` (${sub} in subgraphs)` : ''}${s.sharedInputs ? `, ${s.sharedInputs} shared input(s) quantized once` : ''}`;
  lines.push(row('Rewritten', counts));
  if (s.skipped.length) {
    const reasons = new Map<string, number>();
    for (const k of s.skipped) reasons.set(k.reason, (reasons.get(k.reason) ?? 0) + 1);
    lines.push(row('Left alone', [...reasons].map(([r, n]) => `${n} (${r})`).join('; ')));
  }
  lines.push(row('Size', `${mb(q.bytesIn)} → ${mb(q.bytesOut)}${s.opsetsAdded.length ? `; opset imports added: ${s.opsetsAdded.join(', ')}` : ''}`));
  if (!v) {
    lines.push(row('Verified', `no — ${failure ?? 'the profiler did not answer'}`));
    return lines.join('\n');
  }
  const r = v.result;
  if (!r.session.ok) {
    lines.push(row('Session', `does not load: ${r.session.error}`));
  } else {
    const f = r.fusion;
    const fused = f ? `; optimized graph: ${Object.entries(f.quantOps).map(([op, n]) => `${n} ${op}`).join(', ') || 'no quantized operators'}${f.ok ? '' : ` — ${f.unfused.length} DequantizeLinear still feed float ${f.unfused.map((u) => u.op).join('/')}`}` : '';
    lines.push(row('Session', `loads (${Math.round(r.session.loadMs ?? 0)} ms)${fused}`));
  }
  if (r.fidelity.length) {
    const w = worst(r.fidelity);
    const top = w.top1 !== undefined ? ` · top-1 ${(w.top1 * 100).toFixed(1)}%` : '';
    lines.push(row('Fidelity', `SQNR ${fmtDb(w.sqnrDb)} · cosine ${w.cosine.toFixed(5)} · max abs error ${w.maxAbsError.toPrecision(3)}${top} (${r.fidelityInputs} inputs: ${r.fidelityNote}; worst of ${r.fidelity.length} output(s))`));
  }
  for (const [i, p] of r.timing.entries()) {
    const label = i === 0 ? 'Speed' : '';
    if (p.error) lines.push(row(label, `${pointLabel(p)}: ${p.error}`));
    else {
      const ci = p.ci95 ? ` (95% CI ${p.ci95[0].toFixed(2)}–${p.ci95[1].toFixed(2)}×)` : '';
      lines.push(row(label, `${pointLabel(p)}: ${p.speedup!.toFixed(2)}×${ci}  ${p.originalMs!.toFixed(3)} → ${p.rewrittenMs!.toFixed(3)} ms, ${p.pairs} block pairs`));
    }
  }
  const j = v.judgement;
  lines.push(row('Verdict', `${verdictText(j.verdict)}${j.reasons.length ? ` — ${j.reasons.join('; ')}` : ''} (thresholds: SQNR ≥ ${v.thresholds.minSqnrDb} dB, speedup ≥ ${v.thresholds.minSpeedup}×)`));
  lines.push(row('Machine', `${r.env.threads} thread(s), ${r.env.ep}, ORT ${r.env.ortVersion}; load average ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`));
  return lines.join('\n');
}
