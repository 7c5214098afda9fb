/**
 * `ttc-lens bench <config.ttc.yaml> [--queries K] [--max-time MS] [--json]`: run the config's strategy
 * for real in the profiler process (server/src/worker/execute.ts) — one warm-up query, then K
 * measured queries, the same calls the estimator prices — and report the measurement beside the
 * estimate with the error. Exit 1 when nothing could run (shape-only models, a failed run) or a budget
 * is breached by the measurement, 2 on usage errors.
 */
import * as path from 'node:path';
import { runPipeline } from '../core/estimate/pipeline';
import { planQueries, type CallKind } from '../core/estimate/plan';
import { estimateJson, fmtBytes, fmtMs, fmtUsd } from '../core/estimate/format';
import { executeFresh } from '../core/estimate/execute';
import type { Estimate } from '../core/estimate/estimate';
import { relError, summarize, type BenchSummary } from '../core/estimate/benchSummary';

export { relError, summarize };
import { parseSweep, type SweepSpec } from '../core/estimate/sweep';
import { runSweep } from './benchSweep';
import { loadConfig, parseConfigArgs, parsePositiveInt, progressLine, withProfiler, type ConfigArgs } from './estimate';

const USAGE = `Usage: ttc-lens bench <config.ttc.yaml> [options]
       ttc-lens bench <config.ttc.yaml> --sweep n=1,2,4,8 [--json|--csv|--md] [options]

Runs the config's strategy for real with onnxruntime-node (in the profiler process): KV caches carried
between steps, tiled and gathered; forced output lengths; verifier scoring; beams kept and copied;
waves; cascade routing; TTA batches; ensemble members — the calls docs/estimates.md lists. One
warm-up query, then K measured queries; reports per-query times, p50/p95/mean, call counts (which
must equal the plan's), the peak RSS of the process, and the estimate beside it with the error.

Options:
  --queries K         Measured queries (default 20).
  --max-time MS       Stop measuring after this long (default 300000); the queries done are reported.
  --json              JSON output (docs/cli.md).
  --no-profile        Estimate from cached measurements only (no grid profiling before the run).
  --sweep KNOB=V1,V2  Run the benchmark at each value of one strategy knob (n, beam_width,
                      num_iterations, max_tokens, views, stages.0.escalate, …) and print one table.
  --csv, --md         With --sweep: CSV or Markdown instead of the default Markdown (--json: JSON).
  --cache-dir DIR     Measurement cache (default $XDG_CACHE_HOME/ttc-lens).
  -h, --help          Show this help.

Exit codes: 0 ran (and fits the budget), 1 could not run or the measurement breaches a budget, 2 bad arguments.`;

