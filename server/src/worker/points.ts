/**
 * The estimator's requests to the profiler process:
 * - `points`: time the exact call shapes a plan uses, each through the code the executor runs for that
 *   call (generation.ts: feed building, session run, argmax, cache hand-over), one warm-up per shape,
 *   then until the median's CI reaches the target or the time cap. A point that cannot run (past the
 *   model's position table, out of memory) gets an error entry; the others go on. Twins (a proxy
 *   pair) are timed in the same process, point by point in turn with the model.
 * - `copyBandwidth`: the cost of the KV copies (tile, gather) on this machine, timed with the same
 *   copy function, fitted as ms = perTensor + bytes / bandwidth.
 */
import { classifyFailure, failure } from '../core/profile/failures';
import { buildInputs } from '../core/profile/inputs';
import { sortedCopy, quantileSorted, type LatencyStats } from '../core/profile/stats';
import type { CopyBandwidthResult, MeasurePoint, PointResult, PointsRequestOptions, PointsResult, SessionModel } from '../core/estimate/protocol';
import { decoderIo, embeddingRows, Generator, promptIds, verifierIo, Verifier, copyRows, type GenState } from './generation';
import { isDecoder } from './decoder';
import { MeasureError } from './measure';
import { makeTensor, toFeeds } from './runtime';
import { environment, gcCount, loadAverage, rss, Sessions } from './sessions';
import { timeRuns as timeAfterWarmup, type Progress, type TimingRule } from './timing';

/** Steps per window of a step point: contexts c − 4 … c + 4 (mean c), then the cache starts over. */
export const STEP_WINDOW = 9;

export async function measurePoints(o: PointsRequestOptions, progress: Progress): Promise<PointsResult> {
  const load0 = loadAverage();
  const rss0 = rss();
  const sessions = new Sessions(o.session);
  const rule: TimingRule = { targetCi: o.targetCi ?? 0.03, maxTimeMs: o.maxTimeMsPerPoint ?? 1500, minRuns: 8, maxRuns: 100_000, warmupRuns: 1 };
  const needs = new Set(o.points.map((p) => p.kind));
  try {
    progress('loading model');
    const targets = [await open(o.model)];
    for (const t of o.twins ?? []) targets.push(await open(t));
    // Point by point, each model in turn: a twin (a proxy pair) is timed seconds apart from the model,
    // so the machine's drift moves both alike instead of landing on one of them.
    const results: PointResult[][] = targets.map(() => []);
    for (const [i, point] of o.points.entries()) {
      progress(`${describe(point)}`, i / o.points.length);
      for (const [j, t] of targets.entries()) {
        try {
          results[j].push({ point, stats: await t.timePoint(point) });
        } catch (e) {
          const f = e instanceof MeasureError ? e.failure : classifyFailure(e, 'run');
          results[j].push({ point, error: f.message });
        }
      }
    }
    progress('done', 1);
    return {
      model: targets[0].path,
      results: results[0],
      sessionRssBytes: Math.max(0, rss() - rss0),
      loadMs: targets[0].loadMs,
      env: environment(sessions.spec),
      load: [load0, loadAverage()],
      ...(targets.length > 1 ? { twins: targets.slice(1).map((t, j) => ({ model: t.path, results: results[j + 1] })) } : {}),
    };
  } finally {
    await sessions.releaseAll();
  }

  /** A model's session and the timing of each point kind on it. */
  async function open(model: SessionModel): Promise<{ path: string; loadMs: number; timePoint: (p: MeasurePoint) => Promise<LatencyStats> }> {
    const s = await sessions.get(model);
    const bind = model.bind ?? {};
    const decoder = isDecoder(s.inputs, s.outputs);
    let gen: Generator | undefined;
    let ver: Verifier | undefined;
    if (needs.has('prefill') || needs.has('step')) {
      if (!decoder) throw new MeasureError(failure('invalid-input', `${s.path} has no KV cache (past_key_values.* inputs, present.* outputs); prefill and step points need a decoder`));
      gen = new Generator(s.session, guard(() => decoderIo(s.inputs, s.outputs, bind)));
    }
    if (needs.has('score')) ver = new Verifier(s.session, guard(() => verifierIo(s.inputs, s.outputs, s.path, bind)));
    const cap = gen?.io.vocab ?? ver?.io.vocab ?? (gen ? embeddingRows(s.path, gen.io.ids.name) : undefined) ?? 2;
    return { path: s.path, loadMs: s.loadMs, timePoint };

    async function timePoint(p: MeasurePoint) {
      switch (p.kind) {
        case 'prefill': {
          const g = gen!;
          const ids = promptIds(p.tokens, cap);
          return timeRuns(() => g.prefill(ids, p.batch), rule);
        }
        case 'step': {
          const g = gen!;
          // Centred window; when the top of it does not fit (position table), one that ends at c.
          let start = Math.max(0, p.context - Math.floor(STEP_WINDOW / 2));
          try {
            await stepWindow(g, g.syntheticState(p.batch, start, promptIds(1, cap)));
          } catch {
            start = Math.max(0, p.context - STEP_WINDOW + 1);
          }
          const initial = g.syntheticState(p.batch, start, promptIds(1, cap));
          let st: GenState = initial;
          let k = 0;
          return timeRuns(async () => {
            if (k++ % STEP_WINDOW === 0) st = { ...initial, gen: initial.gen.map((r) => r.slice(0, 1)) };
            st = await g.step(st);
          }, rule);
        }
        case 'score': {
          const v = ver!;
          const row = promptIds(p.tokens, v.io.vocab ?? cap);
          const rows = Array.from({ length: p.batch }, () => row);
          return timeRuns(() => v.score(rows, p.tokens), rule);
        }
        case 'run': {
          const feeds = toFeeds(buildInputs(s.inputs, { bind, shapes: model.inputShapes, batch: p.batch }, new Set()));
          return timeRuns(() => s.session.run(feeds), rule);
        }
      }
    }
  }
}

