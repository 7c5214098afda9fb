/**
 * Generation with a KV-cache decoder, as `../shared/STRATEGIES.md` fixes it, shared by the executor
 * (execute.ts) and the point timings (points.ts) so both run the same code:
 *
 * - prefill: [B, P] ids with an empty cache; greedy argmax of the last position's logits gives token 1.
 * - step: the rows' last tokens [B, 1] with a cache of c tokens, attention_mask [B, c + 1], position
 *   ids c; the `present.*` outputs become the next cache; argmax again.
 * - tile (1 row → b rows) and gather (keep rows by index, each copied m times): typed-array copies of
 *   every KV tensor along the batch axis, wrapped in new runtime tensors.
 * - verifier input: each row's prompt + generated tokens, right-padded to T (attention_mask 0 there).
 *
 * The model layout (input_ids, attention_mask, position_ids, past_key_values.* / present.*) is the
 * one decoder.ts recognises. The cache's batch axis is dim 0, so one row of a KV tensor is contiguous.
 */
import { readModel } from '../core/onnx/reader';
import { mulberry32 } from '../core/random';
import { generateTensor, resolveShape } from '../core/profile/inputs';
import type { SessionTensorInfo } from '../core/profile/protocol';
import { layoutOf, pairKv, pastDimIndex } from './decoder';
import { makeTensor, toTensor, type Feeds, type Session, type Tensor } from './runtime';

type Typed = Float32Array | Float64Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint32Array | BigUint64Array;
type TypedCtor = new (n: number) => Typed;

/** How to feed and read one KV-cache decoder. */
export interface DecoderIo {
  ids: SessionTensorInfo;
  mask?: SessionTensorInfo;
  pos?: SessionTensorInfo;
  /** Cache inputs with their present outputs; `dims` has batch 1 and past length 0. */
  kv: Array<{ past: string; present: string; dtype: string; dims: number[]; pastAxis: number }>;
  /** Inputs that are none of the above: generated once per batch size. */
  others: SessionTensorInfo[];
  logits: string;
  /** Token vocabulary (the logits' last dim), when the model declares it. */
  vocab?: number;
  bind: Record<string, number>;
}

export function decoderIo(inputs: SessionTensorInfo[], outputs: SessionTensorInfo[], bind: Record<string, number> = {}): DecoderIo {
  const l = layoutOf(inputs);
  if (!l.ids) throw new Error('the decoder has no input_ids input');
  const pairs = pairKv(inputs, outputs);
  const unpaired = l.past.filter((p) => ![...pairs.values()].includes(p.name));
  if (unpaired.length) throw new Error(`cache inputs without a matching present output: ${unpaired.map((p) => p.name).join(', ')}`);
  const logits = outputs.find((o) => /logits/i.test(o.name)) ?? outputs.find((o) => !/^present/i.test(o.name));
  if (!logits) throw new Error('the decoder has no logits output');
  const kv = [...pairs].map(([present, past]) => {
    const info = l.past.find((p) => p.name === past)!;
    const dims = resolveShape(info, bind, new Set(), undefined);
    const pastAxis = pastDimIndex(info);
    dims[0] = 1;
    dims[pastAxis] = 0;
    return { past, present, dtype: info.dtype, dims, pastAxis };
  });
  const last = logits.shape[logits.shape.length - 1];
  return { ids: l.ids, mask: l.mask, pos: l.pos, kv, others: l.others, logits: logits.name, vocab: typeof last === 'number' ? last : undefined, bind };
}

/**
 * The number of token ids the model's embedding table holds: the rows of the initializer that the
 * ids input indexes with a Gather (read from the file's structure, no weights loaded).
 */
export function embeddingRows(file: string, idsInput: string): number | undefined {
  try {
    const g = readModel(file).graph;
    for (const n of g.nodes) {
      if (n.opType !== 'Gather' || n.inputs[1] !== idsInput) continue;
      const table = g.initializers.find((t) => t.name === n.inputs[0]);
      if (table && table.dims.length === 2) return table.dims[0];
    }
  } catch {
    // Unreadable structure: the caller falls back to a conservative cap.
  }
  return undefined;
}

/** Fixed pseudo-random prompt ids in [1, cap) (0 is kept for padding), the same for every run. */
export function promptIds(count: number, cap: number): number[] {
  const r = mulberry32(0x7c0ffee);
  const hi = Math.max(2, Math.floor(cap));
  return Array.from({ length: count }, () => 1 + Math.floor(r() * (hi - 1)));
}

