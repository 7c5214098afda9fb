/** Attention rules (attention.ts) against onnxruntime's own output shapes and hand-computed FLOPs. */
import { strict as assert } from 'node:assert';
import { readModelBytes } from '../../../../server/src/core/onnx/reader';
import { inferGraph } from '../../../../server/src/core/onnx/infer';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { DataType, serializeModel, type ModelSpec } from '../../../../server/src/core/onnx/writer';
import { session, tensor } from './ort';

describe('core/onnx/attention', () => {
  it('ONNX Attention (opset 23, GQA with past) matches onnxruntime; the ai.onnx rule is not the com.microsoft one', async () => {
    const spec: ModelSpec = {
      irVersion: 10,
      opsets: { '': 23 },
      graph: {
        nodes: [{ op: 'Attention', inputs: ['q', 'k', 'v', '', 'pk', 'pv'], outputs: ['y', 'presk', 'presv'], attrs: { q_num_heads: 4, kv_num_heads: 2 } }],
        inputs: [
          { name: 'q', dtype: DataType.FLOAT, shape: ['b', 's', 32] },
          { name: 'k', dtype: DataType.FLOAT, shape: ['b', 's', 16] },
          { name: 'v', dtype: DataType.FLOAT, shape: ['b', 's', 16] },
          { name: 'pk', dtype: DataType.FLOAT, shape: ['b', 2, 'p', 8] },
          { name: 'pv', dtype: DataType.FLOAT, shape: ['b', 2, 'p', 8] },
        ],
        outputs: ['y', 'presk', 'presv'].map((name) => ({ name, dtype: DataType.FLOAT })),
      },
    };
    const bytes = serializeModel(spec).model;
    const f = (d: number[]) => tensor('float32', new Float32Array(d.reduce((x, y) => x * y, 1)).fill(0.1), d);
    const out = await (await session(bytes)).run({ q: f([1, 2, 32]), k: f([1, 2, 16]), v: f([1, 2, 16]), pk: f([1, 2, 3, 8]), pv: f([1, 2, 3, 8]) });
    const m = readModelBytes(bytes);
    const bind = { b: 1, s: 2, p: 3 };
    const r = inferGraph(m.graph, new Map([['', 23]]), { bind, useDeclared: false });
    for (const name of ['y', 'presk', 'presv']) assert.deepEqual(r.types.get(name)!.shape, out[name].dims, name);
    assert.deepEqual(analyzeModel(m, { bind }).summary.flops.byOp, { Attention: 4 * 4 * 2 * 5 * 8 + 3 * 4 * 2 * 5 });
  });
});
