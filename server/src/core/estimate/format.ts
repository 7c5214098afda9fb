/**
 * Words and numbers for estimates: the CLI's text report, the JSON contract of `ttc-lens estimate
 * --json` (docs/cli.md), and short forms for hints and lenses.
 */
import type { Estimate } from './estimate';
import type { CallKind } from './plan';

export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 1) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(3)} ms`;
}

export function fmtBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(b)} B`;
}

export function fmtUsd(v: number | undefined): string {
  if (v === undefined) return '—';
  return v >= 1 ? `$${v.toFixed(2)}` : v >= 0.01 ? `$${v.toFixed(3)}` : `$${v.toPrecision(2)}`;
}

export function fmtFlops(f: number): string {
  const units: Array<[number, string]> = [[1e15, 'PFLOP'], [1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1e3, 'kFLOP']];
  for (const [s, u] of units) if (f >= s) return `${(f / s).toFixed(2)} ${u}`;
  return `${Math.round(f)} FLOP`;
}

const KIND_LABEL: Record<CallKind, string> = {
  prefill: 'prefill',
  steps: 'decode steps',
  score: 'verifier',
  kv_tile: 'KV tiling',
  kv_gather: 'KV gathers',
  run: 'model runs',
};

/** "≈ 1.84 s p95 · $0.061/1k · 2.1 GiB" */
export function shortEstimate(e: Estimate): string {
  return `≈ ${fmtMs(e.latency.p95_ms)} p95 · ${e.cost.per_1k_usd !== undefined ? `${fmtUsd(e.cost.per_1k_usd)}/1k · ` : ''}${fmtBytes(e.memory.peak_bytes)}`;
}

export function formatEstimateText(e: Estimate, title: string): string {
  const L: string[] = [];
  const row = (k: string, v: string) => L.push(`${k.padEnd(18)} ${v}`);
  row('Config', title);
  row('Approach', `${e.approach} (${e.queries} queries drawn)`);
  row('Latency', `p50 ${fmtMs(e.latency.p50_ms)} · p95 ${fmtMs(e.latency.p95_ms)} · mean ${fmtMs(e.latency.mean_ms)}  (±${Math.round(e.band * 100)}%, ${e.provenance.overall})`);
  const total = Object.values(e.breakdown.byKind).reduce((a, b) => a + (b ?? 0), 0) || 1;
  for (const [k, v] of Object.entries(e.breakdown.byKind)) if (v) row(`  ${KIND_LABEL[k as CallKind]}`, `${fmtMs(v)} per query (${Math.round((v / total) * 100)}%)`);
  for (const s of e.breakdown.byStage ?? []) row(`  stage ${s.stage + 1}`, `${s.model}: ${fmtMs(s.mean_ms)} per query, reached by ${Math.round(s.reached * 100)}%`);
  const m = e.memory;
  row('Memory peak', `${fmtBytes(m.peak_bytes)} (weights ${fmtBytes(m.parts.weights)} + KV ${fmtBytes(m.parts.kv)} + activations/arena ${fmtBytes(m.parts.activations)}${m.parts.runtime ? ` + runtime ${fmtBytes(m.parts.runtime)}` : ''}; ${m.provenance})`);
  if (m.kvPeak.batch) row('  KV peak at', `${m.kvPeak.call}: ${m.kvPeak.batch} × ${m.kvPeak.context} tokens`);
  row('Cost', e.cost.per_1k_usd !== undefined ? `${fmtUsd(e.cost.per_1k_usd)} per 1k queries (at $${e.cost.price_per_hour}/h)` : 'set hardware.price_per_hour to see cost');
  row('Capacity', `${e.capacity_qps >= 100 ? e.capacity_qps.toFixed(0) : e.capacity_qps.toPrecision(3)} queries/s (one at a time)`);
  row('FLOPs', `${fmtFlops(e.flops.per_query_mean)} per query`);
  row('Calls', Object.entries(e.calls).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', '));
  for (const mg of e.marginals) row('Marginal', `${mg.label} ≈ ${mg.ms >= 0 ? '+' : '−'}${fmtMs(Math.abs(mg.ms))} mean`);
  L.push('Provenance');
  for (const c of e.provenance.calls.slice(0, 8)) L.push(`  ${`${c.model} ${c.kind}`.padEnd(24)} ${c.provenance.padEnd(12)} ${Math.round(c.share * 100)}%  ${c.sources.slice(0, 4).join(', ')}${c.sources.length > 4 ? ', …' : ''}`);
  for (const a of e.assumptions) row('Assumed', a);
  for (const n of e.notes) row('Note', n);
  if (e.breaches.length === 0) row('Budget', 'fits');
  for (const b of e.breaches) row(b.severity === 'error' ? 'Over budget' : 'Warning', b.message);
  return L.join('\n');
}

/** The JSON contract (docs/cli.md). */
export function estimateJson(e: Estimate): Record<string, unknown> {
  return {
    approach: e.approach,
    queries: e.queries,
    latency: e.latency,
    band: e.band,
    memory: { peak_bytes: e.memory.peak_bytes, parts: e.memory.parts, provenance: e.memory.provenance, kv_peak: e.memory.kvPeak },
    cost: e.cost,
    capacity_qps: Number.isFinite(e.capacity_qps) ? e.capacity_qps : null,
    flops: e.flops,
    breakdown: { by_kind_ms: e.breakdown.byKind, ...(e.breakdown.byStage ? { by_stage: e.breakdown.byStage } : {}) },
    calls: e.calls,
    provenance: e.provenance,
    marginals: e.marginals,
    assumptions: e.assumptions,
    notes: e.notes,
    breaches: e.breaches,
    fits: e.breaches.filter((b) => b.severity === 'error').length === 0,
  };
}
