/**
 * Plans: a config compiled into the model calls one query makes, in order, exactly as
 * `../shared/STRATEGIES.md` ("Per approach") lists them. Pure data; the estimator prices these calls
 * and the executor (server/src/worker/execute.ts) runs them, so both count the same calls.
 *
 * A query is sequential on one machine, so its critical path is the whole call list; `stage` and
 * `wave` mark the parts a breakdown groups by.
 */
import type { Approach, TtcConfig } from '../config/types';
import { Draws, lengthDistribution, type LengthDistribution } from './lengths';

/**
 * One call, or a run of identical-kind calls (`steps`). Contexts are past lengths: a step at context
 * c feeds one token with a KV cache of c tokens.
 */
export type PlanCall =
  /** Generator G on [1, tokens] with an empty cache; its logits give token 1. Becomes the "base" state. */
  | { kind: 'prefill'; model: string; batch: 1; tokens: number }
  /** Copy of the base state's KV (1 row, `context` tokens) to `batch` rows; becomes the current state. */
  | { kind: 'kv_tile'; model: string; batch: number; context: number }
  /**
   * `count` decode steps of the current state at `batch`, contexts context … context + count − 1.
   * `discard`: lookahead steps run on a copy whose KV and tokens are dropped afterwards.
   */
  | { kind: 'steps'; model: string; batch: number; context: number; count: number; discard?: boolean }
  /** Verifier V on the current state's rows, [batch, tokens] (right-padded, attention_mask 0 on padding). */
  | { kind: 'score'; model: string; batch: number; tokens: number }
  /** Keep the best `keep` rows of the current state by the last scores and copy each batch/keep times. */
  | { kind: 'kv_gather'; model: string; batch: number; context: number; keep: number }
  /** A non-generative model on its inputs with the batch axis set to `batch`. */
  | { kind: 'run'; model: string; batch: number };

export type CallKind = PlanCall['kind'];

export interface PlannedCall {
  call: PlanCall;
  /** Cascade stage index (0-based) for `run` calls of a cascade. */
  stage?: number;
  /** Wave index (best_of_n, self_consistency, early_exit) or iteration (beam_search, dvts) or round (revisions), 0-based. */
  group?: number;
}

export interface QueryPlan {
  /** Output length of each sample (one entry for single-sample approaches; empty for non-generative ones). */
  lengths: number[];
  calls: PlannedCall[];
  /** Cascade: index of the last stage this query reached. Early exit: samples drawn. */
  stagesReached?: number;
  samples?: number;
  /** Uniforms this query consumed from the stream. */
  uniforms: number;
}

/** A rate an eval measured (`ttc-lens eval`'s points), used where the config is silent. */
export interface MeasuredRate {
  value: number;
  /** Where it was measured, for the assumptions line ("ttc-lens eval, tta n=8"). */
  source: string;
}

/** What a plan needs beyond the config: facts about the models and rates measured elsewhere. */
export interface PlanOptions {
  /**
   * Models without a KV cache. A single pass over one is one `run` at `workload.batch`; an early exit
   * over one draws views, a wave at a time, as `run` calls at batch wave × `workload.batch`
   * (test-time augmentation that stops when the vote is decided); over a generative model both draw
   * samples (prefill, KV tiles, steps).
   */
  runs?: ReadonlySet<string>;
  /** The chance a view/sample agrees with the leading answer (early exit), when `workload.agreement` is not set. */
  agreement?: MeasuredRate;
  /** The first cascade stage's escalation rate, when `stages[0].escalate` is not set. */
  escalate?: MeasuredRate;
}

/** Every parameter of the approach with its default applied, and which defaults were assumed. */
export interface ResolvedStrategy {
  approach: Approach;
  model?: string;
  verifier?: string;
  prompt: number;
  lengths: LengthDistribution;
  maxTokens: number;
  stepTokens: number;
  n: number;
  beamWidth: number;
  numIterations: number;
  lookahead: number;
  parallel: number;
  rounds: number;
  maxTokensThinking: number;
  numIgnore: number;
  maxN: number;
  wave: number;
  threshold: number;
  agreement: number;
  /** single or early_exit over a model without a KV cache: one run / waves of views (`run` calls), no lengths. */
  overViews: boolean;
  views: number;
  batch: number;
  seed: number;
  stages: Array<{ model: string; escalate: number }>;
  members: string[];
  /** Defaults the config did not set, in words ("n = 4 (default)"). */
  assumed: string[];
}

