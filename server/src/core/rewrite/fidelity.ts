/**
 * Fidelity of a rewritten model without labels (DOMAIN.md §7): original outputs x against rewritten y
 * on the same inputs — cosine similarity, max abs error, RMSE, SQNR = 20·log10(‖x‖/‖x−y‖) dB, and
 * top-1 agreement along the last axis. Pure numbers; the profiler process runs both models.
 */

export interface OutputFidelity {
  name: string;
  elements: number;
  cosine: number;
  maxAbsError: number;
  rmse: number;
  /** Infinity when the outputs are identical. */
  sqnrDb: number;
  /** Share of rows (all axes but the last) whose argmax agrees; absent when the last axis has 1 element. */
  top1?: number;
}

type Num = ArrayLike<number>;

export function sqnrDb(x: Num, y: Num): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] * x[i];
    e += (x[i] - y[i]) ** 2;
  }
  if (e === 0) return Infinity;
  if (s === 0) return -Infinity;
  return 10 * Math.log10(s / e);
}

export function cosine(x: Num, y: Num): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  if (xx === 0 && yy === 0) return 1;
  if (xx === 0 || yy === 0) return 0;
  return xy / Math.sqrt(xx * yy);
}

/** Share of rows of `last` elements whose argmax agrees. */
export function top1Agreement(x: Num, y: Num, last: number): number {
  const rows = Math.floor(x.length / last);
  if (!rows) return 1;
  let same = 0;
  for (let r = 0; r < rows; r++) {
    let ax = 0;
    let ay = 0;
    for (let j = 1; j < last; j++) {
      if (x[r * last + j] > x[r * last + ax]) ax = j;
      if (y[r * last + j] > y[r * last + ay]) ay = j;
    }
    if (ax === ay) same++;
  }
  return same / rows;
}

export function compareOutput(name: string, x: Num, y: Num, dims: readonly number[]): OutputFidelity {
  if (x.length !== y.length) throw new Error(`output '${name}' has ${x.length} elements in the original and ${y.length} in the rewritten model`);
  let maxAbs = 0;
  let se = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
    se += d * d;
  }
  const last = dims.length ? dims[dims.length - 1] : 1;
  return {
    name,
    elements: x.length,
    cosine: cosine(x, y),
    maxAbsError: maxAbs,
    rmse: x.length ? Math.sqrt(se / x.length) : 0,
    sqnrDb: sqnrDb(x, y),
    ...(last > 1 ? { top1: top1Agreement(x, y, last) } : {}),
  };
}

/** The summary figures across outputs: the worst of each (SQNR, cosine, top-1 minimum; error maximum). */
export function worst(outputs: OutputFidelity[]): { sqnrDb: number; cosine: number; maxAbsError: number; top1?: number } {
  const top = outputs.filter((o) => o.top1 !== undefined).map((o) => o.top1!);
  return {
    sqnrDb: Math.min(...outputs.map((o) => o.sqnrDb)),
    cosine: Math.min(...outputs.map((o) => o.cosine)),
    maxAbsError: Math.max(...outputs.map((o) => o.maxAbsError)),
    ...(top.length ? { top1: Math.min(...top) } : {}),
  };
}