/** One batch of sequences being generated. */
export interface GenState {
  rows: number;
  /** Tokens held in the cache (the past length of the next step). */
  context: number;
  /** Cache tensors by past input name, [rows, …, context, …]. */
  kv: Record<string, Tensor>;
  /** Tokens shared by every row before the generated ones. */
  prompt: number[];
  /** Generated tokens per row; the last one is not yet in the cache. */
  gen: number[][];
  /** Answer length per row (forced lengths of a wave's samples): the verifier reads no further. */
  limit?: number[];
  /** The verifier's last score per row (kv_gather keeps the best). */
  scores?: number[];
}

// ---- feeds -----------------------------------------------------------------------------------------

function intArray(dtype: string, n: number): BigInt64Array | Int32Array {
  if (dtype === 'int64') return new BigInt64Array(n);
  if (dtype === 'int32') return new Int32Array(n);
  throw new Error(`token inputs of type ${dtype} are not supported (int64 or int32)`);
}

function setInt(a: BigInt64Array | Int32Array, i: number, v: number): void {
  if (a instanceof BigInt64Array) a[i] = BigInt(v);
  else a[i] = v;
}

/** A buffer of ones that grows as needed; masks are views of it (no per-step fill). */
class Ones {
  private buf: Record<string, BigInt64Array | Int32Array> = {};
  take(dtype: string, n: number): BigInt64Array | Int32Array {
    let b = this.buf[dtype];
    if (!b || b.length < n) {
      b = intArray(dtype, Math.max(n, 2 * (b?.length ?? 0), 4096));
      if (b instanceof BigInt64Array) b.fill(1n);
      else b.fill(1);
      this.buf[dtype] = b;
    }
    return b.subarray(0, n);
  }
}

/** Feeds and token choice for one decoder session; reused across calls of a request. */
export class Generator {
  private readonly ones = new Ones();
  private readonly empty = new Map<string, Tensor>();
  private readonly others = new Map<number, Feeds>();

  constructor(
    readonly session: Session,
    readonly io: DecoderIo,
  ) {}

  private otherFeeds(rows: number): Feeds {
    let f = this.others.get(rows);
    if (!f) {
      f = {};
      for (const t of this.io.others) {
        const d = resolveShape(t, this.io.bind, new Set(), undefined);
        if (d.length && typeof t.shape[0] === 'string') d[0] = rows;
        f[t.name] = toTensor(generateTensor(t.name, t.dtype, d));
      }
      this.others.set(rows, f);
    }
    return f;
  }

  private emptyKv(rows: number): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const k of this.io.kv) {
      const key = `${k.past}:${rows}`;
      let t = this.empty.get(key);
      if (!t) {
        const dims = k.dims.slice();
        dims[0] = rows;
        t = makeTensor(k.dtype, new (ctorOf(k.dtype))(0), dims);
        this.empty.set(key, t);
      }
      out[k.past] = t;
    }
    return out;
  }

  /** Run `tokens[r]` (all rows the same length) after the state's cache; returns the next state. */
  private async feed(tokens: number[][], context: number, kv: Record<string, Tensor>): Promise<{ kv: Record<string, Tensor>; next: number[] }> {
    const io = this.io;
    const rows = tokens.length;
    const n = tokens[0].length;
    const ids = intArray(io.ids.dtype, rows * n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) setInt(ids, r * n + j, tokens[r][j]);
    const feeds: Feeds = { [io.ids.name]: makeTensor(io.ids.dtype, ids, [rows, n]) };
    if (io.mask) feeds[io.mask.name] = makeTensor(io.mask.dtype, this.ones.take(io.mask.dtype, rows * (context + n)), [rows, context + n]);
    if (io.pos) {
      const p = intArray(io.pos.dtype, rows * n);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) setInt(p, r * n + j, context + j);
      feeds[io.pos.name] = makeTensor(io.pos.dtype, p, [rows, n]);
    }
    Object.assign(feeds, kv);
    if (io.others.length) Object.assign(feeds, this.otherFeeds(rows));
    const out = await this.session.run(feeds);
    const next: Record<string, Tensor> = {};
    for (const k of io.kv) next[k.past] = out[k.present] as Tensor;
    return { kv: next, next: argmaxLast(out[io.logits] as Tensor, rows) };
  }

  /** Prefill `rows` copies of `prompt` with an empty cache; token 1 by greedy argmax. */
  async prefill(prompt: number[], rows = 1): Promise<GenState> {
    const tokens = Array.from({ length: rows }, () => prompt);
    const { kv, next } = await this.feed(tokens, 0, this.emptyKv(rows));
    return { rows, context: prompt.length, kv, prompt, gen: next.map((t) => [t]) };
  }

  /**
   * One decode step: feed each row's last token. `record` false (lookahead) leaves the histories alone
   * and returns a state whose rows hold only their last token.
   */
  async step(st: GenState, record = true): Promise<GenState> {
    const last = st.gen.map((g) => [g[g.length - 1]]);
    const { kv, next } = await this.feed(last, st.context, st.kv);
    const gen = record ? st.gen : last;
    for (let r = 0; r < st.rows; r++) gen[r].push(next[r]);
    return { ...st, context: st.context + 1, kv, gen, scores: undefined };
  }

  /** A cache of `rows` rows and `context` tokens with synthetic contents (point timings). */
  syntheticState(rows: number, context: number, prompt: number[]): GenState {
    const kv: Record<string, Tensor> = {};
    for (const k of this.io.kv) {
      const dims = k.dims.slice();
      dims[0] = rows;
      dims[k.pastAxis] = context;
      const n = dims.reduce((a, b) => a * b, 1);
      const data = new (ctorOf(k.dtype))(n);
      fillPattern(data);
      kv[k.past] = makeTensor(k.dtype, data, dims);
    }
    return { rows, context, kv, prompt, gen: Array.from({ length: rows }, (_, r) => [prompt[r % Math.max(1, prompt.length)] ?? 1]) };
  }
}

