/**
 * Custom LSP messages, each declared once as a typed `RequestType`/`NotificationType` (method name,
 * params and result together) and imported by both the client and the server, so a call site cannot
 * pair a method with the wrong types (the vscode-eslint `customMessages.ts` pattern). The only runtime
 * import is vscode-jsonrpc's message types, which both bundles carry anyway; the rest are type imports.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ModelSummary } from './core/onnx/analyze';
import type { ShapeOnlySummary } from './core/model/format';
import type { BenchReport } from './core/estimate/benchReport';
import type { SweepPoint, SweepSeries } from './core/estimate/sweep';
import type { ModelCharts } from './core/estimate/modelCharts';

export type { SweepPoint, SweepSeries } from './core/estimate/sweep';

export type { BenchKindRow, BenchLatency, BenchReport } from './core/estimate/benchReport';
export type { ModelCharts, OpChart, StepChart } from './core/estimate/modelCharts';
export type { QualityChart, QualityChartPoint } from './core/quality/chart';

/** Server → client: overall state for the status bar item. */
export type ServerState = 'starting' | 'ok' | 'busy' | 'warning' | 'error';
export interface StatusParams {
  state: ServerState;
  /** One line for the status bar tooltip / output channel. */
  message: string;
}
export const StatusNotification = new NotificationType<StatusParams>('ttcLens/status');

/** Client → server: workspace trust changed (no model is executed in an untrusted workspace). */
export interface WorkspaceTrustParams {
  trusted: boolean;
}
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('ttcLens/workspaceTrust');

/** Client → server: a Markdown + JSON summary of one ONNX model (static analysis). */
export interface ModelSummaryParams {
  /** Absolute path, or a path relative to `configUri`'s folder. */
  path: string;
  configUri?: string;
  /** Symbolic dimension bindings. */
  bind?: Record<string, number>;
  /** Weight precision for a shape-only description (`.json`); else the config's, else torch_dtype, else fp16. */
  precision?: string;
}
export interface ModelSummaryResult {
  markdown: string;
  /** The machine-readable summary: an ONNX file's static analysis, or a shape-only model's geometry (`kind: 'shape-only'`). */
  summary?: ModelSummary | ShapeOnlySummary;
  error?: string;
}
export const ModelSummaryRequest = new RequestType<ModelSummaryParams, ModelSummaryResult, void>('ttcLens/modelSummary');

/** Client → server: profile every model referenced by the given (or all open) configs. */
export interface ProfileModelsParams {
  /** Config files to profile (open ones as edited, others from disk); all open `ttc` documents when omitted. */
  uris?: string[];
  /** Re-measure even when a cached result exists. */
  force?: boolean;
  /** LSP work-done token: progress is reported on it instead of a server-created progress. */
  workDoneToken?: string | number;
}
export interface ProfileModelsResult {
  /** Models measured (ok) or whose measurement failed. */
  profiled: Array<{ model: string; path: string; ok: boolean; message: string; cached?: boolean }>;
  /** Models of the configs that cannot be measured at all, and why (`kind`: shape-only, missing, untrusted, not-onnx). */
  skipped?: Array<{ model: string; path: string; kind: string; reason: string }>;
  /** File names of the configs profiled. */
  configs?: string[];
  /** The report as Markdown (per model p50/p90/p99, runs, CI, threads, decoder grids; what was not measured). */
  report?: string;
}
export const ProfileModelsRequest = new RequestType<ProfileModelsParams, ProfileModelsResult, void>('ttcLens/profileModels');

/** Client → server: list every model referenced by the workspace's configs (for pickers). */
export interface ListModelsResult {
  models: Array<{ name: string; path: string; configUri: string }>;
}
export const ListModelsRequest = new RequestType0<ListModelsResult, void>('ttcLens/listModels');

/** Client → server: the estimate of an open config (Markdown breakdown + the `estimate --json` object). */
export interface EstimateParams {
  uri: string;
  /** LSP work-done token (profileEstimate): progress is reported on it. */
  workDoneToken?: string | number;
}
export interface EstimateResult {
  markdown?: string;
  /** The JSON contract of `ttc-lens estimate --json` (docs/cli.md). */
  estimate?: Record<string, unknown>;
  error?: string;
}
export const EstimateRequest = new RequestType<EstimateParams, EstimateResult, void>('ttcLens/estimate');

