import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/applicability';
import { at, brief, run, VALID } from './helpers';

describe('service/validation/applicability', () => {
  it('warns about parameters the approach ignores, at the key', () => {
    const text = VALID.replace('n: 8', 'n: 8\n  beam_width: 4\n  views: 3');
    const ps = run(rule, text);
    assert.deepEqual(brief(text, ps), ['param-not-applicable@beam_width', 'param-not-applicable@views']);
    assert.equal(ps[0].severity, 'warning');
    assert.deepEqual(ps[0].range, at(text, 'beam_width'));
    assert.equal(ps[0].message, "'beam_width' does not apply to best_of_n and is ignored; it is used by 'beam_search' or 'dvts'.");
  });

  it('warns about sampling parameters on non-generative approaches', () => {
    const text = 'version: 1\nmodels: {a: {path: a.onnx}}\nstrategy:\n  approach: tta\n  model: a\n  views: 4\n  temperature: 0.7\n';
    assert.deepEqual(brief(text, run(rule, text)), ['param-not-applicable@temperature']);
  });

  it('stays quiet on valid configs and unknown keys (reported elsewhere)', () => {
    assert.deepEqual(run(rule, VALID), []);
    assert.deepEqual(run(rule, VALID.replace('n: 8', 'n: 8\n  bogus: 1')), []);
  });
});
