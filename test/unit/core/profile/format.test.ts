import { strict as assert } from 'node:assert';
import { coef, decodeFitText, poly, prefillFitText } from '../../../../server/src/core/profile/format';

describe('core/profile/format', () => {
  it('fit coefficients read like numbers a person writes: 0.973 − 0.0016·P', () => {
    assert.equal(poly([[0.9726, ''], [-1.605e-3, 'P']]), '0.973 − 0.0016·P');
    assert.equal(coef(0.9726), '0.973');
    assert.equal(coef(0.04786), '0.0479');
    assert.equal(coef(5.536e-4), '0.00055');
    assert.equal(coef(2.31e-6), '2.3e-6');
    assert.equal(coef(12.345), '12.3');
    assert.equal(decodeFitText({ a: 0.1564, b: 0.0479, d: 5.536e-4 }), 'τ(B, c) = 0.156 + 0.0479·B + 0.00055·B·c ms');
    assert.equal(prefillFitText({ a: -0.381, b: 0.04803, d: -2.508e-4 }), 'T(P) = −0.381 + 0.048·P − 0.00025·P² ms');
  });
});
