/**
 * Model inputs for measurement: generated deterministically from the declared shapes and dtypes with
 * symbolic dims bound, or loaded from a sample-inputs file. Pure data (typed arrays); the profiler
 * process wraps them in runtime tensors.
 *
 * Sample inputs format (JSON):
 *   { "<inputName>": { "dims": [1, 3, 224, 224], "dtype": "float32", "data": [0.1, 0.2, …] }, … }
 * `data` is a flat row-major array of numbers (booleans allowed for bool, decimal strings allowed for
 * int64/uint64), with exactly product(dims) elements. Inputs missing from the file are generated.
 */
import { jsonErrorText, readRegularTextAsync } from '../safeFs';
import type { FedInput, SessionTensorInfo } from './protocol';

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface InputTensor extends FedInput {
  data: TensorData;
}

export const SUPPORTED_DTYPES = ['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'] as const;

/** Default for a symbolic dim nobody bound, by its name (reported as an assumption). */
export function defaultDim(name: string): number {
  if (/batch|^n$|^b$|^N$/i.test(name)) return 1;
  if (/seq|len|token|past|context|time|step|^s$|^t$/i.test(name)) return 128;
  return 1;
}

/**
 * Concrete dims for a declared shape. Symbolic names come from `bind`, then `defaults`, then
 * defaultDim(); every guess is added to `assumptions` once.
 */
export function resolveShape(
  info: SessionTensorInfo,
  bind: Record<string, number>,
  assumptions: Set<string>,
  override?: number[],
): number[] {
  if (override) return override.slice();
  return info.shape.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    const name = typeof d === 'string' ? d : '';
    if (name && bind[name] !== undefined) return bind[name];
    const v = name ? defaultDim(name) : 1;
    assumptions.add(name ? `${name} = ${v} (not bound; pass --bind ${name}=N or set dims in the config)` : `${info.name} dim ${i} = ${v} (unnamed dynamic dim)`);
    return v;
  });
}

/** mulberry32: tiny deterministic PRNG, seeded per input name. */
export function prng(seedText: string): () => number {
  let s = 2166136261;
  for (let i = 0; i < seedText.length; i++) s = Math.imul(s ^ seedText.charCodeAt(i), 16777619);
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** IEEE half-precision bits of a float (round to nearest even is not needed for test data). */
export function toHalfBits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | (mant >>> 13);
}

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Deterministic data for one input. Floats are uniform in [-1, 1); integer inputs get small
 * non-negative values (safe as token ids / indices); masks are all ones; position ids count up
 * along the last axis.
 */
export function generateTensor(name: string, dtype: string, dims: number[], positionOffset = 0): InputTensor {
  const n = count(dims);
  const r = prng(name);
  const isMask = /mask/i.test(name);
  const isPos = /position/i.test(name);
  const last = dims.length ? dims[dims.length - 1] || 1 : 1;
  const intVal = (i: number) => (isMask ? 1 : isPos ? positionOffset + (i % last) : Math.floor(r() * 10));
  let data: TensorData;
  switch (dtype) {
    case 'float32':
    case 'float64': {
      data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = isMask ? 1 : r() * 2 - 1;
      break;
    }
    case 'float16': {
      const u = new Uint16Array(n);
      for (let i = 0; i < n; i++) u[i] = toHalfBits(isMask ? 1 : r() * 2 - 1);
      data = u;
      break;
    }
    case 'int64':
    case 'uint64': {
      data = dtype === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(intVal(i));
      break;
    }
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32': {
      const C = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[dtype];
      data = new C(n);
      for (let i = 0; i < n; i++) data[i] = intVal(i);
      break;
    }
    case 'bool': {
      data = new Uint8Array(n).fill(1);
      break;
    }
    default:
      throw new Error(`input '${name}' has dtype ${dtype}, which the profiler cannot generate; provide sample inputs`);
  }
  return { name, dtype, dims, data, source: 'generated' };
}

