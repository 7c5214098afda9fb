/**
 * The benchmark panel's per-model charts: decode step time against batch (from the plan, the
 * measured grid and the executor's step timings) and the operators' share of time (from a profile's
 * per-op trace, as opTrace.ts parses it).
 */
import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { modelCharts, opChart, stepCharts } from '../../../../server/src/core/estimate/modelCharts';
import { machineFacts } from '../../../../server/src/core/estimate/pipeline';
import { planQueries } from '../../../../server/src/core/estimate/plan';
import type { ModelFacts } from '../../../../server/src/core/estimate/price';
import { PointTable } from '../../../../server/src/core/estimate/table';
import { parseOpTrace } from '../../../../server/src/core/profile/opTrace';

const config = parseConfig(`version: 1
models:
  gen: { path: models/decoder-tiny.onnx }
strategy:
  approach: best_of_n
  model: gen
  n: 4
workload:
  prompt_tokens: 64
  output_tokens: 32
`).config;

/** τ(B, c) = B · (1 + c / 64) ms on the grid: linear in c, so interpolation is exact. */
const tau = (b: number, c: number) => b * (1 + c / 64);

function factsWith(points: Array<[number, number]>): Record<string, ModelFacts> {
  const table = new PointTable();
  for (const [b, c] of points) table.add({ kind: 'step', batch: b, context: c }, { p50: tau(b, c), ciRelHalfWidth: 0.01 });
  table.add({ kind: 'prefill', batch: 1, tokens: 64 }, { p50: 5 });
  return { gen: { name: 'gen', source: 'onnx', table, notes: [] } };
}

describe('core/estimate/modelCharts', () => {
  const w = planQueries(config, 5);
  const machine = machineFacts(config, undefined);

  it('reads τ(B) at the plan’s mean context, marks the bracketing grid points and prices the plan’s steps', () => {
    const facts = factsWith([[1, 64], [1, 96], [1, 128], [2, 64], [2, 96], [4, 64], [4, 96], [4, 128]]);
    const [c] = stepCharts(w, facts, machine);
    assert.equal(c.model, 'gen');
    // Every step of the plan is at batch n = 4, contexts 64 … 64 + L − 1.
    let steps = 0, sum = 0;
    for (const q of w.queries) for (const { call } of q.calls) if (call.kind === 'steps') {
      assert.equal(call.batch, 4);
      steps += call.count;
      sum += call.count * call.context + (call.count * (call.count - 1)) / 2;
    }
    assert.equal(c.context, Math.round(sum / steps));
    assert.deepEqual(c.batches, [1, 2, 4]);
    for (const [i, b] of c.batches.entries()) assert.ok(Math.abs(c.tau_ms[i]! - tau(b, c.context)) < 1e-9, `τ(${b})`);
    assert.deepEqual(c.provenance, ['interpolated', 'interpolated', 'interpolated']);
    // The measured points the curve is read between: c = 64 and 96 (128 is not a neighbour).
    assert.deepEqual(c.grid, [
      { context: 64, ms: [tau(1, 64), tau(2, 64), tau(4, 64)] },
      { context: 96, ms: [tau(1, 96), tau(2, 96), tau(4, 96)] },
    ]);
    // The estimate's time per step at B = 4 is the grid's mean over the plan's contexts (linear: τ at the mean).
    assert.deepEqual(c.estimate_ms.map((x) => x === null), [true, true, false]);
    assert.ok(Math.abs(c.estimate_ms[2]! - tau(4, sum / steps)) < 1e-9);
    assert.deepEqual(c.steps_per_query, [null, null, steps / 5]);
    assert.deepEqual(c.measured_ms, [null, null, null], 'no benchmark ran');
  });

  it('sets the executor’s measured time per step beside the estimate, and adds a batch the grid lacks', () => {
    const facts = factsWith([[1, 64], [1, 96], [2, 64], [2, 96]]);
    const [c] = stepCharts(w, facts, machine, [
      { model: 'gen', batch: 4, steps: 100, ms: 750, contextSum: 8000 },
      { model: 'other', batch: 1, steps: 10, ms: 1, contextSum: 0 },
    ]);
    assert.deepEqual(c.batches, [1, 2, 4]);
    assert.equal(c.tau_ms[2], null, 'the grid has no steps at B = 4');
    assert.equal(c.provenance[2], null);
    assert.equal(c.grid[0].ms[2], null);
    assert.equal(c.measured_ms[2], 7.5);
    // The estimate still prices B = 4: linear in B from the measured batches 1 and 2 (extrapolated).
    assert.ok(c.estimate_ms[2]! > 0);
  });

  it('no chart for a model without measured decode steps (a classifier, or nothing profiled)', () => {
    assert.deepEqual(stepCharts(w, { gen: { name: 'gen', source: 'onnx', notes: [] } }, machine), []);
    const cascade = parseConfig(`version: 1
models:
  small: { path: models/classifier-small.onnx }
  large: { path: models/classifier-large.onnx }
strategy:
  approach: cascade
  stages: [{ model: small, escalate: 0.3 }, { model: large }]
`).config;
    assert.deepEqual(stepCharts(planQueries(cascade, 3), {}, machineFacts(cascade, undefined)), []);
  });

  it('operator shares come from the per-op trace, most expensive first, the rest as "other"', () => {
    // Two runs (after one warm-up): MatMul 300 µs, Add 100 µs, Softmax 50 µs per run.
    const ev = (name: string, op: string, ts: number, dur: number) => ({ cat: 'Node', name: `${name}_kernel_time`, ts, dur, args: { op_name: op } });
    const trace = [
      { cat: 'Session', name: 'model_run', ts: 0, dur: 1000 },
      ev('mm', 'MatMul', 10, 5000),
      { cat: 'Session', name: 'model_run', ts: 2000, dur: 1000 },
      ev('mm', 'MatMul', 2010, 300), ev('add', 'Add', 2400, 100), ev('sm', 'Softmax', 2600, 50),
      { cat: 'Session', name: 'model_run', ts: 4000, dur: 1000 },
      ev('mm', 'MatMul', 4010, 300), ev('add', 'Add', 4400, 100), ev('sm', 'Softmax', 4600, 50),
    ];
    const ops = parseOpTrace(trace, 1)!;
    const c = opChart('gen', ops, 2);
    assert.deepEqual(c.ops.map((o) => o.op), ['MatMul', 'Add', 'other']);
    assert.ok(Math.abs(c.ops[0].share - 300 / 450) < 1e-12);
    assert.ok(Math.abs(c.ops[2].share - 50 / 450) < 1e-12);
    assert.ok(Math.abs(c.ops[2].ms - 0.05) < 1e-12);
    assert.equal(c.node_ms, 0.45);
    assert.equal(c.runs, 2);
    assert.deepEqual(opChart('gen', ops).ops.map((o) => o.op), ['MatMul', 'Add', 'Softmax'], 'no "other" when every operator is shown');
  });

  it('a model without a per-op profile gets a note that says how to get one', () => {
    const ops = { top: [{ op: 'Conv', ms: 1, share: 1, calls: 3 }], nodeMsPerRun: 1, runs: 4 };
    const m = modelCharts({ workload: w, facts: {}, machine, models: ['gen', 'prm'], profiles: { gen: ops }, why: { prm: 'the trace failed' } });
    assert.deepEqual(m.ops.map((o) => o.model), ['gen']);
    assert.equal(m.notes.length, 1);
    assert.match(m.notes[0], /^prm: no per-operator profile \(the trace failed\)\. Run the benchmark .*Profile Models/);
    assert.deepEqual(m.steps, []);
  });
});
