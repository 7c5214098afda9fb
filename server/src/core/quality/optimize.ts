/**
 * The compute-optimal setting: every strategy the quality model has a curve for, at each N it can be
 * read at, priced by the estimator (the config with only strategy and N changed, the same facts and
 * machine: no pricing of its own), then the Pareto frontier of (latency or cost, accuracy) and, under
 * the config's budget, the setting with the best predicted accuracy, with a one-line title the editor
 * can show ("Use dvts, n=32: +4.1 points at the same latency"). Pure: pricing comes in as a function.
 */
import type { Approach, Strategy, TtcConfig } from '../config/types';
import { estimate, type Estimate } from '../estimate/estimate';
import type { MachineFacts, ModelFacts } from '../estimate/price';
import type { MeasuredRates } from '../estimate/planOptions';
import type { Prediction } from './curves';
import { allocateByDifficulty, binAccuracy, type Allocation } from './difficulty';
import { qualityInputsFromTexts, type QualityTexts } from './load';
import { buildQualityModel, type ModelOptions, type QualityModel, type StrategyCurve } from './model';

export type Axis = 'latency' | 'cost';

export interface Candidate {
  strategy: Approach;
  n: number;
  /** The strategy section this candidate would write. */
  config: Strategy;
  accuracy: Prediction;
  latency: { p50_ms: number; p95_ms: number; mean_ms: number };
  cost_per_1k_usd?: number;
  memory_bytes: number;
  /** Within every budget of the config. */
  fits: boolean;
  breaches: string[];
  /** The x of the frontier: latency p50 (ms) or cost per 1k queries ($). */
  x: number;
  provenance: string;
}

export interface Recommendation {
  /** One line: "Use dvts, n=32: +4.1 points at the same latency". */
  title: string;
  axis: Axis;
  best?: Candidate;
  /** The config's own strategy and N, when the model has a curve for it. */
  current?: Candidate;
  /** Accuracy gained by `best` over `current`, points (×100). */
  deltaPoints?: number;
  /** Non-dominated trusted candidates, by x ascending. */
  frontier: Candidate[];
  candidates: Candidate[];
  /** Per-difficulty N for majority vote at the current N's accuracy (per-problem data only). */
  allocation?: Allocation & { bins: Array<{ bin: number; share: number; range: [number, number]; n: number }>; unit: string };
  notes: string[];
}

export type Price = (config: TtcConfig) => Estimate;

/** The estimator with fixed facts: what the language server and the CLI pass as `Price`. */
export function priceWith(models: Record<string, ModelFacts>, machine: MachineFacts, queries = 20, rates?: MeasuredRates): Price {
  return (config) => estimate({ config, models, machine, queries, marginals: false, ...(rates ? { rates } : {}) });
}

/** Largest N considered for any strategy. */
export const MAX_N = 1024;

/**
 * The strategy section for `approach` at N, from the config's own (same model, sampling, verifier), or
 * why not. `generative: false` (the model has no KV cache): one pass of it is written as tta with one
 * view, the plan that runs a non-generative model once (`single` is a prefill and decode steps).
 */
export function candidateStrategy(base: Strategy | undefined, approach: Approach, n: number, generative?: boolean): Strategy | { skip: string } {
  if (!base?.model) return { skip: 'the config names no generating model (strategy.model)' };
  if (approach === 'single' && n === 1 && generative === false) return { approach: 'tta', model: base.model, views: 1 };
  const common: Strategy = { approach, model: base.model };
  for (const k of ['temperature', 'top_p', 'top_k', 'max_tokens', 'seed'] as const) if (base[k] !== undefined) (common as unknown as Record<string, unknown>)[k] = base[k];
  const parallel = base.parallel !== undefined ? { parallel: Math.min(base.parallel, n) } : {};
  switch (approach) {
    case 'single':
      return n === 1 ? common : { skip: 'single is n = 1' };
    case 'self_consistency':
      return { ...common, n, ...parallel };
    case 'best_of_n':
    case 'beam_search':
    case 'dvts': {
      if (!base.verifier) return { skip: `${approach} needs a verifier (strategy.verifier)` };
      const withV: Strategy = { ...common, verifier: base.verifier, n, ...parallel, ...(base.agg_strategy ? { agg_strategy: base.agg_strategy } : {}) };
      if (approach === 'best_of_n') return withV;
      const bw = base.beam_width !== undefined && base.beam_width <= n && n % base.beam_width === 0 ? base.beam_width : [4, 2, 1].find((b) => b <= n && n % b === 0)!;
      return { ...withV, beam_width: bw, ...(base.num_iterations !== undefined ? { num_iterations: base.num_iterations } : {}), ...(base.lookahead !== undefined ? { lookahead: base.lookahead } : {}) };
    }
    case 'early_exit':
      return { ...common, max_n: n, ...(base.wave !== undefined ? { wave: Math.min(base.wave, n) } : {}), ...(base.threshold !== undefined ? { threshold: base.threshold } : {}) };
    case 'revisions':
      return { ...common, rounds: n };
    case 'tta':
      return { approach, model: base.model, views: n };
    default:
      return { skip: `${approach} has no N to vary` };
  }
}

