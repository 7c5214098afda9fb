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
import { serializeModel, DataType } from '../../../../server/src/core/onnx/writer';
import { buildDecoder } from '../../../../server/src/core/onnx/builders';
import { TESTDATA } from './helpers';

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
});
