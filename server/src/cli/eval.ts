/**
 * `ttc-lens eval <config.ttc.yaml> [--json] [-o DIR] [--strategies LIST] [--limit K]`: run the
 * config's `quality.eval` — a text recognizer over labelled lines — at every n of the block with the
 * single pass, test-time augmentation, early exit and a cascade, in a fresh profiler process
 * (core/estimate/execute.ts → worker/evalRun.ts), and report accuracy, character error rate and
 * real latency per setting and, per line, which settings turned a wrong single-pass answer right.
 * Exit 1 when the eval cannot run, 2 on usage errors.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sessionSettings } from '../core/estimate/pipeline';
import { evalFresh } from '../core/estimate/execute';
import { fmtMs } from '../core/estimate/format';
import type { EvalRunResult } from '../core/eval/protocol';
import { builtinScorer, scoreRun, scriptScorer, settingsFor, type PointRow, type ProblemRow, type Scorer } from '../core/eval/report';
import { evalModels, readEvalSpec, readLabels } from '../core/eval/spec';
import { checkSetting, ownSetting, type CheckResult } from '../core/eval/check';
import { VIEWS } from '../core/eval/image';
import { loadQualityInputs } from '../core/quality/load';
import { buildQualityModel, type QualityModel } from '../core/quality/model';
import { loadConfig, parsePositiveInt, progressLine } from './estimate';

const STRATEGIES = ['tta', 'early_exit', 'cascade'] as const;
type Strategy = (typeof STRATEGIES)[number];

const USAGE = `Usage: ttc-lens eval <config.ttc.yaml> [options]

Runs the config's quality.eval block for real (in the profiler process): a CTC text recognizer
(PaddleOCR's PP-OCR rec; quality.eval.dictionary) or an image classifier (PaddleOCR's
text-direction classifier; quality.eval.classes, metric top1) over the labelled lines, once per
line with one view, then at every n of the block with test-time augmentation (n views, vote), early exit (views one wave at a time until
the vote is decided: strategy.threshold, strategy.wave) and a cascade (one view on the first stage's
model, the least confident lines — stages[0].escalate of them — escalated to n views). Every line of
every setting is timed end to end. Reports accuracy, character error rate and latency per setting,
and per line whether extra compute turned a wrong single-pass answer right.

Options:
  --json               JSON output: config, metric, points, problems (docs/cli.md).
  -o, --out DIR        Write DIR/problems.jsonl (per line: id, correct, total, …) and DIR/points.jsonl
                       (per setting: strategy, n, accuracy, latency_p50_ms, …).
  --strategies LIST    Comma-separated subset of tta,early_exit,cascade (default: all three).
  --limit K            Only the first K labelled lines.
  --check              Run only the config's own strategy at its own N (after \`ttc-lens optimize
                       --apply\` or the editor's recommendation) and compare the measured accuracy
                       with the prediction of the curves fitted to the config's quality data: inside
                       the fit's 95% band or not (exit 1 when not).
  --labels FILE        Another labelled set (a held-out one) instead of quality.eval.labels; its
                       inputs are in --inputs DIR (default: the folder 'inputs' beside FILE).
  --inputs DIR         The folder of the --labels set's inputs.
  -h, --help           Show this help.

Exit codes: 0 ran (--check: and delivered the prediction), 1 could not run (--check: or measured
outside the band), 2 bad arguments.`;

interface Args {
  config: string;
  json: boolean;
  out?: string;
  strategies: Strategy[];
  limit?: number;
  check: boolean;
  labels?: string;
  inputs?: string;
}

function parseArgs(args: string[]): Args {
  const a: Partial<Args> & { strategies: Strategy[] } = { json: false, check: false, strategies: [...STRATEGIES] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const val = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--json') a.json = true;
    else if (flag === '-o' || flag === '--out') a.out = val();
    else if (flag === '--limit') a.limit = parsePositiveInt('--limit', val(), 1_000_000);
    else if (flag === '--check') a.check = true;
    else if (flag === '--labels') a.labels = val();
    else if (flag === '--inputs') a.inputs = val();
    else if (flag === '--strategies') {
      const list = val().split(',').map((s) => s.trim()).filter(Boolean);
      const bad = list.filter((s) => !(STRATEGIES as readonly string[]).includes(s));
      if (bad.length) throw new Error(`unknown strategy '${bad[0]}' (tta, early_exit, cascade)`);
      a.strategies = list as Strategy[];
    } else if (flag.startsWith('-')) throw new Error(`unknown option '${args[i]}'`);
    else if (a.config) throw new Error(`one config at a time ('${a.config}', '${args[i]}')`);
    else a.config = args[i];
  }
  if (!a.config) throw new Error('a config file is required');
  if (a.inputs && !a.labels) throw new Error('--inputs goes with --labels (the labelled set whose inputs it holds)');
  return a as Args;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export function formatText(file: string, info: { lines: number; metric: string; model: string; threads: number }, r: EvalRunResult, points: PointRow[], problems: ProblemRow[]): string {
  const L: string[] = [];
  const row = (k: string, v: string) => L.push(`${k.padEnd(14)} ${v}`);
  row('Config', file);
  row('Eval', `${info.lines} lines · metric ${info.metric} · ${info.model} · ${info.threads} thread(s)`);
  L.push('');
  L.push(`${'Setting'.padEnd(18)}${'Accuracy'.padStart(9)}${'CER'.padStart(8)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'views'.padStart(7)}  helped/hurt`);
  for (const p of points) {
    const name = `${p.strategy} n=${p.n}`;
    L.push(`${name.padEnd(18)}${pct(p.accuracy).padStart(9)}${(p.cer === undefined ? '—' : pct(p.cer)).padStart(8)}${fmtMs(p.latency_p50_ms).padStart(10)}${fmtMs(p.latency_p95_ms).padStart(10)}${p.views_mean.toFixed(2).padStart(7)}  +${p.helped}/−${p.hurt}`);
  }
  L.push('');
  const esc = points.find((p) => p.strategy === 'cascade');
  if (esc?.escalate_below !== undefined) row('Cascade', `escalates lines whose first-pass confidence is below ${esc.escalate_below.toFixed(3)} (${pct(esc.escalated ?? 0)} of them)`);
  const agree = points.filter((p) => p.agreement !== undefined).pop();
  if (agree) row('Agreement', `${pct(agree.agreement!)} of the views agree with the vote at tta n=${agree.n} (a measured workload.agreement)`);
  const helped = problems.filter((p) => p.helped_by.length);
  row('Helped', helped.length ? helped.map((p) => `${p.id} (${p.helped_by.join(', ')})`).join('; ') : 'no line: extra compute turned no wrong single-pass answer right');
  const hurt = problems.filter((p) => p.hurt);
  if (hurt.length) row('Hurt', hurt.map((p) => p.id).join(', '));
  row('Load average', `${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after (${r.env.machine.logicalCores} logical cores)`);
  return L.join('\n');
}

export function checkText(c: CheckResult, labels: string): string {
  const L: string[] = [''];
  const row = (k: string, v: string) => L.push(`${k.padEnd(14)} ${v}`);
  row('Check', `${c.setting.strategy} n=${c.setting.n} (the config's own setting) on ${c.measured.problems} lines of ${labels}`);
  if (c.predicted) row('Predicted', `${pct(c.predicted.accuracy)} [${(c.predicted.lo * 100).toFixed(1)}–${(c.predicted.hi * 100).toFixed(1)}] from the ${c.predicted.curve} curve`);
  row('Measured', `${pct(c.measured.accuracy)} on ${c.measured.problems} lines (±${((c.samplingSd ?? 0) * 100).toFixed(1)} points of sampling noise, 1 sd) · p50 ${fmtMs(c.measured.latency_p50_ms)}`);
  if (c.within !== undefined) row('Verdict', c.within ? "delivered: inside the fit's 95% band" : "NOT delivered: outside the fit's 95% band");
  for (const n of c.notes) row('Note', n);
  return L.join('\n');
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let a: Args;
  try {
    a = parseArgs(args);
  } catch (e) {
    process.stderr.write(`ttc-lens eval: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const fail = (m: string) => {
    process.stderr.write(`ttc-lens eval: ${m}\n`);
    return 1;
  };
  const loaded = loadConfig(a.config);
  if (loaded.errors.length) {
    for (const e of loaded.errors) process.stderr.write(`${e}\n`);
    return fail(`fix the errors above first (ttc-lens check ${a.config}).`);
  }
  const { spec, errors } = readEvalSpec(loaded.file, readFileSync(loaded.file, 'utf8'));
  if (!spec) return fail(errors.join('; '));
  if (a.labels) {
    spec.labels = path.resolve(a.labels);
    spec.inputs = path.resolve(a.inputs ?? path.join(path.dirname(a.labels), 'inputs'));
  }
  if (spec.metric === 'top1' && !spec.classes) return fail('metric top1 scores a classifier: name its classes in quality.eval.classes (in the order of its output)');
  if (spec.metric === 'cer' && spec.classes) return fail('metric cer scores a text recognizer; a classifier is scored by top1 (or exact_match, or a script)');
  if (!spec.dictionary && !spec.classes) return fail('quality.eval.dictionary (a text recognizer\'s characters, one per line) or quality.eval.classes (an image classifier\'s class names) is required');
  const config = loaded.config;
  const models = evalModels(config, loaded.file);
  if (!models.model) return fail(`the config's strategy names no model with an ONNX file to evaluate${models.names.model ? ` ('${models.names.model}')` : ''}`);
  for (const m of [models.model, models.cheap]) {
    if (!m) continue;
    try {
      statSync(m.path);
    } catch {
      return fail(`${path.relative(process.cwd(), m.path)} is missing${/ppocr/.test(m.path) ? ' (node scripts/ocr-model.mjs copies the PaddleOCR recognizer there)' : ''}`);
    }
  }
  let scorer: Scorer;
  let labels;
  try {
    scorer = builtinScorer(spec.metric) ?? (await scriptScorer(spec.metric));
    labels = readLabels(spec);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  if (a.limit) labels = labels.slice(0, a.limit);
  const s = config.strategy;
  let settings = settingsFor(spec.n, a.strategies);
  let quality: QualityModel | undefined;
  if (a.check) {
    const own = ownSetting(config, VIEWS.length);
    if ('error' in own) return fail(`--check: ${own.error}`);
    const q = loadQualityInputs(config, loaded.file);
    if (q.errors.length) return fail(`--check: ${q.errors.join('; ')}`);
    if (!q.inputs.points.length && !q.inputs.problems) return fail('--check: the config has no quality data (quality.points, problems or search_and_learn) to predict from');
    quality = buildQualityModel(config.quality?.metric ?? spec.metric, q.inputs);
    // The single pass runs too: it says which lines the extra compute helped.
    settings = own.strategy === 'single' ? [own] : [{ strategy: 'single', n: 1 }, own];
  }
  const session = sessionSettings(config);
  const progress = progressLine(a.json);
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome;
  try {
    outcome = await evalFresh(
      {
        model: models.model,
        ...(models.cheap ? { cheap: models.cheap } : {}),
        session,
        ...(spec.dictionary ? { dictionary: spec.dictionary } : {}),
        ...(spec.classes ? { classes: spec.classes, ...(spec.width ? { width: spec.width } : {}) } : {}),
        inputs: labels.map((l) => ({ id: l.id, file: l.file })),
        settings,
        ...(s?.threshold !== undefined ? { threshold: s.threshold } : {}),
        ...(s?.wave !== undefined ? { wave: s.wave } : {}),
        ...(s?.approach === 'cascade' && s.stages?.[0]?.escalate !== undefined ? { escalate: s.stages[0].escalate } : {}),
      },
      { signal: ac.signal, onProgress: progress },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (progress) process.stderr.write('\r\x1b[K');
  if (!outcome.ok) return fail(`the eval failed: ${outcome.failure.message}`);
  const r = outcome.value;
  const { problems, points } = scoreRun(labels, r, scorer, s?.approach, { classifier: !!spec.classes });
  const check = a.check && quality ? checkSetting(settings[settings.length - 1], quality, points[points.length - 1], !!a.labels) : undefined;
  if (a.out) {
    mkdirSync(a.out, { recursive: true });
    writeFileSync(path.join(a.out, 'problems.jsonl'), problems.map((p) => JSON.stringify(p)).join('\n') + '\n');
    writeFileSync(path.join(a.out, 'points.jsonl'), points.map((p) => JSON.stringify(p)).join('\n') + '\n');
  }
  const metric = spec.metric.includes(path.sep) ? path.relative(path.dirname(loaded.file), spec.metric) : spec.metric;
  if (a.json) {
    const json = {
      config: loaded.file,
      metric,
      model: models.model.path,
      ...(models.cheap ? { cheap_model: models.cheap.path } : {}),
      env: r.env,
      load_average: r.load,
      warmup_ms: r.warmupMs,
      labels: spec.labels,
      points,
      problems,
      ...(check ? { check } : {}),
    };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    const model = `${models.names.model} (${path.basename(models.model.path)})${models.cheap ? `, first stage ${models.names.cheap}` : ''}`;
    process.stdout.write(formatText(path.basename(loaded.file), { lines: labels.length, metric, model, threads: r.env.threads }, r, points, problems) + '\n');
    if (a.out) process.stdout.write(`${'Wrote'.padEnd(14)} ${path.join(a.out, 'problems.jsonl')}, ${path.join(a.out, 'points.jsonl')}\n`);
    if (check) process.stdout.write(checkText(check, path.relative(process.cwd(), spec.labels)) + '\n');
  }
  return check && check.within === false ? 1 : 0;
}
