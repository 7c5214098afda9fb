/**
 * Which call shapes a workload needs measured, per model: the plan's own batch sizes, and along each
 * size axis (prompt tokens, past length, verifier tokens) either the exact values (when there are
 * few) or points of a fixed lattice that bracket the range. The lattice (…, 128, 192, 256, 384, 512,
 * 768, …: powers of two and their 1.5× midpoints) keeps grid points stable across edits, so changing
 * `output_tokens` or `n` re-uses what the cache already holds.
 */
import type { QueryPlan, PlannedWorkload } from './plan';
import type { MeasurePoint } from './protocol';
import { pointKey } from './table';

/** Exact values are measured when a series has at most this many distinct ones. */
const EXACT_LIMIT = 3;

export interface ModelNeeds {
  model: string;
  points: MeasurePoint[];
}

/** Lattice points from the one at or below `lo` to the one at or above `hi`, capped at `cap`. */
export function latticeCover(lo: number, hi: number, cap = Infinity): number[] {
  const lattice: number[] = [];
  for (let p = 1; p <= 1 << 30; p *= 2) {
    lattice.push(p);
    if (p >= 2) lattice.push(p * 1.5);
  }
  lattice.sort((a, b) => a - b);
  const below = [...lattice].reverse().find((v) => v <= lo) ?? lattice[0];
  const above = lattice.find((v) => v >= hi) ?? hi;
  const out = lattice.filter((v) => v >= below && v <= above && v <= cap);
  if (above > cap && !out.includes(Math.min(hi, cap))) out.push(Math.min(hi, cap));
  return [...new Set(out)].sort((a, b) => a - b);
}

function series(values: number[], cap?: number): number[] {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length <= EXACT_LIMIT) return distinct;
  return latticeCover(distinct[0], distinct[distinct.length - 1], cap);
}

/**
 * Grid points per model for the warm-up and measured queries. `maxContext` (per model, e.g. the
 * position table) caps the lattice so no point asks for more tokens than the model holds.
 */
export function neededPoints(w: PlannedWorkload, maxContext: Record<string, number | undefined> = {}): ModelNeeds[] {
  type Acc = { prefill: number[]; step: Map<number, number[]>; score: Map<number, number[]>; run: Set<number> };
  const acc = new Map<string, Acc>();
  const of = (m: string): Acc => {
    let a = acc.get(m);
    if (!a) acc.set(m, (a = { prefill: [], step: new Map(), score: new Map(), run: new Set() }));
    return a;
  };
  const push = (map: Map<number, number[]>, b: number, ...v: number[]) => {
    const l = map.get(b) ?? [];
    l.push(...v);
    map.set(b, l);
  };
  const plans: QueryPlan[] = [w.warmup, ...w.queries];
  for (const q of plans) {
    for (const { call } of q.calls) {
      const a = of(call.model);
      if (call.kind === 'prefill') a.prefill.push(call.tokens);
      else if (call.kind === 'steps') push(a.step, call.batch, call.context, call.context + call.count - 1);
      else if (call.kind === 'score') push(a.score, call.batch, call.tokens);
      else if (call.kind === 'run') a.run.add(call.batch);
    }
  }
  const out: ModelNeeds[] = [];
  for (const [model, a] of acc) {
    const cap = maxContext[model];
    const points: MeasurePoint[] = [];
    for (const t of series(a.prefill, cap)) points.push({ kind: 'prefill', batch: 1, tokens: t });
    // Batch 1 anchors the batch axis: with it and the plan's own batches measured, any batch in
    // between (the marginal +1 sample, the fit-the-budget search) interpolates linearly in B.
    for (const map of [a.step, a.score]) {
      const bs = [...map.keys()];
      if (bs.length && !bs.includes(1)) map.set(1, map.get(Math.min(...bs))!.slice());
    }
    if (a.run.size && !a.run.has(1)) a.run.add(1);
    for (const [b, cs] of a.step) {
      // Decode steps are summed over a range: always bracket it with the lattice (≥ 2 points).
      const lo = Math.min(...cs), hi = Math.max(...cs);
      const grid = lo === hi ? [lo] : latticeCover(lo, hi, cap === undefined ? undefined : cap - 1);
      for (const c of grid) points.push({ kind: 'step', batch: b, context: c });
    }
    for (const [b, ts] of a.score) for (const t of series(ts, cap)) points.push({ kind: 'score', batch: b, tokens: t });
    for (const b of [...a.run].sort((x, y) => x - y)) points.push({ kind: 'run', batch: b });
    const seen = new Set<string>();
    // Smallest batches first: a small-batch point timed right after big-batch runs (their garbage and
    // arena growth still around) read up to 1.7× slow here; the other order shows no such effect.
    const order = { prefill: 0, step: 1, score: 2, run: 3 } as const;
    points.sort((a, b) => order[a.kind] - order[b.kind] || a.batch - b.batch);
    out.push({ model, points: points.filter((p) => !seen.has(pointKey(p)) && !!seen.add(pointKey(p))) });
  }
  return out;
}

/**
 * Per model, the plan's largest call of each kind (by the memory it makes live: batch × tokens or
 * batch × context): the shapes a memory probe runs in a fresh process. The points run for timing
 * bracket ranges with lattice points beyond the plan and add batch-1 anchors, and the process keeps
 * what it freed (WORKER_MALLOC), so the RSS growth over all of them overstates what running the plan
 * itself holds; the probe's growth at the plan's own peak shapes does not.
 */
export function peakPoints(w: PlannedWorkload, maxContext: Record<string, number | undefined> = {}): ModelNeeds[] {
  const best = new Map<string, Map<MeasurePoint['kind'], { p: MeasurePoint; size: number }>>();
  const offer = (model: string, p: MeasurePoint, size: number) => {
    let m = best.get(model);
    if (!m) best.set(model, (m = new Map()));
    const cur = m.get(p.kind);
    if (!cur || size > cur.size) m.set(p.kind, { p, size });
  };
  for (const q of [w.warmup, ...w.queries]) {
    for (const { call } of q.calls) {
      const cap = maxContext[call.model];
      const clamp = (v: number) => (cap === undefined ? v : Math.min(v, cap - 1));
      if (call.kind === 'prefill') offer(call.model, { kind: 'prefill', batch: 1, tokens: clamp(call.tokens) }, call.tokens);
      else if (call.kind === 'steps') {
        const c = clamp(call.context + call.count - 1);
        offer(call.model, { kind: 'step', batch: call.batch, context: c }, call.batch * c);
      } else if (call.kind === 'score') offer(call.model, { kind: 'score', batch: call.batch, tokens: clamp(call.tokens) }, call.batch * call.tokens);
      else if (call.kind === 'run') offer(call.model, { kind: 'run', batch: call.batch }, call.batch);
    }
  }
  return [...best].map(([model, m]) => ({ model, points: [...m.values()].map((v) => v.p) }));
}
