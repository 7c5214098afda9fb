import { strict as assert } from 'node:assert';
import { qualityWarnings, resolveThreads, ruleFrom, threadsWarning } from '../../../server/src/worker/measure';
import { summarize } from '../../../server/src/core/profile/stats';
import { machineFingerprint } from '../../../server/src/core/profile/fingerprint';

describe('worker/measure (pure parts)', () => {
  it('defaults: physical cores, 2% CI, 10 s cap, at least one warm-up run', () => {
    assert.equal(resolveThreads(undefined), machineFingerprint().physicalCores);
    assert.equal(resolveThreads(3, 4), 3);
    // More threads than physical cores: measured with the cores (the warning says so).
    assert.equal(resolveThreads(8, 2), 2);
    assert.equal(resolveThreads(undefined, 2), 2);
    assert.match(threadsWarning(8, 2, 2), /^8 threads asked for on 2 physical cores \(2 logical\) would oversubscribe the CPU; measured with 2 threads$/);
    const r = ruleFrom({ modelPath: 'm', warmupRuns: 0 });
    assert.equal(r.targetCi, 0.02);
    assert.equal(r.maxTimeMs, 10_000);
    assert.equal(r.warmupRuns, 1);
  });

  it('warns when the CI target was missed or the machine was busy', () => {
    const wide = summarize(Array.from({ length: 30 }, (_, i) => 1 + i), 3, 'time');
    const rule = ruleFrom({ modelPath: 'm', maxTimeMs: 300 });
    const w = qualityWarnings(wide, rule, 2, 0, 2);
    assert.equal(w.length, 1);
    assert.match(w[0], /not the ±2\.0% asked for, after 300 ms/);
    if (process.platform !== 'win32') assert.match(qualityWarnings(wide, rule, 2, 6, 2)[1], /machine was busy .*load 6\.0 on 2 cores/);
    const tight = summarize(Array.from({ length: 30 }, () => 5), 3, 'ci');
    assert.deepEqual(qualityWarnings(tight, rule, 2, 0, 2), []);
  });
});
