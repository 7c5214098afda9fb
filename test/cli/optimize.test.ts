/**
 * `ttc-lens optimize` as a real process (from source through tsx) on the example config and its
 * per-problem file: the text report, the JSON contract, exit codes, and broken quality data.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const EX = path.join(ROOT, 'examples');

const cli = (args: string[]) => runCli(['optimize', ...args], { timeout: 240_000 });

describe('cli: ttc-lens optimize', function () {
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  let cache: string;
  before(() => {
    ({ dir, cleanup } = tempDir('ttc-optimize-'));
    cache = path.join(dir, 'cache');
    mkdirSync(path.join(dir, 'models'));
    mkdirSync(path.join(dir, 'results'));
    for (const m of ['decoder-tiny.onnx', 'prm-tiny.onnx']) copyFileSync(path.join(EX, 'models', m), path.join(dir, 'models', m));
    copyFileSync(path.join(EX, 'math-best-of-n.ttc.yaml'), path.join(dir, 'math.ttc.yaml'));
    copyFileSync(path.join(EX, 'results', 'math-per-problem.jsonl'), path.join(dir, 'results', 'math-per-problem.jsonl'));
  });
  after(() => cleanup?.());

  it('--json on the example: curves with bands and reach, a frontier, a recommendation within the budget, N per difficulty', async () => {
    const r = await cli([path.join(dir, 'math.ttc.yaml'), '--json', '--no-profile', '--cache-dir', cache, '--queries', '5']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.metric, 'exact_match');
    assert.equal(j.problems, 200);
    assert.deepEqual(j.curves.map((c: { strategy: string }) => c.strategy), ['best_of_n', 'dvts', 'self_consistency']);
    for (const c of j.curves) {
      assert.ok(c.reach >= c.measured_max_n);
      for (const p of c.predictions) assert.ok(p.lo <= p.accuracy && p.accuracy <= p.hi, JSON.stringify(p));
    }
    assert.equal(j.coverage.law, 'power');
    assert.ok(j.frontier.length >= 2);
    const best = j.recommendation.best;
    assert.ok(best.fits && !best.accuracy.beyond_reach);
    assert.ok(best.latency.p50_ms <= 4000 && best.latency.p95_ms <= 10000);
    for (const c of j.candidates) if (c.fits && !c.accuracy.beyond_reach) assert.ok(c.accuracy.accuracy <= best.accuracy.accuracy + 1e-12);
    assert.equal(j.recommendation.current.strategy, 'best_of_n');
    assert.equal(j.recommendation.current.n, 16);
    assert.match(j.recommendation.title, /^Use \w+, n=\d+: [+−]\d+\.\d points /);
    assert.ok(j.difficulty.bins.length >= 2 && j.difficulty.savings >= 0 && j.difficulty.accuracy >= j.difficulty.uniform.accuracy - 1e-9);
  });

  it('text output names the recommendation, the frontier and the per-difficulty N', async () => {
    const r = await cli([path.join(dir, 'math.ttc.yaml'), '--no-profile', '--cache-dir', cache, '--queries', '5']);
    assert.equal(r.code, 0, r.stderr);
    for (const s of ['Curves (95% bands', 'Pareto frontier (p50 latency → accuracy)', 'Recommendation     Use ', 'Per difficulty', 'pass@k']) assert.ok(r.stdout.includes(s), s);
  });

  it('broken or missing quality data: exit 1 with the file and line', async () => {
    writeFileSync(path.join(dir, 'results', 'bad.jsonl'), '{"id": "a", "correct": 1, "total": 4}\n{"id": "b", "correct": 5, "total": 4}\n');
    writeFileSync(path.join(dir, 'bad.ttc.yaml'), 'version: 1\nmodels:\n  g: { path: models/decoder-tiny.onnx }\nstrategy: { approach: self_consistency, model: g, n: 4 }\nquality:\n  problems: results/bad.jsonl\n');
    const bad = await cli([path.join(dir, 'bad.ttc.yaml'), '--no-profile', '--cache-dir', cache]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /quality\.problems 'results\/bad\.jsonl': line 2: "correct" \(5\) is more than "total" \(4\)/);
    writeFileSync(path.join(dir, 'none.ttc.yaml'), 'version: 1\nmodels:\n  g: { path: models/decoder-tiny.onnx }\nstrategy: { approach: self_consistency, model: g, n: 4 }\nquality:\n  problems: results/missing.jsonl\n');
    const missing = await cli([path.join(dir, 'none.ttc.yaml'), '--no-profile', '--cache-dir', cache]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /quality\.problems 'results\/missing\.jsonl': quality data file not found: /);
    writeFileSync(path.join(dir, 'empty.ttc.yaml'), 'version: 1\nmodels:\n  g: { path: models/decoder-tiny.onnx }\nstrategy: { approach: self_consistency, model: g, n: 4 }\n');
    const empty = await cli([path.join(dir, 'empty.ttc.yaml'), '--no-profile', '--cache-dir', cache]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /has no quality data/);
    assert.equal((await cli([path.join(dir, 'math.ttc.yaml'), '--axis', 'speed'])).code, 2);
  });
});
