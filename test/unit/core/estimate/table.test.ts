import { strict as assert } from 'node:assert';
import { PointTable } from '../../../../server/src/core/estimate/table';
import { latticeCover, neededPoints, peakPoints } from '../../../../server/src/core/estimate/needs';
import { planQueries } from '../../../../server/src/core/estimate/plan';
import { parseConfig } from '../../../../server/src/core/config/parse';

const s = (p50: number) => ({ p50, ciRelHalfWidth: 0.01 });

describe('core/estimate/table (interpolation and integration over contexts)', () => {
  it('a grid point is measured; between points it interpolates linearly; outside it extrapolates', () => {
    const t = new PointTable();
    t.add({ kind: 'score', batch: 4, tokens: 100 }, s(10));
    t.add({ kind: 'score', batch: 4, tokens: 300 }, s(30));
    assert.deepEqual(t.at({ kind: 'score', batch: 4, tokens: 100 }), { ms: 10, provenance: 'measured', sources: ['score B=4 T=100'], ci: 0.01 });
    const mid = t.at({ kind: 'score', batch: 4, tokens: 150 })!;
    assert.equal(mid.ms, 15);
    assert.equal(mid.provenance, 'interpolated');
    assert.deepEqual(mid.sources, ['score B=4 T=100', 'score B=4 T=300']);
    assert.equal(t.at({ kind: 'score', batch: 4, tokens: 400 })!.provenance, 'extrapolated');
    assert.equal(t.at({ kind: 'score', batch: 2, tokens: 100 }), undefined, 'another batch is not guessed');
  });

  it('sums decode steps exactly along the interpolant (equal to a step-by-step sum)', () => {
    const t = new PointTable();
    const grid: Array<[number, number]> = [[100, 1], [200, 1.5], [400, 3], [800, 4]];
    for (const [c, ms] of grid) t.add({ kind: 'step', batch: 2, context: c }, s(ms));
    for (const [from, count] of [[100, 1], [100, 700], [150, 400], [50, 100], [700, 300], [199, 3]]) {
      let want = 0;
      for (let c = from; c < from + count; c++) want += t.at({ kind: 'step', batch: 2, context: c })!.ms;
      const got = t.sumSteps(2, from, count)!;
      assert.ok(Math.abs(got.ms - want) < 1e-9 * Math.max(1, want), `from ${from} count ${count}: ${got.ms} vs ${want}`);
    }
    assert.equal(t.sumSteps(2, 150, 100)!.provenance, 'interpolated');
    assert.equal(t.sumSteps(2, 700, 300)!.provenance, 'extrapolated');
  });

  it('the lattice brackets a range with stable points', () => {
    assert.deepEqual(latticeCover(200, 1700), [192, 256, 384, 512, 768, 1024, 1536, 2048]);
    assert.deepEqual(latticeCover(256, 256), [256]);
    assert.deepEqual(latticeCover(200, 1700, 1000), [192, 256, 384, 512, 768, 1000]);
  });

  it('needed points: the plan’s batches (and batch 1), exact prompt lengths, a bracketing context grid, verifier tokens', () => {
    const p = parseConfig('version: 1\nmodels:\n  g: { path: g.onnx }\n  v: { path: v.onnx }\nstrategy:\n  approach: best_of_n\n  model: g\n  verifier: v\n  n: 6\n  parallel: 4\nworkload:\n  prompt_tokens: 100\n  output_tokens: 50\n');
    const needs = neededPoints(planQueries(p.config, 5));
    const g = needs.find((n) => n.model === 'g')!.points;
    assert.deepEqual(g.filter((x) => x.kind === 'prefill'), [{ kind: 'prefill', batch: 1, tokens: 100 }]);
    assert.deepEqual(g.filter((x) => x.kind === 'step' && x.batch === 4).map((x) => (x as { context: number }).context), [96, 128, 192]);
    assert.deepEqual(g.filter((x) => x.kind === 'step' && x.batch === 2).length, 3);
    const v = needs.find((n) => n.model === 'v')!.points;
    assert.deepEqual(v, [{ kind: 'score', batch: 1, tokens: 150 }, { kind: 'score', batch: 2, tokens: 150 }, { kind: 'score', batch: 4, tokens: 150 }], 'smallest batches first');
    assert.deepEqual(g.filter((x) => x.kind === 'step' && x.batch === 1).length, 3, 'batch 1 anchors the batch axis');
  });

  it('peak points: the plan’s largest call of each kind per model (the memory probe’s shapes), capped by the position table', () => {
    const p = parseConfig('version: 1\nmodels:\n  g: { path: g.onnx }\n  v: { path: v.onnx }\nstrategy:\n  approach: best_of_n\n  model: g\n  verifier: v\n  n: 6\n  parallel: 4\nworkload:\n  prompt_tokens: 100\n  output_tokens: 50\n');
    const w = planQueries(p.config, 5);
    const peaks = peakPoints(w);
    assert.deepEqual(peaks.find((n) => n.model === 'g')!.points, [{ kind: 'prefill', batch: 1, tokens: 100 }, { kind: 'step', batch: 4, context: 148 }]);
    assert.deepEqual(peaks.find((n) => n.model === 'v')!.points, [{ kind: 'score', batch: 4, tokens: 150 }]);
    assert.deepEqual(peakPoints(w, { g: 120 }).find((n) => n.model === 'g')!.points[1], { kind: 'step', batch: 4, context: 119 });
  });
});
