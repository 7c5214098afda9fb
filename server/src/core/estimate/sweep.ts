/**
 * A sweep of one knob of the strategy (`n`, `beam_width`, `num_iterations`, `max_tokens`, `views`,
 * `stages.0.escalate`…): the config re-run at each value, each point a benchmark report (measured
 * beside estimated). Parsing the `--sweep` argument, setting the knob in the config's text (the same
 * edit the quick-fixes make, so validation sees exactly what a user would write) and the tables.
 */
import { applyEdits, setValue } from '../config/edit';
import type { BenchReport } from './benchReport';

export interface SweepSpec {
  /** As written (`n`, `stages.0.escalate`). */
  knob: string;
  /** Path under `strategy`. */
  path: Array<string | number>;
  values: number[];
}

export interface SweepPoint {
  value: number;
  report?: BenchReport;
  /** Why this point did not run (an invalid value, a failed run). */
  error?: string;
}

/** `n=1,2,4,8` → the knob's path under `strategy` and its values. Throws on a malformed spec. */
export function parseSweep(spec: string): SweepSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)=(.+)$/.exec(spec.trim());
  if (!m) throw new Error(`--sweep wants knob=v1,v2,… (e.g. n=1,2,4,8), got '${spec}'`);
  const values = m[2].split(',').map((v) => v.trim());
  const nums = values.map(Number);
  if (values.some((v, i) => v === '' || !Number.isFinite(nums[i]) || nums[i] < 0)) throw new Error(`--sweep values must be non-negative numbers, got '${m[2]}'`);
  if (new Set(nums).size !== nums.length) throw new Error(`--sweep values repeat: '${m[2]}'`);
  if (nums.length > 32) throw new Error('--sweep takes at most 32 values');
  const path = m[1].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // Ascending, so that the table and the chart's x axis read left to right.
  return { knob: m[1], path, values: [...nums].sort((a, b) => a - b) };
}

/** The config text with `strategy.<knob>` set to `value`, or undefined when the text cannot take it. */
export function withKnob(text: string, s: SweepSpec, value: number): string | undefined {
  const edits = setValue(text, ['strategy', ...s.path], value);
  return edits ? applyEdits(text, edits) : undefined;
}

const HEAD = ['value', 'measured_p50_ms', 'measured_p95_ms', 'measured_mean_ms', 'estimate_p50_ms', 'estimate_p95_ms', 'estimate_mean_ms', 'error_p95', 'peak_rss_bytes', 'estimate_peak_bytes', 'cost_per_1k_usd', 'calls_match', 'fits_budget', 'busy', 'error'];

function row(p: SweepPoint): Array<string | number | boolean> {
  const r = p.report;
  if (!r) return [p.value, ...HEAD.slice(1, -1).map(() => ''), p.error ?? ''];
  return [p.value, r.measured.p50_ms, r.measured.p95_ms, r.measured.mean_ms, r.estimate.p50_ms, r.estimate.p95_ms, r.estimate.mean_ms, r.error.p95 ?? '', r.memory.peak_bytes, r.memory.estimate_bytes, r.cost.measured_per_1k_usd ?? '', r.calls_match, r.breaches.length === 0, r.busy, ''];
}

export function sweepCsv(s: SweepSpec, points: SweepPoint[]): string {
  const cell = (v: string | number | boolean) => {
    const t = typeof v === 'number' ? String(Number(v.toFixed(6))) : String(v);
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return [[s.knob, ...HEAD.slice(1)].join(','), ...points.map((p) => row(p).map(cell).join(','))].join('\n') + '\n';
}

export function sweepMarkdown(config: string, s: SweepSpec, points: SweepPoint[]): string {
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x >= 100 ? 0 : 1)} ms`);
  const pct = (x: number | null) => (x == null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
  const L = [`## Sweep of ${s.knob} in ${config}`, '', `| ${s.knob} | measured p50 | measured p95 | estimate p50 | estimate p95 | error p95 | peak RSS | fits | note |`, '|---|---|---|---|---|---|---|---|---|'];
  for (const p of points) {
    const r = p.report;
    if (!r) L.push(`| ${p.value} | | | | | | | | ${p.error ?? ''} |`);
    else L.push(`| ${p.value} | ${ms(r.measured.p50_ms)} | ${ms(r.measured.p95_ms)} | ${ms(r.estimate.p50_ms)} | ${ms(r.estimate.p95_ms)} | ${pct(r.error.p95)} | ${(r.memory.peak_bytes / 2 ** 20).toFixed(1)} MiB | ${r.breaches.length ? 'no' : 'yes'} | ${[r.calls_match ? '' : 'calls differ from the plan', r.busy ? 'busy machine' : ''].filter(Boolean).join('; ')} |`);
  }
  return L.join('\n') + '\n';
}

/** The sweep as the panel draws it: one array per line, null where a point did not run. */
export interface SweepSeries {
  knob: string;
  values: number[];
  measured_p50_ms: Array<number | null>;
  measured_p95_ms: Array<number | null>;
  estimate_p50_ms: Array<number | null>;
  estimate_p95_ms: Array<number | null>;
  cost_per_1k_usd: Array<number | null>;
  errors: Array<string | null>;
}

export function sweepSeries(s: SweepSpec, points: SweepPoint[]): SweepSeries {
  const pick = (f: (p: SweepPoint) => number | undefined) => points.map((p) => (p.report ? (f(p) ?? null) : null));
  return {
    knob: s.knob,
    values: points.map((p) => p.value),
    measured_p50_ms: pick((p) => p.report!.measured.p50_ms),
    measured_p95_ms: pick((p) => p.report!.measured.p95_ms),
    estimate_p50_ms: pick((p) => p.report!.estimate.p50_ms),
    estimate_p95_ms: pick((p) => p.report!.estimate.p95_ms),
    cost_per_1k_usd: pick((p) => p.report!.cost.measured_per_1k_usd),
    errors: points.map((p) => p.error ?? null),
  };
}
