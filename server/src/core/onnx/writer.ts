/**
 * Build and serialize ONNX models from TypeScript: nodes, initializers (raw_data), attributes
 * (including subgraphs), opsets (including com.microsoft), value_info and external data.
 *
 * Encoding uses protobufjs (already a dependency; the most widely used JS protobuf package) with the
 * onnx.proto schema embedded as a string (schema.ts) and parsed once, lazily. Reflection-based
 * encoding needs no code generation step, keeps field numbers next to the schema text, and its
 * output is deterministic for a given spec (fields in schema order), so generated example models are
 * byte-for-byte reproducible.
 */
import * as protobuf from 'protobufjs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ONNX_PROTO, type DataType, AttrType, dtypeBits } from './schema';

export { DataType } from './schema';

/** A dimension: a number, a symbolic name, or `null` for an unnamed unknown dimension. */
export type DimSpec = number | string | null;

export interface ValueInfoSpec {
  name: string;
  dtype: DataType;
  /** Omit for unknown rank. */
  shape?: DimSpec[];
}

/** A tensor's elements as the writer stores them in raw_data (core/profile/inputs.ts TensorData is an input fed to a session). */
export type RawTensorData = Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | BigInt64Array | BigUint64Array;

export interface TensorSpec {
  name: string;
  dtype: DataType;
  dims: number[];
  /** Element data, written as little-endian raw_data (for 4-bit types pass packed bytes as Uint8Array). */
  data?: RawTensorData;
  /** Keep this tensor inline even when the model is written with external data. */
  inline?: boolean;
  /**
   * Reference data that already lies in an external file (no `data`): written as data_location
   * EXTERNAL with these entries (for shape-only models and for data files written separately).
   */
  externalRef?: { location: string; offset: number; length: number };
}

/** An attribute value; plain numbers become INT when integral, else FLOAT (use `attr.*` to force). */
export type AttrValue =
  | number
  | string
  | number[]
  | string[]
  | TensorSpec
  | GraphSpec
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'graphs'; value: GraphSpec[] }
  | { kind: 'tensors'; value: TensorSpec[] };

/** Explicit attribute constructors for the cases plain values can't express. */
export const attr = {
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  floats: (value: number[]): AttrValue => ({ kind: 'floats', value }),
  ints: (value: number[]): AttrValue => ({ kind: 'ints', value }),
  graphs: (value: GraphSpec[]): AttrValue => ({ kind: 'graphs', value }),
  tensors: (value: TensorSpec[]): AttrValue => ({ kind: 'tensors', value }),
};

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrValue>;
}

export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
  initializers?: TensorSpec[];
  valueInfo?: ValueInfoSpec[];
  docString?: string;
}

