/**
 * A config's estimate: the workload's queries (plan.ts) priced call by call (price.ts), then latency
 * p50/p95/mean over the drawn queries, the breakdown per call kind and per stage, memory peak, cost
 * per 1,000 queries, capacity, FLOPs, provenance with a ± band, marginal costs and budget breaches.
 * Pure: every fact (measurements, static summaries, the machine) comes in as data.
 */
import type { TtcConfig } from '../config/types';
import { quantileSorted } from '../profile/stats';
import { planOptionsOf, type MeasuredRates } from './planOptions';
import { countCalls, planQueries, type CallKind, type PlanCall, type QueryPlan, type PlannedWorkload } from './plan';
import { priceCall, type MachineFacts, type ModelFacts } from './price';
import type { Provenance } from './table';

export const DEFAULT_QUERIES = 20;

export interface MemoryEstimate {
  peak_bytes: number;
  parts: { weights: number; kv: number; activations: number; runtime: number };
  /**
   * Where the session part came from: measured RSS growth, the proxies' RSS scaled to the model's
   * depth (`proxy`), or weights + static activations.
   */
  provenance: 'measured' | 'proxy' | 'analytic';
  /** Largest KV cache live at once: batch × context, with the call that holds it. */
  kvPeak: { batch: number; context: number; call: string };
}

export interface Breach {
  budget: 'latency_p50' | 'latency_p95' | 'memory' | 'cost_per_1k' | 'qps' | 'hardware_memory';
  limit: number;
  value: number;
  /** One sentence with the estimate and the margin. */
  message: string;
  severity: 'error' | 'warning';
}

export interface Marginal {
  knob: string;
  label: string;
  /** Change of the mean query latency, ms. */
  ms: number;
}

export interface CallProvenance {
  model: string;
  kind: CallKind;
  provenance: Provenance;
  sources: string[];
  /** Share of the mean query time. */
  share: number;
}

export interface Estimate {
  approach: string;
  queries: number;
  latency: { p50_ms: number; p95_ms: number; mean_ms: number };
  /** ± relative band of the latency figures (measurement CI, interpolation, or roofline uncertainty). */
  band: number;
  perQueryMs: number[];
  breakdown: { byKind: Partial<Record<CallKind, number>>; byStage?: Array<{ stage: number; model: string; mean_ms: number; reached: number }> };
  memory: MemoryEstimate;
  cost: { per_1k_usd?: number; price_per_hour?: number };
  capacity_qps: number;
  flops: { per_query_mean: number };
  /** Calls by kind over the measured queries (decode steps counted one by one). */
  calls: Record<CallKind, number>;
  provenance: { overall: Provenance; calls: CallProvenance[] };
  marginals: Marginal[];
  assumptions: string[];
  breaches: Breach[];
  notes: string[];
}

const RANK: Provenance[] = ['measured', 'interpolated', 'proxy', 'calibrated', 'extrapolated', 'analytic'];
const worst = (a: Provenance, b: Provenance): Provenance => (RANK.indexOf(a) >= RANK.indexOf(b) ? a : b);
const BAND: Record<Provenance, number> = { measured: 0, interpolated: 0.03, proxy: 0.1, calibrated: 0.15, extrapolated: 0.1, analytic: 0.25 };

function callLabel(c: PlanCall): string {
  switch (c.kind) {
    case 'prefill':
      return `prefill(${c.batch}, ${c.tokens})`;
    case 'steps':
      return `step(${c.batch}, ${c.context}…${c.context + c.count - 1})`;
    case 'score':
      return `score(${c.batch}, ${c.tokens})`;
    case 'kv_tile':
      return `kv_tile(1→${c.batch}, ${c.context})`;
    case 'kv_gather':
      return `kv_gather(${c.batch}, ${c.context})`;
    case 'run':
      return `run(${c.batch})`;
  }
}

export interface EstimateInputs {
  config: TtcConfig;
  models: Record<string, ModelFacts>;
  machine: MachineFacts;
  /** Measured queries to draw (default 20, as `bench`). */
  queries?: number;
  /** Skip the marginal costs (they re-plan the workload once per knob). */
  marginals?: boolean;
  /** Rates an eval measured (early exit's agreement, a cascade's escalation), used where the config is silent. */
  rates?: MeasuredRates;
}

