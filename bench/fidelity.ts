/**
 * Estimator fidelity (issue 11), bundled and run by bench/estimate.mjs: for each of a set of configs
 * over generated models (decoders of 1–70 M parameters, MHA and GQA, a PRM, conv classifiers) and
 * every approach, the estimate (plan-driven profile, then the pure estimator) against the executor's
 * measurement of the same queries, in the same profiler process. Also the analytic-only estimate
 * (no measurements: the roofline) against the same measurement.
 * Prints one JSON object on stdout. BENCH_FIDELITY_ONLY=name1,name2 runs a subset; BENCH_QUERIES=K.
 */
import { mkdirSync, existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildConvClassifier, buildDecoder, type DecoderOptions } from '../server/src/core/onnx/builders';
import { writeModel } from '../server/src/core/onnx/writer';
import { parseConfig } from '../server/src/core/config/parse';
import { createProfiler } from '../server/src/core/profile/client';
import { machineFacts, runPipeline, sessionModelsOf } from '../server/src/core/estimate/pipeline';
import { estimate } from '../server/src/core/estimate/estimate';
import { planQueries } from '../server/src/core/estimate/plan';
import { summarize, relError } from '../server/src/core/estimate/benchSummary';
import { executeFresh } from '../server/src/core/estimate/execute';
import { calibrate } from '../server/src/core/estimate/calibrate';

const ROOT = path.resolve(__dirname, '..');
const MODELS = path.join(process.env.TTC_LENS_BENCH_MODELS ?? path.join(tmpdir(), 'ttc-lens-bench-models'));
const QUERIES = Number(process.env.BENCH_QUERIES ?? 10);

const DECODERS: Record<string, DecoderOptions> = {
  'dec-1m-mha': { layers: 2, hidden: 128, heads: 4, kvHeads: 4, vocab: 2048, ffn: 512, maxPositions: 1024, seed: 21 },
  'dec-5m-gqa': { layers: 4, hidden: 256, heads: 8, kvHeads: 2, vocab: 4096, ffn: 768, maxPositions: 1024, seed: 22 },
  'dec-10m-mha': { layers: 6, hidden: 256, heads: 8, kvHeads: 8, vocab: 8192, ffn: 1024, maxPositions: 1024, seed: 23 },
  'dec-35m-mha': { layers: 8, hidden: 512, heads: 8, kvHeads: 8, vocab: 8192, ffn: 1536, maxPositions: 1024, seed: 24 },
  'dec-70m-gqa': { layers: 12, hidden: 640, heads: 10, kvHeads: 2, vocab: 8192, ffn: 2048, maxPositions: 1024, seed: 25 },
  'prm-4m': { layers: 2, hidden: 256, heads: 8, kvHeads: 8, vocab: 8192, ffn: 768, maxPositions: 1024, rewardHead: true, kvCache: false, seed: 26 },
};

async function ensureModels(): Promise<void> {
  mkdirSync(MODELS, { recursive: true });
  for (const [name, o] of Object.entries(DECODERS)) {
    const f = path.join(MODELS, `${name}.onnx`);
    if (!existsSync(f)) await writeModel(f, buildDecoder({ ...o, name: name.replace(/-/g, '_') }));
    const geometry = {
      model_type: 'llama',
      hidden_size: o.hidden,
      intermediate_size: o.ffn,
      num_hidden_layers: o.layers,
      num_attention_heads: o.heads,
      num_key_value_heads: o.kvHeads,
      vocab_size: o.vocab,
      max_position_embeddings: o.maxPositions,
      torch_dtype: 'float32',
    };
    writeFileSync(path.join(MODELS, `${name}.config.json`), JSON.stringify(geometry));
  }
  const conv: Record<string, Parameters<typeof buildConvClassifier>[0]> = {
    'conv-small': { channels: [16, 32], imageSize: 32, classes: 10, seed: 27 },
    'conv-large': { channels: [32, 64, 128, 256], imageSize: 64, classes: 100, seed: 28 },
  };
  for (const [name, o] of Object.entries(conv)) {
    const f = path.join(MODELS, `${name}.onnx`);
    if (!existsSync(f)) await writeModel(f, buildConvClassifier(o));
  }
}

