/**
 * Lazy ONNX reader: walks the protobuf wire format with positional reads and returns the model's
 * structure (graph inputs/outputs with symbolic dims, opsets, nodes including `If`/`Loop`/`Scan`
 * subgraphs, value_info, initializers with dtype/dims and the (offset, length) of their payloads)
 * without reading weight payloads. Payloads are read on demand (`readTensorData`).
 *
 * Bad input never escapes as an unexpected exception: every problem is an `OnnxReadError` naming the
 * byte offset and what was expected. Work is bounded: each step advances through the file, nesting is
 * limited (`maxDepth`) and so are element counts, so hostile lengths and deep nesting fail fast.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { FileSource, MemorySource, type ByteSource } from './source';
import { DataType, dtypeBits } from './schema';
import { OnnxReadError, Walker, WT_I32, WT_I64, WT_LEN, WT_VARINT, type Field } from './wire';

export { OnnxReadError } from './wire';


export type Dim = number | string | null;

export interface ExternalRef {
  location: string;
  offset: number;
  /** Undefined when the entry omits it (the rest of the file). */
  length?: number;
}

export type TensorStorage = 'raw' | 'float_data' | 'int32_data' | 'int64_data' | 'double_data' | 'uint64_data' | 'string_data' | 'external' | 'empty';

export interface TensorInfo {
  name: string;
  dtype: number;
  dims: number[];
  /** Element count (product of dims). */
  elements: number;
  /** Size of the decoded data in bytes (elements × dtype bits / 8); strings: encoded bytes. */
  byteLength: number;
  storage: TensorStorage;
  /** Where the payload lies in the model file (raw_data or the packed typed field), when inline. */
  dataOffset?: number;
  dataLength?: number;
  external?: ExternalRef;
  /** The TensorProto message's span in the file (re-walked to decode typed fields on demand). */
  messageOffset: number;
  messageLength: number;
  /** Decoded values of small numeric tensors (≤ 64 elements), for shape constants. */
  values?: number[];
}

export interface ValueInfo {
  name: string;
  kind: 'tensor' | 'sparse_tensor' | 'sequence' | 'map' | 'optional' | 'unknown';
  dtype?: number;
  /** Undefined when the rank is unknown. */
  shape?: Dim[];
}

export interface AttributeInfo {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  floats?: number[];
  ints?: number[];
  strings?: string[];
  /** Element count of `floats`/`ints` lists that were too long to keep (values omitted). */
  count?: number;
  t?: TensorInfo;
  g?: GraphInfo;
  tensors?: TensorInfo[];
  graphs?: GraphInfo[];
  refAttrName?: string;
}

export interface NodeInfo {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: AttributeInfo[];
}

export interface GraphInfo {
  name: string;
  nodes: NodeInfo[];
  initializers: TensorInfo[];
  sparseInitializers: Array<{ name: string; dims: number[]; values?: TensorInfo; indices?: TensorInfo }>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
}

export interface FunctionInfo {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  nodes: NodeInfo[];
}

export interface ModelInfo {
  /** Absolute path when read from a file. */
  path?: string;
  fileSize: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  opsets: Array<{ domain: string; version: number }>;
  metadata: Record<string, string>;
  graph: GraphInfo;
  functions: FunctionInfo[];
  /** Bytes the reader fetched from the file to build this structure. */
  bytesRead: number;
}

export interface ReadOptions {
  /** Maximum nesting of subgraphs (and of TypeProto containers). Default 32. */
  maxDepth?: number;
  /** Maximum number of nodes over all graphs. Default 5,000,000. */
  maxNodes?: number;
  /** Read window in bytes; smaller windows read less around skipped payloads. Default 64 KiB. */
  window?: number;
}

const KEEP_LIST = 4096;
const SMALL_VALUES = 64;