function ctorOf(dtype: string): TypedCtor {
  const c: Record<string, TypedCtor> = {
    float32: Float32Array,
    float64: Float64Array,
    float16: Uint16Array,
    bfloat16: Uint16Array,
    int32: Int32Array,
    int64: BigInt64Array,
    int8: Int8Array,
    uint8: Uint8Array,
    int16: Int16Array,
    uint32: Uint32Array,
    uint64: BigUint64Array,
  };
  const k = c[dtype];
  if (!k) throw new Error(`cache tensors of type ${dtype} are not supported`);
  return k;
}

/** Cheap deterministic small values (timings do not depend on them; the PRNG would cost seconds). */
function fillPattern(a: Typed): void {
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) return;
  if (a instanceof Float32Array || a instanceof Float64Array) {
    for (let i = 0; i < a.length; i++) a[i] = ((i * 2654435761) % 1024) / 4096 - 0.125;
  } else if (a instanceof Uint16Array) a.fill(0x2c00); // 0.0625 in half precision
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Greedy token choice: argmax over the last position of logits [rows, seq, vocab] (or [rows, vocab]). */
export function argmaxLast(logits: Tensor, rows: number): number[] {
  const d = logits.dims;
  const V = d[d.length - 1];
  const perRow = logits.size / rows;
  const data = logits.data as Float32Array | Float64Array | Uint16Array;
  const half = logits.type === 'float16';
  const out: number[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * perRow + perRow - V;
    let best = 0;
    let bv = -Infinity;
    for (let v = 0; v < V; v++) {
      const x = half ? halfToFloat(data[o + v]) : data[o + v];
      if (x > bv) {
        bv = x;
        best = v;
      }
    }
    out[r] = best;
  }
  return out;
}

// ---- KV copies -------------------------------------------------------------------------------------

/** New tensor whose row j is row `from[j]` of `t` (batch axis 0). The copy tile and gather share. */
export function copyRows(t: Tensor, from: readonly number[]): Tensor {
  const src = t.data as Typed;
  const rowLen = src.length / t.dims[0];
  const dst = new (src.constructor as TypedCtor)(rowLen * from.length);
  for (let j = 0; j < from.length; j++) {
    const r = from[j];
    (dst as Float32Array).set((src as Float32Array).subarray(r * rowLen, (r + 1) * rowLen), j * rowLen);
  }
  const dims = t.dims.slice();
  dims[0] = from.length;
  return makeTensor(t.type, dst, dims);
}

function copyState(st: GenState, from: number[]): GenState {
  const kv: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(st.kv)) kv[name] = copyRows(t, from);
  return {
    rows: from.length,
    context: st.context,
    kv,
    prompt: st.prompt,
    gen: from.map((r) => st.gen[r].slice()),
    ...(st.limit ? { limit: from.map((r) => st.limit![r]) } : {}),
  };
}

/** 1 row → b rows (the prompt's cache copied to every sample of a wave or every beam). */
export function tile(st: GenState, b: number): GenState {
  if (st.rows !== 1) throw new Error(`kv_tile expects a 1-row state, got ${st.rows} rows`);
  return copyState(st, new Array<number>(b).fill(0));
}

/**
 * Keep rows `keep` (in that order) and copy each so that the state has `rows` rows again: output row
 * j is kept row ⌊j·|keep| / rows⌋ (each copied rows/|keep| times when that divides).
 */
