import { strict as assert } from 'node:assert';
import { Draws, lengthDistribution, lognormalParams, Z95 } from '../../../../server/src/core/estimate/lengths';
import { mulberry32 } from '../../../../server/src/core/random';
import { quantileSorted } from '../../../../server/src/core/profile/stats';

describe('core/estimate/lengths (STRATEGIES.md conventions)', () => {
  it('mulberry32 is the reference stream (first values for seed 0 and 1)', () => {
    const r0 = mulberry32(0), r1 = mulberry32(1);
    // Reference values of the canonical mulberry32 (a += 0x6D2B79F5; …; (t ^ t >>> 14) >>> 0) / 2^32.
    assert.equal(r0(), 0.26642920868471265);
    assert.equal(r0(), 0.0003297457005828619);
    assert.equal(r1(), 0.6270739405881613);
  });

  it('σ is the smaller root of σ²/2 − 1.64485σ + ln(p95/mean) = 0 and μ = ln(mean) − σ²/2', () => {
    const { mu, sigma } = lognormalParams(300, 512);
    assert.ok(Math.abs(sigma ** 2 / 2 - Z95 * sigma + Math.log(512 / 300)) < 1e-12);
    assert.ok(sigma < Z95);
    assert.ok(Math.abs(mu - (Math.log(300) - sigma ** 2 / 2)) < 1e-12);
    assert.equal(lognormalParams(300, 300).sigma, 0);
    assert.equal(lognormalParams(100, 1e6).sigma, Z95, 'no real root');
  });

  it('the drawn lengths reproduce the mean and the p95 (10,000 draws from the seed)', () => {
    const d = lengthDistribution({ mean: 600, p95: 1500 }, 1_000_000);
    const draws = new Draws(0);
    const xs = Float64Array.from({ length: 10_000 }, () => draws.length(d)).sort();
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean / 600 - 1) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(quantileSorted(xs, 0.95) / 1500 - 1) < 0.04, `p95 ${quantileSorted(xs, 0.95)}`);
    assert.equal(draws.used, 20_000, 'two uniforms per length');
  });

  it('lengths are clamped to [1, max_tokens]; a fixed length draws nothing', () => {
    const d = lengthDistribution({ mean: 600, p95: 1500 }, 700);
    const draws = new Draws(3);
    for (let i = 0; i < 2000; i++) {
      const l = draws.length(d);
      assert.ok(l >= 1 && l <= 700);
    }
    const fixed = new Draws(0);
    assert.equal(fixed.length(lengthDistribution({ mean: 300 }, 2048)), 300);
    assert.equal(fixed.length(lengthDistribution({ mean: 300 }, 200)), 200);
    assert.equal(fixed.used, 0);
  });

  it('the same seed gives the same lengths', () => {
    const d = lengthDistribution({ mean: 50, p95: 120 }, 2048);
    const a = new Draws(42), b = new Draws(42);
    for (let i = 0; i < 100; i++) assert.equal(a.length(d), b.length(d));
  });
});