function product(dims: number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function parseTensor(w: Walker, start: number, len: number, message: string): TensorInfo {
  const t: TensorInfo = { name: '', dtype: 0, dims: [], elements: 0, byteLength: 0, storage: 'empty', messageOffset: start, messageLength: len };
  const ext: Record<string, string> = {};
  let dataLocation = 0;
  let stringBytes = 0;
  for (const f = w.fields(start, start + len, message); f.next(); ) {
    switch (f.no) {
      case 1: w.ints(f, t.dims, message, 'dims', 64); break;
      case 2: t.dtype = w.int(f, message, 'data_type'); break;
      case 4: case 5: case 7: case 10: case 11: {
        const storage = ({ 4: 'float_data', 5: 'int32_data', 7: 'int64_data', 10: 'double_data', 11: 'uint64_data' } as const)[f.no];
        if (t.storage === 'empty' || t.storage === storage) {
          if (t.storage === 'empty') t.dataOffset = f.wt === WT_LEN ? f.start : f.at;
          t.storage = storage;
          t.dataLength = (f.wt === WT_LEN ? f.start + f.len : f.at + 1) - (t.dataOffset ?? 0);
        }
        break;
      }
      case 6: t.storage = 'string_data'; w.expect(f, WT_LEN, message, 'string_data'); stringBytes += f.len; break;
      case 8: t.name = w.str(f, message, 'name'); break;
      case 9:
        w.expect(f, WT_LEN, message, 'raw_data');
        t.storage = 'raw';
        t.dataOffset = f.start;
        t.dataLength = f.len;
        break;
      case 13: {
        w.expect(f, WT_LEN, message, 'external_data');
        let key = '', value = '';
        for (const g = w.fields(f.start, f.start + f.len, 'StringStringEntryProto'); g.next(); ) {
          if (g.no === 1) key = w.str(g, 'StringStringEntryProto', 'key');
          else if (g.no === 2) value = w.str(g, 'StringStringEntryProto', 'value');
        }
        ext[key] = value;
        break;
      }
      case 14: dataLocation = w.int(f, message, 'data_location'); break;
      default: break;
    }
  }
  for (const d of t.dims) if (d < 0) w.fail(`${message} '${t.name}' has negative dimension ${d}`, start);
  t.elements = product(t.dims);
  const bits = dtypeBits(t.dtype);
  t.byteLength = t.dtype === DataType.STRING ? stringBytes : Math.ceil((t.elements * bits) / 8);
  if (dataLocation === 1) {
    if (!ext.location) w.fail(`${message} '${t.name}' has data_location EXTERNAL but no 'location' entry`, start);
    const offset = ext.offset ? Number(ext.offset) : 0;
    const length = ext.length ? Number(ext.length) : undefined;
    if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
      w.fail(`${message} '${t.name}' has invalid external offset/length '${ext.offset}'/'${ext.length}'`, start);
    }
    t.storage = 'external';
    t.external = { location: ext.location, offset, length };
    t.dataOffset = undefined;
    t.dataLength = undefined;
  } else if (t.storage === 'raw' && bits && t.dataLength !== t.byteLength) {
    w.fail(`${message} '${t.name}': raw_data has ${t.dataLength} bytes, expected ${t.byteLength} for ${t.dims.length ? `dims [${t.dims.join(', ')}]` : 'a scalar'}`, t.dataOffset ?? start);
  }
  if (t.elements <= SMALL_VALUES && t.storage !== 'external' && t.storage !== 'empty' && t.storage !== 'string_data' && bits >= 8) {
    const data = decodeInline(w, t);
    if (data) t.values = toNumbers(t.dtype, data);
  }
  return t;
}

