/**
 * Shape propagation rules: for one node, the types (dtype, symbolic shape, and for small integer
 * tensors their values) of its outputs from those of its inputs. Values flow through the
 * Shape → Gather/Slice → Concat → Reshape chains exporters emit, so dynamic reshapes resolve.
 * A rule returns `undefined` (or an entry `undefined`) when it cannot tell; it never guesses a wrong
 * shape. Rules follow the ONNX operator specs (https://onnx.ai/onnx/operators/) and, for com.microsoft
 * ops, onnxruntime's ContribOperators.md.
 */
import { DataType } from './schema';
import type { AttributeInfo, NodeInfo } from './reader';
import { add, ceilDiv, floorDiv, isNum, max, mul, product, same, sub, type SymDim } from './expr';
import { ATTENTION_SHAPE_RULES } from './attention';
import { NN_SHAPE_RULES } from './nn';

export interface TType {
  dtype?: number;
  /** Undefined: unknown rank. */
  shape?: SymDim[];
  /** Element values (row-major) of small tensors, when known. */
  value?: SymDim[];
}

export interface OpContext {
  node: NodeInfo;
  /** Opset version of the node's domain. */
  opset: number;
  inputs: Array<TType | undefined>;
  attr(name: string): AttributeInfo | undefined;
  int(name: string, def: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, def: number): number;
  str(name: string, def: string): string;
  /** Values of input i as numbers, when all are known numbers. */
  nums(i: number): number[] | undefined;
}

export type ShapeRule = (c: OpContext) => Array<TType | undefined> | undefined;

const MAX_VALUES = 64;
const BIG = 2 ** 62;

function normAxis(a: number, rank: number): number {
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

function reshape(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const target = c.opset >= 5 ? c.inputs[1]?.value : c.ints('shape');
  if (!target) {
    const rank = c.inputs[1]?.shape?.[0];
    return [{ dtype: x?.dtype, shape: typeof rank === "number" ? new Array(rank).fill(null) : undefined }];
  }
  const allowZero = c.int('allowzero', 0) === 1;
  const inShape = x?.shape;
  const out: SymDim[] = target.map((d, i) => (d === 0 && !allowZero ? inShape?.[i] ?? null : d));
  const neg = out.findIndex((d) => d === -1);
  if (neg >= 0) {
    if (!inShape) out[neg] = null;
    else {
      // Cancel dims common to input and output, then divide what remains.
      const rest = inShape.slice();
      const others: SymDim[] = [];
      out.forEach((d, i) => {
        if (i === neg) return;
        const j = rest.findIndex((r) => same(r, d));
        if (j >= 0) rest.splice(j, 1);
        else others.push(d);
      });
      out[neg] = floorDiv(product(rest), product(others));
    }
  }
  return [{ dtype: x?.dtype, shape: out, value: x?.value && out.every(isNum) ? x.value : undefined }];
}

function axesFrom(c: OpContext, inputIdx: number, sinceOpset: number): number[] | undefined | null {
  // null: no axes given; undefined: given but unknown.
  if (c.opset >= sinceOpset) {
    if (!c.node.inputs[inputIdx]) return null;
    return c.nums(inputIdx);
  }
  return c.ints('axes') ?? null;
}

function squeeze(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  const axes = axesFrom(c, 1, 13);
  if (axes === undefined || !s) return [{ dtype: x?.dtype }];
  let out: SymDim[];
  if (axes === null) {
    if (!s.every(isNum)) return [{ dtype: x.dtype }];
    out = s.filter((d) => d !== 1);
  } else {
    const ax = new Set(axes.map((a) => normAxis(a, s.length)));
    out = s.filter((_, i) => !ax.has(i));
  }
  return [{ dtype: x.dtype, shape: out, value: x.value }];
}

function unsqueeze(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  const axes = axesFrom(c, 1, 13);
  if (!axes || !s) return [{ dtype: x?.dtype }];
  const rank = s.length + axes.length;
  const ax = new Set(axes.map((a) => normAxis(a, rank)));
  const out: SymDim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ax.has(i) ? 1 : s[k++]);
  return [{ dtype: x.dtype, shape: out, value: x.value }];
}

function concat(c: OpContext): TType[] | undefined {
  const ins = c.inputs;
  const known = ins.filter((t) => t?.shape) as TType[];
  if (known.length !== ins.length || known.length === 0) return [{ dtype: ins.find((t) => t)?.dtype }];
  const rank = known[0].shape!.length;
  const axis = normAxis(c.int('axis', 0), rank);
  const out = known[0].shape!.slice();
  for (let i = 1; i < known.length; i++) out[axis] = add(out[axis], known[i].shape![axis]);
  for (let j = 0; j < rank; j++) {
    if (j === axis || isNum(out[j])) continue;
    const num = known.map((t) => t.shape![j]).find(isNum);
    if (num !== undefined) out[j] = num;
  }
  let value: SymDim[] | undefined;
  if (rank === 1 && known.every((t) => t.value)) {
    value = known.flatMap((t) => t.value!);
    if (value.length > MAX_VALUES) value = undefined;
  }
  return [{ dtype: known[0].dtype, shape: out, value }];
}