const m = (name: string) => `{ path: ${path.join(MODELS, `${name}.onnx`)} }`;
/** A shape-only twin of a generated decoder: its Hugging Face config.json, measured by proxy. */
const twin = (name: string) => `{ config: ${path.join(MODELS, `${name}.config.json`)}, proxy: true }`;
const SC_70M = `strategy: { approach: self_consistency, model: g, n: 4 }\nworkload: { prompt_tokens: 128, output_tokens: { mean: 48, p95: 96 } }`;
/** `run`: what the executor runs when the estimate's config has no weights (the proxy case). */
const CASES: Array<{ name: string; yaml: string; run?: string }> = [
  { name: 'proxy-sc-4-70m-gqa', yaml: `models: { g: ${twin('dec-70m-gqa')} }\n${SC_70M}`, run: `models: { g: ${m('dec-70m-gqa')} }\n${SC_70M}` },
  { name: 'single-1m', yaml: `models: { g: ${m('dec-1m-mha')} }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 128, output_tokens: { mean: 64, p95: 128 } }` },
  { name: 'single-35m', yaml: `models: { g: ${m('dec-35m-mha')} }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 256, output_tokens: 96 }` },
  { name: 'single-70m-gqa', yaml: `models: { g: ${m('dec-70m-gqa')} }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 128, output_tokens: 32 }` },
  { name: 'best-of-8-5m-prm', yaml: `models: { g: ${m('dec-5m-gqa')}, v: ${m('prm-4m')} }\nstrategy: { approach: best_of_n, model: g, verifier: v, n: 8 }\nworkload: { prompt_tokens: 128, output_tokens: { mean: 64, p95: 128 } }` },
  { name: 'best-of-32-1m-waves', yaml: `models: { g: ${m('dec-1m-mha')}, v: ${m('prm-4m')} }\nstrategy: { approach: best_of_n, model: g, verifier: v, n: 32, parallel: 8 }\nworkload: { prompt_tokens: 64, output_tokens: { mean: 48, p95: 96 } }` },
  { name: 'self-consistency-16-10m', yaml: `models: { g: ${m('dec-10m-mha')} }\nstrategy: { approach: self_consistency, model: g, n: 16, parallel: 8 }\nworkload: { prompt_tokens: 128, output_tokens: { mean: 48, p95: 96 } }` },
  { name: 'dvts-8-5m', yaml: `models: { g: ${m('dec-5m-gqa')}, v: ${m('prm-4m')} }\nstrategy: { approach: dvts, model: g, verifier: v, n: 8, beam_width: 4, num_iterations: 8 }\nworkload: { prompt_tokens: 64, output_tokens: { mean: 96, p95: 160 }, step_tokens: 16 }` },
  { name: 'beam-4-lookahead-1m', yaml: `models: { g: ${m('dec-1m-mha')}, v: ${m('prm-4m')} }\nstrategy: { approach: beam_search, model: g, verifier: v, n: 4, beam_width: 2, num_iterations: 6, lookahead: 1 }\nworkload: { prompt_tokens: 64, output_tokens: 96, step_tokens: 16 }` },
  { name: 'revisions-2-10m', yaml: `models: { g: ${m('dec-10m-mha')}, v: ${m('prm-4m')} }\nstrategy: { approach: revisions, model: g, verifier: v, rounds: 2 }\nworkload: { prompt_tokens: 96, output_tokens: { mean: 48, p95: 80 } }` },
  { name: 'budget-forcing-5m', yaml: `models: { g: ${m('dec-5m-gqa')} }\nstrategy: { approach: budget_forcing, model: g, max_tokens_thinking: 64, num_ignore: 1, max_tokens: 160 }\nworkload: { prompt_tokens: 64, output_tokens: { mean: 96, p95: 150 } }` },
  { name: 'early-exit-10m', yaml: `models: { g: ${m('dec-10m-mha')} }\nstrategy: { approach: early_exit, model: g, max_n: 12, wave: 4, threshold: 0.9 }\nworkload: { prompt_tokens: 96, output_tokens: { mean: 40, p95: 80 }, agreement: 0.6 }` },
  { name: 'cascade-conv', yaml: `models: { small: ${m('conv-small')}, large: ${m('conv-large')} }\nstrategy: { approach: cascade, stages: [ { model: small, escalate: 0.3 }, { model: large } ] }\nworkload: { batch: 4 }` },
  { name: 'tta-conv', yaml: `models: { c: ${m('conv-large')} }\nstrategy: { approach: tta, model: c, views: 8, parallel: 4 }\nworkload: { batch: 2 }` },
  { name: 'ensemble-conv', yaml: `models: { a: ${m('conv-small')}, b: ${m('conv-large')} }\nstrategy: { approach: ensemble, models: [a, b] }\nworkload: { batch: 8 }` },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
};

