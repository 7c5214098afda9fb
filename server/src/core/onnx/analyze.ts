/**
 * Static analysis of a read model: parameters and weight bytes per dtype, external data, shape
 * propagation, FLOPs per node with coverage, peak activation memory, operator histogram and decoder
 * (KV cache) detection, as one JSON-able `ModelSummary`.
 */
import { allGraphs, fileSize, resolveExternal, type GraphInfo, type ModelInfo, type TensorInfo, type ValueInfo } from './reader';
import { inferGraph, inputDims } from './infer';
import type { GraphResult, NodeResult } from './rules';
import { FLOP_RULES } from './registry';
import { evalDim, show, symbols, type SymDim } from './expr';
import { dtypeBits, dtypeName, DataType } from './schema';
import type { TType } from './rules';

export interface TensorSummary {
  name: string;
  dtype: string;
  /** Dims as declared (symbolic names kept). */
  shape: Array<number | string>;
  /** Dims with the bindings (given and assumed) applied, when all resolve. */
  bound?: number[];
}

export interface DecoderInfo {
  layers: number;
  kvHeads?: number;
  headSize?: number;
  kvDtype: string;
  /** Bytes of KV cache per token per sequence (all layers, keys and values). */
  kvBytesPerToken?: number;
  /** Symbolic name of the past sequence dimension, when declared. */
  pastDim?: string;
  vocab?: number;
  hidden?: number;
  /** Output holding the scores: 'logits', 'reward', … */
  output?: string;
}

export interface ModelSummary {
  path?: string;
  fileSize: number;
  irVersion: number;
  producer: string;
  opsets: Record<string, number>;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  parameters: number;
  /**
   * Parameters of embedding tables (2-D weights read by Gather): excluded from N in the Kaplan et al.
   * (2020) per-token cost 2N, since a lookup costs no multiply-adds.
   */
  embeddingParameters: number;
  weightBytes: number;
  weightsByDtype: Record<string, { parameters: number; bytes: number }>;
  /** Weights held in Constant nodes (counted in `parameters` too). */
  constantWeights: { nodes: number; parameters: number; bytes: number };
  externalData: { bytes: number; files: Array<{ location: string; bytes: number; tensors: number; exists: boolean }> };
  nodes: number;
  subgraphs: number;
  /** Operator histogram (domain-qualified for non-default domains), most frequent first. */
  ops: Record<string, number>;
  flops: {
    total: number;
    /** FLOPs by operator type. */
    byOp: Record<string, number>;
    /** Nodes with a rule whose FLOPs were computed (including 0-FLOP data movement). */
    costedNodes: number;
    /** Nodes without a cost rule, by op. */
    uncosted: Record<string, number>;
    /** Nodes with a rule whose shapes were not known well enough, by op. */
    unknownShape: Record<string, number>;
    /** Nodes considered: all, except those in If branches statically known not to run. */
    countedNodes: number;
    /** costedNodes / countedNodes. */
    coverage: number;
  };
  memory: {
    /** Peak bytes of live activations (graph inputs and intermediate tensors; weights excluded). */
    peakActivationBytes: number;
    /** Tensors whose size could not be determined (excluded from the peak). */
    unknownTensors: number;
  };
  bindings: { given: Record<string, number>; assumed: Record<string, number> };
  decoder?: DecoderInfo;
  /** Bytes read from the model file to get its structure. */
  bytesRead: number;
  analysisMs: number;
}

export interface AnalyzeOptions {
  bind?: Record<string, number>;
  /** Keep per-node details (`AnalyzedModel.nodes`). */
  details?: boolean;
}

export interface NodeCost {
  name: string;
  op: string;
  graph: string;
  flops?: number;
  outputs: string[];
}

const WEIGHT_CONSTANT_MIN = 16;
const INT_TYPES = new Set<number>([DataType.INT64, DataType.INT32, DataType.BOOL, DataType.STRING, DataType.UINT64]);

/** Whether a Constant's tensor is a weight (not a shape/index constant). */
export function isWeightConstant(t: TensorInfo): boolean {
  return t.elements >= WEIGHT_CONSTANT_MIN && !INT_TYPES.has(t.dtype);
}

