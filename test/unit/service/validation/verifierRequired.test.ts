import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/verifierRequired';
import { at, run, VALID } from './helpers';

describe('service/validation/verifierRequired', () => {
  it('flags beam_search and dvts without a verifier at the approach', () => {
    for (const approach of ['beam_search', 'dvts']) {
      const text = VALID.replace('approach: best_of_n', `approach: ${approach}`).replace('  verifier: prm\n', '');
      const [p, ...rest] = run(rule, text);
      assert.deepEqual(rest, []);
      assert.equal(p.code, 'verifier-required');
      assert.deepEqual(p.range, at(text, approach));
      assert.match(p.message, /add `verifier: <model name>`/);
    }
  });

  it('accepts best_of_n without a verifier and search with one', () => {
    assert.deepEqual(run(rule, VALID.replace('  verifier: prm\n', '')), []);
    assert.deepEqual(run(rule, VALID.replace('approach: best_of_n', 'approach: beam_search')), []);
  });
});
