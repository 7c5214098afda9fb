/**
 * Least-squares fits of decoder timings (pure).
 *
 * Decode step model τ(B, c) = a + b·B + d·B·c: a fixed per-step cost (weights streamed once per step,
 * launch overheads), a per-sequence cost, and a per-sequence cost growing with the context through
 * attention over the KV cache (DOMAIN.md §2, after the memory-bound roofline
 * τ ≈ W/BW + B·KV(c)/BW). Prefill T(P) = a + b·P + d·P² (linear layers plus quadratic attention).
 */

export interface LinearFit {
  /** Coefficients in the order of the basis functions. */
  coef: number[];
  /** Root mean square error of the fit, in the unit of y. */
  rmse: number;
  /** Largest |fit − y| / y over the points. */
  maxRelError: number;
  /** Coefficient of determination (1 = perfect). */
  r2: number;
  points: number;
}

/** Ordinary least squares y ≈ X·β through the normal equations (small bases only). */
export function leastSquares(rows: number[][], y: number[]): LinearFit {
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (n === 0 || p === 0 || n !== y.length) throw new Error('leastSquares: need as many rows as targets, at least one');
  // Normal equations, augmented: [XᵀX | Xᵀy].
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i][j] += rows[r][i] * rows[r][j];
      a[i][p] += rows[r][i] * y[r];
    }
  }
  // Gaussian elimination with partial pivoting; a (near-)singular column gets coefficient 0.
  const coef = new Array<number>(p).fill(0);
  const pivCol: number[] = [];
  let row = 0;
  for (let col = 0; col < p && row < p; col++) {
    let best = row;
    for (let i = row + 1; i < p; i++) if (Math.abs(a[i][col]) > Math.abs(a[best][col])) best = i;
    const scale = Math.max(...a.map((r) => Math.abs(r[col])), 1e-300);
    if (Math.abs(a[best][col]) <= 1e-12 * scale) continue;
    [a[row], a[best]] = [a[best], a[row]];
    for (let i = 0; i < p; i++) {
      if (i === row) continue;
      const f = a[i][col] / a[row][col];
      for (let j = col; j <= p; j++) a[i][j] -= f * a[row][j];
    }
    pivCol[row] = col;
    row++;
  }
  for (let r = 0; r < row; r++) coef[pivCol[r]] = a[r][p] / a[r][pivCol[r]];
  let sse = 0;
  let maxRel = 0;
  const ym = y.reduce((s, v) => s + v, 0) / n;
  let sst = 0;
  for (let r = 0; r < n; r++) {
    const f = rows[r].reduce((s, v, i) => s + v * coef[i], 0);
    sse += (f - y[r]) ** 2;
    sst += (y[r] - ym) ** 2;
    if (y[r] !== 0) maxRel = Math.max(maxRel, Math.abs(f - y[r]) / Math.abs(y[r]));
  }
  return { coef, rmse: Math.sqrt(sse / n), maxRelError: maxRel, r2: sst > 0 ? 1 - sse / sst : 1, points: n };
}

/** Decode-step fit τ = a + b·B + d·B·c (ms), from points {batch B, context c, ms}. */
export interface DecodeFit extends LinearFit {
  a: number;
  b: number;
  d: number;
}

export function fitDecode(points: Array<{ batch: number; context: number; ms: number }>): DecodeFit {
  const f = leastSquares(
    points.map((p) => [1, p.batch, p.batch * p.context]),
    points.map((p) => p.ms),
  );
  return { ...f, a: f.coef[0], b: f.coef[1], d: f.coef[2] };
}

/** Prefill fit T = a + b·P + d·P² (ms), from points {prompt P, ms}. */
export interface PrefillFit extends LinearFit {
  a: number;
  b: number;
  d: number;
}

export function fitPrefill(points: Array<{ prompt: number; ms: number }>): PrefillFit {
  const f = leastSquares(
    points.map((p) => [1, p.prompt, p.prompt * p.prompt]),
    points.map((p) => p.ms),
  );
  return { ...f, a: f.coef[0], b: f.coef[1], d: f.coef[2] };
}

/** Evaluate a decode fit. */
export function decodeStepMs(fit: Pick<DecodeFit, 'a' | 'b' | 'd'>, batch: number, context: number): number {
  return fit.a + fit.b * batch + fit.d * batch * context;
}