interface Priced {
  perQuery: number[];
  byKind: Partial<Record<CallKind, number>>;
  byStage: Map<number, { model: string; ms: number; reached: number }>;
  flops: number;
  calls: Map<string, CallProvenance & { ms: number; ci: number }>;
}

function priceWorkload(w: PlannedWorkload, models: Record<string, ModelFacts>, machine: MachineFacts): Priced {
  const out: Priced = { perQuery: [], byKind: {}, byStage: new Map(), flops: 0, calls: new Map() };
  for (const q of w.queries) {
    let total = 0;
    const stagesSeen = new Set<number>();
    for (const { call, stage } of q.calls) {
      const p = priceCall(call, models[call.model], machine);
      total += p.ms;
      out.flops += p.flops;
      out.byKind[call.kind] = (out.byKind[call.kind] ?? 0) + p.ms;
      if (stage !== undefined) {
        const s = out.byStage.get(stage) ?? { model: call.model, ms: 0, reached: 0 };
        s.ms += p.ms;
        if (!stagesSeen.has(stage)) s.reached++;
        stagesSeen.add(stage);
        out.byStage.set(stage, s);
      }
      const key = `${call.model}/${call.kind}`;
      const cp = out.calls.get(key) ?? { model: call.model, kind: call.kind, provenance: 'measured' as Provenance, sources: [], share: 0, ms: 0, ci: 0 };
      cp.provenance = worst(cp.provenance, p.provenance);
      for (const s of p.sources) if (cp.sources.length < 12 && !cp.sources.includes(s)) cp.sources.push(s);
      cp.ms += p.ms;
      cp.ci = Math.max(cp.ci, p.ci ?? 0);
      out.calls.set(key, cp);
    }
    out.perQuery.push(total);
  }
  return out;
}

/** KV bytes live at once: the prompt's base cache plus the working rows (both copies during a copy or step). */
function kvPeak(w: PlannedWorkload, models: Record<string, ModelFacts>): MemoryEstimate['kvPeak'] & { bytes: number } {
  let best = { batch: 0, context: 0, call: 'none', bytes: 0 };
  for (const q of [w.warmup, ...w.queries]) {
    let base = 0;
    for (const { call } of q.calls) {
      const kv = models[call.model]?.kvBytesPerToken ?? 0;
      if (!kv) continue;
      let rows = 0, ctx = 0, bytes = 0;
      if (call.kind === 'prefill') {
        base = kv * call.tokens;
        rows = 1;
        ctx = call.tokens;
        bytes = base;
      } else if (call.kind === 'steps') {
        rows = call.batch;
        ctx = call.context + call.count;
        // The step's input past (ctx − 1) and its present output (ctx) are alive together.
        bytes = base + kv * rows * (2 * ctx - 1);
      } else if (call.kind === 'kv_tile' || call.kind === 'kv_gather') {
        rows = call.batch;
        ctx = call.context;
        bytes = base + 2 * kv * rows * ctx;
      }
      if (bytes > best.bytes) best = { batch: rows, context: ctx, call: callLabel(call), bytes };
    }
  }
  return best;
}

function memoryOf(w: PlannedWorkload, models: Record<string, ModelFacts>, machine: MachineFacts): MemoryEstimate {
  const used = new Set<string>();
  for (const q of [w.warmup, ...w.queries]) for (const { call } of q.calls) used.add(call.model);
  let weights = 0, activations = 0, measured = true, proxy = false;
  for (const name of used) {
    const f = models[name];
    if (!f) continue;
    let maxBatch = 1;
    for (const q of w.queries) for (const { call } of q.calls) if (call.model === name && 'batch' in call) maxBatch = Math.max(maxBatch, call.batch);
    const staticPart = (f.weightBytes ?? 0) + (f.activationBytes ?? 0) * maxBatch;
    if (f.sessionRssBytes !== undefined && f.sessionRssBytes > 0) {
      // Measured: the session's RSS growth holds its weights, arena and activations at the plan's
      // shapes. A process that reuses memory freed by an earlier session grows less than that, so
      // the weights and the static activations are a floor.
      const total = Math.max(f.sessionRssBytes, staticPart);
      if (f.proxy) proxy = true;
      weights += f.weightBytes ?? 0;
      activations += total - (f.weightBytes ?? 0);
    } else {
      measured = false;
      weights += f.weightBytes ?? 0;
      activations += (f.activationBytes ?? 0) * maxBatch;
    }
  }
  const kv = kvPeak(w, models);
  const runtime = machine.baseRssBytes ?? 0;
  return {
    peak_bytes: weights + kv.bytes + activations + runtime,
    parts: { weights, kv: kv.bytes, activations, runtime },
    provenance: measured && used.size > 0 ? (proxy ? 'proxy' : 'measured') : 'analytic',
    kvPeak: { batch: kv.batch, context: kv.context, call: kv.call },
  };
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);
const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

