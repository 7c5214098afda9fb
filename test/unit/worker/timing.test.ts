import { strict as assert } from 'node:assert';
import { honestInterval, lateWarmup, MIN_BLOCKS, timeRuns } from '../../../server/src/worker/timing';

/** A "run" that busy-waits a fixed number of microseconds (deterministic enough for stop rules). */
const busy = (us: number) => async () => {
  const end = process.hrtime.bigint() + BigInt(us * 1000);
  while (process.hrtime.bigint() < end);
};

describe('worker/timing', () => {
  it('excludes warm-up runs and stops on the CI target for steady runs', async () => {
    let calls = 0;
    const run = busy(200);
    const s = await timeRuns(async () => (calls++, run()), { warmupRuns: 3, minRuns: 10, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.5 });
    assert.equal(s.stoppedBy, 'ci');
    // Warm-up blocks of 3, then one untimed run after each measuring block's collection.
    assert.ok(s.warmupRuns >= 3 && (s.warmupRuns - s.blocks!) % 3 === 0, `warm-up ${s.warmupRuns}, blocks ${s.blocks}`);
    assert.equal(calls, s.runs + s.warmupRuns);
    assert.ok(s.runs >= 10);
    assert.ok(s.blocks! >= MIN_BLOCKS, `blocks ${s.blocks}`);
    assert.ok(s.p50 >= 0.2, `p50 ${s.p50}`);
  });

  it('keeps warming up while the runs get faster (first runs of a shape, a cold allocator)', async () => {
    // 40 slow runs (2 ms) then fast ones (0.2 ms): none of the slow ones may reach the statistics.
    let calls = 0;
    const s = await timeRuns(() => (calls++ < 40 ? busy(2000)() : busy(200)()), { warmupRuns: 3, minRuns: 10, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 });
    assert.ok(s.warmupRuns >= 30, `warm-up ${s.warmupRuns}`);
    assert.ok(s.p90 < 1, `slow runs were measured: p90 ${s.p90}`);
    assert.equal(lateWarmup([2, 2, 1, 1, 1, 1, 1, 1]), 2);
    assert.equal(lateWarmup([1.05, 1, 1, 1, 1, 1, 1, 1]), 0);
    assert.equal(lateWarmup([2, 2, 1, 1, 1, 1, 1]), 0, 'too few blocks to tell');
  });

  it('does not time the run after each collection (it faults the freed memory back in)', async () => {
    let collected = false;
    const run = async () => {
      const slow = collected;
      collected = false;
      await busy(slow ? 3000 : 200)();
    };
    const s = await timeRuns(run, { warmupRuns: 2, minRuns: 30, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 }, undefined, '', () => {
      collected = true;
    });
    assert.ok(s.max < 3, `a post-collection run was timed: max ${s.max} ms`);
    assert.ok(s.blocks! >= MIN_BLOCKS && s.warmupRuns >= 2 + s.blocks!, `warm-up ${s.warmupRuns}, blocks ${s.blocks}`);
  });

  it('times without forced collections when asked (collect: null), every run counted', async () => {
    let calls = 0;
    const s = await timeRuns(async () => (calls++, busy(200)()), { warmupRuns: 2, minRuns: 30, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.2 }, undefined, '', null);
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
    const t = await timeRuns(busy(100), { warmupRuns: 1, minRuns: 10, maxRuns: 1e9, maxTimeMs: 50, targetCi: 0 });
    assert.equal(t.stoppedBy, 'time');
    const r = await timeRuns(busy(10), { warmupRuns: 1, minRuns: 5, maxRuns: 7, maxTimeMs: 10_000, targetCi: 0 });
    assert.equal(r.stoppedBy, 'runs');
    assert.equal(r.runs, 7);
  });

  it('reports progress while it runs', async () => {
    const msgs: string[] = [];
    await timeRuns(busy(1000), { warmupRuns: 1, minRuns: 5, maxRuns: 1e9, maxTimeMs: 600, targetCi: 0 }, (m) => msgs.push(m), 'x: ');
    assert.ok(msgs.length >= 1 && msgs.every((m) => /^x: \d+ runs$/.test(m)), JSON.stringify(msgs));
  });
});
