import { strict as assert } from 'node:assert';
import { timeRuns } from '../../../server/src/profiler/timing';

/** A "run" that busy-waits a fixed number of microseconds (deterministic enough for stop rules). */
const busy = (us: number) => async () => {
  const end = process.hrtime.bigint() + BigInt(us * 1000);
  while (process.hrtime.bigint() < end);
};

describe('profiler/timing', () => {
  it('excludes warm-up runs and stops on the CI target for steady runs', async () => {
    let calls = 0;
    const run = busy(200);
    const s = await timeRuns(async () => (calls++, run()), { warmupRuns: 3, minRuns: 10, maxRuns: 10_000, maxTimeMs: 5000, targetCi: 0.5 });
    assert.equal(s.stoppedBy, 'ci');
    assert.equal(s.warmupRuns, 3);
    assert.equal(calls, s.runs + 3);
    assert.ok(s.runs >= 10);
    assert.ok(s.p50 >= 0.2, `p50 ${s.p50}`);
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