/** The config's N for its approach (what `candidateStrategy` varies). */
export function currentN(s: Strategy | undefined): number | undefined {
  if (!s) return undefined;
  switch (s.approach) {
    case 'single':
      return 1;
    case 'early_exit':
      return s.max_n;
    case 'revisions':
      return s.rounds ?? 1;
    case 'tta':
      return s.views;
    default:
      return s.n ?? 4;
  }
}

/** Points not dominated on (x lower, y higher): ascending x, strictly rising y. */
export function paretoFrontier<T>(items: readonly T[], x: (t: T) => number, y: (t: T) => number): T[] {
  const sorted = [...items].filter((t) => Number.isFinite(x(t)) && Number.isFinite(y(t))).sort((a, b) => x(a) - x(b) || y(b) - y(a));
  const out: T[] = [];
  // Strictly higher (beyond rounding): an equal accuracy at a higher cost is dominated.
  for (const t of sorted) if (!out.length || y(t) > y(out[out.length - 1]) + 1e-9) out.push(t);
  return out;
}

/** The N values a curve is read at: powers of two up to its reach, the measured ones, and the config's own N (even past the reach: it is then listed, not recommended). */
function gridOf(c: StrategyCurve, extra: number[]): number[] {
  if (c.law === 'single-point') return [c.kMax];
  const ks = new Set<number>(c.measured.map((m) => m.k));
  for (let k = 1; k <= Math.min(MAX_N, c.reach); k *= 2) ks.add(k);
  for (const e of extra) if (e <= MAX_N) ks.add(e);
  return [...ks].sort((a, b) => a - b);
}

