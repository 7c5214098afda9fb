import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance, listOf } from '../../../../server/src/core/config/suggest';

describe('core/config/suggest', () => {
  it('measures edit distance with transpositions', () => {
    assert.equal(editDistance('precison', 'precision'), 1);
    assert.equal(editDistance('nmae', 'name'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests the closest candidate only when it is close', () => {
    assert.equal(closest('beamwidth', ['beam_width', 'n']), 'beam_width');
    assert.equal(closest('Top-P', ['top_p', 'top_k']), 'top_p');
    assert.equal(closest('best_of_m', ['best_of_n', 'beam_search']), 'best_of_n');
    assert.equal(closest('zebra', ['path', 'config']), undefined);
    assert.equal(didYouMean('zebra', ['path']), '');
    assert.equal(didYouMean('pth', ['path']), "Did you mean 'path'? ");
  });

  it('lists values readably', () => {
    assert.equal(listOf(['a']), "'a'");
    assert.equal(listOf(['a', 'b', 'c']), "'a', 'b' or 'c'");
    assert.equal(listOf(['a', 'b', 'c'], 2), "'a', 'b' … (1 more)");
  });
});
