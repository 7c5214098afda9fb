import { strict as assert } from 'node:assert';
import { honestInterval, lateWarmup, MIN_BLOCKS, timeRuns, type TimeRunsOptions } from '../../../server/src/worker/timing';

/**
 * A fake clock: each "run" advances it by the milliseconds it is given, so the stop rules are tested
 * on exact durations instead of on how busy this machine is.
 */
function fakeClock() {
  let now = 1000;
  return {
    opts: (over: TimeRunsOptions = {}): TimeRunsOptions => ({ clock: () => now, collect: () => {}, ...over }),
    run: (ms: number) => async () => {
      now += ms;
    },
  };
}

/** Distinct values spread evenly over [0, 1) (the golden-ratio sequence). */
const spread = (i: number) => (i * 0.6180339887498949) % 1;

/** A run on the real clock: busy-waits a fixed number of microseconds. */
const busy = (us: number) => async () => {
  const end = process.hrtime.bigint() + BigInt(us * 1000);
  while (process.hrtime.bigint() < end);
};

describe('worker/timing', () => {
  it('excludes warm-up runs and stops on the CI target for steady runs', async () => {
    const c = fakeClock();
    let calls = 0;
    const run = c.run(0.2);
    const s = await timeRuns(async () => (calls++, run()), { warmupRuns: 3, minRuns: 10, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.5 }, c.opts());
    assert.equal(s.stoppedBy, 'ci');
    // Warm-up blocks of 3, then one untimed run after each measuring block's collection.
    assert.ok(s.warmupRuns >= 3 && (s.warmupRuns - s.blocks!) % 3 === 0, `warm-up ${s.warmupRuns}, blocks ${s.blocks}`);
    assert.equal(calls, s.runs + s.warmupRuns);
    assert.ok(s.runs >= 10);
    assert.ok(s.blocks! >= MIN_BLOCKS, `blocks ${s.blocks}`);
    assert.ok(Math.abs(s.p50 - 0.2) < 1e-9, `p50 ${s.p50}`);
  });

  it('times on the real clock by default, and only the awaited run', async () => {
    const s = await timeRuns(busy(300), { warmupRuns: 2, minRuns: 10, maxRuns: 40, maxTimeMs: 2000, targetCi: 0.5 });
    assert.ok(s.runs >= 3 && s.p50 >= 0.3 && s.p50 < 1000, JSON.stringify(s));
  });

  it('keeps warming up while the runs get faster (first runs of a shape, a cold allocator)', async () => {
    // 40 slow runs (2 ms) then fast ones (0.2 ms): none of the slow ones may reach the statistics.
    const c = fakeClock();
    let calls = 0;
    const s = await timeRuns(() => (calls++ < 40 ? c.run(2)() : c.run(0.2)()), { warmupRuns: 3, minRuns: 10, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 }, c.opts());
    assert.ok(s.warmupRuns >= 30, `warm-up ${s.warmupRuns}`);
    assert.ok(s.p90 < 1, `slow runs were measured: p90 ${s.p90}`);
    assert.equal(lateWarmup([2, 2, 1, 1, 1, 1, 1, 1]), 2);
    assert.equal(lateWarmup([1.05, 1, 1, 1, 1, 1, 1, 1]), 0);
    assert.equal(lateWarmup([2, 2, 1, 1, 1, 1, 1]), 0, 'too few blocks to tell');
  });

  it('does not time the run after each collection (it faults the freed memory back in)', async () => {
    const c = fakeClock();
    let collected = false;
    const run = async () => {
      const slow = collected;
      collected = false;
      await c.run(slow ? 3 : 0.2)();
    };
    const s = await timeRuns(run, { warmupRuns: 2, minRuns: 30, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 }, c.opts({
      collect: () => {
        collected = true;
      },
    }));
    assert.ok(s.max < 3, `a post-collection run was timed: max ${s.max} ms`);
    assert.ok(s.blocks! >= MIN_BLOCKS && s.warmupRuns >= 2 + s.blocks!, `warm-up ${s.warmupRuns}, blocks ${s.blocks}`);
  });

  it('times without forced collections when asked (collect: null), every run counted', async () => {
    const c = fakeClock();
    let calls = 0;
    const s = await timeRuns(async () => (calls++, c.run(0.2)()), { warmupRuns: 2, minRuns: 30, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 }, c.opts({ collect: null }));
    assert.equal(calls, s.runs + s.warmupRuns);
    assert.ok(s.warmupRuns % 2 === 0, `warm-up blocks of 2 only: ${s.warmupRuns}`);
  });

  it("the interval covers drift between blocks, not only the runs' own spread", () => {
    // Two levels: a tight CI from 600 runs alone would hide that half the blocks ran 20% slower.
    const blocks = Array.from({ length: 60 }, (_, b) => Array.from({ length: 10 }, (_, i) => (b % 2 ? 1.2 : 1) + i * 1e-4));
    const samples = blocks.flat();
    const h = honestInterval(samples, blocks.map((xs) => xs[5]));
    assert.ok(h.ciRelHalfWidth! > 0.05, `±${h.ciRelHalfWidth}`);
    // Steady blocks: the interval stays as tight as the runs'.
    const steady = Array.from({ length: 600 }, (_, i) => 1 + (i % 10) * 1e-4);
    assert.ok(honestInterval(steady, Array.from({ length: 60 }, () => 1.0005)).ciRelHalfWidth! < 0.001);
    // Fewer than MIN_BLOCKS blocks: only the runs' interval exists.
    assert.deepEqual(honestInterval(steady, [1, 1]).ci95, honestInterval(steady, []).ci95);
  });

  it('stops at the time cap when the target is out of reach, and at the run cap', async () => {
    // Runs that never take the same time twice (0.10…0.15 ms): a zero-width target is out of reach.
    const c = fakeClock();
    let i = 0;
    const jitter = () => c.run(0.1 + spread(i++) * 0.05)();
    const t = await timeRuns(jitter, { warmupRuns: 1, minRuns: 10, maxRuns: 1e9, maxTimeMs: 50, targetCi: 0 }, c.opts());
    assert.equal(t.stoppedBy, 'time');
    assert.ok(t.runs >= 300 && t.runs <= 500, `${t.runs} runs of ~0.13 ms in a 50 ms cap`);
    const r = await timeRuns(jitter, { warmupRuns: 1, minRuns: 5, maxRuns: 7, maxTimeMs: 10_000, targetCi: 0 }, c.opts());
    assert.equal(r.stoppedBy, 'runs');
    assert.equal(r.runs, 7);
  });

  it('reports progress while it runs', async () => {
    const msgs: string[] = [];
    const c = fakeClock();
    let i = 0;
    await timeRuns(() => c.run(1 + spread(i++) * 0.1)(), { warmupRuns: 1, minRuns: 5, maxRuns: 1e9, maxTimeMs: 600, targetCi: 0 }, c.opts({ progress: (m) => msgs.push(m), label: 'x: ' }));
    // About one message per 250 ms of clock over a 600 ms cap.
    assert.ok(msgs.length >= 1 && msgs.length <= 3 && msgs.every((m) => /^x: \d+ runs$/.test(m)), JSON.stringify(msgs));
  });
});
