/**
 * Measured call timings of one model, by call kind and batch, as piecewise-linear curves over the
 * call's size axis (tokens for prefill/score, past length for decode steps; `run` has none). The
 * estimator reads a value at a point (measured when it is a grid point, else interpolated between the
 * measured neighbours) and sums decode steps over a context range exactly along the interpolant (the
 * trapezoid rule on the grid, summed in closed form per segment).
 */
import type { LatencyStats } from '../profile/stats';
import type { MeasurePoint } from './protocol';

/** `proxy`: measured or interpolated on proxies of a shape-only decoder and scaled by depth (proxy.ts). */
export type Provenance = 'measured' | 'interpolated' | 'proxy' | 'extrapolated' | 'calibrated' | 'analytic';

export interface Lookup {
  ms: number;
  provenance: Provenance;
  /** The grid points used, e.g. "step B=16 c=256". */
  sources: string[];
  /** Relative half-width of the measurement's 95% CI where measured (worst of the sources). */
  ci?: number;
}

export function pointAxis(p: MeasurePoint): number {
  return p.kind === 'step' ? p.context : p.kind === 'run' ? 0 : p.tokens;
}

export function pointKey(p: MeasurePoint): string {
  return p.kind === 'run' ? `run B=${p.batch}` : p.kind === 'step' ? `step B=${p.batch} c=${p.context}` : `${p.kind} B=${p.batch} T=${p.tokens}`;
}

interface Curve {
  xs: number[];
  ys: number[];
  cis: number[];
}

export class PointTable {
  private readonly curves = new Map<string, Curve>();
  private readonly kindBatch = (kind: MeasurePoint['kind'], batch: number) => `${kind}/${batch}`;

  /**
   * The value kept for a point is the mean of its runs, not the median: a query is a sum of many
   * calls, and a sum's expectation is the sum of the means (skewed run times make medians add up
   * short). The median is the fallback for entries without a mean.
   */
  add(p: MeasurePoint, stats: Pick<LatencyStats, 'p50' | 'ciRelHalfWidth'> & { mean?: number }): void {
    const value = typeof stats.mean === 'number' && Number.isFinite(stats.mean) && stats.mean > 0 ? stats.mean : stats.p50;
    const k = this.kindBatch(p.kind, p.batch);
    let c = this.curves.get(k);
    if (!c) this.curves.set(k, (c = { xs: [], ys: [], cis: [] }));
    const x = pointAxis(p);
    let i = c.xs.findIndex((v) => v >= x);
    if (i < 0) i = c.xs.length;
    if (c.xs[i] === x) {
      c.ys[i] = value;
      c.cis[i] = stats.ciRelHalfWidth ?? 0;
      return;
    }
    c.xs.splice(i, 0, x);
    c.ys.splice(i, 0, value);
    c.cis.splice(i, 0, stats.ciRelHalfWidth ?? 0);
  }

  has(p: MeasurePoint): boolean {
    const c = this.curves.get(this.kindBatch(p.kind, p.batch));
    return !!c && c.xs.includes(pointAxis(p));
  }

  /** Batches measured for a kind (ascending). */
  batches(kind: MeasurePoint['kind']): number[] {
    const out: number[] = [];
    for (const k of this.curves.keys()) if (k.startsWith(`${kind}/`)) out.push(Number(k.slice(kind.length + 1)));
    return out.sort((a, b) => a - b);
  }

  /** The measured points of one kind and batch along its size axis (ascending), ms each. */
  grid(kind: MeasurePoint['kind'], batch: number): Array<{ x: number; ms: number }> {
    const c = this.curves.get(this.kindBatch(kind, batch));
    return c ? c.xs.map((x, i) => ({ x, ms: c.ys[i] })) : [];
  }

  get size(): number {
    let n = 0;
    for (const c of this.curves.values()) n += c.xs.length;
    return n;
  }

  /** The value at one point; undefined when nothing was measured for this kind and batch. */
  at(p: MeasurePoint): Lookup | undefined {
    const c = this.curves.get(this.kindBatch(p.kind, p.batch));
    if (!c || c.xs.length === 0) return undefined;
    const x = pointAxis(p);
    const label = (i: number) => pointKey(withAxis(p, c.xs[i]));
    const i = c.xs.indexOf(x);
    if (i >= 0) return { ms: c.ys[i], provenance: 'measured', sources: [label(i)], ci: c.cis[i] };
    if (c.xs.length === 1) return { ms: c.ys[0], provenance: 'extrapolated', sources: [label(0)], ci: c.cis[0] };
    const [a, b] = segmentFor(c.xs, x);
    const t = (x - c.xs[a]) / (c.xs[b] - c.xs[a]);
    const inside = x > c.xs[0] && x < c.xs[c.xs.length - 1];
    return {
      ms: Math.max(0, c.ys[a] + t * (c.ys[b] - c.ys[a])),
      provenance: inside ? 'interpolated' : 'extrapolated',
      sources: [label(a), label(b)],
      ci: Math.max(c.cis[a], c.cis[b]),
    };
  }

  /**
   * Σ τ(batch, c) for c = from … from + count − 1 along the piecewise-linear interpolant.
   * Provenance: 'measured' when every context is a grid point, else interpolated/extrapolated.
   */
  sumSteps(batch: number, from: number, count: number): Lookup | undefined {
    const c = this.curves.get(this.kindBatch('step', batch));
    if (!c || c.xs.length === 0 || count <= 0) return count <= 0 ? { ms: 0, provenance: 'measured', sources: [] } : undefined;
    const to = from + count - 1;
    const used = new Set<number>();
    let ms = 0;
    let extrapolated = false;
    if (c.xs.length === 1) {
      return { ms: c.ys[0] * count, provenance: 'extrapolated', sources: [pointKey({ kind: 'step', batch, context: c.xs[0] })], ci: c.cis[0] };
    }
    // Walk the segments that overlap [from, to]; outside the grid the end segments extend linearly.
    let x = from;
    while (x <= to) {
      const [a, b] = segmentFor(c.xs, x);
      const hi = b === c.xs.length - 1 ? to : Math.min(to, c.xs[b] - (x < c.xs[b] ? 1 : 0));
      const end = Math.max(x, hi);
      const k = end - x + 1;
      const slope = (c.ys[b] - c.ys[a]) / (c.xs[b] - c.xs[a]);
      const y0 = c.ys[a] + slope * (x - c.xs[a]);
      ms += k * y0 + slope * ((k * (k - 1)) / 2);
      used.add(a).add(b);
      if (x < c.xs[0] || end > c.xs[c.xs.length - 1]) extrapolated = true;
      x = end + 1;
    }
    const idx = [...used].sort((p, q) => p - q);
    const allGrid = count === 1 && c.xs.includes(from);
    return {
      ms: Math.max(0, ms),
      provenance: allGrid ? 'measured' : extrapolated ? 'extrapolated' : 'interpolated',
      sources: idx.map((i) => pointKey({ kind: 'step', batch, context: c.xs[i] })),
      ci: Math.max(...idx.map((i) => c.cis[i])),
    };
  }
}

function withAxis(p: MeasurePoint, x: number): MeasurePoint {
  return p.kind === 'step' ? { ...p, context: x } : p.kind === 'run' ? p : { ...p, tokens: x };
}

/** Indices [a, a+1] of the segment holding x (the first or last segment outside the grid). */
function segmentFor(xs: number[], x: number): [number, number] {
  if (x <= xs[0]) return [0, 1];
  for (let i = 1; i < xs.length; i++) if (x <= xs[i]) return [i - 1, i];
  return [xs.length - 2, xs.length - 1];
}