/** Typed-field payloads re-encoded as little-endian raw bytes. */
function decodeInline(w: Walker, t: TensorInfo): Uint8Array | undefined {
  if (t.storage === 'raw') return t.dataLength ? w.bytes(t.dataOffset!, t.dataLength) : new Uint8Array(0);
  const fieldNo = { float_data: 4, int32_data: 5, int64_data: 7, double_data: 10, uint64_data: 11 }[t.storage as string];
  if (!fieldNo) return undefined;
  const bits = dtypeBits(t.dtype);
  // Each encoded element takes at least 1 byte (varint) and at most 8 decoded bytes: a tensor whose dims
  // promise far more than its payload carries is malformed (and must not make us allocate its dims).
  if (t.elements > (t.dataLength ?? 0)) {
    w.fail(`tensor '${t.name}' declares ${t.elements} elements but its ${t.storage} has only ${t.dataLength ?? 0} bytes`, t.messageOffset);
  }
  const out = new Uint8Array(Math.ceil((t.elements * bits) / 8));
  const dv = new DataView(out.buffer);
  let k = 0;
  const put = (v: number): void => {
    if (k >= t.elements) w.fail(`tensor '${t.name}' has more values than its dims allow (${t.elements})`, t.messageOffset);
    const o = (k * bits) / 8;
    switch (t.dtype) {
      case DataType.FLOAT: dv.setFloat32(o, v, true); break;
      case DataType.DOUBLE: dv.setFloat64(o, v, true); break;
      case DataType.INT64: dv.setBigInt64(o, BigInt(Math.trunc(v)), true); break;
      case DataType.UINT64: dv.setBigUint64(o, BigInt.asUintN(64, BigInt(Math.trunc(v))), true); break;
      case DataType.INT32: case DataType.UINT32: dv.setInt32(o, v, true); break;
      case DataType.INT16: case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: dv.setUint16(o, v & 0xffff, true); break;
      case DataType.INT8: case DataType.UINT8: case DataType.BOOL: default: if (bits === 8) dv.setUint8(o, v & 0xff); break;
    }
    k++;
  };
  const message = `TensorProto '${t.name}'`;
  for (const f = w.fields(t.messageOffset, t.messageOffset + t.messageLength, message); f.next(); ) {
    if (f.no !== fieldNo) continue;
    if (fieldNo === 4) {
      const vals: number[] = [];
      w.floats(f, vals, message, 'float_data');
      vals.forEach(put);
    } else if (fieldNo === 10) {
      if (f.wt === WT_I64) put(f.value);
      else {
        w.expect(f, WT_LEN, message, 'double_data');
        const b = w.bytes(f.start, f.len);
        const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let i = 0; i + 8 <= f.len; i += 8) put(d.getFloat64(i, true));
      }
    } else {
      const vals: number[] = [];
      w.ints(f, vals, message, 'data');
      vals.forEach(put);
    }
  }
  return out;
}

function toNumbers(dtype: number, b: Uint8Array): number[] | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  const step = dtypeBits(dtype) / 8;
  for (let o = 0; o + step <= b.byteLength; o += step) {
    switch (dtype) {
      case DataType.FLOAT: out.push(dv.getFloat32(o, true)); break;
      case DataType.DOUBLE: out.push(dv.getFloat64(o, true)); break;
      case DataType.INT64: out.push(Number(dv.getBigInt64(o, true))); break;
      case DataType.UINT64: out.push(Number(dv.getBigUint64(o, true))); break;
      case DataType.INT32: out.push(dv.getInt32(o, true)); break;
      case DataType.UINT32: out.push(dv.getUint32(o, true)); break;
      case DataType.INT16: out.push(dv.getInt16(o, true)); break;
      case DataType.UINT16: out.push(dv.getUint16(o, true)); break;
      case DataType.INT8: out.push(dv.getInt8(o)); break;
      case DataType.UINT8: case DataType.BOOL: out.push(dv.getUint8(o)); break;
      default: return undefined;
    }
  }
  return out;
}

function parseTypeProto(w: Walker, start: number, len: number, depth: number): Omit<ValueInfo, 'name'> {
  if (depth > w.maxDepth) w.fail(`TypeProto nested deeper than ${w.maxDepth}`, start);
  const out: Omit<ValueInfo, 'name'> = { kind: 'unknown' };
  for (const f = w.fields(start, start + len, 'TypeProto'); f.next(); ) {
    if (f.no === 1 || f.no === 8) {
      w.expect(f, WT_LEN, 'TypeProto', f.no === 1 ? 'tensor_type' : 'sparse_tensor_type');
      out.kind = f.no === 1 ? 'tensor' : 'sparse_tensor';
      for (const g = w.fields(f.start, f.start + f.len, 'TypeProto.Tensor'); g.next(); ) {
        if (g.no === 1) out.dtype = w.int(g, 'TypeProto.Tensor', 'elem_type');
        else if (g.no === 2) {
          w.expect(g, WT_LEN, 'TypeProto.Tensor', 'shape');
          const shape: Dim[] = [];
          for (const h = w.fields(g.start, g.start + g.len, 'TensorShapeProto'); h.next(); ) {
            if (h.no !== 1) continue;
            w.expect(h, WT_LEN, 'TensorShapeProto', 'dim');
            if (shape.length >= 1024) w.fail('TensorShapeProto has more than 1024 dims', h.at);
            let dim: Dim = null;
            for (const k = w.fields(h.start, h.start + h.len, 'TensorShapeProto.Dimension'); k.next(); ) {
              if (k.no === 1) dim = w.int(k, 'Dimension', 'dim_value');
              else if (k.no === 2) dim = w.str(k, 'Dimension', 'dim_param') || null;
            }
            shape.push(dim);
          }
          out.shape = shape;
        }
      }
    } else if (f.no === 4 || f.no === 5 || f.no === 9) {
      w.expect(f, WT_LEN, 'TypeProto', 'container');
      out.kind = f.no === 4 ? 'sequence' : f.no === 5 ? 'map' : 'optional';
      // Walk the element type for validation and depth limits; its details are not needed here.
      for (const g = w.fields(f.start, f.start + f.len, 'TypeProto container'); g.next(); ) {
        if (g.wt === WT_LEN && ((f.no !== 5 && g.no === 1) || (f.no === 5 && g.no === 2))) {
          const inner = parseTypeProto(w, g.start, g.len, depth + 1);
          if (f.no === 9 && inner.kind === 'tensor') {
            out.dtype = inner.dtype;
            out.shape = inner.shape;
          }
        }
      }
    }
  }
  return out;
}

