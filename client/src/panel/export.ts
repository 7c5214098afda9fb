/**
 * A benchmark report as JSON, CSV and Markdown (the panel's Export and Copy as Markdown), and this run
 * against the previous run of the same config. Pure functions of the server's BenchReport.
 */
import type { BenchReport } from '../../../server/src/protocol';
import type { ComparisonRow, ExportFormat } from './messages';

/** Slower (or bigger, dearer) by more than this fraction is a regression. */
export const REGRESSION_THRESHOLD = 0.1;

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtBytes(b: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = b;
  while (x >= 1024 && i < u.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i ? x.toFixed(1) : x} ${u[i]}`;
}

export function fmtPct(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

const usd = (x: number | undefined) => (x === undefined ? '—' : `$${x < 0.01 ? x.toPrecision(2) : x.toFixed(2)}`);

export function toJson(r: BenchReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

function csvCell(v: string | number | boolean | null | undefined): string {
  const s = v == null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per figure (section, name, measured, estimate, error), then one row per query. */
export function toCsv(r: BenchReport): string {
  const rows: Array<Array<string | number | boolean | null | undefined>> = [['section', 'name', 'measured', 'estimate', 'error', 'calls', 'planned']];
  for (const k of ['p50', 'p95', 'mean'] as const) rows.push(['latency_ms', k, r.measured[`${k}_ms`], r.estimate[`${k}_ms`], r.error[k]]);
  for (const k of r.kinds) rows.push(['kind_ms', k.kind, k.measured_ms, k.estimate_ms, k.error, k.calls, k.planned]);
  rows.push(['memory_bytes', 'peak', r.memory.peak_bytes, r.memory.estimate_bytes, r.error.memory]);
  if (r.cost.measured_per_1k_usd !== undefined || r.cost.estimate_per_1k_usd !== undefined) rows.push(['cost_usd', 'per_1k', r.cost.measured_per_1k_usd, r.cost.estimate_per_1k_usd]);
  for (const c of r.models?.steps ?? []) {
    // measured = the benchmark's time per step, estimate = the estimate's; τ(B) at the plan's context is in the JSON.
    c.batches.forEach((b, i) => {
      if (c.measured_ms[i] != null || c.estimate_ms[i] != null) rows.push(['step_ms', `${c.model} B=${b}`, c.measured_ms[i], c.estimate_ms[i], c.measured_ms[i] && c.estimate_ms[i] ? (c.estimate_ms[i]! - c.measured_ms[i]!) / c.measured_ms[i]! : undefined]);
    });
  }
  for (const c of r.models?.ops ?? []) for (const o of c.ops) rows.push(['op_share', `${c.model} ${o.op}`, o.share]);
  r.per_query_ms.forEach((ms, i) => rows.push(['query_ms', i + 1, ms]));
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export function toMarkdown(r: BenchReport, comparison?: ComparisonRow[]): string {
  const L: string[] = [];
  L.push(`## Benchmark of ${r.config} (${r.approach})`, '');
  L.push(`${r.queries} queries after 1 warm-up${r.truncated ? ' (stopped early by the time cap)' : ''}, ${r.at}.`, '');
  L.push('| | p50 | p95 | mean |', '|---|---|---|---|');
  L.push(`| Measured | ${fmtMs(r.measured.p50_ms)} | ${fmtMs(r.measured.p95_ms)} | ${fmtMs(r.measured.mean_ms)} |`);
  L.push(`| Estimate (${r.estimate.provenance}, ±${(r.estimate.band * 100).toFixed(0)}%) | ${fmtMs(r.estimate.p50_ms)} | ${fmtMs(r.estimate.p95_ms)} | ${fmtMs(r.estimate.mean_ms)} |`);
  L.push(`| Error | ${fmtPct(r.error.p50)} | ${fmtPct(r.error.p95)} | ${fmtPct(r.error.mean)} |`);
  if (r.budget.p50_ms !== undefined || r.budget.p95_ms !== undefined) L.push(`| Budget | ${r.budget.p50_ms !== undefined ? fmtMs(r.budget.p50_ms) : '—'} | ${r.budget.p95_ms !== undefined ? fmtMs(r.budget.p95_ms) : '—'} | |`);
  L.push('', '| Call kind | measured / query | estimate / query | error | calls | plan |', '|---|---|---|---|---|---|');
  for (const k of r.kinds) L.push(`| ${k.kind} | ${fmtMs(k.measured_ms)} | ${fmtMs(k.estimate_ms)} | ${fmtPct(k.error)} | ${k.calls} | ${k.planned} |`);
  L.push('');
  L.push(`- Calls ${r.calls_match ? 'equal the plan' : '**differ from the plan**'}.`);
  L.push(`- Peak RSS ${fmtBytes(r.memory.peak_bytes)} (process at start ${fmtBytes(r.memory.base_bytes)}); estimate ${fmtBytes(r.memory.estimate_bytes)}.`);
  if (r.cost.measured_per_1k_usd !== undefined) L.push(`- Cost per 1k queries ${usd(r.cost.measured_per_1k_usd)} measured, ${usd(r.cost.estimate_per_1k_usd)} estimated.`);
  L.push(`- Load average ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}${r.busy ? ' — **the machine was busy**: compare only quiet runs' : ''}.`);
  for (const b of r.breaches) L.push(`- **Over budget:** ${b}.`);
  const h = r.hardware;
  L.push(`- Hardware: ${h.cpu}, ${h.physical_cores} cores / ${h.logical_cores} threads, ${fmtBytes(h.memory_bytes)}, ${h.os} ${h.arch}; ${h.ep} EP, ${h.threads} threads, ONNX Runtime ${h.ort} (machine ${h.id}).`);
  for (const c of r.models?.steps ?? []) {
    L.push('', `| ${c.model}: decode step at context ${c.context} | τ(B) grid | estimate / step | measured / step |`, '|---|---|---|---|');
    const f = (x: number | null) => (x == null ? '—' : fmtMs(x));
    c.batches.forEach((b, i) => L.push(`| B = ${b} | ${f(c.tau_ms[i])} | ${f(c.estimate_ms[i])} | ${f(c.measured_ms[i])} |`));
  }
  for (const c of r.models?.ops ?? []) L.push('', `- Top operators of ${c.model} (${fmtMs(c.node_ms)} of node time per run): ${c.ops.map((o) => `${o.op} ${(o.share * 100).toFixed(1)}%`).join(', ')}.`);
  if (comparison?.length) {
    L.push('', '| Against the previous run | previous | this run | change |', '|---|---|---|---|');
    for (const c of comparison) L.push(`| ${c.label} | ${c.previous} | ${c.current} | ${c.regression ? `**${c.change}** (regression)` : c.change} |`);
  }
  return L.join('\n') + '\n';
}