export interface ModelSpec {
  graph: GraphSpec;
  /** Opset per domain; '' (or 'ai.onnx') is the default domain. Default: { '': 17 }. */
  opsets?: Record<string, number>;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export interface ExternalDataOptions {
  /** File name of the external data, relative to the model file. */
  location: string;
  /** Tensors with at least this many bytes go to the external file (default 1024). */
  threshold?: number;
  /** Alignment of each tensor's offset in the external file (default 64). */
  align?: number;
}

export interface SerializedModel {
  model: Uint8Array;
  /** Bytes of the external data file, when `externalData` was requested. */
  external?: Uint8Array;
}

const MAX_PROTO_BYTES = 2 ** 31 - 1;

let rootCache: protobuf.Root | undefined;
/** The parsed onnx.proto schema (protobufjs reflection root), parsed once. */
export function onnxRoot(): protobuf.Root {
  return root();
}

function root(): protobuf.Root {
  rootCache ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  return rootCache;
}

/** Little-endian bytes of a tensor's data (the layout of TensorProto.raw_data). */
export function tensorBytes(data: RawTensorData): Uint8Array {
  // Typed arrays are little-endian on every platform Node supports (x64, arm64).
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function elementCount(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function isGraph(v: unknown): v is GraphSpec {
  return typeof v === 'object' && v !== null && 'nodes' in v && 'outputs' in v;
}
function isTensor(v: unknown): v is TensorSpec {
  return typeof v === 'object' && v !== null && 'dims' in v && 'dtype' in v && !('nodes' in v);
}

class Encoder {
  /** External data chunks (offset order). */
  chunks: Uint8Array[] = [];
  extSize = 0;
  inlineBytes = 0;
  constructor(private readonly ext?: ExternalDataOptions) {}

  tensor(t: TensorSpec, allowExternal: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { name: t.name, data_type: t.dtype, dims: t.dims };
    if (t.externalRef) {
      out.data_location = 1;
      out.external_data = [
        { key: 'location', value: t.externalRef.location },
        { key: 'offset', value: String(t.externalRef.offset) },
        { key: 'length', value: String(t.externalRef.length) },
      ];
      return out;
    }
    if (!t.data) return out;
    const bits = dtypeBits(t.dtype);
    const expected = Math.ceil((elementCount(t.dims) * bits) / 8);
    const raw = tensorBytes(t.data);
    if (bits && raw.byteLength !== expected) {
      throw new Error(`tensor '${t.name}': ${raw.byteLength} bytes of data for dims [${t.dims.join(', ')}] (expected ${expected})`);
    }
    const threshold = this.ext?.threshold ?? 1024;
    if (this.ext && allowExternal && !t.inline && raw.byteLength >= threshold) {
      const align = this.ext.align ?? 64;
      const pad = (align - (this.extSize % align)) % align;
      if (pad) this.chunks.push(new Uint8Array(pad));
      const offset = this.extSize + pad;
      this.chunks.push(raw);
      this.extSize = offset + raw.byteLength;
      out.data_location = 1;
      out.external_data = [
        { key: 'location', value: this.ext.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.byteLength) },
      ];
    } else {
      out.raw_data = raw;
      this.inlineBytes += raw.byteLength;
    }
    return out;
  }

  valueInfo(v: ValueInfoSpec): Record<string, unknown> {
    const tensorType: Record<string, unknown> = { elem_type: v.dtype };
    if (v.shape) {
      tensorType.shape = {
        dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})),
      };
    }
    return { name: v.name, type: { tensor_type: tensorType } };
  }

  attribute(name: string, v: AttrValue): Record<string, unknown> {
    if (typeof v === 'number') {
      return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
    }
    if (typeof v === 'string') return { name, type: AttrType.STRING, s: Buffer.from(v, 'utf8') };
    if (Array.isArray(v)) {
      if (v.length > 0 && typeof v[0] === 'string') {
        return { name, type: AttrType.STRINGS, strings: (v as string[]).map((s) => Buffer.from(s, 'utf8')) };
      }
      const nums = v as number[];
      return nums.every(Number.isInteger) ? { name, type: AttrType.INTS, ints: nums } : { name, type: AttrType.FLOATS, floats: nums };
    }
    if (isGraph(v)) return { name, type: AttrType.GRAPH, g: this.graph(v) };
    if (isTensor(v)) return { name, type: AttrType.TENSOR, t: this.tensor(v, false) };
    switch (v.kind) {
      case 'float': return { name, type: AttrType.FLOAT, f: v.value };
      case 'floats': return { name, type: AttrType.FLOATS, floats: v.value };
      case 'ints': return { name, type: AttrType.INTS, ints: v.value };
      case 'graphs': return { name, type: AttrType.GRAPHS, graphs: v.value.map((g) => this.graph(g)) };
      case 'tensors': return { name, type: AttrType.TENSORS, tensors: v.value.map((t) => this.tensor(t, false)) };
    }
  }

  node(n: NodeSpec): Record<string, unknown> {
    const out: Record<string, unknown> = { input: n.inputs, output: n.outputs, op_type: n.op };
    if (n.name) out.name = n.name;
    if (n.domain) out.domain = n.domain;
    if (n.attrs) out.attribute = Object.entries(n.attrs).map(([k, v]) => this.attribute(k, v));
    return out;
  }

  graph(g: GraphSpec): Record<string, unknown> {
    const out: Record<string, unknown> = {
      node: g.nodes.map((n) => this.node(n)),
      name: g.name ?? 'graph',
      initializer: (g.initializers ?? []).map((t) => this.tensor(t, true)),
      input: g.inputs.map((v) => this.valueInfo(v)),
      output: g.outputs.map((v) => this.valueInfo(v)),
      value_info: (g.valueInfo ?? []).map((v) => this.valueInfo(v)),
    };
    if (g.docString) out.doc_string = g.docString;
    return out;
  }
}

/** Serialize a model to ONNX bytes (and the external data file's bytes when requested). */
export function serializeModel(spec: ModelSpec, options: { externalData?: ExternalDataOptions } = {}): SerializedModel {
  const enc = new Encoder(options.externalData);
  const opsets = spec.opsets ?? { '': 17 };
  const model: Record<string, unknown> = {
    ir_version: spec.irVersion ?? 8,
    opset_import: Object.entries(opsets).map(([domain, version]) => ({ domain: domain === 'ai.onnx' ? '' : domain, version })),
    producer_name: spec.producerName ?? 'ttc-lens',
    producer_version: spec.producerVersion ?? '0.1.0',
    graph: enc.graph(spec.graph),
  };
  if (spec.docString) model.doc_string = spec.docString;
  if (spec.metadata) model.metadata_props = Object.entries(spec.metadata).map(([key, value]) => ({ key, value }));
  if (enc.inlineBytes > MAX_PROTO_BYTES) {
    throw new Error(`model has ${enc.inlineBytes} bytes of inline tensor data: protobuf messages are limited to 2 GiB; write it with externalData`);
  }
  const ModelProto = root().lookupType('onnx.ModelProto');
  const bytes = ModelProto.encode(model).finish();
  if (!options.externalData) return { model: bytes };
  const external = new Uint8Array(enc.extSize);
  let off = 0;
  for (const c of enc.chunks) {
    external.set(c, off);
    off += c.byteLength;
  }
  return { model: bytes, external };
}

/** Write bytes atomically: a temp file in the same folder, then rename over the target. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Serialize and write a model (and its external data file, next to it, named by
 * `externalData.location`), each atomically.
 */
export async function writeModel(file: string, spec: ModelSpec, options: { externalData?: ExternalDataOptions } = {}): Promise<SerializedModel> {
  const out = serializeModel(spec, options);
  if (out.external && options.externalData) {
    await writeFileAtomic(path.join(path.dirname(file), options.externalData.location), out.external);
  }
  await writeFileAtomic(file, out.model);
  return out;
}

/** Decode ONNX bytes with protobufjs into a plain object (tests and debugging; the reader is lazy). */
export function decodeModelObject(bytes: Uint8Array): Record<string, unknown> {
  const ModelProto = root().lookupType('onnx.ModelProto');
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}
