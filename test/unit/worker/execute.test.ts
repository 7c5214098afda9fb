/**
 * The executor through the real profiler process (TypeScript worker via tsx) on the example models:
 * decoder-tiny (KV cache), prm-tiny (verifier), classifier-small/large (non-generative). Configs are
 * small (16-token prompts, answers of a few tokens) so every approach runs in a second or two.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { normalize } from '../../../server/src/core/config/normalize';
import { countCalls, planQueries } from '../../../server/src/core/estimate/plan';
import type { ExecuteOptions, ExecuteResult } from '../../../server/src/core/estimate/protocol';
import { ProfilerPool } from '../../../server/src/core/profile/pool';
import { WORKER } from './models';

const EX = path.join(__dirname, '../../../examples/models');
const MODELS = {
  gen: { path: path.join(EX, 'decoder-tiny.onnx') },
  prm: { path: path.join(EX, 'prm-tiny.onnx') },
  small: { path: path.join(EX, 'classifier-small.onnx') },
  large: { path: path.join(EX, 'classifier-large.onnx') },
};
const SESSION = { threads: 1 };

function workload(strategy: Record<string, unknown>, work: Record<string, unknown> = {}, queries = 2): ExecuteOptions {
  const config = normalize({ version: 1, models: {}, strategy: { model: 'gen', ...strategy }, workload: { prompt_tokens: 16, output_tokens: { mean: 6, p95: 12 }, ...work } });
  const w = planQueries(config, queries);
  return { models: MODELS, session: SESSION, warmup: w.warmup, queries: w.queries };
}

const CASES: Array<[string, ExecuteOptions]> = [
  ['single', workload({ approach: 'single' })],
  ['best_of_n', workload({ approach: 'best_of_n', verifier: 'prm', n: 5, parallel: 2 })],
  ['self_consistency', workload({ approach: 'self_consistency', n: 3 })],
  ['beam_search (lookahead)', workload({ approach: 'beam_search', verifier: 'prm', n: 4, beam_width: 2, num_iterations: 3, lookahead: 1 }, { step_tokens: 4, output_tokens: { mean: 10 } })],
  ['dvts', workload({ approach: 'dvts', verifier: 'prm', n: 4, beam_width: 4 }, { step_tokens: 3, output_tokens: { mean: 7 } })],
  ['revisions', workload({ approach: 'revisions', verifier: 'prm', rounds: 2 }, { output_tokens: { mean: 5 } })],
  ['budget_forcing', workload({ approach: 'budget_forcing', max_tokens_thinking: 3, num_ignore: 1 }, { output_tokens: { mean: 6 } })],
  ['early_exit', workload({ approach: 'early_exit', verifier: 'prm', max_n: 6, wave: 2 }, { output_tokens: { mean: 4 }, agreement: 0.5 })],
  ['cascade', workload({ approach: 'cascade', model: undefined, stages: [{ model: 'small', escalate: 0.5 }, { model: 'large' }] }, { batch: 2 }, 4)],
  ['tta', workload({ approach: 'tta', model: 'small', views: 5, parallel: 2 })],
  ['ensemble', workload({ approach: 'ensemble', model: undefined, models: ['small', 'large'] })],
];

describe('worker/execute (real worker, example models)', function () {
  this.timeout(120_000);
  let pool: ProfilerPool;
  before(() => {
    pool = new ProfilerPool(WORKER);
  });
  after(() => pool.dispose());

  for (const [name, opts] of CASES) {
    it(`${name}: the calls made equal the plan's`, async () => {
      const r = await pool.request<ExecuteResult>({ type: 'execute', options: opts });
      assert.ok(r.ok, r.ok ? '' : r.failure.message);
      const v = r.value;
      assert.deepEqual(v.calls, countCalls(opts.queries));
      assert.equal(v.queries.length, opts.queries.length);
      for (const [i, q] of v.queries.entries()) {
        assert.ok(q.ms > 0);
        const kinds = new Set(opts.queries[i].calls.map((c) => c.call.kind));
        assert.deepEqual(new Set(Object.keys(q.byKind)), kinds);
        const parts = Object.values(q.byKind).reduce((a, b) => a + (b ?? 0), 0);
        assert.ok(parts <= q.ms + 1e-6, 'the parts fit in the query');
      }
      // Decode steps by model and batch: the plan's own (count and contexts), their time inside the steps kind's.
      const want = new Map<string, { steps: number; contextSum: number }>();
      for (const q of opts.queries) for (const { call } of q.calls) if (call.kind === 'steps') {
        const k = `${call.model} ${call.batch}`;
        const a = want.get(k) ?? { steps: 0, contextSum: 0 };
        a.steps += call.count;
        a.contextSum += call.count * call.context + (call.count * (call.count - 1)) / 2;
        want.set(k, a);
      }
      assert.deepEqual(new Map((v.stepTimes ?? []).map((s) => [`${s.model} ${s.batch}`, { steps: s.steps, contextSum: s.contextSum }])), want);
      const stepsMs = v.queries.reduce((a, q) => a + (q.byKind.steps ?? 0), 0);
      assert.ok(Math.abs((v.stepTimes ?? []).reduce((a, s) => a + s.ms, 0) - stepsMs) < 1e-6 * Math.max(1, stepsMs));
      assert.ok(v.warmupMs > 0);
      assert.ok(v.peakRssBytes >= v.baseRssBytes && v.baseRssBytes > 0);
      assert.ok(Object.keys(v.loadMs).length >= 1);
      assert.equal(v.load.length, 2);
      if (name === 'cascade') {
        // Stage 0 runs on every query; stage 1 only on those that escalated.
        const reached = opts.queries.map((q) => q.stagesReached ?? 0);
        v.queries.forEach((q, i) => assert.equal(q.byStage?.length, reached[i] + 1));
      }
    });
  }

  it('reports progress per query and stops at the time cap', async () => {
    const opts = workload({ approach: 'single' }, { output_tokens: { mean: 20 } }, 50);
    const fractions: number[] = [];
    const r = await pool.request<ExecuteResult>({ type: 'execute', options: { ...opts, maxTimeMs: 1 } }, { onProgress: (_m, f) => f !== undefined && fractions.push(f) });
    assert.ok(r.ok, r.ok ? '' : r.failure.message);
    assert.equal(r.value.truncated, true);
    assert.equal(r.value.queries.length, 1);
    assert.deepEqual(r.value.calls, countCalls(opts.queries.slice(0, 1)));
    assert.ok(fractions.includes(1 / 50));
  });

  it('a plan whose shapes do not chain is refused, and the worker goes on', async () => {
    const opts = workload({ approach: 'single' });
    const bad = structuredClone(opts);
    const steps = bad.queries[0].calls.find((c) => c.call.kind === 'steps')!.call as { context: number };
    steps.context += 3;
    const r = await pool.request<ExecuteResult>({ type: 'execute', options: bad });
    assert.ok(!r.ok);
    assert.equal(r.failure.kind, 'invalid-input');
    assert.match(r.failure.message, /steps expects 1 rows at context 19, the state has 1 at 16/);
    const missing = await pool.request({ type: 'execute', options: { ...opts, models: { gen: { path: path.join(EX, 'nope.onnx') } } } });
    assert.ok(!missing.ok && missing.failure.kind === 'model-missing');
    const malformed = await pool.request({ type: 'execute', options: undefined as unknown as ExecuteOptions });
    assert.ok(!malformed.ok && malformed.failure.kind === 'invalid-input');
    const ok = await pool.request<ExecuteResult>({ type: 'execute', options: opts });
    assert.ok(ok.ok);
  });

  it('cancelling a running execute stops the process; the next request gets a fresh one', async () => {
    const opts = workload({ approach: 'single' }, { output_tokens: { mean: 200 } }, 200);
    const ac = new AbortController();
    const started = pool.started;
    const r = await pool.request({ type: 'execute', options: opts }, { signal: ac.signal, onProgress: (m) => m.startsWith('query') && ac.abort() });
    assert.ok(!r.ok && r.failure.kind === 'cancelled');
    const next = await pool.request<ExecuteResult>({ type: 'execute', options: workload({ approach: 'single' }) });
    assert.ok(next.ok);
    assert.equal(pool.started, started + 1);
  });
});
