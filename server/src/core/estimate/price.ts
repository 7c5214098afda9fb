/**
 * The price of one plan call in milliseconds, with its provenance: from the model's measured points
 * (PointTable) where they exist, else from a roofline over FLOPs and bytes moved (`analytic`, with the
 * machine's calibrated or the config's `peak_flops` / `memory_bandwidth`). KV tiles and gathers are
 * priced from the machine's copy bandwidth.
 */
import type { PlanCall } from './plan';
import type { Lookup, PointTable, Provenance } from './table';

export interface ModelFacts {
  name: string;
  source: 'onnx' | 'shape-only' | 'unavailable';
  path?: string;
  precision?: string;
  /** Bytes of weights at the model's precision. */
  weightBytes?: number;
  /** Weight bytes a run streams (without embedding tables, which are only gathered). */
  streamedWeightBytes?: number;
  /** KV cache bytes per token per sequence (decoders). */
  kvBytesPerToken?: number;
  /** Number of KV tensors (keys and values of every layer): each copy pays a fixed cost per tensor. */
  kvTensors?: number;
  /** Peak live activations of one run at batch 1 (static analysis), bytes. */
  activationBytes?: number;
  /** Operators one run executes (Constant nodes excluded); for shape-only decoders, from their depth. */
  nodes?: number;
  /** Analytic FLOPs: per processed token (fixed part), per token per context token, per run at batch 1. */
  flops?: { perToken?: number; perContextToken?: number; perRun?: number };
  /** Longest sequence the model holds (position table), when known. */
  maxContext?: number;
  /** Measured call timings. */
  table?: PointTable;
  /** Resident memory the model's session added in the profiler process (weights, arena, activations). */
  sessionRssBytes?: number;
  /** Shape-only decoders: the geometry read from the description. */
  geometry?: import('../model/geometry').ModelGeometry;
  /** The table was measured on proxies (shape-only decoders with `proxy: true`), not the model. */
  proxy?: boolean;
  /** The model file changed since its calls were measured (in this session): re-profile it. */
  stale?: boolean;
  /** Why the model cannot be measured, in words. */
  notes: string[];
}

export interface MachineFacts {
  /** KV copy cost: ms = perTensorMs · tensors + bytes / bytesPerSecond (read and written once). */
  copy: { bytesPerSecond: number; perTensorMs: number; provenance: Provenance };
  /**
   * Roofline for analytic prices, plus this machine's fixed costs per executed operator and per call
   * when calibrated here (calibrate.ts; absent for another machine's figures).
   */
  roofline: { flopsPerSecond: number; bytesPerSecond: number; source: string; perNodeMs?: number; perCallMs?: number; kvMsPerByte?: number; attnMsPerFlop?: number };
  /** RSS of the profiler process before any session (Node + ONNX Runtime), when measured. */
  baseRssBytes?: number;
}

/** Used when neither the config nor a calibration gives the machine: a modest 2-core CPU. */
export const ASSUMED_CPU = { flopsPerSecond: 50e9, bytesPerSecond: 10e9 };
export const ASSUMED_COPY = { bytesPerSecond: 4e9, perTensorMs: 0.005 };
/**
 * Resident memory of the process that runs the models before any session: Node 20 + onnxruntime-node
 * 1.30 (measured at the start of a fresh profiler process here: 64 MiB). Part of the memory peak,
 * so that the estimate compares with the RSS `bench` measures.
 */
export const RUNTIME_RSS_BYTES = 64 * 2 ** 20;

export interface Priced extends Lookup {
  flops: number;
}

function roofline(flops: number, bytes: number, m: MachineFacts): number {
  return Math.max(flops / m.roofline.flopsPerSecond, bytes / m.roofline.bytesPerSecond) * 1000;
}

/** FLOPs of a decoder processing `tokens` new tokens after `past` cached ones, per sequence. */
function decoderFlops(f: ModelFacts, tokens: number, past: number): number {
  const a = f.flops?.perToken ?? 0;
  const b = f.flops?.perContextToken ?? 0;
  // Token t (0-based) attends to past + t + 1 positions.
  return tokens * a + b * (tokens * past + (tokens * (tokens + 1)) / 2);
}

export function callFlops(call: PlanCall, f: ModelFacts): number {
  switch (call.kind) {
    case 'prefill':
      return decoderFlops(f, call.tokens, 0);
    case 'steps': {
      // Σ over contexts c … c + count − 1 of (a + b·(c + 1)).
      const a = f.flops?.perToken ?? 0, b = f.flops?.perContextToken ?? 0;
      const n = call.count;
      return call.batch * (n * a + b * (n * (call.context + 1) + (n * (n - 1)) / 2));
    }
    case 'score':
      return call.batch * decoderFlops(f, call.tokens, 0);
    case 'run':
      return call.batch * (f.flops?.perRun ?? 0);
    default:
      return 0;
  }
}

/** The attention's share of a prefill's or score's FLOPs (callFlops' B·T(T + 1)/2 term per row); 0 otherwise. */
function attentionFlops(call: PlanCall, f: ModelFacts): number {
  if (call.kind !== 'prefill' && call.kind !== 'score') return 0;
  return (call.kind === 'score' ? call.batch : 1) * (f.flops?.perContextToken ?? 0) * ((call.tokens * (call.tokens + 1)) / 2);
}

/** Bytes a KV tile or gather copies (every row of the result written once, read once). */
export function copyBytes(call: PlanCall, f: ModelFacts): number {
  if (call.kind !== 'kv_tile' && call.kind !== 'kv_gather') return 0;
  return (f.kvBytesPerToken ?? 0) * call.context * call.batch;
}

