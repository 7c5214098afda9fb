/**
 * From a config to an estimate: static facts of its models, the plan's grid points (measured now
 * when asked and allowed, else whatever the point cache holds), the machine's copy bandwidth and
 * roofline, then the pure estimator. Used by `ttc-lens estimate`, `bench` and the language server.
 */
import type { TtcConfig } from '../config/types';
import { resolveModelPath } from '../config/parse';
import type { Profiler } from '../profile/client';
import { machineFingerprint } from '../profile/fingerprint';
import type { ProfileFailure } from '../profile/protocol';
import { estimate, DEFAULT_QUERIES, type Estimate } from './estimate';
import { modelFactsOf } from './facts';
import { copyBandwidth, measureNeeds, PointStore } from './measure';
import { neededPoints, peakPoints } from './needs';
import { planQueries, type PlanOptions, type PlannedWorkload } from './plan';
import { planOptionsOf, type MeasuredRates } from './planOptions';
import { loadQualityInputs } from '../quality/load';
import { measuredRates } from '../quality/rates';
import { ASSUMED_COPY, ASSUMED_CPU, RUNTIME_RSS_BYTES, type MachineFacts, type ModelFacts } from './price';
import type { SessionModel, SessionSettings } from './protocol';
import { cachedCalibration, calibrate, type Calibration } from './calibrate';
import { combineProxyPoints, proxyPlan, proxySessionRss, type ProxyPlan } from './proxy';
import type { BuildProxyResult } from './protocol';

/** Providers that run here through onnxruntime-node without a download (the CPU one always). */
export const LOCAL_PROVIDERS = new Set(['cpu']);

export interface PipelineOptions {
  config: TtcConfig;
  configPath: string;
  profiler?: Profiler;
  store?: PointStore;
  /** Measure missing grid points (default true when a profiler is given). */
  profile?: boolean;
  queries?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number) => void;
  /** Time cap per grid point, ms. */
  maxTimeMsPerPoint?: number;
  /** Options of the fresh profiler processes the grid points are measured in (tests, benches). */
  pool?: import('../profile/pool').PoolOptions;
  /** Facts already gathered (the server keeps them per model file). */
  facts?: Record<string, ModelFacts>;
  /**
   * Rates an eval measured (core/quality/rates.ts). Default: read from the config's `quality.points`
   * file (a host with file-access rules, the language server, reads it itself and passes them).
   */
  rates?: MeasuredRates;
}

export interface PipelineResult {
  estimate: Estimate;
  facts: Record<string, ModelFacts>;
  machine: MachineFacts;
  measured: number;
  cached: number;
  failures: Array<{ model: string; failure: ProfileFailure }>;
  sessionModels: Record<string, SessionModel>;
  session: SessionSettings;
  /** How the estimate planned (models without a KV cache, measured rates): what an executor of the same plan passes to planQueries. */
  plan: PlanOptions;
  /** The estimate's own workload (its queries), for a host that runs it. */
  workload: PlannedWorkload;
}

export function sessionSettings(config: TtcConfig): SessionSettings {
  const ep = config.hardware.provider ?? 'cpu';
  const cores = machineFingerprint().physicalCores;
  const threads = config.hardware.threads ? Math.min(config.hardware.threads, cores) : cores;
  return { ep: LOCAL_PROVIDERS.has(ep) ? ep : 'cpu', threads };
}

export function sessionModelsOf(config: TtcConfig, configPath: string): Record<string, SessionModel> {
  const out: Record<string, SessionModel> = {};
  for (const [name, spec] of Object.entries(config.models)) {
    if (!spec.path) continue;
    out[name] = { path: resolveModelPath(configPath, spec.path), ...(spec.dims ? { bind: spec.dims } : {}), ...(spec.inputs ? { inputShapes: spec.inputs } : {}) };
  }
  return out;
}

/**
 * Whether a model's calls can be measured here: an ONNX file on a provider this machine runs.
 * A `cuda` config on this CPU-only machine, or a shape-only model, is estimated analytically.
 */
function measurable(config: TtcConfig, f: ModelFacts): boolean {
  return f.source === 'onnx' && LOCAL_PROVIDERS.has(config.hardware.provider ?? 'cpu');
}

