import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { rule } from '../../../../server/src/service/validation/qualityData';
import { getLanguageService } from '../../../../server/src/service/languageService';
import { at, brief, run, VALID } from './helpers';

const fsPath = path.join(path.sep, 'ws', 'cfg.ttc.yaml');
const abs = (p: string) => path.join(path.sep, 'ws', p);

/** A host over an in-memory folder: name → content. */
function host(files: Record<string, string>, outside: string[] = []) {
  const m = new Map(Object.entries(files).map(([k, v]) => [abs(k), v]));
  return { fsPath, fileExists: (p: string) => m.has(p), readFile: (p: string) => m.get(p), outside: (p: string) => outside.some((o) => p.startsWith(o)) };
}

const QUALITY = `quality:
  metric: exact_match
  points:
    - { strategy: self_consistency, n: 4, accuracy: 0.62, problems: 500 }
    - { strategy: best_of_n, n: 16, accuracy: 0.7 }
  problems: results/per-problem.jsonl
  search_and_learn: results/completions.jsonl
  eval: { inputs: eval/lines, labels: eval/labels.jsonl, metric: exact_match, n: [1, 2, 4, 8] }
`;
const GOOD = {
  'results/per-problem.jsonl': '{"id": "a", "correct": 3, "total": 8}\n{"id": "b", "correct": 0, "total": 8, "difficulty": 5}\n',
  'results/completions.jsonl': JSON.stringify({ problem: 'x', answer: '4', completions: ['so \\boxed{4}', 'it is \\boxed{5}'], 'pred_maj@2': '\\boxed{4}' }) + '\n',
  'eval/lines': '',
  'eval/labels.jsonl': '{"id": "l1", "label": "hello"}\n',
};

