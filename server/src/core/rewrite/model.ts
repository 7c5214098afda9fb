/**
 * An editable ONNX model for graph rewrites (quantization, pruning).
 *
 * The lazy reader (core/onnx/reader.ts) never materialises a model; a rewrite must. This module decodes
 * the whole ModelProto with protobufjs against the same embedded onnx.proto the writer uses, so every
 * field the schema knows survives a decode → edit → encode round trip (unknown fields do not: the
 * schema is ONNX 1.17's, complete for models ORT 1.30 loads). `raw_data` stays a view into the input
 * bytes until a tensor is replaced, so decoding a 100 MB model does not copy its weights.
 *
 * The objects are protobufjs message instances, typed here with the fields rewrites use; int64 fields
 * may arrive as `Long` — read them with `num()`.
 */
import { onnxRoot } from '../onnx/writer';
import { DataType } from '../onnx/schema';

/** An int64 as protobufjs decodes it: a number, or a Long when the value needs it. */
export type Int64 = number | { toNumber(): number };

export interface TensorProto {
  name?: string;
  dims?: Int64[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
  [field: string]: unknown;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Int64[];
  graphs?: GraphProto[];
  [field: string]: unknown;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute: AttributeProto[];
  [field: string]: unknown;
}

export interface ValueInfoProto {
  name?: string;
  type?: unknown;
  [field: string]: unknown;
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
  [field: string]: unknown;
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import: { domain?: string; version?: Int64 }[];
  graph: GraphProto;
  [field: string]: unknown;
}

/** Attribute type numbers (onnx.proto AttributeProto.AttributeType). */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, GRAPHS: 10 } as const;

function modelType() {
  return onnxRoot().lookupType('onnx.ModelProto');
}
function lookup(name: string) {
  return onnxRoot().lookupType(name);
}

/** Decode ONNX bytes into an editable model. Throws a clear error on bytes that are not a model. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let m: ModelProto;
  try {
    m = modelType().decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new Error(`not a readable ONNX model: ${(e as Error).message}`);
  }
  if (!m.graph) throw new Error('not a readable ONNX model: it has no graph');
  return m;
}

/** Encode an edited model to ONNX bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return modelType().encode(model as never).finish();
}

/** A number from an int64 field. */
export function num(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export function dimsOf(t: TensorProto): number[] {
  return (t.dims ?? []).map(num);
}

/** The opset version a model imports for a domain ('' = ai.onnx), or undefined. */
export function opsetOf(model: ModelProto, domain: string): number | undefined {
  const d = domain === 'ai.onnx' ? '' : domain;
  const e = model.opset_import.find((o) => (o.domain ?? '') === d);
  return e ? num(e.version) : undefined;
}

/** Import a domain at a version if the model does not import it yet (never bumps an existing one). */
export function ensureOpset(model: ModelProto, domain: string, version: number): void {
  if (opsetOf(model, domain) !== undefined) return;
  model.opset_import.push(lookup('onnx.OperatorSetIdProto').create({ domain, version }) as never);
}

/** Every graph of a model: the main graph, then subgraphs (If/Loop/Scan bodies) depth-first. */
export function* allGraphs(graph: GraphProto): Generator<GraphProto> {
  yield graph;
  for (const n of graph.node) {
    for (const a of n.attribute) {
      if (a.g) yield* allGraphs(a.g);
      for (const g of a.graphs ?? []) yield* allGraphs(g);
    }
  }
}

/** Names a graph's nodes read, including outer-scope names read inside its subgraphs. */
export function namesRead(graph: GraphProto): Set<string> {
  const read = new Set<string>();
  for (const g of allGraphs(graph)) {
    for (const n of g.node) for (const i of n.input) if (i) read.add(i);
    for (const o of g.output) if (o.name) read.add(o.name);
  }
  return read;
}

/** Nodes that read each name, in this graph only (subgraph reads are in `namesRead`). */
export function consumers(graph: GraphProto): Map<string, NodeProto[]> {
  const m = new Map<string, NodeProto[]>();
  for (const n of graph.node) {
    for (const i of n.input) {
      if (!i) continue;
      const list = m.get(i);
      if (list) list.push(n);
      else m.set(i, [n]);
    }
  }
  return m;
}

/** The node that produces each name in this graph. */
export function producers(graph: GraphProto): Map<string, NodeProto> {
  const m = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) if (o) m.set(o, n);
  return m;
}

