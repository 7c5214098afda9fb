/** `ttc-lens quantize` run as a real process from source through tsx, end to end on a small generated model. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../server/src/cli/quantize';
import { buildFfn } from '../../server/src/core/onnx/ffnBuilder';
import { writeModel } from '../../server/src/core/onnx/writer';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const VAD = path.join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

const cli = (args: string[]) => runCli(['quantize', ...args], { timeout: 110_000 });

describe('cli: ttc-lens quantize', function () {
  this.timeout(120_000);
  const tmp = tempDir('ttc-cli-quant-');
  const model = path.join(tmp.dir, 'ffn.onnx');
  before(() => writeModel(model, buildFfn({ blocks: 2, width: 128, hidden: 512, residual: false })));
  after(() => tmp.cleanup());

  it('parses options and rejects bad ones', () => {
    const p = parseArgs(['m.onnx', '--to', 'int4', '--block-size', '64', '--asymmetric', '--batch', '1,16', '--context', '64', '--bind', 'batch=2', '--min-sqnr', '12', '-o', 'x.onnx', '--force', '--json']);
    assert.deepEqual(p.q, { to: 'int4', blockSize: 64, symmetric: false, out: 'x.onnx', force: true });
    assert.deepEqual(p.verify, { batches: [1, 16], contexts: [64], bind: { batch: 2 } });
    assert.deepEqual(p.thresholds, { minSqnrDb: 12 });
    assert.throws(() => parseArgs(['m.onnx']), /--to int8 or --to int4 is required/);
    assert.throws(() => parseArgs(['m.onnx', '--to', 'int3']), /int8 or int4/);
    assert.throws(() => parseArgs(['m.onnx', '--to', 'int4', '--block-size', '48']), /power of 2/);
    assert.throws(() => parseArgs(['m.onnx', '--to', 'int8', '--block-size', '32']), /int4 options/);
    assert.throws(() => parseArgs(['m.onnx', '--to', 'int4', '--per-channel']), /int8 option/);
    assert.throws(() => parseArgs(['--to', 'int8']), /which model/);
  });

  it('writes <name>.int8.onnx beside the model, prints the verification as JSON, refuses to overwrite without --force', async () => {
    const before = sha(model);
    const args = [model, '--to', 'int8', '--per-channel', '--threads', '1', '--max-time', '200', '--batch', '1,4', '--min-speedup', '0', '--json'];
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, true);
    assert.equal(j.out, path.join(tmp.dir, 'ffn.int8.onnx'));
    assert.equal(j.summary.rewritten.length, 4);
    assert.ok(j.bytesOut < j.bytesIn / 3);
    assert.equal(j.verification.judgement.verdict, 'helped');
    assert.equal(j.verification.result.session.ok, true);
    assert.deepEqual(j.verification.result.timing.map((p: { batch: number }) => p.batch), [1, 4]);
    assert.ok(j.verification.result.fidelity[0].sqnrDb > 25);
    assert.ok(fs.existsSync(j.out));
    assert.equal(sha(model), before);
    const again = await cli(args);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists; pass --force/);
    const forced = await cli([...args, '--force', '--no-verify']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(sha(model), before);
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['ffn.int8.onnx', 'ffn.onnx']);
  });

  it('int4 as text: the report names the layout, the fidelity, each point and the verdict', async () => {
    const r = await cli([model, '--to', 'int4', '--threads', '1', '--max-time', '200', '--min-speedup', '0']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Quantized +.*ffn\.onnx → ffn\.int4\.onnx \(int4, MatMulNBits\)$/m);
    assert.match(r.stdout, /^Session +loads \(\d+ ms\); optimized graph: 4 MatMulNBits$/m);
    assert.match(r.stdout, /^Fidelity +SQNR \d+\.\d dB · cosine 0\.\d+ · max abs error/m);
    assert.match(r.stdout, /^Speed +batch 1: \d+\.\d\d×/m);
    assert.match(r.stdout, /^Verdict +helped \(thresholds: SQNR ≥ 15 dB, speedup ≥ 0×\)$/m);
    assert.match(r.stdout, /^Machine +1 thread\(s\), cpu, ORT 1\.\d+/m);
  });

  it('a model with nothing to quantize exits 1 and writes nothing; a missing model exits 1; bad usage exits 2', async () => {
    const vad = path.join(tmp.dir, 'vad.onnx');
    fs.copyFileSync(VAD, vad);
    const r = await cli([vad, '--to', 'int8']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nothing to quantize in .*vad\.onnx: no MatMul or Gemm/);
    assert.ok(!fs.existsSync(path.join(tmp.dir, 'vad.int8.onnx')));
    const missing = await cli([path.join(tmp.dir, 'nope.onnx'), '--to', 'int8']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /model not found/);
    assert.equal((await cli([model])).code, 2);
  });
});