function split(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  const n = c.node.outputs.length;
  if (!s) return c.node.outputs.map(() => ({ dtype: x?.dtype }));
  const axis = normAxis(c.int('axis', 0), s.length);
  let sizes: SymDim[] | undefined;
  const given = c.opset >= 13 ? (c.node.inputs[1] ? c.nums(1) : null) : c.ints('split') ?? null;
  if (given) sizes = given;
  else if (given === null) {
    const d = s[axis];
    const k = c.opset >= 18 ? c.int('num_outputs', n) : n;
    const each = ceilDiv(d, k);
    sizes = Array.from({ length: n }, (_, i) => (i < n - 1 ? each : sub(d, mul(each, n - 1))));
    if (isNum(d) && d % k === 0) sizes = sizes.map(() => d / k);
  }
  return c.node.outputs.map((_, i) => {
    if (!sizes || sizes[i] === undefined) return { dtype: x.dtype, shape: s.map((d, j) => (j === axis ? null : d)) };
    const o = s.slice();
    o[axis] = sizes[i];
    return { dtype: x.dtype, shape: o };
  });
}

function sliceDim(dim: SymDim, start: number, end: number, step: number): SymDim {
  if (isNum(dim)) {
    let s: number, e: number;
    if (step > 0) {
      s = Math.min(Math.max(start < 0 ? start + dim : start, 0), dim);
      e = Math.min(Math.max(end < 0 ? end + dim : end, 0), dim);
      return Math.max(0, Math.ceil((e - s) / step));
    }
    s = Math.min(Math.max(start < 0 ? start + dim : start, 0), dim - 1);
    e = Math.min(Math.max(end < 0 ? end + dim : end, -1), dim - 1);
    return Math.max(0, Math.ceil((s - e) / -step));
  }
  if (step !== 1 || dim === null) return null;
  if (end >= BIG / 4 || end >= 2 ** 31 - 1) {
    if (start >= 0) return sub(dim, start);
    return -start; // assumes |start| ≤ dim
  }
  if (start >= 0 && end >= 0) return end - start; // assumes end ≤ dim
  if (start < 0 && end < 0) return end - start;
  if (start >= 0 && end < 0) return sub(add(dim, end), start);
  return null;
}

function slice(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  if (!s) return [{ dtype: x?.dtype }];
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (c.opset < 10) {
    starts = c.ints('starts');
    ends = c.ints('ends');
    axes = c.ints('axes');
  } else {
    starts = c.nums(1);
    ends = c.nums(2);
    axes = c.node.inputs[3] ? c.nums(3) : undefined;
    if (c.node.inputs[3] && !axes) return [{ dtype: x.dtype, shape: s.map(() => null) }];
    steps = c.node.inputs[4] ? c.nums(4) : undefined;
    if (c.node.inputs[4] && !steps) return [{ dtype: x.dtype, shape: s.map(() => null) }];
  }
  if (!starts || !ends) return [{ dtype: x.dtype, shape: s.map(() => null) }];
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, s.length));
  const out = s.slice();
  ax.forEach((a, i) => {
    out[a] = sliceDim(s[a], starts![i], ends![i], steps?.[i] ?? 1);
  });
  let value: SymDim[] | undefined;
  if (x.value && s.every(isNum) && x.value.length === product(s)) {
    // Index lists per axis, then gather (small tensors only: shape constants and pad specs).
    const idx: number[][] = (s as number[]).map((n) => Array.from({ length: n }, (_, i) => i));
    ax.forEach((a, i) => {
      const n = s[a] as number, step = steps?.[i] ?? 1;
      const list: number[] = [];
      if (step > 0) {
        const st = Math.min(Math.max(starts![i] < 0 ? starts![i] + n : starts![i], 0), n);
        const en = Math.min(Math.max(ends![i] < 0 ? ends![i] + n : ends![i], 0), n);
        for (let k = st; k < en && list.length <= MAX_VALUES; k += step) list.push(k);
      } else if (step < 0) {
        const st = Math.min(Math.max(starts![i] < 0 ? starts![i] + n : starts![i], 0), n - 1);
        const en = Math.min(Math.max(ends![i] < 0 ? ends![i] + n : ends![i], -1), n - 1);
        for (let k = st; k > en && list.length <= MAX_VALUES; k += step) list.push(k);
      }
      idx[a] = list;
    });
    value = gatherValues(s as number[], x.value, idx);
  }
  return [{ dtype: x.dtype, shape: out, value }];
}

