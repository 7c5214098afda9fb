import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../../../server/src/core/config/parse';
import type { TtcConfig } from '../../../../server/src/core/config/types';
import type { Estimate } from '../../../../server/src/core/estimate/estimate';
import { shapeOnlyFacts } from '../../../../server/src/core/estimate/facts';
import { machineFacts } from '../../../../server/src/core/estimate/pipeline';
import { powerLaw } from '../../../../server/src/core/quality/curves';
import { buildQualityModel } from '../../../../server/src/core/quality/model';
import { candidateStrategy, paretoFrontier, priceWith, recommend, recommendFromFacts, recommendFromTexts, type Price } from '../../../../server/src/core/quality/optimize';
import { betaProblems } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

/** A hand-made price: latency = per-sample ms × n (× 1.5 with a verifier), breaching the config's p50 budget. */
function handPrice(perSample: Record<string, number>): Price {
  return (config: TtcConfig) => {
    const s = config.strategy!;
    const ms = perSample[s.approach] * (s.n ?? 1);
    const lim = config.budget.latency_p50_ms;
    const breaches = lim !== undefined && ms > lim ? [{ budget: 'latency_p50', limit: lim, value: ms, message: `p50 ${ms} ms over ${lim} ms`, severity: 'error' }] : [];
    return { latency: { p50_ms: ms, p95_ms: ms, mean_ms: ms }, cost: {}, memory: { peak_bytes: 1 }, breaches, provenance: { overall: 'analytic', calls: [] } } as unknown as Estimate;
  };
}

const config = (strategy: string, budget = '800ms') =>
  parseConfig(`version: 1
models:
  gen: { config: g.json }
  prm: { config: p.json }
strategy:
  ${strategy}
budget:
  latency: { p50: ${budget} }
`).config;

/** Exact power-law points (many problems: narrow bands). */
const law = (strategy: 'best_of_n' | 'self_consistency' | 'dvts' | 'tta', a: number, b: number, ks: number[]) => ks.map((n) => ({ strategy, n, accuracy: powerLaw(a, b)(n), problems: 20000 }));