function opKey(domain: string, op: string): string {
  return domain && domain !== 'ai.onnx' ? `${domain}.${op}` : op;
}

/**
 * Cached tokens assumed for an unbound past-length dim: the analysis describes one decode step after
 * this many tokens, the shape the profiler measures for its headline latency (worker/decoder.ts), so
 * the hover's static and measured sections talk about the same step.
 */
export const DECODE_PAST_DEFAULT = 128;

/** Default for an unbound symbol, shown as an assumption. */
function defaultFor(name: string, input: ValueInfo, index: number): number {
  const n = name.toLowerCase();
  if (/past|cache/.test(n)) return DECODE_PAST_DEFAULT;
  if (/memory/.test(n)) return 0;
  // Spatial dims of images: a 4-D float input's H and W.
  if (input.shape?.length === 4 && index >= 2 && (input.dtype === DataType.FLOAT || input.dtype === DataType.FLOAT16)) return 224;
  return 1;
}

// past_key_values.0.key (Optimum, onnxruntime-genai), past.0.key, past_key_0, and the combined 5-D
// [2, batch, heads, past, head_size] past_0 / past_key_values.0 of older GPT-2 style exports.
const PAST_RE = /^(?:past_key_values|past_key_value|past|cache)[._]?(\d+)(?:[._](key|value))?$|^past_(key|value)[._]?(\d+)$/;

function detectDecoder(g: GraphInfo): DecoderInfo | undefined {
  const past = g.inputs.filter((v) => PAST_RE.test(v.name));
  const present = g.outputs.filter((v) => /^present/.test(v.name));
  if (!past.length || !present.length) return undefined;
  const layers = new Set<string>();
  for (const v of past) {
    const m = PAST_RE.exec(v.name)!;
    layers.add(m[1] ?? m[4]);
  }
  const first = past[0];
  const s = first.shape ?? [];
  let kvHeads: number | undefined, headSize: number | undefined, pastDim: string | undefined;
  if (s.length === 4) {
    kvHeads = typeof s[1] === 'number' ? s[1] : undefined;
    headSize = typeof s[3] === 'number' ? s[3] : undefined;
    pastDim = typeof s[2] === 'string' ? s[2] : undefined;
  } else if (s.length === 5) {
    kvHeads = typeof s[2] === 'number' ? s[2] : undefined;
    headSize = typeof s[4] === 'number' ? s[4] : undefined;
    pastDim = typeof s[3] === 'string' ? s[3] : undefined;
  }
  // Per token: every past tensor contributes heads × head size elements (a 5-D one holds K and V).
  let perToken = 0;
  for (const v of past) {
    const d = v.shape ?? [];
    const fixed = d.length === 4 ? [d[1], d[3]] : d.length === 5 ? [d[0], d[2], d[4]] : [];
    if (!fixed.length || fixed.some((x) => typeof x !== 'number')) {
      perToken = NaN;
      break;
    }
    perToken += (fixed as number[]).reduce((a, b) => a * b, 1) * (dtypeBits(v.dtype ?? DataType.FLOAT) / 8);
  }
  const out = g.outputs.find((v) => !/^present/.test(v.name));
  const last = out?.shape?.[out.shape.length - 1];
  const info: DecoderInfo = {
    layers: layers.size,
    kvHeads,
    headSize,
    kvDtype: dtypeName(first.dtype ?? DataType.FLOAT),
    kvBytesPerToken: Number.isFinite(perToken) ? perToken : undefined,
    pastDim,
    output: out?.name,
  };
  if (out && /logits/.test(out.name) && typeof last === 'number') info.vocab = last;
  return info;
}

function summarizeTensor(v: ValueInfo, bind: Record<string, number>): TensorSummary {
  const shape = (v.shape ?? []).map((d, i) => (d === null ? `${v.name}[${i}]` : d));
  const dims = inputDims(v, bind);
  const bound = dims?.map((d) => evalDim(d, bind));
  return {
    name: v.name,
    dtype: dtypeName(v.dtype ?? 0),
    shape,
    bound: bound && bound.every((d) => d !== undefined) ? (bound as number[]) : undefined,
  };
}

