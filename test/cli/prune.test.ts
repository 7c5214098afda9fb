/**
 * `ttc-lens prune` as a real process: a generated FFN pruned at 50% beside the original (which stays
 * byte-identical), verified in the profiler process with the report printed; JSON output; usage
 * errors (no ratio, an existing output) exit 2; unstructured pruning is refused with the reason.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../unit/core/onnx/helpers';
import { buildFfn } from '../../server/src/core/onnx/ffnBuilder';
import { writeModel } from '../../server/src/core/onnx/writer';
import { runCli } from './run';


const cli = (args: string[]) => runCli(['prune', ...args], { timeout: 120_000 });

describe('cli: ttc-lens prune', function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  let model: string;
  before(async () => {
    ({ dir, cleanup } = tempDir('ttc-prune-'));
    model = path.join(dir, 'ffn.onnx');
    await writeModel(model, buildFfn({ blocks: 2, width: 128, hidden: 512 }));
  });
  after(() => cleanup?.());

  it('prunes beside the original, verifies and prints the report; --json carries the same', async () => {
    const before = readFileSync(model);
    const r = await cli([model, '--ratio', '0.5', '--max-time', '300']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stdout, /Pruned +.*ffn\.pruned50\.onnx \(structured, 50% of units per site\)/);
    assert.match(r.stdout, /Sites +2 \(.*256→128|Sites +2 \(.*512→256/);
    assert.match(r.stdout, /Fidelity +SQNR/);
    assert.match(r.stdout, /Speed +batch 1: [\d.]+×/);
    assert.match(r.stdout, /Verdict +(helped|not faster|below fidelity)/);
    assert.ok(before.equals(readFileSync(model)), 'the original is byte-identical');
    assert.ok(existsSync(path.join(dir, 'ffn.pruned50.onnx')));
    const j = await cli([model, '--ratio', '0.25', '--json', '--max-time', '300']);
    const o = JSON.parse(j.stdout);
    assert.equal(o.out, path.join(dir, 'ffn.pruned25.onnx'));
    assert.ok(o.report.parametersRemoved > 0);
    assert.ok(o.verification.result.session.ok);
  });

  it('usage errors exit 2 and never overwrite; unstructured pruning is explained, not done', async () => {
    assert.equal((await cli([model])).code, 2);
    writeFileSync(path.join(dir, 'mine.onnx'), 'mine');
    const clash = await cli([model, '--ratio', '0.5', '-o', path.join(dir, 'mine.onnx')]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /already exists/);
    assert.equal(readFileSync(path.join(dir, 'mine.onnx'), 'utf8'), 'mine');
    const u = await cli([model, '--unstructured']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /densifies|dense/);
  });
});
