import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/modelRequired';
import { at, run, VALID } from './helpers';

describe('service/validation/modelRequired', () => {
  it('flags a generative approach without a model, naming the candidates', () => {
    const text = VALID.replace('  model: gen\n', '');
    const [p] = run(rule, text);
    assert.equal(p.code, 'missing-model');
    assert.deepEqual(p.range, at(text, 'best_of_n'));
    assert.equal(p.message, "best_of_n needs `model: <name>` (one of 'gen' or 'prm') in the strategy.");
  });

  it('asks cascade for stages and ensemble for models', () => {
    const cascade = 'version: 1\nmodels: {a: {path: a.onnx}}\nstrategy:\n  approach: cascade\n';
    assert.match(run(rule, cascade)[0].message, /cascade needs `stages:`/);
    const ensemble = 'version: 1\nmodels: {a: {path: a.onnx}}\nstrategy:\n  approach: ensemble\n  model: a\n';
    assert.match(run(rule, ensemble)[0].message, /ensemble needs `models:`/);
  });

  it('accepts a complete strategy', () => {
    assert.deepEqual(run(rule, VALID), []);
  });
});