/** Client → server: measure the grid points a config's estimate needs (trusted workspaces only), then estimate. */
export const ProfileEstimateRequest = new RequestType<EstimateParams, EstimateResult, void>('ttcLens/profileEstimate');

/** Client → server: run a config's strategy for real (the executor) beside its estimate. */
export interface RunBenchmarkParams extends EstimateParams {
  /** Measured queries (default 20). */
  queries?: number;
  /** Run the benchmark at each value of one strategy knob instead: `n=1,2,4,8` (as `ttc-lens bench --sweep`). */
  sweep?: string;
}
export interface RunBenchmarkResult extends EstimateResult {
  bench?: {
    latency: { p50_ms: number; p95_ms: number; mean_ms: number };
    calls: Record<string, number>;
    calls_match: boolean;
    peak_rss_bytes: number;
    load: [number, number];
    busy: boolean;
  };
  /** The whole run, ready to draw (the benchmark panel and its exports). */
  report?: BenchReport;
  /** With `sweep`: each value's run and the lines to draw. */
  sweep?: { series: SweepSeries; points: SweepPoint[] };
}
export const RunBenchmarkRequest = new RequestType<RunBenchmarkParams, RunBenchmarkResult, void>('ttcLens/runBenchmark');

/** Server → client during `ttcLens/runBenchmark`: one measured query finished (keyed by the request's work-done token). */
export interface BenchmarkQueryParams {
  workDoneToken: string | number;
  /** 0-based index of the query, and how many are planned. */
  index: number;
  of: number;
  ms: number;
}
export const BenchmarkQueryNotification = new NotificationType<BenchmarkQueryParams>('ttcLens/benchmarkQuery');

/** Client → server: quantize or prune one ONNX model of an open config, verify, edit the config (trusted workspaces only). */
export interface RewriteModelParams {
  uri: string;
  /** The model's name in the config. */
  model: string;
  kind: 'int8' | 'int4' | 'prune';
  /** Structured pruning: the fraction of feed-forward units removed (default 0.5). */
  ratio?: number;
  workDoneToken?: string | number;
}
/** What `ttcLens/revertRewrite` needs to undo a rewrite: the entry's old path and precision, and the file written. */
export interface RewriteRevert {
  uri: string;
  model: string;
  path: string;
  /** null: the entry had no `precision` key. */
  precision: string | null;
  file: string;
}
export interface RewriteModelResult {
  /** One line: measured speedup, fidelity and the new estimate against the budget. */
  title?: string;
  /** helped / not-faster / below-fidelity / failed, and why. */
  verdict?: 'helped' | 'not-faster' | 'below-fidelity' | 'failed';
  reasons?: string[];
  /** The full verification report (text, as `ttc-lens quantize` prints it). */
  report?: string;
  /** The model file written. */
  file?: string;
  revert?: RewriteRevert;
  error?: string;
}
export const RewriteModelRequest = new RequestType<RewriteModelParams, RewriteModelResult, void>('ttcLens/rewriteModel');

export type RevertRewriteParams = RewriteRevert;
export interface RevertRewriteResult {
  applied?: boolean;
  /** The rewritten file was deleted. */
  removed?: boolean;
  error?: string;
}
export const RevertRewriteRequest = new RequestType<RevertRewriteParams, RevertRewriteResult, void>('ttcLens/revertRewrite');

/** The benchmark panel's per-model charts before any run: from the cached grid points and profiles only (nothing runs). */
export interface BenchmarkModelsResult {
  models?: ModelCharts;
  error?: string;
}
export const BenchmarkModelsRequest = new RequestType<EstimateParams, BenchmarkModelsResult, void>('ttcLens/benchmarkModels');

/** The benchmark panel's Pareto chart: accuracy against latency or cost from the config's `quality` data (nothing runs). */
export interface QualityChartResult {
  chart?: import('./core/quality/chart').QualityChart;
  /** Why there is none (no quality data, the estimate is not ready). */
  error?: string;
}
export const QualityChartRequest = new RequestType<EstimateParams, QualityChartResult, void>('ttcLens/qualityChart');
