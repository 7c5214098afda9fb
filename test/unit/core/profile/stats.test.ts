import { strict as assert } from 'node:assert';
import { ciRelHalfWidth, medianCi, medianCiRanks, quantileSorted, shouldStop, stdev, summarize } from '../../../../server/src/core/profile/stats';

describe('core/profile/stats', () => {
  it('quantiles interpolate like NumPy (type 7)', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(quantileSorted(s, 0.5), 5.5);
    assert.ok(Math.abs(quantileSorted(s, 0.9) - 9.1) < 1e-12);
    assert.ok(Math.abs(quantileSorted(s, 0.99) - 9.91) < 1e-12);
    assert.equal(quantileSorted(s, 0), 1);
    assert.equal(quantileSorted(s, 1), 10);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });

  it('sample stdev uses n − 1', () => {
    // 2,4,4,4,5,5,7,9: population sd 2, sample sd sqrt(32/7)
    assert.ok(Math.abs(stdev([2, 4, 4, 4, 5, 5, 7, 9]) - Math.sqrt(32 / 7)) < 1e-12);
  });

  it('median CI ranks match the binomial tables', () => {
    // Conover Table A3 / standard sign-test intervals at ≥ 95%: n=6 → (1,6), n=10 → (2,9), n=20 → (6,15), n=100 → (40,61).
    assert.equal(medianCiRanks(5), undefined);
    assert.deepEqual(medianCiRanks(6), [1, 6]);
    assert.deepEqual(medianCiRanks(10), [2, 9]);
    assert.deepEqual(medianCiRanks(20), [6, 15]);
    assert.deepEqual(medianCiRanks(100), [40, 61]);
  });

  it('median CI and its relative half-width on known data', () => {
    const s = Array.from({ length: 20 }, (_, i) => 100 + i); // 100..119
    assert.deepEqual(medianCi(s), [105, 114]);
    // median 109.5: max(4.5, 4.5) / 109.5
    assert.ok(Math.abs(ciRelHalfWidth(s) - 4.5 / 109.5) < 1e-12);
    assert.equal(ciRelHalfWidth([1, 2, 3]), Infinity);
  });

  it('summarize reports every figure', () => {
    const s = summarize([3, 1, 2, 5, 4, 6, 7, 8, 9, 10], 2, 'ci');
    assert.equal(s.runs, 10);
    assert.equal(s.warmupRuns, 2);
    assert.equal(s.p50, 5.5);
    assert.equal(s.mean, 5.5);
    assert.equal(s.min, 1);
    assert.equal(s.max, 10);
    assert.deepEqual(s.ci95, [2, 9]);
    assert.ok(Math.abs(s.cv - s.stdev / 5.5) < 1e-12);
    assert.equal(s.stoppedBy, 'ci');
  });

  it('stop rule: CI target, time cap, run cap', () => {
    const tight = Array.from({ length: 30 }, (_, i) => 10 + (i % 3) * 0.01);
    assert.equal(shouldStop(tight, 5, { targetCi: 0.02, maxTimeMs: 1000, minRuns: 10, maxRuns: 1000 }), 'ci');
    const wide = Array.from({ length: 30 }, (_, i) => 1 + i);
    assert.equal(shouldStop(wide, 5, { targetCi: 0.02, maxTimeMs: 1000, minRuns: 10, maxRuns: 1000 }), undefined);
    assert.equal(shouldStop(wide, 1001, { targetCi: 0.02, maxTimeMs: 1000, minRuns: 10, maxRuns: 1000 }), 'time');
    assert.equal(shouldStop(wide, 5, { targetCi: 0.02, maxTimeMs: 1000, minRuns: 10, maxRuns: 30 }), 'runs');
    // Too few runs to stop on the CI even if they agree perfectly.
    assert.equal(shouldStop([5, 5, 5], 5, { targetCi: 0.02, maxTimeMs: 1000, minRuns: 10, maxRuns: 1000 }), undefined);
  });
});
