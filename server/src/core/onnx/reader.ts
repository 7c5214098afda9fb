/**
 * Lazy ONNX reader: walks the protobuf wire format with positional reads and returns the model's
 * structure (graph inputs/outputs with symbolic dims, opsets, nodes including `If`/`Loop`/`Scan`
 * subgraphs, value_info, initializers with dtype/dims and the (offset, length) of their payloads)
 * without reading weight payloads. Tensors and their payloads (read on demand) live in tensor.ts.
 *
 * Bad input never escapes as an unexpected exception: every problem is an `OnnxReadError` naming the
 * byte offset and what was expected. Work is bounded: each step advances through the file, nesting is
 * limited (`maxDepth`) and so are element counts, so hostile lengths and deep nesting fail fast.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { FileSource, MemorySource, type ByteSource } from './source';
import { UnsafeFileError } from '../safeFs';
import { parseTensor, type TensorInfo } from './tensor';
import { OnnxReadError, Walker, WT_I32, WT_LEN, WT_VARINT, type Field } from './wire';

export { OnnxReadError } from './wire';
export type { ExternalRef, TensorInfo, TensorStorage } from './tensor';
export { readTensorData, readTensorProto, resolveExternal, tensorValues } from './tensor';


export type Dim = number | string | null;

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
    if (e instanceof UnsafeFileError) throw new OnnxReadError(e.message);
    throw new OnnxReadError(`cannot open ${abs}: ${(e as Error).message}`);
  }
  try {
    const m = readModelFromSource(src, options);
    return { ...m, path: abs };
  } finally {
    src.close();
  }
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
