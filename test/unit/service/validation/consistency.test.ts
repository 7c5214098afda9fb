import assert from 'node:assert/strict';
import { rule } from '../../../../server/src/service/validation/consistency';
import { brief, run, VALID } from './helpers';

describe('service/validation/consistency', () => {
  it('flags p50 above p95 and output p95 below the mean', () => {
    const text = VALID.replace('p50: 800ms, p95: 2s', 'p50: 3s, p95: 2s').replace('{ mean: 200, p95: 400 }', '{ mean: 500, p95: 400 }');
    const ps = run(rule, text);
    assert.deepEqual(brief(text, ps), ['inconsistent@3s', 'inconsistent@400']);
    assert.equal(ps[0].severity, 'error');
    assert.equal(ps[1].severity, 'warning');
  });

  it('flags parallel above n and early-exit waves above max_n', () => {
    const text = VALID.replace('n: 8', 'n: 8\n  parallel: 16');
    assert.deepEqual(brief(text, run(rule, text)), ['inconsistent@16']);
    const ee = 'version: 1\nmodels: {a: {path: a.onnx}}\nstrategy: {approach: early_exit, model: a, max_n: 8, wave: 16}\n';
    assert.deepEqual(brief(ee, run(rule, ee)), ['inconsistent@16']);
  });

  it('flags escalation from the last cascade stage', () => {
    const text = 'version: 1\nmodels: {a: {path: a.onnx}, b: {path: b.onnx}}\nstrategy:\n  approach: cascade\n  stages:\n    - {model: a, escalate: 0.2}\n    - {model: b, escalate: 0.1}\n';
    assert.deepEqual(brief(text, run(rule, text)), ['inconsistent@0.1']);
  });

  it('accepts a consistent config', () => {
    assert.deepEqual(run(rule, VALID), []);
  });
});