function bytesOf(t: TType | undefined, ev: (d: SymDim) => number | undefined): number | undefined {
  if (!t?.shape || t.dtype === undefined) return undefined;
  const bits = dtypeBits(t.dtype);
  if (!bits) return undefined;
  let n = 1;
  for (const d of t.shape) {
    const v = ev(d);
    if (v === undefined) return undefined;
    n *= Math.max(0, v);
  }
  const b = Math.ceil((n * bits) / 8);
  return Number.isSafeInteger(b) ? b : undefined;
}

/** Peak live activation bytes walking the nodes in order; each tensor is freed after its last use. */
function peakMemory(res: GraphResult, ev: (d: SymDim) => number | undefined): { peak: number; unknown: number } {
  const g = res.graph;
  const inits = new Set(g.initializers.map((t) => t.name));
  const lastUse = new Map<string, number>();
  res.nodes.forEach((n, i) => n.node.inputs.forEach((x) => x && lastUse.set(x, i)));
  for (const o of g.outputs) lastUse.set(o.name, Infinity);
  let live = 0, peak = 0, unknown = 0;
  const size = new Map<string, number>();
  const alloc = (name: string, t: TType | undefined): void => {
    if (!name || inits.has(name) || size.has(name)) return;
    const b = bytesOf(t, ev);
    if (b === undefined) {
      unknown++;
      return;
    }
    size.set(name, b);
    live += b;
  };
  for (const v of g.inputs) alloc(v.name, res.types.get(v.name));
  peak = live;
  res.nodes.forEach((n, i) => {
    if (n.node.opType === 'Constant') return;
    n.node.outputs.forEach((o, k) => alloc(o, n.outputs[k]));
    peak = Math.max(peak, live);
    for (const x of new Set([...n.node.inputs, ...n.node.outputs])) {
      const s = size.get(x);
      if (s !== undefined && (lastUse.get(x) ?? -1) <= i) {
        live -= s;
        size.delete(x);
      }
    }
  });
  return { peak, unknown };
}