function parseValueInfo(w: Walker, f: Field, depth: number): ValueInfo {
  w.expect(f, WT_LEN, 'GraphProto', 'value info');
  let name = '';
  let type: Omit<ValueInfo, 'name'> = { kind: 'unknown' };
  for (const g = w.fields(f.start, f.start + f.len, 'ValueInfoProto'); g.next(); ) {
    if (g.no === 1) name = w.str(g, 'ValueInfoProto', 'name');
    else if (g.no === 2) {
      w.expect(g, WT_LEN, 'ValueInfoProto', 'type');
      type = parseTypeProto(w, g.start, g.len, depth);
    }
  }
  return { name, ...type };
}

function parseAttribute(w: Walker, start: number, len: number, depth: number): AttributeInfo {
  const a: AttributeInfo = { name: '', type: 0 };
  const M = 'AttributeProto';
  for (const f = w.fields(start, start + len, M); f.next(); ) {
    switch (f.no) {
      case 1: a.name = w.str(f, M, 'name'); break;
      case 20: a.type = w.int(f, M, 'type'); break;
      case 2: w.expect(f, WT_I32, M, 'f'); a.f = f.value; break;
      case 3: a.i = w.int(f, M, 'i'); break;
      case 4: w.expect(f, WT_LEN, M, 's'); a.s = w.string(f.start, Math.min(f.len, 4096), `${M}.s`); break;
      case 5: w.expect(f, WT_LEN, M, 't'); a.t = parseTensor(w, f.start, f.len, `tensor attribute '${a.name}'`); break;
      case 6: w.expect(f, WT_LEN, M, 'g'); a.g = parseGraph(w, f.start, f.len, depth + 1); break;
      case 7: {
        const list = a.floats ?? [];
        if ((a.count ?? list.length) < KEEP_LIST) {
          w.floats(f, list, M, 'floats');
          a.floats = list;
        }
        a.count = (a.count ?? 0) + (f.wt === WT_LEN ? f.len / 4 : 1);
        break;
      }
      case 8: {
        const list = a.ints ?? [];
        if (list.length < KEEP_LIST) {
          w.ints(f, list, M, 'ints');
          a.ints = list;
          a.count = list.length;
        } else a.count = (a.count ?? 0) + 1;
        break;
      }
      case 9: (a.strings ??= []).length < KEEP_LIST && a.strings.push(w.string(f.start, Math.min(f.len, 4096), `${M}.strings`)); break;
      case 10: w.expect(f, WT_LEN, M, 'tensors'); (a.tensors ??= []).push(parseTensor(w, f.start, f.len, `tensors attribute '${a.name}'`)); break;
      case 11: w.expect(f, WT_LEN, M, 'graphs'); (a.graphs ??= []).push(parseGraph(w, f.start, f.len, depth + 1)); break;
      case 21: a.refAttrName = w.str(f, M, 'ref_attr_name'); break;
      default: break;
    }
  }
  if (a.floats && a.count !== undefined && a.count > a.floats.length) a.floats = undefined;
  if (a.ints && a.count !== undefined && a.count > a.ints.length) a.ints = undefined;
  return a;
}

