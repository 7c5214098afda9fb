/** Convolution, pooling, resize and recurrent shape rules (nn.ts) with symbolic dims; the libonnx sweep covers the numeric cases. */
import { strict as assert } from 'node:assert';
import { readModelBytes } from '../../../../server/src/core/onnx/reader';
import { inferGraph } from '../../../../server/src/core/onnx/infer';
import { show } from '../../../../server/src/core/onnx/expr';
import { DataType, serializeModel, type NodeSpec, type TensorSpec } from '../../../../server/src/core/onnx/writer';

function shapeOf(nodes: NodeSpec[], inputShape: Array<number | string>, inits: TensorSpec[] = [], out = 'y'): string {
  const m = readModelBytes(
    serializeModel({
      opsets: { '': 17 },
      graph: { nodes, inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: inputShape }], outputs: [{ name: out, dtype: DataType.FLOAT }], initializers: inits },
    }).model,
  );
  const r = inferGraph(m.graph, new Map([['', 17]]), { useDeclared: false });
  return r.types.get(out)!.shape!.map(show).join(',');
}
const w = (name: string, dims: number[]): TensorSpec => ({ name, dtype: DataType.FLOAT, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

describe('core/onnx/nn', () => {
  it('strided conv chains on symbolic H, W fold into one floor division', () => {
    const conv = (i: number, o: string): NodeSpec => ({ op: 'Conv', inputs: [i ? `c${i - 1}` : 'x', 'w'], outputs: [o], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } });
    assert.equal(shapeOf([conv(0, 'c0'), conv(1, 'y')], ['n', 4, 'H', 'W'], [w('w', [4, 4, 3, 3])]), 'n,4,(H - 1)//4 + 1,(W - 1)//4 + 1');
  });

  it('SAME padding is ceil(in / stride); ConvTranspose multiplies back', () => {
    assert.equal(shapeOf([{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }], [1, 4, 'H', 9], [w('w', [8, 4, 3, 3])]), '1,8,ceil(H/2),5');
    assert.equal(shapeOf([{ op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } }], [1, 4, 'H', 5], [w('w', [4, 2, 3, 3])]), '1,2,2*H,10');
  });

  it('ceil_mode pooling drops a window that would start in the padding', () => {
    // in 5, k 2, s 2, ceil → 3 windows; with in 4, pad 1 (begin): the last window would start at padding → 3, not 4.
    assert.equal(shapeOf([{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2], strides: [2], ceil_mode: 1 } }], [1, 1, 5]), '1,1,3');
    assert.equal(shapeOf([{ op: 'AveragePool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2], strides: [2], pads: [1, 1], ceil_mode: 1 } }], [1, 1, 4]), '1,1,3');
  });

  it('Resize by integer scales keeps symbolic dims symbolic', () => {
    const inits: TensorSpec[] = [{ name: 'scales', dtype: DataType.FLOAT, dims: [4], data: Float32Array.of(1, 1, 2, 2) }];
    assert.equal(shapeOf([{ op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: { mode: 'nearest' } }], ['n', 3, 'H', 7], inits), 'n,3,2*H,14');
  });

  it('LSTM outputs for both layouts and directions', () => {
    const inits = [w('W', [2, 32, 5]), w('R', [2, 32, 8])];
    const lstm = (layout: number, out: string): NodeSpec => ({ op: 'LSTM', inputs: ['x', 'W', 'R'], outputs: ['Y', 'Y_h', 'Y_c'].map((o) => `${o}${out}`), attrs: { hidden_size: 8, direction: 'bidirectional', layout } });
    assert.equal(shapeOf([lstm(0, '')], ['T', 'b', 5], inits, 'Y'), 'T,2,b,8');
    assert.equal(shapeOf([lstm(1, '1')], ['b', 'T', 5], inits, 'Y_h1'), 'b,2,8');
  });
});