/** Elements of a row-major tensor at the cartesian product of per-axis index lists. */
function gatherValues(shape: number[], value: SymDim[], idx: number[][]): SymDim[] | undefined {
  const total = idx.reduce((a, l) => a * l.length, 1);
  if (total > MAX_VALUES) return undefined;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: SymDim[] = [];
  const rec = (axis: number, off: number): void => {
    if (axis === shape.length) {
      out.push(value[off] ?? null);
      return;
    }
    for (const k of idx[axis]) rec(axis + 1, off + k * strides[axis]);
  };
  rec(0, 0);
  return out;
}

function gather(c: OpContext): TType[] | undefined {
  const data = c.inputs[0], idx = c.inputs[1];
  if (!data?.shape || !idx?.shape) return [{ dtype: data?.dtype }];
  const axis = normAxis(c.int('axis', 0), data.shape.length);
  const out = [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)];
  let value: SymDim[] | undefined;
  const iv = c.nums(1);
  if (data.value && data.shape.length === 1 && iv && isNum(data.shape[0])) {
    const n = data.shape[0];
    value = iv.map((i) => data.value![i < 0 ? i + n : i] ?? null);
  }
  return [{ dtype: data.dtype, shape: out, value }];
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

function pad(c: OpContext): TType[] | undefined {
  const x = c.inputs[0];
  const s = x?.shape;
  if (!s) return [{ dtype: x?.dtype }];
  const pads = c.opset >= 11 ? c.nums(1) : c.ints('pads') ?? c.ints('paddings');
  if (!pads) return [{ dtype: x.dtype, shape: s.map(() => null) }];
  let axes = s.map((_, i) => i);
  if (c.opset >= 18 && c.node.inputs[3]) {
    const a = c.nums(3);
    if (!a) return [{ dtype: x.dtype, shape: s.map(() => null) }];
    axes = a.map((v) => normAxis(v, s.length));
  }
  const out = s.slice();
  axes.forEach((a, i) => {
    out[a] = add(s[a], pads[i] + pads[i + axes.length]);
  });
  return [{ dtype: x.dtype, shape: out }];
}

