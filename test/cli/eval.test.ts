/**
 * `ttc-lens eval` as a real process (from source through tsx) with the real PP-OCRv4 recognizer
 * (onnxruntime-node in the profiler process) on four committed lines of examples/ocr-eval at n 1 and
 * 2: the JSON contract, the per-problem and per-setting JSONL, real latencies, and the errors.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const SET = path.join(ROOT, 'examples', 'ocr-eval');
const ASSETS = path.join(ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets');

const cli = (args: string[]) => runCli(['eval', ...args], { timeout: 240_000 });

function config(evalBlock: string, strategy = 'approach: tta\n  model: rec\n  views: 2'): string {
  return `version: 1
models:
  rec: { path: ${JSON.stringify(path.join(ASSETS, 'ch_PP-OCRv4_rec_infer.onnx'))} }
strategy:
  ${strategy}
hardware: { threads: 1 }
quality:
  eval:
${evalBlock}
`;
}

describe('cli: ttc-lens eval', function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
    // Four lines: two clean, two of the harder ones.
    const labels = readFileSync(path.join(SET, 'labels.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(path.join(dir, 'labels.jsonl'), [labels[0], labels[1], labels[6], labels[8]].join('\n') + '\n');
    writeFileSync(
      path.join(dir, 'ok.ttc.yaml'),
      config(`    inputs: ${JSON.stringify(path.join(SET, 'inputs'))}\n    labels: labels.jsonl\n    metric: exact_match\n    dictionary: ${JSON.stringify(path.join(ASSETS, 'ppocr_keys_v1.txt'))}\n    n: [1, 2]`),
    );
  });
  after(() => cleanup?.());

  it('runs single, TTA, early exit and a cascade on the real recognizer and writes both JSONL files', async () => {
    const out = path.join(dir, 'out');
    const r = await cli([path.join(dir, 'ok.ttc.yaml'), '--json', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.metric, 'exact_match');
    assert.deepEqual(
      j.points.map((p: { strategy: string; n: number }) => `${p.strategy} ${p.n}`),
      ['single 1', 'tta 2', 'early_exit 2', 'cascade 2'],
    );
    for (const p of j.points) {
      assert.equal(p.problems, 4);
      assert.ok(p.accuracy >= 0 && p.accuracy <= 1);
      assert.ok(p.latency_p50_ms > 0 && p.latency_p95_ms >= p.latency_p50_ms, JSON.stringify(p));
    }
    const single = j.points[0];
    assert.ok(single.accuracy >= 0.5, 'the two clean lines are read exactly');
    assert.equal(j.points[1].views_mean, 2);
    assert.ok(j.points[3].escalated > 0 && j.points[3].escalated < 1 && j.points[3].escalate_below > 0);
    assert.equal(j.problems.length, 4);
    assert.deepEqual(j.problems[0].id, 'line-000');
    assert.equal(j.problems[0].prediction, 'North: 4269');
    assert.equal(j.problems[0].total, 2);
    assert.equal(j.problems[0].correct, 2);
    for (const p of j.problems) for (const k of ['id', 'correct', 'total', 'expected', 'prediction', 'prediction_single', 'cer', 'views_used', 'latency_ms', 'helped', 'hurt', 'helped_by']) assert.ok(k in p, k);
    assert.ok(j.load_average.length === 2 && j.env.threads === 1);
    const problems = readFileSync(path.join(out, 'problems.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const points = readFileSync(path.join(out, 'points.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(problems, j.problems);
    assert.deepEqual(points, j.points);
  });

  it('explains what is missing: no quality.eval block, a missing dictionary, a bad option', async () => {
    writeFileSync(path.join(dir, 'none.ttc.yaml'), config('    inputs: x\n    labels: y.jsonl').replace(/quality:[\s\S]*$/, ''));
    const a = await cli([path.join(dir, 'none.ttc.yaml')]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /no quality\.eval block/);
    writeFileSync(path.join(dir, 'nodict.ttc.yaml'), config(`    inputs: ${JSON.stringify(path.join(SET, 'inputs'))}\n    labels: labels.jsonl`));
    const b = await cli([path.join(dir, 'nodict.ttc.yaml')]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /dictionary/);
    const c = await cli([path.join(dir, 'ok.ttc.yaml'), '--strategies', 'beam']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /unknown strategy 'beam'/);
  });

  it('a classifier: PaddleOCR\'s direction classifier on upright and upside-down lines, scored top-1', async () => {
    const DIR = path.join(ROOT, 'examples', 'ocr-direction');
    const labels = readFileSync(path.join(DIR, 'labels.jsonl'), 'utf8').trim().split('\n').slice(0, 6);
    writeFileSync(path.join(dir, 'dir-labels.jsonl'), labels.join('\n') + '\n');
    const text = `version: 1
models:
  cls: { path: ${JSON.stringify(path.join(ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'))} }
strategy: { approach: tta, model: cls, views: 2 }
hardware: { threads: 1 }
quality:
  metric: top1
  eval:
    inputs: ${JSON.stringify(path.join(DIR, 'inputs'))}
    labels: dir-labels.jsonl
    metric: top1
    classes: ['0', '180']
    n: [1, 2]
`;
    writeFileSync(path.join(dir, 'cls.ttc.yaml'), text);
    const r = await cli([path.join(dir, 'cls.ttc.yaml'), '--json', '--strategies', 'tta']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.metric, 'top1');
    assert.deepEqual(j.points.map((p: { strategy: string; n: number }) => `${p.strategy} ${p.n}`), ['single 1', 'tta 2']);
    for (const p of j.points) {
      assert.equal(p.problems, 6);
      assert.equal(p.cer, undefined, 'no character error rate for class names');
      assert.ok(p.accuracy >= 0.5, 'the clean lines are turned the right way');
    }
    for (const p of j.problems) assert.ok(['0', '180'].includes(p.prediction), p.prediction);
    assert.deepEqual(j.problems.map((p: { expected: string }) => p.expected), labels.map((l) => JSON.parse(l).label));
    // top1 without classes, cer with classes: said plainly.
    writeFileSync(path.join(dir, 'cls-noclasses.ttc.yaml'), text.replace("    classes: ['0', '180']\n", ''));
    const a = await cli([path.join(dir, 'cls-noclasses.ttc.yaml')]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /metric top1 scores a classifier: name its classes/);
  });
});