export function machineFacts(config: TtcConfig, copy: { bytesPerSecond: number; perTensorMs: number } | undefined, calibration?: Calibration, baseRssBytes?: number): MachineFacts {
  const hw = config.hardware;
  const local = LOCAL_PROVIDERS.has(hw.provider ?? 'cpu');
  const roofline =
    hw.peak_flops || hw.memory_bandwidth
      ? { flopsPerSecond: hw.peak_flops ?? calibration?.flopsPerSecond ?? ASSUMED_CPU.flopsPerSecond, bytesPerSecond: hw.memory_bandwidth ?? calibration?.bytesPerSecond ?? ASSUMED_CPU.bytesPerSecond, source: 'hardware.peak_flops / memory_bandwidth' }
      : calibration && local
        ? {
            flopsPerSecond: calibration.flopsPerSecond,
            bytesPerSecond: calibration.bytesPerSecond,
            source: 'calibrated',
            ...(calibration.perNodeMs !== undefined ? { perNodeMs: calibration.perNodeMs, perCallMs: calibration.perCallMs ?? 0 } : {}),
            ...(calibration.kvMsPerByte !== undefined ? { kvMsPerByte: calibration.kvMsPerByte } : {}),
            ...(calibration.attnMsPerFlop !== undefined ? { attnMsPerFlop: calibration.attnMsPerFlop } : {}),
          }
        : { ...ASSUMED_CPU, source: 'assumed 2-core CPU: 50 GFLOP/s, 10 GB/s' };
  return {
    copy: copy ? { ...copy, provenance: 'measured' } : { ...ASSUMED_COPY, provenance: 'analytic' },
    roofline,
    baseRssBytes: baseRssBytes ?? RUNTIME_RSS_BYTES,
  };
}

/** The rates in the config's quality points file (none when it has none, or it cannot be read: the quality rules report that). */
export function ratesOfConfig(config: TtcConfig, configPath: string): MeasuredRates {
  const file = config.quality?.points_file;
  if (!file) return {};
  const q = loadQualityInputs({ ...config, quality: { points_file: file } }, configPath);
  return q.errors.length ? {} : measuredRates(q.inputs.points, file);
}

export async function runPipeline(o: PipelineOptions): Promise<PipelineResult> {
  const { config } = o;
  // A copy: measurements and notes are added per run, never to the caller's (cached) facts.
  const facts = Object.fromEntries(Object.entries(o.facts ?? (await modelFactsOf(config, o.configPath))).map(([k, f]) => [k, { ...f }]));
  const queries = o.queries ?? DEFAULT_QUERIES;
  const rates = o.rates ?? ratesOfConfig(config, o.configPath);
  const plan = planOptionsOf(facts, rates);
  const w = planQueries(config, queries, plan);
  const session = sessionSettings(config);
  const sessionModels = sessionModelsOf(config, o.configPath);
  const local = Object.fromEntries(Object.entries(sessionModels).filter(([n]) => facts[n] && measurable(config, facts[n])));
  const maxContext = Object.fromEntries(Object.entries(facts).map(([n, f]) => [n, f.maxContext]));
  const needs = neededPoints(w, maxContext).filter((n) => local[n.model]);
  let measured = 0, cached = 0;
  const failures: PipelineResult['failures'] = [];
  const store = o.store ?? (o.profiler ? new PointStore(o.profiler.cache.dir) : undefined);
  let copy: { bytesPerSecond: number; perTensorMs: number } | undefined;
  if (store) {
    if (o.profiler && o.profile !== false) {
      const probes = peakPoints(w, maxContext).filter((n) => local[n.model]);
      const r = await measureNeeds({ profiler: o.profiler, store, models: local, session, needs, probes, signal: o.signal, onProgress: o.onProgress, maxTimeMsPerPoint: o.maxTimeMsPerPoint, pool: o.pool });
      measured = r.measured;
      cached = r.cached;
      failures.push(...r.failures);
    }
    await measureProxies({ ...o, facts, needs: neededPoints(w, maxContext), probes: peakPoints(w, maxContext), session, store, onMeasured: (r) => ((measured += r.measured), (cached += r.cached), failures.push(...r.failures)) });
    const needsCopy = w.queries.some((q) => q.calls.some((c) => c.call.kind === 'kv_tile' || c.call.kind === 'kv_gather'));
    copy = await copyBandwidth(o.profiler, store.dir, !!o.profiler && o.profile !== false && needsCopy, o.signal);
    for (const [name, m] of Object.entries(local)) {
      const t = await store.table(m.path, { ...session, bind: m.bind, inputShapes: m.inputShapes }).catch(() => undefined);
      if (t?.stale) facts[name] = { ...facts[name], stale: true, notes: [...facts[name].notes, 'the model file changed since it was profiled: its calls are estimated analytically until it is profiled again'] };
      if (!t || t.table.size === 0) continue;
      facts[name] = { ...facts[name], table: t.table, ...(t.sessionRssBytes ? { sessionRssBytes: t.sessionRssBytes } : {}) };
      const errs = Object.entries(t.errors);
      if (errs.length) facts[name].notes = [...facts[name].notes, `${errs.length} grid point(s) could not run (${errs[0][0]}: ${errs[0][1]})`];
    }
  }
  // The roofline for whatever is not measured: this machine calibrated once (cached), unless the
  // config names its own hardware figures or a provider this machine does not run.
  let calibration: Calibration | undefined;
  const analyticCalls = Object.values(facts).some((f) => !f.table) && !config.hardware.peak_flops;
  if (store && analyticCalls && LOCAL_PROVIDERS.has(config.hardware.provider ?? 'cpu')) {
    calibration = o.profiler && o.profile !== false ? await calibrate(o.profiler, store.dir, session, o.signal) : await cachedCalibration(store.dir, session);
  }
  const provider = config.hardware.provider ?? 'cpu';
  if (!LOCAL_PROVIDERS.has(provider)) {
    for (const f of Object.values(facts)) if (f.source === 'onnx') f.notes = [...f.notes, `provider ${provider} is not measured on this machine: estimated analytically`];
  }
  const asked = config.hardware.threads;
  if (asked && session.threads !== undefined && asked > session.threads) {
    for (const f of Object.values(facts)) if (f.table) f.notes = [...f.notes, `measured with ${session.threads} threads: the config asks for ${asked}, this machine has ${session.threads} physical cores`];
  }
  const machine = machineFacts(config, copy, calibration);
  return { estimate: estimate({ config, models: facts, machine, queries, rates }), facts, machine, measured, cached, failures, sessionModels, session, plan, workload: w };
}