function breachesOf(e: Omit<Estimate, 'breaches' | 'marginals'>, config: TtcConfig): Breach[] {
  const out: Breach[] = [];
  const b = config.budget;
  const over = (v: number, lim: number) => `${Math.round(((v - lim) / lim) * 100)}% over`;
  if (b.latency_p50_ms !== undefined && e.latency.p50_ms > b.latency_p50_ms)
    out.push({ budget: 'latency_p50', limit: b.latency_p50_ms, value: e.latency.p50_ms, severity: 'error', message: `p50 latency ≈ ${ms(e.latency.p50_ms)} exceeds the budget of ${ms(b.latency_p50_ms)} (${over(e.latency.p50_ms, b.latency_p50_ms)}).` });
  if (b.latency_p95_ms !== undefined && e.latency.p95_ms > b.latency_p95_ms)
    out.push({ budget: 'latency_p95', limit: b.latency_p95_ms, value: e.latency.p95_ms, severity: 'error', message: `p95 latency ≈ ${ms(e.latency.p95_ms)} exceeds the budget of ${ms(b.latency_p95_ms)} (${over(e.latency.p95_ms, b.latency_p95_ms)}).` });
  if (b.memory_bytes !== undefined && e.memory.peak_bytes > b.memory_bytes)
    out.push({ budget: 'memory', limit: b.memory_bytes, value: e.memory.peak_bytes, severity: 'error', message: `peak memory ≈ ${gib(e.memory.peak_bytes)} exceeds the budget of ${gib(b.memory_bytes)} (${over(e.memory.peak_bytes, b.memory_bytes)}).` });
  if (b.cost_per_1k_usd !== undefined && e.cost.per_1k_usd !== undefined && e.cost.per_1k_usd > b.cost_per_1k_usd)
    out.push({ budget: 'cost_per_1k', limit: b.cost_per_1k_usd, value: e.cost.per_1k_usd, severity: 'error', message: `cost ≈ $${e.cost.per_1k_usd.toFixed(4)} per 1k queries exceeds the budget of $${b.cost_per_1k_usd} (${over(e.cost.per_1k_usd, b.cost_per_1k_usd)}).` });
  const qps = config.workload.qps;
  if (qps !== undefined && qps > e.capacity_qps)
    out.push({ budget: 'qps', limit: e.capacity_qps, value: qps, severity: 'error', message: `workload.qps ${qps} is above this machine's capacity of ≈ ${e.capacity_qps.toPrecision(3)} queries/s (one query at a time, mean ${ms(e.latency.mean_ms)}).` });
  const hw = config.hardware.memory;
  if (hw !== undefined && e.memory.parts.weights + e.memory.parts.kv > hw)
    out.push({ budget: 'hardware_memory', limit: hw, value: e.memory.parts.weights + e.memory.parts.kv, severity: 'error', message: `weights and KV cache (≈ ${gib(e.memory.parts.weights + e.memory.parts.kv)}) do not fit in hardware.memory (${gib(hw)}).` });
  return out;
}

/** The knob whose +1 a user most often asks about, per approach. */
const MARGINAL_KNOB: Partial<Record<string, { key: 'n' | 'num_iterations' | 'rounds' | 'num_ignore' | 'max_n' | 'views'; label: string }>> = {
  best_of_n: { key: 'n', label: '+1 sample' },
  self_consistency: { key: 'n', label: '+1 sample' },
  beam_search: { key: 'num_iterations', label: '+1 iteration' },
  dvts: { key: 'num_iterations', label: '+1 iteration' },
  revisions: { key: 'rounds', label: '+1 round' },
  budget_forcing: { key: 'num_ignore', label: '+1 "Wait"' },
  early_exit: { key: 'max_n', label: '+1 max sample' },
  tta: { key: 'views', label: '+1 view' },
};

