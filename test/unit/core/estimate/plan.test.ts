import { strict as assert } from 'node:assert';
import { parseConfig } from '../../../../server/src/core/config/parse';
import type { TtcConfig } from '../../../../server/src/core/config/types';
import { Draws } from '../../../../server/src/core/estimate/lengths';
import { countCalls, majorityPosterior, planQueries, planQuery, resolveStrategy, type PlanCall } from '../../../../server/src/core/estimate/plan';

function config(strategy: string, workload = 'prompt_tokens: 100\n  output_tokens: 10', models = 'g: { path: g.onnx }\n  v: { path: v.onnx }\n  a: { path: a.onnx }\n  b: { path: b.onnx }'): TtcConfig {
  const text = `version: 1\nmodels:\n  ${models}\nstrategy:\n  ${strategy.trim().split('\n').join('\n  ')}\nworkload:\n  ${workload}\n`;
  const p = parseConfig(text);
  const errors = p.problems.filter((x) => x.severity === 'error');
  assert.deepEqual(errors.map((e) => e.message), []);
  return p.config;
}

const calls = (c: TtcConfig): PlanCall[] => planQuery(resolveStrategy(c), new Draws(0)).calls.map((x) => x.call);

describe('core/estimate/plan (STRATEGIES.md, call by call)', () => {
  it('single: prefill(1, P) then L − 1 steps at B = 1', () => {
    assert.deepEqual(calls(config('approach: single\nmodel: g')), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'steps', model: 'g', batch: 1, context: 100, count: 9 },
    ]);
  });

  it('single over a model without a KV cache: one run at workload.batch, no lengths, no prompt assumed', () => {
    const r = resolveStrategy(config('approach: single\nmodel: g', 'batch: 4'), { runs: new Set(['g']) });
    assert.ok(!r.assumed.some((a) => a.startsWith('prompt_tokens') || a.startsWith('max_tokens')), r.assumed.join('; '));
    const q = planQuery(r, new Draws(0));
    assert.deepEqual(q.calls, [{ call: { kind: 'run', model: 'g', batch: 4 } }]);
    assert.deepEqual(q.lengths, []);
    assert.equal(q.uniforms, 0);
    assert.equal(planQuery(resolveStrategy(config('approach: single\nmodel: g', 'batch: 4'), { runs: new Set(['v']) }), new Draws(0)).calls[0].call.kind, 'prefill', 'a generative model still generates');
  });

  it('best_of_n: one prefill, waves of min(p, remaining) with a fresh tile, steps to the longest, score(b, P + max L)', () => {
    assert.deepEqual(calls(config('approach: best_of_n\nmodel: g\nverifier: v\nn: 5\nparallel: 2')), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'kv_tile', model: 'g', batch: 2, context: 100 },
      { kind: 'steps', model: 'g', batch: 2, context: 100, count: 9 },
      { kind: 'score', model: 'v', batch: 2, tokens: 110 },
      { kind: 'kv_tile', model: 'g', batch: 2, context: 100 },
      { kind: 'steps', model: 'g', batch: 2, context: 100, count: 9 },
      { kind: 'score', model: 'v', batch: 2, tokens: 110 },
      { kind: 'kv_tile', model: 'g', batch: 1, context: 100 },
      { kind: 'steps', model: 'g', batch: 1, context: 100, count: 9 },
      { kind: 'score', model: 'v', batch: 1, tokens: 110 },
    ]);
  });

  it('self_consistency: the same waves without a model call to vote; parallel defaults to n', () => {
    assert.deepEqual(calls(config('approach: self_consistency\nmodel: g\nn: 4')), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'kv_tile', model: 'g', batch: 4, context: 100 },
      { kind: 'steps', model: 'g', batch: 4, context: 100, count: 9 },
    ]);
  });

  it('best_of_n with drawn lengths: each wave steps to its own longest sample', () => {
    const c = config('approach: best_of_n\nmodel: g\nverifier: v\nn: 4\nparallel: 2', 'prompt_tokens: 50\n  output_tokens: { mean: 40, p95: 90 }');
    const q = planQuery(resolveStrategy(c), new Draws(7));
    const steps = q.calls.filter((x) => x.call.kind === 'steps').map((x) => (x.call as { count: number }).count);
    assert.deepEqual(steps, [Math.max(q.lengths[0], q.lengths[1]) - 1, Math.max(q.lengths[2], q.lengths[3]) - 1]);
    const scores = q.calls.filter((x) => x.call.kind === 'score').map((x) => (x.call as { tokens: number }).tokens);
    assert.deepEqual(scores, [50 + Math.max(q.lengths[0], q.lengths[1]), 50 + Math.max(q.lengths[2], q.lengths[3])]);
    assert.equal(q.uniforms, 8, 'two uniforms per log-normal length, all drawn up front');
  });

  it('dvts / beam_search: D = min(num_iterations, ⌈L/s⌉) iterations of s steps at B = n, score(n, P + i·s), gather', () => {
    const c = config('approach: dvts\nmodel: g\nverifier: v\nn: 8\nbeam_width: 4\nnum_iterations: 5', 'prompt_tokens: 100\n  output_tokens: 20\n  step_tokens: 8');
    assert.deepEqual(calls(c), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'kv_tile', model: 'g', batch: 8, context: 100 },
      { kind: 'steps', model: 'g', batch: 8, context: 100, count: 8 },
      { kind: 'score', model: 'v', batch: 8, tokens: 108 },
      { kind: 'kv_gather', model: 'g', batch: 8, context: 108, keep: 2 },
      { kind: 'steps', model: 'g', batch: 8, context: 108, count: 8 },
      { kind: 'score', model: 'v', batch: 8, tokens: 116 },
      { kind: 'kv_gather', model: 'g', batch: 8, context: 116, keep: 2 },
      { kind: 'steps', model: 'g', batch: 8, context: 116, count: 8 },
      { kind: 'score', model: 'v', batch: 8, tokens: 124 },
      { kind: 'kv_gather', model: 'g', batch: 8, context: 124, keep: 2 },
    ]);
    const beam = config('approach: beam_search\nmodel: g\nverifier: v\nn: 8\nbeam_width: 4\nnum_iterations: 5', 'prompt_tokens: 100\n  output_tokens: 20\n  step_tokens: 8');
    assert.deepEqual(calls(beam), calls(c), 'DVTS and beam search make the same calls');
  });

  it('dvts lookahead: lookahead·s discarded steps after the s steps, before the score', () => {
    const c = config('approach: beam_search\nmodel: g\nverifier: v\nn: 4\nbeam_width: 2\nnum_iterations: 1\nlookahead: 2', 'prompt_tokens: 10\n  output_tokens: 100\n  step_tokens: 4');
    assert.deepEqual(calls(c), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 10 },
      { kind: 'kv_tile', model: 'g', batch: 4, context: 10 },
      { kind: 'steps', model: 'g', batch: 4, context: 10, count: 4 },
      { kind: 'steps', model: 'g', batch: 4, context: 14, count: 8, discard: true },
      { kind: 'score', model: 'v', batch: 4, tokens: 14 },
      { kind: 'kv_gather', model: 'g', batch: 4, context: 14, keep: 2 },
    ]);
  });

  it('revisions: rounds 0…R each prefill P + r·L and L − 1 steps; a verifier scores P + (r+1)·L', () => {
    const c = config('approach: revisions\nmodel: g\nverifier: v\nrounds: 2');
    assert.deepEqual(calls(c), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'steps', model: 'g', batch: 1, context: 100, count: 9 },
      { kind: 'score', model: 'v', batch: 1, tokens: 110 },
      { kind: 'prefill', model: 'g', batch: 1, tokens: 110 },
      { kind: 'steps', model: 'g', batch: 1, context: 110, count: 9 },
      { kind: 'score', model: 'v', batch: 1, tokens: 120 },
      { kind: 'prefill', model: 'g', batch: 1, tokens: 120 },
      { kind: 'steps', model: 'g', batch: 1, context: 120, count: 9 },
      { kind: 'score', model: 'v', batch: 1, tokens: 130 },
    ]);
  });

  it('budget_forcing: tokens = max(T + num_ignore·(1 + T), min(L, max_tokens)), one prefill + tokens − 1 steps', () => {
    const c = config('approach: budget_forcing\nmodel: g\nmax_tokens_thinking: 6\nnum_ignore: 2\nmax_tokens: 50');
    // L = 10, T = 6, tokens = max(6 + 2·7, 10) = 20.
    assert.deepEqual(calls(c), [
      { kind: 'prefill', model: 'g', batch: 1, tokens: 100 },
      { kind: 'steps', model: 'g', batch: 1, context: 100, count: 19 },
    ]);
  });

  it('early_exit: waves of `wave` until the Beta stopping rule is met or max_n; agreement 1 stops as soon as the posterior allows', () => {
    const c = config('approach: early_exit\nmodel: g\nmax_n: 16\nwave: 2\nthreshold: 0.95', 'prompt_tokens: 100\n  output_tokens: 10\n  agreement: 1');
    const q = planQuery(resolveStrategy(c), new Draws(0));
    // With every vote agreeing, P(p > ½ | a, 0) = 1 − 2^−(a+1) ≥ 0.95 first at a = 4: two waves.
    assert.equal(q.samples, 4);
    assert.deepEqual(q.calls.map((x) => x.call.kind), ['prefill', 'kv_tile', 'steps', 'kv_tile', 'steps']);
    const never = config('approach: early_exit\nmodel: g\nmax_n: 6\nwave: 4', 'prompt_tokens: 100\n  output_tokens: 10\n  agreement: 0.000001');
    const q2 = planQuery(resolveStrategy(never), new Draws(0));
    assert.equal(q2.samples, 6, 'never decided: stops at max_n with a last partial wave');
    assert.deepEqual(q2.calls.filter((x) => x.call.kind === 'kv_tile').map((x) => x.call.batch), [4, 2]);
  });

  it('early_exit over a model without a KV cache: waves of views as `run` calls at wave × batch, no lengths, the same stopping rule', () => {
    const c = config('approach: early_exit\nmodel: g\nmax_n: 8\nwave: 2', 'batch: 3\n  agreement: 1');
    const r = resolveStrategy(c, { runs: new Set(['g']) });
    assert.equal(r.overViews, true);
    assert.ok(!r.assumed.some((a) => a.startsWith('prompt_tokens') || a.startsWith('max_tokens')), r.assumed.join('; '));
    const q = planQuery(r, new Draws(0));
    // Every view agreeing: decided at 4 views, two waves of 2 views of a batch of 3 inputs.
    assert.equal(q.samples, 4);
    assert.deepEqual(q.lengths, []);
    assert.deepEqual(q.calls, [
      { call: { kind: 'run', model: 'g', batch: 6 }, group: 0 },
      { call: { kind: 'run', model: 'g', batch: 6 }, group: 1 },
    ]);
    assert.equal(q.uniforms, 4, 'one uniform per view, none for lengths');
    const never = planQuery(resolveStrategy(config('approach: early_exit\nmodel: g\nmax_n: 5\nwave: 2', 'agreement: 0.000001'), { runs: new Set(['g']) }), new Draws(0));
    assert.deepEqual(never.calls.map((x) => x.call), [{ kind: 'run', model: 'g', batch: 2 }, { kind: 'run', model: 'g', batch: 2 }, { kind: 'run', model: 'g', batch: 1 }]);
    // A generative model (not in `runs`) still samples.
    assert.equal(resolveStrategy(c, { runs: new Set(['v']) }).overViews, false);
  });

  it('measured rates stand in for workload.agreement and stages[0].escalate where the config is silent, and say so', () => {
    const m = { agreement: { value: 0.8031, source: 'ttc-lens eval, tta n=8 on 80 problems' }, escalate: { value: 0.25, source: 'ttc-lens eval, cascade n=2 on 80 problems' } };
    const ee = resolveStrategy(config('approach: early_exit\nmodel: g\nmax_n: 8'), m);
    assert.equal(ee.agreement, 0.8031);
    assert.ok(ee.assumed.includes('agreement = 0.803 (measured: ttc-lens eval, tta n=8 on 80 problems)'), ee.assumed.join('; '));
    assert.equal(resolveStrategy(config('approach: early_exit\nmodel: g', 'prompt_tokens: 10\n  agreement: 0.6'), m).agreement, 0.6, "the config's own value wins");
    const cas = resolveStrategy(config('approach: cascade\nstages:\n  - { model: a }\n  - { model: b }', 'batch: 1'), m);
    assert.deepEqual(cas.stages, [{ model: 'a', escalate: 0.25 }, { model: 'b', escalate: 0 }]);
    assert.ok(cas.assumed.some((a) => a.startsWith('stages[0].escalate = 0.25 (measured:')));
    const own = resolveStrategy(config('approach: cascade\nstages:\n  - { model: a, escalate: 0.1 }\n  - { model: b }', 'batch: 1'), m);
    assert.equal(own.stages[0].escalate, 0.1);
    assert.equal(resolveStrategy(config('approach: early_exit\nmodel: g')).agreement, 0.7, 'no measurement: the default');
  });

  it('majorityPosterior is the Beta(a+1, b+1) mass above ½', () => {
    assert.equal(majorityPosterior(0, 0), 0.5);
    assert.ok(Math.abs(majorityPosterior(3, 0) - (1 - 1 / 16)) < 1e-12);
    assert.ok(Math.abs(majorityPosterior(2, 1) - 11 / 16) < 1e-12);
    assert.ok(majorityPosterior(5000, 4000) > 0.999999);
  });

  it('cascade: each non-last stage draws one uniform and escalates when u < escalate; the warm-up runs every stage', () => {
    const c = config('approach: cascade\nstages:\n  - { model: a, escalate: 0.5 }\n  - { model: b }', 'batch: 4');
    const w = planQueries(c, 200);
    const reached = w.queries.filter((q) => q.calls.length === 2).length;
    assert.ok(reached > 70 && reached < 130, `${reached} of 200 escalated at 0.5`);
    for (const q of w.queries) {
      assert.equal(q.uniforms, 1);
      assert.deepEqual(q.calls[0], { call: { kind: 'run', model: 'a', batch: 4 }, stage: 0 });
    }
    assert.equal(w.warmup.calls.length, 2);
  });

  it('tta: ⌈views/p⌉ runs at min(views, p) × batch; ensemble: each member once', () => {
    const t = calls(config('approach: tta\nmodel: a\nviews: 10\nparallel: 4', 'batch: 2'));
    assert.deepEqual(t, [1, 2, 3].map(() => ({ kind: 'run', model: 'a', batch: 8 })));
    const e = calls(config('approach: ensemble\nmodels: [a, b]', 'batch: 3'));
    assert.deepEqual(e, [{ kind: 'run', model: 'a', batch: 3 }, { kind: 'run', model: 'b', batch: 3 }]);
  });

  it('the warm-up query uses its own stream with the same seed (its draws equal the first query)', () => {
    const c = config('approach: best_of_n\nmodel: g\nn: 4\nseed: 9', 'prompt_tokens: 10\n  output_tokens: { mean: 30, p95: 80 }');
    const w = planQueries(c, 3);
    assert.deepEqual(w.warmup.lengths, w.queries[0].lengths);
    assert.notDeepEqual(w.queries[1].lengths, w.queries[0].lengths);
    const counts = countCalls(w.queries);
    assert.equal(counts.prefill, 3);
    assert.equal(counts.steps, w.queries.reduce((s, q) => s + Math.max(...q.lengths) - 1, 0));
  });

  it('defaults the config leaves out are listed as assumptions', () => {
    const r = resolveStrategy(config('approach: dvts\nmodel: g\nverifier: v'));
    assert.deepEqual([r.n, r.beamWidth, r.numIterations, r.lookahead, r.stepTokens, r.maxTokens], [4, 4, 40, 0, 64, 2048]);
    assert.ok(r.assumed.includes('n = 4 (default)'));
  });
});
