/**
 * Accuracy-versus-N curves with confidence bands. Two laws (../shared/DOMAIN.md §2):
 *   power:     −ln acc(k) = a·k^(−b)   (Brown et al. 2024, "Large Language Monkeys": coverage)
 *   loglinear: acc(k) = a + b·ln k     (coverage is log-linear in samples over the measured range)
 * fitted by weighted least squares (the power law in log-log space), plus the Beta-binomial curves of
 * betaBinomial.ts. Bands come from a seeded bootstrap: over problems when per-problem data exists,
 * parametric (binomial noise of each measured point) otherwise. An extrapolation is trusted up to
 * `reach`: at most REACH_FACTOR × the largest measured N, and only while the 95% band stays within
 * ±REACH_HALF_WIDTH.
 */
import { mulberry32 } from '../random';
import { betaMajorityAtK, betaPassAtK, fitBetaBinomial, type Counts } from './betaBinomial';
import { difficultyBins, type BinInput, type DifficultyBin } from './difficulty';
import { linearFit, lnChoose, meanPassAtK, quantile } from './stats';

export type Law = 'power' | 'loglinear' | 'beta-binomial' | 'single-point';

/** How far past the largest measured N a curve may be read. */
export const REACH_FACTOR = 8;
/** Half-width of the 95% band (accuracy, 0..1) beyond which an extrapolation is not trusted. */
export const REACH_HALF_WIDTH = 0.05;
/** Bootstrap replicates (seeded: the same data gives the same bands). */
export const DEFAULT_BOOTSTRAP = 200;
export const DEFAULT_SEED = 20240806;
/** Bin counts of the Beta-binomial mixtures the per-problem curves average (betaCurves). */
export const CURVE_BINS = [2, 3, 4];

export type Predictor = (k: number) => number;

export interface Prediction {
  k: number;
  accuracy: number;
  /** 95% bootstrap band. */
  lo: number;
  hi: number;
  /** Beyond the largest measured N. */
  extrapolated: boolean;
  /** Beyond `reach`: shown, not trusted (the optimizer does not recommend it). */
  beyondReach: boolean;
}

export interface Curve {
  /** What the curve predicts: `self_consistency`, `best_of_n`, `pass@k (coverage)`… */
  label: string;
  law: Law;
  /** The law's parameters (`a`, `b`; or `alpha`, `beta`). */
  params: Record<string, number>;
  /** The data it was fitted to. */
  measured: Array<{ k: number; accuracy: number; problems?: number }>;
  /** Largest measured N. */
  kMax: number;
  /** Largest N the curve is trusted at. */
  reach: number;
  predict(k: number): Prediction;
}

/** Power law −ln y = a·k^(−b): least squares of ln(−ln y) = ln a − b·ln k (0 < y < 1). */
export function fitPowerLaw(ks: number[], ys: number[], ws?: number[]): { a: number; b: number } | undefined {
  const idx = ys.map((y, i) => i).filter((i) => ys[i] > 0 && ys[i] < 1);
  if (new Set(idx.map((i) => ks[i])).size < 2) return undefined;
  const { a, b } = linearFit(idx.map((i) => Math.log(ks[i])), idx.map((i) => Math.log(-Math.log(ys[i]))), idx.map((i) => ws?.[i] ?? 1));
  return { a: Math.exp(a), b: -b };
}

export const powerLaw = (a: number, b: number): Predictor => (k) => Math.exp(-a * Math.pow(k, -b));

/** Log-linear y = a + b·ln k (least squares). */
export function fitLogLinear(ks: number[], ys: number[], ws?: number[]): { a: number; b: number } | undefined {
  if (new Set(ks).size < 2) return undefined;
  return linearFit(ks.map(Math.log), ys, ws);
}

export const logLinear = (a: number, b: number): Predictor => (k) => Math.min(1, Math.max(0, a + b * Math.log(k)));

/** A standard normal draw from a uniform generator (Box–Muller). */
function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12), v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The curve object: main predictor plus bootstrap replicates → bands and reach. */
function makeCurve(label: string, law: Law, params: Record<string, number>, measured: Curve['measured'], main: Predictor, reps: Predictor[]): Curve {
  const kMax = Math.max(...measured.map((m) => m.k));
  const band = (k: number) => {
    const vals = Float64Array.from(reps.map((r) => r(k)).filter(Number.isFinite)).sort();
    return vals.length >= 10 ? { lo: quantile(vals, 0.025), hi: quantile(vals, 0.975) } : undefined;
  };
  let reach = kMax;
  if (law !== 'single-point') {
    for (let k = kMax * 2; k <= kMax * REACH_FACTOR; k *= 2) {
      const b = band(k);
      if (!b || (b.hi - b.lo) / 2 > REACH_HALF_WIDTH) break;
      reach = k;
    }
  }
  // Below the smallest measured N the law is not trusted either: a TTA curve measured at n = 2, 4, 8
  // extrapolated down to n = 1 read 83.7% on the OCR eval where the single pass measured 76.3%.
  const kMin = Math.min(...measured.map((m) => m.k));
  const predict = (k: number): Prediction => {
    const exact = measured.find((m) => m.k === k);
    const acc = law === 'single-point' ? (exact ? exact.accuracy : NaN) : main(k);
    const b = law === 'single-point' ? undefined : band(k);
    const lo = b ? Math.min(b.lo, acc) : acc, hi = b ? Math.max(b.hi, acc) : acc;
    return { k, accuracy: acc, lo, hi, extrapolated: k > kMax || k < kMin, beyondReach: k > reach || k < kMin };
  };
  return { label, law, params, measured, kMax, reach, predict };
}