const pts = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} points`;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const fmtMs = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);

function axisWords(best: Candidate, current: Candidate | undefined, axis: Axis): string {
  const what = axis === 'latency' ? 'latency' : 'cost';
  if (!current || current.x <= 0) return `at ${axis === 'latency' ? fmtMs(best.x) : `$${best.x.toFixed(4)}/1k`}`;
  const r = best.x / current.x;
  if (r >= 0.9 && r <= 1.1) return `at the same ${what}`;
  if (r < 1) return `at ${Math.round((1 - r) * 100)}% less ${what}`;
  return `at ${r.toFixed(1)}× the ${what}, within the budget`;
}

export interface RecommendOptions {
  /** Frontier axis (default: latency unless the budget only limits cost). */
  axis?: Axis;
  /**
   * Whether the config's model generates (has a KV cache). Sampling approaches are not priced for a
   * model that does not, nor test-time augmentation for one that does: their plans would call it as
   * something it is not (the OCR eval's early exit over views read 1.1 ms as a decoder plan).
   */
  generative?: boolean;
}

/** Approaches whose plans sample from a generative model (STRATEGIES.md). */
const SAMPLING = new Set(['best_of_n', 'self_consistency', 'beam_search', 'dvts', 'early_exit', 'revisions', 'budget_forcing']);

/**
 * The frontier and the budget-constrained recommendation for a config and its quality model. Only
 * predictions within a curve's reach are recommended; the rest are listed as untrusted.
 */
export function recommend(config: TtcConfig, model: QualityModel, price: Price, o: RecommendOptions = {}): Recommendation {
  const notes: string[] = [];
  const b = config.budget;
  const axis: Axis = o.axis ?? (b.cost_per_1k_usd !== undefined && b.latency_p50_ms === undefined && b.latency_p95_ms === undefined ? 'cost' : 'latency');
  if (axis === 'cost' && config.hardware.price_per_hour === undefined) notes.push('hardware.price_per_hour is not set: costs are unknown, the frontier uses latency');
  const useCost = axis === 'cost' && config.hardware.price_per_hour !== undefined;
  const base = config.strategy;
  const nowN = currentN(base);
  const candidates: Candidate[] = [];
  const skipped = new Set<string>();
  for (const c of model.curves) {
    for (const n of gridOf(c, nowN !== undefined && base?.approach === c.strategy ? [nowN] : [])) {
      // An early exit over a model without a KV cache draws views (plan.ts), not samples.
      if (o.generative === false && SAMPLING.has(c.strategy) && c.strategy !== 'early_exit') {
        skipped.add(`${c.strategy}: its plan samples from a generative model, and ${base?.model ?? 'the model'} has no KV cache (its curve is shown, not priced)`);
        break;
      }
      if (o.generative === true && c.strategy === 'tta') {
        skipped.add(`tta: its plan runs a non-generative model, and ${base?.model ?? 'the model'} is a decoder`);
        break;
      }
      const s = candidateStrategy(base, c.strategy, n, o.generative);
      if ('skip' in s) {
        skipped.add(`${c.strategy}: ${s.skip}`);
        break;
      }
      const accuracy = c.predict(n);
      if (!Number.isFinite(accuracy.accuracy)) continue;
      let e: Estimate;
      try {
        e = price({ ...config, strategy: s });
      } catch (err) {
        skipped.add(`${c.strategy} n=${n}: could not be estimated (${err instanceof Error ? err.message : String(err)})`);
        continue;
      }
      const errors = e.breaches.filter((x) => x.severity === 'error');
      candidates.push({
        strategy: c.strategy,
        n,
        config: s,
        accuracy,
        latency: e.latency,
        ...(e.cost.per_1k_usd !== undefined ? { cost_per_1k_usd: e.cost.per_1k_usd } : {}),
        memory_bytes: e.memory.peak_bytes,
        fits: errors.length === 0,
        breaches: errors.map((x) => x.message),
        x: useCost ? (e.cost.per_1k_usd ?? NaN) : e.latency.p50_ms,
        provenance: e.provenance.overall,
      });
    }
  }
  notes.push(...skipped);
  const trusted = candidates.filter((c) => !c.accuracy.beyondReach);
  const frontier = paretoFrontier(trusted, (c) => c.x, (c) => c.accuracy.accuracy);
  const feasible = trusted.filter((c) => c.fits);
  // Best accuracy within the budget; on a tie, the cheaper one — unless the config's own approach is
  // within 10% of it (a switch of approach justified by timing noise alone is not a recommendation).
  const ranked = [...feasible].sort((p, q) => q.accuracy.accuracy - p.accuracy.accuracy || p.x - q.x);
  const tied = ranked.filter((c) => Math.abs(c.accuracy.accuracy - ranked[0].accuracy.accuracy) < 1e-9);
  const own = tied.find((c) => c.strategy === base?.approach && c.x <= tied[0].x * 1.1);
  const best = own ?? ranked[0];
  const current = base && nowN !== undefined ? candidates.find((c) => c.strategy === base.approach && c.n === nowN) : undefined;
  if (base && !current) notes.push(`the quality data has no curve for the config's own ${base.approach}${nowN !== undefined ? ` at n=${nowN}` : ''}: gains are not stated against it`);
  let title: string;
  let deltaPoints: number | undefined;
  if (!best) title = candidates.length ? 'No setting with quality data fits the budget' : 'No setting to compare: the quality data names no strategy this config can run';
  else if (current && best.strategy === current.strategy && best.n === current.n) title = `Keep ${best.strategy}, n=${best.n}: the best predicted ${model.metric} within the budget (${pct(best.accuracy.accuracy)})`;
  else if (current) {
    deltaPoints = (best.accuracy.accuracy - current.accuracy.accuracy) * 100;
    title = current.fits
      ? `Use ${best.strategy}, n=${best.n}: ${pts(deltaPoints)} ${axisWords(best, current, useCost ? 'cost' : 'latency')}`
      : `Use ${best.strategy}, n=${best.n}: fits the budget at ${pct(best.accuracy.accuracy)} ${model.metric} (${pts(deltaPoints)})`;
  } else title = `Use ${best.strategy}, n=${best.n}: ${pct(best.accuracy.accuracy)} ${model.metric} within the budget`;
  return { title, axis: useCost ? 'cost' : 'latency', ...(best ? { best } : {}), ...(current ? { current } : {}), ...(deltaPoints !== undefined ? { deltaPoints } : {}), frontier, candidates, ...allocationOf(config, model, price, o.generative), notes };
}

