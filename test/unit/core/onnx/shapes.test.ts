/**
 * Shape rules against Debian's libonnx-testdata (932 single-operator models with real inputs and
 * outputs): every model reads; wherever our rules give a fully known shape, it equals the shape of
 * the expected output tensor. Plus symbolic cases the test data can't show.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readModel, readModelBytes, readTensorProto, tensorValues, type TensorInfo } from '../../../../server/src/core/onnx/reader';
import { inferGraph } from '../../../../server/src/core/onnx/infer';
import { show } from '../../../../server/src/core/onnx/expr';
import { serializeModel, DataType, type ModelSpec } from '../../../../server/src/core/onnx/writer';
import { buildDecoder } from '../../../../server/src/core/onnx/builders';
import { TESTDATA } from './helpers';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { session, tensor } from './ort';

describe('core/onnx/shapes', () => {
  describe('libonnx-testdata sweep', function () {
    this.timeout(120_000);
    it('reads every model and matches every expected output shape it infers', function () {
      assert.ok(existsSync(TESTDATA), `${TESTDATA} missing: install Debian's libonnx-testdata`);
      const dirs = readdirSync(TESTDATA).filter((d) => existsSync(path.join(TESTDATA, d, 'model.onnx')));
      assert.ok(dirs.length >= 900, `found ${dirs.length} models`);
      let checked = 0, unknown = 0;
      const mismatches: string[] = [];
      const t0 = performance.now();
      for (const d of dirs) {
        const m = readModel(path.join(TESTDATA, d, 'model.onnx')); // throws on any read problem
        const ds = path.join(TESTDATA, d, 'test_data_set_0');
        const inits = new Set(m.graph.initializers.map((t) => t.name));
        const fed: TensorInfo[] = [];
        m.graph.inputs.filter((v) => !inits.has(v.name)).forEach((v, i) => {
          const f = path.join(ds, `input_${i}.pb`);
          if (v.kind !== 'tensor' || !existsSync(f)) return;
          const { info, data } = readTensorProto(readFileSync(f));
          fed.push({ ...info, name: v.name, values: info.elements <= 64 ? tensorValues(info.dtype, data) : undefined });
        });
        const r = inferGraph({ ...m.graph, initializers: [...m.graph.initializers, ...fed] }, new Map(m.opsets.map((o) => [o.domain, o.version])), {
          useDeclared: false,
        });
        m.graph.outputs.forEach((o, i) => {
          const f = path.join(ds, `output_${i}.pb`);
          if (o.kind !== 'tensor' || !existsSync(f)) return;
          const want = readTensorProto(readFileSync(f)).info.dims;
          const got = r.types.get(o.name)?.shape;
          if (!got || got.some((x) => typeof x !== 'number')) {
            unknown++;
            return;
          }
          checked++;
          if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${d}/${o.name}: got [${got.map(show)}], want [${want}]`);
        });
      }
      const ms = performance.now() - t0;
      assert.deepEqual(mismatches, []);
      assert.ok(checked >= 850, `shapes checked: ${checked} (unknown ${unknown})`);
      // Reported in the test title output for the CI log.
      this.test!.title += ` (${dirs.length} models, ${checked} output shapes checked, ${unknown} not inferred, ${ms.toFixed(0)} ms)`;
    });
  });

  it('keeps unbound dims symbolic through a decoder (present = past_sequence + sequence)', () => {
    const m = readModelBytes(serializeModel(buildDecoder({ layers: 1, hidden: 16, heads: 2, kvHeads: 1, vocab: 20, ffn: 16 })).model);
    const r = inferGraph(m.graph, new Map([['', 17]]), { useDeclared: false });
    assert.equal(r.types.get('present.0.key')!.shape!.map(show).join(','), 'batch,1,past_sequence + sequence,8');
    assert.equal(r.types.get('logits')!.shape!.map(show).join(','), 'batch,sequence,20');
    const bound = inferGraph(m.graph, new Map([['', 17]]), { bind: { batch: 2, sequence: 5, past_sequence: 7 }, useDeclared: false });
    assert.deepEqual(bound.types.get('present.0.key')!.shape, [2, 1, 12, 8]);
  });

  it('infers graphs whose nodes are not in topological order', () => {
    const m = readModelBytes(
      serializeModel({
        graph: {
          nodes: [
            { op: 'Relu', inputs: ['b'], outputs: ['y'] },
            { op: 'MatMul', inputs: ['x', 'w'], outputs: ['b'] },
          ],
          inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: ['n', 3] }],
          outputs: [{ name: 'y', dtype: DataType.FLOAT }],
          initializers: [{ name: 'w', dtype: DataType.FLOAT, dims: [3, 5], data: new Float32Array(15) }],
        },
      }).model,
    );
    const r = inferGraph(m.graph, new Map([['', 17]]), { useDeclared: false });
    assert.deepEqual(r.nodes.map((n) => n.node.opType), ['MatMul', 'Relu']);
    assert.equal(r.types.get('y')!.shape!.map(show).join(','), 'n,5');
  });

  it('resolves Shape → Gather → Concat → Reshape chains and -1 with symbolic dims', () => {
    const spec = {
      opsets: { '': 17 },
      graph: {
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'i0'], outputs: ['b'], attrs: { axis: 0 } },
          { op: 'Concat', inputs: ['b', 'm1', 'c8'], outputs: ['shape'], attrs: { axis: 0 } },
          { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
          { op: 'Custom', domain: 'x.y', inputs: ['y'], outputs: ['z'] },
        ],
        inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: ['batch', 'seq', 64] }],
        outputs: [{ name: 'z', dtype: DataType.FLOAT }],
        initializers: [
          { name: 'i0', dtype: DataType.INT64, dims: [1], data: BigInt64Array.of(0n) },
          { name: 'm1', dtype: DataType.INT64, dims: [1], data: BigInt64Array.of(-1n) },
          { name: 'c8', dtype: DataType.INT64, dims: [1], data: BigInt64Array.of(8n) },
        ],
      },
    };
    const m = readModelBytes(serializeModel(spec).model);
    const r = inferGraph(m.graph, new Map([['', 17]]));
    assert.equal(r.types.get('y')!.shape!.map(show).join(','), 'batch,8*seq,8');
    assert.equal(r.types.get('z')?.shape, undefined, 'unknown custom op: no invented shape');
  });

  it('quantized and com.microsoft ops (MatMulNBits, DynamicQuantizeMatMul, MatMulInteger, GroupQueryAttention) match onnxruntime', async () => {
    const M = 3, K = 64, N = 16, bs = 32, kb = K / bs;
    const spec: ModelSpec = {
      opsets: { '': 17, 'com.microsoft': 1 },
      graph: {
        nodes: [
          { op: 'MatMulNBits', domain: 'com.microsoft', inputs: ['a', 'B', 'scales'], outputs: ['y1'], attrs: { K, N, bits: 4, block_size: bs, accuracy_level: 4 } },
          { op: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs: ['a', 'Bq', 'bs'], outputs: ['y2'] },
          { op: 'DynamicQuantizeLinear', inputs: ['a'], outputs: ['aq', 'as', 'az'] },
          { op: 'MatMulInteger', inputs: ['aq', 'Bu', 'az', 'bz'], outputs: ['y3'] },
          { op: 'GroupQueryAttention', domain: 'com.microsoft', inputs: ['q', 'k', 'v', 'pk', 'pv', 'seqlens', 'total'], outputs: ['o', 'presk', 'presv'], attrs: { num_heads: 4, kv_num_heads: 2 } },
        ],
        inputs: [
          { name: 'a', dtype: DataType.FLOAT, shape: ['m', K] },
          { name: 'q', dtype: DataType.FLOAT, shape: ['b', 's', 32] },
          { name: 'k', dtype: DataType.FLOAT, shape: ['b', 's', 16] },
          { name: 'v', dtype: DataType.FLOAT, shape: ['b', 's', 16] },
          { name: 'pk', dtype: DataType.FLOAT, shape: ['b', 2, 'p', 8] },
          { name: 'pv', dtype: DataType.FLOAT, shape: ['b', 2, 'p', 8] },
          { name: 'seqlens', dtype: DataType.INT32, shape: ['b'] },
          { name: 'total', dtype: DataType.INT32, shape: [] },
        ],
        outputs: ['y1', 'y2', 'y3', 'o', 'presk', 'presv'].map((name) => ({ name, dtype: name === 'y3' ? DataType.INT32 : DataType.FLOAT })),
        initializers: [
          { name: 'B', dtype: DataType.UINT8, dims: [N, kb, bs / 2], data: new Uint8Array((N * kb * bs) / 2).fill(0x88) },
          { name: 'scales', dtype: DataType.FLOAT, dims: [N * kb], data: new Float32Array(N * kb).fill(0.01) },
          { name: 'Bq', dtype: DataType.INT8, dims: [K, N], data: new Int8Array(K * N).fill(3) },
          { name: 'bs', dtype: DataType.FLOAT, dims: [N], data: new Float32Array(N).fill(0.02) },
          { name: 'Bu', dtype: DataType.INT8, dims: [K, N], data: new Int8Array(K * N).fill(2) },
          { name: 'bz', dtype: DataType.INT8, dims: [], data: new Int8Array(1) },
        ],
      },
    };
    const bytes = serializeModel(spec).model;
    const sess = await session(bytes);
    const f = (d: number[]) => tensor('float32', new Float32Array(d.reduce((x, y) => x * y, 1)).fill(0.1), d);
    const out = await sess.run({
      a: f([M, K]), q: f([1, 2, 32]), k: f([1, 2, 16]), v: f([1, 2, 16]), pk: f([1, 2, 3, 8]), pv: f([1, 2, 3, 8]),
      seqlens: tensor('int32', Int32Array.of(4), [1]), total: tensor('int32', Int32Array.of(5), []),
    });
    const bind = { m: M, b: 1, s: 2, p: 3 };
    const m = readModelBytes(bytes);
    const r = inferGraph(m.graph, new Map(m.opsets.map((o) => [o.domain, o.version])), { bind, useDeclared: false });
    for (const name of ['y1', 'y2', 'y3', 'o', 'presk', 'presv']) assert.deepEqual(r.types.get(name)!.shape, out[name].dims, name);
    const { summary } = analyzeModel(m, { bind });
    assert.equal(summary.flops.coverage, 1);
    assert.deepEqual(summary.flops.byOp, {
      'com.microsoft.MatMulNBits': 2 * M * K * N,
      'com.microsoft.DynamicQuantizeMatMul': 2 * M * K * N,
      MatMulInteger: 2 * M * K * N,
      DynamicQuantizeLinear: M * K,
      // QKᵀ and PV over 5 keys for 2 queries, 4 heads of 8, plus softmax.
      'com.microsoft.GroupQueryAttention': 4 * 4 * 2 * 5 * 8 + 3 * 4 * 2 * 5,
    });
    // The 4-bit packed weight counts its K×N logical parameters.
    assert.deepEqual(summary.weightsByDtype.int4, { parameters: K * N, bytes: N * kb * (bs / 2) });
  });
});