interface SampleEntry {
  dims?: unknown;
  dtype?: unknown;
  data?: unknown;
}

/** Parse a sample-inputs JSON text. Throws with a message naming the offending input. */
export function parseSamples(text: string, origin = 'samples'): Map<string, InputTensor> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Never quote the text: a samples path may name any file (`--samples /etc/passwd`).
    throw new Error(`${origin}: ${jsonErrorText(e)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${origin}: expected an object {inputName: {dims, dtype, data}}`);
  const out = new Map<string, InputTensor>();
  for (const [name, v] of Object.entries(raw as Record<string, SampleEntry>)) {
    const where = `${origin}: input '${name}'`;
    if (!v || typeof v !== 'object') throw new Error(`${where}: expected {dims, dtype, data}`);
    const dims = v.dims;
    if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${where}: dims must be an array of non-negative integers`);
    const dtype = typeof v.dtype === 'string' ? v.dtype : 'float32';
    if (!(SUPPORTED_DTYPES as readonly string[]).includes(dtype)) throw new Error(`${where}: unsupported dtype '${dtype}' (one of ${SUPPORTED_DTYPES.join(', ')})`);
    if (!Array.isArray(v.data)) throw new Error(`${where}: data must be a flat array`);
    const n = count(dims as number[]);
    if (v.data.length !== n) throw new Error(`${where}: data has ${v.data.length} elements, dims ${JSON.stringify(dims)} need ${n}`);
    const t = generateTensor(name, dtype, dims as number[]);
    const src = v.data as unknown[];
    for (let i = 0; i < n; i++) {
      const x = src[i];
      if (dtype === 'int64' || dtype === 'uint64') {
        if (typeof x !== 'number' && typeof x !== 'string') throw new Error(`${where}: element ${i} is not a number`);
        try {
          (t.data as BigInt64Array)[i] = BigInt(typeof x === 'number' ? Math.trunc(x) : x);
        } catch {
          throw new Error(`${where}: element ${i} is not an integer`);
        }
      } else {
        const num = typeof x === 'boolean' ? Number(x) : x;
        if (typeof num !== 'number' || !Number.isFinite(num)) throw new Error(`${where}: element ${i} is not a finite number`);
        (t.data as Float32Array)[i] = dtype === 'float16' ? toHalfBits(num) : num;
      }
    }
    out.set(name, { ...t, source: 'samples' });
  }
  return out;
}

/** Sample files larger than this are refused before reading (256 MiB of JSON is ~25 M numbers). */
export const MAX_SAMPLES_BYTES = 256 * 2 ** 20;

export async function loadSamples(file: string): Promise<Map<string, InputTensor>> {
  let text: string;
  try {
    // A regular file only (a FIFO or /dev/zero would block or never end), and not a huge one.
    text = await readRegularTextAsync(file, MAX_SAMPLES_BYTES, 'sample inputs file');
  } catch (e) {
    throw new Error(`sample inputs ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSamples(text, file);
}

/**
 * Inputs for one run: samples where given (their dims win), generated otherwise.
 * `shapes` overrides by input name; `batch` (sweeps) replaces the first dim of every generated input whose first dim is symbolic.
 */
export function buildInputs(
  infos: SessionTensorInfo[],
  opts: { bind: Record<string, number>; shapes?: Record<string, number[]>; samples?: Map<string, InputTensor>; batch?: number },
  assumptions: Set<string>,
): InputTensor[] {
  return infos.map((info) => {
    const s = opts.samples?.get(info.name);
    if (s) {
      if (s.dtype !== info.dtype) throw new Error(`sample input '${info.name}' is ${s.dtype}, the model expects ${info.dtype}`);
      return s;
    }
    const dims = resolveShape(info, opts.bind, assumptions, opts.shapes?.[info.name]);
    if (opts.batch !== undefined && dims.length > 0 && typeof info.shape[0] === 'string') dims[0] = opts.batch;
    return generateTensor(info.name, info.dtype, dims);
  });
}
