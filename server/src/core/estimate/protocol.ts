/**
 * What the estimator and `ttc-lens bench` ask of the profiler process (server/src/worker/), on top
 * of core/profile/protocol.ts: timings of the exact call shapes a plan uses ("points"), the machine's
 * copy bandwidth for KV tiling and gathers, and the execution of whole query plans.
 */
import type { LatencyStats } from '../profile/stats';
import type { GraphOptimizationLevel, ProfileFailure, RunEnvironment } from '../profile/protocol';
import type { CallKind, QueryPlan } from './plan';

/** How to open one model in the profiler process. */
export interface SessionModel {
  path: string;
  /** Symbolic dimension bindings from the config (`dims:`). */
  bind?: Record<string, number>;
  /** Explicit input shapes by input name (`inputs:`). */
  inputShapes?: Record<string, number[]>;
}

export interface SessionSettings {
  ep?: string;
  /** Intra-op threads; 0 or absent = physical cores. */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
}

/**
 * One call shape to time. Each point is timed through the same code the executor runs for that call
 * (token choice, feed building and KV hand-over included), after one warm-up at that shape.
 * - prefill: G on [batch, tokens] with an empty cache, plus the argmax of the last logits.
 * - step: one decode step at `batch` with a real cache of `context` tokens (stepped for real around
 *   `context`, outputs fed back), plus the argmax.
 * - score: V on [batch, tokens].
 * - run: a non-generative model with its batch axis set to `batch` (inputs built before timing).
 */
export type MeasurePoint =
  | { kind: 'prefill'; batch: number; tokens: number }
  | { kind: 'step'; batch: number; context: number }
  | { kind: 'score'; batch: number; tokens: number }
  | { kind: 'run'; batch: number };

export interface PointsRequestOptions {
  model: SessionModel;
  session?: SessionSettings;
  points: MeasurePoint[];
  /** Stop a point when the median's 95% CI is within ± this fraction (default 0.03). */
  targetCi?: number;
  /** Time cap per point, ms (default 1500). */
  maxTimeMsPerPoint?: number;
  /**
   * Models timed at the same points in the same process, point by point in turn with `model` (a
   * proxy pair, whose difference is scaled by depth: measured minutes apart, the machine's drift
   * between them would be scaled too). Their results come back in `twins`; `sessionRssBytes` is then
   * the growth of all of them together.
   */
  twins?: SessionModel[];
}

export interface PointResult {
  point: MeasurePoint;
  stats?: LatencyStats;
  /** Why this point could not be measured (e.g. past the model's position table); the rest go on. */
  error?: string;
}

export interface PointsResult {
  model: string;
  results: PointResult[];
  /** Process RSS growth from before the session was created to after the last point, bytes. */
  sessionRssBytes: number;
  loadMs: number;
  env: RunEnvironment;
  /** `cat /proc/loadavg`'s first figure before and after. */
  load: [number, number];
  /** The twins' results, in the request's order. */
  twins?: Array<{ model: string; results: PointResult[] }>;
}

export interface CopyBandwidthResult {
  /** Bytes per second of a typed-array copy of KV-sized buffers (slope of the fit over several sizes). */
  bytesPerSecond: number;
  /** Fixed cost per copied tensor, ms (intercept of the fit). */
  perTensorMs: number;
  /** The timed copies behind the fit: bytes of the copied tensor and the median ms per copy. */
  samples?: Array<{ bytes: number; ms: number }>;
  load: [number, number];
}

export interface ExecuteOptions {
  /** Models by the config's names. */
  models: Record<string, SessionModel>;
  session?: SessionSettings;
  warmup: QueryPlan;
  queries: QueryPlan[];
  /** Stop after this many ms of measured queries (the queries done so far are reported). */
  maxTimeMs?: number;
}

export interface QueryTiming {
  ms: number;
  /** Time per call kind within the query, ms. */
  byKind: Partial<Record<CallKind, number>>;
  /** Time per cascade / ensemble stage, ms. */
  byStage?: number[];
}

/** Decode steps of one model at one batch over the measured queries (the executor's own timing). */
export interface StepTiming {
  model: string;
  batch: number;
  /** Steps made (each one decode step of every row). */
  steps: number;
  /** Their total time, ms. */
  ms: number;
  /** Sum of the steps' past lengths (mean context = contextSum / steps). */
  contextSum: number;
}

export interface ExecuteResult {
  queries: QueryTiming[];
  /** Decode steps by model and batch over the measured queries (absent from older profiler builds). */
  stepTimes?: StepTiming[];
  /** Calls made by kind over the measured queries (decode steps counted one by one). */
  calls: Record<CallKind, number>;
  warmupMs: number;
  /** Peak resident set of the profiler process during the run (bytes), and before any session. */
  peakRssBytes: number;
  baseRssBytes: number;
  /** Session load time per model, ms. */
  loadMs: Record<string, number>;
  env: RunEnvironment;
  load: [number, number];
  /** Set when --max-time stopped the run early. */
  truncated?: boolean;
}

/** Build a proxy decoder file (measurement by proxy for shape-only decoders). */
export interface BuildProxyOptions {
  file: string;
  decoder: import('../onnx/builders').DecoderOptions;
  /** Expected bytes of weights (decides external data). */
  weightBytes: number;
}

export interface BuildProxyResult {
  file: string;
  bytes: number;
  ms: number;
  /** False when the file was already there. */
  built: boolean;
}

export type EstimateWorkerRequest =
  | { id: number; type: 'points'; options: PointsRequestOptions }
  | { id: number; type: 'buildProxy'; options: BuildProxyOptions }
  | { id: number; type: 'copyBandwidth' }
  | { id: number; type: 'execute'; options: ExecuteOptions };

export type EstimateWorkerResult = PointsResult | CopyBandwidthResult | ExecuteResult | BuildProxyResult;

export type { ProfileFailure };
