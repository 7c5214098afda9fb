/**
 * `ttc-lens bench <config> --sweep knob=v1,v2,… [--queries K] [--json|--csv|--md]`: the benchmark at
 * each value of one strategy knob, in turn (each run in its own fresh profiler process, as `bench`),
 * reported as one table: measured and estimated latency, the error, peak RSS, cost, whether it fits
 * the budget. Exit 1 when a point could not run.
 */
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../core/config/parse';
import { benchReport } from '../core/estimate/benchReport';
import { summarize } from '../core/estimate/benchSummary';
import { executeFresh } from '../core/estimate/execute';
import { runPipeline } from '../core/estimate/pipeline';
import { planQueries } from '../core/estimate/plan';
import { sweepCsv, sweepMarkdown, withKnob, type SweepPoint, type SweepSpec } from '../core/estimate/sweep';
import { progressLine, withProfiler, type ConfigArgs } from './estimate';

export type SweepFormat = 'json' | 'csv' | 'md';

export async function runSweep(a: ConfigArgs, file: string, spec: SweepSpec, format: SweepFormat, maxTime: number): Promise<number> {
  const text = fs.readFileSync(file, 'utf8');
  const queries = a.queries ?? 20;
  const name = path.basename(file);
  const progress = progressLine(format !== 'md');
  const points = await withProfiler(a.cacheDir, async (profiler, signal) => {
    setMaxListeners(0, signal); // every point's profiling and run listen to the one Ctrl-C signal
    const out: SweepPoint[] = [];
    for (const value of spec.values) {
      if (signal.aborted) break;
      const say = progress && ((m: string, f?: number) => progress(`${spec.knob}=${value}: ${m}`, f));
      const edited = withKnob(text, spec, value);
      if (edited === undefined) {
        out.push({ value, error: `strategy.${spec.knob} cannot be set in this config` });
        continue;
      }
      const parsed = parseConfig(edited);
      const errors = parsed.problems.filter((p) => p.severity === 'error');
      if (errors.length) {
        out.push({ value, error: errors.map((e) => e.message).join('; ') });
        continue;
      }
      const config = parsed.config;
      const w = planQueries(config, queries);
      const shapeOnly = [...new Set(w.warmup.calls.map((c) => c.call.model))].filter((m) => !config.models[m]?.path);
      if (shapeOnly.length) {
        out.push({ value, error: `nothing can run without weights: ${shapeOnly.join(', ')}` });
        continue;
      }
      const est = await runPipeline({ config, configPath: file, profiler, profile: a.profile, queries, signal, onProgress: say || undefined, maxTimeMsPerPoint: a.maxPointMs });
      if (signal.aborted) break;
      const r = await executeFresh({ models: est.sessionModels, session: est.session, warmup: est.workload.warmup, queries: est.workload.queries, maxTimeMs: maxTime }, { signal, onProgress: say || undefined });
      if (!r.ok) {
        out.push({ value, error: r.failure.message });
        continue;
      }
      const b = summarize(r.value, est.estimate.calls, config.hardware.price_per_hour, r.value.env.machine.logicalCores);
      out.push({ value, report: benchReport({ config: name, summary: b, estimate: est.estimate, env: r.value.env, budget: config.budget }) });
    }
    return out;
  });
  if (progress) process.stderr.write('\r\x1b[K');
  if (format === 'json') process.stdout.write(JSON.stringify({ config: file, knob: spec.knob, queries, points }, null, 2) + '\n');
  else if (format === 'csv') process.stdout.write(sweepCsv(spec, points));
  else process.stdout.write(sweepMarkdown(name, spec, points));
  for (const p of points) if (p.error) process.stderr.write(`ttc-lens bench: ${spec.knob}=${p.value}: ${p.error}\n`);
  return points.length === spec.values.length && points.every((p) => p.report) ? 0 : 1;
}
