import { strict as assert } from 'node:assert';
import { parseOpTrace } from '../../../../server/src/core/profile/opTrace';

const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur });
const node = (ts: number, dur: number, op: string) => ({ cat: 'Node', name: `${op}_x_kernel_time`, ts, dur, args: { op_name: op } });

describe('core/profile/opTrace', () => {
  it('aggregates kernel times by operator, skipping warm-up runs', () => {
    const trace = [
      { cat: 'Session', name: 'model_loading_uri', ts: 0, dur: 50 },
      run(100, 100),
      node(110, 90, 'MatMul'), // warm-up: dropped
      run(300, 100),
      node(310, 30, 'MatMul'),
      node(350, 10, 'Relu'),
      run(500, 100),
      node(510, 50, 'MatMul'),
      node(560, 10, 'Relu'),
    ];
    const p = parseOpTrace(trace, 1)!;
    assert.equal(p.runs, 2);
    assert.deepEqual(
      p.top.map((o) => o.op),
      ['MatMul', 'Relu'],
    );
    assert.ok(Math.abs(p.top[0].ms - 0.04) < 1e-12); // (30 + 50) µs over 2 runs
    assert.ok(Math.abs(p.top[0].share - 0.8) < 1e-12);
    assert.equal(p.top[1].calls, 1);
    assert.ok(Math.abs(p.nodeMsPerRun - 0.05) < 1e-12);
  });

  it('returns undefined for non-traces and traces without runs', () => {
    assert.equal(parseOpTrace({}), undefined);
    assert.equal(parseOpTrace([run(0, 1)], 1), undefined);
  });
});
