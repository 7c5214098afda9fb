/**
 * One benchmark run as the benchmark panel (and its exports) receive it: the measurement beside the
 * estimate, ready to draw — the per-query latencies with their empirical CDF, measured against
 * estimated time per call kind, calls against the plan, memory, cost, the budget, the load average and
 * the hardware it ran on. Everything the panel shows is computed here; the webview only draws it.
 */
import type { Budget } from '../config/types';
import type { RunEnvironment } from '../profile/protocol';
import { relError, type BenchSummary } from './benchSummary';
import type { Estimate } from './estimate';
import type { ModelCharts } from './modelCharts';
import type { CallKind } from './plan';

export interface BenchLatency {
  p50_ms: number;
  p95_ms: number;
  mean_ms: number;
}

export interface BenchKindRow {
  kind: CallKind;
  /** Mean time per query, ms. */
  measured_ms: number;
  estimate_ms: number;
  /** (estimate − measured) / measured; null when nothing was measured. */
  error: number | null;
  calls: number;
  planned: number;
}

export interface BenchReport {
  /** Config file name (no directories). */
  config: string;
  approach: string;
  /** ISO time the run finished. */
  at: string;
  queries: number;
  truncated: boolean;
  measured: BenchLatency;
  estimate: BenchLatency & { provenance: string; band: number };
  /** Relative error of the estimate, (estimate − measured) / measured. */
  error: { p50: number | null; p95: number | null; mean: number | null; memory: number | null };
  per_query_ms: number[];
  /** Empirical CDF: per-query times sorted, and the fraction of queries at or under each. */
  cdf: { ms: number[]; p: number[] };
  kinds: BenchKindRow[];
  calls_match: boolean;
  memory: { peak_bytes: number; base_bytes: number; estimate_bytes: number };
  cost: { measured_per_1k_usd?: number; estimate_per_1k_usd?: number };
  budget: { p50_ms?: number; p95_ms?: number; memory_bytes?: number; cost_per_1k_usd?: number };
  /** Budgets the measurement breaches, one sentence each. */
  breaches: string[];
  load: [number, number];
  busy: boolean;
  hardware: { cpu: string; logical_cores: number; physical_cores: number; memory_bytes: number; os: string; arch: string; id: string; ep: string; threads: number; ort: string };
  /** Per-model charts: decode step time against batch, top operators (modelCharts.ts). */
  models?: ModelCharts;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The CDF of a sample: sorted values and i/n for each. */
export function empiricalCdf(values: number[]): { ms: number[]; p: number[] } {
  const ms = [...values].sort((a, b) => a - b);
  return { ms, p: ms.map((_, i) => (i + 1) / ms.length) };
}

export function benchReport(args: { config: string; summary: BenchSummary; estimate: Estimate; env: RunEnvironment; budget: Budget; at?: Date; models?: ModelCharts }): BenchReport {
  const { summary: b, estimate: e, env, budget } = args;
  const kinds = new Set<CallKind>([...(Object.keys(b.by_kind_ms) as CallKind[]), ...(Object.keys(e.breakdown.byKind) as CallKind[])]);
  for (const [k, v] of Object.entries(b.calls_planned)) if (v) kinds.add(k as CallKind);
  const rows: BenchKindRow[] = [...kinds].map((kind) => {
    const m = b.by_kind_ms[kind] ?? 0;
    const est = e.breakdown.byKind[kind] ?? 0;
    return { kind, measured_ms: m, estimate_ms: est, error: num(relError(est, m)), calls: b.calls[kind] ?? 0, planned: b.calls_planned[kind] ?? 0 };
  }).filter((r) => r.measured_ms > 0 || r.estimate_ms > 0 || r.calls > 0 || r.planned > 0);
  const breaches: string[] = [];
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  if (budget.latency_p50_ms !== undefined && b.latency.p50_ms > budget.latency_p50_ms) breaches.push(`measured p50 ${ms(b.latency.p50_ms)} exceeds the budget of ${ms(budget.latency_p50_ms)}`);
  if (budget.latency_p95_ms !== undefined && b.latency.p95_ms > budget.latency_p95_ms) breaches.push(`measured p95 ${ms(b.latency.p95_ms)} exceeds the budget of ${ms(budget.latency_p95_ms)}`);
  if (budget.memory_bytes !== undefined && b.memory.peak_bytes > budget.memory_bytes) breaches.push(`measured peak RSS ${b.memory.peak_bytes} B exceeds the budget of ${budget.memory_bytes} B`);
  if (budget.cost_per_1k_usd !== undefined && b.cost.per_1k_usd !== undefined && b.cost.per_1k_usd > budget.cost_per_1k_usd) breaches.push(`measured cost $${b.cost.per_1k_usd.toFixed(4)}/1k exceeds the budget of $${budget.cost_per_1k_usd}`);
  const m = env.machine;
  return {
    config: args.config,
    approach: e.approach,
    at: (args.at ?? new Date()).toISOString(),
    queries: b.queries,
    truncated: b.truncated,
    measured: b.latency,
    estimate: { ...e.latency, provenance: e.provenance.overall, band: e.band },
    error: {
      p50: num(relError(e.latency.p50_ms, b.latency.p50_ms)),
      p95: num(relError(e.latency.p95_ms, b.latency.p95_ms)),
      mean: num(relError(e.latency.mean_ms, b.latency.mean_ms)),
      memory: num(relError(e.memory.peak_bytes, b.memory.peak_bytes)),
    },
    per_query_ms: b.per_query_ms,
    cdf: empiricalCdf(b.per_query_ms),
    kinds: rows,
    calls_match: b.calls_match,
    memory: { peak_bytes: b.memory.peak_bytes, base_bytes: b.memory.base_bytes, estimate_bytes: e.memory.peak_bytes },
    cost: { ...(b.cost.per_1k_usd !== undefined ? { measured_per_1k_usd: b.cost.per_1k_usd } : {}), ...(e.cost.per_1k_usd !== undefined ? { estimate_per_1k_usd: e.cost.per_1k_usd } : {}) },
    budget: {
      ...(budget.latency_p50_ms !== undefined ? { p50_ms: budget.latency_p50_ms } : {}),
      ...(budget.latency_p95_ms !== undefined ? { p95_ms: budget.latency_p95_ms } : {}),
      ...(budget.memory_bytes !== undefined ? { memory_bytes: budget.memory_bytes } : {}),
      ...(budget.cost_per_1k_usd !== undefined ? { cost_per_1k_usd: budget.cost_per_1k_usd } : {}),
    },
    breaches,
    load: b.load,
    busy: b.busy,
    hardware: { cpu: m.cpuModel, logical_cores: m.logicalCores, physical_cores: m.physicalCores, memory_bytes: m.memoryBytes, os: m.os, arch: m.arch, id: m.id, ep: env.ep, threads: env.threads, ort: env.ortVersion },
    ...(args.models ? { models: args.models } : {}),
  };
}