export interface PointsCurveOptions {
  bootstrap?: number;
  seed?: number;
  /** Problems behind a point that does not say (sets its noise; default 100). */
  defaultProblems?: number;
}

/**
 * A curve through measured points (one strategy): the power law when every accuracy is in (0, 1)
 * and it fits at least as well as the log-linear law, else log-linear; a single N gives a
 * single-point "curve" that predicts only that N. Bands: each point re-drawn with its binomial noise.
 */
export function pointsCurve(label: string, points: ReadonlyArray<{ k: number; accuracy: number; problems?: number }>, o: PointsCurveOptions = {}): Curve {
  if (points.length === 0) throw new RangeError('a curve needs at least one point');
  // Repeated N (two runs of one setting): their problem-weighted mean.
  const byK = new Map<number, { s: number; m: number }>();
  for (const p of points) {
    const m = p.problems ?? o.defaultProblems ?? 100;
    const e = byK.get(p.k) ?? { s: 0, m: 0 };
    e.s += p.accuracy * m;
    e.m += m;
    byK.set(p.k, e);
  }
  const measured = [...byK.entries()].sort((a, b) => a[0] - b[0]).map(([k, e]) => ({ k, accuracy: e.s / e.m, problems: e.m }));
  const ks = measured.map((m) => m.k), ys = measured.map((m) => m.accuracy), ws = measured.map((m) => m.problems);
  if (measured.length === 1) return makeCurve(label, 'single-point', {}, measured, () => ys[0], []);
  const sse = (f: Predictor) => ks.reduce((s, k, i) => s + ws[i] * (f(k) - ys[i]) ** 2, 0);
  const pw = fitPowerLaw(ks, ys, ws);
  const ll = fitLogLinear(ks, ys, ws)!;
  const usePower = !!pw && ys.every((y) => y > 0 && y < 1) && sse(powerLaw(pw.a, pw.b)) <= sse(logLinear(ll.a, ll.b)) + 1e-12;
  const law: Law = usePower ? 'power' : 'loglinear';
  const fit = (y: number[]): Predictor | undefined => {
    if (usePower) {
      const f = fitPowerLaw(ks, y, ws);
      return f ? powerLaw(f.a, f.b) : undefined;
    }
    const f = fitLogLinear(ks, y, ws);
    return f ? logLinear(f.a, f.b) : undefined;
  };
  const rng = mulberry32(o.seed ?? DEFAULT_SEED);
  const reps: Predictor[] = [];
  for (let r = 0; r < (o.bootstrap ?? DEFAULT_BOOTSTRAP); r++) {
    const y = ys.map((v, i) => {
      const m = ws[i];
      const vv = Math.min(1 - 0.5 / m, Math.max(0.5 / m, v));
      return Math.min(1 - 1e-6, Math.max(1e-6, v + normal(rng) * Math.sqrt((vv * (1 - vv)) / m)));
    });
    const f = fit(y);
    if (f) reps.push(f);
  }
  const params = usePower ? pw! : ll;
  return makeCurve(label, law, { ...params }, measured, usePower ? powerLaw(pw!.a, pw!.b) : logLinear(ll.a, ll.b), reps);
}

/** Problems resampled with replacement. */
function resample<T>(xs: readonly T[], rng: () => number): T[] {
  const out: T[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(rng() * xs.length)];
  return out;
}

/** The N values at which per-problem counts give unbiased estimates: powers of two up to the smallest total. */
export function measurableKs(problems: readonly Counts[]): number[] {
  const nMin = Math.min(...problems.map((p) => p.total));
  const ks: number[] = [];
  for (let k = 1; k <= nMin; k *= 2) ks.push(k);
  if (ks[ks.length - 1] !== nMin) ks.push(nMin);
  return ks;
}

/**
 * Coverage (pass@k: some sample is right; what an oracle verifier reaches) from per-problem counts:
 * the unbiased estimator at every measurable k, fitted with the power law; bands by resampling
 * problems. With one sample per problem only the Beta-binomial can extrapolate (betaCurves).
 */
