/**
 * ONNX TensorProto: where a tensor's payload lies (parsed lazily by the reader, without reading it),
 * and reading that payload on demand — inline raw_data, typed fields re-encoded as little-endian bytes,
 * or external data next to the model (refusing locations outside the model's folder).
 */
import * as path from 'node:path';
import { FileSource, MemorySource } from './source';
import { DataType, dtypeBits } from './schema';
import { OnnxReadError, Walker, WT_I64, WT_LEN } from './wire';

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

/** Small numeric tensors (at most this many elements) get their values decoded, for shape constants. */
const SMALL_VALUES = 64;

function product(dims: number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function parseTensor(w: Walker, start: number, len: number, message: string): TensorInfo {
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
export function decodeInline(w: Walker, t: TensorInfo): Uint8Array | undefined {
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
 * fields re-encoded, or external data. `model` is the ModelInfo the tensor came from (reader.ts); its
 * `path` is needed for external data.
 */
export function readTensorData(model: { path?: string }, t: TensorInfo, bytes?: Uint8Array): Uint8Array {
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

