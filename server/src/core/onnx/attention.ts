/**
 * Attention ops: shape and FLOP rules for com.microsoft GroupQueryAttention / Attention /
 * MultiHeadAttention (onnxruntime ContribOperators.md) and ONNX Attention (opset 23). Shape rules are
 * merged into SHAPE_RULES and FLOP rules into FLOP_RULES (registry.ts).
 */
import { add, floorDiv, isNum, mul, type SymDim } from './expr';
import type { FlopRule, OpContext, ShapeRule, TType } from './rules';
import { attrInt, dimsOf } from './dims';

function gqaShape(c: OpContext): TType[] | undefined {
  // com.microsoft.GroupQueryAttention: query [b, s, H*hs] (or packed QKV), past_key [b, KV, past, hs].
  const q = c.inputs[0]?.shape, pk = c.inputs[3]?.shape;
  const H = c.int('num_heads', 0), KV = c.int('kv_num_heads', 0);
  if (!q || q.length !== 3) return undefined;
  let hidden = q[2];
  if (!c.node.inputs[1] && isNum(q[2]) && H && KV) hidden = (q[2] / (H + 2 * KV)) * H;
  const out: TType[] = [{ dtype: c.inputs[0]?.dtype, shape: [q[0], q[1], hidden] }];
  const hs = isNum(hidden) && H ? hidden / H : pk?.[3] ?? null;
  const total = pk ? add(pk[2], q[1]) : q[1];
  const present: TType = { dtype: c.inputs[0]?.dtype, shape: [q[0], KV || (pk?.[1] ?? null), total, hs] };
  return [out[0], present, present];
}

function msAttentionShape(c: OpContext): TType[] | undefined {
  // com.microsoft.Attention: input [b, s, hidden], weights [hidden, 3*hidden], optional past [2, b, H, past, hs].
  const x = c.inputs[0]?.shape, w = c.inputs[1]?.shape;
  if (!x || x.length !== 3 || !w) return undefined;
  const sizes = c.ints('qkv_hidden_sizes');
  const vHidden = sizes ? sizes[2] : isNum(w[1]) ? w[1] / 3 : null;
  const H = c.int('num_heads', 1);
  const past = c.inputs[4]?.shape;
  const hs = isNum(vHidden) ? vHidden / H : null;
  const present: TType = { dtype: c.inputs[0]?.dtype, shape: [2, x[0], H, past ? add(past[3], x[1]) : x[1], hs] };
  return [{ dtype: c.inputs[0]?.dtype, shape: [x[0], x[1], vHidden] }, present];
}

/**
 * ONNX Attention (opset 23): Q/K/V either 3-D [b, s, heads·hs] (q_num_heads/kv_num_heads attributes)
 * or 4-D [b, heads, s, hs]; optional past_key/past_value [b, kv_heads, past, hs] are concatenated.
 */
function onnxAttentionShape(c: OpContext): Array<TType | undefined> | undefined {
  const q = c.inputs[0]?.shape, k = c.inputs[1]?.shape, v = c.inputs[2]?.shape, past = c.inputs[4]?.shape;
  const dtype = c.inputs[0]?.dtype;
  if (!q || !k || !v) return [{ dtype }];
  const qh = c.int('q_num_heads', 0), kvh = c.int('kv_num_heads', 0);
  const four = q.length === 4;
  const kvHeads: SymDim = four ? k[1] : kvh || null;
  const kHs: SymDim = four ? k[3] : kvh ? floorDiv(k[2], kvh) : null;
  const vHs: SymDim = four ? v[3] : kvh ? floorDiv(v[2], kvh) : null;
  const t: SymDim = four ? k[2] : k[1];
  const total = past ? add(past[2], t) : t;
  const y = four ? [q[0], q[1], q[2], vHs] : [q[0], q[1], qh ? mul(vHs, qh) : null];
  return [
    { dtype, shape: y },
    { dtype, shape: [q[0], kvHeads, total, kHs] },
    { dtype, shape: [q[0], kvHeads, total, vHs] },
  ];
}

export const ATTENTION_SHAPE_RULES: Record<string, ShapeRule> = {
  GroupQueryAttention: gqaShape,
  Attention: msAttentionShape,
  'ai.onnx:Attention': onnxAttentionShape,
  MultiHeadAttention: (c) => {
    const q = c.inputs[0]?.shape, v = c.inputs[2]?.shape;
    if (!q || q.length !== 3) return undefined;
    return [{ dtype: c.inputs[0]?.dtype, shape: [q[0], q[1], v && v.length === 3 ? v[2] : q[2]] }];
  },
};

/** Scaled dot-product attention FLOPs: QKᵀ and PV (2·2·b·H·s·t·hs) plus softmax (3·b·H·s·t). */
function sdpa(b: number, heads: number, s: number, t: number, hs: number): number {
  return 4 * b * heads * s * t * hs + 3 * b * heads * s * t;
}

const gqaFlops: FlopRule = (r, ev) => {
  const q = dimsOf(r.inputs[0], ev);
  const present = dimsOf(r.outputs[1], ev);
  const H = attrInt(r, 'num_heads', 0);
  const out = dimsOf(r.outputs[0], ev);
  if (!q || !out || !H) return undefined;
  const hs = out[2] / H;
  const t = present ? present[2] : q[1];
  return sdpa(q[0], H, q[1], t, hs);
};

const msAttentionFlops: FlopRule = (r, ev) => {
  const x = dimsOf(r.inputs[0], ev);
  const w = dimsOf(r.inputs[1], ev);
  const present = dimsOf(r.outputs[1], ev);
  const H = attrInt(r, 'num_heads', 0);
  if (!x || !w || !H) return undefined;
  const [b, s, d] = x;
  const t = present ? present[3] : s;
  const vHidden = w[1] / 3;
  return 2 * b * s * d * w[1] + sdpa(b, H, s, t, vHidden / H);
};

const mhaFlops: FlopRule = (r, ev) => {
  const q = dimsOf(r.inputs[0], ev);
  const k = dimsOf(r.inputs[1], ev);
  const H = attrInt(r, 'num_heads', 0);
  if (!q || !k || !H || q.length !== 3) return undefined;
  const t = k.length === 3 ? k[1] : k.length === 4 ? k[2] : undefined;
  if (t === undefined) return undefined;
  return sdpa(q[0], H, q[1], t, q[2] / H);
};

/** ONNX Attention (opset 23): from Q (3-D or 4-D) and the present key length. */
const onnxAttentionFlops: FlopRule = (r, ev) => {
  const q = dimsOf(r.inputs[0], ev);
  const pk = dimsOf(r.outputs[1], ev);
  const k = dimsOf(r.inputs[1], ev);
  if (!q || !k) return undefined;
  const qh = attrInt(r, 'q_num_heads', 0);
  const four = q.length === 4;
  const heads = four ? q[1] : qh;
  if (!heads) return undefined;
  const s = four ? q[2] : q[1];
  const hs = four ? q[3] : q[2] / heads;
  const t = pk ? pk[2] : four ? k[2] : k[1];
  return sdpa(q[0], heads, s, t, hs);
};

export const ATTENTION_FLOP_RULES: Record<string, FlopRule> = {
  GroupQueryAttention: gqaFlops,
  Attention: msAttentionFlops,
  MultiHeadAttention: mhaFlops,
  'ai.onnx:Attention': onnxAttentionFlops,
};
