/**
 * The quality model of a config: one accuracy curve per strategy (from measured points, or majority
 * vote from per-problem counts), the coverage curve (pass@k) and the difficulty bins, built from the
 * data the `quality` section names once it is read and parsed (data.ts). Pure.
 */
import type { Approach, Quality } from '../config/types';
import { betaCurves, coverageCurve, pointsCurve, type Curve } from './curves';
import type { MeasuredPoint, ProblemResult } from './data';
import { difficultyBins, type DifficultyBin } from './difficulty';

export interface QualityInputs {
  /** Measured points (the config's, search-and-learn's, an eval's). */
  points: MeasuredPoint[];
  /** Per-problem counts (the `problems` file, else search-and-learn completions). */
  problems?: ProblemResult[];
}

export interface StrategyCurve extends Curve {
  strategy: Approach;
  /** `points` (measured accuracy) or `per-problem` (majority vote of the fitted per-problem rates). */
  source: 'points' | 'per-problem';
}

export interface QualityModel {
  metric: string;
  curves: StrategyCurve[];
  /** pass@k from per-problem counts (what a perfect verifier would reach): an upper bound, not a strategy. */
  coverage?: Curve;
  /** Difficulty bins of the per-problem data (Snell et al.), easiest first. */
  bins?: DifficultyBin[];
  problems?: number;
  notes: string[];
}

export interface ModelOptions {
  seed?: number;
  bootstrap?: number;
  /** Difficulty bins for the allocation (default 5). */
  bins?: number;
}

/** Approaches whose n = 1 is one plain sample (a `single` point, or pass@1, anchors their curves). */
const SAMPLING: readonly Approach[] = ['best_of_n', 'self_consistency'];

/** The points of a config's `quality.points` as measured points. */
export function configPoints(q: Quality | undefined): MeasuredPoint[] {
  return (q?.points ?? []).map((p, i) => ({ ...p, source: `quality.points[${i}]` }));
}

export function buildQualityModel(metric: string, inputs: QualityInputs, o: ModelOptions = {}): QualityModel {
  const notes: string[] = [];
  const byStrategy = new Map<Approach, MeasuredPoint[]>();
  for (const p of inputs.points) byStrategy.set(p.strategy, [...(byStrategy.get(p.strategy) ?? []), p]);
  if (inputs.points.some((p) => p.problems === undefined)) notes.push('some points do not say how many problems they were measured on: their bands assume 100');
  const problems = inputs.problems?.length ? inputs.problems : undefined;
  const passAt1 = problems ? problems.reduce((s, p) => s + p.correct / p.total, 0) / problems.length : undefined;
  const single = byStrategy.get('single');
  const curves: StrategyCurve[] = [];
  for (const [strategy, pts] of byStrategy) {
    let all = pts;
    if (SAMPLING.includes(strategy) && !pts.some((p) => p.n === 1)) {
      // One sample is one sample, whatever aggregates them.
      if (single?.length) all = [...pts, ...single.map((p) => ({ ...p, n: 1, strategy }))];
      else if (passAt1 !== undefined) all = [...pts, { strategy, n: 1, accuracy: passAt1, problems: problems!.length, source: 'pass@1 of the per-problem data' }];
    }
    const c = pointsCurve(strategy, all.map((p) => ({ k: p.n, accuracy: p.accuracy, problems: p.problems })), o);
    curves.push({ ...c, strategy, source: 'points' });
    if (c.law === 'single-point') notes.push(`${strategy}: one measured N (${c.kMax}); measure another N to fit a curve`);
  }
  let coverage: Curve | undefined;
  let bins: DifficultyBin[] | undefined;
  if (problems) {
    const bb = betaCurves(problems, { seed: o.seed, bootstrap: o.bootstrap });
    if (!byStrategy.has('self_consistency')) curves.push({ ...bb.majority, label: 'self_consistency', strategy: 'self_consistency', source: 'per-problem' });
    else notes.push('self_consistency: the measured points are used; the per-problem majority-vote model is shown beside them');
    coverage = coverageCurve(problems, o) ?? bb.coverage;
    bins = difficultyBins(problems, o.bins ?? 5);
    if (Math.min(...problems.map((p) => p.total)) < 2) notes.push('one sample per problem: coverage and majority vote come from the Beta-binomial fit alone');
  }
  curves.sort((a, b) => a.strategy.localeCompare(b.strategy));
  return { metric, curves, ...(coverage ? { coverage } : {}), ...(bins ? { bins } : {}), ...(problems ? { problems: problems.length } : {}), notes };
}
