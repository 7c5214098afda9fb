/**
 * The benchmark panel's per-model charts in the server (core/estimate/modelCharts.ts computes them):
 * `ttcLens/benchmarkModels` answers from the cached grid points and profiles only (nothing runs, so
 * an untrusted workspace gets them too); a benchmark run adds the executor's step timings and, for a
 * model whose cached profile has no per-operator trace, records one first (a short measurement with
 * ORT's profiler on, cached like any profile).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TtcConfig } from '../core/config/types';
import { modelCharts, type ModelCharts } from '../core/estimate/modelCharts';
import { planQueries } from '../core/estimate/plan';
import type { PipelineResult } from '../core/estimate/pipeline';
import type { StepTiming } from '../core/estimate/protocol';
import type { MeasureOptions, OpProfile } from '../core/profile/protocol';
import { BenchmarkModelsRequest, type BenchmarkModelsResult } from '../protocol';
import type { ServerContext } from './context';
import { fsPathOf } from './host';
import { jobsForConfig } from '../service/profiling';
import type { EstimateStore } from './estimates';

/**
 * The per-op trace's own measurement: the model's profile options with a short time cap and the
 * smallest decoder grid (a decoder's trace is then of one decode step). Cached under its own key, so
 * it never stands in for a full Profile Models result.
 */
export function opTraceOptions(o: MeasureOptions): MeasureOptions {
  return { ...o, opProfile: true, sweep: undefined, maxTimeMs: Math.min(o.maxTimeMs ?? 1500, 1500), decoder: { prompts: [16], batches: [1], contexts: [16] } };
}

export interface RecordOps {
  signal: AbortSignal;
  report: (message: string) => void;
}

/** Each model's per-op profile: a cached full profile's, else a cached or (with `record`) new per-op trace. */
export async function opProfiles(ctx: ServerContext, uri: string, config: TtcConfig, record?: RecordOps): Promise<{ profiles: Record<string, OpProfile | undefined>; why: Record<string, string> }> {
  const profiles: Record<string, OpProfile | undefined> = {};
  const why: Record<string, string> = {};
  const fsPath = fsPathOf(uri);
  if (!fsPath) return { profiles, why };
  const profiler = ctx.profiler();
  const jobs = jobsForConfig(config, fsPath, await ctx.getSettings(uri));
  for (const j of jobs) {
    for (const o of [j.options, opTraceOptions(j.options)]) {
      const hit = await profiler.cached(o).catch(() => undefined);
      if (hit?.ops?.top.length) {
        profiles[j.model] = hit.ops;
        break;
      }
    }
    if (profiles[j.model] || !record || record.signal.aborted) continue;
    if (!ctx.workspaceTrusted) {
      why[j.model] = 'models are not run in an untrusted workspace';
      continue;
    }
    record.report(`per-operator trace of ${j.model}`);
    const r = await profiler.measure(opTraceOptions(j.options), { signal: record.signal }).catch((e: unknown) => ({ ok: false as const, failure: { message: e instanceof Error ? e.message : String(e) } }));
    if (r.ok && r.value.ops?.top.length) profiles[j.model] = r.value.ops;
    else why[j.model] = r.ok ? (r.value.warnings.find((w) => w.startsWith('per-operator')) ?? 'the trace recorded no operator') : r.failure.message;
  }
  for (const [name, m] of Object.entries(config.models)) {
    if (!jobs.some((j) => j.model === name)) why[name] = m.path ? 'not an ONNX file' : 'described by shape only: nothing to run';
  }
  return { profiles, why };
}

/** The charts of a config's models from an estimate (its facts and plan) and, after a run, its step timings. */
export function chartsOf(config: TtcConfig, result: PipelineResult, ops: Awaited<ReturnType<typeof opProfiles>>, measured?: StepTiming[]): ModelCharts {
  return modelCharts({
    workload: planQueries(config, result.estimate.queries, result.plan),
    facts: result.facts,
    machine: result.machine,
    measured,
    models: Object.keys(config.models),
    profiles: ops.profiles,
    why: ops.why,
  });
}

export function registerBenchModels(ctx: ServerContext, est: EstimateStore): void {
  ctx.connection.onRequest(BenchmarkModelsRequest, async (params): Promise<BenchmarkModelsResult> => {
    const doc: TextDocument | undefined = ctx.documents.get(params.uri);
    if (!doc) return { error: 'the config is not open' };
    const e = await est.get(doc);
    if (!e.result) return { error: e.reason ?? 'no estimate' };
    return { models: chartsOf(e.parsed.config, e.result, await opProfiles(ctx, doc.uri, e.parsed.config)) };
  });
}
