/**
 * Latency statistics for profiler samples (pure functions, milliseconds in, milliseconds out).
 *
 * The stopping rule uses a distribution-free 95% confidence interval for the median built from order
 * statistics (the binomial / sign-test interval, e.g. Conover, "Practical Nonparametric Statistics",
 * §3.2): the interval [x(j), x(k)] covers the median with probability P(j ≤ Bin(n, ½) < k). Latency
 * samples are skewed and heavy-tailed, so a normal-theory interval around the mean would mislead.
 */

/** Summary of one measured configuration. All times in milliseconds. */
export interface LatencyStats {
  runs: number;
  warmupRuns: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  stdev: number;
  /** Coefficient of variation, stdev / mean. */
  cv: number;
  min: number;
  max: number;
  /** Distribution-free 95% confidence interval of the median; absent when runs < 6. */
  ci95?: [number, number];
  /** Largest distance from the median to a CI end, relative to the median (0.02 = ±2%). */
  ciRelHalfWidth?: number;
  /** Why measurement stopped. */
  stoppedBy: 'ci' | 'time' | 'runs';
  /**
   * Blocks the runs were timed in (worker/timing.ts). When present, `ci95` covers the spread of the
   * block medians as well as the runs, so run-to-run drift widens it.
   */
  blocks?: number;
}

/** Quantile of sorted data with linear interpolation between order statistics (R type 7, NumPy default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (q <= 0) return sorted[0];
  if (q >= 1) return sorted[n - 1];
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples).sort();
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function stdev(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for the arguments used here.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * 1-based order-statistic ranks [j, k] with P(j ≤ Bin(n, ½) < k) ≥ confidence, chosen symmetric
 * (k = n + 1 − j) and as narrow as possible. Undefined when n is too small to reach the confidence.
 */
export function medianCiRanks(n: number, confidence = 0.95): [number, number] | undefined {
  if (n < 1) return undefined;
  // Exact binomial tail: find the largest j with P(Bin(n, ½) ≤ j − 1) ≤ (1 − confidence) / 2.
  const alpha2 = (1 - confidence) / 2;
  let cdf = 0;
  let j = 0;
  for (let i = 0; i <= n; i++) {
    cdf += Math.exp(logChoose(n, i) - n * Math.LN2);
    if (cdf > alpha2) break;
    j = i + 1;
  }
  if (j < 1) return undefined;
  return [j, n + 1 - j];
}

/** Distribution-free confidence interval of the median of sorted data. */
export function medianCi(sorted: ArrayLike<number>, confidence = 0.95): [number, number] | undefined {
  const r = medianCiRanks(sorted.length, confidence);
  if (!r) return undefined;
  return [sorted[r[0] - 1], sorted[r[1] - 1]];
}

/** Relative half-width of the median CI: max(median − lo, hi − median) / median. Infinity if unknown. */
export function ciRelHalfWidth(sorted: ArrayLike<number>, confidence = 0.95): number {
  const ci = medianCi(sorted, confidence);
  if (!ci) return Infinity;
  const med = quantileSorted(sorted, 0.5);
  if (!(med > 0)) return Infinity;
  return Math.max(med - ci[0], ci[1] - med) / med;
}

/** Full summary of a set of samples (ms). */
export function summarize(samples: ArrayLike<number>, warmupRuns: number, stoppedBy: LatencyStats['stoppedBy']): LatencyStats {
  const s = sortedCopy(samples);
  const m = mean(s);
  const sd = stdev(s);
  const ci = medianCi(s);
  const p50 = quantileSorted(s, 0.5);
  return {
    runs: s.length,
    warmupRuns,
    p50,
    p90: quantileSorted(s, 0.9),
    p99: quantileSorted(s, 0.99),
    mean: m,
    stdev: sd,
    cv: m > 0 ? sd / m : 0,
    min: s.length ? s[0] : NaN,
    max: s.length ? s[s.length - 1] : NaN,
    ...(ci ? { ci95: ci, ciRelHalfWidth: p50 > 0 ? Math.max(p50 - ci[0], ci[1] - p50) / p50 : undefined } : {}),
    stoppedBy,
  };
}

/** When measuring should stop, given the samples so far. Pure so it can be tested with known data. */
export interface StopRule {
  targetCi: number;
  maxTimeMs: number;
  minRuns: number;
  maxRuns: number;
}

export const DEFAULT_STOP_RULE: StopRule = { targetCi: 0.02, maxTimeMs: 10_000, minRuns: 10, maxRuns: 100_000 };

/**
 * Decide whether to stop after `samples` took `elapsedMs` in total. The CI is only checked once at
 * least `minRuns` samples exist, so an early lucky streak cannot end a measurement.
 */
export function shouldStop(samples: ArrayLike<number>, elapsedMs: number, rule: StopRule): LatencyStats['stoppedBy'] | undefined {
  const n = samples.length;
  if (n >= rule.maxRuns) return 'runs';
  if (n >= Math.max(rule.minRuns, 6) && ciRelHalfWidth(sortedCopy(samples)) <= rule.targetCi) return 'ci';
  if (elapsedMs >= rule.maxTimeMs && n >= Math.min(rule.minRuns, 3)) return 'time';
  return undefined;
}