function parseNode(w: Walker, start: number, len: number, depth: number): NodeInfo {
  w.countNode(start);
  const n: NodeInfo = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  const M = 'NodeProto';
  for (const f = w.fields(start, start + len, M); f.next(); ) {
    switch (f.no) {
      case 1: n.inputs.push(w.str(f, M, 'input')); break;
      case 2: n.outputs.push(w.str(f, M, 'output')); break;
      case 3: n.name = w.str(f, M, 'name'); break;
      case 4: n.opType = w.str(f, M, 'op_type'); break;
      case 7: n.domain = w.str(f, M, 'domain'); break;
      case 5: w.expect(f, WT_LEN, M, 'attribute'); n.attributes.push(parseAttribute(w, f.start, f.len, depth)); break;
      default: break;
    }
  }
  if (n.domain === 'ai.onnx') n.domain = '';
  return n;
}

function parseGraph(w: Walker, start: number, len: number, depth: number): GraphInfo {
  if (depth > w.maxDepth) w.fail(`subgraphs nested deeper than ${w.maxDepth}`, start);
  const g: GraphInfo = { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
  const M = 'GraphProto';
  for (const f = w.fields(start, start + len, M); f.next(); ) {
    switch (f.no) {
      case 1: w.expect(f, WT_LEN, M, 'node'); g.nodes.push(parseNode(w, f.start, f.len, depth)); break;
      case 2: g.name = w.str(f, M, 'name'); break;
      case 5: w.expect(f, WT_LEN, M, 'initializer'); g.initializers.push(parseTensor(w, f.start, f.len, 'initializer')); break;
      case 15: {
        w.expect(f, WT_LEN, M, 'sparse_initializer');
        const s: GraphInfo['sparseInitializers'][number] = { name: '', dims: [] };
        for (const h = w.fields(f.start, f.start + f.len, 'SparseTensorProto'); h.next(); ) {
          if (h.no === 1 && h.wt === WT_LEN) s.values = parseTensor(w, h.start, h.len, 'sparse values');
          else if (h.no === 2 && h.wt === WT_LEN) s.indices = parseTensor(w, h.start, h.len, 'sparse indices');
          else if (h.no === 3) w.ints(h, s.dims, 'SparseTensorProto', 'dims', 64);
        }
        s.name = s.values?.name ?? '';
        g.sparseInitializers.push(s);
        break;
      }
      case 11: g.inputs.push(parseValueInfo(w, f, 0)); break;
      case 12: g.outputs.push(parseValueInfo(w, f, 0)); break;
      case 13: g.valueInfo.push(parseValueInfo(w, f, 0)); break;
      default: break;
    }
  }
  return g;
}

const MODEL_FIELDS: Record<number, number> = { 1: WT_VARINT, 2: WT_LEN, 3: WT_LEN, 4: WT_LEN, 5: WT_VARINT, 6: WT_LEN, 7: WT_LEN, 8: WT_LEN, 14: WT_LEN, 20: WT_LEN, 25: WT_LEN };
const SIGNATURES: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (a PyTorch .pt or a zipped model? unzip it first)'],
  [[0x1f, 0x8b], 'a gzip file (decompress it first)'],
  [[0x7b], 'JSON or text'],
  [[0x3c], 'XML/HTML or text'],
  [[0x47, 0x47, 0x55, 0x46], 'a GGUF model (not ONNX)'],
];

/** A clear message when the first bytes can't start an ONNX ModelProto. */
function sniff(w: Walker, size: number): void {
  const head = w.bytes(0, Math.min(size, 16));
  const tag = w.varint(0, Math.min(size, 10), 'ModelProto field tag');
  const no = Math.floor(tag / 8), wt = tag & 7;
  if (MODEL_FIELDS[no] === wt) return;
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const sig = SIGNATURES.find(([bytes]) => bytes.every((b, i) => head[i] === b));
  const printable = head.subarray(0, 8).every((b) => b >= 0x20 && b < 0x7f) ? ' (looks like text)' : '';
  throw new OnnxReadError(
    `not an ONNX model${sig ? `: looks like ${sig[1]}` : printable}: expected a ModelProto field tag at byte 0 (such as 0x08 ir_version), found bytes ${hex}`,
    0,
  );
}

