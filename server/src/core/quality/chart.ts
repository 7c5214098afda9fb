/**
 * The benchmark panel's Pareto chart (pure): every priced candidate (strategy × N) as a point of
 * (latency p50 or cost per 1k, accuracy) with its 95% band, per strategy; the frontier as a line; the
 * budget on the x axis; the current setting and the recommendation marked. The webview only draws it.
 */
import type { Budget } from '../config/types';
import type { Candidate, Recommendation } from './optimize';

export interface QualityChartPoint {
  n: number;
  x: number;
  accuracy: number;
  lo: number;
  hi: number;
  fits: boolean;
  /** Beyond the measured N (the curve extrapolates) or beyond its reach (not recommended). */
  extrapolated: boolean;
  trusted: boolean;
}

export interface QualityChart {
  axis: 'latency' | 'cost';
  /** Axis title, e.g. "p50 latency (ms)". */
  xLabel: string;
  metric: string;
  title: string;
  series: Array<{ strategy: string; points: QualityChartPoint[] }>;
  /** Non-dominated trusted candidates, by x ascending. */
  frontier: Array<{ x: number; accuracy: number; label: string }>;
  /** The budget on the x axis (p50 latency or cost per 1k), when the config sets one. */
  budgetX?: number;
  current?: { label: string; x: number; accuracy: number };
  best?: { label: string; x: number; accuracy: number };
}

const label = (c: Candidate) => `${c.strategy} n=${c.n}`;

export function qualityChart(r: Recommendation, budget: Budget, metric: string): QualityChart {
  const by = new Map<string, QualityChartPoint[]>();
  for (const c of r.candidates) {
    if (!Number.isFinite(c.x)) continue;
    const l = by.get(c.strategy) ?? [];
    l.push({ n: c.n, x: c.x, accuracy: c.accuracy.accuracy, lo: c.accuracy.lo, hi: c.accuracy.hi, fits: c.fits, extrapolated: c.accuracy.extrapolated, trusted: !c.accuracy.beyondReach });
    by.set(c.strategy, l);
  }
  const budgetX = r.axis === 'cost' ? budget.cost_per_1k_usd : budget.latency_p50_ms;
  return {
    axis: r.axis,
    xLabel: r.axis === 'cost' ? 'cost per 1k queries ($)' : 'p50 latency (ms)',
    metric,
    title: r.title,
    series: [...by].map(([strategy, points]) => ({ strategy, points: points.sort((a, b) => a.x - b.x) })),
    frontier: r.frontier.filter((c) => Number.isFinite(c.x)).map((c) => ({ x: c.x, accuracy: c.accuracy.accuracy, label: label(c) })),
    ...(budgetX !== undefined ? { budgetX } : {}),
    ...(r.current ? { current: { label: label(r.current), x: r.current.x, accuracy: r.current.accuracy.accuracy } } : {}),
    ...(r.best ? { best: { label: label(r.best), x: r.best.x, accuracy: r.best.accuracy.accuracy } } : {}),
  };
}