export function estimate(inputs: EstimateInputs): Estimate {
  const { config, models, machine } = inputs;
  const K = Math.max(1, inputs.queries ?? DEFAULT_QUERIES);
  const plan = planOptionsOf(models, inputs.rates);
  const w = planQueries(config, K, plan);
  const priced = priceWorkload(w, models, machine);
  const sorted = Float64Array.from(priced.perQuery).sort();
  const mean = priced.perQuery.reduce((a, b) => a + b, 0) / K;
  const total = mean * K || 1;
  let overall: Provenance = 'measured';
  let band = 0;
  const calls: CallProvenance[] = [];
  for (const c of priced.calls.values()) {
    const share = c.ms / total;
    calls.push({ model: c.model, kind: c.kind, provenance: c.provenance, sources: c.sources, share });
    overall = worst(overall, c.provenance);
    band += share * (BAND[c.provenance] + c.ci);
  }
  calls.sort((a, b) => b.share - a.share);
  const byKind: Partial<Record<CallKind, number>> = {};
  for (const [k, v] of Object.entries(priced.byKind)) byKind[k as CallKind] = v / K;
  const price = config.hardware.price_per_hour;
  const base: Omit<Estimate, 'breaches' | 'marginals'> = {
    approach: w.strategy.approach,
    queries: K,
    latency: { p50_ms: quantileSorted(sorted, 0.5), p95_ms: quantileSorted(sorted, 0.95), mean_ms: mean },
    band,
    perQueryMs: priced.perQuery,
    breakdown: {
      byKind,
      ...(priced.byStage.size
        ? { byStage: [...priced.byStage.entries()].sort((a, b) => a[0] - b[0]).map(([stage, s]) => ({ stage, model: s.model, mean_ms: s.ms / K, reached: s.reached / K })) }
        : {}),
    },
    memory: memoryOf(w, models, machine),
    cost: price !== undefined ? { per_1k_usd: (price * (mean / 1000) * 1000) / 3600, price_per_hour: price } : {},
    capacity_qps: mean > 0 ? 1000 / mean : Infinity,
    flops: { per_query_mean: priced.flops / K },
    calls: countCalls(w.queries),
    provenance: { overall, calls },
    assumptions: [...w.strategy.assumed, ...lengthAssumption(w)],
    notes: Object.values(models).flatMap((m) => m.notes.map((n) => `${m.name}: ${n}`)),
  };
  const marginals: Marginal[] = [];
  const knob = MARGINAL_KNOB[w.strategy.approach];
  if (knob && inputs.marginals !== false && config.strategy) {
    const current = knobValue(w, knob.key);
    const bumped: TtcConfig = { ...config, strategy: { ...config.strategy, [knob.key]: current + 1 } };
    const next = priceWorkload(planQueries(bumped, K, plan), models, machine);
    const nextMean = next.perQuery.reduce((a, b) => a + b, 0) / K;
    marginals.push({ knob: knob.key, label: knob.label, ms: nextMean - mean });
  }
  return { ...base, marginals, breaches: breachesOf(base, config) };
}

function knobValue(w: PlannedWorkload, key: string): number {
  const s = w.strategy;
  switch (key) {
    case 'n':
      return s.n;
    case 'num_iterations':
      return s.numIterations;
    case 'rounds':
      return s.rounds;
    case 'num_ignore':
      return s.numIgnore;
    case 'max_n':
      return s.maxN;
    case 'views':
      return s.views;
  }
  return 0;
}

function lengthAssumption(w: PlannedWorkload): string[] {
  const a = w.strategy.approach;
  if (['cascade', 'tta', 'ensemble'].includes(a)) return [];
  const ls = w.queries.flatMap((q: QueryPlan) => q.lengths);
  if (!ls.length) return [];
  const d = w.strategy.lengths;
  const mean = ls.reduce((x, y) => x + y, 0) / ls.length;
  const shape = d.fixed !== undefined ? `fixed at ${d.fixed}` : `log-normal μ=${d.mu.toFixed(3)} σ=${d.sigma.toFixed(3)}, capped at ${d.max}`;
  const out = [`output lengths ${shape}; ${ls.length} drawn with seed ${w.strategy.seed} (mean ${mean.toFixed(0)}, max ${Math.max(...ls)})`];
  if (a === 'early_exit') {
    const samples = w.queries.map((q) => q.samples ?? 0);
    out.push(`agreement ${w.strategy.agreement}: ${(samples.reduce((x, y) => x + y, 0) / samples.length).toFixed(1)} samples per query on average (threshold ${w.strategy.threshold}, max_n ${w.strategy.maxN})`);
  }
  return out;
}