function parseModel(w: Walker): Omit<ModelInfo, 'path' | 'bytesRead'> {
  const size = w.src.size;
  if (size === 0) throw new OnnxReadError('empty file: expected an ONNX ModelProto', 0);
  const m: Omit<ModelInfo, 'path' | 'bytesRead'> = {
    fileSize: size, irVersion: 0, producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '',
    opsets: [], metadata: {}, graph: undefined as unknown as GraphInfo, functions: [],
  };
  const M = 'ModelProto';
  sniff(w, size);
  let sawIr = false;
  for (const f = w.fields(0, size, M); f.next(); ) {
    switch (f.no) {
      case 1: m.irVersion = w.int(f, M, 'ir_version'); sawIr = true; break;
      case 2: m.producerName = w.str(f, M, 'producer_name'); break;
      case 3: m.producerVersion = w.str(f, M, 'producer_version'); break;
      case 4: m.domain = w.str(f, M, 'domain'); break;
      case 5: m.modelVersion = w.int(f, M, 'model_version'); break;
      case 6: w.expect(f, WT_LEN, M, 'doc_string'); m.docString = w.string(f.start, Math.min(f.len, 4096), 'doc_string'); break;
      case 7: w.expect(f, WT_LEN, M, 'graph'); m.graph = parseGraph(w, f.start, f.len, 0); break;
      case 8: {
        w.expect(f, WT_LEN, M, 'opset_import');
        let domain = '', version = 0;
        for (const g = w.fields(f.start, f.start + f.len, 'OperatorSetIdProto'); g.next(); ) {
          if (g.no === 1) domain = w.str(g, 'OperatorSetIdProto', 'domain');
          else if (g.no === 2) version = w.int(g, 'OperatorSetIdProto', 'version');
        }
        m.opsets.push({ domain: domain === 'ai.onnx' ? '' : domain, version });
        break;
      }
      case 14: {
        w.expect(f, WT_LEN, M, 'metadata_props');
        let key = '', value = '';
        for (const g = w.fields(f.start, f.start + f.len, 'StringStringEntryProto'); g.next(); ) {
          if (g.no === 1) key = w.str(g, 'StringStringEntryProto', 'key');
          else if (g.no === 2) value = w.str(g, 'StringStringEntryProto', 'value');
        }
        m.metadata[key] = value;
        break;
      }
      case 25: {
        w.expect(f, WT_LEN, M, 'functions');
        const fn: FunctionInfo = { name: '', domain: '', inputs: [], outputs: [], nodes: [] };
        for (const g = w.fields(f.start, f.start + f.len, 'FunctionProto'); g.next(); ) {
          if (g.no === 1) fn.name = w.str(g, 'FunctionProto', 'name');
          else if (g.no === 10) fn.domain = w.str(g, 'FunctionProto', 'domain');
          else if (g.no === 4) fn.inputs.push(w.str(g, 'FunctionProto', 'input'));
          else if (g.no === 5) fn.outputs.push(w.str(g, 'FunctionProto', 'output'));
          else if (g.no === 7) {
            w.expect(g, WT_LEN, 'FunctionProto', 'node');
            fn.nodes.push(parseNode(w, g.start, g.len, 1));
          }
        }
        m.functions.push(fn);
        break;
      }
      default:
        // ModelProto has no fields above 25 today; a large unknown field number at the top level
        // means this is not an ONNX file (e.g. text or an image), not a newer schema.
        if (f.no > 100) w.fail(`unexpected top-level field ${f.no}: not an ONNX ModelProto`, f.at);
        break;
    }
  }
  if (!m.graph) {
    throw new OnnxReadError(
      sawIr ? 'ONNX model has no graph (ModelProto field 7 missing)' : 'not an ONNX model: no ir_version (field 1) and no graph (field 7) found',
      0,
    );
  }
  return m;
}

