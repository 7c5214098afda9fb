import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { allGraphs, OnnxReadError, readModel, readModelBytes, readTensorData, readTensorProto, tensorValues } from '../../../../server/src/core/onnx/reader';
import { DataType, serializeModel, tensorBytes, writeModel, type ModelSpec } from '../../../../server/src/core/onnx/writer';
import { buildDecoder, buildMlp } from '../../../../server/src/core/onnx/builders';
import { EXAMPLES, tempDir } from './helpers';

function thrown(f: () => unknown): OnnxReadError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof OnnxReadError, `expected OnnxReadError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

/** Hand-encoded protobuf helpers for hostile inputs. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function field(no: number, payload: number[]): number[] {
  return [...varint(no * 8 + 2), ...varint(payload.length), ...payload];
}

describe('core/onnx/reader', () => {
  it('reads the example decoder: inputs with symbolic dims, opsets, nodes, initializers with payload offsets', () => {
    const file = path.join(EXAMPLES, 'decoder-tiny.onnx');
    const m = readModel(file);
    assert.equal(m.irVersion, 8);
    assert.deepEqual(m.opsets, [{ domain: '', version: 17 }]);
    assert.equal(m.producerName, 'ttc-lens');
    assert.equal(m.metadata['ttc_lens.layers'], '4');
    const ids = m.graph.inputs[0];
    assert.deepEqual(ids, { name: 'input_ids', kind: 'tensor', dtype: DataType.INT64, shape: ['batch', 'sequence'] });
    assert.deepEqual(m.graph.inputs[2].shape, ['batch', 2, 'past_sequence', 32]);
    assert.equal(m.graph.nodes.filter((n) => n.opType === 'MatMul').length, 37);
    const embed = m.graph.initializers.find((t) => t.name === 'embed_tokens.weight')!;
    assert.deepEqual(embed.dims, [512, 128]);
    assert.equal(embed.storage, 'raw');
    assert.equal(embed.dataLength, 512 * 128 * 4);
    // The recorded offset points at the payload in the file.
    const bytes = readFileSync(file);
    const spec = buildDecoder({ layers: 4, hidden: 128, heads: 4, kvHeads: 2, vocab: 512, ffn: 192, maxPositions: 512, seed: 11 });
    const want = spec.graph.initializers!.find((t) => t.name === 'embed_tokens.weight')!.data!;
    assert.deepEqual(bytes.subarray(embed.dataOffset!, embed.dataOffset! + 64), Buffer.from(tensorBytes(want).subarray(0, 64)));
    assert.deepEqual(Buffer.from(readTensorData(m, embed).subarray(0, 64)), Buffer.from(tensorBytes(want).subarray(0, 64)));
    // Small constants are decoded for shape propagation.
    assert.deepEqual(m.graph.initializers.find((t) => t.name === 'const.q_shape')!.values, [0, 0, 2, 2, 32]);
    assert.ok(m.bytesRead < m.fileSize / 10, `read ${m.bytesRead} of ${m.fileSize} bytes`);
  });

  it('reads typed-field tensors (float_data, int64_data) and decodes them on demand', () => {
    // protobufjs writes typed fields when given arrays; build the TensorProto by hand through the writer's schema.
    const spec: ModelSpec = {
      graph: {
        nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'] }],
        inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: [3] }],
        outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [3] }],
        initializers: [{ name: 'b', dtype: DataType.FLOAT, dims: [3], data: Float32Array.of(1, 2, 3) }],
      },
    };
    const bytes = serializeModel(spec).model;
    const m = readModelBytes(bytes);
    assert.deepEqual(m.graph.initializers[0].values, [1, 2, 3]);
    // A TensorProto with float_data (field 4, packed) and int64_data (field 7).
    const floats = Buffer.alloc(8);
    floats.writeFloatLE(1.5, 0);
    floats.writeFloatLE(-2, 4);
    const tf = Uint8Array.from([...varint(1 * 8), 2, ...varint(2 * 8), 1, ...field(4, [...floats]), ...field(8, [...Buffer.from('f')])]);
    const r1 = readTensorProto(tf);
    assert.equal(r1.info.storage, 'float_data');
    assert.deepEqual(tensorValues(DataType.FLOAT, r1.data), [1.5, -2]);
    const ti = Uint8Array.from([...varint(1 * 8), 3, ...varint(2 * 8), 7, ...field(7, [...varint(5), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 7])]);
    const r2 = readTensorProto(ti);
    assert.deepEqual(tensorValues(DataType.INT64, r2.data), [5, -1, 7]);
  });

  it('external data: records (location, offset, length) without reading it; payloads read on demand', async () => {
    const t = tempDir();
    try {
      const spec = buildMlp({ inputs: 64, hidden: 64, outputs: 8 });
      const file = path.join(t.dir, 'm.onnx');
      await writeModel(file, spec, { externalData: { location: 'm.onnx.data', threshold: 1024 } });
      const m = readModel(file);
      const w = m.graph.initializers.find((x) => x.name === 'fc0.weight')!;
      assert.equal(w.storage, 'external');
      assert.equal(w.external!.location, 'm.onnx.data');
      assert.equal(w.external!.offset % 64, 0, 'aligned');
      assert.equal(w.external!.length, 64 * 64 * 4);
      const got = readTensorData(m, w);
      assert.deepEqual(Buffer.from(got), Buffer.from(tensorBytes(spec.graph.initializers!.find((x) => x.name === 'fc0.weight')!.data!)));
      // Inline small tensors stay inline.
      assert.equal(m.graph.initializers.find((x) => x.name === 'head.bias')!.storage, 'raw');
      // A location escaping the model folder is refused.
      (w.external as { location: string }).location = '../../etc/passwd';
      assert.match(thrown(() => readTensorData(m, w)).message, /outside the model's folder/);
    } finally {
      t.cleanup();
    }
  });

  it('external data split over files and past 2 GiB (sparse file): offsets kept exact, payloads read there', async () => {
    const t = tempDir();
    try {
      const far = 3 * 2 ** 30 + 12345; // beyond what a 32-bit offset or readFileSync could reach
      const payload = Buffer.from(Float32Array.of(1.5, -2.5, 3.5, 4.5).buffer);
      const big = path.join(t.dir, 'weights-1.bin');
      const fd = openSync(big, 'w');
      writeSync(fd, payload, 0, payload.length, far);
      closeSync(fd);
      writeFileSync(path.join(t.dir, 'weights-2.bin'), Buffer.concat([Buffer.alloc(8), payload]));
      const spec: ModelSpec = {
        graph: {
          nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
          inputs: [],
          outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [4] }],
          initializers: [
            { name: 'a', dtype: DataType.FLOAT, dims: [4], externalRef: { location: 'weights-1.bin', offset: far, length: 16 } },
            { name: 'b', dtype: DataType.FLOAT, dims: [4], externalRef: { location: 'weights-2.bin', offset: 8, length: 16 } },
          ],
        },
      };
      const file = path.join(t.dir, 'split.onnx');
      await writeModel(file, spec);
      const m = readModel(file);
      const [a, b] = m.graph.initializers;
      assert.deepEqual(a.external, { location: 'weights-1.bin', offset: far, length: 16 });
      assert.deepEqual(Buffer.from(readTensorData(m, a)), payload);
      assert.deepEqual(Buffer.from(readTensorData(m, b)), payload);
      const { summary } = analyzeModel(m);
      assert.deepEqual(summary.externalData.files.map((f) => [f.location, f.bytes, f.exists]), [['weights-1.bin', 16, true], ['weights-2.bin', 16, true]]);
      (a.external as { offset: number }).offset = far + 100;
      assert.match(thrown(() => readTensorData(m, a)).message, /past the end of 'weights-1\.bin'/);
    } finally {
      t.cleanup();
    }
  });

  it('reads subgraphs of If nodes and Constant tensors', () => {
    const spec: ModelSpec = {
      graph: {
        nodes: [
          { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value: { name: 'cv', dtype: DataType.FLOAT, dims: [4, 4], data: new Float32Array(16).fill(1) } } },
          {
            op: 'If', inputs: ['cond'], outputs: ['y'],
            attrs: {
              then_branch: { name: 't', nodes: [{ op: 'Identity', inputs: ['c'], outputs: ['ty'] }], inputs: [], outputs: [{ name: 'ty', dtype: DataType.FLOAT, shape: [4, 4] }] },
              else_branch: { name: 'e', nodes: [{ op: 'Neg', inputs: ['c'], outputs: ['ey'] }], inputs: [], outputs: [{ name: 'ey', dtype: DataType.FLOAT, shape: [4, 4] }] },
            },
          },
        ],
        inputs: [{ name: 'cond', dtype: DataType.BOOL, shape: [] }],
        outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [4, 4] }],
      },
    };
    const m = readModelBytes(serializeModel(spec).model);
    const gs = allGraphs(m.graph);
    assert.deepEqual(gs.map((g) => g.name), ['graph', 't', 'e']);
    const c = m.graph.nodes[0].attributes[0].t!;
    assert.deepEqual(c.dims, [4, 4]);
    assert.equal(c.dataLength, 64);
  });

  describe('bad input gives a clear OnnxReadError', () => {
    const good = serializeModel(buildMlp({ inputs: 8, hidden: 8, outputs: 2 })).model;

    it('non-ONNX files name what they look like', () => {
      assert.match(thrown(() => readModelBytes(Buffer.from('# A markdown file\n'))).message, /not an ONNX model \(looks like text\).*byte 0/);
      assert.match(thrown(() => readModelBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).message, /PNG image/);
      assert.match(thrown(() => readModelBytes(new Uint8Array(0))).message, /empty file/);
    });

    it('truncation reports the byte and the shortfall', () => {
      const e = thrown(() => readModelBytes(good.subarray(0, good.byteLength - 100)));
      assert.match(e.message, /declares \d+ bytes but only \d+ remain.*\(at byte \d+\)/);
      assert.equal(typeof e.offset, 'number');
    });

    it('hostile lengths fail without allocating them', () => {
      // graph field (7) declaring 2^40 bytes.
      const bytes = Uint8Array.from([0x08, 0x08, ...varint(7 * 8 + 2), ...varint(2 ** 40), 0, 0]);
      assert.match(thrown(() => readModelBytes(bytes)).message, /declares 1099511627776 bytes but only 2 remain/);
      // A 1-element tensor with dims of 2^50: refused before its data is allocated.
      const tensor = Uint8Array.from([...varint(8), ...varint(2 ** 50), ...varint(16), 1, ...field(4, [0, 0, 0, 0])]);
      assert.match(thrown(() => readTensorProto(tensor)).message, /declares \d+ elements but its float_data has only 4 bytes/);
    });

    it('deep nesting stops at the depth limit', () => {
      // Graph → node → attribute (g) → graph → … 40 levels deep.
      let g: number[] = [];
      for (let i = 0; i < 40; i++) {
        const attr = [...field(1, [...Buffer.from('g')]), ...varint(20 * 8), 5, ...field(6, g)];
        const node = [...field(4, [...Buffer.from('If')]), ...field(5, attr)];
        g = field(1, node);
      }
      const model = Uint8Array.from([0x08, 0x08, ...field(7, g)]);
      assert.match(thrown(() => readModelBytes(model)).message, /subgraphs nested deeper than 32/);
    });

    it('missing files and folders', () => {
      assert.match(thrown(() => readModel('/nonexistent/x.onnx')).message, /model file not found/);
      assert.match(thrown(() => readModel(EXAMPLES)).message, /is a folder/);
    });

    it('a file changed to garbage mid-way is still a clean error', () => {
      const t = tempDir();
      try {
        const f = path.join(t.dir, 'x.onnx');
        const b = Buffer.from(good);
        b.fill(0xff, 40, 60);
        writeFileSync(f, b);
        thrown(() => readModel(f));
      } finally {
        t.cleanup();
      }
    });
  });
});
