/**
 * Per-problem success rates drawn from a Beta (Schaeffer et al.; Brown et al. 2024): with per-problem
 * counts (c_i correct of n_i samples) the Beta(α, β) is fitted by maximum likelihood of the
 * Beta-binomial, and accuracy at any k follows from the fitted distribution:
 *   pass@k  = 1 − E[(1−p)^k] = 1 − B(α, β+k) / B(α, β)
 *   maj@k   = P(more than half of k samples are right), ties split evenly (Chen et al. 2024:
 *             it rises for problems with p > ½ and falls for p < ½, so the mean can be non-monotone).
 * Majority vote here treats the wrong answers as one block (a binary vote): a lower bound when wrong
 * answers scatter over many values, where a plurality wins with fewer right samples.
 */
import { lnBeta, lnChoose, nelderMead } from './stats';

export interface Counts {
  correct: number;
  total: number;
}

export interface BetaFit {
  alpha: number;
  beta: number;
  /** Log-likelihood at the fit (binomial constants included). */
  logLik: number;
  problems: number;
  /** Mean success rate α/(α+β). */
  mean: number;
}

/** Distinct (correct, total) pairs with their multiplicity: evals have few (17 for 16 samples each). */
export function groupCounts(data: readonly Counts[]): Array<Counts & { weight: number }> {
  const m = new Map<string, Counts & { weight: number }>();
  for (const { correct, total } of data) {
    const key = `${correct}/${total}`;
    const g = m.get(key);
    if (g) g.weight++;
    else m.set(key, { correct, total, weight: 1 });
  }
  return [...m.values()];
}

/** Log-likelihood of counts (or of grouped counts) under Beta-binomial(α, β). */
export function betaBinomialLogLik(data: ReadonlyArray<Counts & { weight?: number }>, alpha: number, beta: number): number {
  const lb = lnBeta(alpha, beta);
  let s = 0;
  for (const { correct: c, total: n, weight } of data) s += (weight ?? 1) * (lnChoose(n, c) + lnBeta(c + alpha, n - c + beta) - lb);
  return s;
}

/**
 * Maximum-likelihood Beta(α, β) for per-problem counts (Nelder–Mead in log space, started from the
 * method of moments). α and β are kept in [1e-3, 1e4]: a data set where every problem is always right
 * (or always wrong) has no finite MLE and lands on the bound.
 */
export function fitBetaBinomial(data: readonly Counts[]): BetaFit {
  if (data.length === 0) throw new RangeError('a Beta-binomial fit needs at least one problem');
  const rates = data.map((d) => d.correct / d.total);
  const m = Math.min(0.999, Math.max(0.001, rates.reduce((a, b) => a + b, 0) / rates.length));
  const v = rates.reduce((a, r) => a + (r - m) ** 2, 0) / rates.length;
  // Moments of p: var = m(1−m)/(α+β+1); clamp to a sensible starting concentration.
  const conc = v > 1e-9 ? Math.min(1000, Math.max(0.05, (m * (1 - m)) / v - 1)) : 100;
  const LO = Math.log(1e-3), HI = Math.log(1e4);
  const clamp = (x: number) => Math.min(HI, Math.max(LO, x));
  const groups = groupCounts(data);
  const nll = (x: number[]) => -betaBinomialLogLik(groups, Math.exp(clamp(x[0])), Math.exp(clamp(x[1])));
  const r = nelderMead(nll, [Math.log(m * conc), Math.log((1 - m) * conc)], { step: 0.7, tol: 1e-12 });
  const alpha = Math.exp(clamp(r.x[0])), beta = Math.exp(clamp(r.x[1]));
  return { alpha, beta, logLik: -r.value, problems: data.length, mean: alpha / (alpha + beta) };
}

/** Expected pass@k of a problem with p ~ Beta(α, β). */
export function betaPassAtK(alpha: number, beta: number, k: number): number {
  return 1 - Math.exp(lnBeta(alpha, beta + k) - lnBeta(alpha, beta));
}

/** P(j of k right) for p ~ Beta(α, β). */
export function betaBinomialPmf(j: number, k: number, alpha: number, beta: number): number {
  return Math.exp(lnChoose(k, j) + lnBeta(j + alpha, k - j + beta) - lnBeta(alpha, beta));
}

/** Expected majority-vote accuracy at k samples for p ~ Beta(α, β) (binary vote, ties split). */
export function betaMajorityAtK(alpha: number, beta: number, k: number): number {
  let s = 0;
  for (let j = Math.floor(k / 2); j <= k; j++) {
    const w = 2 * j > k ? 1 : 2 * j === k ? 0.5 : 0;
    if (w) s += w * betaBinomialPmf(j, k, alpha, beta);
  }
  return Math.min(1, s);
}

/** Majority-vote accuracy of one problem with success rate p at k samples (binary vote, ties split). */
export function majorityAtK(p: number, k: number): number {
  let s = 0;
  for (let j = Math.floor(k / 2); j <= k; j++) {
    const w = 2 * j > k ? 1 : 2 * j === k ? 0.5 : 0;
    if (w) s += w * Math.exp(lnChoose(k, j) + (j ? j * Math.log(p) : 0) + (k - j ? (k - j) * Math.log1p(-p) : 0));
  }
  return Math.min(1, s);
}

/** Posterior mean success rate of one problem under the fitted prior: its estimated difficulty. */
export function posteriorRate(fit: Pick<BetaFit, 'alpha' | 'beta'>, c: Counts): number {
  return (c.correct + fit.alpha) / (c.total + fit.alpha + fit.beta);
}
