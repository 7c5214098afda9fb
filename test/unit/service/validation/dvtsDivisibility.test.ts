import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/dvtsDivisibility';
import { at, run, VALID } from './helpers';

const dvts = (n: number, bw: number) => VALID.replace('approach: best_of_n', 'approach: dvts').replace('n: 8', `n: ${n}\n  beam_width: ${bw}`);

describe('service/validation/dvtsDivisibility', () => {
  it('accepts n divisible by beam_width', () => {
    assert.deepEqual(run(rule, dvts(16, 4)), []);
  });

  it('flags n % beam_width != 0 at n, with the n that would fit', () => {
    const text = dvts(10, 4);
    const [p] = run(rule, text);
    assert.equal(p.code, 'dvts-divisibility');
    assert.deepEqual(p.range, { start: at(text, 'n: 10').start + 3, end: at(text, 'n: 10').end });
    assert.equal(p.message, 'DVTS needs n to be a multiple of beam_width (n/beam_width independent subtrees), but 10 % 4 = 2. Use n = 8 or 12, or a beam_width that divides 10.');
    assert.deepEqual(p.data, { n: 10, beam_width: 4, fits: [8, 12] });
  });

  it('suggests only a positive n when n < beam_width', () => {
    assert.deepEqual((run(rule, dvts(3, 4))[0].data as { fits: number[] }).fits, [4]);
  });

  it('does not apply to other approaches', () => {
    assert.deepEqual(run(rule, dvts(10, 4).replace('approach: dvts', 'approach: beam_search')), []);
  });
});
