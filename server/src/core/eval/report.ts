/**
 * Scoring an eval run against its labels: one row per problem (the per-problem JSONL the quality
 * curves read: `correct` of `total` samples, plus what this eval adds) and one point per setting
 * (strategy, n, accuracy, latency percentiles).
 */
import { pathToFileURL } from 'node:url';
import type { EvalRunResult, EvalSetting, SettingRun } from './protocol';
import type { Label } from './spec';
import { cer, exactMatch, quantile } from './score';

/** Scores one prediction in [0, 1] (1 = right). */
export type Scorer = (prediction: string, expected: string) => number;

export interface ProblemRow {
  id: string;
  /** Views of the largest TTA setting (or the single pass) whose own answer scores ≥ 0.5. */
  correct: number;
  total: number;
  expected: string;
  /** The headline setting's answer (the config's approach at the largest n). */
  prediction: string;
  prediction_single: string;
  /** Character error rates (text recognizers; a classifier's answers are class names). */
  cer?: number;
  cer_single?: number;
  views_used: number;
  latency_ms: number;
  /** The single pass was wrong and the headline setting right. */
  helped: boolean;
  /** The single pass was right and the headline setting wrong. */
  hurt: boolean;
  /** Every setting that turned this problem's wrong single-pass answer right ("tta n=4", …). */
  helped_by: string[];
}

export interface PointRow {
  strategy: string;
  n: number;
  accuracy: number;
  problems: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  latency_mean_ms: number;
  /** Mean character error rate (text recognizers only). */
  cer?: number;
  /** Mean views run per problem. */
  views_mean: number;
  /** Problems whose answer the single pass got wrong and this setting right, and the reverse. */
  helped: number;
  hurt: number;
  /** cascade: the share escalated and the first-pass confidence below which a problem escalated. */
  escalated?: number;
  escalate_below?: number;
  /** tta: mean share of views that agree with the vote (a measured `workload.agreement`). */
  agreement?: number;
}

export function builtinScorer(metric: string): Scorer | undefined {
  if (metric === 'exact_match' || metric === 'top1') return (p, e) => (exactMatch(p, e) ? 1 : 0);
  if (metric === 'cer') return (p, e) => Math.max(0, 1 - cer(p, e));
  return undefined;
}

/** A scoring script: an ES module whose default export (or `score`) maps (prediction, expected) to a boolean or a number in [0, 1]. */
export async function scriptScorer(file: string): Promise<Scorer> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; score?: unknown };
  const fn = typeof mod.default === 'function' ? mod.default : mod.score;
  if (typeof fn !== 'function') throw new Error(`${file}: export a function (default or \`score\`) of (prediction, expected)`);
  return (p, e) => {
    const v = Number((fn as (p: string, e: string) => unknown)(p, e));
    return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
  };
}

export const settingName = (s: EvalSetting) => `${s.strategy} n=${s.n}`;

/** The setting a problem row reports: the approach's strategy (tta for any other) at its largest n. */
export function headlineOf(runs: readonly SettingRun[], approach: string | undefined): SettingRun {
  const strategy = approach === 'early_exit' || approach === 'cascade' ? approach : 'tta';
  const of = runs.filter((r) => r.setting.strategy === strategy);
  const pool = of.length ? of : runs;
  return pool.reduce((a, b) => (b.setting.n > a.setting.n ? b : a));
}

export function scoreRun(labels: readonly Label[], result: EvalRunResult, scorer: Scorer, approach?: string, o: { classifier?: boolean } = {}): { problems: ProblemRow[]; points: PointRow[] } {
  const withCer = !o.classifier;
  const single = result.runs.find((r) => r.setting.strategy === 'single') ?? result.runs[0];
  const head = headlineOf(result.runs, approach);
  const ttas = result.runs.filter((r) => r.setting.strategy === 'tta');
  const samples = ttas.length ? ttas.reduce((a, b) => (b.setting.n > a.setting.n ? b : a)) : undefined;
  const right = (text: string, i: number) => scorer(text, labels[i].expected) >= 0.5;
  const singleRight = single.lines.map((l, i) => right(l.text, i));

  const points: PointRow[] = result.runs.map((r) => {
    const ms = r.lines.map((l) => l.ms);
    const rights = r.lines.map((l, i) => right(l.text, i));
    const p: PointRow = {
      strategy: r.setting.strategy,
      n: r.setting.n,
      accuracy: r.lines.reduce((s, l, i) => s + scorer(l.text, labels[i].expected), 0) / r.lines.length,
      problems: r.lines.length,
      latency_p50_ms: quantile(ms, 0.5),
      latency_p95_ms: quantile(ms, 0.95),
      latency_mean_ms: ms.reduce((a, b) => a + b, 0) / ms.length,
      ...(withCer ? { cer: r.lines.reduce((s, l, i) => s + cer(l.text, labels[i].expected), 0) / r.lines.length } : {}),
      views_mean: r.lines.reduce((s, l) => s + l.views, 0) / r.lines.length,
      helped: rights.filter((x, i) => x && !singleRight[i]).length,
      hurt: rights.filter((x, i) => !x && singleRight[i]).length,
    };
    if (r.setting.strategy === 'cascade') {
      p.escalated = r.lines.filter((l) => l.escalated).length / r.lines.length;
      if (r.escalateBelow !== undefined) p.escalate_below = r.escalateBelow;
    }
    if (r.setting.strategy === 'tta') {
      p.agreement = r.lines.reduce((s, l) => s + (l.answers ? l.answers.filter((a) => a === l.text).length / l.answers.length : 1), 0) / r.lines.length;
    }
    return p;
  });

  const problems: ProblemRow[] = labels.map((lab, i) => {
    const h = head.lines[i];
    const s = single.lines[i];
    const answers = samples?.lines[i].answers ?? [s.text];
    const headRight = right(h.text, i);
    return {
      id: lab.id,
      correct: answers.filter((a) => right(a, i)).length,
      total: answers.length,
      expected: lab.expected,
      prediction: h.text,
      prediction_single: s.text,
      ...(withCer ? { cer: cer(h.text, lab.expected), cer_single: cer(s.text, lab.expected) } : {}),
      views_used: h.views,
      latency_ms: h.ms,
      helped: headRight && !singleRight[i],
      hurt: !headRight && singleRight[i],
      helped_by: result.runs.filter((r) => r !== single && !singleRight[i] && right(r.lines[i].text, i)).map((r) => settingName(r.setting)),
    };
  });
  return { problems, points };
}

/** The settings an eval runs for a list of n: the single pass once, then each strategy at every n > 1. */
export function settingsFor(n: readonly number[], strategies: readonly ('tta' | 'early_exit' | 'cascade')[]): EvalSetting[] {
  const out: EvalSetting[] = [{ strategy: 'single', n: 1 }];
  for (const s of strategies) for (const k of n) if (k > 1) out.push({ strategy: s, n: k });
  return out;
}
