/**
 * `quality-data-invalid` (and `file-not-found` / `outside-workspace` for quality files): the files the
 * `quality` section names exist, lie inside the workspace, and read as their format says (per-problem
 * JSON Lines, search-and-learn output, eval labels) when the host can read them (small files: the
 * editor's host caps reads at 1 MB; `ttc-lens optimize` reads larger ones and reports the same way).
 * Also: `quality.eval.metric` is a built-in metric or a script path, and two `points` for the same
 * strategy and N disagree (`inconsistent`).
 */
import { resolveModelPath, type Problem } from '../../core/config/parse';
import { didYouMean, closestOf } from '../../core/config/suggest';
import { APPROACHES, EVAL_METRICS } from '../../core/config/types';
import { checkJsonLines, lineErrorsText, parsePointsJsonl, parseProblemsJsonl, parseSearchAndLearnJsonl, type LineError } from '../../core/quality/data';
import type { Rule } from './rule';

type Key = 'points' | 'problems' | 'search_and_learn' | 'labels' | 'inputs' | 'metric';

const WHAT: Record<Key, string> = {
  points: 'Measured points',
  problems: 'Per-problem results',
  search_and_learn: 'Search-and-learn output',
  labels: 'Eval labels',
  inputs: 'Eval inputs',
  metric: 'Scoring script',
};

/** Does a metric name a script rather than a built-in? */
export function isMetricScript(metric: string): boolean {
  return /\.(mjs|cjs|js)$/i.test(metric) || metric.includes('/');
}

export const rule: Rule = {
  id: 'quality-data-invalid',
  validate(doc, parsed) {
    const out: Problem[] = [];
    const q = parsed.config.quality;
    if (!q) return out;
    const files: Array<{ path: Array<string | number>; key: Key; value: string }> = [];
    if (q.points_file) files.push({ path: ['quality', 'points'], key: 'points', value: q.points_file });
    if (q.problems) files.push({ path: ['quality', 'problems'], key: 'problems', value: q.problems });
    if (q.search_and_learn) files.push({ path: ['quality', 'search_and_learn'], key: 'search_and_learn', value: q.search_and_learn });
    if (q.eval?.inputs) files.push({ path: ['quality', 'eval', 'inputs'], key: 'inputs', value: q.eval.inputs });
    if (q.eval?.labels) files.push({ path: ['quality', 'eval', 'labels'], key: 'labels', value: q.eval.labels });
    const metric = q.eval?.metric;
    if (metric !== undefined) {
      if (isMetricScript(metric)) files.push({ path: ['quality', 'eval', 'metric'], key: 'metric', value: metric });
      else if (!(EVAL_METRICS as readonly string[]).includes(metric)) {
        const range = parsed.rangeOf(['quality', 'eval', 'metric']);
        const hint = didYouMean(metric, [...EVAL_METRICS]);
        if (range)
          out.push({
            message: `Unknown eval metric '${metric}'. ${hint}Use ${EVAL_METRICS.map((m) => `\`${m}\``).join(', ')}, or a scoring script's path (.mjs/.js) that exports score(output, label).`,
            severity: 'error',
            range,
            code: 'invalid-value',
            data: { path: ['quality', 'eval', 'metric'], suggestion: closestOf(hint), valid: [...EVAL_METRICS] },
          });
      }
    }
    if (doc.fsPath) {
      for (const f of files) {
        const range = parsed.rangeOf(f.path);
        if (!range) continue;
        const abs = resolveModelPath(doc.fsPath, f.value);
        const where = f.path.join('.');
        if (doc.outside?.(abs)) {
          out.push({
            message: `${WHAT[f.key]} '${f.value}' resolves outside the workspace folders (${abs}); TTC Lens does not read it. Move it into the workspace, or allow it with the setting ttcLens.files.allowOutsideWorkspace.`,
            severity: 'warning',
            range,
            code: 'outside-workspace',
            data: { key: where, path: f.value, absPath: abs },
          });
          continue;
        }
        if (doc.fileExists && !doc.fileExists(abs)) {
          out.push({
            message: `${WHAT[f.key]} not found: '${f.value}' (looked for ${abs}). Paths are relative to this config file.`,
            severity: 'error',
            range,
            code: 'file-not-found',
            data: { key: where, path: f.value, absPath: abs },
          });
          continue;
        }
        if (f.key === 'inputs' || f.key === 'metric' || !doc.readFile) continue;
        // Unreadable here (larger than the host reads, not a regular file): `ttc-lens optimize` says which.
        const text = doc.readFile(abs);
        if (text === undefined) continue;
        let errors: LineError[];
        let empty: boolean;
        if (f.key === 'points') {
          const r = parsePointsJsonl(text, APPROACHES);
          errors = r.errors;
          empty = r.points.length === 0;
        } else if (f.key === 'problems') {
          const r = parseProblemsJsonl(text);
          errors = r.errors;
          empty = r.problems.length === 0;
        } else if (f.key === 'search_and_learn') {
          const r = parseSearchAndLearnJsonl(text);
          errors = r.errors;
          empty = r.problems.length === 0 && r.points.length === 0;
        } else {
          const r = checkJsonLines(text);
          errors = r.errors;
          empty = r.rows === 0;
        }
        const data = { path: f.path, absPath: abs, ...(errors[0]?.line ? { line: errors[0].line } : {}) };
        if (errors.length)
          out.push({ message: `${WHAT[f.key]} '${f.value}': ${lineErrorsText(errors)}.`, severity: 'error', range, code: 'quality-data-invalid', data });
        else if (empty)
          out.push({
            message: `${WHAT[f.key]} '${f.value}' holds no ${f.key === 'search_and_learn' ? 'rows with completions or pred_* columns' : 'lines'}.`,
            severity: 'warning',
            range,
            code: 'quality-data-invalid',
            data,
          });
      }
    }
    // Two measurements of the same setting that disagree by more than their noise.
    const rawPoints = ((parsed.raw as { quality?: { points?: unknown } } | null)?.quality?.points ?? []) as unknown[];
    const seen = new Map<string, { i: number; accuracy: number }>();
    if (Array.isArray(rawPoints))
      rawPoints.forEach((p, i) => {
        const o = p as { strategy?: unknown; n?: unknown; accuracy?: unknown } | null;
        if (!o || typeof o !== 'object' || typeof o.strategy !== 'string' || typeof o.n !== 'number' || typeof o.accuracy !== 'number') return;
        const key = `${o.strategy}@${o.n}`;
        const prev = seen.get(key);
        if (!prev) return void seen.set(key, { i, accuracy: o.accuracy });
        const range = parsed.rangeOf(['quality', 'points', i]);
        if (range && prev.accuracy !== o.accuracy)
          out.push({
            message: `Another point (quality.points[${prev.i}]) already gives ${o.strategy} at n=${o.n} (accuracy ${prev.accuracy}); this one says ${o.accuracy}. Both are fitted; merge them if they are the same run.`,
            severity: 'warning',
            range,
            code: 'inconsistent',
            data: { path: ['quality', 'points', i] },
          });
      });
    return out;
  },
  // `invalid-value`'s "did you mean" fix is the schema's (core/config/structure.ts), found by code.
};
