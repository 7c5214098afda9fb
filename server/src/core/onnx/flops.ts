/**
 * FLOP rules per operator. Conventions (those of fvcore / onnx-tool style counters):
 * a multiply-accumulate is 2 FLOPs (MatMul [M,K]×[K,N] = 2·M·N·K); element-wise ops cost 1 FLOP per
 * output element; Softmax 3 and LayerNormalization 5 per element; reductions 1 per input element;
 * pooling 1 per window element; data-movement ops (Reshape, Transpose, Gather, Concat…) cost 0 FLOPs
 * but are "costed" (a rule exists). A rule returns undefined when a needed dim is unknown; a node
 * without a rule is reported as not costed, never counted as zero.
 */
import type { Eval, FlopRule, TType } from './rules';
import { attrInt, dimsOf } from './dims';

function numel(t: TType | undefined, ev: Eval): number | undefined {
  if (!t?.shape) return undefined;
  let n = 1;
  for (const d of t.shape) {
    const v = ev(d);
    if (v === undefined) return undefined;
    n *= Math.max(v, 0);
  }
  return n;
}



const perOutput = (k: number): FlopRule => (r, ev) => {
  const n = numel(r.outputs[0], ev);
  return n === undefined ? undefined : k * n;
};
const zero: FlopRule = () => 0;
const perInput: FlopRule = (r, ev) => numel(r.inputs[0], ev);

/** 2·(output elements)·K for a matrix product whose A operand is input `ai` (K = A's last dim). */
const matmulLike = (ai: number, transAttr?: string): FlopRule => (r, ev) => {
  const out = numel(r.outputs[0], ev);
  const a = dimsOf(r.inputs[ai], ev);
  if (out === undefined || !a || a.length === 0) return undefined;
  const k = transAttr && attrInt(r, transAttr, 0) && a.length >= 2 ? a[a.length - 2] : a[a.length - 1];
  return 2 * out * k;
};

const gemm: FlopRule = (r, ev) => {
  const out = numel(r.outputs[0], ev);
  const a = dimsOf(r.inputs[0], ev);
  if (out === undefined || !a || a.length !== 2) return undefined;
  const k = attrInt(r, 'transA', 0) ? a[0] : a[1];
  return 2 * out * k + (r.node.inputs[2] ? out : 0);
};

/** Conv: 2·out·(C_in/group)·prod(kernel), + out for the bias. `wi` is the weight input index. */
const conv = (wi: number, bi: number): FlopRule => (r, ev) => {
  const out = numel(r.outputs[0], ev);
  const w = dimsOf(r.inputs[wi], ev);
  if (out === undefined || !w || w.length < 3) return undefined;
  const perOut = w.slice(1).reduce((a, b) => a * b, 1); // C_in/group × kernel
  return 2 * out * perOut + (r.node.inputs[bi] ? out : 0);
};

const convTranspose: FlopRule = (r, ev) => {
  const x = numel(r.inputs[0], ev);
  const w = dimsOf(r.inputs[1], ev);
  if (x === undefined || !w || w.length < 3) return undefined;
  const perIn = w[1] * w.slice(2).reduce((a, b) => a * b, 1); // W is [C_in, C_out/group, k…]
  const out = numel(r.outputs[0], ev) ?? 0;
  return 2 * x * perIn + (r.node.inputs[2] ? out : 0);
};

const pool: FlopRule = (r, ev) => {
  const out = numel(r.outputs[0], ev);
  const k = r.node.attributes.find((a) => a.name === 'kernel_shape')?.ints;
  if (out === undefined || !k) return undefined;
  return out * k.reduce((a, b) => a * b, 1);
};

const variadic: FlopRule = (r, ev) => {
  const n = numel(r.outputs[0], ev);
  return n === undefined ? undefined : n * Math.max(1, r.node.inputs.length - 1);
};

/** RNN/GRU/LSTM: per step and direction 2·batch·(input + hidden)·gates·hidden, plus gate math. */
const recurrent = (gates: number): FlopRule => (r, ev) => {
  const x = dimsOf(r.inputs[0], ev);
  const h = attrInt(r, 'hidden_size', 0);
  if (!x || x.length !== 3 || !h) return undefined;
  const layout = attrInt(r, 'layout', 0);
  const [seq, batch, input] = layout === 0 ? [x[0], x[1], x[2]] : [x[1], x[0], x[2]];
  const dirs = r.node.attributes.find((a) => a.name === 'direction')?.s === 'bidirectional' ? 2 : 1;
  return dirs * seq * batch * (2 * (input + h) * gates * h + 4 * gates * h);
};

