/**
 * Deterministic model builders (seeded PRNG weights) for tests, examples and benchmarks: an MLP, a
 * small conv classifier, and a decoder-only transformer with a KV cache (plus a reward-head variant).
 * Standard ONNX ops only (opset 17) so onnxruntime's CPU provider runs them. The weights mean nothing;
 * the compute shapes are real.
 */
import { mulberry32 } from '../random';
import { DataType, attr, type GraphSpec, type ModelSpec, type NodeSpec, type TensorSpec, type ValueInfoSpec, type AttrValue } from './writer';

/** Small helper that names tensors and collects nodes and initializers. */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  private counter = 0;
  constructor(private readonly rand: () => number = mulberry32(1)) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Uniform(-scale, scale) float32 weight. */
  weight(name: string, dims: number[], scale: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (this.rand() * 2 - 1) * scale;
    this.initializers.push({ name, dtype: DataType.FLOAT, dims, data });
    return name;
  }

  /** Constant-filled float32 tensor (e.g. norm scales of 1). */
  fill(name: string, dims: number[], value: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value);
    this.initializers.push({ name, dtype: DataType.FLOAT, dims, data });
    return name;
  }

  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    this.initializers.push({ name, dtype: DataType.INT64, dims, data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  float(name: string, values: number[], dims: number[] = [values.length]): string {
    this.initializers.push({ name, dtype: DataType.FLOAT, dims, data: Float32Array.from(values) });
    return name;
  }

  /** Add a node with one output (named after `out` or generated); returns the output name. */
  op(op: string, inputs: string[], attrs?: Record<string, AttrValue>, out?: string, domain?: string): string {
    const o = out ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [o], attrs, domain, name: `${op}_${this.nodes.length}` });
    return o;
  }

  graph(name: string, inputs: ValueInfoSpec[], outputs: ValueInfoSpec[]): GraphSpec {
    return { name, nodes: this.nodes, inputs, outputs, initializers: this.initializers };
  }
}

export interface MlpOptions {
  layers?: number;
  hidden?: number;
  inputs?: number;
  outputs?: number;
  /** Symbolic batch name (default 'batch') or a fixed number. */
  batch?: string | number;
  seed?: number;
}

/** input [batch, inputs] → (MatMul + Add + Relu) × layers → MatMul + Add → output [batch, outputs]. */
export function buildMlp(o: MlpOptions = {}): ModelSpec {
  const layers = o.layers ?? 2, hidden = o.hidden ?? 64, nIn = o.inputs ?? 32, nOut = o.outputs ?? 10;
  const b = new GraphBuilder(mulberry32(o.seed ?? 1));
  let x = 'input';
  let width = nIn;
  for (let i = 0; i < layers; i++) {
    const w = b.weight(`fc${i}.weight`, [width, hidden], 1 / Math.sqrt(width));
    const bias = b.weight(`fc${i}.bias`, [hidden], 0.01);
    x = b.op('Relu', [b.op('Add', [b.op('MatMul', [x, w]), bias])]);
    width = hidden;
  }
  const w = b.weight('head.weight', [width, nOut], 1 / Math.sqrt(width));
  const bias = b.weight('head.bias', [nOut], 0.01);
  b.op('Add', [b.op('MatMul', [x, w]), bias], undefined, 'output');
  const batch = o.batch ?? 'batch';
  return {
    opsets: { '': 17 },
    graph: b.graph('mlp', [{ name: 'input', dtype: DataType.FLOAT, shape: [batch, nIn] }], [{ name: 'output', dtype: DataType.FLOAT, shape: [batch, nOut] }]),
  };
}

export interface ConvClassifierOptions {
  /** Channels of each conv stage (each stage: Conv 3×3 + Relu + MaxPool 2×2). */
  channels?: number[];
  inChannels?: number;
  imageSize?: number;
  classes?: number;
  batch?: string | number;
  seed?: number;
}

