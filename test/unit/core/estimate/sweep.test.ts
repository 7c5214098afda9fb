/** The sweep of a strategy knob: the `--sweep` argument, the knob set in the config text, the tables. */
import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { parseSweep, sweepCsv, sweepMarkdown, withKnob } from '../../../../server/src/core/estimate/sweep';

const TEXT = 'version: 1\nmodels:\n  g: { path: g.onnx }\nstrategy:\n  approach: best_of_n   # keep me\n  model: g\n  n: 4\n';

describe('core/estimate/sweep', () => {
  it('parses knob=values, nested knobs included, and refuses malformed specs', () => {
    assert.deepEqual(parseSweep('n=4,1,2,8'), { knob: 'n', path: ['n'], values: [1, 2, 4, 8] }, 'ascending');
    assert.deepEqual(parseSweep('stages.0.escalate=0.1, 0.2'), { knob: 'stages.0.escalate', path: ['stages', 0, 'escalate'], values: [0.1, 0.2] });
    for (const bad of ['n', '=1,2', 'n=', 'n=1,,2', 'n=a', 'n=-1', 'n=1,1']) assert.throws(() => parseSweep(bad), Error, bad);
  });
  it('sets the knob in the text (comments kept) and inserts it when missing; the result validates as a user would see it', () => {
    const t = withKnob(TEXT, parseSweep('n=16'), 16)!;
    assert.match(t, /approach: best_of_n {3}# keep me\n/);
    assert.equal(parseConfig(t).config.strategy?.n, 16);
    const added = withKnob(TEXT.replace('  n: 4\n', ''), parseSweep('n=2'), 2)!;
    assert.equal(parseConfig(added).config.strategy?.n, 2);
    const zero = parseConfig(withKnob(TEXT, parseSweep('n=0'), 0)!);
    assert.ok(zero.problems.some((p) => p.severity === 'error'), 'n = 0 is an error the sweep reports for that point');
  });
  it('tables: a row per value, an error row where a point did not run', () => {
    const s = parseSweep('n=1,0');
    const points = [{ value: 1, report: { measured: { p50_ms: 10, p95_ms: 12, mean_ms: 10.5 }, estimate: { p50_ms: 11, p95_ms: 13, mean_ms: 11, provenance: 'measured', band: 0 }, error: { p50: 0.1, p95: 1 / 12, mean: 0, memory: 0 }, memory: { peak_bytes: 2 ** 20, base_bytes: 0, estimate_bytes: 2 ** 20 }, cost: {}, calls_match: true, breaches: [], busy: false } as never }, { value: 0, error: 'n must be at least 1' }];
    const csv = sweepCsv(s, points).trimEnd().split('\n');
    assert.equal(csv[0].split(',')[0], 'n');
    assert.equal(csv[1], '1,10,12,10.5,11,13,11,0.083333,1048576,1048576,,true,true,false,');
    assert.equal(csv[2], '0,,,,,,,,,,,,,,n must be at least 1');
    const md = sweepMarkdown('a.ttc.yaml', s, points);
    assert.match(md, /\| 1 \| 10\.0 ms \| 12\.0 ms \| 11\.0 ms \| 13\.0 ms \| \+8\.3% \| 1\.0 MiB \| yes \|/);
    assert.match(md, /\| 0 \| \| \| \| \| \| \| \| n must be at least 1 \|/);
  });
});