/** A constant tensor by name: a graph initializer, or the `value` of a Constant node. */
export interface ConstantRef {
  tensor: TensorProto;
  /** The Constant node holding it, when it is not an initializer. */
  node?: NodeProto;
}

/** Find a constant visible in `graph` (its own initializers and Constant nodes). */
export function findConstant(graph: GraphProto, name: string): ConstantRef | undefined {
  const init = graph.initializer.find((t) => t.name === name);
  if (init) return { tensor: init };
  for (const n of graph.node) {
    if (n.op_type === 'Constant' && (n.domain ?? '') === '' && n.output[0] === name) {
      const value = n.attribute.find((a) => a.name === 'value' && a.t);
      if (value?.t) return { tensor: value.t, node: n };
    }
  }
  return undefined;
}

/** A float tensor's values (FLOAT from raw_data or float_data; FLOAT16 and DOUBLE converted). */
export function floatValues(t: TensorProto): Float32Array {
  const count = dimsOf(t).reduce((a, b) => a * b, 1);
  if (t.data_location === 1) throw new Error(`tensor '${t.name}' keeps its data in an external file; load the model with its data to rewrite it`);
  const raw = t.raw_data && t.raw_data.byteLength > 0 ? t.raw_data : undefined;
  switch (t.data_type) {
    case DataType.FLOAT: {
      if (raw) {
        const copy = new Uint8Array(raw); // aligned copy
        return new Float32Array(copy.buffer, 0, count);
      }
      return Float32Array.from(t.float_data ?? []);
    }
    case DataType.DOUBLE: {
      if (raw) return Float32Array.from(new Float64Array(new Uint8Array(raw).buffer, 0, count));
      return Float32Array.from(t.double_data ?? []);
    }
    case DataType.FLOAT16: {
      const halves = raw ? new Uint16Array(new Uint8Array(raw).buffer, 0, count) : Uint16Array.from(t.int32_data ?? []);
      return Float32Array.from(halves, halfToFloat);
    }
    default:
      throw new Error(`tensor '${t.name}' has data type ${t.data_type}, not a float type`);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

type Typed = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

const TYPED_DTYPE: [new (...a: never[]) => Typed, number][] = [
  [Float32Array, DataType.FLOAT],
  [Int8Array, DataType.INT8],
  [Uint8Array, DataType.UINT8],
  [Int32Array, DataType.INT32],
  [BigInt64Array, DataType.INT64],
];

/** A new initializer tensor from a typed array (raw_data, little-endian). */
export function makeTensor(name: string, dims: number[], data: Typed, dataType?: number): TensorProto {
  const dt = dataType ?? TYPED_DTYPE.find(([C]) => data instanceof C)?.[1];
  if (dt === undefined) throw new Error(`no ONNX data type for ${data.constructor.name}`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return lookup('onnx.TensorProto').create({ name, dims, data_type: dt, raw_data: bytes }) as unknown as TensorProto;
}

/** A new node. Attributes: numbers become INT (or FLOAT with `{ f }`), arrays INTS, strings STRING. */
export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  opts: { name?: string; domain?: string; attrs?: Record<string, number | number[] | string | { f: number }> } = {},
): NodeProto {
  const attribute = Object.entries(opts.attrs ?? {}).map(([name, v]) => {
    if (typeof v === 'number') return { name, type: ATTR.INT, i: v };
    if (typeof v === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: v };
    return { name, type: ATTR.FLOAT, f: v.f };
  });
  return lookup('onnx.NodeProto').create({
    op_type: opType,
    domain: opts.domain ?? '',
    input: inputs,
    output: outputs,
    name: opts.name ?? '',
    attribute: attribute.map((a) => lookup('onnx.AttributeProto').create(a)),
  }) as unknown as NodeProto;
}

/** An attribute's value read as a number (INT or FLOAT), or `fallback`. */
export function attrNumber(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  if (!a) return fallback;
  if (a.type === ATTR.FLOAT) return a.f ?? fallback;
  return a.i !== undefined ? num(a.i) : fallback;
}

/** A name not used anywhere in the model's graphs, derived from `base`. */
export function uniqueNamer(graph: GraphProto): (base: string) => string {
  const used = new Set<string>();
  for (const g of allGraphs(graph)) {
    for (const n of g.node) {
      for (const x of [...n.input, ...n.output]) used.add(x);
      if (n.name) used.add(n.name);
    }
    for (const t of g.initializer) if (t.name) used.add(t.name);
    for (const v of [...g.input, ...g.output, ...g.value_info]) if (v.name) used.add(v.name);
  }
  return (base) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}

/**
 * Remove initializers and Constant nodes nobody reads any more (in any graph of the model; a subgraph
 * may read an outer name), and value_info entries for names no longer produced. Returns the number of
 * bytes of tensor data removed.
 */
export function removeUnused(model: ModelProto): number {
  const root = model.graph;
  let freed = 0;
  for (let changed = true; changed; ) {
    changed = false;
    const read = namesRead(root);
    for (const g of allGraphs(root)) {
      const keepInit = g.initializer.filter((t) => read.has(t.name ?? '') || g.input.some((i) => i.name === t.name));
      for (const t of g.initializer) if (!keepInit.includes(t)) freed += t.raw_data?.byteLength ?? 0;
      if (keepInit.length !== g.initializer.length) changed = true;
      g.initializer = keepInit;
      const keepNodes = g.node.filter((n) => !(n.op_type === 'Constant' && (n.domain ?? '') === '' && !n.output.some((o) => read.has(o))));
      for (const n of g.node) if (!keepNodes.includes(n)) freed += n.attribute.find((a) => a.t)?.t?.raw_data?.byteLength ?? 0;
      if (keepNodes.length !== g.node.length) changed = true;
      g.node = keepNodes;
    }
  }
  for (const g of allGraphs(root)) {
    const produced = new Set<string>();
    for (const n of g.node) for (const o of n.output) produced.add(o);
    g.value_info = g.value_info.filter((v) => produced.has(v.name ?? ''));
  }
  return freed;
}

/**
 * Order a graph's nodes so that each comes after the producers of its inputs (rewrites insert nodes
 * next to where they are needed; ONNX requires a topological order). Stable for an already-sorted graph.
 */
export function topoSort(graph: GraphProto, outer: Set<string> = new Set()): void {
  const available = new Set<string>(outer);
  for (const i of graph.input) if (i.name) available.add(i.name);
  for (const t of graph.initializer) if (t.name) available.add(t.name);
  const pending = [...graph.node];
  const sorted: NodeProto[] = [];
  const ready = (n: NodeProto) => n.input.every((i) => !i || available.has(i)) && subgraphReads(n).every((i) => available.has(i) || !isProducedIn(pending, i));
  while (pending.length) {
    const idx = pending.findIndex(ready);
    if (idx < 0) throw new Error(`graph '${graph.name ?? ''}' has a cycle or reads a name nothing produces (${pending[0].op_type} '${pending[0].name ?? ''}')`);
    const [n] = pending.splice(idx, 1);
    sorted.push(n);
    for (const o of n.output) if (o) available.add(o);
  }
  graph.node = sorted;
}

function subgraphReads(n: NodeProto): string[] {
  const out: string[] = [];
  for (const a of n.attribute) for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) out.push(...namesRead(g));
  return out;
}

function isProducedIn(nodes: NodeProto[], name: string): boolean {
  return nodes.some((n) => n.output.includes(name));
}