/** image [batch, C, H, W] → conv stages → GlobalAveragePool → Flatten → Gemm → logits [batch, classes]. */
export function buildConvClassifier(o: ConvClassifierOptions = {}): ModelSpec {
  const channels = o.channels ?? [16, 32], cin = o.inChannels ?? 3, size = o.imageSize ?? 32, classes = o.classes ?? 10;
  const b = new GraphBuilder(mulberry32(o.seed ?? 2));
  let x = 'image';
  let c = cin;
  channels.forEach((co, i) => {
    const w = b.weight(`conv${i}.weight`, [co, c, 3, 3], 1 / Math.sqrt(c * 9));
    const bias = b.weight(`conv${i}.bias`, [co], 0.01);
    x = b.op('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
    x = b.op('Relu', [x]);
    x = b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    c = co;
  });
  x = b.op('Flatten', [b.op('GlobalAveragePool', [x])], { axis: 1 });
  const w = b.weight('fc.weight', [classes, c], 1 / Math.sqrt(c));
  const bias = b.weight('fc.bias', [classes], 0.01);
  b.op('Gemm', [x, w, bias], { transB: 1 }, 'logits');
  const batch = o.batch ?? 'batch';
  return {
    opsets: { '': 17 },
    graph: b.graph(
      'conv_classifier',
      [{ name: 'image', dtype: DataType.FLOAT, shape: [batch, cin, size, size] }],
      [{ name: 'logits', dtype: DataType.FLOAT, shape: [batch, classes] }],
    ),
  };
}

export interface DecoderOptions {
  layers?: number;
  hidden?: number;
  heads?: number;
  /** Key/value heads (grouped-query attention when < heads). */
  kvHeads?: number;
  vocab?: number;
  ffn?: number;
  /** Learned position embeddings (the maximum total sequence length). */
  maxPositions?: number;
  /** KV-cache inputs/outputs (default true). */
  kvCache?: boolean;
  /** Replace the LM head with a scalar reward head: output `reward` [batch, sequence]. */
  rewardHead?: boolean;
  seed?: number;
  name?: string;
}

/**
 * A decoder-only transformer (pre-norm, GQA attention, SwiGLU FFN, learned positions).
 * Inputs: `input_ids` [batch, sequence] int64, `attention_mask` [batch, total_sequence] int64
 * (1 = attend; covers past + new tokens), and with the KV cache `past_key_values.{i}.key/value`
 * [batch, kv_heads, past_sequence, head_size] float32. Outputs: `logits` [batch, sequence, vocab]
 * (or `reward` [batch, sequence]) and `present.{i}.key/value` = Concat(past, new) on axis 2.
 */
export function buildDecoder(o: DecoderOptions = {}): ModelSpec {
  const L = o.layers ?? 2, d = o.hidden ?? 64, H = o.heads ?? 4, KV = o.kvHeads ?? H, V = o.vocab ?? 256;
  const F = o.ffn ?? 4 * d, P = o.maxPositions ?? 256, kvCache = o.kvCache ?? true;
  if (d % H !== 0) throw new Error(`hidden (${d}) must be divisible by heads (${H})`);
  if (H % KV !== 0) throw new Error(`heads (${H}) must be divisible by kvHeads (${KV})`);
  const hs = d / H, rep = H / KV;
  const b = new GraphBuilder(mulberry32(o.seed ?? 3));
  const s = 1 / Math.sqrt(d);

  // Positions: past_len .. past_len + sequence - 1 (past_len from the first past key's shape).
  const zero = b.int64('const.zero', [0], []);
  const one = b.int64('const.one', [1], []);
  const seqLen = b.op('Squeeze', [b.op('Shape', ['input_ids'], { start: 1, end: 2 })], undefined, 'seq_len');
  const pastLen = kvCache
    ? b.op('Squeeze', [b.op('Shape', ['past_key_values.0.key'], { start: 2, end: 3 })], undefined, 'past_len')
    : zero;
  const totalLen = b.op('Add', [pastLen, seqLen], undefined, 'total_len');
  const qPos = b.op('Range', [pastLen, totalLen, one], undefined, 'position_ids'); // [s]
  const kPos = b.op('Range', [zero, totalLen, one], undefined, 'key_positions'); // [t]
  // Causal mask [s, t]: key j visible to query i when j <= past_len + i; combined with padding.
  const causal = b.op('LessOrEqual', [b.op('Unsqueeze', [kPos, b.int64('const.axes0', [0])]), b.op('Unsqueeze', [qPos, b.int64('const.axes1', [1])])]);
  const pad = b.op('Cast', [b.op('Unsqueeze', ['attention_mask', b.int64('const.axes123', [1, 2, 3])])], { to: DataType.BOOL }); // [b,1,1,1,t]
  const mask = b.op('And', [causal, pad], undefined, 'attn_mask'); // [b,1,1,s,t]
  const negInf = b.float('const.neg_inf', [-1e9], []);
  const scale = b.float('const.scale', [1 / Math.sqrt(hs)], []);

  const embed = b.weight('embed_tokens.weight', [V, d], 0.5);
  const pos = b.weight('embed_positions.weight', [P, d], 0.1);
  let x = b.op('Add', [b.op('Gather', [embed, 'input_ids'], { axis: 0 }), b.op('Gather', [pos, qPos], { axis: 0 })], undefined, 'hidden_0');

  const qShape = b.int64('const.q_shape', [0, 0, KV, rep, hs]);
  const kvShape = b.int64('const.kv_shape', [0, 0, KV, hs]);
  const mergeShape = b.int64('const.merge_shape', [0, 0, H * hs]);
  const axes2 = b.int64('const.axes2', [2]);
  const inputs: ValueInfoSpec[] = [
    { name: 'input_ids', dtype: DataType.INT64, shape: ['batch', 'sequence'] },
    { name: 'attention_mask', dtype: DataType.INT64, shape: ['batch', 'total_sequence'] },
  ];
  const presents: ValueInfoSpec[] = [];
  for (let i = 0; i < L; i++) {
    const p = `layers.${i}`;
    const ln1 = b.op('LayerNormalization', [x, b.fill(`${p}.ln1.weight`, [d], 1), b.fill(`${p}.ln1.bias`, [d], 0)], { axis: -1, epsilon: attr.float(1e-5) });
    const q = b.op('MatMul', [ln1, b.weight(`${p}.attn.q_proj.weight`, [d, H * hs], s)]);
    const k = b.op('MatMul', [ln1, b.weight(`${p}.attn.k_proj.weight`, [d, KV * hs], s)]);
    const v = b.op('MatMul', [ln1, b.weight(`${p}.attn.v_proj.weight`, [d, KV * hs], s)]);
    // q: [b,s,H*hs] → [b,KV,rep,s,hs]; k,v: [b,s,KV*hs] → [b,KV,s,hs]
    const qh = b.op('Transpose', [b.op('Reshape', [q, qShape])], { perm: [0, 2, 3, 1, 4] });
    let kh = b.op('Transpose', [b.op('Reshape', [k, kvShape])], { perm: [0, 2, 1, 3] });
    let vh = b.op('Transpose', [b.op('Reshape', [v, kvShape])], { perm: [0, 2, 1, 3] });
    if (kvCache) {
      const pk = `past_key_values.${i}.key`, pv = `past_key_values.${i}.value`;
      inputs.push({ name: pk, dtype: DataType.FLOAT, shape: ['batch', KV, 'past_sequence', hs] });
      inputs.push({ name: pv, dtype: DataType.FLOAT, shape: ['batch', KV, 'past_sequence', hs] });
      kh = b.op('Concat', [pk, kh], { axis: 2 }, `present.${i}.key`);
      vh = b.op('Concat', [pv, vh], { axis: 2 }, `present.${i}.value`);
      presents.push({ name: kh, dtype: DataType.FLOAT, shape: ['batch', KV, 'total_sequence', hs] });
      presents.push({ name: vh, dtype: DataType.FLOAT, shape: ['batch', KV, 'total_sequence', hs] });
    }
    // Grouped-query attention by broadcasting: [b,KV,rep,s,hs] @ [b,KV,1,hs,t] → [b,KV,rep,s,t].
    const kt = b.op('Transpose', [b.op('Unsqueeze', [kh, axes2])], { perm: [0, 1, 2, 4, 3] });
    const scores = b.op('Mul', [b.op('MatMul', [qh, kt]), scale]);
    const probs = b.op('Softmax', [b.op('Where', [mask, scores, negInf])], { axis: -1 });
    const ctx = b.op('MatMul', [probs, b.op('Unsqueeze', [vh, axes2])]); // [b,KV,rep,s,hs]
    const merged = b.op('Reshape', [b.op('Transpose', [ctx], { perm: [0, 3, 1, 2, 4] }), mergeShape]);
    const attnOut = b.op('MatMul', [merged, b.weight(`${p}.attn.o_proj.weight`, [H * hs, d], s)]);
    x = b.op('Add', [x, attnOut]);
    const ln2 = b.op('LayerNormalization', [x, b.fill(`${p}.ln2.weight`, [d], 1), b.fill(`${p}.ln2.bias`, [d], 0)], { axis: -1, epsilon: attr.float(1e-5) });
    const gate = b.op('MatMul', [ln2, b.weight(`${p}.mlp.gate_proj.weight`, [d, F], s)]);
    const up = b.op('MatMul', [ln2, b.weight(`${p}.mlp.up_proj.weight`, [d, F], s)]);
    const act = b.op('Mul', [b.op('Mul', [gate, b.op('Sigmoid', [gate])]), up]); // SwiGLU
    const down = b.op('MatMul', [act, b.weight(`${p}.mlp.down_proj.weight`, [F, d], 1 / Math.sqrt(F))]);
    x = b.op('Add', [x, down], undefined, `hidden_${i + 1}`);
  }
  const lnf = b.op('LayerNormalization', [x, b.fill('norm.weight', [d], 1), b.fill('norm.bias', [d], 0)], { axis: -1, epsilon: attr.float(1e-5) });
  const outputs: ValueInfoSpec[] = [];
  if (o.rewardHead) {
    const r = b.op('MatMul', [lnf, b.weight('reward_head.weight', [d, 1], s)]);
    b.op('Squeeze', [r, b.int64('const.axes_last', [-1])], undefined, 'reward');
    outputs.push({ name: 'reward', dtype: DataType.FLOAT, shape: ['batch', 'sequence'] });
  } else {
    b.op('MatMul', [lnf, b.weight('lm_head.weight', [d, V], s)], undefined, 'logits');
    outputs.push({ name: 'logits', dtype: DataType.FLOAT, shape: ['batch', 'sequence', V] });
  }
  outputs.push(...presents);
  return {
    opsets: { '': 17 },
    docString: `Synthetic decoder-only transformer (deterministic weights): layers=${L} hidden=${d} heads=${H} kv_heads=${KV} head_size=${hs} vocab=${V} ffn=${F}`,
    metadata: { 'ttc_lens.layers': String(L), 'ttc_lens.hidden': String(d), 'ttc_lens.heads': String(H), 'ttc_lens.kv_heads': String(KV), 'ttc_lens.vocab': String(V) },
    graph: b.graph(o.name ?? (o.rewardHead ? 'reward_model' : 'decoder'), inputs, outputs),
  };
}

export { mulberry32 };