describe('core/quality/optimize', () => {
  it('Pareto frontier: hand-made points', () => {
    const P = { A: [1, 0.5], B: [2, 0.4], C: [3, 0.7], D: [3, 0.6], E: [5, 0.7], F: [6, 0.8], G: [0.5, 0.1] } as const;
    const items = Object.entries(P).map(([name, [x, y]]) => ({ name, x, y }));
    assert.deepEqual(paretoFrontier(items, (t) => t.x, (t) => t.y).map((t) => t.name), ['G', 'A', 'C', 'F']);
    assert.deepEqual(paretoFrontier([{ x: NaN, y: 1 }], (t) => t.x, (t) => t.y), []);
    // An equal accuracy at a higher cost (majority vote at n = 2 ties n = 1) is dominated.
    assert.deepEqual(paretoFrontier([{ x: 1, y: 0.5 }, { x: 2, y: 0.5 + 1e-15 }, { x: 3, y: 0.6 }], (t) => t.x, (t) => t.y).map((t) => t.x), [1, 3]);
  });

  it('recommends the most accurate setting within the latency budget, and says the gain in one line', () => {
    // self_consistency: 100 ms/sample, flatter; best_of_n: 150 ms/sample, steeper.
    const model = buildQualityModel('exact_match', { points: [...law('self_consistency', 1.0, 0.25, [1, 4, 16]), ...law('best_of_n', 1.0, 0.45, [1, 4, 16])] }, { bootstrap: 50 });
    const cfg = config('{ approach: self_consistency, model: gen, n: 4 }');
    const r = recommend(cfg, model, handPrice({ self_consistency: 100, best_of_n: 150 }));
    // Within 800 ms: self_consistency n ≤ 8 (acc(8) = e^(−8^−0.25)), best_of_n n ≤ 4 (e^(−4^−0.45)) — but best_of_n needs a verifier.
    assert.equal(r.best?.strategy, 'self_consistency');
    assert.equal(r.best?.n, 8);
    assert.ok(r.notes.some((n) => /best_of_n: best_of_n needs a verifier/.test(n)));
    const withV = config('{ approach: self_consistency, model: gen, verifier: prm, n: 4 }');
    const r2 = recommend(withV, model, handPrice({ self_consistency: 100, best_of_n: 150 }));
    const acc = (a: number, b: number, n: number) => powerLaw(a, b)(n);
    assert.ok(acc(1, 0.45, 4) > acc(1, 0.25, 8));
    assert.equal(r2.best?.strategy, 'best_of_n');
    assert.equal(r2.best?.n, 4);
    assert.equal(r2.current?.n, 4);
    const gain = (acc(1, 0.45, 4) - acc(1, 0.25, 4)) * 100;
    assert.ok(Math.abs(r2.deltaPoints! - gain) < 0.05, `${r2.deltaPoints} vs ${gain}`);
    assert.equal(r2.title, `Use best_of_n, n=4: +${r2.deltaPoints!.toFixed(1)} points at 1.5× the latency, within the budget`);
    // Every feasible candidate is at most as accurate as the recommendation; the frontier rises.
    for (const c of r2.candidates) if (c.fits && !c.accuracy.beyondReach) assert.ok(c.accuracy.accuracy <= r2.best!.accuracy.accuracy);
    for (let i = 1; i < r2.frontier.length; i++) assert.ok(r2.frontier[i].x > r2.frontier[i - 1].x && r2.frontier[i].accuracy.accuracy > r2.frontier[i - 1].accuracy.accuracy);
  });

  it('prices sampling approaches only for a generative model, and test-time augmentation only for one that is not', () => {
    const model = buildQualityModel('acc', { points: [...law('self_consistency', 1.0, 0.3, [1, 2, 4, 8]), ...law('tta', 1.0, 0.2, [1, 2, 4, 8])] }, { bootstrap: 30 });
    const cfg = config('{ approach: self_consistency, model: gen, n: 4 }');
    const price = handPrice({ self_consistency: 100, tta: 50 });
    const classifier = recommend(cfg, model, price, { generative: false });
    assert.ok(classifier.candidates.every((c) => c.strategy !== 'self_consistency'));
    assert.ok(classifier.notes.some((n) => /self_consistency: its plan samples from a generative model/.test(n)), classifier.notes.join('\n'));
    const decoder = recommend(cfg, model, price, { generative: true });
    assert.ok(decoder.candidates.every((c) => c.strategy !== 'tta'));
    assert.ok(decoder.candidates.some((c) => c.strategy === 'self_consistency'));
  });

  it('on an accuracy tie, keeps the config\'s own approach unless another is more than 10% cheaper', () => {
    const pts = (strategy: 'tta' | 'early_exit') => [2, 4, 8].map((n, i) => ({ strategy, n, accuracy: [0.825, 0.8375, 0.8125][i], problems: 80 }));
    const model = buildQualityModel('acc', { points: [...pts('tta'), ...pts('early_exit')] }, { bootstrap: 30 });
    const cfg = config('{ approach: tta, model: gen, views: 4 }', '1s');
    const at = (tta: number, ee: number): Price => (c) => handPrice({ tta, early_exit: ee })({ ...c, strategy: { ...c.strategy!, n: c.strategy!.views ?? c.strategy!.max_n } });
    assert.equal(recommend(cfg, model, at(50, 48), { generative: false }).best?.strategy, 'tta', 'a 4% difference is noise');
    assert.equal(recommend(cfg, model, at(50, 40), { generative: false }).best?.strategy, 'early_exit', '20% cheaper at the same accuracy');
  });

  it('keeps the current setting when it is already the best, and finds one that fits when the current does not', () => {
    const model = buildQualityModel('acc', { points: law('self_consistency', 1.0, 0.3, [1, 2, 4, 8]) }, { bootstrap: 50 });
    const keep = recommend(config('{ approach: self_consistency, model: gen, n: 8 }'), model, handPrice({ self_consistency: 100 }));
    assert.match(keep.title, /^Keep self_consistency, n=8: the best predicted acc within the budget \(\d+\.\d%\)$/);
    const over = recommend(config('{ approach: self_consistency, model: gen, n: 16 }', '500ms'), model, handPrice({ self_consistency: 100 }));
    assert.equal(over.current?.fits, false);
    assert.equal(over.best?.n, 4);
    assert.match(over.title, /^Use self_consistency, n=4: fits the budget at \d+\.\d% acc \(−\d+\.\d points\)$/);
    const none = recommend(config('{ approach: self_consistency, model: gen, n: 4 }', '50ms'), model, handPrice({ self_consistency: 100 }));
    assert.equal(none.best, undefined);
    assert.equal(none.title, 'No setting with quality data fits the budget');
  });

  it('does not recommend past a curve\'s reach', () => {
    // Two noisy points: a short reach.
    const model = buildQualityModel('acc', { points: [{ strategy: 'self_consistency', n: 1, accuracy: 0.3, problems: 40 }, { strategy: 'self_consistency', n: 2, accuracy: 0.4, problems: 40 }] }, { bootstrap: 100 });
    const r = recommend(config('{ approach: self_consistency, model: gen, n: 2 }', '100s'), model, handPrice({ self_consistency: 1 }));
    const c = model.curves[0];
    assert.ok(r.best!.n <= c.reach, `${r.best!.n} within reach ${c.reach}`);
    // The config's own N past the reach is still compared (listed as beyond reach, never recommended).
    const far = recommend(config('{ approach: self_consistency, model: gen, n: 512 }', '100s'), model, handPrice({ self_consistency: 1 }));
    assert.equal(far.current?.n, 512);
    assert.equal(far.current?.accuracy.beyondReach, true);
    assert.ok(far.best!.n <= c.reach);
    assert.ok(!far.frontier.some((x) => x.n === 512));
  });

  it('builds each candidate from the config\'s own strategy: model, sampling, verifier, a beam width that divides n', () => {
    const base = config('{ approach: best_of_n, model: gen, verifier: prm, n: 16, parallel: 8, temperature: 0.7, beam_width: 3 }').strategy;
    assert.deepEqual(candidateStrategy(base, 'dvts', 16), { approach: 'dvts', model: 'gen', temperature: 0.7, verifier: 'prm', n: 16, parallel: 8, beam_width: 4 });
    assert.deepEqual(candidateStrategy(base, 'self_consistency', 4), { approach: 'self_consistency', model: 'gen', temperature: 0.7, n: 4, parallel: 4 });
    assert.deepEqual(candidateStrategy(base, 'cascade', 4), { skip: 'cascade has no N to vary' });
    // One pass of a model without a KV cache is one view (a `single` plan is prefill + decode steps).
    assert.deepEqual(candidateStrategy(base, 'single', 1, false), { approach: 'tta', model: 'gen', views: 1 });
    assert.deepEqual(candidateStrategy(base, 'single', 1, true), { approach: 'single', model: 'gen', temperature: 0.7 });
  });

  it('for a model that does not generate: a single pass is priced as one view, and N per difficulty is allocated in views', () => {
    const model = buildQualityModel('acc', { points: [{ strategy: 'single', n: 1, accuracy: 0.7, problems: 80 }, ...law('tta', 1.0, 0.2, [2, 4, 8])], problems: betaProblems(2, 1, 80, 8, 3) }, { bootstrap: 30 });
    const priced: string[] = [];
    const price: Price = (c) => {
      priced.push(`${c.strategy!.approach}:${c.strategy!.views ?? c.strategy!.n ?? 1}`);
      return handPrice({ tta: 50 })({ ...c, strategy: { ...c.strategy!, n: c.strategy!.views } });
    };
    const r = recommend(config('{ approach: tta, model: gen, views: 4 }', '1s'), model, price, { generative: false });
    const single = r.candidates.find((c) => c.strategy === 'single');
    assert.deepEqual(single?.config, { approach: 'tta', model: 'gen', views: 1 });
    assert.equal(single?.latency.p50_ms, 50);
    assert.ok(!priced.some((p) => p.startsWith('single')), priced.join(' '));
    assert.equal(r.allocation?.unit, 'ms (mean latency of tta)');
  });

  it('prices candidates with the real estimator (shape-only model, analytic roofline) and allocates N per difficulty', () => {
    const cfg = parseConfig(`version: 1
models:
  llama: { config: examples/models/llama-3.2-1b/config.json }
strategy: { approach: self_consistency, model: llama, n: 8 }
workload: { prompt_tokens: 128, output_tokens: { mean: 64, p95: 96 } }
hardware: { peak_flops: 20 TFLOP/s, memory_bandwidth: 400 GB/s }
budget: { latency: { p50: 4s } }
`).config;
    const facts = { llama: shapeOnlyFacts('llama', path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), cfg.models.llama) };
    const machine = machineFacts(cfg, undefined);
    const problems = [...betaProblems(8, 2, 150, 8, 51), ...betaProblems(1, 6, 150, 8, 52)];
    const model = buildQualityModel('exact_match', { points: [], problems }, { bootstrap: 40 });
    const r = recommendFromFacts(cfg, model, facts, machine);
    const sc = r.candidates.filter((c) => c.strategy === 'self_consistency');
    assert.ok(sc.length >= 4);
    for (let i = 1; i < sc.length; i++) assert.ok(sc[i].latency.p50_ms >= sc[i - 1].latency.p50_ms, 'latency grows with n');
    assert.ok(r.best && r.best.latency.p50_ms <= 4000);
    assert.equal(r.current?.n, 8);
    // Per difficulty: easy problems need few samples, the hopeless ones get 1; cheaper at equal accuracy.
    const al = r.allocation!;
    assert.equal(al.unit, 'ms (mean latency of self_consistency)');
    assert.ok(al.accuracy >= al.uniform.accuracy - 1e-9);
    assert.ok(al.savings > 0.2, String(al.savings));
    assert.equal(al.bins[al.bins.length - 1].n, 1);
    // The same function with the estimator's price is what priceWith gives.
    assert.equal(recommend(cfg, model, priceWith(facts, machine)).title, r.title);
  });
});

