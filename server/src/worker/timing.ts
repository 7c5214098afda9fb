/**
 * The timed run loop: warm-up until the runs stop getting faster, then timing in blocks until the
 * median's confidence interval (honest about block-to-block drift) meets the target or a cap says stop.
 *
 * Why blocks and a garbage collection between them: onnxruntime-node copies every output into a new
 * JavaScript ArrayBuffer. V8 frees those only under "external memory pressure", so until it does each
 * run writes into freshly mapped memory (page faults, zeroing): on decoder-tiny the first ~120 runs of
 * a process took ~1.2 ms and every later one ~0.21 ms. Collecting between blocks (outside the clock)
 * keeps the allocator reusing warm memory for a model profile; the one run after each collection,
 * which faults the freed memory back in, is untimed too. The estimator's points are timed without
 * forced collections (`collect: null`, points.ts): every run after one is slower, and the executor
 * they are compared with never forces one. A CI computed from
 * one block of consecutive runs only says how well that block was measured; the interval reported here
 * also covers the spread of the block medians, so a drifting machine widens it instead of hiding.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { ProgressDetail } from '../core/profile/protocol';
import { medianCi, quantileSorted, sortedCopy, summarize, type LatencyStats, type StopRule } from '../core/profile/stats';

export interface TimingRule extends StopRule {
  warmupRuns: number;
}

export type Progress = (message: string, fraction?: number, detail?: ProgressDetail) => void;

/** Blocks needed before the block-median interval exists (the sign-test CI at 95% needs n ≥ 6). */
export const MIN_BLOCKS = 6;
/** Runs per block at most (a collection before each). */
const BLOCK_RUNS = 10;
/** Warm-up continues while a block's median is this much below the previous one. */
const SETTLE = 0.1;

let collector: (() => void) | undefined | null;
/** A full garbage collection, when this process can ask for one (the flag is set at first use). */
export function collectGarbage(): void {
  if (collector === undefined) {
    try {
      const g = (globalThis as { gc?: () => void }).gc;
      if (typeof g === 'function') collector = g;
      else {
        v8.setFlagsFromString('--expose-gc');
        collector = vm.runInNewContext('gc') as () => void;
      }
    } catch {
      collector = null;
    }
  }
  collector?.();
}

const median = (xs: number[]) => quantileSorted(sortedCopy(xs), 0.5);

/**
 * The interval of the median that accounts for both the runs and the blocks: the union of the
 * order-statistic CI of all runs and that of the block medians (absent below MIN_BLOCKS blocks).
 */
export function honestInterval(samples: number[], blockMedians: number[]): { ci95?: [number, number]; ciRelHalfWidth?: number } {
  const s = sortedCopy(samples);
  const runs = medianCi(s);
  if (!runs) return {};
  const blocks = blockMedians.length >= MIN_BLOCKS ? medianCi(sortedCopy(blockMedians)) : undefined;
  const lo = Math.min(runs[0], blocks?.[0] ?? Infinity);
  const hi = Math.max(runs[1], blocks?.[1] ?? -Infinity);
  const p50 = quantileSorted(s, 0.5);
  return { ci95: [lo, hi], ciRelHalfWidth: p50 > 0 ? Math.max(p50 - lo, hi - p50) / p50 : undefined };
}

export interface TimeRunsOptions {
  progress?: Progress;
  /** Prefix of the progress messages. */
  label?: string;
  /** A full collection between blocks (the default); `null` times without forced collections. */
  collect?: (() => void) | null;
  /** Milliseconds from any fixed origin; the monotonic high-resolution clock unless a test gives its own. */
  clock?: () => number;
}

/** The monotonic high-resolution clock, in milliseconds. */
export const hrClockMs = (): number => performance.now();

/**
 * Time `run` repeatedly. The clock wraps only the awaited call; warm-up, garbage collection between
 * blocks and the CI checks are not counted. `collect: null` times without forced collections (the
 * estimator's points, timed as the executor runs).
 */
