/**
 * A bench run (the executor's ExecuteResult) summarised the way every surface shows it: latency
 * percentiles over the measured queries, per-kind means, call counts against the plan, peak RSS,
 * cost and capacity, and whether the machine was busy.
 */
import { quantileSorted } from '../profile/stats';
import type { CallKind } from './plan';
import type { ExecuteResult } from './protocol';

export interface BenchSummary {
  queries: number;
  latency: { p50_ms: number; p95_ms: number; mean_ms: number };
  per_query_ms: number[];
  by_kind_ms: Partial<Record<CallKind, number>>;
  calls: Record<CallKind, number>;
  calls_planned: Record<CallKind, number>;
  calls_match: boolean;
  memory: { peak_bytes: number; base_bytes: number };
  cost: { per_1k_usd?: number };
  capacity_qps: number;
  load: [number, number];
  busy: boolean;
  truncated: boolean;
}

/** Relative error of the estimate against the measurement ((est − meas) / meas). */
export function relError(est: number, meas: number): number {
  return meas > 0 ? (est - meas) / meas : NaN;
}

export function summarize(r: ExecuteResult, plannedCalls: Record<CallKind, number>, pricePerHour: number | undefined, cores: number): BenchSummary {
  const ms = r.queries.map((q) => q.ms);
  const sorted = Float64Array.from(ms).sort();
  const mean = ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length);
  const byKind: Partial<Record<CallKind, number>> = {};
  for (const q of r.queries) for (const [k, v] of Object.entries(q.byKind)) byKind[k as CallKind] = (byKind[k as CallKind] ?? 0) + (v ?? 0) / r.queries.length;
  const match = (Object.keys(plannedCalls) as CallKind[]).every((k) => plannedCalls[k] === r.calls[k]);
  return {
    queries: ms.length,
    latency: { p50_ms: quantileSorted(sorted, 0.5), p95_ms: quantileSorted(sorted, 0.95), mean_ms: mean },
    per_query_ms: ms,
    by_kind_ms: byKind,
    calls: r.calls,
    calls_planned: plannedCalls,
    calls_match: match,
    memory: { peak_bytes: r.peakRssBytes, base_bytes: r.baseRssBytes },
    cost: pricePerHour !== undefined ? { per_1k_usd: (pricePerHour * mean) / 3600 } : {},
    capacity_qps: mean > 0 ? 1000 / mean : Infinity,
    load: r.load,
    busy: Math.max(...r.load) > cores * 0.75,
    truncated: !!r.truncated,
  };
}