describe('core/quality/optimize: recommendFromTexts (the language server\'s entry point)', () => {
  it('texts → recommendation, and errors for broken data', () => {
    const cfg = parseConfig(`version: 1
models:
  llama: { config: examples/models/llama-3.2-1b/config.json }
strategy: { approach: self_consistency, model: llama, n: 4 }
workload: { prompt_tokens: 64, output_tokens: 32 }
hardware: { peak_flops: 20 TFLOP/s, memory_bandwidth: 400 GB/s }
budget: { latency: { p50: 2s } }
quality:
  points: [ { strategy: self_consistency, n: 1, accuracy: 0.3, problems: 500 }, { strategy: self_consistency, n: 8, accuracy: 0.4, problems: 500 } ]
  problems: r.jsonl
`).config;
    const facts = { llama: shapeOnlyFacts('llama', path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), cfg.models.llama) };
    const machine = machineFacts(cfg, undefined);
    const ok = recommendFromTexts(cfg, {}, facts, machine, { bootstrap: 40 });
    assert.deepEqual(ok.errors, []);
    assert.match(ok.recommendation!.title, /^(Use|Keep) self_consistency, n=\d+/);
    const bad = recommendFromTexts(cfg, { problems: 'nope\n' }, facts, machine);
    assert.deepEqual(bad.errors, ["quality.problems 'r.jsonl': line 1: not valid JSON (one JSON object per line)"]);
    assert.equal(bad.recommendation, undefined);
  });
});