/** The full analysis; `nodes` holds per-node costs when `details` is set. */
export function analyzeModel(model: ModelInfo, options: AnalyzeOptions = {}): { summary: ModelSummary; nodes?: NodeCost[]; result: GraphResult } {
  const t0 = performance.now();
  const given = { ...(options.bind ?? {}) };
  const g = model.graph;
  const opsets = new Map(model.opsets.map((o) => [o.domain, o.version]));
  const initNames = new Set(g.initializers.map((t) => t.name));
  const realInputs = g.inputs.filter((v) => !initNames.has(v.name));

  // Bindings: given ones, then defaults for the remaining symbols of the graph inputs.
  const assumed: Record<string, number> = {};
  for (const v of realInputs) {
    (v.shape ?? []).forEach((d, i) => {
      const name = d === null ? `${v.name}[${i}]` : typeof d === 'string' ? d : undefined;
      if (name === undefined || name in given || name in assumed) return;
      if (/total/i.test(name)) return; // derived below
      assumed[name] = defaultFor(name, v, i);
    });
  }
  for (const v of realInputs) {
    for (const d of v.shape ?? []) {
      if (typeof d !== 'string' || d in given || d in assumed) continue;
      const all = { ...assumed, ...given };
      const past = Object.keys(all).find((k) => /past/i.test(k));
      const seq = Object.keys(all).find((k) => /seq|length/i.test(k) && !/past|total/i.test(k));
      assumed[d] = seq ? (past ? all[past] : 0) + all[seq] : 1;
    }
  }
  const bind = { ...assumed, ...given };
  const ev = (d: SymDim): number | undefined => evalDim(d, bind);

  // Shapes: propagate with only the given bindings, so unbound dims stay symbolic.
  const result = inferGraph(g, opsets, { bind: given });

  // Weights.
  const weightsByDtype: ModelSummary['weightsByDtype'] = {};
  let parameters = 0, weightBytes = 0;
  const constantWeights = { nodes: 0, parameters: 0, bytes: 0 };
  const ext = new Map<string, { bytes: number; tensors: number }>();
  // Packed low-bit weights (com.microsoft.MatMulNBits B: uint8 holding K×N values of `bits` bits)
  // count as their logical parameters under an `int<bits>` key.
  const packed = new Map<string, { params: number; key: string }>();
  for (const sg of allGraphs(g)) {
    for (const n of sg.nodes) {
      if (n.opType !== 'MatMulNBits' || !n.inputs[1]) continue;
      const a = (name: string) => n.attributes.find((x) => x.name === name)?.i;
      const K = a('K'), N = a('N'), bits = a('bits') ?? 4;
      if (K && N) packed.set(n.inputs[1], { params: K * N, key: `int${bits}` });
    }
  }
  const addWeight = (t: TensorInfo): void => {
    const p = packed.get(t.name);
    const k = p?.key ?? dtypeName(t.dtype);
    const elements = p?.params ?? t.elements;
    const w = (weightsByDtype[k] ??= { parameters: 0, bytes: 0 });
    w.parameters += elements;
    w.bytes += t.byteLength;
    parameters += elements;
    weightBytes += t.byteLength;
    if (t.external) {
      const e = ext.get(t.external.location) ?? { bytes: 0, tensors: 0 };
      e.bytes += t.external.length ?? t.byteLength;
      e.tensors++;
      ext.set(t.external.location, e);
    }
  };
  const graphs = allGraphs(g);
  const embeddings = new Set<string>();
  for (const sg of graphs) for (const n of sg.nodes) if (n.opType === 'Gather' && n.inputs[0]) embeddings.add(n.inputs[0]);
  let embeddingParameters = 0;
  for (const sg of graphs) {
    for (const t of sg.initializers) if (embeddings.has(t.name) && t.dims.length === 2 && t.elements >= 1024) embeddingParameters += t.elements;
  }
  let nodeCount = 0;
  const ops: Record<string, number> = {};
  for (const sg of graphs) {
    for (const t of sg.initializers) addWeight(t);
    for (const s of sg.sparseInitializers) if (s.values) addWeight(s.values);
    for (const n of sg.nodes) {
      nodeCount++;
      const k = opKey(n.domain, n.opType);
      ops[k] = (ops[k] ?? 0) + 1;
      if (n.opType === 'Constant') {
        const t = n.attributes.find((a) => a.name === 'value')?.t;
        if (t && isWeightConstant(t)) {
          addWeight(t);
          constantWeights.nodes++;
          constantWeights.parameters += packed.get(n.outputs[0])?.params ?? t.elements;
          constantWeights.bytes += t.byteLength;
        }
      }
    }
  }

  // FLOPs over all nodes, subgraphs included (If: the larger branch; Loop/Scan: not costed).
  const byOp: Record<string, number> = {};
  const uncosted: Record<string, number> = {};
  const unknownShape: Record<string, number> = {};
  let costed = 0, total = 0, counted = 0;
  const details: NodeCost[] | undefined = options.details ? [] : undefined;
  // mode 'total': counted for coverage and added to the totals; 'count': coverage only (a branch not
  // chosen as the larger one, a loop body); 'measure': computed without side effects.
  type Mode = 'total' | 'count' | 'measure';
  const graphFlops = (r: GraphResult, mode: Mode): number | undefined => {
    let sum = 0;
    let complete = true;
    for (const n of r.nodes) {
      const f = nodeFlops(n, mode);
      if (f === undefined) complete = false;
      else sum += f;
    }
    return complete ? sum : undefined;
  };
  const nodeFlops = (n: NodeResult, mode: Mode): number | undefined => {
    const op = opKey(n.node.domain, n.node.opType);
    let f: number | undefined;
    let ruled = false;
    if (n.subgraphs?.length) {
      if (n.node.opType === 'If') {
        ruled = true;
        const taken = n.taken ? n.subgraphs.find((s) => s.attr === n.taken) : undefined;
        if (taken) {
          // The condition is known: only the branch that runs counts.
          f = graphFlops(taken.result, mode);
        } else {
          const per = n.subgraphs.map((s) => graphFlops(s.result, 'measure'));
          const complete = per.every((x) => x !== undefined);
          f = complete ? Math.max(0, ...(per as number[])) : undefined;
          const pick = complete ? per.indexOf(f!) : -1;
          if (mode !== 'measure') n.subgraphs.forEach((s, i) => graphFlops(s.result, i === pick && mode === 'total' ? 'total' : 'count'));
        }
      } else if (mode !== 'measure') {
        for (const s of n.subgraphs) graphFlops(s.result, 'count');
      }
    } else {
      const rule = (n.node.domain === '' ? FLOP_RULES[`ai.onnx:${n.node.opType}`] : undefined) ?? FLOP_RULES[n.node.opType];
      if (rule) {
        ruled = true;
        try {
          f = rule(n, ev);
        } catch {
          f = undefined;
        }
        if (f !== undefined && !Number.isFinite(f)) f = undefined;
      }
    }
    if (mode !== 'measure') {
      counted++;
      if (!ruled) uncosted[op] = (uncosted[op] ?? 0) + 1;
      else if (f === undefined) unknownShape[op] = (unknownShape[op] ?? 0) + 1;
      else {
        costed++;
        if (mode === 'total' && !n.subgraphs?.length) {
          byOp[op] = (byOp[op] ?? 0) + f;
          total += f;
        }
      }
      details?.push({ name: n.node.name, op, graph: n.graph, flops: f, outputs: n.node.outputs });
    }
    return f;
  };
  graphFlops(result, 'total');

  const mem = peakMemory(result, ev);
  const extFiles = [...ext.entries()].map(([location, e]) => {
    let exists = false;
    if (model.path) {
      try {
        exists = fileSize(resolveExternal(model.path, location)) !== undefined;
      } catch {
        exists = false;
      }
    }
    return { location, bytes: e.bytes, tensors: e.tensors, exists };
  });
  const sortedOps = Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  const decoder = detectDecoder(g);
  if (decoder) {
    const embed = g.initializers.find((t) => t.dims.length === 2 && decoder.vocab !== undefined && t.dims[0] === decoder.vocab);
    if (embed) decoder.hidden = embed.dims[1];
  }
  const summary: ModelSummary = {
    path: model.path,
    fileSize: model.fileSize,
    irVersion: model.irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: Object.fromEntries(model.opsets.map((o) => [o.domain || 'ai.onnx', o.version])),
    inputs: realInputs.map((v) => summarizeTensor(v, bind)),
    outputs: g.outputs.map((v) => {
      const s = summarizeTensor(v, bind);
      const t = result.types.get(v.name);
      if (t?.shape && !s.bound) {
        const b = t.shape.map(ev);
        if (b.every((x) => x !== undefined)) s.bound = b as number[];
      }
      return s;
    }),
    parameters,
    embeddingParameters,
    weightBytes,
    weightsByDtype,
    constantWeights,
    externalData: { bytes: extFiles.reduce((a, f) => a + f.bytes, 0), files: extFiles },
    nodes: nodeCount,
    subgraphs: graphs.length - 1,
    ops: sortedOps,
    flops: { total, byOp, costedNodes: costed, countedNodes: counted, uncosted, unknownShape, coverage: counted ? costed / counted : 1 },
    memory: { peakActivationBytes: mem.peak, unknownTensors: mem.unknown },
    bindings: { given, assumed },
    decoder,
    bytesRead: model.bytesRead,
    analysisMs: 0,
  };
  summary.analysisMs = performance.now() - t0;
  return { summary, nodes: details, result };
}

/** Symbols used by a model's graph inputs (what `--bind` can set). */
export function inputSymbols(model: ModelInfo): string[] {
  const out = new Set<string>();
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  for (const v of model.graph.inputs) {
    if (inits.has(v.name)) continue;
    for (const d of inputDims(v) ?? []) symbols(d, out);
    if (v.shape && v.shape.length <= 1 && v.shape.every((d) => d === 1) && v.dtype !== DataType.FLOAT) out.add(v.name);
  }
  return [...out];
}

/** Render a propagated shape for display. */
export function showShape(shape: SymDim[] | undefined): string {
  return shape ? `[${shape.map(show).join(', ')}]` : '?';
}
