/**
 * Numerical pieces of the quality models: log-gamma and log-beta, the unbiased pass@k estimator
 * (Chen et al. 2021, `1 − C(n−c, k)/C(n, k)`), a Nelder–Mead minimiser and sample quantiles. Pure.
 */

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13 over the range used here). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < 8; i++) a += LANCZOS[i] / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b). */
export function lnBeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln C(n, k). */
export function lnChoose(n: number, k: number): number {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/**
 * The unbiased pass@k estimator from `c` correct of `n` samples: the chance that k of the n samples,
 * drawn without replacement, contain a correct one. Computed as a product (no huge binomials).
 * Defined for 1 ≤ k ≤ n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(k >= 1 && k <= n && c >= 0 && c <= n)) throw new RangeError(`pass@k needs 1 ≤ k ≤ n and 0 ≤ c ≤ n (n=${n}, c=${c}, k=${k})`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems (each with its own n); k must not exceed any problem's n. */
export function meanPassAtK(problems: ReadonlyArray<{ correct: number; total: number }>, k: number): number {
  let s = 0;
  for (const p of problems) s += passAtK(p.total, p.correct, k);
  return s / problems.length;
}

/** Quantile q of an ascending-sorted array (linear interpolation). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Minimise f over R^d from x0 (Nelder–Mead; enough for the 2–3 parameter fits here). */
export function nelderMead(f: (x: number[]) => number, x0: number[], opts: { step?: number; maxIter?: number; tol?: number } = {}): { x: number[]; value: number; iterations: number } {
  const d = x0.length;
  const step = opts.step ?? 0.5, maxIter = opts.maxIter ?? 400 * d, tol = opts.tol ?? 1e-10;
  let pts = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: f(x) }));
  let it = 0;
  for (; it < maxIter; it++) {
    pts.sort((a, b) => a.v - b.v);
    if (Math.abs(pts[d].v - pts[0].v) <= tol * (Math.abs(pts[0].v) + tol)) break;
    const c = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[j] += pts[i].x[j] / d;
    const at = (t: number) => c.map((cj, j) => cj + t * (pts[d].x[j] - cj));
    const r = at(-1), fr = f(r);
    if (fr < pts[0].v) {
      const e = at(-2), fe = f(e);
      pts[d] = fe < fr ? { x: e, v: fe } : { x: r, v: fr };
    } else if (fr < pts[d - 1].v) pts[d] = { x: r, v: fr };
    else {
      const k = fr < pts[d].v ? at(-0.5) : at(0.5), fk = f(k);
      if (fk < Math.min(fr, pts[d].v)) pts[d] = { x: k, v: fk };
      else pts = pts.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => pts[0].x[j] + 0.5 * (v - pts[0].x[j])), v: 0 })).map((p, i) => (i === 0 ? p : { x: p.x, v: f(p.x) }));
    }
  }
  pts.sort((a, b) => a.v - b.v);
  return { x: pts[0].x, value: pts[0].v, iterations: it };
}

/** Weighted least squares of y = a + b·x. */
export function linearFit(x: number[], y: number[], w: number[] = x.map(() => 1)): { a: number; b: number } {
  let sw = 0, sx = 0, sy = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i];
    sx += w[i] * x[i];
    sy += w[i] * y[i];
  }
  const mx = sx / sw, my = sy / sw;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += w[i] * (x[i] - mx) ** 2;
    sxy += w[i] * (x[i] - mx) * (y[i] - my);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}
