/**
 * Custom LSP messages and their typed params, imported by both the client and the server
 * (the vscode-eslint `customMessages.ts` pattern). Keep this file free of runtime dependencies
 * other than type imports so the client bundle stays small.
 */

/** Server → client: overall state for the status bar item. */
export const StatusNotification = 'ttcLens/status';
export type ServerState = 'starting' | 'ok' | 'busy' | 'warning' | 'error';
export interface StatusParams {
  state: ServerState;
  /** One line for the status bar tooltip / output channel. */
  message: string;
}

/** Client → server: workspace trust changed (no model is executed in an untrusted workspace). */
export const WorkspaceTrustNotification = 'ttcLens/workspaceTrust';
export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** Client → server: a Markdown + JSON summary of one ONNX model (static analysis). */
export const ModelSummaryRequest = 'ttcLens/modelSummary';
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
  /** The machine-readable summary (core/onnx analysis output). */
  summary?: unknown;
  error?: string;
}

/** Client → server: profile every model referenced by the given (or all open) configs. */
export const ProfileModelsRequest = 'ttcLens/profileModels';
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

/** Client → server: list every model referenced by the workspace's configs (for pickers). */
export const ListModelsRequest = 'ttcLens/listModels';
export interface ListModelsResult {
  models: Array<{ name: string; path: string; configUri: string }>;
}
