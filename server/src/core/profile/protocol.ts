/**
 * The typed protocol between the language server / CLI (core/profile/pool.ts) and the profiler
 * process (server/src/worker/worker.ts), plus the result types every surface shows. Messages travel
 * over Node's IPC channel as JSON; each request carries an id that its events and final reply repeat.
 */
import type { LatencyStats } from './stats';
import type { DecodeFit, PrefillFit } from './fit';

/** Why a profile failed. Classified once (failures.ts) so each surface can word it the same way. */
export type FailureKind =
  | 'untrusted'
  | 'model-missing'
  | 'runtime-load'
  | 'unsupported-operator'
  | 'invalid-model'
  | 'invalid-input'
  | 'out-of-memory'
  | 'run-failed'
  | 'timeout'
  | 'crashed'
  | 'cancelled';

export interface ProfileFailure {
  kind: FailureKind;
  /** One human sentence. */
  message: string;
  /** Raw runtime text (stderr tail, exception message) for the log. */
  detail?: string;
}

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** What to measure. Everything except `modelPath` has a default. */
export interface MeasureOptions {
  modelPath: string;
  /** Symbolic dimension bindings (e.g. {batch: 1, sequence: 128}). */
  bind?: Record<string, number>;
  /** Explicit input shapes by input name (after binding). */
  inputShapes?: Record<string, number[]>;
  /** Sample inputs file: JSON {inputName: {dims, dtype, data}} (see inputs.ts). */
  samplesPath?: string;
  /** Execution provider name as listed by onnxruntime-node ('cpu', 'cuda', 'webgpu', …). Default cpu. */
  ep?: string;
  /** Intra-op threads; 0 or absent = physical cores. */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Stop when the median's 95% CI is within ± this fraction (default 0.02). */
  targetCi?: number;
  /** Time cap per measured configuration, ms (default 10 000). */
  maxTimeMs?: number;
  minRuns?: number;
  maxRuns?: number;
  /** Warm-up runs excluded from the statistics (default 3, at least 1). */
  warmupRuns?: number;
  /** Per-operator times from ORT's profiling trace (default true). */
  opProfile?: boolean;
  /** Sweeps: latency vs batch size (first dim of every input) and/or vs one named symbolic dim. */
  sweep?: { batch?: number[]; dim?: { name: string; values: number[] } };
  /** Decoder timings when the model has a KV cache; `false` skips them, default auto. */
  decoder?: false | DecoderPlan;
  /** Refuse before building inputs when inputs + peak activations would exceed this (default: half the RAM). */
  maxMemoryBytes?: number;
}

export interface DecoderPlan {
  /** Prompt lengths for prefill T(P) (default [16, 32, 64, 128]). */
  prompts?: number[];
  /** Batch sizes for decode τ(B, c) (default [1, 2, 4]). */
  batches?: number[];
  /** Context lengths for decode τ(B, c) (default [16, 64, 128]). */
  contexts?: number[];
}

/** A model input or output as an ONNX Runtime session declares it (core/onnx/tensor.ts TensorInfo is a TensorProto in the file). */
export interface SessionTensorInfo {
  name: string;
  dtype: string;
  /** Declared shape: numbers or symbolic names. */
  shape: Array<number | string>;
}

export interface FedInput {
  name: string;
  dtype: string;
  dims: number[];
  /** Where the data came from. */
  source: 'generated' | 'samples';
}

export interface OpTime {
  op: string;
  /** Mean time per model run spent in this operator type, ms. */
  ms: number;
  /** Fraction of all node time. */
  share: number;
  /** Kernel invocations per run. */
  calls: number;
}

export interface OpProfile {
  /** Operator types, most expensive first. */
  top: OpTime[];
  /** Mean node time per run, ms (excludes framework overhead between nodes). */
  nodeMsPerRun: number;
  runs: number;
}

/** One measured value of a batch or dim sweep (core/estimate/sweep.ts SweepPoint is a strategy knob's bench run). */
export interface MeasuredSweepPoint {
  value: number;
  stats: LatencyStats;
}

export interface Sweep {
  kind: 'batch' | 'dim';
  /** 'batch' or the symbolic dim's name. */
  name: string;
  points: MeasuredSweepPoint[];
  /** Failure at a sweep value stops the sweep; reported here. */
  error?: string;
}

export interface DecoderProfile {
  /** Inputs recognised as the KV cache and the other roles, for the report. */
  layout: { pastInputs: string[]; presentOutputs: string[]; idsInput?: string; maskInput?: string; positionInput?: string };
  prefill: Array<{ prompt: number; stats: LatencyStats }>;
  /** `headline`: this point is the headline measurement itself (same shape, one measurement). */
  decode: Array<{ batch: number; context: number; stats: LatencyStats; headline?: boolean }>;
  prefillFit?: PrefillFit;
  decodeFit?: DecodeFit;
  notes: string[];
}

export interface MachineFingerprint {
  cpuModel: string;
  logicalCores: number;
  physicalCores: number;
  memoryBytes: number;
  os: string;
  arch: string;
  /** Short stable hash of the fields above (cache key part). */
  id: string;
}

export interface RunEnvironment {
  ep: string;
  threads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  ortVersion: string;
  machine: MachineFingerprint;
  /** Intra-op threads asked for, when more than the machine's physical cores (then `threads` is the cores). */
  threadsAsked?: number;
  /** `os.loadavg()` (1, 5, 15 minutes) when measuring started and when it ended; absent on Windows. */
  load?: { start: number[]; end: number[] };
  /** Other work was competing for the cores while measuring (see worker/measure.ts qualityWarnings). */
  busy?: boolean;
}

/** A completed measurement. */
export interface MeasuredProfile {
  modelPath: string;
  modelBytes: number;
  inputs: SessionTensorInfo[];
  outputs: SessionTensorInfo[];
  fed: FedInput[];
  /** Defaults chosen for unbound symbolic dims and similar guesses, shown to the user. */
  assumptions: string[];
  warnings: string[];
  loadMs: number;
  stats: LatencyStats;
  ops?: OpProfile;
  sweeps?: Sweep[];
  decoder?: DecoderProfile;
  env: RunEnvironment;
  measuredAt: string;
}

export interface EpStatus {
  name: string;
  /** Shipped in the package (true) or downloaded at install time. */
  bundled: boolean;
  usable: boolean;
  /** Why not usable, and what to do. */
  reason?: string;
}

export interface EpReport {
  ortVersion: string;
  eps: EpStatus[];
}

// The wire messages between pool and worker are in messages.ts (they include the estimator's).

/** What a caller gets back: a value, never an exception, for every runtime failure. */
export type Outcome<T> = { ok: true; value: T; cached?: boolean } | { ok: false; failure: ProfileFailure };

/** Structured data a progress message may carry (the executor: each measured query as it finishes). */
export interface ProgressDetail {
  query?: { index: number; of: number; ms: number };
}