export function gather(st: GenState, keep: readonly number[], rows: number): GenState {
  const from = Array.from({ length: rows }, (_, j) => keep[Math.floor((j * keep.length) / rows)]);
  return copyState(st, from);
}

/** Indices of the `k` best rows by score (ties: lower index first); the first rows when unscored. */
export function bestRows(scores: readonly number[] | undefined, rows: number, k: number): number[] {
  const idx = Array.from({ length: rows }, (_, i) => i);
  if (scores) idx.sort((a, b) => (scores[b] ?? -Infinity) - (scores[a] ?? -Infinity) || a - b);
  return idx.slice(0, Math.min(k, rows));
}

// ---- verifier --------------------------------------------------------------------------------------

/** How to feed and read a verifier (a process reward model: ids + mask → a score per position). */
export interface VerifierIo {
  ids: SessionTensorInfo;
  mask?: SessionTensorInfo;
  pos?: SessionTensorInfo;
  others: SessionTensorInfo[];
  output: string;
  /** Largest id + 1 the verifier accepts (its embedding rows), when known. */
  vocab?: number;
  bind: Record<string, number>;
}

export function verifierIo(inputs: SessionTensorInfo[], outputs: SessionTensorInfo[], file: string, bind: Record<string, number> = {}): VerifierIo {
  const l = layoutOf(inputs);
  if (!l.ids) throw new Error('the verifier has no input_ids input');
  if (l.past.length) throw new Error('the verifier has KV-cache inputs; a process reward model re-reads the whole prefix without a cache');
  const output = outputs.find((o) => /reward|score/i.test(o.name)) ?? outputs[0];
  if (!output) throw new Error('the verifier has no outputs');
  return { ids: l.ids, mask: l.mask, pos: l.pos, others: l.others, output: output.name, vocab: embeddingRows(file, l.ids.name), bind };
}

/** Each row's tokens for the verifier: prompt + generated, no longer than its answer limit or T. */
export function verifierRows(st: GenState, T: number): number[][] {
  return st.gen.map((g, r) => {
    const len = Math.min(T, st.prompt.length + Math.min(g.length, st.limit?.[r] ?? Infinity));
    const row = st.prompt.slice(0, len);
    for (let j = 0; row.length < len; j++) row.push(g[j]);
    return row;
  });
}

/** Runs the verifier on rows right-padded to T (pad id 0, attention_mask 0 there); one score per row. */
export class Verifier {
  private readonly others = new Map<number, Feeds>();
  constructor(
    readonly session: Session,
    readonly io: VerifierIo,
  ) {}

  feeds(rows: number[][], T: number): Feeds {
    const io = this.io;
    const B = rows.length;
    const ids = intArray(io.ids.dtype, B * T);
    const mask = io.mask ? intArray(io.mask.dtype, B * T) : undefined;
    const cap = io.vocab;
    for (let r = 0; r < B; r++) {
      const row = rows[r];
      for (let j = 0; j < row.length && j < T; j++) {
        setInt(ids, r * T + j, cap ? row[j] % cap : row[j]);
        if (mask) setInt(mask, r * T + j, 1);
      }
    }
    const f: Feeds = { [io.ids.name]: makeTensor(io.ids.dtype, ids, [B, T]) };
    if (io.mask && mask) f[io.mask.name] = makeTensor(io.mask.dtype, mask, [B, T]);
    if (io.pos) {
      const p = intArray(io.pos.dtype, B * T);
      for (let i = 0; i < B * T; i++) setInt(p, i, i % T);
      f[io.pos.name] = makeTensor(io.pos.dtype, p, [B, T]);
    }
    if (io.others.length) {
      let o = this.others.get(B);
      if (!o) {
        o = {};
        for (const t of io.others) {
          const d = resolveShape(t, io.bind, new Set(), undefined);
          if (d.length && typeof t.shape[0] === 'string') d[0] = B;
          o[t.name] = toTensor(generateTensor(t.name, t.dtype, d));
        }
        this.others.set(B, o);
      }
      Object.assign(f, o);
    }
    return f;
  }

  /** Score rows: the output at each row's last real token (agg `last`), or the row's first value. */
  async score(rows: number[][], T: number): Promise<number[]> {
    const out = (await this.session.run(this.feeds(rows, T)))[this.io.output] as Tensor;
    const data = out.data as Float32Array;
    const B = rows.length;
    const per = out.size / B;
    const perPos = out.dims.length >= 2 && out.dims[1] === T ? per / T : 0;
    return rows.map((row, r) => (perPos ? data[r * per + Math.max(0, Math.min(row.length, T) - 1) * perPos] : data[r * per]));
  }
}
