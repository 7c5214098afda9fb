/**
 * `ttc-lens optimize <config.ttc.yaml> [--json]`: the quality curves the config's `quality` data fits,
 * the Pareto frontier of (latency or cost, accuracy) across strategies and N, and the setting with the
 * best predicted accuracy within the budget (docs/quality.md). Pricing is the estimator's
 * (core/estimate/pipeline.ts, measured grid points from the cache, analytic elsewhere).
 * Exit 0 with a recommendation, 1 when the config or its quality data has errors or nothing fits, 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Strategy } from '../core/config/types';
import { writeFileAtomic } from '../core/profile/cache';
import { applyStrategyChanges, describeChanges, strategyChanges } from '../core/quality/apply';
import { runPipeline } from '../core/estimate/pipeline';
import { ratesOfPlan } from '../core/estimate/planOptions';
import type { Curve, Prediction } from '../core/quality/curves';
import { loadQualityInputs } from '../core/quality/load';
import { buildQualityModel, type QualityModel } from '../core/quality/model';
import { recommendFromFacts, type Axis, type Candidate, type Recommendation } from '../core/quality/optimize';
import { loadConfig, parseConfigArgs, parsePositiveInt, progressLine, withProfiler, type ConfigArgs } from './estimate';

const USAGE = `Usage: ttc-lens optimize <config.ttc.yaml> [options]

Fits accuracy-versus-N curves to the config's \`quality\` data (measured points, per-problem counts,
search-and-learn outputs), prices every strategy and N it covers with the estimator, and prints the
Pareto frontier of (latency or cost, accuracy) and the most accurate setting within the budget
(docs/quality.md).

Options:
  --json              Print the curves, frontier and recommendation as JSON (docs/cli.md).
  --apply             Write the recommended strategy into the config (only the strategy keys that
                      change; comments and layout kept; the file replaced atomically). Then
                      \`ttc-lens eval <config> --check\` re-runs it and compares with the prediction.
  --axis latency|cost Frontier axis (default latency; cost when the budget limits only cost).
  --seed S            Bootstrap seed for the confidence bands (default fixed: same data, same bands).
  --no-profile        Do not measure: use cached measurements, analytic elsewhere.
  --queries K         Queries drawn per estimate (default 20).
  --max-point-ms MS   Time cap per measured grid point.
  --cache-dir DIR     Measurement cache (default $XDG_CACHE_HOME/ttc-lens).
  -h, --help          Show this help.

Exit codes: 0 a recommendation, 1 config or quality-data errors or nothing fits the budget, 2 bad arguments.`;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);
const r4 = (v: number) => Number(v.toPrecision(4));

function lawWords(c: Curve): string {
  switch (c.law) {
    case 'power':
      return `−ln acc = ${r4(c.params.a)}·n^(${c.params.b >= 0 ? '−' : ''}${r4(Math.abs(c.params.b))})`;
    case 'loglinear':
      return `acc = ${r4(c.params.a)} + ${r4(c.params.b)}·ln n`;
    case 'beta-binomial':
      return 'Beta-binomial per difficulty bin';
    case 'single-point':
      return 'one measured N';
  }
}

function predictionJson(p: Prediction) {
  return { n: p.k, accuracy: p.accuracy, lo: p.lo, hi: p.hi, extrapolated: p.extrapolated, beyond_reach: p.beyondReach };
}

function curveJson(c: Curve, ns: number[]) {
  return { label: c.label, law: c.law, params: c.params, measured: c.measured.map((m) => ({ n: m.k, accuracy: m.accuracy, problems: m.problems })), measured_max_n: c.kMax, reach: c.reach, predictions: ns.map((n) => predictionJson(c.predict(n))) };
}

function candidateJson(c: Candidate) {
  return { strategy: c.strategy, n: c.n, accuracy: predictionJson(c.accuracy), latency: c.latency, cost_per_1k_usd: c.cost_per_1k_usd ?? null, memory_bytes: c.memory_bytes, fits: c.fits, breaches: c.breaches, provenance: c.provenance, x: c.x, strategy_config: c.config };
}

const GRID = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export function optimizeJson(file: string, model: QualityModel, r: Recommendation, notes: string[]) {
  return {
    config: file,
    metric: model.metric,
    problems: model.problems ?? null,
    axis: r.axis,
    curves: model.curves.map((c) => ({ strategy: c.strategy, source: c.source, ...curveJson(c, GRID) })),
    coverage: model.coverage ? curveJson(model.coverage, GRID) : null,
    frontier: r.frontier.map(candidateJson),
    candidates: r.candidates.map(candidateJson),
    recommendation: { title: r.title, best: r.best ? candidateJson(r.best) : null, current: r.current ? candidateJson(r.current) : null, delta_points: r.deltaPoints ?? null },
    difficulty: r.allocation
      ? { unit: r.allocation.unit, bins: r.allocation.bins, uniform: r.allocation.uniform, accuracy: r.allocation.accuracy, cost: r.allocation.cost, savings: r.allocation.savings }
      : null,
    notes: [...model.notes, ...r.notes, ...notes],
  };
}

function band(p: Prediction): string {
  return `${pct(p.accuracy)} [${(p.lo * 100).toFixed(1)}–${(p.hi * 100).toFixed(1)}]${p.beyondReach ? ' (beyond reach)' : p.extrapolated ? ' (extrapolated)' : ''}`;
}

function xWords(c: Candidate, axis: Axis): string {
  return axis === 'cost' ? `$${c.x.toFixed(4)}/1k` : `p50 ${ms(c.latency.p50_ms)}`;
}

export function optimizeText(file: string, model: QualityModel, r: Recommendation, notes: string[]): string {
  const L: string[] = [`Quality of ${file}: ${model.metric}${model.problems ? ` over ${model.problems} problems` : ''}`, ''];
  L.push('Curves (95% bands; "reach": the largest N the fit is trusted at)');
  for (const c of model.curves) {
    const ns = GRID.filter((n) => n <= Math.max(c.reach * 2, c.kMax));
    L.push(`  ${c.strategy.padEnd(17)} ${lawWords(c)} · measured up to n=${c.kMax} · reach n=${c.reach} (${c.source})`);
    L.push(`    ${ns.map((n) => `n=${n} ${band(c.predict(n))}`).join(' · ')}`);
  }
  if (model.coverage) {
    const c = model.coverage;
    L.push(`  ${'pass@k'.padEnd(17)} ${lawWords(c)} · measured up to k=${c.kMax} · reach k=${c.reach} (coverage: the ceiling of a perfect verifier)`);
    L.push(`    ${GRID.filter((n) => n <= Math.max(c.reach * 2, c.kMax)).map((n) => `k=${n} ${band(c.predict(n))}`).join(' · ')}`);
  }
  L.push('', `Pareto frontier (${r.axis === 'cost' ? 'cost per 1k queries' : 'p50 latency'} → accuracy)`);
  for (const c of r.frontier) L.push(`  ${`${c.strategy} n=${c.n}`.padEnd(24)} ${xWords(c, r.axis).padEnd(14)} ${band(c.accuracy)}${c.fits ? '' : '  over budget'}`);
  L.push('', `Recommendation     ${r.title}`);
  if (r.current) L.push(`  now              ${r.current.strategy} n=${r.current.n}: ${band(r.current.accuracy)}, ${xWords(r.current, r.axis)}${r.current.fits ? '' : ` — ${r.current.breaches[0] ?? 'over budget'}`}`);
  if (r.best) L.push(`  best in budget   ${r.best.strategy} n=${r.best.n}: ${band(r.best.accuracy)}, ${xWords(r.best, r.axis)} (${r.best.provenance})`);
  if (r.allocation) {
    const a = r.allocation;
    L.push('', `Per difficulty (majority vote at the accuracy of n=${a.uniform.n} for every problem, ${pct(a.uniform.accuracy)})`);
    for (const b of a.bins) L.push(`  bin ${b.bin} (${pct(b.share)} of problems, success rate ${b.range[0].toFixed(2)}–${b.range[1].toFixed(2)})  n=${b.n}`);
    L.push(`  → ${pct(a.accuracy)} at ${pct(Math.max(0, a.savings))} less ${a.unit.startsWith('ms') ? 'latency' : a.unit} than n=${a.uniform.n} everywhere`);
    if (a.unit.startsWith('ms (mean latency of tta') || a.unit === 'views') L.push('  (majority vote over views from the per-problem view success rates: plurality voting over decoded strings can beat it, see the tta curve)');
  }
  const all = [...model.notes, ...r.notes, ...notes];
  if (all.length) L.push('', 'Notes', ...all.map((n) => `  - ${n}`));
  return L.join('\n') + '\n';
}

/** Write the recommended strategy into the config file (atomically), or say why not. */
async function applyBest(file: string, current: Strategy | undefined, r: Recommendation): Promise<{ changes: string; file: string } | { error: string }> {
  if (!r.best) return { error: 'no setting with quality data fits the budget: nothing to apply' };
  const changes = strategyChanges(current, r.best.config);
  if (!changes.set.length && !changes.remove.length) return { changes: '', file };
  const text = readFileSync(file, 'utf8');
  const next = applyStrategyChanges(text, changes);
  if (next === undefined) return { error: `the strategy section of ${file} could not be edited safely (anchors, aliases or a flow style the editor cannot keep): set ${describeChanges(current, changes)} by hand` };
  await writeFileAtomic(file, next);
  return { changes: describeChanges(current, changes), file };
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let a: ConfigArgs;
  let axis: Axis | undefined;
  let seed: number | undefined;
  let apply = false;
  try {
    a = parseConfigArgs(args, ['--axis', '--axis=', '--seed', '--seed=', '--apply']);
    for (let i = 0; i < a.rest.length; i++) {
      const flag = a.rest[i];
      const v = flag === '--apply' ? undefined : a.rest[++i];
      if (flag === '--apply') apply = true;
      else if (flag === '--axis') {
        if (v !== 'latency' && v !== 'cost') throw new Error(`--axis is latency or cost, got '${v ?? ''}'`);
        axis = v;
      } else if (flag === '--seed') seed = parsePositiveInt('--seed', v, 2 ** 31);
    }
  } catch (e) {
    process.stderr.write(`ttc-lens optimize: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadConfig(a.config!);
  if (loaded.errors.length) {
    for (const e of loaded.errors) process.stderr.write(`${e}\n`);
    process.stderr.write(`ttc-lens optimize: fix the errors above first (ttc-lens check ${a.config}).\n`);
    return 1;
  }
  const shown = path.relative(process.cwd(), loaded.file) || loaded.file;
  const q = loadQualityInputs(loaded.config, loaded.file);
  if (q.errors.length) {
    for (const e of q.errors) process.stderr.write(`${shown}: ${e}\n`);
    return 1;
  }
  if (!q.inputs.points.length && !q.inputs.problems) {
    process.stderr.write(`ttc-lens optimize: ${shown} has no quality data: add a \`quality\` section with \`points\`, \`problems\` or \`search_and_learn\` (docs/quality.md).\n`);
    return 1;
  }
  const model = buildQualityModel(loaded.config.quality?.metric ?? 'accuracy', q.inputs, seed !== undefined ? { seed } : {});
  const progress = progressLine(a.json);
  const p = await withProfiler(a.cacheDir, (profiler, signal) =>
    runPipeline({ config: loaded.config, configPath: loaded.file, profiler, profile: a.profile, queries: a.queries, signal, onProgress: progress, maxTimeMsPerPoint: a.maxPointMs }),
  );
  if (progress) process.stderr.write('\r\x1b[K');
  for (const f of p.failures) process.stderr.write(`ttc-lens optimize: ${f.model} could not be measured: ${f.failure.message}\n`);
  const r = recommendFromFacts(loaded.config, model, p.facts, p.machine, { ...(axis ? { axis } : {}), ...(a.queries !== undefined ? { queries: a.queries } : {}), rates: ratesOfPlan(p.plan) });
  const notes = [...q.notes, `estimates: ${p.measured} grid point(s) measured now, ${p.cached} from the cache; other calls interpolated or analytic (see each candidate's provenance)`];
  let applied: { changes: string; file: string } | { error: string } | undefined;
  if (apply) applied = await applyBest(loaded.file, loaded.config.strategy, r);
  if (a.json) process.stdout.write(JSON.stringify({ ...optimizeJson(loaded.file, model, r, notes), ...(applied ? { applied } : {}) }, null, 2) + '\n');
  else {
    process.stdout.write(optimizeText(shown, model, r, notes));
    if (applied) process.stdout.write('\n' + ('error' in applied ? `Not applied      ${applied.error}` : `Applied          ${applied.changes || 'nothing to change: the config already uses it'} in ${shown}`) + '\n');
  }
  if (applied && 'error' in applied) process.stderr.write(`ttc-lens optimize: ${applied.error}\n`);
  return r.best && !(applied && 'error' in applied) ? 0 : 1;
}
