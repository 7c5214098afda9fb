import assert from 'node:assert/strict';
import { lgamma, lnBeta, nelderMead, passAtK, quantile } from '../../../../server/src/core/quality/stats';
import { majorityFromCounts } from '../../../../server/src/core/quality/curves';
import { subsets } from './helpers';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

describe('core/quality/stats', () => {
  it('lgamma matches known values', () => {
    close(lgamma(1), 0, 1e-12);
    close(lgamma(2), 0, 1e-12);
    close(lgamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
    close(lgamma(10), Math.log(362880), 1e-10);
    close(lgamma(101), 363.73937555556347, 1e-9);
    close(lnBeta(2, 3), Math.log(1 / 12), 1e-12);
  });

  it('the unbiased pass@k estimator equals exact enumeration of k-subsets', () => {
    for (let n = 1; n <= 9; n++)
      for (let c = 0; c <= n; c++)
        for (let k = 1; k <= n; k++) {
          // Samples 0..c-1 are the correct ones.
          let hit = 0, all = 0;
          for (const s of subsets(n, k)) {
            all++;
            if (s.some((i) => i < c)) hit++;
          }
          close(passAtK(n, c, k), hit / all, 1e-12, `n=${n} c=${c} k=${k}`);
        }
    assert.throws(() => passAtK(4, 2, 5), /1 ≤ k ≤ n/);
  });

  it('majority vote from counts equals exact enumeration (ties split)', () => {
    for (let n = 1; n <= 8; n++)
      for (let c = 0; c <= n; c++)
        for (let k = 1; k <= n; k++) {
          let won = 0, all = 0;
          for (const s of subsets(n, k)) {
            all++;
            const right = s.filter((i) => i < c).length;
            won += 2 * right > k ? 1 : 2 * right === k ? 0.5 : 0;
          }
          close(majorityFromCounts(n, c, k), won / all, 1e-12, `n=${n} c=${c} k=${k}`);
        }
  });

  it('Nelder–Mead finds the minimum of a quadratic and of Rosenbrock', () => {
    const q = nelderMead((x) => (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2, [0, 0]);
    close(q.x[0], 3, 1e-4);
    close(q.x[1], -1, 1e-4);
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxIter: 5000, tol: 1e-16 });
    close(r.x[0], 1, 1e-3);
    close(r.x[1], 1, 2e-3);
  });

  it('quantile interpolates', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([5], 0.9), 5);
  });
});