/**
 * Shape-only decoders with `proxy: true`: build their proxies (in the profiler process) and measure
 * the plan's points on them when profiling is allowed, then give the model the table the proxies'
 * cached points make when scaled to its depth (core/estimate/proxy.ts). Why a model has no proxy is
 * said in its notes.
 */
async function measureProxies(o: PipelineOptions & { facts: Record<string, ModelFacts>; needs: ReturnType<typeof neededPoints>; probes: ReturnType<typeof peakPoints>; session: SessionSettings; store: PointStore; onMeasured: (r: { measured: number; cached: number; failures: PipelineResult['failures'] }) => void }): Promise<void> {
  const provider = o.config.hardware.provider ?? 'cpu';
  for (const [name, spec] of Object.entries(o.config.models)) {
    if (!spec.proxy) continue;
    const f = o.facts[name];
    if (!f) continue;
    if (f.source !== 'shape-only' || !f.geometry) {
      if (f.source === 'onnx') f.notes = [...f.notes, '`proxy` applies to shape-only decoders (`config:`); this ONNX model is measured itself'];
      continue;
    }
    if (!LOCAL_PROVIDERS.has(provider)) {
      f.notes = [...f.notes, `no proxy: provider ${provider} does not run on this machine, and a CPU proxy would not stand in for it`];
      continue;
    }
    const { plan, reason } = proxyPlan(f.geometry, o.store.dir);
    if (!plan) {
      f.notes = [...f.notes, `no proxy: ${reason}`];
      continue;
    }
    const models: Record<string, SessionModel> = {};
    const needs = [];
    const probes = [];
    for (const p of plan.proxies) {
      const key = `${name} (proxy, ${p.layers} layer${p.layers === 1 ? '' : 's'})`;
      models[key] = { path: p.file };
      for (const n of o.needs) if (n.model === name) needs.push({ model: key, points: n.points });
      for (const n of o.probes) if (n.model === name) probes.push({ model: key, points: n.points });
    }
    if (o.profiler && o.profile !== false && !o.signal?.aborted) {
      let built = true;
      for (const p of plan.proxies) {
        const r = await o.profiler.pool.request<BuildProxyResult>({ type: 'buildProxy', options: { file: p.file, decoder: p.options, weightBytes: p.weightBytes } } as never, {
          timeoutMs: 10 * 60_000,
          signal: o.signal,
          onProgress: (m) => o.onProgress?.(`${name}: ${m}`),
        });
        if (!r.ok) {
          f.notes = [...f.notes, `no proxy: building the ${p.layers}-layer proxy failed (${r.failure.message})`];
          built = false;
          break;
        }
      }
      if (!built) continue;
      // The proxies timed point by point in turn (interleave) and three memory probes each, the least
      // kept: the depth scaling multiplies any difference between them that is not the layers'.
      o.onMeasured(await measureNeeds({ profiler: o.profiler, store: o.store, models, session: o.session, needs, interleave: true, probes, probeRepeats: 3, signal: o.signal, onProgress: o.onProgress, maxTimeMsPerPoint: o.maxTimeMsPerPoint, pool: o.pool }));
    }
    const points = [];
    const rss: Array<number | undefined> = [];
    for (const p of plan.proxies) {
      const loaded = await o.store.load(p.file, { ...o.session }).catch(() => undefined);
      if (!loaded) break;
      points.push(loaded.file.points);
      rss.push(loaded.file.memoryProbe?.rssBytes ?? loaded.file.sessionRssBytes);
    }
    const combined = points.length === plan.proxies.length ? combineProxyPoints(plan, points) : undefined;
    if (!combined || combined.points === 0) {
      f.notes = [...f.notes, 'proxy: not measured yet (profile the config to build and time it)'];
      continue;
    }
    const sessionRssBytes = proxySessionRss(plan, rss, f.weightBytes);
    o.facts[name] = { ...f, table: combined.table, proxy: true, ...(sessionRssBytes ? { sessionRssBytes } : {}), notes: [...f.notes.filter((n) => !n.startsWith('shape-only: no weights')), ...plan.notes] };
  }
}

export type { ProxyPlan };
