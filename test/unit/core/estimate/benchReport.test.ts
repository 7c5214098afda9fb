/**
 * The benchmark report the panel receives: the executor's result summarised (benchSummary) and set
 * beside the estimate — CDF, per-kind rows with errors and call counts, budget breaches, hardware.
 */
import * as assert from 'node:assert/strict';
import { benchReport, empiricalCdf } from '../../../../server/src/core/estimate/benchReport';
import { summarize } from '../../../../server/src/core/estimate/benchSummary';
import type { Estimate } from '../../../../server/src/core/estimate/estimate';
import type { ExecuteResult } from '../../../../server/src/core/estimate/protocol';
import type { RunEnvironment } from '../../../../server/src/core/profile/protocol';

const env: RunEnvironment = {
  ep: 'cpu',
  threads: 2,
  graphOptimizationLevel: 'all',
  ortVersion: '1.30.0',
  machine: { cpuModel: 'Test CPU', logicalCores: 4, physicalCores: 2, memoryBytes: 8 * 2 ** 30, os: 'linux', arch: 'x64', id: 'm1' },
};

const run: ExecuteResult = {
  queries: [
    { ms: 40, byKind: { prefill: 10, steps: 30 } },
    { ms: 20, byKind: { prefill: 10, steps: 10 } },
    { ms: 30, byKind: { prefill: 10, steps: 20 } },
  ],
  calls: { prefill: 3, kv_tile: 0, steps: 60, score: 0, kv_gather: 0, run: 0 },
  warmupMs: 50,
  peakRssBytes: 300e6,
  baseRssBytes: 60e6,
  loadMs: { gen: 5 },
  env,
  load: [0.4, 3.9],
};

// The fields of an Estimate the report reads (the estimator's own tests cover the rest).
const est = {
  approach: 'single',
  queries: 3,
  latency: { p50_ms: 33, p95_ms: 36, mean_ms: 30 },
  band: 0.03,
  breakdown: { byKind: { prefill: 9, steps: 21, score: 0 } },
  memory: { peak_bytes: 330e6 },
  cost: { per_1k_usd: 0.004 },
  calls: { prefill: 3, kv_tile: 0, steps: 60, score: 0, kv_gather: 0, run: 0 },
  provenance: { overall: 'interpolated', calls: [] },
} as unknown as Estimate;

describe('core/estimate/benchReport', () => {
  it('the empirical CDF is the sorted sample against i/n', () => {
    assert.deepEqual(empiricalCdf([3, 1, 2, 2]), { ms: [1, 2, 2, 3], p: [0.25, 0.5, 0.75, 1] });
    assert.deepEqual(empiricalCdf([]), { ms: [], p: [] });
  });

  it('a kind estimated but not measured has no error figure', () => {
    const s = summarize({ ...run, queries: run.queries.map((q) => ({ ...q, byKind: { steps: q.byKind.steps } })) }, est.calls, undefined, 4);
    const r = benchReport({ config: 'a.ttc.yaml', summary: s, estimate: est, env, budget: {} });
    const prefill = r.kinds.find((k) => k.kind === 'prefill')!;
    assert.deepEqual([prefill.measured_ms, prefill.estimate_ms, prefill.error], [0, 9, null]);
    assert.deepEqual(r.cost, { estimate_per_1k_usd: 0.004 });
    assert.deepEqual(r.breaches, []);
  });

  it('sets the measurement beside the estimate, ready to draw', () => {
    const s = summarize(run, est.calls, 0.5, env.machine.logicalCores);
    const r = benchReport({ config: 'a.ttc.yaml', summary: s, estimate: est, env, budget: { latency_p95_ms: 35, latency_p50_ms: 100 }, at: new Date('2026-12-02T14:00:00Z') });
    assert.equal(r.at, '2026-12-02T14:00:00.000Z');
    assert.deepEqual(r.per_query_ms, [40, 20, 30]);
    assert.deepEqual(r.cdf, { ms: [20, 30, 40], p: [1 / 3, 2 / 3, 1] });
    assert.equal(r.measured.p50_ms, 30);
    assert.equal(r.measured.mean_ms, 30);
    assert.deepEqual(r.estimate, { p50_ms: 33, p95_ms: 36, mean_ms: 30, provenance: 'interpolated', band: 0.03 });
    assert.ok(Math.abs(r.error.p50! - 0.1) < 1e-12);
    assert.equal(r.error.mean, 0);
    assert.ok(Math.abs(r.error.memory! - 0.1) < 1e-12);
    const by = Object.fromEntries(r.kinds.map((k) => [k.kind, k]));
    assert.deepEqual(Object.keys(by).sort(), ['prefill', 'steps'], 'kinds measured, estimated or planned; not score (zero everywhere)');
    assert.deepEqual(by.prefill, { kind: 'prefill', measured_ms: 10, estimate_ms: 9, error: -0.1, calls: 3, planned: 3 });
    assert.equal(by.steps.measured_ms, 20);
    assert.ok(r.calls_match);
    assert.deepEqual(r.memory, { peak_bytes: 300e6, base_bytes: 60e6, estimate_bytes: 330e6 });
    assert.ok(Math.abs(r.cost.measured_per_1k_usd! - (0.5 * 30) / 3600) < 1e-12);
    assert.deepEqual(r.budget, { p50_ms: 100, p95_ms: 35 });
    assert.equal(r.breaches.length, 1);
    assert.match(r.breaches[0], /^measured p95 \d+\.\d ms exceeds the budget of 35\.0 ms$/);
    assert.equal(r.busy, true, 'a load of 3.9 on 4 logical cores is busy');
    assert.deepEqual(r.hardware, { cpu: 'Test CPU', logical_cores: 4, physical_cores: 2, memory_bytes: 8 * 2 ** 30, os: 'linux', arch: 'x64', id: 'm1', ep: 'cpu', threads: 2, ort: '1.30.0' });
    assert.doesNotThrow(() => JSON.stringify(r));
  });
});
