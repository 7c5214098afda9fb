import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/references';
import { at, brief, run, VALID } from './helpers';

describe('service/validation/references', () => {
  it('accepts references to defined models', () => {
    assert.deepEqual(run(rule, VALID), []);
  });

  it('flags an undefined model with a suggestion and the defined names', () => {
    const text = VALID.replace('verifier: prm', 'verifier: pmr');
    const [p, ...rest] = run(rule, text);
    assert.deepEqual(rest, []);
    assert.equal(p.code, 'undefined-model');
    assert.deepEqual(p.range, at(text, 'pmr'));
    assert.equal(p.message, "Model 'pmr' is not defined in `models`. Did you mean 'prm'? Defined models: 'gen' or 'prm'.");
    assert.deepEqual(p.data, { path: ['strategy', 'verifier'], name: 'pmr', suggestion: 'prm' });
  });

  it('checks cascade stages and ensemble members', () => {
    const text = 'version: 1\nmodels:\n  small: {path: s.onnx}\nstrategy:\n  approach: cascade\n  stages:\n    - model: small\n    - model: big\n  models: [small, huge]\n';
    assert.deepEqual(brief(text, run(rule, text)), ['undefined-model@big', 'undefined-model@huge']);
  });

  it('says how to define a model when there are none', () => {
    const text = 'version: 1\nmodels: {}\nstrategy: {approach: single, model: gen}\n';
    assert.match(run(rule, text)[0].message, /No models are defined yet/);
  });
});
