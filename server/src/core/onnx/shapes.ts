/**
 * Shape propagation rules: for one node, the types (dtype, symbolic shape, and for small integer
 * tensors their values) of its outputs from those of its inputs. Values flow through the
 * Shape → Gather/Slice → Concat → Reshape chains exporters emit, so dynamic reshapes resolve.
 * A rule returns `undefined` (or an entry `undefined`) when it cannot tell; it never guesses a wrong
 * shape. Rules follow the ONNX operator specs (https://onnx.ai/onnx/operators/) and, for com.microsoft
 * ops, onnxruntime's ContribOperators.md.
 */
import { DataType } from './schema';
import { add, floorDiv, isNum, max, mul, same, sub, type SymDim } from './expr';
import type { OpContext, ShapeRule, TType } from './rules';

/** Longest list of element values tracked for a tensor. */
export const MAX_VALUES = 64;

export function normAxis(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

export function broadcast(shapes: Array<SymDim[] | undefined>): SymDim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const ss = shapes as SymDim[][];
  const rank = Math.max(0, ...ss.map((s) => s.length));
  const out: SymDim[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = ss.map((s) => s[s.length - rank + i]).filter((d) => d !== undefined) as SymDim[];
    const big = dims.find((d) => isNum(d) && d !== 1);
    if (big !== undefined) out.push(big);
    else if (dims.some((d) => d === null)) out.push(dims.every((d) => d === null || d === 1) && dims.includes(null) ? null : dims.find((d) => d !== null && d !== 1) ?? null);
    else out.push(dims.find((d) => d !== 1) ?? 1);
  }
  return out;
}

function same1(c: OpContext, dtype?: number): TType[] | undefined {
  const x = c.inputs[0];
  if (!x) return undefined;
  return [{ dtype: dtype ?? x.dtype, shape: x.shape }];
}

function elementwiseValues(c: OpContext, f: (a: SymDim, b: SymDim) => SymDim): SymDim[] | undefined {
  const a = c.inputs[0]?.value, b = c.inputs[1]?.value;
  if (!a || !b) return undefined;
  if (a.length !== b.length && a.length !== 1 && b.length !== 1) return undefined;
  const n = Math.max(a.length, b.length);
  if (n > MAX_VALUES) return undefined;
  const out: SymDim[] = [];
  for (let i = 0; i < n; i++) out.push(f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
  return out;
}

function binary(dtypeOut?: number, f?: (a: SymDim, b: SymDim) => SymDim): ShapeRule {
  return (c) => {
    const shape = broadcast(c.inputs.filter((t) => t).map((t) => t!.shape));
    const dtype = dtypeOut ?? c.inputs[0]?.dtype;
    const value = f ? elementwiseValues(c, f) : undefined;
    return [{ dtype, shape, value }];
  };
}

function matmulShape(a: SymDim[] | undefined, b: SymDim[] | undefined): SymDim[] | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return undefined;
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}

export function axesFrom(c: OpContext, inputIdx: number, sinceOpset: number): number[] | undefined | null {
  // null: no axes given; undefined: given but unknown.
  if (c.opset >= sinceOpset) {
    if (!c.node.inputs[inputIdx]) return null;
    return c.nums(inputIdx);
  }
  return c.ints('axes') ?? null;
}