/** Defaults where the config is silent (documented in docs/estimates.md). */
export const DEFAULTS = {
  n: 4,
  beam_width: 4,
  num_iterations: 40,
  lookahead: 0,
  max_tokens: 2048,
  step_tokens: 64,
  prompt_tokens: 0,
  rounds: 1,
  num_ignore: 0,
  max_n: 40,
  wave: 1,
  threshold: 0.95,
  agreement: 0.7,
  views: 8,
  batch: 1,
  seed: 0,
  escalate: 0,
} as const;

export function resolveStrategy(config: TtcConfig, o: PlanOptions = {}): ResolvedStrategy {
  const s = config.strategy;
  if (!s) throw new Error('the config has no strategy');
  const w = config.workload;
  const assumed: string[] = [];
  const pick = <T>(v: T | undefined, d: T, name: string, relevant = true): T => {
    if (v !== undefined) return v;
    if (relevant) assumed.push(`${name} = ${String(d)} (default)`);
    return d;
  };
  /** The config's value, else a measured one (said so), else the default (said so). */
  const measuredOr = (v: number | undefined, m: MeasuredRate | undefined, d: number, name: string, relevant: boolean): number => {
    if (v !== undefined) return v;
    if (m) {
      if (relevant) assumed.push(`${name} = ${Number(m.value.toFixed(3))} (measured: ${m.source})`);
      return m.value;
    }
    return pick(v, d, name, relevant);
  };
  const a = s.approach;
  // A non-generative model under `single` is one run at `workload.batch`; under `early_exit`, waves of views.
  const overViews = (a === 'early_exit' || a === 'single') && !!s.model && !!o.runs?.has(s.model);
  const gen = !['cascade', 'tta', 'ensemble'].includes(a) && !overViews;
  const search = a === 'beam_search' || a === 'dvts';
  const sampling = a === 'best_of_n' || a === 'self_consistency' || search;
  const maxTokens = pick(s.max_tokens, DEFAULTS.max_tokens, 'max_tokens', gen);
  const n = pick(s.n, DEFAULTS.n, 'n', sampling);
  const maxN = pick(s.max_n, DEFAULTS.max_n, 'max_n', a === 'early_exit');
  const views = pick(s.views, DEFAULTS.views, 'views', a === 'tta');
  return {
    approach: a,
    model: s.model,
    verifier: s.verifier,
    prompt: pick(w.prompt_tokens, DEFAULTS.prompt_tokens, 'prompt_tokens', gen),
    lengths: lengthDistribution(w.output_tokens, maxTokens),
    maxTokens,
    stepTokens: pick(w.step_tokens, DEFAULTS.step_tokens, 'step_tokens', search),
    n,
    beamWidth: pick(s.beam_width, DEFAULTS.beam_width, 'beam_width', search),
    numIterations: pick(s.num_iterations, DEFAULTS.num_iterations, 'num_iterations', search),
    lookahead: pick(s.lookahead, DEFAULTS.lookahead, 'lookahead', search),
    // parallel defaults to n (to views for tta, to wave for early_exit, which batches by wave).
    parallel: s.parallel ?? (a === 'tta' ? views : n),
    rounds: pick(s.rounds, DEFAULTS.rounds, 'rounds', a === 'revisions'),
    maxTokensThinking: pick(s.max_tokens_thinking, maxTokens, 'max_tokens_thinking', a === 'budget_forcing'),
    numIgnore: pick(s.num_ignore, DEFAULTS.num_ignore, 'num_ignore', a === 'budget_forcing'),
    maxN,
    wave: Math.min(pick(s.wave, DEFAULTS.wave, 'wave', a === 'early_exit'), maxN),
    threshold: pick(s.threshold, DEFAULTS.threshold, 'threshold', a === 'early_exit'),
    agreement: measuredOr(w.agreement, o.agreement, DEFAULTS.agreement, 'agreement', a === 'early_exit'),
    overViews,
    views,
    batch: pick(w.batch, DEFAULTS.batch, 'batch', !gen),
    seed: s.seed ?? DEFAULTS.seed,
    stages: (s.stages ?? []).map((st, i, all) => ({
      model: st.model,
      escalate: i === all.length - 1 ? 0 : i === 0 ? measuredOr(st.escalate, o.escalate, DEFAULTS.escalate, 'stages[0].escalate', a === 'cascade') : (st.escalate ?? DEFAULTS.escalate),
    })),
    members: s.models ?? [],
    assumed,
  };
}

