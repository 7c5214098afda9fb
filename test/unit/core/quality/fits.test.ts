import assert from 'node:assert/strict';
import { betaBinomialLogLik, betaMajorityAtK, betaPassAtK, fitBetaBinomial, majorityAtK } from '../../../../server/src/core/quality/betaBinomial';
import { betaCurves, coverageCurve, fitLogLinear, fitPowerLaw, logLinear, pointsCurve, powerLaw, REACH_FACTOR } from '../../../../server/src/core/quality/curves';
import { allocateByDifficulty, binAccuracy, difficultyBins } from '../../../../server/src/core/quality/difficulty';
import { buildQualityModel } from '../../../../server/src/core/quality/model';
import { mulberry32 } from '../../../../server/src/core/random';
import { betaProblems } from './helpers';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);
const rel = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${what} ${a} vs ${b} (±${tol * 100}%)`);

/** ∫ f(p)·Beta(p; α, β) dp by the midpoint rule (α, β ≥ 1 here, so the density is bounded). */
function integrate(alpha: number, beta: number, f: (p: number) => number, steps = 20000): number {
  let s = 0, z = 0;
  for (let i = 0; i < steps; i++) {
    const p = (i + 0.5) / steps;
    const w = Math.pow(p, alpha - 1) * Math.pow(1 - p, beta - 1);
    s += w * f(p);
    z += w;
  }
  return s / z;
}

describe('core/quality: laws and fits', () => {
  it('recovers the power law −ln cov(k) = a·k^(−b) and the log-linear law exactly from clean data', () => {
    const ks = [1, 2, 4, 8, 16, 32, 64];
    const pw = fitPowerLaw(ks, ks.map(powerLaw(0.9, 0.35)))!;
    close(pw.a, 0.9, 1e-9);
    close(pw.b, 0.35, 1e-9);
    const ll = fitLogLinear(ks, ks.map(logLinear(0.3, 0.07)))!;
    close(ll.a, 0.3, 1e-12);
    close(ll.b, 0.07, 1e-12);
    assert.equal(fitPowerLaw([4, 4], [0.5, 0.6]), undefined, 'one distinct N cannot fit a law');
  });

  it('fits noisy measured points within tolerance; the 95% band covers the truth when extrapolating', () => {
    const truth = powerLaw(1.2, 0.4);
    const rng = mulberry32(11);
    const m = 2000;
    // Binomial noise of m problems at each N.
    const pts = [1, 2, 4, 8, 16].map((k) => {
      let c = 0;
      for (let i = 0; i < m; i++) if (rng() < truth(k)) c++;
      return { k, accuracy: c / m, problems: m };
    });
    const curve = pointsCurve('best_of_n', pts, { seed: 3 });
    assert.equal(curve.law, 'power');
    rel(curve.params.a, 1.2, 0.05, 'a');
    rel(curve.params.b, 0.4, 0.1, 'b');
    for (const k of [8, 32, 64]) {
      const p = curve.predict(k);
      assert.ok(p.lo <= truth(k) && truth(k) <= p.hi, `k=${k}: ${truth(k)} in [${p.lo}, ${p.hi}]`);
      assert.equal(p.extrapolated, k > 16);
    }
    // Reach: past the data, at most REACH_FACTOR × the largest N.
    assert.ok(curve.reach >= 16 && curve.reach <= 16 * REACH_FACTOR, String(curve.reach));
    assert.equal(curve.predict(curve.reach * 2).beyondReach, true);
  });

  it('fewer problems per point give wider bands and a shorter reach', () => {
    const pts = (m: number) => [1, 4].map((k) => ({ k, accuracy: powerLaw(1, 0.3)(k), problems: m }));
    const wide = pointsCurve('x', pts(50), { seed: 1 }), narrow = pointsCurve('x', pts(5000), { seed: 1 });
    const w = wide.predict(16), n = narrow.predict(16);
    assert.ok(w.hi - w.lo > 3 * (n.hi - n.lo), `${w.hi - w.lo} vs ${n.hi - n.lo}`);
    assert.ok(wide.reach <= narrow.reach);
    assert.equal(pointsCurve('x', [{ k: 8, accuracy: 0.5 }]).law, 'single-point');
    assert.ok(Number.isNaN(pointsCurve('x', [{ k: 8, accuracy: 0.5 }]).predict(16).accuracy));
  });

  it('does not trust the law below the smallest measured N (the OCR eval: TTA at n = 2, 4, 8 read 83.7% at n = 1, the single pass 76.3%)', () => {
    const tta = pointsCurve('tta', [{ k: 2, accuracy: 0.825, problems: 80 }, { k: 4, accuracy: 0.8375, problems: 80 }, { k: 8, accuracy: 0.8125, problems: 80 }], { seed: 1 });
    const below = tta.predict(1);
    assert.equal(below.extrapolated, true);
    assert.equal(below.beyondReach, true);
    assert.equal(tta.predict(2).beyondReach, false);
  });

  it('the same data and seed give the same bands (seeded bootstrap)', () => {
    const pts = [{ k: 1, accuracy: 0.3, problems: 200 }, { k: 4, accuracy: 0.5, problems: 200 }, { k: 16, accuracy: 0.62, problems: 200 }];
    assert.deepEqual(pointsCurve('x', pts).predict(64), pointsCurve('x', pts).predict(64));
  });

  it('Beta-binomial pass@k and majority@k equal integrals over the Beta', () => {
    for (const [a, b] of [[1.5, 2.5], [3, 1.2], [2, 2]]) {
      for (const k of [1, 2, 5, 16]) {
        close(betaPassAtK(a, b, k), integrate(a, b, (p) => 1 - (1 - p) ** k), 1e-6, `pass a=${a} b=${b} k=${k}`);
        close(betaMajorityAtK(a, b, k), integrate(a, b, (p) => majorityAtK(p, k)), 1e-6, `maj a=${a} b=${b} k=${k}`);
      }
    }
    close(majorityAtK(0.7, 1), 0.7, 1e-12);
    close(majorityAtK(0.7, 3), 0.7 ** 3 + 3 * 0.7 ** 2 * 0.3, 1e-12);
  });

  it('recovers Beta(α, β) from synthetic per-problem counts by maximum likelihood', () => {
    for (const [a, b] of [[0.6, 1.4], [2, 5], [4, 1.5]]) {
      const data = betaProblems(a, b, 3000, 16, 5);
      const fit = fitBetaBinomial(data);
      rel(fit.alpha, a, 0.12, `alpha for (${a}, ${b})`);
      rel(fit.beta, b, 0.12, `beta for (${a}, ${b})`);
      // The MLE beats its neighbours.
      for (const [da, db] of [[1.1, 1], [0.9, 1], [1, 1.1], [1, 0.9]]) assert.ok(fit.logLik >= betaBinomialLogLik(data, fit.alpha * da, fit.beta * db));
    }
  });

  it('coverage from per-problem counts: unbiased pass@k fitted and extrapolated within its band', () => {
    const data = betaProblems(0.5, 1.5, 1500, 16, 9);
    const cov = coverageCurve(data, { seed: 2 })!;
    assert.deepEqual(cov.measured.map((m) => m.k), [1, 2, 4, 8, 16]);
    close(cov.measured[0].accuracy, 0.25, 0.03, 'pass@1 ≈ mean of Beta(0.5, 1.5)');
    const bb = betaCurves(data, { seed: 2, bins: [1] });
    // The Beta-binomial agrees with the truth at k = 64 (4× past the data), within its band.
    const t = betaPassAtK(0.5, 1.5, 64), p = bb.coverage.predict(64);
    assert.ok(p.lo <= t && t <= p.hi, `${t} in [${p.lo}, ${p.hi}]`);
    close(p.accuracy, t, 0.02);
  });

  it('majority vote from a mix of easy and hard problems rises then falls, and the fitted mixture follows within its band', () => {
    const easy = betaProblems(16, 4, 400, 16, 21), hard = betaProblems(8, 12, 600, 16, 22);
    const truth = (k: number) => 0.4 * betaMajorityAtK(16, 4, k) + 0.6 * betaMajorityAtK(8, 12, k);
    assert.ok(truth(3) > truth(1) + 0.005 && truth(65) < truth(3) - 0.04, 'the truth is not monotone');
    const bb = betaCurves([...easy, ...hard], { seed: 4 });
    const v = (k: number) => bb.majority.predict(k).accuracy;
    // Rises (easy problems converge on the right answer), then falls (hard ones on a wrong one).
    assert.ok(v(3) > v(1) + 0.005 && v(65) < v(3) - 0.02, [1, 3, 65].map((k) => v(k).toFixed(4)).join(' '));
    for (const k of [9, 17, 33, 65, 129]) {
      const p = bb.majority.predict(k);
      assert.ok(p.lo <= truth(k) && truth(k) <= p.hi, `maj@${k}: ${truth(k)} in [${p.lo}, ${p.hi}]`);
    }
    for (const k of [1, 9, 17]) close(v(k), truth(k), 0.015, `maj@${k}`);
    // The band widens past the data; the reach ends before it is wider than ±5 points.
    assert.ok(bb.majority.reach >= 16 && bb.majority.reach <= 64, String(bb.majority.reach));
  });

  it('bins problems by difficulty: easiest first, each bin with its own fit', () => {
    const easy = betaProblems(20, 2, 200, 8, 31).map((p) => ({ ...p, id: `e${p.id}` }));
    const hard = betaProblems(1, 20, 200, 8, 32).map((p) => ({ ...p, id: `h${p.id}` }));
    const bins = difficultyBins([...hard, ...easy], 2);
    assert.equal(bins.length, 2);
    assert.ok(bins[0].fit.mean > 0.85 && bins[1].fit.mean < 0.1, `${bins[0].fit.mean} ${bins[1].fit.mean}`);
    assert.ok(bins[0].items.filter((p) => p.id?.startsWith('e')).length >= 195);
    // Labels win when every problem has one (MATH `level`: 1 = easiest).
    const labelled = [...easy.map((p) => ({ ...p, difficulty: 1 })), ...hard.map((p) => ({ ...p, difficulty: 5 }))];
    assert.deepEqual(difficultyBins(labelled).map((b) => b.range), [[1, 1], [5, 5]]);
    assert.ok(binAccuracy(bins[0], 8, 'coverage') > binAccuracy(bins[0], 1, 'coverage'));
  });

  it('allocates N per difficulty: the cheapest mix that keeps the uniform accuracy (hand-made)', () => {
    const grid = [1, 2, 4, 8];
    // Easy bin improves with N; the hard bin is hopeless: it should get N = 1.
    const a = allocateByDifficulty([[0.5, 0.7, 0.8, 0.9], [0.1, 0.1, 0.1, 0.1]], [0.5, 0.5], grid, 8);
    assert.deepEqual(a.perBin, [8, 1]);
    close(a.accuracy, 0.5, 1e-12);
    close(a.cost, 4.5, 1e-12);
    close(a.savings, 1 - 4.5 / 8, 1e-12);
    // A non-monotone bin: N = 1 already matches its accuracy at N = 8, so it gets 1.
    const b = allocateByDifficulty([[0.6, 0.7, 0.65, 0.6], [0.2, 0.4, 0.6, 0.8]], [0.5, 0.5], grid, 8);
    assert.deepEqual(b.perBin, [1, 8]);
    close(b.savings, 1 - 4.5 / 8, 1e-12);
    // …and when the uniform N is 4, the better-than-uniform point N = 2 of that bin buys back the other's cost.
    const b4 = allocateByDifficulty([[0.6, 0.7, 0.65, 0.6], [0.2, 0.4, 0.6, 0.8]], [0.5, 0.5], grid, 4);
    assert.deepEqual(b4.perBin, [2, 4]);
    assert.ok(b4.accuracy > b4.uniform.accuracy);
    // With a cost per N (batching makes 2 samples cost as much as 1), the cost decides.
    const c = allocateByDifficulty([[0.5, 0.7, 0.8, 0.9], [0.5, 0.7, 0.8, 0.9]], [0.5, 0.5], grid, 2, (k) => Math.max(2, k));
    assert.deepEqual(c.perBin, [2, 2]);
    assert.equal(c.savings, 0);
    assert.throws(() => allocateByDifficulty([[1]], [1], [1], 2), /must contain the uniform N/);
  });
});

describe('core/quality/model', () => {
  it('builds one curve per strategy, anchors n = 1 with pass@1, and models majority vote from per-problem data', () => {
    const problems = betaProblems(1, 2, 300, 8, 41);
    const m = buildQualityModel('exact_match', { points: [{ strategy: 'best_of_n', n: 4, accuracy: 0.5, problems: 300 }, { strategy: 'best_of_n', n: 16, accuracy: 0.6, problems: 300 }, { strategy: 'dvts', n: 16, accuracy: 0.64 }], problems }, { bootstrap: 50 });
    assert.deepEqual(m.curves.map((c) => [c.strategy, c.source, c.law]), [['best_of_n', 'points', 'power'], ['dvts', 'points', 'single-point'], ['self_consistency', 'per-problem', 'beta-binomial']]);
    // pass@1 of the data anchors best_of_n at n = 1.
    assert.deepEqual(m.curves[0].measured.map((x) => x.k), [1, 4, 16]);
    assert.ok(m.coverage && m.coverage.predict(8).accuracy > m.coverage.predict(1).accuracy);
    assert.equal(m.bins?.length, 5);
    assert.equal(m.problems, 300);
    assert.ok(m.notes.some((n) => /dvts: one measured N \(16\)/.test(n)));
    assert.ok(m.notes.some((n) => /assume 100/.test(n)));
  });
});
