import assert from 'node:assert/strict';
import { APPROACHES } from '../../../../server/src/core/config/types';
import { planOptionsOf, ratesOfPlan } from '../../../../server/src/core/estimate/planOptions';
import type { ModelFacts } from '../../../../server/src/core/estimate/price';
import { parsePointsJsonl } from '../../../../server/src/core/quality/data';
import { measuredRates } from '../../../../server/src/core/quality/rates';

// Rows as `ttc-lens eval -o` writes them (extra columns ignored, the rates kept).
const EVAL = [
  { strategy: 'single', n: 1, accuracy: 0.7625, problems: 80, latency_p50_ms: 54, views_mean: 1 },
  { strategy: 'tta', n: 2, accuracy: 0.825, problems: 80, agreement: 0.9125 },
  { strategy: 'tta', n: 8, accuracy: 0.8125, problems: 80, agreement: 0.803125 },
  { strategy: 'tta', n: 4, accuracy: 0.8375, problems: 80, agreement: 0.865625 },
  { strategy: 'cascade', n: 2, accuracy: 0.8125, problems: 80, escalated: 0.25, escalate_below: 0.93 },
  { strategy: 'cascade', n: 8, accuracy: 0.7875, problems: 80, escalated: 0.2625 },
].map((o) => JSON.stringify(o)).join('\n');

describe('core/quality/rates', () => {
  it('reads the eval rates from a points file: agreement from tta at the largest n, escalation from the cascade', () => {
    const p = parsePointsJsonl(EVAL, APPROACHES);
    assert.deepEqual(p.errors, []);
    assert.equal(p.points[2].agreement, 0.803125);
    assert.equal(p.points[4].escalated, 0.25);
    const r = measuredRates(p.points, 'measured/points.jsonl');
    assert.deepEqual(r.agreement, { value: 0.803125, source: 'ttc-lens eval, tta n=8 on 80 problems (measured/points.jsonl)' });
    assert.deepEqual(r.escalate, { value: 0.2625, source: 'ttc-lens eval, cascade n=8 on 80 problems (measured/points.jsonl)' });
    assert.deepEqual(measuredRates(p.points.slice(0, 1)), {});
  });

  it('rejects a rate outside [0, 1] by line', () => {
    const p = parsePointsJsonl('{"strategy":"tta","n":2,"accuracy":0.8,"agreement":1.5}', APPROACHES);
    assert.deepEqual(p.errors, [{ line: 1, message: '"agreement" must be a number between 0 and 1' }]);
  });

  it('plan options: models without a KV cache run views; the rates pass through and back', () => {
    const f = (name: string, kv?: number, source: ModelFacts['source'] = 'onnx') => ({ name, source, notes: [], ...(kv !== undefined ? { kvBytesPerToken: kv } : {}) }) as unknown as ModelFacts;
    const rates = { agreement: { value: 0.8, source: 'x' } };
    const o = planOptionsOf({ rec: f('rec'), gen: f('gen', 4096), gone: f('gone', undefined, 'unavailable') }, rates);
    assert.deepEqual([...o.runs!], ['rec']);
    assert.deepEqual(ratesOfPlan(o), rates);
  });
});
