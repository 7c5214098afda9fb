/**
 * Issue 15's "done when", end to end with real parts: the OCR example's quality data gives a fitted
 * curve and a recommendation within the budget; `ttc-lens optimize --apply` writes it into (a copy of)
 * the config; `ttc-lens eval --check` re-runs the applied setting with the real PP-OCRv4 recognizer
 * on 80 held-out lines (examples/ocr-eval/heldout: the same generator, another seed) and the measured
 * accuracy falls inside the fit's 95% band.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/core/config/parse';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const EX = path.join(ROOT, 'examples');

const cli = (args: string[]) => runCli(args, { timeout: 600_000 });

describe('the OCR example: a recommendation applied and re-run delivers its predicted accuracy', function () {
  this.timeout(900_000);
  let dir: string;
  let cleanup: () => void;
  let file: string;
  let original: string;
  before(() => {
    ({ dir, cleanup } = tempDir('ttc-ocr-apply-'));
    // The example itself, its relative paths made absolute (the copy lives in a temp folder).
    original = readFileSync(path.join(EX, 'ocr-eval.ttc.yaml'), 'utf8').replace(/(path|points|problems|inputs|labels|dictionary): (models|ocr-eval)\//g, (_m, k: string, d: string) => `${k}: ${path.join(EX, d)}/`);
    file = path.join(dir, 'ocr-eval.ttc.yaml');
    writeFileSync(file, original);
  });
  after(() => cleanup?.());

  it('optimize --apply writes the best setting within the budget; eval --check on held-out lines lands inside the band', async () => {
    const o = await cli(['optimize', file, '--apply', '--json', '--cache-dir', path.join(dir, 'cache'), '--queries', '5']);
    assert.equal(o.code, 0, o.stderr);
    const j = JSON.parse(o.stdout);
    const best = j.recommendation.best;
    assert.ok(best && best.fits && !best.accuracy.beyond_reach, JSON.stringify(j.recommendation));
    // The recognizer does not generate: views are what is priced (tta, or an early exit over views;
    // at n = 2 they read the same two views, so which is cheaper is within the machine's noise).
    assert.ok(['tta', 'early_exit', 'single'].includes(best.strategy), best.strategy);
    const tta = j.curves.find((c: { strategy: string }) => c.strategy === 'tta');
    assert.ok(tta && tta.law === 'power' && tta.measured.length === 3, 'a curve fitted to the measured tta points');
    assert.ok(j.frontier.length >= 1);
    // The file now runs the recommended setting; every other line is as it was.
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(parseConfig(text).config.strategy, best.strategy_config);
    if (best.strategy === 'tta' && best.n !== 4) {
      assert.equal(j.applied.changes, `views 4 → ${best.n}`);
      assert.equal(text, original.replace('views: 4', `views: ${best.n}`));
    }

    const heldout = path.join(EX, 'ocr-eval', 'heldout', 'labels.jsonl');
    const e = await cli(['eval', file, '--check', '--labels', heldout, '--json']);
    assert.equal(e.code, 0, `${e.stderr}\n${e.stdout.slice(-2000)}`);
    const c = JSON.parse(e.stdout).check;
    assert.deepEqual(c.setting, best.n === 1 ? { strategy: 'single', n: 1 } : { strategy: best.strategy, n: best.n });
    assert.ok(Math.abs(c.predicted.accuracy - best.accuracy.accuracy) < 1e-9, 'the prediction checked is the one recommended');
    assert.equal(c.measured.problems, 80);
    assert.equal(c.within, true, JSON.stringify(c));
    assert.deepEqual(c.notes, []);
  });

  it('an early exit over views is estimated with the agreement the eval measured, and the executor makes exactly the planned calls', async () => {
    const ee = path.join(dir, 'early-exit.ttc.yaml');
    writeFileSync(ee, original.replace(/approach: tta\n(\s+)model: rec\n\s+views: \d+/, 'approach: early_exit\n$1model: rec\n$1max_n: 8'));
    const b = await cli(['bench', ee, '--json', '--queries', '4', '--cache-dir', path.join(dir, 'cache')]);
    assert.ok(b.code === 0 || b.code === 1, b.stderr);
    const j = JSON.parse(b.stdout);
    assert.ok(j.ok, b.stderr);
    const agreement = JSON.parse(readFileSync(path.join(EX, 'ocr-eval', 'measured', 'points.jsonl'), 'utf8').trim().split('\n').filter((l) => /"tta"/.test(l)).pop()!).agreement as number;
    assert.ok(j.estimate.assumptions.some((a: string) => a.startsWith(`agreement = ${Number(agreement.toFixed(3))} (measured: ttc-lens eval, tta n=8`)), j.estimate.assumptions.join('; '));
    assert.equal(j.estimate.calls.prefill, 0, 'no decoder calls: the recognizer has no KV cache');
    assert.ok(j.estimate.calls.run >= 4 * 4 && j.estimate.calls.run <= 4 * 8, `4 queries of 4 to 8 views: ${j.estimate.calls.run}`);
    assert.equal(j.calls.match, true, JSON.stringify(j.calls));
  });
});