export function exportReport(r: BenchReport, format: ExportFormat, comparison?: ComparisonRow[]): string {
  return format === 'json' ? toJson(r) : format === 'csv' ? toCsv(r) : toMarkdown(r, comparison);
}

/** This run against the previous one: latency percentiles, per-kind times and peak RSS. */
export function compareReports(prev: BenchReport, cur: BenchReport, threshold = REGRESSION_THRESHOLD): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const add = (label: string, p: number, c: number, fmt: (x: number) => string) => {
    const change = p > 0 ? (c - p) / p : NaN;
    rows.push({ label, previous: fmt(p), current: fmt(c), change: fmtPct(change), regression: Number.isFinite(change) && change > threshold });
  };
  add('p50', prev.measured.p50_ms, cur.measured.p50_ms, fmtMs);
  add('p95', prev.measured.p95_ms, cur.measured.p95_ms, fmtMs);
  add('mean', prev.measured.mean_ms, cur.measured.mean_ms, fmtMs);
  for (const k of cur.kinds) {
    const p = prev.kinds.find((x) => x.kind === k.kind);
    if (p) add(`${k.kind} / query`, p.measured_ms, k.measured_ms, fmtMs);
  }
  add('peak RSS', prev.memory.peak_bytes, cur.memory.peak_bytes, fmtBytes);
  return rows;
}
