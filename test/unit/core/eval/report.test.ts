/**
 * Scoring an eval run (core/eval/report.ts) on a hand-made run: points per setting, per-problem
 * correct/total over the TTA views, helped/hurt against the single pass, the headline setting, and
 * a scoring script.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvalRunResult, LineRun } from '../../../../server/src/core/eval/protocol';
import { builtinScorer, headlineOf, scoreRun, scriptScorer, settingsFor } from '../../../../server/src/core/eval/report';
import { tempDir } from '../onnx/helpers';

const line = (text: string, ms: number, extra: Partial<LineRun> = {}): LineRun => ({ text, confidence: 0.9, views: 1, ms, ...extra });
const labels = [
  { id: 'a', expected: 'cat', file: '/a.png' },
  { id: 'b', expected: 'dog', file: '/b.png' },
];
const run: EvalRunResult = {
  runs: [
    { setting: { strategy: 'single', n: 1 }, lines: [line('cat', 10), line('dug', 20)] },
    { setting: { strategy: 'tta', n: 2 }, lines: [line('cat', 30, { views: 2, answers: ['cat', 'cat'] }), line('dog', 50, { views: 2, answers: ['dug', 'dog'] })] },
    { setting: { strategy: 'cascade', n: 2 }, lines: [line('cut', 12), line('dog', 40, { views: 2, escalated: true })], escalateBelow: 0.8 },
  ],
  loadMs: {},
  warmupMs: 1,
  env: { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all', ortVersion: 'x', machine: {} as never },
  load: [0, 0],
};

describe('core/eval/report: scoring an eval run', () => {
  it('points: accuracy, latency percentiles, CER, views, helped/hurt, escalation, agreement', () => {
    const { points } = scoreRun(labels, run, builtinScorer('exact_match')!, 'tta');
    assert.deepEqual(points.map((p) => [p.strategy, p.n, p.accuracy, p.helped, p.hurt]), [
      ['single', 1, 0.5, 0, 0],
      ['tta', 2, 1, 1, 0],
      ['cascade', 2, 0.5, 1, 1],
    ]);
    assert.equal(points[0].latency_p50_ms, 15);
    assert.equal(points[0].cer, (0 + 1 / 3) / 2);
    assert.equal(points[1].views_mean, 2);
    assert.equal(points[1].agreement, (1 + 0.5) / 2);
    assert.equal(points[2].escalated, 0.5);
    assert.equal(points[2].escalate_below, 0.8);
  });

  it('problems: correct of total over the largest TTA, the headline prediction, helped_by', () => {
    const { problems } = scoreRun(labels, run, builtinScorer('exact_match')!, 'tta');
    assert.deepEqual(problems[1], {
      id: 'b',
      correct: 1,
      total: 2,
      expected: 'dog',
      prediction: 'dog',
      prediction_single: 'dug',
      cer: 0,
      cer_single: 1 / 3,
      views_used: 2,
      latency_ms: 50,
      helped: true,
      hurt: false,
      helped_by: ['tta n=2', 'cascade n=2'],
    });
    // With a cascade config the headline is the cascade: it hurt line a.
    const c = scoreRun(labels, run, builtinScorer('exact_match')!, 'cascade').problems[0];
    assert.equal(c.prediction, 'cut');
    assert.ok(c.hurt && !c.helped);
    assert.equal(headlineOf(run.runs, 'best_of_n').setting.strategy, 'tta');
  });

  it('cer scores 1 − CER; a script scores with its default export', async () => {
    assert.equal(builtinScorer('cer')!('dug', 'dog'), 1 - 1 / 3);
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'score.mjs');
      writeFileSync(file, 'export default (p, e) => p.toLowerCase() === e.toLowerCase();\n');
      const s = await scriptScorer(file);
      assert.equal(s('CAT', 'cat'), 1);
      assert.equal(s('cot', 'cat'), 0);
      writeFileSync(path.join(dir, 'none.mjs'), 'export const x = 1;\n');
      await assert.rejects(scriptScorer(path.join(dir, 'none.mjs')), /export a function/);
    } finally {
      cleanup();
    }
  });

  it('settings: the single pass once, then each strategy at every n > 1', () => {
    assert.deepEqual(settingsFor([1, 2, 4], ['tta', 'cascade']).map((s) => `${s.strategy} ${s.n}`), ['single 1', 'tta 2', 'tta 4', 'cascade 2', 'cascade 4']);
  });
});
