/**
 * The typed messages between the benchmark panel (client/webview/, in the webview) and the extension
 * (panel.ts). The extension owns the state and sends it whole (`view`); the webview draws it and sends
 * back what the user asked for. Everything in a view is ready to draw: the webview computes nothing.
 */
import type { BenchReport, ModelCharts, QualityChart, SweepSeries } from '../../../server/src/protocol';

export type ExportFormat = 'json' | 'csv' | 'md';

/** One figure of this run against the previous run of the same config. */
export interface ComparisonRow {
  label: string;
  previous: string;
  current: string;
  /** Relative change, (current − previous) / previous, as text ("+12.0%"). */
  change: string;
  /** Worse by more than the threshold (slower, more memory, dearer). */
  regression: boolean;
}

export interface PanelView {
  /** The config's URI (the panel's identity; restored after a reload). */
  uri: string;
  /** The config's file name. */
  name: string;
  trusted: boolean;
  /** Why nothing can run here (an untrusted workspace), shown instead of the Run button's effect. */
  blocked?: string;
  queries: number;
  running: boolean;
  progress?: { message: string; percent?: number };
  /** Per-query times (ms) of the run in progress, in the order they finished. */
  live: number[];
  report?: BenchReport;
  previous?: BenchReport;
  comparison?: ComparisonRow[];
  /** The last sweep of a knob (`n=1,2,4,8`), its lines ready to draw, and the budget's p95 line. */
  sweepSpec?: string;
  sweep?: SweepSeries;
  sweepBudgetP95?: number;
  /**
   * Per-model charts (decode step time against batch, top operators): the last run's, else the
   * server's from the cached grid points and profiles (`ttcLens/benchmarkModels`).
   */
  models?: ModelCharts;
  /** Accuracy against latency or cost from the config's `quality` data (`ttcLens/qualityChart`), when it has any. */
  quality?: QualityChart;
  error?: string;
}

/** Extension → webview. */
export type ToPanel = { type: 'view'; view: PanelView };

/** Webview → extension. */
export type FromPanel =
  | { type: 'ready' }
  | { type: 'run'; queries: number }
  | { type: 'sweep'; spec: string; queries: number }
  | { type: 'cancel' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'copyMarkdown' }
  /** After drawing: each chart's canvas size and whether any pixel was painted (the in-host test reads it). */
  | { type: 'drawn'; charts: Array<{ id: string; width: number; height: number; painted: boolean }> };

export function isFromPanel(m: unknown): m is FromPanel {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'run' || t === 'sweep' || t === 'cancel' || t === 'export' || t === 'copyMarkdown' || t === 'drawn';
}