function formatText(file: string, b: BenchSummary, e: Estimate): string {
  const L: string[] = [];
  const row = (k: string, v: string) => L.push(`${k.padEnd(18)} ${v}`);
  const err = (est: number, meas: number) => `${relError(est, meas) >= 0 ? '+' : ''}${(relError(est, meas) * 100).toFixed(1)}%`;
  row('Config', file);
  row('Queries', `${b.queries} measured after 1 warm-up${b.truncated ? ' (stopped by --max-time)' : ''}`);
  row('Measured', `p50 ${fmtMs(b.latency.p50_ms)} · p95 ${fmtMs(b.latency.p95_ms)} · mean ${fmtMs(b.latency.mean_ms)}`);
  row('Estimate', `p50 ${fmtMs(e.latency.p50_ms)} · p95 ${fmtMs(e.latency.p95_ms)} · mean ${fmtMs(e.latency.mean_ms)}  (${e.provenance.overall})`);
  row('Error', `p50 ${err(e.latency.p50_ms, b.latency.p50_ms)} · p95 ${err(e.latency.p95_ms, b.latency.p95_ms)} · mean ${err(e.latency.mean_ms, b.latency.mean_ms)}`);
  for (const [k, v] of Object.entries(b.by_kind_ms)) {
    const est = e.breakdown.byKind[k as CallKind] ?? 0;
    row(`  ${k}`, `${fmtMs(v ?? 0)} measured · ${fmtMs(est)} estimated per query`);
  }
  row('Calls', `${Object.entries(b.calls).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')} — ${b.calls_match ? 'equal to the plan' : `PLAN SAYS ${JSON.stringify(b.calls_planned)}`}`);
  row('Peak RSS', `${fmtBytes(b.memory.peak_bytes)} (process at start ${fmtBytes(b.memory.base_bytes)}); estimate ${fmtBytes(e.memory.peak_bytes)}`);
  row('Cost', b.cost.per_1k_usd !== undefined ? `${fmtUsd(b.cost.per_1k_usd)} per 1k queries measured · ${fmtUsd(e.cost.per_1k_usd)} estimated` : '—');
  row('Load average', `${b.load[0].toFixed(2)} before, ${b.load[1].toFixed(2)} after${b.busy ? ' — the machine was busy: compare figures only from quiet runs' : ''}`);
  return L.join('\n');
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let a: ConfigArgs;
  let maxTime = 300_000;
  let sweep: SweepSpec | undefined;
  let format: 'csv' | 'md' | undefined;
  try {
    a = parseConfigArgs(args, ['--max-time', '--max-time=', '--sweep', '--sweep=', '--csv', '--md']);
    for (let i = 0; i < a.rest.length; i++) {
      if (a.rest[i] === '--max-time') maxTime = parsePositiveInt('--max-time', a.rest[++i], 86_400_000);
      else if (a.rest[i] === '--sweep') sweep = parseSweep(a.rest[++i] ?? '');
      else if (a.rest[i] === '--csv' || a.rest[i] === '--md') format = a.rest[i] === '--csv' ? 'csv' : 'md';
    }
    if (format && !sweep) throw new Error(`${format === 'csv' ? '--csv' : '--md'} goes with --sweep`);
    if (format && a.json) throw new Error('choose one of --json, --csv and --md');
  } catch (e) {
    process.stderr.write(`ttc-lens bench: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadConfig(a.config!);
  if (loaded.errors.length) {
    for (const e of loaded.errors) process.stderr.write(`${e}\n`);
    process.stderr.write(`ttc-lens bench: fix the errors above first (ttc-lens check ${a.config}).\n`);
    return 1;
  }
  if (sweep) return runSweep(a, loaded.file, sweep, a.json ? 'json' : (format ?? 'md'), maxTime);
  const config = loaded.config;
  const queries = a.queries ?? 20;
  const w = planQueries(config, queries);
  const used = new Set(w.warmup.calls.map((c) => c.call.model));
  const shapeOnly = [...used].filter((m) => !config.models[m]?.path);
  if (shapeOnly.length) {
    process.stderr.write(
      `ttc-lens bench: nothing can run without weights — ${shapeOnly.map((m) => `'${m}'`).join(', ')} ${shapeOnly.length > 1 ? 'are' : 'is'} described by shape only (config:). ` +
        `Use 'ttc-lens estimate ${a.config}' for the analytic estimate, or point the model at an ONNX file (path:).\n`,
    );
    return 1;
  }
  const progress = progressLine(a.json);
  const outcome = await withProfiler(a.cacheDir, async (profiler, signal) => {
    const est = await runPipeline({ config, configPath: loaded.file, profiler, profile: a.profile, queries, signal, onProgress: progress });
    if (signal.aborted) return { est, r: undefined };
    const r = await executeFresh({ models: est.sessionModels, session: est.session, warmup: est.workload.warmup, queries: est.workload.queries, maxTimeMs: maxTime }, { signal, onProgress: progress });
    return { est, r };
  });
  if (progress) process.stderr.write('\r\x1b[K');
  const e = outcome.est.estimate;
  for (const f of outcome.est.failures) process.stderr.write(`ttc-lens bench: ${f.model} could not be profiled: ${f.failure.message}\n`);
  if (!outcome.r) {
    process.stderr.write('ttc-lens bench: cancelled\n');
    return 1;
  }
  if (!outcome.r.ok) {
    if (a.json) process.stdout.write(JSON.stringify({ ok: false, failure: outcome.r.failure, estimate: estimateJson(e) }, null, 2) + '\n');
    process.stderr.write(`ttc-lens bench: the run failed: ${outcome.r.failure.message}\n`);
    return 1;
  }
  const cores = outcome.r.value.env.machine.logicalCores;
  const b = summarize(outcome.r.value, e.calls, config.hardware.price_per_hour, cores);
  // Budgets against the measurement.
  const bud = config.budget;
  const breaches: string[] = [];
  if (bud.latency_p50_ms !== undefined && b.latency.p50_ms > bud.latency_p50_ms) breaches.push(`measured p50 ${fmtMs(b.latency.p50_ms)} exceeds the budget of ${fmtMs(bud.latency_p50_ms)}`);
  if (bud.latency_p95_ms !== undefined && b.latency.p95_ms > bud.latency_p95_ms) breaches.push(`measured p95 ${fmtMs(b.latency.p95_ms)} exceeds the budget of ${fmtMs(bud.latency_p95_ms)}`);
  if (bud.cost_per_1k_usd !== undefined && b.cost.per_1k_usd !== undefined && b.cost.per_1k_usd > bud.cost_per_1k_usd) breaches.push(`measured cost ${fmtUsd(b.cost.per_1k_usd)}/1k exceeds the budget of $${bud.cost_per_1k_usd}`);
  if (a.json) {
    process.stdout.write(
      JSON.stringify(
        {
          config: loaded.file,
          ok: true,
          latency: b.latency,
          memory: { peak_bytes: b.memory.peak_bytes, base_bytes: b.memory.base_bytes },
          cost: b.cost,
          capacity_qps: Number.isFinite(b.capacity_qps) ? b.capacity_qps : null,
          breakdown: { by_kind_ms: b.by_kind_ms },
          provenance: { overall: 'measured', load_average: b.load, busy: b.busy },
          queries: { count: b.queries, per_query_ms: b.per_query_ms, truncated: b.truncated },
          calls: { measured: b.calls, planned: b.calls_planned, match: b.calls_match },
          estimate: estimateJson(e),
          error: {
            p50: relError(e.latency.p50_ms, b.latency.p50_ms),
            p95: relError(e.latency.p95_ms, b.latency.p95_ms),
            mean: relError(e.latency.mean_ms, b.latency.mean_ms),
            memory: relError(e.memory.peak_bytes, b.memory.peak_bytes),
          },
          breaches,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    process.stdout.write(formatText(path.relative(process.cwd(), loaded.file) || loaded.file, b, e) + '\n');
    for (const br of breaches) process.stdout.write(`${'Over budget'.padEnd(18)} ${br}\n`);
  }
  if (!b.calls_match) process.stderr.write('ttc-lens bench: the run made other calls than the plan (a bug: please report it)\n');
  return breaches.length || !b.calls_match ? 1 : 0;
}