/**
 * P(p > ½ | votes): the posterior probability, under a uniform prior, that the leading answer is the
 * majority, after `agree` votes for it and `disagree` against — 1 − I₀.₅(agree + 1, disagree + 1), which for
 * whole counts is P(Binomial(agree + disagree + 1, ½) ≤ agree) (Adaptive-Consistency's Beta stopping rule).
 */
export function majorityPosterior(agree: number, disagree: number): number {
  const m = agree + disagree + 1;
  // Σ_{k=0}^{agree} C(m, k) / 2^m, in logs to stay finite for large m.
  let logC = 0; // log C(m, 0)
  let sum = 0;
  const log2m = m * Math.LN2;
  for (let k = 0; k <= agree; k++) {
    if (k > 0) logC += Math.log((m - k + 1) / k);
    sum += Math.exp(logC - log2m);
  }
  return Math.min(1, sum);
}

/** One query's calls. `draws` is the query stream (shared across queries in order). */
export function planQuery(r: ResolvedStrategy, draws: Draws): QueryPlan {
  const before = draws.used;
  const calls: PlannedCall[] = [];
  const add = (call: PlanCall, extra: Omit<PlannedCall, 'call'> = {}) => calls.push({ call, ...extra });
  const G = r.model ?? '';
  const P = r.prompt;
  const lengths: number[] = [];
  const drawLengths = (k: number) => {
    for (let i = 0; i < k; i++) lengths.push(draws.length(r.lengths));
  };
  const steps = (batch: number, context: number, count: number, group?: number, discard?: boolean) => {
    if (count > 0) add({ kind: 'steps', model: G, batch, context, count, ...(discard ? { discard: true } : {}) }, group === undefined ? {} : { group });
  };
  const result = (extra: Partial<QueryPlan> = {}): QueryPlan => ({ lengths, calls, uniforms: draws.used - before, ...extra });

  switch (r.approach) {
    case 'single': {
      if (r.overViews) {
        add({ kind: 'run', model: G, batch: r.batch });
        return result();
      }
      drawLengths(1);
      add({ kind: 'prefill', model: G, batch: 1, tokens: P });
      steps(1, P, lengths[0] - 1);
      return result();
    }
    case 'best_of_n':
    case 'self_consistency': {
      drawLengths(r.n);
      add({ kind: 'prefill', model: G, batch: 1, tokens: P });
      waves(r.n, Math.max(1, r.parallel), r.approach === 'best_of_n' ? r.verifier : undefined);
      return result();
    }
    case 'early_exit': {
      if (r.overViews) {
        // Views of a non-generative model, a wave at a time (one run at wave × batch), one uniform per
        // view: it agrees with the leading answer when u < agreement. No lengths: nothing is generated.
        let done = 0, agree = 0, group = 0;
        while (done < r.maxN) {
          const b = Math.min(r.wave, r.maxN - done);
          add({ kind: 'run', model: G, batch: b * r.batch }, { group: group++ });
          for (let i = 0; i < b; i++) if (draws.uniform() < r.agreement) agree++;
          done += b;
          if (majorityPosterior(agree, done - agree) >= r.threshold) break;
        }
        return result({ samples: done });
      }
      // Lengths of every possible sample first (all of a query's samples are drawn up front), then one
      // uniform per sample as it is drawn: it agrees with the leading answer when u < agreement.
      drawLengths(r.maxN);
      add({ kind: 'prefill', model: G, batch: 1, tokens: P });
      let done = 0, agree = 0, group = 0;
      while (done < r.maxN) {
        const b = Math.min(r.wave, r.maxN - done);
        wave(done, b, group++, r.verifier);
        for (let i = 0; i < b; i++) if (draws.uniform() < r.agreement) agree++;
        done += b;
        if (majorityPosterior(agree, done - agree) >= r.threshold) break;
      }
      return result({ samples: done });
    }
    case 'beam_search':
    case 'dvts': {
      drawLengths(1);
      const n = r.n, s = r.stepTokens;
      const keep = Math.max(1, Math.floor(n / Math.max(1, r.beamWidth)));
      const D = Math.min(r.numIterations, Math.ceil(lengths[0] / s));
      add({ kind: 'prefill', model: G, batch: 1, tokens: P });
      add({ kind: 'kv_tile', model: G, batch: n, context: P });
      for (let i = 1; i <= D; i++) {
        const c0 = P + (i - 1) * s;
        steps(n, c0, s, i - 1);
        steps(n, c0 + s, r.lookahead * s, i - 1, true);
        if (r.verifier) add({ kind: 'score', model: r.verifier, batch: n, tokens: P + i * s }, { group: i - 1 });
        add({ kind: 'kv_gather', model: G, batch: n, context: P + i * s, keep }, { group: i - 1 });
      }
      return result();
    }
    case 'revisions': {
      drawLengths(1);
      const L = lengths[0];
      for (let round = 0; round <= r.rounds; round++) {
        add({ kind: 'prefill', model: G, batch: 1, tokens: P + round * L }, { group: round });
        steps(1, P + round * L, L - 1, round);
        if (r.verifier) add({ kind: 'score', model: r.verifier, batch: 1, tokens: P + (round + 1) * L }, { group: round });
      }
      return result();
    }
    case 'budget_forcing': {
      drawLengths(1);
      const L = lengths[0];
      const T = Math.min(L, r.maxTokensThinking);
      const tokens = Math.max(T + r.numIgnore * (1 + T), Math.min(L, r.maxTokens));
      add({ kind: 'prefill', model: G, batch: 1, tokens: P });
      steps(1, P, tokens - 1);
      return result();
    }
    case 'cascade': {
      let k = 0;
      for (; k < r.stages.length; k++) {
        add({ kind: 'run', model: r.stages[k].model, batch: r.batch }, { stage: k });
        if (k === r.stages.length - 1) break;
        if (!(draws.uniform() < r.stages[k].escalate)) break;
      }
      return result({ stagesReached: Math.min(k, r.stages.length - 1) });
    }
    case 'tta': {
      const p = Math.max(1, r.parallel);
      const runs = Math.ceil(r.views / p);
      for (let i = 0; i < runs; i++) add({ kind: 'run', model: G, batch: Math.min(r.views, p) * r.batch }, { group: i });
      return result();
    }
    case 'ensemble': {
      r.members.forEach((m, i) => add({ kind: 'run', model: m, batch: r.batch }, { stage: i }));
      return result();
    }
  }

  /** Waves of b = min(p, remaining) samples: tile the prompt's KV, step to the longest, score. */
  function waves(total: number, p: number, verifier: string | undefined): void {
    let group = 0;
    for (let done = 0; done < total; ) {
      const b = Math.min(p, total - done);
      wave(done, b, group++, verifier);
      done += b;
    }
  }
  function wave(first: number, b: number, group: number, verifier: string | undefined): void {
    const longest = Math.max(...lengths.slice(first, first + b));
    add({ kind: 'kv_tile', model: G, batch: b, context: P }, { group });
    steps(b, P, longest - 1, group);
    if (verifier) add({ kind: 'score', model: verifier, batch: b, tokens: P + longest }, { group });
  }
}

