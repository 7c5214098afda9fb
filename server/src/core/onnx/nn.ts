/**
 * Shape rules of the neural-network layer ops: convolution, pooling, resize and recurrent layers
 * (ONNX operator specs). Merged into SHAPE_RULES (registry.ts).
 */
import { DataType } from './schema';
import { add, ceilDiv, floorDiv, isNum, mul, sub, type SymDim } from './expr';
import type { OpContext, ShapeRule, TType } from './rules';

/** Output spatial size of a convolution/pooling window (ONNX Conv / MaxPool shape inference). */
function windowOut(inp: SymDim, k: number, s: number, d: number, pb: number, pe: number, autoPad: string, ceil: boolean): SymDim {
  const eff = (k - 1) * d + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return ceilDiv(inp, s);
  if (autoPad === 'VALID') return add(floorDiv(sub(inp, eff), s), 1);
  const span = sub(add(inp, pb + pe), eff);
  if (!ceil) return add(floorDiv(span, s), 1);
  if (!isNum(span) || !isNum(inp)) return add(ceilDiv(span, s), 1);
  let out = Math.ceil(span / s) + 1;
  // The last window must start inside the (left-padded) input.
  if ((out - 1) * s >= inp + pb) out -= 1;
  return out;
}

function convLike(c: OpContext, xIdx: number, wIdx: number, pool: boolean, dtype?: number): TType[] | undefined {
  const x = c.inputs[xIdx]?.shape;
  if (!x || x.length < 3) return undefined;
  const spatial = x.length - 2;
  let kernel = c.ints('kernel_shape');
  const w = pool ? undefined : c.inputs[wIdx]?.shape;
  if (!kernel && w && w.length === x.length && w.slice(2).every(isNum)) kernel = w.slice(2) as number[];
  if (!kernel || kernel.length !== spatial) return undefined;
  const strides = c.ints('strides') ?? kernel.map(() => 1);
  const dil = c.ints('dilations') ?? kernel.map(() => 1);
  const pads = c.ints('pads') ?? kernel.concat(kernel).map(() => 0);
  const autoPad = c.str('auto_pad', 'NOTSET');
  const ceil = pool && c.int('ceil_mode', 0) === 1;
  const out: SymDim[] = [x[0], pool ? x[1] : w ? w[0] : null];
  for (let i = 0; i < spatial; i++) out.push(windowOut(x[2 + i], kernel[i], strides[i], dil[i], pads[i], pads[i + spatial], autoPad, ceil));
  return [{ dtype: dtype ?? c.inputs[xIdx]?.dtype, shape: out }];
}

function convTranspose(c: OpContext): TType[] | undefined {
  const x = c.inputs[0]?.shape, w = c.inputs[1]?.shape;
  if (!x || !w || x.length < 3 || w.length !== x.length) return undefined;
  const spatial = x.length - 2;
  const group = c.int('group', 1);
  const kernel = c.ints('kernel_shape') ?? (w.slice(2).every(isNum) ? (w.slice(2) as number[]) : undefined);
  if (!kernel) return undefined;
  const out: SymDim[] = [x[0], mul(w[1], group)];
  const outputShape = c.ints('output_shape');
  if (outputShape) {
    const os = outputShape.length === spatial ? outputShape : outputShape.slice(2);
    return [{ dtype: c.inputs[0]?.dtype, shape: [...out, ...os] }];
  }
  const strides = c.ints('strides') ?? kernel.map(() => 1);
  const dil = c.ints('dilations') ?? kernel.map(() => 1);
  const outPad = c.ints('output_padding') ?? kernel.map(() => 0);
  const pads = c.ints('pads') ?? kernel.concat(kernel).map(() => 0);
  const autoPad = c.str('auto_pad', 'NOTSET');
  for (let i = 0; i < spatial; i++) {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(mul(x[2 + i], strides[i]));
    else out.push(add(mul(strides[i], sub(x[2 + i], 1)), outPad[i] + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + spatial]));
  }
  return [{ dtype: c.inputs[0]?.dtype, shape: out }];
}

function resize(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  if (!s) return [{ dtype: x?.dtype }];
  if (c.node.opType === 'Resize' && c.opset >= 18 && (c.ints('axes') || c.str('keep_aspect_ratio_policy', 'stretch') !== 'stretch')) {
    return [{ dtype: x.dtype, shape: s.map(() => null) }];
  }
  let scales: number[] | undefined, sizes: number[] | undefined;
  if (c.node.opType === 'Upsample') {
    scales = c.opset >= 9 ? c.nums(1) : c.attr('scales')?.floats;
  } else if (c.opset < 11) {
    scales = c.nums(1);
  } else {
    if (c.node.inputs[3]) sizes = c.nums(3);
    else if (c.node.inputs[2]) scales = c.nums(2);
  }
  if (sizes && sizes.length === s.length) return [{ dtype: x.dtype, shape: sizes }];
  if (scales && scales.length === s.length) {
    const sc = scales;
    return [{ dtype: x.dtype, shape: s.map((d, i) => (sc[i] === 1 ? d : isNum(d) ? Math.floor(d * sc[i]) : Number.isInteger(sc[i]) ? mul(d, sc[i]) : null)) }];
  }
  return [{ dtype: x.dtype, shape: s.map(() => null) }];
}

/** RNN/GRU/LSTM: X [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1). */
function recurrent(c: OpContext): TType[] | undefined {
  const x = c.inputs[0]?.shape;
  const hidden = c.int('hidden_size', 0) || null;
  const dirs = c.str('direction', 'forward') === 'bidirectional' ? 2 : 1;
  const dtype = c.inputs[0]?.dtype;
  if (!x || x.length !== 3) return [{ dtype }, { dtype }, { dtype }];
  const layout = c.int('layout', 0);
  const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
  const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
  const h = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  return [{ dtype, shape: y }, { dtype, shape: h }, { dtype, shape: h }];
}

export const NN_SHAPE_RULES: Record<string, ShapeRule> = {
  Conv: (c) => convLike(c, 0, 1, false),
  ConvInteger: (c) => convLike(c, 0, 1, false, DataType.INT32),
  QLinearConv: (c) => convLike(c, 0, 3, false, c.inputs[7]?.dtype ?? DataType.UINT8),
  ConvTranspose: convTranspose,
  MaxPool: (c) => {
    const r = convLike(c, 0, -1, true);
    return r ? [r[0], { dtype: DataType.INT64, shape: r[0].shape }] : undefined;
  },
  AveragePool: (c) => convLike(c, 0, -1, true),
  LpPool: (c) => convLike(c, 0, -1, true),
  GlobalAveragePool: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[0]?.shape?.map((d, i) => (i < 2 ? d : 1)) }],
  GlobalMaxPool: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[0]?.shape?.map((d, i) => (i < 2 ? d : 1)) }],
  GlobalLpPool: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[0]?.shape?.map((d, i) => (i < 2 ? d : 1)) }],
  Resize: resize,
  Upsample: resize,
  RNN: recurrent,
  GRU: recurrent,
  LSTM: recurrent,
};
