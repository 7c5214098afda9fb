/**
 * Fit the budget: for each cost-driving knob of the approach, the largest value not above the current
 * one whose estimate breaches no budget (latency, memory, cost, capacity), found by bisection on the
 * same estimator and the same drawn queries — so applying a fix makes the breach go away. DVTS keeps
 * `n` a multiple of `beam_width` (and `beam_width` a divisor of `n`).
 */
import type { Strategy, TtcConfig } from '../config/types';
import { estimate, type Estimate, type EstimateInputs } from './estimate';
import { resolveStrategy } from './plan';

export type FitKnob = 'n' | 'parallel' | 'max_tokens' | 'num_iterations' | 'beam_width' | 'views' | 'rounds' | 'max_tokens_thinking' | 'max_n';

export interface FitSuggestion {
  knob: FitKnob;
  from: number;
  to: number;
  estimate: Estimate;
  /** Whether the key is already in the config (else the fix inserts it). */
  present: boolean;
}

const KNOBS: Record<string, FitKnob[]> = {
  single: ['max_tokens'],
  best_of_n: ['n', 'parallel', 'max_tokens'],
  self_consistency: ['n', 'parallel', 'max_tokens'],
  beam_search: ['n', 'num_iterations', 'beam_width', 'max_tokens'],
  dvts: ['n', 'num_iterations', 'beam_width', 'max_tokens'],
  revisions: ['rounds', 'max_tokens'],
  budget_forcing: ['max_tokens_thinking', 'max_tokens'],
  early_exit: ['max_n', 'max_tokens'],
  tta: ['views', 'parallel'],
};

/** Breaches a knob can cure (the hardware-memory check too: it is about the same KV cache). */
const fits = (e: Estimate) => !e.breaches.some((b) => b.severity === 'error');

function currentValue(config: TtcConfig, knob: FitKnob): number {
  const r = resolveStrategy(config);
  const map: Record<FitKnob, number> = {
    n: r.n,
    parallel: r.parallel,
    max_tokens: r.maxTokens,
    num_iterations: r.numIterations,
    beam_width: r.beamWidth,
    views: r.views,
    rounds: r.rounds,
    max_tokens_thinking: r.maxTokensThinking,
    max_n: r.maxN,
  };
  return map[knob];
}

function withKnob(config: TtcConfig, knob: FitKnob, v: number): TtcConfig {
  const strategy: Strategy = { ...config.strategy!, [knob]: v };
  // `parallel` follows `n` when unset: keep it so (a smaller n with the same parallel would change nothing).
  return { ...config, strategy };
}

/** Candidate values below `v` for a knob, ascending (DVTS divisibility kept). */
function candidates(config: TtcConfig, knob: FitKnob, v: number): number[] {
  const r = resolveStrategy(config);
  const dvts = r.approach === 'dvts';
  if (knob === 'n' && dvts) {
    const out: number[] = [];
    for (let x = r.beamWidth; x < v; x += r.beamWidth) out.push(x);
    return out;
  }
  if (knob === 'beam_width' && dvts) {
    const out: number[] = [];
    for (let x = 1; x < v; x++) if (r.n % x === 0) out.push(x);
    return out;
  }
  const out: number[] = [];
  for (let x = 1; x < v; x++) out.push(x);
  return out;
}

/**
 * Every knob's fix when the config breaches a budget (empty when it fits, or when no smaller value
 * of a knob fits). `maxEstimates` bounds the work per knob (bisection needs ~log2 of the range).
 */
export function fitBudget(inputs: EstimateInputs, knobs?: FitKnob[]): FitSuggestion[] {
  const config = inputs.config;
  if (!config.strategy) return [];
  const base = estimate({ ...inputs, marginals: false });
  if (fits(base)) return [];
  const out: FitSuggestion[] = [];
  for (const knob of knobs ?? KNOBS[config.strategy.approach] ?? []) {
    const v = currentValue(config, knob);
    const cs = candidates(config, knob, v);
    if (!cs.length) continue;
    const at = (i: number) => estimate({ ...inputs, config: withKnob(config, knob, cs[i]), marginals: false });
    // Largest index that fits, assuming cost grows with the knob (bisection); verify the answer.
    let lo = -1, hi = cs.length - 1, best: Estimate | undefined;
    const first = at(0);
    if (!fits(first)) continue;
    lo = 0;
    best = first;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const e = at(mid);
      if (fits(e)) {
        lo = mid;
        best = e;
      } else hi = mid - 1;
    }
    const present = (config.strategy as unknown as Record<string, unknown>)[knob] !== undefined;
    out.push({ knob, from: v, to: cs[lo], estimate: best, present });
  }
  return out;
}
