/**
 * `ttc-lens bench`'s engine: an interpreter of query plans (core/estimate/plan.ts) that makes every
 * call for real with onnxruntime-node, as `../shared/STRATEGIES.md` fixes it:
 *
 * - prefill: the prompt (for revisions round r: the previous round's prompt + answer, P + r·L ids)
 *   with an empty cache; the result is the base state (and the current one).
 * - kv_tile: the base state's cache copied to `batch` rows. A wave's rows get the wave's drawn lengths
 *   (the verifier reads no further than a row's own answer).
 * - steps: decode steps of the current state, greedy tokens; `discard` (lookahead) steps run from the
 *   current state and their cache and tokens are dropped.
 * - score: the verifier on each row's prompt + generated tokens, right-padded to `tokens`.
 * - kv_gather: keep the best `keep` rows by the last scores (the first rows when nothing scored them)
 *   and copy each back up to `batch` rows.
 * - run: a non-generative model at its batch, inputs built before any timing.
 *
 * One warm-up query, then the measured ones, each timed end to end (token choice, verifier input
 * building and KV copies inside), with times per call kind and per stage, call counts, peak RSS.
 */
import { failure } from '../core/profile/failures';
import { buildInputs } from '../core/profile/inputs';
import type { CallKind, PlanCall, QueryPlan } from '../core/estimate/plan';
import type { ExecuteOptions, ExecuteResult, QueryTiming, SessionModel, StepTiming } from '../core/estimate/protocol';
import { bestRows, decoderIo, embeddingRows, gather, Generator, promptIds, tile, Verifier, verifierIo, verifierRows, type GenState } from './generation';
import { isDecoder } from './decoder';
import { MeasureError } from './measure';
import { toFeeds, type Feeds } from './runtime';
import { environment, loadAverage, maxRss, rss, Sessions } from './sessions';
import type { Progress } from './timing';

const KINDS: CallKind[] = ['prefill', 'kv_tile', 'steps', 'score', 'kv_gather', 'run'];

function invalid(message: string): MeasureError {
  return new MeasureError(failure('invalid-input', message));
}

/** Sessions, feeds and token ids for every model the plans name. */
interface Models {
  generators: Map<string, Generator>;
  verifiers: Map<string, Verifier>;
  /** Prebuilt feeds of non-generative models by `${name}\n${batch}`. */
  runFeeds: Map<string, { session: Generator['session']; feeds: Feeds }>;
  /** Prompt ids for up to the longest prefill, below every model's vocabulary. */
  prompt: number[];
  loadMs: Record<string, number>;
}

