/**
 * What `ttc-lens eval` asks of the profiler process (server/src/worker/evalRun.ts): run a text
 * recognizer over labelled lines at several test-time-compute settings, each line timed end to end
 * (preprocessing, every model run, decoding and the vote), and hand back what each setting answered.
 * Scoring against the labels happens in the caller (core/eval/report.ts): the worker never sees them.
 */
import type { RunEnvironment } from '../profile/protocol';
import type { SessionModel, SessionSettings } from '../estimate/protocol';

/**
 * - single: view 0 on the model.
 * - tta: views 0..n−1 in one batch, plurality vote over the decoded strings.
 * - early_exit: views one wave at a time (`wave` views per run) until the leading string is decided
 *   (Adaptive-Consistency's Beta rule at `threshold`, as in docs/estimates.md) or n views are used.
 * - cascade: view 0 on the cheap model; lines whose confidence is below the `escalate` quantile of
 *   the first-pass confidences over the set (an untimed calibration pass) go on to n views on the model (when the cheap model is the model,
 *   the first pass is view 0 and the escalation adds views 1..n−1), voted.
 */
export type EvalStrategy = 'single' | 'tta' | 'early_exit' | 'cascade';

export interface EvalSetting {
  strategy: EvalStrategy;
  n: number;
}

export interface EvalInput {
  id: string;
  /** Absolute path of the PNG. */
  file: string;
}

export interface EvalRequestOptions {
  model: SessionModel;
  /** The cascade's first stage (default: the model itself). */
  cheap?: SessionModel;
  session?: SessionSettings;
  /** Absolute path of a text recognizer's dictionary (one character per line). */
  dictionary?: string;
  /**
   * An image classifier instead (PaddleOCR's text-direction classifier and the like: one image input
   * [N, 3, 48, W], one [N, classes] probability output): the class names, in output order. The answer
   * of a view is the name of its most probable class, its confidence that probability.
   */
  classes?: string[];
  inputs: EvalInput[];
  settings: EvalSetting[];
  /** early_exit: stop when P(leader is the majority) reaches this (default 0.95). */
  threshold?: number;
  /** early_exit: views per run (default 1). */
  wave?: number;
  /** cascade: the fraction of lines escalated (default 0.25). */
  escalate?: number;
  /** Minimum padded width of a batch (PaddleOCR's recognizer: 320). */
  minWidth?: number;
  /** A classifier's fixed input width: views are resized to at most this and padded to it (PaddleOCR's direction classifier: 192). */
  width?: number;
}

export interface LineRun {
  /** The answer (normalized). */
  text: string;
  confidence: number;
  /** Views run on any model for this line. */
  views: number;
  ms: number;
  escalated?: boolean;
  /** tta: every view's normalized string, in view order. */
  answers?: string[];
}

export interface SettingRun {
  setting: EvalSetting;
  lines: LineRun[];
  /** cascade: the first-pass confidence below which a line escalated. */
  escalateBelow?: number;
}

export interface EvalRunResult {
  runs: SettingRun[];
  /** Session load time per model file, ms. */
  loadMs: Record<string, number>;
  warmupMs: number;
  env: RunEnvironment;
  /** 1-minute load average before and after. */
  load: [number, number];
}

export type EvalWorkerRequest = { id: number; type: 'eval'; options: EvalRequestOptions };