function reduce(c: OpContext, sinceOpset: number, dtype?: number): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  const keep = c.int('keepdims', 1) === 1;
  const axes = axesFrom(c, 1, sinceOpset);
  if (!s || axes === undefined) return [{ dtype: dtype ?? x?.dtype }];
  let ax: Set<number>;
  if (axes === null || axes.length === 0) {
    if (c.int('noop_with_empty_axes', 0) === 1) return [{ dtype: dtype ?? x.dtype, shape: s }];
    ax = new Set(s.map((_, i) => i));
  } else ax = new Set(axes.map((a) => normAxis(a, s.length)));
  const out: SymDim[] = [];
  s.forEach((d, i) => {
    if (!ax.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return [{ dtype: dtype ?? x.dtype, shape: out }];
}

function argReduce(c: OpContext): TType[] | undefined {
  const s = c.inputs[0]?.shape;
  if (!s) return [{ dtype: DataType.INT64 }];
  const axis = normAxis(c.int('axis', 0), s.length);
  const keep = c.int('keepdims', 1) === 1;
  const out = keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis);
  return [{ dtype: DataType.INT64, shape: out }];
}

function einsum(c: OpContext): TType[] | undefined {
  const eq = c.str('equation', '').replace(/\s/g, '');
  const [lhs, rhs] = eq.split('->');
  if (!lhs || eq.includes('.')) return [{ dtype: c.inputs[0]?.dtype }];
  const terms = lhs.split(',');
  const sizes = new Map<string, SymDim>();
  for (let i = 0; i < terms.length; i++) {
    const s = c.inputs[i]?.shape;
    if (!s || s.length !== terms[i].length) return [{ dtype: c.inputs[0]?.dtype }];
    [...terms[i]].forEach((ch, j) => {
      const prev = sizes.get(ch);
      if (prev === undefined || prev === 1 || prev === null) sizes.set(ch, s[j]);
    });
  }
  let out = rhs;
  if (out === undefined) {
    const counts = new Map<string, number>();
    for (const ch of terms.join('')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    out = [...counts.keys()].filter((k) => counts.get(k) === 1).sort().join('');
  }
  return [{ dtype: c.inputs[0]?.dtype, shape: [...out].map((ch) => sizes.get(ch) ?? null) }];
}

/** QuantizeLinear's output type: the zero point's, else the output_dtype attribute (opset 21), else uint8. */
function quantDtype(c: OpContext, zpIdx: number): number {
  return c.inputs[zpIdx]?.dtype ?? (c.int('output_dtype', 0) || DataType.UINT8);
}

const unary = (c: OpContext) => same1(c);
const toBool: ShapeRule = binary(DataType.BOOL);
const truth = (v: boolean): number => (v ? 1 : 0);
const compare = (f: (a: number, b: number) => boolean, symbolicEqual?: number): ShapeRule =>
  binary(DataType.BOOL, (a, b) => (isNum(a) && isNum(b) ? truth(f(a, b)) : symbolicEqual !== undefined && same(a, b) ? symbolicEqual : null));

/**
 * Element-wise, broadcasting, matrix-product, normalization, reduction and quantization rules.
 * Default-domain and com.microsoft ops share the table; where a name means different ops in the two
 * domains, the default-domain rule is keyed `ai.onnx:<op>` and looked up first. registry.ts merges
 * this table with the other rule families (movement.ts, nn.ts, attention.ts).
 */
export const BASE_SHAPE_RULES: Record<string, ShapeRule> = {
  // Element-wise, same shape
  ...Object.fromEntries(
    [
      'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Erf', 'Sin', 'Cos', 'Tan',
      'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Softplus', 'Softsign', 'Elu', 'Selu', 'LeakyRelu',
      'ThresholdedRelu', 'HardSigmoid', 'HardSwish', 'Gelu', 'Mish', 'Celu', 'Sign', 'BitwiseNot', 'Identity', 'Clip', 'Shrink',
      'Softmax', 'LogSoftmax', 'Hardmax', 'LRN', 'MeanVarianceNormalization', 'InstanceNormalization', 'LpNormalization',
      'GroupNormalization', 'CumSum', 'Trilu', 'EyeLike', 'ReverseSequence', 'Bernoulli', 'FastGelu', 'BiasGelu', 'QuickGelu',
      'RotaryEmbedding', 'BiasAdd', 'SimplifiedLayerNormalization', 'RandomNormalLike', 'RandomUniformLike', 'Scatter', 'ScatterND',
      'ScatterElements',
    ].map((op) => [op, unary]),
  ),
  Det: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[0]?.shape?.slice(0, -2) }],
  GridSample: (c) => {
    const x = c.inputs[0]?.shape, g = c.inputs[1]?.shape;
    return [{ dtype: c.inputs[0]?.dtype, shape: x && g && x.length === 4 && g.length === 4 ? [x[0], x[1], g[1], g[2]] : undefined }];
  },
  RoiAlign: (c) => {
    const x = c.inputs[0]?.shape, r = c.inputs[1]?.shape;
    return [{ dtype: c.inputs[0]?.dtype, shape: x && r ? [r[0], x[1], c.int('output_height', 1), c.int('output_width', 1)] : undefined }];
  },
  IsNaN: (c) => same1(c, DataType.BOOL),
  IsInf: (c) => same1(c, DataType.BOOL),
  Dropout: (c) => {
    const x = c.inputs[0];
    return [{ dtype: x?.dtype, shape: x?.shape }, { dtype: DataType.BOOL, shape: x?.shape }];
  },
  Cast: (c) => {
    const to = c.int('to', 0);
    const v = c.inputs[0]?.value;
    return [{ dtype: to, shape: c.inputs[0]?.shape, value: to === DataType.BOOL ? v?.map((d) => (isNum(d) ? truth(d !== 0) : null)) : v }];
  },
  Not: (c) => [{ dtype: DataType.BOOL, shape: c.inputs[0]?.shape, value: c.inputs[0]?.value?.map((d) => (isNum(d) ? truth(d === 0) : null)) }],
  CastLike: (c) => [{ dtype: c.inputs[1]?.dtype, shape: c.inputs[0]?.shape, value: c.inputs[0]?.value }],
  BatchNormalization: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[0]?.shape }],
  LayerNormalization: (c) => {
    const x = c.inputs[0];
    if (!x?.shape) return [{ dtype: x?.dtype }];
    const axis = normAxis(c.int('axis', -1), x.shape.length);
    const stat = x.shape.map((d, i) => (i < axis ? d : 1));
    const sdt = c.int('stash_type', 1) === 1 ? DataType.FLOAT : x.dtype;
    return [{ dtype: x.dtype, shape: x.shape }, { dtype: sdt, shape: stat }, { dtype: sdt, shape: stat }];
  },
  SkipLayerNormalization: (c) => {
    const x = c.inputs[0];
    return [{ dtype: x?.dtype, shape: x?.shape }, undefined, undefined, { dtype: x?.dtype, shape: x?.shape }];
  },
  SkipSimplifiedLayerNormalization: (c) => {
    const x = c.inputs[0];
    return [{ dtype: x?.dtype, shape: x?.shape }, undefined, undefined, { dtype: x?.dtype, shape: x?.shape }];
  },
  PRelu: binary(),
  // Broadcasting binary/variadic
  Add: binary(undefined, add),
  Sub: binary(undefined, sub),
  Mul: binary(undefined, mul),
  Div: binary(undefined, (a, b) => (isNum(a) && isNum(b) ? (b === 0 ? null : Math.trunc(a / b)) : floorDiv(a, b))),
  Pow: binary(), Mod: binary(), BitShift: binary(), BitwiseAnd: binary(), BitwiseOr: binary(), BitwiseXor: binary(),
  Max: binary(undefined, max), Min: binary(), Sum: binary(), Mean: binary(),
  Equal: compare((a, b) => a === b, 1), Greater: compare((a, b) => a > b, 0), Less: compare((a, b) => a < b, 0),
  GreaterOrEqual: compare((a, b) => a >= b, 1), LessOrEqual: compare((a, b) => a <= b, 1),
  And: compare((a, b) => !!a && !!b), Or: compare((a, b) => !!a || !!b), Xor: toBool,
  Where: (c) => [{ dtype: c.inputs[1]?.dtype ?? c.inputs[2]?.dtype, shape: broadcast([c.inputs[0]?.shape, c.inputs[1]?.shape, c.inputs[2]?.shape]) }],
  // Matrix products
  MatMul: (c) => [{ dtype: c.inputs[0]?.dtype, shape: matmulShape(c.inputs[0]?.shape, c.inputs[1]?.shape) }],
  MatMulInteger: (c) => [{ dtype: DataType.INT32, shape: matmulShape(c.inputs[0]?.shape, c.inputs[1]?.shape) }],
  QLinearMatMul: (c) => [{ dtype: c.inputs[7]?.dtype ?? DataType.UINT8, shape: matmulShape(c.inputs[0]?.shape, c.inputs[3]?.shape) }],
  DynamicQuantizeMatMul: (c) => [{ dtype: DataType.FLOAT, shape: matmulShape(c.inputs[0]?.shape, c.inputs[1]?.shape) }],
  MatMulIntegerToFloat: (c) => [{ dtype: DataType.FLOAT, shape: matmulShape(c.inputs[0]?.shape, c.inputs[1]?.shape) }],
  FusedMatMul: (c) => {
    const t = (s: SymDim[] | undefined, tr: boolean): SymDim[] | undefined => (s && tr && s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
    return [{ dtype: c.inputs[0]?.dtype, shape: matmulShape(t(c.inputs[0]?.shape, c.int('transA', 0) === 1), t(c.inputs[1]?.shape, c.int('transB', 0) === 1)) }];
  },
  MatMulNBits: (c) => {
    const a = c.inputs[0]?.shape;
    return [{ dtype: c.inputs[0]?.dtype, shape: a ? [...a.slice(0, -1), c.int('N', 0) || null] : undefined }];
  },
  Gemm: (c) => {
    const a = c.inputs[0]?.shape, b = c.inputs[1]?.shape;
    if (!a || !b || a.length !== 2 || b.length !== 2) return [{ dtype: c.inputs[0]?.dtype }];
    const m = c.int('transA', 0) ? a[1] : a[0];
    const n = c.int('transB', 0) ? b[0] : b[1];
    return [{ dtype: c.inputs[0]?.dtype, shape: [m, n] }];
  },
  Einsum: einsum,
  TopK: (c) => {
    const x = c.inputs[0];
    if (!x?.shape) return [{ dtype: x?.dtype }, { dtype: DataType.INT64 }];
    const axis = normAxis(c.int('axis', -1), x.shape.length);
    const k = c.opset >= 10 ? c.nums(1)?.[0] ?? null : c.int('k', 0);
    const s = x.shape.map((d, i) => (i === axis ? k : d));
    return [{ dtype: x.dtype, shape: s }, { dtype: DataType.INT64, shape: s }];
  },
  ArgMax: argReduce,
  ArgMin: argReduce,
  ...Object.fromEntries(
    ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].map((op) => [
      op,
      (c: OpContext) => reduce(c, 18),
    ]),
  ),
  ReduceSum: (c) => reduce(c, 13),
  NonZero: (c) => [{ dtype: DataType.INT64, shape: [c.inputs[0]?.shape?.length ?? null, null] }],
  // Quantization
  QuantizeLinear: (c) => [{ dtype: quantDtype(c, 2), shape: c.inputs[0]?.shape }],
  DequantizeLinear: (c) => [{ dtype: c.inputs[1]?.dtype ?? DataType.FLOAT, shape: c.inputs[0]?.shape }],
  DynamicQuantizeLinear: (c) => [
    { dtype: DataType.UINT8, shape: c.inputs[0]?.shape },
    { dtype: DataType.FLOAT, shape: [] },
    { dtype: DataType.UINT8, shape: [] },
  ],
  RMSNormalization: unary,
  Swish: unary,
};