async function openModels(o: ExecuteOptions, sessions: Sessions, plans: QueryPlan[]): Promise<Models> {
  const roles = new Map<string, Set<'gen' | 'ver' | 'run'>>();
  const runBatches = new Map<string, Set<number>>();
  let longest = 0;
  for (const p of plans) {
    for (const { call } of p.calls) {
      const role = call.kind === 'score' ? 'ver' : call.kind === 'run' ? 'run' : 'gen';
      if (!roles.has(call.model)) roles.set(call.model, new Set());
      roles.get(call.model)!.add(role);
      if (call.kind === 'run') {
        if (!runBatches.has(call.model)) runBatches.set(call.model, new Set());
        runBatches.get(call.model)!.add(call.batch);
      }
      if (call.kind === 'prefill') longest = Math.max(longest, call.tokens);
    }
  }
  const m: Models = { generators: new Map(), verifiers: new Map(), runFeeds: new Map(), prompt: [], loadMs: {} };
  const vocabs: number[] = [];
  for (const [name, rs] of roles) {
    const spec: SessionModel | undefined = o.models[name];
    if (!spec?.path) throw invalid(`the plan calls model '${name}', which has no ONNX file to run${name ? '' : ' (no model named)'}`);
    const s = await sessions.get(spec);
    m.loadMs[name] = s.loadMs;
    const bind = spec.bind ?? {};
    const guard = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        throw invalid(`model '${name}': ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    if (rs.has('gen')) {
      if (!isDecoder(s.inputs, s.outputs)) throw invalid(`model '${name}' generates tokens but has no KV cache (past_key_values.* inputs, present.* outputs)`);
      const g = new Generator(s.session, guard(() => decoderIo(s.inputs, s.outputs, bind)));
      m.generators.set(name, g);
      const v = g.io.vocab ?? embeddingRows(s.path, g.io.ids.name);
      if (v) vocabs.push(v);
    }
    if (rs.has('ver')) {
      const v = new Verifier(s.session, guard(() => verifierIo(s.inputs, s.outputs, s.path, bind)));
      m.verifiers.set(name, v);
      if (v.io.vocab) vocabs.push(v.io.vocab);
    }
    for (const b of runBatches.get(name) ?? []) {
      const feeds = guard(() => toFeeds(buildInputs(s.inputs, { bind, shapes: spec.inputShapes, batch: b }, new Set())));
      m.runFeeds.set(`${name}\n${b}`, { session: s.session, feeds });
    }
  }
  m.prompt = promptIds(longest, vocabs.length ? Math.min(...vocabs) : 2);
  return m;
}

/** Calls made, by kind (steps one by one). */
export type CallCounts = Record<CallKind, number>;

export function zeroCounts(): CallCounts {
  return Object.fromEntries(KINDS.map((k) => [k, 0])) as CallCounts;
}

/** Runs one query's calls; returns its timing. `counts`, `peak` and `steps` accumulate across queries. */
async function runQuery(plan: QueryPlan, m: Models, counts: CallCounts, peak: { rss: number }, steps?: Map<string, StepTiming>): Promise<QueryTiming> {
  const byKind: Partial<Record<CallKind, number>> = {};
  const byStage: number[] = [];
  let base: GenState | undefined;
  let cur: GenState | undefined;
  let sample = 0; // next sample index of plan.lengths for a wave's tile
  const gen = (name: string) => m.generators.get(name)!;
  const need = (st: GenState | undefined, call: PlanCall & { batch: number }, context?: number): GenState => {
    if (!st) throw invalid(`${call.kind} before any prefill`);
    if (st.rows !== call.batch || (context !== undefined && st.context !== context)) {
      throw invalid(`${call.kind} expects ${call.batch} rows${context !== undefined ? ` at context ${context}` : ''}, the state has ${st.rows} at ${st.context}`);
    }
    return st;
  };
  const t0 = process.hrtime.bigint();
  // Sampling the RSS between calls is bookkeeping, not the query's work: its time is taken out.
  let bookkeeping = 0n;
  for (const { call, stage, group } of plan.calls) {
    const c0 = process.hrtime.bigint();
    switch (call.kind) {
      case 'prefill': {
        // Revisions: round r reads the previous round's prompt and answer; then fixed prompt ids.
        const ids = cur ? cur.prompt.concat(cur.gen[0]) : [];
        for (let j = ids.length; ids.length < call.tokens; j++) ids.push(m.prompt[j % m.prompt.length]);
        ids.length = call.tokens;
        base = cur = await gen(call.model).prefill(ids, call.batch);
        counts.prefill++;
        break;
      }
      case 'kv_tile': {
        const b = need(base, { ...call, batch: 1 }, call.context);
        cur = tile(b, call.batch);
        if (group !== undefined && sample + call.batch <= plan.lengths.length) {
          cur.limit = plan.lengths.slice(sample, sample + call.batch);
          sample += call.batch;
        }
        counts.kv_tile++;
        break;
      }
      case 'steps': {
        const g = gen(call.model);
        let st = need(cur, call, call.context);
        if (call.discard) {
          // Lookahead: from the current state, on a fork whose cache and tokens are dropped.
          for (let i = 0; i < call.count; i++, counts.steps++) st = await g.step(st, false);
        } else {
          for (let i = 0; i < call.count; i++, counts.steps++) st = await g.step(st);
          cur = st;
        }
        break;
      }
      case 'score': {
        const st = need(cur, call);
        st.scores = await m.verifiers.get(call.model)!.score(verifierRows(st, call.tokens), call.tokens);
        counts.score++;
        break;
      }
      case 'kv_gather': {
        const st = need(cur, call, call.context);
        cur = gather(st, bestRows(st.scores, st.rows, call.keep), call.batch);
        counts.kv_gather++;
        break;
      }
      case 'run': {
        const r = m.runFeeds.get(`${call.model}\n${call.batch}`)!;
        await r.session.run(r.feeds);
        counts.run++;
        break;
      }
    }
    const ms = Number(process.hrtime.bigint() - c0) / 1e6;
    byKind[call.kind] = (byKind[call.kind] ?? 0) + ms;
    if (call.kind === 'steps' && steps) {
      // Per model and batch: the time per decode step the benchmark panel sets against τ(B).
      const key = `${call.model}\n${call.batch}`;
      const s = steps.get(key) ?? { model: call.model, batch: call.batch, steps: 0, ms: 0, contextSum: 0 };
      s.steps += call.count;
      s.ms += ms;
      s.contextSum += call.count * call.context + (call.count * (call.count - 1)) / 2;
      steps.set(key, s);
    }
    if (stage !== undefined) byStage[stage] = (byStage[stage] ?? 0) + ms;
    const r0 = process.hrtime.bigint();
    const now = rss();
    if (now > peak.rss) peak.rss = now;
    bookkeeping += process.hrtime.bigint() - r0;
  }
  const ms = Number(process.hrtime.bigint() - t0 - bookkeeping) / 1e6;
  return { ms, byKind, ...(byStage.length ? { byStage: Array.from(byStage, (x) => x ?? 0) } : {}) };
}

export async function execute(o: ExecuteOptions, progress: Progress): Promise<ExecuteResult> {
  if (!o || !o.warmup || !Array.isArray(o.queries) || typeof o.models !== 'object') throw invalid('an execute request needs models, a warm-up plan and a list of query plans');
  const load0 = loadAverage();
  const baseRssBytes = rss();
  const maxRss0 = maxRss();
  const sessions = new Sessions(o.session);
  try {
    progress('loading models', 0);
    const m = await openModels(o, sessions, [o.warmup, ...o.queries]);
    const peak = { rss: rss() };
    progress('warm-up query', 0);
    const warm = await runQuery(o.warmup, m, zeroCounts(), peak);
    const counts = zeroCounts();
    const steps = new Map<string, StepTiming>();
    const queries: QueryTiming[] = [];
    const start = performance.now();
    let truncated = false;
    for (const [i, q] of o.queries.entries()) {
      if (o.maxTimeMs !== undefined && i > 0 && performance.now() - start >= o.maxTimeMs) {
        truncated = true;
        break;
      }
      const t = await runQuery(q, m, counts, peak, steps);
      queries.push(t);
      progress(`query ${i + 1}/${o.queries.length}: ${t.ms.toFixed(1)} ms`, (i + 1) / Math.max(1, o.queries.length), { query: { index: i, of: o.queries.length, ms: t.ms } });
    }
    // The kernel's peak catches activations inside a run; it counts only when it rose during this request.
    const kernelPeak = maxRss();
    const peakRssBytes = Math.max(peak.rss, rss(), kernelPeak > maxRss0 ? kernelPeak : 0);
    return {
      queries,
      ...(steps.size ? { stepTimes: [...steps.values()].sort((a, b) => a.model.localeCompare(b.model) || a.batch - b.batch) } : {}),
      calls: counts,
      warmupMs: warm.ms,
      peakRssBytes,
      baseRssBytes,
      loadMs: m.loadMs,
      env: environment(sessions.spec),
      load: [load0, loadAverage()],
      ...(truncated ? { truncated } : {}),
    };
  } finally {
    await sessions.releaseAll();
  }
}
