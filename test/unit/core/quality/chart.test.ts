/**
 * The panel's Pareto chart data (core/quality/chart.ts) from a real recommendation: the shape-only
 * Llama priced by the estimator's roofline, per-problem counts drawn from two Beta populations.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { shapeOnlyFacts } from '../../../../server/src/core/estimate/facts';
import { machineFacts } from '../../../../server/src/core/estimate/pipeline';
import { buildQualityModel } from '../../../../server/src/core/quality/model';
import { recommendFromFacts } from '../../../../server/src/core/quality/optimize';
import { qualityChart } from '../../../../server/src/core/quality/chart';
import { betaProblems } from './helpers';

const ROOT = path.join(__dirname, '../../../..');

describe('core/quality/chart', () => {
  it('puts every priced candidate on the chart, the frontier ascending in both axes, the budget and the marks', () => {
    const cfg = parseConfig(`version: 1
models:
  llama: { config: examples/models/llama-3.2-1b/config.json }
strategy: { approach: self_consistency, model: llama, n: 8 }
workload: { prompt_tokens: 128, output_tokens: { mean: 64, p95: 96 } }
hardware: { peak_flops: 20 TFLOP/s, memory_bandwidth: 400 GB/s }
budget: { latency: { p50: 4s } }
`).config;
    const facts = { llama: shapeOnlyFacts('llama', path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), cfg.models.llama) };
    const model = buildQualityModel('exact_match', { points: [], problems: [...betaProblems(8, 2, 120, 8, 51), ...betaProblems(1, 6, 120, 8, 52)] }, { bootstrap: 30 });
    const r = recommendFromFacts(cfg, model, facts, machineFacts(cfg, undefined));
    const c = qualityChart(r, cfg.budget, 'exact_match');
    assert.equal(c.axis, 'latency');
    assert.equal(c.xLabel, 'p50 latency (ms)');
    assert.equal(c.budgetX, 4000);
    assert.equal(c.title, r.title);
    const total = c.series.reduce((a, s) => a + s.points.length, 0);
    assert.equal(total, r.candidates.filter((k) => Number.isFinite(k.x)).length);
    for (const s of c.series) for (let i = 1; i < s.points.length; i++) assert.ok(s.points[i].x >= s.points[i - 1].x);
    for (const p of c.series.flatMap((s) => s.points)) assert.ok(p.lo <= p.accuracy && p.accuracy <= p.hi);
    assert.ok(c.frontier.length >= 1);
    for (let i = 1; i < c.frontier.length; i++) {
      assert.ok(c.frontier[i].x >= c.frontier[i - 1].x);
      assert.ok(c.frontier[i].accuracy > c.frontier[i - 1].accuracy, 'a frontier point buys accuracy with its cost');
    }
    assert.equal(c.current?.label, 'self_consistency n=8');
    assert.ok(c.best && c.best.x <= 4000);
  });
});