describe('config: the quality section', () => {
  it('parses into the typed config', () => {
    const p = parseConfig(VALID + QUALITY);
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.config.quality, {
      metric: 'exact_match',
      points: [
        { strategy: 'self_consistency', n: 4, accuracy: 0.62, problems: 500 },
        { strategy: 'best_of_n', n: 16, accuracy: 0.7 },
      ],
      problems: 'results/per-problem.jsonl',
      search_and_learn: 'results/completions.jsonl',
      eval: { inputs: 'eval/lines', labels: 'eval/labels.jsonl', metric: 'exact_match', n: [1, 2, 4, 8] },
    });
  });

  it('reports structure problems at the value, in words', () => {
    const t = VALID + `quality:\n  points:\n    - { strategy: best_of_m, n: 0, accuracy: 62 }\n    - { n: 4, accuracy: 0.5 }\n  eval: { labels: l.jsonl, n: [] }\n  problem: x.jsonl\n`;
    const ps = parseConfig(t).problems;
    const msgs = ps.map((p) => `${p.code}@${t.slice(p.range.start, p.range.end)}: ${p.message}`);
    assert.ok(msgs.some((m) => /^invalid-value@best_of_m: 'quality\.points\[0\]\.strategy' is 'best_of_m'\. Did you mean 'best_of_n'\?/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^out-of-range@0: 'quality\.points\[0\]\.n' is 0; it must be between 1 and 65536\./.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^out-of-range@62: 'quality\.points\[0\]\.accuracy' is 62; it must be between 0 and 1\./.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^missing-key@.*is missing the required key 'strategy'/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^missing-key@eval: 'quality\.eval' is missing the required key 'inputs'/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^out-of-range@\[\]: 'quality\.eval\.n' needs at least 1 entries/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^unknown-key@problem: Unknown key 'problem' in quality\. Did you mean 'problems'\?/.test(m)), msgs.join('\n'));
    // Invalid points are left out of the typed config.
    assert.deepEqual(parseConfig(t).config.quality?.points, []);
  });

  it('accepts existing, well-formed files', () => {
    assert.deepEqual(run(rule, VALID + QUALITY, host(GOOD)), []);
  });

  it('reports missing files and files outside the workspace at their paths', () => {
    const t = VALID + QUALITY;
    const files: Record<string, string> = { ...GOOD };
    delete files['results/per-problem.jsonl'];
    delete files['eval/lines'];
    const ps = run(rule, t, host(files, [abs('results/completions')]));
    assert.deepEqual(brief(t, ps), ['file-not-found@results/per-problem.jsonl', 'outside-workspace@results/completions.jsonl', 'file-not-found@eval/lines']);
    assert.equal(ps[0].message, `Per-problem results not found: 'results/per-problem.jsonl' (looked for ${abs('results/per-problem.jsonl')}). Paths are relative to this config file.`);
    assert.deepEqual(ps[0].data, { key: 'quality.problems', path: 'results/per-problem.jsonl', absPath: abs('results/per-problem.jsonl') });
    assert.match(ps[1].message, /resolves outside the workspace folders .*TTC Lens does not read it/);
  });

  it('reports malformed lines by line number', () => {
    const t = VALID + QUALITY;
    const bad = { ...GOOD, 'results/per-problem.jsonl': '{"id": "a", "correct": 3, "total": 8}\n\n{"id": "b", "correct": 9, "total": 8}\nnot json\n{"id": "a", "correct": 1, "total": 2}\n' };
    const ps = run(rule, t, host(bad));
    assert.deepEqual(brief(t, ps), ['quality-data-invalid@results/per-problem.jsonl']);
    assert.equal(ps[0].message, `Per-problem results 'results/per-problem.jsonl': line 3: "correct" (9) is more than "total" (8); line 4: not valid JSON (one JSON object per line); line 5: the id "a" appears twice.`);
    assert.equal(ps[0].severity, 'error');
    assert.deepEqual(ps[0].data, { path: ['quality', 'problems'], absPath: abs('results/per-problem.jsonl'), line: 3 });
    const empty = run(rule, t, host({ ...GOOD, 'eval/labels.jsonl': '\n' }));
    assert.deepEqual(brief(t, empty), ['quality-data-invalid@eval/labels.jsonl']);
    assert.equal(empty[0].severity, 'warning');
  });

  it('checks the eval metric: a built-in, or a script that exists', () => {
    const t = VALID + QUALITY.replace('metric: exact_match, n', 'metric: exact_macth, n');
    const ps = run(rule, t, host(GOOD));
    assert.deepEqual(brief(t, ps), ['invalid-value@exact_macth']);
    assert.match(ps[0].message, /^Unknown eval metric 'exact_macth'\. Did you mean 'exact_match'\? Use `exact_match`, `top1`, `cer`, or a scoring script's path/);
    const script = VALID + QUALITY.replace('metric: exact_match, n', 'metric: eval/score.mjs, n');
    assert.deepEqual(brief(script, run(rule, script, host(GOOD))), ['file-not-found@eval/score.mjs']);
    assert.deepEqual(run(rule, script, host({ ...GOOD, 'eval/score.mjs': 'export function score() { return 1; }' })), []);
  });

  it('takes `points` as a JSON Lines file too (what ttc-lens eval writes) and checks its lines', () => {
    const t = VALID + 'quality:\n  points: results/points.jsonl\n';
    assert.equal(parseConfig(t).config.quality?.points_file, 'results/points.jsonl');
    assert.deepEqual(parseConfig(t).problems, []);
    const good = '{"strategy": "tta", "n": 4, "accuracy": 0.81, "problems": 120}\n';
    assert.deepEqual(run(rule, t, host({ 'results/points.jsonl': good })), []);
    const ps = run(rule, t, host({ 'results/points.jsonl': good + '{"strategy": "tta", "n": 4, "accuracy": 81}\n{"strategy": "vote", "n": 2, "accuracy": 0.5}\n' }));
    assert.deepEqual(brief(t, ps), ['quality-data-invalid@results/points.jsonl']);
    assert.match(ps[0].message, /^Measured points 'results\/points\.jsonl': line 2: "accuracy" must be a number between 0 and 1; line 3: "strategy" must be one of single, best_of_n/);
    assert.deepEqual(brief(t, run(rule, t, host({}))), ['file-not-found@results/points.jsonl']);
  });

  it('warns when two points for the same setting disagree', () => {
    const t = VALID + `quality:\n  points:\n    - { strategy: dvts, n: 16, accuracy: 0.5 }\n    - { strategy: dvts, n: 16, accuracy: 0.6 }\n`;
    const ps = run(rule, t, {});
    assert.deepEqual(ps.map((p) => p.code), ['inconsistent']);
    assert.deepEqual(ps[0].range, at(t, '{ strategy: dvts, n: 16, accuracy: 0.6 }'));
  });

  it('hovers the quality keys with their documentation', async () => {
    const service = getLanguageService({});
    const t = VALID + QUALITY;
    const doc = TextDocument.create('file:///ws/cfg.ttc.yaml', 'ttc', 1, t);
    const h = await service.hover(doc, doc.positionAt(t.indexOf('search_and_learn') + 2), {});
    const text = (h?.contents as { value: string }).value;
    assert.match(text, /^\*\*search_and_learn\*\* — text/);
    assert.match(text, /`pred_maj@n` is self_consistency at n/);
    const h2 = await service.hover(doc, doc.positionAt(t.indexOf('accuracy: 0.62') + 2), {});
    assert.match((h2?.contents as { value: string }).value, /fraction between 0 and 1[\s\S]*Range: between 0 and 1/);
  });

  it('completes quality file paths with JSON Lines files and keys inside quality', () => {
    const dirs: Record<string, Array<{ name: string; isDirectory: boolean }>> = {
      [abs('results')]: [{ name: 'per-problem.jsonl', isDirectory: false }, { name: 'notes.txt', isDirectory: false }, { name: 'old', isDirectory: true }],
    };
    const service = getLanguageService({ listDir: (p) => dirs[p] ?? [] });
    const text = VALID + 'quality:\n  problems: results/';
    const doc = TextDocument.create('file:///ws/cfg.ttc.yaml', 'ttc', 1, text);
    const items = service.complete(doc, doc.positionAt(text.length), { fsPath });
    assert.deepEqual(items.map((i) => i.label), ['per-problem.jsonl', 'old/']);
    const keys = VALID + 'quality:\n  metric: acc\n  ';
    const kd = TextDocument.create('file:///ws/cfg.ttc.yaml', 'ttc', 1, keys);
    assert.deepEqual(service.complete(kd, kd.positionAt(keys.length), { fsPath }).map((i) => i.label), ['points', 'problems', 'search_and_learn', 'eval']);
  });
});
