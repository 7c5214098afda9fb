import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { APPROACHES } from '../../../../server/src/core/config/types';
import { checkJsonLines, lastBoxed, normalizeAnswer, parsePointsJsonl, parseProblemsJsonl, parseSearchAndLearnJsonl } from '../../../../server/src/core/quality/data';
import { qualityInputsFromTexts } from '../../../../server/src/core/quality/load';

describe('core/quality/data', () => {
  it('reads per-problem JSONL and reports bad lines by number', () => {
    const r = parseProblemsJsonl('{"id": "a", "correct": 2, "total": 4}\n\n{"id": 7, "correct": 0, "total": 4, "difficulty": 3}\n{"id": "b", "correct": 1}\n[1]\n');
    assert.deepEqual(r.problems, [{ id: 'a', correct: 2, total: 4 }, { id: '7', correct: 0, total: 4, difficulty: 3 }]);
    assert.deepEqual(r.errors, [{ line: 4, message: 'needs "correct" and "total" as whole numbers ≥ 0' }, { line: 5, message: 'not a JSON object' }]);
    const many = parseProblemsJsonl('x\n'.repeat(25));
    assert.equal(many.errors.length, 21);
    assert.equal(many.errors[20].message, '5 more malformed line(s)');
    assert.deepEqual(checkJsonLines('{"id": 1}\n{"id": 2}\n'), { rows: 2, errors: [] });
  });

  it('extracts and normalises boxed answers', () => {
    assert.equal(lastBoxed('first \\boxed{1} then \\boxed{\\frac{1}{2}} done'), '\\frac{1}{2}');
    assert.equal(lastBoxed('no box'), undefined);
    assert.equal(normalizeAnswer('\\boxed{\\dfrac{1}{2}}'), '\\frac{1}{2}');
    assert.equal(normalizeAnswer('$1,000.$'), '1000');
    assert.equal(normalizeAnswer('\\boxed{ 3.50 }'), '3.5');
    assert.equal(normalizeAnswer('\\text{(B)}'), '(B)');
    assert.equal(normalizeAnswer('90^\\circ'), '90');
    assert.equal(normalizeAnswer('\\left( 3, \\frac{\\pi}{2} \\right)'), '(3,\\frac{\\pi}{2})');
  });

  it('reads search-and-learn output as it is: completions → counts, pred_* columns → points', () => {
    const rows = [
      { problem: 'What is 2+2?', unique_id: 'test/algebra/1.json', answer: '4', level: 1, completions: ['## Step 1: add\nThe answer is $\\boxed{4}$', 'so \\boxed{5}', 'Therefore \\boxed{4.0}.', 'no answer'], scores: [[0.9], [0.2], [0.8], [0.1]], pred: '\\boxed{4}', 'pred_weighted@1': '\\boxed{4}', 'pred_maj@1': '\\boxed{4}', 'pred_naive@1': '\\boxed{4}', 'pred_weighted@4': '\\boxed{4}', 'pred_maj@4': '\\boxed{4}', 'pred_naive@4': '\\boxed{4}' },
      { problem: 'Hard one', unique_id: 'test/algebra/2.json', answer: '\\frac{1}{2}', level: '5', completions: ['\\boxed{\\dfrac{1}{2}}', '\\boxed{1}', '\\boxed{2}', '\\boxed{3}'], 'pred_weighted@1': '\\boxed{1}', 'pred_maj@1': '\\boxed{1}', 'pred_naive@1': '\\boxed{1}', 'pred_weighted@4': '\\boxed{\\frac12}', 'pred_maj@4': '\\boxed{1}', 'pred_naive@4': '\\boxed{\\frac{1}{2}}' },
    ];
    const r = parseSearchAndLearnJsonl(rows.map((x) => JSON.stringify(x)).join('\n') + '\n', 'dvts');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.problems, [
      { id: 'test/algebra/1.json', correct: 2, total: 4, difficulty: 1 },
      { id: 'test/algebra/2.json', correct: 1, total: 4, difficulty: 5 },
    ]);
    assert.deepEqual(r.columns, ['pred_maj@1', 'pred_maj@4', 'pred_naive@1', 'pred_naive@4', 'pred_weighted@1', 'pred_weighted@4']);
    // naive is dropped where weighted exists; `\frac12` is not `\frac{1}{2}` to a string comparison.
    assert.deepEqual(r.points.map((p) => [p.strategy, p.n, p.accuracy, p.problems]), [
      ['self_consistency', 1, 0.5, 2],
      ['self_consistency', 4, 0.5, 2],
      ['dvts', 1, 0.5, 2],
      ['dvts', 4, 0.5, 2],
    ]);
    assert.match(parseSearchAndLearnJsonl('{"problem": "x"}\n').errors[0].message, /needs an "answer"/);
  });
});

describe('core/quality/data: points files and the loader', () => {
  it('reads points JSONL and loads every source of a config, with errors by file and line', () => {
    assert.deepEqual(parsePointsJsonl('{"strategy": "dvts", "n": 16, "accuracy": 0.46}\n', APPROACHES).points, [{ strategy: 'dvts', n: 16, accuracy: 0.46, source: 'points file, row 1' }]);
    const cfg = parseConfig('version: 1\nmodels: {}\nstrategy: { approach: dvts }\nquality:\n  points: p.jsonl\n  problems: r.jsonl\n  search_and_learn: s.jsonl\n').config;
    const sal = JSON.stringify({ answer: '1', completions: ['\\boxed{1}', '\\boxed{2}'], 'pred_weighted@2': '\\boxed{1}' });
    const r = qualityInputsFromTexts(cfg, { points: '{"strategy": "tta", "n": 2, "accuracy": 0.9}\n', problems: '{"id": "a", "correct": 1, "total": 2}\n', search_and_learn: sal + '\n' });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.inputs.points.map((p) => [p.strategy, p.n, p.accuracy]), [['tta', 2, 0.9], ['dvts', 2, 1]]);
    assert.deepEqual(r.inputs.problems, [{ id: 'a', correct: 1, total: 2 }]);
    assert.ok(r.notes.some((n) => /not counted again/.test(n)));
    const bad = qualityInputsFromTexts(cfg, { points: '{}\n' });
    assert.deepEqual(bad.errors, [`quality.points 'p.jsonl': line 1: "strategy" must be one of ${APPROACHES.join(', ')}`]);
  });
});
