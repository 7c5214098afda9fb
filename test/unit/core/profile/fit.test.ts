import { strict as assert } from 'node:assert';
import { decodeStepMs, fitDecode, fitPrefill, leastSquares } from '../../../../server/src/core/profile/fit';

describe('core/profile/fit', () => {
  it('recovers τ = a + b·B + d·B·c exactly from noiseless points', () => {
    const truth = { a: 2, b: 0.5, d: 0.001 };
    const pts = [];
    for (const batch of [1, 2, 4, 8]) for (const context of [16, 128, 512]) pts.push({ batch, context, ms: decodeStepMs(truth, batch, context) });
    const f = fitDecode(pts);
    assert.ok(Math.abs(f.a - 2) < 1e-9 && Math.abs(f.b - 0.5) < 1e-9 && Math.abs(f.d - 0.001) < 1e-12, JSON.stringify(f));
    assert.ok(f.maxRelError < 1e-9);
    assert.ok(f.r2 > 0.999999);
  });

  it('reports the error of an imperfect fit', () => {
    const f = fitPrefill([
      { prompt: 1, ms: 1 },
      { prompt: 2, ms: 2 },
      { prompt: 3, ms: 3 },
      { prompt: 4, ms: 5 },
    ]);
    assert.ok(f.rmse > 0);
    assert.ok(f.maxRelError > 0);
    assert.ok(f.r2 < 1 && f.r2 > 0.9);
  });

  it('handles a degenerate basis (all points at one batch) without NaN', () => {
    const f = leastSquares(
      [
        [1, 1],
        [1, 1],
      ],
      [2, 2],
    );
    assert.ok(f.coef.every(Number.isFinite));
    assert.ok(Math.abs(f.coef[0] + f.coef[1] - 2) < 1e-9);
  });
});