/**
 * One warm-up per shape, then more until the garbage collector has run once at this shape (at most
 * half the point's time): the process's heap then holds its working size for this allocation rate,
 * as in a running executor, and the timed runs do not pay for growing it.
 *
 * And no forced collections between the timing blocks: the executor's generation loop never forces
 * one, and after a full collection every run of the next block is slower, not only the first (a 5 M
 * decoder's step at B = 1: 1.55 ms without, 1.73–1.94 ms with one every 10 steps, the run after each
 * collection untimed). Points timed that way priced budget forcing 16–34% above `bench`.
 */
export async function timeRuns(run: () => Promise<unknown>, rule: TimingRule): Promise<LatencyStats> {
  const gc0 = gcCount();
  const t0 = performance.now();
  let warm = 0;
  do {
    await run();
    warm++;
  } while (warm < rule.warmupRuns || (gcCount() === gc0 && performance.now() - t0 < rule.maxTimeMs / 2));
  const stats = await timeAfterWarmup(run, { ...rule, warmupRuns: 0 }, { collect: null });
  return { ...stats, warmupRuns: warm };
}

async function stepWindow(g: Generator, st: GenState): Promise<void> {
  for (let i = 0; i < STEP_WINDOW; i++) st = await g.step(st);
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new MeasureError(failure('invalid-input', e instanceof Error ? e.message : String(e)));
  }
}

export function describe(p: MeasurePoint): string {
  switch (p.kind) {
    case 'prefill':
      return `prefill B=${p.batch} P=${p.tokens}`;
    case 'step':
      return `step B=${p.batch} c=${p.context}`;
    case 'score':
      return `score B=${p.batch} T=${p.tokens}`;
    case 'run':
      return `run B=${p.batch}`;
  }
}

/** Bytes per copied tensor in the bandwidth fit: KV tensors from a few KiB to tens of MiB. */
export const COPY_SIZES = [16 << 10, 128 << 10, 1 << 20, 4 << 20, 16 << 20];

/**
 * Copy bandwidth with the tile/gather copy (copyRows: a new typed array, one `set` per row, a new
 * runtime tensor): each size tiled from 1 row to 4, the median time per size, then the least-squares
 * line ms = perTensorMs + bytes / bandwidth.
 */
export async function copyBandwidth(progress: Progress): Promise<CopyBandwidthResult> {
  const load0 = loadAverage();
  const rule: TimingRule = { targetCi: 0.03, maxTimeMs: 250, minRuns: 8, maxRuns: 10_000, warmupRuns: 2 };
  const xs: number[] = [];
  const ys: number[] = [];
  const rows = 4;
  const from = new Array<number>(rows).fill(0);
  const source = (bytes: number) => makeTensor('float32', new Float32Array(bytes / 4 / rows).fill(0.5), [1, 1, bytes / 4 / rows / 64, 64]);
  // One untimed pass over every size first: the copy loop is compiled and the allocator has seen
  // each size before the timed pass (as in a run, where the first wave's copies are the warm-up's).
  for (const bytes of COPY_SIZES) {
    const src = source(bytes);
    for (let i = 0; i < 3; i++) copyRows(src, from);
  }
  for (const [i, bytes] of COPY_SIZES.entries()) {
    progress(`copy ${bytes >> 10} KiB`, i / COPY_SIZES.length);
    const src = source(bytes);
    const stats = await timeRuns(async () => copyRows(src, from), rule);
    xs.push(bytes);
    ys.push(stats.p50);
  }
  const fit = lineFit(xs, ys);
  // Median of per-size bandwidths as a fallback when the fit's slope is not positive (noise).
  const perSize = xs.map((x, i) => x / Math.max(1e-9, ys[i] - Math.max(0, fit.a)));
  const bw = fit.b > 0 ? 1 / fit.b : quantileSorted(sortedCopy(perSize), 0.5);
  progress('done', 1);
  return { bytesPerSecond: bw * 1000, perTensorMs: Math.max(0, fit.a), samples: xs.map((bytes, i) => ({ bytes, ms: ys[i] })), load: [load0, loadAverage()] };
}

/** Weighted least squares y = a + b·x (weights 1/y² by default: relative errors count, so the intercept is not lost in the largest size's noise). */
export function lineFit(xs: number[], ys: number[], ws: number[] = ys.map((y) => 1 / Math.max(1e-12, y * y))): { a: number; b: number } {
  const W = ws.reduce((s, w) => s + w, 0);
  const mx = xs.reduce((s, x, i) => s + ws[i] * x, 0) / W;
  const my = ys.reduce((s, y, i) => s + ws[i] * y, 0) / W;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
    sxx += ws[i] * (xs[i] - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}
