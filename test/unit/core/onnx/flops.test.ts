/** FLOP rules against hand-computed values (2 FLOPs per multiply-accumulate). */
import { strict as assert } from 'node:assert';
import { readModelBytes } from '../../../../server/src/core/onnx/reader';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { DataType, serializeModel, type AttrValue, type TensorSpec } from '../../../../server/src/core/onnx/writer';
import { buildDecoder } from '../../../../server/src/core/onnx/builders';

const F = DataType.FLOAT;
const w = (name: string, dims: number[]): TensorSpec => ({ name, dtype: F, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

/** FLOPs of one node whose first input `x` has `shape`, plus weight initializers. */
function flopsOf(op: string, shape: number[], weights: TensorSpec[], attrs?: Record<string, AttrValue>, extraInputs: string[] = []): number {
  const bytes = serializeModel({
    opsets: { '': 17 },
    graph: {
      nodes: [{ op, inputs: ['x', ...weights.map((t) => t.name), ...extraInputs], outputs: ['y'], attrs }],
      inputs: [{ name: 'x', dtype: F, shape }],
      outputs: [{ name: 'y', dtype: F }],
      initializers: weights,
    },
  }).model;
  const { summary } = analyzeModel(readModelBytes(bytes));
  assert.equal(summary.flops.coverage, 1, `${op} costed`);
  return summary.flops.total;
}

describe('core/onnx/flops', () => {
  it('MatMul with batch broadcasting: 2·M·N·K per batch', () => {
    assert.equal(flopsOf('MatMul', [2, 3, 4], [w('b', [4, 5])]), 2 * 2 * 3 * 5 * 4);
  });

  it('Gemm with transB and bias: 2·M·N·K + M·N', () => {
    assert.equal(flopsOf('Gemm', [3, 4], [w('b', [5, 4]), w('c', [5])], { transB: 1 }), 2 * 3 * 5 * 4 + 15);
  });

  it('Conv: 2·out·C_in·k² + bias; grouped conv divides by the groups', () => {
    assert.equal(flopsOf('Conv', [1, 3, 8, 8], [w('w', [6, 3, 3, 3]), w('b', [6])], { pads: [1, 1, 1, 1] }), 2 * 6 * 64 * 27 + 6 * 64);
    assert.equal(flopsOf('Conv', [1, 4, 8, 8], [w('w', [4, 1, 3, 3])], { group: 4 }), 2 * 4 * 36 * 9);
    // Strided: [1,3,9,9] k3 s2 → [1,2,4,4]
    assert.equal(flopsOf('Conv', [1, 3, 9, 9], [w('w', [2, 3, 3, 3])], { strides: [2, 2] }), 2 * 2 * 16 * 27);
  });

  it('ConvTranspose: 2·in·C_out·k²', () => {
    assert.equal(flopsOf('ConvTranspose', [1, 2, 4, 4], [w('w', [2, 3, 3, 3])], { strides: [2, 2] }), 2 * 32 * 3 * 9);
  });

  it('pooling, softmax, normalization, element-wise, data movement', () => {
    assert.equal(flopsOf('MaxPool', [1, 6, 8, 8], [], { kernel_shape: [2, 2], strides: [2, 2] }), 96 * 4);
    assert.equal(flopsOf('GlobalAveragePool', [1, 6, 8, 8], []), 384);
    assert.equal(flopsOf('Softmax', [2, 10], [], { axis: -1 }), 3 * 20);
    assert.equal(flopsOf('LayerNormalization', [2, 3, 4], [w('s', [4]), w('b', [4])]), 5 * 24);
    assert.equal(flopsOf('Add', [2, 3], [w('b', [3])]), 6);
    assert.equal(flopsOf('Relu', [7, 3], []), 21);
    assert.equal(flopsOf('Transpose', [7, 3], [], { perm: [1, 0] }), 0);
    assert.equal(flopsOf('ReduceMean', [4, 5], [], { axes: [1] }), 20);
  });

  it('LSTM: per step and direction 2·batch·(input + hidden)·4·hidden plus gate math', () => {
    const h = 8, i = 5, seq = 3, b = 2;
    const f = flopsOf('LSTM', [seq, b, i], [w('W', [1, 4 * h, i]), w('R', [1, 4 * h, h])], { hidden_size: h });
    assert.equal(f, seq * b * (2 * (i + h) * 4 * h + 4 * 4 * h));
  });

  it('decoder MatMul FLOPs = 2·N·P + 4·L·d·P² (projections incl. LM head, then dense QKᵀ and PV)', () => {
    const L = 2, d = 32, H = 4, KV = 2, V = 50, ffn = 40, P = 6;
    const m = readModelBytes(serializeModel(buildDecoder({ layers: L, hidden: d, heads: H, kvHeads: KV, vocab: V, ffn })).model);
    const { summary } = analyzeModel(m, { bind: { batch: 1, sequence: P, past_sequence: 0 } });
    const hs = d / H;
    const perLayer = d * d + 2 * d * KV * hs + d * d + 3 * d * ffn;
    const N = L * perLayer + d * V;
    assert.equal(summary.flops.byOp.MatMul, 2 * N * P + 4 * L * d * P * P);
    assert.equal(summary.flops.coverage, 1);
    // With a cache of 10 tokens, one new token attends to 11 keys.
    const step = analyzeModel(m, { bind: { batch: 1, sequence: 1, past_sequence: 10 } }).summary;
    assert.equal(step.flops.byOp.MatMul, 2 * N + 4 * L * d * 11);
  });
});