const einsum: FlopRule = (r, ev) => {
  const eq = r.node.attributes.find((a) => a.name === 'equation')?.s?.replace(/\s/g, '') ?? '';
  const lhs = eq.split('->')[0];
  if (!lhs || eq.includes('.')) return undefined;
  const sizes = new Map<string, number>();
  const terms = lhs.split(',');
  for (let i = 0; i < terms.length; i++) {
    const d = dimsOf(r.inputs[i], ev);
    if (!d || d.length !== terms[i].length) return undefined;
    [...terms[i]].forEach((ch, j) => sizes.set(ch, Math.max(sizes.get(ch) ?? 1, d[j])));
  }
  let p = 1;
  for (const v of sizes.values()) p *= v;
  return 2 * p;
};

const ZERO_COST = [
  'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND',
  'Expand', 'Tile', 'Pad', 'Shape', 'Size', 'ConstantOfShape', 'Constant', 'Identity', 'Dropout', 'Cast', 'CastLike', 'Range',
  'DepthToSpace', 'SpaceToDepth', 'OneHot', 'EyeLike', 'Scatter', 'ScatterND', 'ScatterElements', 'NonZero', 'Trilu',
  'ReverseSequence', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli',
];
const ELEMENTWISE = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'PRelu', 'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Reciprocal', 'Floor',
  'Ceil', 'Round', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Softplus', 'Softsign',
  'Elu', 'Selu', 'LeakyRelu', 'ThresholdedRelu', 'HardSigmoid', 'HardSwish', 'Gelu', 'Mish', 'Celu', 'Sign', 'Not', 'BitwiseNot',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'BitShift', 'Clip', 'Shrink', 'IsNaN', 'IsInf', 'Equal', 'Greater', 'Less', 'GreaterOrEqual',
  'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'CumSum', 'FastGelu',
  'BiasGelu', 'QuickGelu', 'BiasAdd', 'RotaryEmbedding', 'Resize', 'Upsample', 'Hardmax',
];

/** FLOP rules of the default domain and com.microsoft, but for attention (attention.ts); registry.ts merges them. */
export const BASE_FLOP_RULES: Record<string, FlopRule> = {
  ...Object.fromEntries(ZERO_COST.map((op) => [op, zero])),
  ...Object.fromEntries(ELEMENTWISE.map((op) => [op, perOutput(1)])),
  Max: variadic, Min: variadic, Sum: variadic, Mean: variadic,
  Softmax: perOutput(3), LogSoftmax: perOutput(3),
  LayerNormalization: perOutput(5), SimplifiedLayerNormalization: perOutput(4), SkipLayerNormalization: perOutput(6),
  SkipSimplifiedLayerNormalization: perOutput(5), InstanceNormalization: perOutput(5), GroupNormalization: perOutput(5),
  MeanVarianceNormalization: perOutput(5), LpNormalization: perOutput(3), LRN: perOutput(5),
  BatchNormalization: perOutput(2),
  MatMul: matmulLike(0), MatMulInteger: matmulLike(0), QLinearMatMul: matmulLike(0), DynamicQuantizeMatMul: matmulLike(0),
  MatMulIntegerToFloat: matmulLike(0), FusedMatMul: matmulLike(0, 'transA'), MatMulNBits: matmulLike(0),
  Gemm: gemm,
  Conv: conv(1, 2), ConvInteger: conv(1, -1), QLinearConv: conv(3, 8), ConvTranspose: convTranspose,
  MaxPool: pool, AveragePool: pool, LpPool: pool,
  GlobalAveragePool: perInput, GlobalMaxPool: perInput, GlobalLpPool: perInput,
  ReduceSum: perInput, ReduceMean: perInput, ReduceMax: perInput, ReduceMin: perInput, ReduceProd: perInput, ReduceL1: perInput,
  ReduceL2: perInput, ReduceLogSum: perInput, ReduceLogSumExp: perInput, ReduceSumSquare: perInput, ArgMax: perInput, ArgMin: perInput,
  TopK: perInput,
  Einsum: einsum,
  RNN: recurrent(1), GRU: recurrent(3), LSTM: recurrent(4),
  RMSNormalization: perOutput(4), Swish: perOutput(1),
  GridSample: perOutput(8), RoiAlign: perOutput(4), Det: perInput,
};
