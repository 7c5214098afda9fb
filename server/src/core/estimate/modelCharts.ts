/**
 * The benchmark panel's per-model charts, ready to draw (the webview computes nothing):
 *
 * - Decode step time against batch, per generative model: τ(B) at the plan's context (the mean past
 *   length of the plan's decode steps) read from the measured grid (PointTable, the points cache) for
 *   every batch it holds, the measured grid points at the contexts bracketing it, the time per step
 *   the estimate prices for the plan's own steps at each of its batches and, after a benchmark, the
 *   executor's measured time per step at those batches.
 * - Top operators, per model: each operator type's share of node time from the profiler's per-op
 *   trace (core/profile/opTrace.ts), or why there is none and how to get one.
 */
import type { OpProfile } from '../profile/protocol';
import type { PlannedWorkload } from './plan';
import { priceCall, type MachineFacts, type ModelFacts } from './price';
import type { StepTiming } from './protocol';
import type { Provenance } from './table';

export interface StepChart {
  model: string;
  /** The plan's mean decode context (past length, weighted by steps), where τ(B) is read. */
  context: number;
  /** The x axis: every batch the grid measured decode steps at, and the plan's own batches (ascending). */
  batches: number[];
  /** τ(B) at `context` from the grid (null where the grid has no steps at that batch). */
  tau_ms: Array<number | null>;
  provenance: Array<Provenance | null>;
  /** Measured grid points at the contexts bracketing `context` (null where that batch lacks one). */
  grid: Array<{ context: number; ms: Array<number | null> }>;
  /** Time per step the estimate gives the plan's steps at each batch (null where the plan has none). */
  estimate_ms: Array<number | null>;
  /** Time per step the benchmark measured at each batch (null where it made no steps, or no run). */
  measured_ms: Array<number | null>;
  /** Steps per query the plan makes at each batch. */
  steps_per_query: Array<number | null>;
}

export interface OpShare {
  op: string;
  /** Fraction of the model's node time. */
  share: number;
  /** Mean time per model run, ms. */
  ms: number;
}

export interface OpChart {
  model: string;
  /** The most expensive operator types, then "other" for the rest of the node time. */
  ops: OpShare[];
  /** Mean node time per model run, ms, and the traced runs. */
  node_ms: number;
  runs: number;
}

export interface ModelCharts {
  steps: StepChart[];
  ops: OpChart[];
  /** One sentence per model without a per-operator profile: why, and how to get one. */
  notes: string[];
}

/** Decode step time against batch for each generative model of the plan whose steps the grid measured. */
export function stepCharts(w: PlannedWorkload, facts: Record<string, ModelFacts>, machine: MachineFacts, measured: StepTiming[] = []): StepChart[] {
  // The plan's decode steps over the measured queries, by model and batch: count, context sum, estimate.
  const plan = new Map<string, Map<number, { steps: number; contextSum: number; ms: number }>>();
  for (const q of w.queries) {
    for (const { call } of q.calls) {
      if (call.kind !== 'steps' || call.count <= 0) continue;
      const byBatch = plan.get(call.model) ?? new Map<number, { steps: number; contextSum: number; ms: number }>();
      plan.set(call.model, byBatch);
      const a = byBatch.get(call.batch) ?? { steps: 0, contextSum: 0, ms: 0 };
      a.steps += call.count;
      a.contextSum += call.count * call.context + (call.count * (call.count - 1)) / 2;
      a.ms += priceCall(call, facts[call.model], machine).ms;
      byBatch.set(call.batch, a);
    }
  }
  const queries = Math.max(1, w.queries.length);
  const out: StepChart[] = [];
  for (const [model, byBatch] of plan) {
    const table = facts[model]?.table;
    const gridBatches = table?.batches('step') ?? [];
    if (!table || !gridBatches.length) continue;
    let steps = 0, ctx = 0;
    for (const a of byBatch.values()) {
      steps += a.steps;
      ctx += a.contextSum;
    }
    const context = Math.round(ctx / Math.max(1, steps));
    const batches = [...new Set([...gridBatches, ...byBatch.keys()])].sort((a, b) => a - b);
    const tau = batches.map((b) => (gridBatches.includes(b) ? table.at({ kind: 'step', batch: b, context }) : undefined));
    // The grid contexts the curve is read between: the measured neighbours of `context` at each batch.
    const bracket = new Set<number>();
    for (const b of gridBatches) {
      const xs = table.grid('step', b).map((p) => p.x);
      const lo = [...xs].reverse().find((x) => x <= context);
      const hi = xs.find((x) => x >= context);
      for (const x of [lo, hi]) if (x !== undefined) bracket.add(x);
      if (lo === undefined && hi === undefined && xs.length) bracket.add(xs[0]);
    }
    const grid = [...bracket].sort((a, b) => a - b).map((c) => ({
      context: c,
      ms: batches.map((b) => table.grid('step', b).find((p) => p.x === c)?.ms ?? null),
    }));
    const mine = measured.filter((m) => m.model === model);
    out.push({
      model,
      context,
      batches,
      tau_ms: tau.map((t) => t?.ms ?? null),
      provenance: tau.map((t) => t?.provenance ?? null),
      grid,
      estimate_ms: batches.map((b) => {
        const a = byBatch.get(b);
        return a && a.steps ? a.ms / a.steps : null;
      }),
      measured_ms: batches.map((b) => {
        const m = mine.find((x) => x.batch === b);
        return m && m.steps ? m.ms / m.steps : null;
      }),
      steps_per_query: batches.map((b) => {
        const a = byBatch.get(b);
        return a ? a.steps / queries : null;
      }),
    });
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}

/** The share of node time of a model's most expensive operator types, the rest as "other". */
export function opChart(model: string, ops: OpProfile, top = 8): OpChart {
  const sorted = [...ops.top].sort((a, b) => b.share - a.share || b.ms - a.ms);
  const shown = sorted.slice(0, top).map((o) => ({ op: o.op, share: o.share, ms: o.ms }));
  const rest = Math.max(0, 1 - shown.reduce((s, o) => s + o.share, 0));
  // Below 0.1% the remainder is rounding in the trace, not operators.
  if (rest > 1e-3) shown.push({ op: 'other', share: rest, ms: rest * ops.nodeMsPerRun });
  return { model, ops: shown, node_ms: ops.nodeMsPerRun, runs: ops.runs };
}

/**
 * The per-model charts: step charts from the plan and the grid, operator charts from the profiles
 * found (`profiles[model]`; undefined = none cached or traced), and a note for each model without one.
 * `why` says, per model, why there is none when the caller knows better than "not profiled yet".
 */
export function modelCharts(args: {
  workload: PlannedWorkload;
  facts: Record<string, ModelFacts>;
  machine: MachineFacts;
  measured?: StepTiming[];
  models: string[];
  profiles: Record<string, OpProfile | undefined>;
  why?: Record<string, string>;
}): ModelCharts {
  const ops: OpChart[] = [];
  const notes: string[] = [];
  for (const m of args.models) {
    const p = args.profiles[m];
    if (p && p.top.length) ops.push(opChart(m, p));
    else
      notes.push(
        `${m}: no per-operator profile${args.why?.[m] ? ` (${args.why[m]})` : ''}. Run the benchmark (it traces each model's operators once and caches the trace), or run TTC Lens: Profile Models.`,
      );
  }
  return { steps: stepCharts(args.workload, args.facts, args.machine, args.measured), ops, notes };
}
