import * as assert from 'node:assert/strict';
import { parseArgs as parsePrune } from '../../server/src/cli/prune';
import { parseArgs as parseQuantize } from '../../server/src/cli/quantize';

describe('cli: the verification options quantize and prune share', () => {
  const shared = ['--batch', '1,4', '--context', '32', '--bind', 'batch=2', '--samples', 's.json', '--threads', '2.7', '--max-time', '9999999', '--min-sqnr', '-3', '--min-speedup', '1.1', '--no-verify', '--json'];
  const verify = { batches: [1, 4], contexts: [32], bind: { batch: 2 }, samplesPath: 's.json', session: { threads: 2 }, maxTimeMsPerPoint: 3_600_000 };

  it('both commands read them the same way', () => {
    for (const p of [parseQuantize(['m.onnx', '--to', 'int8', ...shared]), parsePrune(['m.onnx', '--ratio', '0.5', ...shared])]) {
      assert.deepEqual(p.verify, verify);
      assert.deepEqual(p.thresholds, { minSqnrDb: -3, minSpeedup: 1.1 });
      assert.equal(p.noVerify, true);
      assert.equal(p.json, true);
    }
    assert.deepEqual(parsePrune(['m.onnx', '--ratio', '0.5']).verify, {});
  });

  it('both commands reject bad values, missing values and unknown options with the same messages', () => {
    for (const parse of [(a: string[]) => parseQuantize(['m.onnx', '--to', 'int8', ...a]), (a: string[]) => parsePrune(['m.onnx', '--ratio', '0.5', ...a])]) {
      assert.throws(() => parse(['--batch', '1,0']), /--batch needs positive integers separated by commas, got '1,0'/);
      assert.throws(() => parse(['--threads', '0']), /--threads needs a number ≥ 1, got '0'/);
      assert.throws(() => parse(['--max-time']), /--max-time needs a value/);
      assert.throws(() => parse(['--bind', 'batch']), Error);
      assert.throws(() => parse(['--frobnicate']), /unknown option '--frobnicate'/);
      assert.throws(() => parse(['other.onnx']), /one model at a time \(got 'm.onnx' and 'other.onnx'\)/);
    }
  });
});
