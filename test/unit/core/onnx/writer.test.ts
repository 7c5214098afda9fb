import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { attr, DataType, decodeModelObject, serializeModel, writeModel, type ModelSpec } from '../../../../server/src/core/onnx/writer';
import { buildMlp } from '../../../../server/src/core/onnx/builders';
import { python, tempDir } from './helpers';
import { session, tensor } from './ort';

function ifModel(): ModelSpec {
  const branch = (name: string, k: number) => ({
    name,
    nodes: [{ op: 'Mul', inputs: ['x', `${name}_k`], outputs: [`${name}_y`] }],
    inputs: [],
    outputs: [{ name: `${name}_y`, dtype: DataType.FLOAT, shape: ['n', 4] }],
    initializers: [{ name: `${name}_k`, dtype: DataType.FLOAT, dims: [], data: Float32Array.of(k) }],
  });
  return {
    opsets: { '': 17, 'com.microsoft': 1 },
    graph: {
      name: 'if_model',
      nodes: [
        { op: 'If', inputs: ['cond'], outputs: ['y'], attrs: { then_branch: branch('then', 2), else_branch: branch('else', 3) } },
        {
          op: 'LeakyRelu', inputs: ['y'], outputs: ['z'], attrs: { alpha: attr.float(0.5) },
        },
      ],
      inputs: [
        { name: 'cond', dtype: DataType.BOOL, shape: [] },
        { name: 'x', dtype: DataType.FLOAT, shape: ['n', 4] },
      ],
      outputs: [{ name: 'z', dtype: DataType.FLOAT, shape: ['n', 4] }],
      valueInfo: [{ name: 'y', dtype: DataType.FLOAT, shape: ['n', 4] }],
    },
  };
}

describe('core/onnx/writer', () => {
  it('round-trips attributes of every kind through protobufjs decoding', () => {
    const spec: ModelSpec = {
      opsets: { '': 17, 'com.microsoft': 1 },
      metadata: { k: 'v' },
      graph: {
        name: 'g',
        nodes: [
          {
            op: 'Custom', domain: 'com.microsoft', inputs: ['x'], outputs: ['y'],
            attrs: {
              i: 3, f: 0.25, forced: attr.float(2), s: 'text', ints: [1, -2], floats: [0.5, 1.5], strings: ['a', 'b'],
              t: { name: 't', dtype: DataType.INT64, dims: [2], data: BigInt64Array.of(7n, -1n) },
              g: { name: 'sub', nodes: [], inputs: [], outputs: [] },
            },
          },
        ],
        inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: ['n', 3, null] }],
        outputs: [{ name: 'y', dtype: DataType.FLOAT }],
      },
    };
    const m = decodeModelObject(serializeModel(spec).model) as any;
    assert.equal(m.ir_version, 8);
    assert.deepEqual(m.opset_import, [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
    assert.deepEqual(m.metadata_props, [{ key: 'k', value: 'v' }]);
    const a = Object.fromEntries(m.graph.node[0].attribute.map((x: any) => [x.name, x]));
    assert.equal(a.i.i, 3);
    assert.equal(a.i.type, 2);
    assert.equal(a.f.f, 0.25);
    assert.equal(a.forced.type, 1);
    assert.equal(Buffer.from(a.s.s).toString(), 'text');
    assert.deepEqual(a.ints.ints, [1, -2]);
    assert.deepEqual(a.floats.floats, [0.5, 1.5]);
    assert.equal(a.strings.strings.length, 2);
    assert.deepEqual(a.t.t.dims, [2]);
    assert.equal(a.g.g.name, 'sub');
    const dims = m.graph.input[0].type.tensor_type.shape.dim;
    assert.deepEqual(dims, [{ dim_param: 'n' }, { dim_value: 3 }, {}]);
    assert.equal(m.graph.output[0].type.tensor_type.shape, undefined, 'unknown rank has no shape');
  });

  it('rejects tensor data that does not match its dims', () => {
    assert.throws(
      () => serializeModel({ graph: { nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', dtype: DataType.FLOAT, dims: [3], data: new Float32Array(2) }] } }),
      /tensor 'w': 8 bytes of data for dims \[3\] \(expected 12\)/,
    );
  });

  it('writes If subgraphs that onnxruntime runs and the ONNX checker accepts', async () => {
    const t = tempDir();
    try {
      const file = path.join(t.dir, 'if.onnx');
      await writeModel(file, ifModel());
      const s = await session(file);
      const x = tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]);
      const yes = await s.run({ cond: tensor('bool', Uint8Array.of(1), []), x });
      const no = await s.run({ cond: tensor('bool', Uint8Array.of(0), []), x });
      assert.deepEqual(Array.from(yes.z.data as Float32Array), [2, 4, 6, 8]);
      assert.deepEqual(Array.from(no.z.data as Float32Array), [3, 6, 9, 12]);
      const r = python<{ ok: boolean }>(
        'import onnx,sys,json; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(json.dumps({"ok": True}))',
        [file],
      );
      assert.ok(r.ok);
    } finally {
      t.cleanup();
    }
  });

  it('external data: same outputs as inline in onnxruntime; python onnx loads it', async () => {
    const t = tempDir();
    try {
      const spec = buildMlp({ inputs: 64, hidden: 64, outputs: 8, layers: 2 });
      const inline = path.join(t.dir, 'inline.onnx');
      const ext = path.join(t.dir, 'ext.onnx');
      await writeModel(inline, spec);
      const out = await writeModel(ext, spec, { externalData: { location: 'ext.onnx.data', threshold: 1024 } });
      assert.ok(out.external && out.external.byteLength > 30000);
      assert.ok(out.model.byteLength < 2000, `model without weights is small (${out.model.byteLength} B)`);
      assert.equal(readFileSync(path.join(t.dir, 'ext.onnx.data')).byteLength, out.external.byteLength);
      assert.deepEqual(readdirSync(t.dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
      const x = tensor('float32', Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), [1, 64]);
      const a = await (await session(inline)).run({ input: x });
      const b = await (await session(ext)).run({ input: x });
      assert.deepEqual(Array.from(a.output.data as Float32Array), Array.from(b.output.data as Float32Array));
      const r = python<{ params: number }>(
        'import onnx,sys,json; import numpy as np; from onnx import numpy_helper as nh; m=onnx.load(sys.argv[1]); onnx.checker.check_model(sys.argv[1]); ' +
          'print(json.dumps({"params": int(sum(nh.to_array(t).size for t in m.graph.initializer))}))',
        [ext],
      );
      assert.equal(r.params, 64 * 64 + 64 + 64 * 64 + 64 + 64 * 8 + 8);
    } finally {
      t.cleanup();
    }
  });

  it('writes atomically: a failed write leaves the previous file and no temp file', async () => {
    const t = tempDir();
    try {
      const file = path.join(t.dir, 'm.onnx');
      await writeModel(file, buildMlp({ inputs: 4, hidden: 4, outputs: 2 }));
      const before = readFileSync(file);
      await assert.rejects(writeModel(file, { graph: { nodes: [], inputs: [], outputs: [], initializers: [{ name: 'w', dtype: DataType.FLOAT, dims: [2], data: new Float32Array(1) }] } }));
      assert.deepEqual(readFileSync(file), before);
      assert.ok(existsSync(file));
      assert.deepEqual(readdirSync(t.dir), ['m.onnx']);
    } finally {
      t.cleanup();
    }
  });
});