export async function timeRuns(run: () => Promise<unknown>, rule: TimingRule, opts: TimeRunsOptions = {}): Promise<LatencyStats> {
  const { progress, label = '' } = opts;
  const collect = opts.collect === undefined ? collectGarbage : opts.collect;
  const clock = opts.clock ?? hrClockMs;
  const timed = async (): Promise<number> => {
    const t0 = clock();
    await run();
    return clock() - t0;
  };
  const start = clock();
  const elapsed = () => clock() - start;

  // Warm-up: the asked runs, then more blocks of as many while the runs keep getting faster (first
  // runs of a shape, allocator warm-up), within a quarter of the time cap.
  const w = Math.max(1, rule.warmupRuns);
  let warm = 0;
  let prev = Infinity;
  for (let block = 0; block < 20; block++) {
    collect?.();
    const xs: number[] = [];
    for (let i = 0; i < w; i++) xs.push(await timed());
    warm += w;
    const m = median(xs);
    if (block > 0 && !(m < (1 - SETTLE) * prev)) break;
    prev = Math.min(prev, m);
    if (elapsed() > rule.maxTimeMs / 4) break;
  }

  // Blocks of up to 10 runs (at most ~1/20 of the time cap): few enough outputs pile up between two
  // collections that the allocator keeps reusing warm memory.
  const typical = Number.isFinite(prev) ? Math.max(prev, 1e-3) : 1;
  const blockSize = Math.max(1, Math.min(BLOCK_RUNS, Math.round(rule.maxTimeMs / 20 / typical)));
  let blocks: number[][] = [];
  const samples = () => blocks.flat();
  const blockMedians = () => blocks.map(median);
  let count = 0;
  const measureStart = elapsed();
  let lastProgress = clock();
  const done = (stoppedBy: LatencyStats['stoppedBy']): LatencyStats => {
    const xs = samples();
    return { ...summarize(xs, warm, stoppedBy), ...honestInterval(xs, blockMedians()), blocks: blocks.length };
  };
  for (;;) {
    if (collect) {
      collect();
      // The first run after a full collection pays to map and fault in the memory it freed (a 1 M
      // decoder's step: 1.25 ms against 0.6 ms steady, +10% on the mean over blocks of 10); a
      // generation loop, whose collections are scavenges, does not pay that per call. Untimed.
      await run();
      warm++;
    }
    const block: number[] = [];
    blocks.push(block);
    let stop: LatencyStats['stoppedBy'] | undefined;
    for (let i = 0; i < blockSize; i++) {
      block.push(await timed());
      count++;
      if (count >= rule.maxRuns) stop = 'runs';
      else if (elapsed() - measureStart >= rule.maxTimeMs && count >= Math.min(rule.minRuns, 3)) stop = 'time';
      if (stop) break;
    }
    if (stop) return done(stop);
    // Still warming up after all (the first quarter of the blocks is clearly slower than the rest):
    // those blocks become warm-up and measuring goes on.
    const trim = lateWarmup(blockMedians());
    if (trim) {
      for (const b of blocks.slice(0, trim)) warm += b.length;
      blocks = blocks.slice(trim);
      continue;
    }
    const n = blocks.reduce((a, b) => a + b.length, 0);
    if (blocks.length >= MIN_BLOCKS && n >= rule.minRuns) {
      const ci = honestInterval(samples(), blockMedians()).ciRelHalfWidth;
      if (ci !== undefined && ci <= rule.targetCi) return done('ci');
    }
    if (progress && clock() - lastProgress > 250) {
      lastProgress = clock();
      progress(`${label}${n} runs`, Math.min(1, (elapsed() - measureStart) / rule.maxTimeMs));
    }
  }
}

/**
 * How many leading blocks to drop as late warm-up: the first quarter when its median block is more
 * than SETTLE slower than the median of the other blocks (from 8 blocks on), else 0.
 */
export function lateWarmup(blockMedians: number[]): number {
  if (blockMedians.length < 8) return 0;
  const q = Math.floor(blockMedians.length / 4);
  return median(blockMedians.slice(0, q)) > (1 + SETTLE) * median(blockMedians.slice(q)) ? q : 0;
}
