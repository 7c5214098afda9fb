/**
 * Shape rules of the data-movement and shape-manipulation ops (Reshape, Squeeze/Unsqueeze, Concat,
 * Split, Slice, Gather, Transpose, Expand, Tile, Pad, Shape, Constant, Range, …). They carry the
 * values of small integer tensors, so the Shape → Gather/Slice → Concat → Reshape chains exporters
 * emit resolve (ONNX operator specs, https://onnx.ai/onnx/operators/).
 */
import { DataType } from './schema';
import { add, ceilDiv, floorDiv, isNum, mul, product, same, sub, type SymDim } from './expr';
import type { OpContext, ShapeRule, TType } from './rules';
import { MAX_VALUES, axesFrom, broadcast, normAxis } from './shapes';

const BIG = 2 ** 62;

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

export const MOVEMENT_SHAPE_RULES: Record<string, ShapeRule> = {
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
};
