import { strict as assert } from 'node:assert';
import { add, ceilDiv, evalDim, floorDiv, mul, show, sub, sym, symbols } from '../../../../server/src/core/onnx/expr';

const H = sym('H'), s = sym('sequence'), p = sym('past_sequence');

describe('core/onnx/expr', () => {
  it('folds constants and simplifies the shapes exporters produce', () => {
    assert.equal(show(add(add(sub(add(floorDiv(sub(H, 1), 2), 1), 3), 2), 1)), '(H - 1)//2 + 1');
    assert.equal(show(floorDiv(floorDiv(sub(H, 1), 2), 16)), '(H - 1)//32');
    assert.equal(show(mul(2, add(sub(H, 1), 0))), '2*H - 2');
    assert.equal(show(add(mul(2, sub(H, 1)), 2)), '2*H');
    assert.equal(show(floorDiv(mul(64, s), 8)), '8*sequence');
    assert.equal(show(sub(add(p, s), s)), 'past_sequence');
    assert.equal(sub(H, H), 0);
    assert.equal(show(ceilDiv(H, 2)), 'ceil(H/2)');
    assert.equal(add(null, 1), null);
  });

  it('evaluates with bindings, including dim_params written as arithmetic', () => {
    assert.equal(evalDim(add(p, s), { past_sequence: 7, sequence: 3 }), 10);
    assert.equal(evalDim(floorDiv(sub(H, 1), 2), { H: 224 }), 111);
    assert.equal(evalDim(sym('past_sequence_length + 1'), { past_sequence_length: 9 }), 10);
    assert.equal(evalDim(sym('2*seq - 1'), { seq: 5 }), 9);
    assert.equal(evalDim(H, {}), undefined);
    assert.equal(evalDim(sym('a + '), { a: 1 }), undefined);
  });

  it('caps expression size (unknown beats unbounded growth)', () => {
    let e = sym('x') as ReturnType<typeof add>;
    for (let i = 0; i < 100 && e !== null; i++) e = add(mul(e, sym(`y${i}`)), sym(`z${i}`));
    assert.equal(e, null);
    assert.deepEqual([...symbols(add(p, mul(2, s)))].sort(), ['past_sequence', 'sequence']);
  });
});