function constant(c: OpContext): TType[] | undefined {
  for (const a of c.node.attributes) {
    switch (a.name) {
      case 'value':
        if (a.t) return [{ dtype: a.t.dtype, shape: a.t.dims, value: a.t.values }];
        break;
      case 'value_float': return [{ dtype: DataType.FLOAT, shape: [], value: [a.f ?? 0] }];
      case 'value_floats': return [{ dtype: DataType.FLOAT, shape: [a.count ?? a.floats?.length ?? 0], value: a.floats }];
      case 'value_int': return [{ dtype: DataType.INT64, shape: [], value: [a.i ?? 0] }];
      case 'value_ints': return [{ dtype: DataType.INT64, shape: [a.count ?? a.ints?.length ?? 0], value: a.ints }];
      case 'value_string': return [{ dtype: DataType.STRING, shape: [] }];
      case 'value_strings': return [{ dtype: DataType.STRING, shape: [a.strings?.length ?? 0] }];
      case 'sparse_value': return [{}];
    }
  }
  return undefined;
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

function range(c: OpContext): TType[] | undefined {
  const [start, limit, delta] = [0, 1, 2].map((i) => c.inputs[i]?.value?.[0]);
  const dtype = c.inputs[0]?.dtype;
  if (start === undefined || limit === undefined || delta === undefined) return [{ dtype, shape: [null] }];
  if (isNum(start) && isNum(limit) && isNum(delta)) {
    const n = Math.max(Math.ceil((limit - start) / delta), 0);
    const value = n <= MAX_VALUES ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
    return [{ dtype, shape: [n], value }];
  }
  if (delta === 1) return [{ dtype, shape: [sub(limit, start)] }];
  return [{ dtype, shape: [null] }];
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
 * Rules by op type. Default-domain and com.microsoft ops share the table; where a name means different
 * ops in the two domains, the default-domain rule is keyed `ai.onnx:<op>` and looked up first.
 */
export const SHAPE_RULES: Record<string, ShapeRule> = {
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
  ...NN_SHAPE_RULES,
  // Shape manipulation
  Reshape: reshape,
  Flatten: (c) => {
    const x = c.inputs[0];
    if (!x?.shape) return [{ dtype: x?.dtype }];
    const axis = normAxis(c.int('axis', 1), x.shape.length);
    return [{ dtype: x.dtype, shape: [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))] }];
  },
  Transpose: (c) => {
    const x = c.inputs[0];
    if (!x?.shape) return [{ dtype: x?.dtype }];
    const perm = c.ints('perm') ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
    const shape = perm.map((p) => x.shape![p] ?? null);
    let value: SymDim[] | undefined;
    if (x.value && x.shape.every(isNum) && x.value.length === product(x.shape) && x.value.length <= MAX_VALUES) {
      const inShape = x.shape as number[];
      const strides = inShape.map((_, i) => inShape.slice(i + 1).reduce((a, b) => a * b, 1));
      const outShape = perm.map((p) => inShape[p]);
      value = [];
      const rec = (axis: number, off: number): void => {
        if (axis === outShape.length) {
          value!.push(x.value![off] ?? null);
          return;
        }
        for (let k = 0; k < outShape[axis]; k++) rec(axis + 1, off + k * strides[perm[axis]]);
      };
      rec(0, 0);
    }
    return [{ dtype: x.dtype, shape, value }];
  },
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: (c) => [{ dtype: c.inputs[0]?.dtype, shape: c.inputs[1]?.shape }],
  GatherND: (c) => {
    const d = c.inputs[0]?.shape, i = c.inputs[1]?.shape;
    const b = c.int('batch_dims', 0);
    if (!d || !i || !isNum(i[i.length - 1])) return [{ dtype: c.inputs[0]?.dtype }];
    const last = i[i.length - 1] as number;
    return [{ dtype: c.inputs[0]?.dtype, shape: [...i.slice(0, -1), ...d.slice(b + last)] }];
  },
  Expand: (c) => {
    const x = c.inputs[0];
    const s = c.inputs[1]?.value;
    if (!s) return [{ dtype: x?.dtype }];
    return [{ dtype: x?.dtype, shape: broadcast([x?.shape, s]) }];
  },
  Tile: (c) => {
    const x = c.inputs[0];
    const r = c.nums(1);
    if (!x?.shape || !r) return [{ dtype: x?.dtype, shape: x?.shape?.map(() => null) }];
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => mul(d, r[i])) }];
  },
  Pad: pad,
  Shape: (c) => {
    const s = c.inputs[0]?.shape;
    if (!s) return [{ dtype: DataType.INT64 }];
    const r = s.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(c.int('start', 0));
    const end = c.attr('end') ? clamp(c.int('end', r)) : r;
    const v = s.slice(start, Math.max(start, end));
    return [{ dtype: DataType.INT64, shape: [v.length], value: v }];
  },
  Size: (c) => [{ dtype: DataType.INT64, shape: [], value: c.inputs[0]?.shape ? [product(c.inputs[0].shape)] : undefined }],
  ConstantOfShape: (c) => {
    const v = c.inputs[0]?.value;
    const dtype = c.attr('value')?.t?.dtype ?? DataType.FLOAT;
    const fill = c.attr('value')?.t?.values?.[0] ?? 0;
    const shape = v ?? (isNum(c.inputs[0]?.shape?.[0] ?? null) ? new Array(c.inputs[0]!.shape![0] as number).fill(null) : undefined);
    const n = v && v.every(isNum) ? (v as number[]).reduce((a, b) => a * b, 1) : undefined;
    return [{ dtype, shape, value: n !== undefined && n <= MAX_VALUES ? new Array(n).fill(fill) : undefined }];
  },
  Constant: constant,
  Range: range,
  DepthToSpace: (c) => {
    const s = c.inputs[0]?.shape, b = c.int('blocksize', 1);
    return [{ dtype: c.inputs[0]?.dtype, shape: s && s.length === 4 ? [s[0], floorDiv(s[1], b * b), mul(s[2], b), mul(s[3], b)] : undefined }];
  },
  SpaceToDepth: (c) => {
    const s = c.inputs[0]?.shape, b = c.int('blocksize', 1);
    return [{ dtype: c.inputs[0]?.dtype, shape: s && s.length === 4 ? [s[0], mul(s[1], b * b), floorDiv(s[2], b), floorDiv(s[3], b)] : undefined }];
  },
  OneHot: (c) => {
    const i = c.inputs[0]?.shape, depth = c.nums(1)?.[0];
    if (!i) return [{ dtype: c.inputs[2]?.dtype }];
    const axis = normAxis(c.int('axis', -1), i.length + 1);
    const out = i.slice();
    out.splice(axis, 0, depth ?? null);
    return [{ dtype: c.inputs[2]?.dtype, shape: out }];
  },
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
  ...ATTENTION_SHAPE_RULES,
};