/** Read a model's structure from any byte source (the caller closes the source). */
export function readModelFromSource(src: ByteSource, options: ReadOptions = {}): ModelInfo {
  const w = new Walker(src, options.window ?? 65536, options.maxDepth ?? 32, options.maxNodes ?? 5_000_000);
  const before = src.bytesRead;
  try {
    const m = parseModel(w);
    return { ...m, bytesRead: src.bytesRead - before };
  } catch (e) {
    if (e instanceof OnnxReadError) throw e;
    // Anything else (RangeError from a hostile allocation, I/O error) is wrapped, never escapes raw.
    throw new OnnxReadError(`could not read ONNX model: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Read a model's structure from bytes in memory. */
export function readModelBytes(bytes: Uint8Array, options: ReadOptions = {}): ModelInfo {
  return readModelFromSource(new MemorySource(bytes), options);
}

/** Read a model's structure from a file with positional reads (never the whole file). */
export function readModel(file: string, options: ReadOptions = {}): ModelInfo {
  const abs = path.resolve(file);
  let src: FileSource;
  try {
    src = new FileSource(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OnnxReadError(code === 'ENOENT' ? `model file not found: ${abs}` : code === 'EISDIR' ? `${abs} is a folder, not an ONNX file` : `cannot open ${abs}: ${(e as Error).message}`);
  }
  try {
    const m = readModelFromSource(src, options);
    return { ...m, path: abs };
  } finally {
    src.close();
  }
}

/** Resolve an external data location against the model's folder, refusing paths that escape it. */
export function resolveExternal(modelPath: string, location: string): string {
  const dir = path.dirname(modelPath);
  const p = path.resolve(dir, location);
  const rel = path.relative(dir, p);
  if (path.isAbsolute(location) || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new OnnxReadError(`external data location '${location}' points outside the model's folder`);
  }
  return p;
}

/**
 * Read one tensor's data (decoded element bytes, little-endian) on demand: inline raw_data, typed
 * fields re-encoded, or external data. `model.path` is needed for external data.
 */
export function readTensorData(model: ModelInfo, t: TensorInfo, bytes?: Uint8Array): Uint8Array {
  if (t.storage === 'external') {
    if (!model.path) throw new OnnxReadError(`tensor '${t.name}' has external data but the model was not read from a file`);
    const file = resolveExternal(model.path, t.external!.location);
    let src: FileSource;
    try {
      src = new FileSource(file);
    } catch {
      throw new OnnxReadError(`external data file '${t.external!.location}' for tensor '${t.name}' not found next to ${model.path}`);
    }
    try {
      const length = t.external!.length ?? src.size - t.external!.offset;
      if (t.external!.offset + length > src.size) {
        throw new OnnxReadError(`tensor '${t.name}': external range ${t.external!.offset}+${length} is past the end of '${t.external!.location}' (${src.size} bytes)`);
      }
      return src.read(t.external!.offset, length);
    } finally {
      src.close();
    }
  }
  const src = bytes ? new MemorySource(bytes) : model.path ? new FileSource(model.path) : undefined;
  if (!src) throw new OnnxReadError(`tensor '${t.name}': no model bytes or path to read from`);
  try {
    const w = new Walker(src, 1 << 16, 32, Infinity);
    if (t.storage === 'raw') return t.dataLength ? Uint8Array.from(w.bytes(t.dataOffset!, t.dataLength)) : new Uint8Array(0);
    if (t.storage === 'empty') return new Uint8Array(0);
    const out = decodeInline(w, t);
    if (!out) throw new OnnxReadError(`tensor '${t.name}': ${t.storage} payloads are not supported`);
    return out;
  } finally {
    src.close();
  }
}

/** Decode a serialized TensorProto (e.g. a test's `output_0.pb`): its info and its data bytes. */
export function readTensorProto(bytes: Uint8Array): { info: TensorInfo; data: Uint8Array } {
  const src = new MemorySource(bytes);
  const w = new Walker(src, 1 << 16, 32, Infinity);
  try {
    const info = parseTensor(w, 0, bytes.byteLength, 'TensorProto');
    const data = info.storage === 'raw' ? Uint8Array.from(w.bytes(info.dataOffset!, info.dataLength!)) : decodeInline(w, info) ?? new Uint8Array(0);
    return { info, data };
  } catch (e) {
    if (e instanceof OnnxReadError) throw e;
    throw new OnnxReadError(`could not read TensorProto: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Numbers from a tensor's decoded bytes (numeric dtypes of 8 bits or more). */
export function tensorValues(dtype: number, bytes: Uint8Array): number[] | undefined {
  return toNumbers(dtype, bytes);
}

/** Every graph in the model: the main graph first, then subgraphs depth-first. */
export function allGraphs(g: GraphInfo, out: GraphInfo[] = []): GraphInfo[] {
  out.push(g);
  for (const n of g.nodes) {
    for (const a of n.attributes) {
      if (a.g) allGraphs(a.g, out);
      for (const s of a.graphs ?? []) allGraphs(s, out);
    }
  }
  return out;
}

/** Size of an existing file, or undefined. */
export function fileSize(p: string): number | undefined {
  try {
    return fs.statSync(p).size;
  } catch {
    return undefined;
  }
}