export function coverageCurve(problems: readonly Counts[], o: { bootstrap?: number; seed?: number } = {}): Curve | undefined {
  const ks = measurableKs(problems);
  const ys = ks.map((k) => meanPassAtK(problems, k));
  const pw = fitPowerLaw(ks, ys);
  if (!pw) return undefined;
  const rng = mulberry32(o.seed ?? DEFAULT_SEED);
  const reps: Predictor[] = [];
  for (let r = 0; r < (o.bootstrap ?? DEFAULT_BOOTSTRAP); r++) {
    const s = resample(problems, rng);
    const f = fitPowerLaw(ks, ks.map((k) => meanPassAtK(s, k)));
    if (f) reps.push(powerLaw(f.a, f.b));
  }
  return makeCurve('pass@k (coverage)', 'power', { ...pw }, ks.map((k, i) => ({ k, accuracy: ys[i], problems: problems.length })), powerLaw(pw.a, pw.b), reps);
}

/**
 * Unbiased majority-vote accuracy from c correct of n samples at k ≤ n: the chance that more than
 * half of k samples drawn without replacement are right (ties split), a hypergeometric tail.
 */
export function majorityFromCounts(n: number, c: number, k: number): number {
  let s = 0;
  const all = lnChoose(n, k);
  for (let j = Math.floor(k / 2); j <= Math.min(k, c); j++) {
    if (k - j > n - c) continue;
    const w = 2 * j > k ? 1 : 2 * j === k ? 0.5 : 0;
    if (w) s += w * Math.exp(lnChoose(c, j) + lnChoose(n - c, k - j) - all);
  }
  return s;
}

/**
 * The Beta-binomial curves from per-problem counts: coverage (pass@k) and majority vote
 * (self_consistency), each the mixture of one Beta per difficulty bin (difficulty.ts). One Beta's
 * majority vote is monotone in odd k; a mix of easy bins (p > ½, rising) and hard bins (p < ½,
 * falling) need not be, as Chen et al. 2024 observe. Majority vote at large N hangs on the mass near
 * p = ½, which the bin count shifts: the curve averages the mixtures of CURVE_BINS bins and pools
 * their bootstrap replicates (problems resampled within bins, every bin refitted), so the band holds
 * that model uncertainty and the reach ends where it grows.
 */
export function betaCurves(problems: readonly BinInput[], o: { bootstrap?: number; seed?: number; bins?: number[] } = {}): { coverage: Curve; majority: Curve; bins: DifficultyBin[] } {
  type Mix = Array<{ share: number; alpha: number; beta: number }>;
  const cov = (m: Mix): Predictor => (k) => m.reduce((s, b) => s + b.share * betaPassAtK(b.alpha, b.beta, k), 0);
  const maj = (m: Mix): Predictor => (k) => m.reduce((s, b) => s + b.share * betaMajorityAtK(b.alpha, b.beta, k), 0);
  const rng = mulberry32((o.seed ?? DEFAULT_SEED) + 1);
  const choices = o.bins ?? CURVE_BINS;
  // Each replicate refits every bin's MLE: fewer replicates than the closed-form curves.
  const B = Math.max(10, Math.round(Math.min(o.bootstrap ?? DEFAULT_BOOTSTRAP, 120) / choices.length));
  const mains: Mix[] = [];
  const reps: Mix[] = [];
  let shown: DifficultyBin[] = [];
  for (const nb of choices) {
    const bins = difficultyBins(problems, nb);
    if (bins.length > shown.length) shown = bins;
    const mixOf = (fits: Array<{ alpha: number; beta: number }>): Mix => fits.map((f, i) => ({ share: bins[i].share, alpha: f.alpha, beta: f.beta }));
    mains.push(mixOf(bins.map((b) => b.fit)));
    for (let r = 0; r < B; r++) reps.push(mixOf(bins.map((b) => fitBetaBinomial(resample(b.items, rng)))));
  }
  const avg = (f: (m: Mix) => Predictor): Predictor => (k) => mains.reduce((s, m) => s + f(m)(k), 0) / mains.length;
  const ks = measurableKs(problems);
  const covMeasured = ks.map((k) => ({ k, accuracy: meanPassAtK(problems, k), problems: problems.length }));
  const majMeasured = ks.map((k) => ({ k, accuracy: problems.reduce((s, p) => s + majorityFromCounts(p.total, p.correct, k), 0) / problems.length, problems: problems.length }));
  const params: Record<string, number> = {};
  shown.forEach((b) => {
    params[`alpha_${b.bin}`] = b.fit.alpha;
    params[`beta_${b.bin}`] = b.fit.beta;
  });
  return {
    bins: shown,
    coverage: makeCurve('pass@k (coverage, Beta-binomial)', 'beta-binomial', params, covMeasured, avg(cov), reps.map(cov)),
    majority: makeCurve('majority vote (Beta-binomial)', 'beta-binomial', params, majMeasured, avg(maj), reps.map(maj)),
  };
}
