/**
 * `ttc-lens profile --static` run as a real process from source through tsx.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../server/src/cli/profileStatic';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const DECODER = path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx');

const cli = (args: string[]) => runCli(['profile', ...args], { timeout: 60_000 });

describe('cli: ttc-lens profile --static', function () {
  this.timeout(60_000);

  it('parses --bind forms and rejects bad arguments', () => {
    const a = parseArgs(['m.onnx', '--bind', 'batch=4', '--bind=sequence=16,past_sequence=3', '--json']);
    assert.deepEqual(a.bind, { batch: 4, sequence: 16, past_sequence: 3 });
    assert.equal(a.file, 'm.onnx');
    assert.ok(a.json);
    assert.match(parseArgs(['m.onnx', '--bind', 'batch']).error!, /name=value/);
    assert.match(parseArgs(['m.onnx', '--bind', 'batch=x']).error!, /whole number/);
    assert.match(parseArgs(['a.onnx', 'b.onnx']).error!, /one model at a time/);
    assert.match(parseArgs([]).error!, /missing model path/);
    assert.match(parseArgs(['m.onnx', '--frob']).error!, /unknown option/);
  });

  it('prints the JSON summary with bindings applied', async () => {
    const r = await cli([DECODER, '--static', '--bind', 'batch=2', '--bind', 'sequence=8', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.parameters, 1149206);
    assert.equal(s.decoder.layers, 4);
    assert.equal(s.decoder.kvBytesPerToken, 2048);
    assert.deepEqual(s.bindings.given, { batch: 2, sequence: 8 });
    assert.deepEqual(s.outputs[0].bound, [2, 8, 512]);
    assert.equal(s.flops.coverage, 1);
    assert.ok(s.flops.total > 0);
  });

  it('prints a text report with assumptions and per-node FLOPs', async () => {
    const r = await cli([DECODER, '--static', '--nodes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Parameters\s+1\.15 M \(1149206\)/);
    assert.match(r.stdout, /KV cache\s+2\.0 KiB per token per sequence/);
    assert.match(r.stdout, /batch=1 \(assumed\)/);
    assert.match(r.stdout, /Top nodes by FLOPs:\n\s+[\d.]+ [KM]?\s+MatMul/);
  });

  it('exit 1 with a clear message for a non-ONNX or missing file; 2 for usage errors', async () => {
    const t = tempDir();
    try {
      const bad = path.join(t.dir, 'notes.onnx');
      writeFileSync(bad, 'hello, I am text\n');
      const r = await cli([bad, '--static']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not an ONNX model \(looks like text\)/);
      const j = await cli([bad, '--static', '--json']);
      assert.equal(j.code, 1);
      assert.match(JSON.parse(j.stdout).error, /not an ONNX model/);
      const missing = await cli([path.join(t.dir, 'nope.onnx'), '--static']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /model file not found/);
      const usage = await cli(['--static', '--bind', 'x']);
      assert.equal(usage.code, 2);
      const warn = await cli([DECODER, '--static', '--bind', 'nonsense=3']);
      assert.equal(warn.code, 0);
      assert.match(warn.stderr, /--bind nonsense: no graph input uses this dimension/);
    } finally {
      t.cleanup();
    }
  });

  it('a shape-only description without --static gets the static analysis (nothing to run) and says so', async () => {
    const llama = path.join(ROOT, 'examples', 'models', 'llama-3.2-1b', 'config.json');
    const r = await cli([llama, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).stats.parameters, 1_235_814_400);
    assert.match(r.stderr, /describes a model's shape only \(nothing to run\); showing the static analysis/);
  });

  it('shape-only descriptions: config.json as text, genai_config.json as JSON, --precision, broken files exit 1', async () => {
    const llama = path.join(ROOT, 'examples', 'models', 'llama-3.2-1b', 'config.json');
    const r = await cli(['--static', llama]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Parameters\s+1\.24 G \(1,235,814,400; 973\.15 M non-embedding, tied LM head\)/);
    assert.match(r.stdout, /Weights\s+2\.30 GiB at bf16 \(torch_dtype\); int8 1\.15 GiB, int4 589\.3 MiB/);
    assert.match(r.stdout, /KV cache\s+32\.0 KiB\/token at 16-bit/);
    assert.match(r.stdout, /FLOPs\/token\s+≈ 2\.47 GFLOP \+ 65\.5 KFLOP × context/);
    const q = await cli(['--static', path.join(ROOT, 'examples', 'models', 'qwen2.5-0.5b', 'genai_config.json'), '--json', '--precision', 'int4']);
    assert.equal(q.code, 0, q.stderr);
    const s = JSON.parse(q.stdout);
    assert.equal(s.kind, 'shape-only');
    assert.equal(s.geometry.layers, 24);
    assert.equal(s.stats.parameters, undefined);
    assert.equal(s.stats.kvBytesPerToken, 12288);
    assert.equal(s.stats.precision, 'int4');
    assert.match(parseArgs(['c.json', '--precision', 'fp8']).error!, /--precision expects one of fp32, fp16, bf16, int8, int4, got 'fp8'/);
    const t = tempDir();
    try {
      const bad = path.join(t.dir, 'config.json');
      writeFileSync(bad, '{"hidden_size": 64,}');
      const b = await cli(['--static', bad]);
      assert.equal(b.code, 1);
      assert.match(b.stderr, /Not valid JSON: .*\(line 1, column 20\)/);
      const m = await cli(['--static', path.join(t.dir, 'nope.json'), '--json']);
      assert.equal(m.code, 1);
      assert.match(JSON.parse(m.stdout).error, /could not be read/);
    } finally {
      t.cleanup();
    }
  });
});