/**
 * Majority vote per difficulty bin at the accuracy of the config's N for every problem (Snell et
 * al.): N per bin with the expected savings, in mean latency when the estimator can price
 * self_consistency, else in samples.
 */
function allocationOf(config: TtcConfig, model: QualityModel, price: Price, generative?: boolean): Pick<Recommendation, 'allocation'> {
  const bins = model.bins;
  if (!bins || bins.length < 2) return {};
  const n0 = config.strategy?.approach === 'self_consistency' ? (config.strategy.n ?? 4) : (currentN(config.strategy) ?? 4);
  const grid = [...new Set([1, 2, 4, 8, 16, 32, 64, n0])].filter((k) => k <= Math.max(64, n0)).sort((a, b) => a - b);
  const acc = bins.map((bin) => grid.map((k) => binAccuracy(bin, k, 'majority')));
  let cost: (k: number) => number = (k) => k;
  // A non-generative model votes over views (tta), a generative one over samples (self_consistency).
  const views = generative === false;
  let unit = views ? 'views' : 'samples';
  const s0 = candidateStrategy(config.strategy, views ? 'tta' : 'self_consistency', 1);
  if (!('skip' in s0)) {
    try {
      const at = (k: number): Strategy => (views ? { ...s0, views: k } : { ...s0, n: k, ...(s0.parallel !== undefined ? { parallel: Math.min(config.strategy?.parallel ?? k, k) } : {}) });
      const ms = new Map(grid.map((k) => [k, price({ ...config, strategy: at(k) }).latency.mean_ms]));
      cost = (k) => ms.get(k) ?? k;
      unit = `ms (mean latency of ${views ? 'tta' : 'self_consistency'})`;
    } catch {
      // Samples (or views), then.
    }
  }
  const a = allocateByDifficulty(acc, bins.map((x) => x.share), grid, n0, cost);
  return { allocation: { ...a, unit, bins: bins.map((x, i) => ({ bin: x.bin, share: x.share, range: x.range, n: a.perBin[i] })) } };
}

/** What the language server calls: config + facts → the recommendation (title for a hint or a quick-fix). */
export function recommendFromFacts(config: TtcConfig, model: QualityModel, models: Record<string, ModelFacts>, machine: MachineFacts, o: RecommendOptions & { queries?: number; rates?: MeasuredRates } = {}): Recommendation {
  const main = config.strategy?.model ? models[config.strategy.model] : undefined;
  const generative = main && main.source !== 'unavailable' ? main.kvBytesPerToken !== undefined : undefined;
  return recommend(config, model, priceWith(models, machine, o.queries, o.rates), { ...(generative !== undefined ? { generative } : {}), ...o });
}

/**
 * The whole chain for a host that has read the `quality` files itself (the language server, under its
 * workspace rules): texts → quality model → recommendation. Building the model bootstraps the fits
 * (about a second or two with per-problem data on a 2-core machine): cache it per file version.
 */
export function recommendFromTexts(
  config: TtcConfig,
  texts: QualityTexts,
  models: Record<string, ModelFacts>,
  machine: MachineFacts,
  o: RecommendOptions & ModelOptions & { queries?: number } = {},
): { recommendation?: Recommendation; model?: QualityModel; errors: string[]; notes: string[] } {
  const q = qualityInputsFromTexts(config, texts);
  if (q.errors.length) return { errors: q.errors, notes: q.notes };
  if (!q.inputs.points.length && !q.inputs.problems) return { errors: ['the config has no quality data'], notes: q.notes };
  const model = buildQualityModel(config.quality?.metric ?? 'accuracy', q.inputs, o);
  return { recommendation: recommendFromFacts(config, model, models, machine, o), model, errors: [], notes: q.notes };
}