async function main(): Promise<void> {
  await ensureModels();
  const only = process.env.BENCH_FIDELITY_ONLY?.split(',');
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'ttc-fidelity-cache-'));
  const workDir = mkdtempSync(path.join(tmpdir(), 'ttc-fidelity-'));
  const profiler = createProfiler({ cacheDir, workerPath: path.join(ROOT, 'dist', 'profilerWorker.js') });
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const c of CASES) {
      if (only && !only.includes(c.name)) continue;
      const file = path.join(workDir, `${c.name}.ttc.yaml`);
      const text = `version: 1\n${c.yaml}\nhardware: { provider: cpu, threads: 1, price_per_hour: 0.40 }\n`;
      writeFileSync(file, text);
      const config = parseConfig(text).config;
      const t0 = Date.now();
      const load0 = loadavg()[0];
      const est = await runPipeline({ config, configPath: file, profiler, profile: true, queries: QUERIES, pool: { workerPath: path.join(ROOT, 'dist', 'profilerWorker.js') } });
      const profileMs = Date.now() - t0;
      const runConfig = c.run ? parseConfig(`version: 1\n${c.run}\nhardware: { provider: cpu, threads: 1, price_per_hour: 0.40 }\n`).config : config;
      const w = planQueries(runConfig, QUERIES);
      const r = await executeFresh({ models: c.run ? sessionModelsOf(runConfig, file) : est.sessionModels, session: est.session, warmup: w.warmup, queries: w.queries, maxTimeMs: 600_000 }, {}, { workerPath: path.join(ROOT, 'dist', 'profilerWorker.js') });
      if (!r.ok) {
        rows.push({ name: c.name, error: r.failure.message });
        continue;
      }
      const b = summarize(r.value, est.estimate.calls, 0.4, 2);
      // Analytic only: the same facts without measurements (the roofline of an assumed or configured machine).
      const facts = Object.fromEntries(Object.entries(est.facts).map(([k, f]) => [k, { ...f, table: undefined, sessionRssBytes: undefined }]));
      // …with this machine's calibrated roofline (FLOP/s and bandwidth measured once with generated MLPs).
      const cal = await calibrate(profiler, profiler.cache.dir, est.session);
      // (the pipeline's own roofline: FLOP/s, bandwidth and the fixed costs per operator and per call).
      const machine = cal ? { ...est.machine, roofline: machineFacts(config, undefined, cal).roofline } : est.machine;
      const analytic = estimate({ config, models: facts, machine, queries: QUERIES, marginals: false });
      const e = est.estimate;
      rows.push({
        name: c.name,
        approach: e.approach,
        measured_p50_ms: +b.latency.p50_ms.toFixed(3),
        estimate_p50_ms: +e.latency.p50_ms.toFixed(3),
        err_p50: +relError(e.latency.p50_ms, b.latency.p50_ms).toFixed(4),
        err_p95: +relError(e.latency.p95_ms, b.latency.p95_ms).toFixed(4),
        err_mean: +relError(e.latency.mean_ms, b.latency.mean_ms).toFixed(4),
        analytic_err_p50: +relError(analytic.latency.p50_ms, b.latency.p50_ms).toFixed(4),
        measured_peak_rss: b.memory.peak_bytes,
        estimate_peak: e.memory.peak_bytes,
        err_memory: +relError(e.memory.peak_bytes, b.memory.peak_bytes).toFixed(4),
        memory_abs_err_mb: +((e.memory.peak_bytes - b.memory.peak_bytes) / 2 ** 20).toFixed(1),
        calls_match: b.calls_match,
        provenance: e.provenance.overall,
        points_measured: est.measured,
        profile_ms: profileMs,
        load: [load0, ...r.value.load],
        busy: b.busy,
      });
      process.stderr.write(`fidelity: ${c.name} p50 est ${e.latency.p50_ms.toFixed(1)} ms vs ${b.latency.p50_ms.toFixed(1)} ms (${(relError(e.latency.p50_ms, b.latency.p50_ms) * 100).toFixed(1)}%), profile ${profileMs} ms, load ${load0.toFixed(2)}\n`);
    }
  } finally {
    await profiler.dispose();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const ok = rows.filter((r) => typeof r.err_p50 === 'number');
  const abs = (k: string) => ok.map((r) => Math.abs(r[k] as number));
  const memOk = ok.filter((r) => Math.abs(r.err_memory as number) <= 0.1 || Math.abs(r.memory_abs_err_mb as number) <= 64).length;
  const analyticOk = ok.filter((r) => Math.abs(r.analytic_err_p50 as number) <= 0.25).length;
  process.stdout.write(
    JSON.stringify({
      queries: QUERIES,
      configs: rows.length,
      p50_abs_error: { median: median(abs('err_p50')), p90: quantile(abs('err_p50'), 0.9), goal: 'median ≤ 0.05, p90 ≤ 0.12' },
      memory_within_goal: `${memOk}/${ok.length} (goal: within max(10%, 64 MB))`,
      analytic_within_25pct: `${analyticOk}/${ok.length} (goal: 80%)`,
      calls_match: ok.every((r) => r.calls_match),
      rows,
    }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