export function priceCall(call: PlanCall, f: ModelFacts | undefined, m: MachineFacts): Priced {
  const flops = f ? callFlops(call, f) : 0;
  if (!f) return { ms: 0, provenance: 'analytic', sources: ['unknown model'], flops };
  if (call.kind === 'kv_tile' || call.kind === 'kv_gather') {
    const bytes = copyBytes(call, f);
    const ms = (f.kvTensors ?? 0) * m.copy.perTensorMs + ((2 * bytes) / m.copy.bytesPerSecond) * 1000;
    return { ms, provenance: m.copy.provenance, sources: [`copy ${Math.round(bytes / 1024)} KiB`], flops };
  }
  const t = f.table;
  let hit: Lookup | undefined;
  if (t) {
    const lookup = (b: number): Lookup | undefined => {
      if (call.kind === 'prefill') return t.at({ kind: 'prefill', batch: 1, tokens: call.tokens });
      if (call.kind === 'score') return t.at({ kind: 'score', batch: b, tokens: call.tokens });
      if (call.kind === 'run') return t.at({ kind: 'run', batch: b });
      if (call.kind === 'steps') return t.sumSteps(b, call.context, call.count);
      return undefined;
    };
    hit = lookup(call.batch);
    const kind = call.kind === 'steps' ? 'step' : call.kind;
    if (!hit && call.kind !== 'prefill' && (kind === 'step' || kind === 'score' || kind === 'run')) {
      // A batch the grid lacks (e.g. the marginal +1 sample): linear in B between measured batches,
      // else the nearest measured batch scaled by the roofline's ratio between the two batches.
      const bs = t.batches(kind);
      const lo = [...bs].reverse().find((b) => b < call.batch);
      const hi = bs.find((b) => b > call.batch);
      const a = lo !== undefined ? lookup(lo) : undefined;
      const c = hi !== undefined ? lookup(hi) : undefined;
      if (a && c && lo !== undefined && hi !== undefined) {
        const w = (call.batch - lo) / (hi - lo);
        hit = { ms: a.ms + w * (c.ms - a.ms), provenance: 'interpolated', sources: [...a.sources.slice(0, 2), ...c.sources.slice(0, 2)], ci: Math.max(a.ci ?? 0, c.ci ?? 0) };
      } else if (a || c) {
        const near = (a ? lo : hi)!;
        const base = (a ?? c)!;
        const ratio = analyticMs({ ...call, batch: call.batch } as PlanCall, f, m) / Math.max(1e-9, analyticMs({ ...call, batch: near } as PlanCall, f, m));
        hit = { ms: base.ms * (Number.isFinite(ratio) && ratio > 0 ? ratio : call.batch / near), provenance: 'extrapolated', sources: [`${base.sources[0] ?? ''} scaled to B=${call.batch}`], ci: base.ci };
      }
    }
  }
  if (hit && f.proxy) {
    const provenance: Provenance = hit.provenance === 'measured' || hit.provenance === 'interpolated' ? 'proxy' : hit.provenance;
    return { ...hit, provenance, sources: hit.sources.map((s) => `proxy ${s}`), flops };
  }
  if (hit) return { ...hit, flops };
  const ms = analyticMs(call, f, m);
  const provenance: Provenance = m.roofline.source === 'calibrated' ? 'calibrated' : 'analytic';
  return { ms, provenance, sources: [`roofline (${m.roofline.source})`], flops };
}

/** The roofline price of a call: weights are read once per run; KV and activations stream with the batch. */
function analyticMs(call: PlanCall, f: ModelFacts, m: MachineFacts): number {
  const flops = callFlops(call, f);
  const w = f.streamedWeightBytes ?? f.weightBytes ?? 0;
  const kv = f.kvBytesPerToken ?? 0;
  let ms = 0;
  // Calibrated here: attention over the call's new tokens at its own cost per FLOP (head-size-wide
  // matmuls and the softmax, well below the GEMM peak); the rest at the roofline.
  const attnMsPerFlop = m.roofline.attnMsPerFlop;
  const attn = attnMsPerFlop !== undefined ? attentionFlops(call, f) : 0;
  const attnMs = attn * (attnMsPerFlop ?? 0);
  switch (call.kind) {
    case 'prefill':
      ms = roofline(flops - attn, w + kv * call.tokens, m) + attnMs;
      break;
    case 'score':
      ms = roofline(flops - attn, w + (f.activationBytes ?? 0) * call.batch, m) + attnMs;
      break;
    case 'run':
      ms = roofline(flops, w + (f.activationBytes ?? 0) * call.batch, m);
      break;
    case 'steps': {
      const kvRead = kv * call.batch * (call.count * call.context + (call.count * (call.count - 1)) / 2);
      // Calibrated here: the KV cache's own cost per byte (concatenation, transposes, attention at
      // small-matrix efficiency), added to the weights' roofline; else one read at the bandwidth.
      const kvMs = m.roofline.kvMsPerByte;
      ms = kvMs !== undefined ? roofline(flops, w * call.count, m) + kvRead * kvMs : roofline(flops, w * call.count + kvRead, m);
      break;
    }
  }
  // The fixed costs of each run (one per step), where this machine's were calibrated.
  const runs = call.kind === 'steps' ? call.count : 1;
  const fixed = (m.roofline.perCallMs ?? 0) + (f.nodes ?? 0) * (m.roofline.perNodeMs ?? 0);
  return ms + runs * fixed;
}