export interface PlannedWorkload {
  strategy: ResolvedStrategy;
  /** The warm-up query (its own stream with the same seed; every cascade stage runs). */
  warmup: QueryPlan;
  queries: QueryPlan[];
}

/**
 * The K measured queries (one stream seeded with `strategy.seed`, in query order) and the warm-up
 * query (its own stream with the same seed, so its draws equal the first query's; a cascade's warm-up
 * runs every stage).
 */
export function planQueries(config: TtcConfig, queries: number, o: PlanOptions = {}): PlannedWorkload {
  const strategy = resolveStrategy(config, o);
  const stream = new Draws(strategy.seed);
  const list: QueryPlan[] = [];
  for (let q = 0; q < queries; q++) list.push(planQuery(strategy, stream));
  const warm = planQuery(strategy.approach === 'cascade' ? { ...strategy, stages: strategy.stages.map((s, i, all) => ({ ...s, escalate: i === all.length - 1 ? 0 : 1 })) } : strategy, new Draws(strategy.seed));
  return { strategy, warmup: warm, queries: list };
}

/** Calls by kind, counting each decode step (what `bench` reports and checks against the run). */
export function countCalls(plans: QueryPlan[]): Record<CallKind, number> {
  const out: Record<CallKind, number> = { prefill: 0, kv_tile: 0, steps: 0, score: 0, kv_gather: 0, run: 0 };
  for (const p of plans) for (const { call } of p.calls) out[call.kind] += call.kind === 'steps' ? call.count : 1;
  return out;
}
