/**
 * One `measure` request inside the profiler process: load, build inputs, time, then the optional
 * per-operator profile, sweeps and decoder timings. Failures are thrown as ProfileFailure-carrying
 * errors (MeasureError) so the worker loop can send them as values.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyFailure, failure } from '../core/profile/failures';
import { kindOf } from '../core/safeFs';
import { machineFingerprint } from '../core/profile/fingerprint';
import { buildInputs, loadSamples, type InputTensor } from '../core/profile/inputs';
import { parseOpTrace } from '../core/profile/opTrace';
import type { DecoderProfile, MeasuredProfile, MeasureOptions, OpProfile, ProfileFailure, Sweep, SessionTensorInfo } from '../core/profile/protocol';
import type { LatencyStats } from '../core/profile/stats';
import { createSession, inputInfos, ortVersion, outputInfos, toFeeds, type Session, type SessionSpec } from './runtime';
import { timeRuns, type Progress, type TimingRule } from './timing';
import { decoderStepInputs, isDecoder, profileDecoder, type StepShape } from './decoder';
import { defaultMemoryLimit, memoryProblem, plannedInputBytes, staticPeakActivations } from '../core/profile/memoryGuard';

export class MeasureError extends Error {
  constructor(readonly failure: ProfileFailure) {
    super(failure.message);
  }
}

/**
 * Intra-op threads to measure with: the asked number, at most the physical cores (more threads than
 * cores only make ONNX Runtime's spinning workers fight each other and the rest of the machine);
 * the physical cores when nothing is asked.
 */
export function resolveThreads(t: number | undefined, physical = machineFingerprint().physicalCores): number {
  return t && t > 0 ? Math.min(Math.floor(t), physical) : physical;
}

export function ruleFrom(o: MeasureOptions): TimingRule {
  return {
    targetCi: o.targetCi ?? 0.02,
    maxTimeMs: o.maxTimeMs ?? 10_000,
    minRuns: o.minRuns ?? 10,
    maxRuns: o.maxRuns ?? 100_000,
    warmupRuns: Math.max(1, o.warmupRuns ?? 3),
  };
}

async function load(model: string, spec: SessionSpec): Promise<Session> {
  try {
    return await createSession(model, spec);
  } catch (e) {
    throw new MeasureError(classifyFailure(e, 'load'));
  }
}

async function guardRun<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MeasureError) throw e;
    throw new MeasureError(classifyFailure(e, 'run'));
  }
}

export async function measure(o: MeasureOptions, progress: Progress): Promise<MeasuredProfile> {
  const modelPath = path.resolve(o.modelPath);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(modelPath);
  } catch (e) {
    throw new MeasureError(failure('model-missing', `${modelPath} (${e instanceof Error ? e.message : String(e)})`));
  }
  // A FIFO, a device or a folder is never handed to the runtime (it would block or read forever).
  if (!st.isFile()) throw new MeasureError(failure('invalid-model', `${modelPath} is ${kindOf(st)}, not a model file`));
  const modelBytes = st.size;
  const spec: SessionSpec = { ep: o.ep ?? 'cpu', threads: resolveThreads(o.threads), graphOptimizationLevel: o.graphOptimizationLevel ?? 'all' };
  const rule = ruleFrom(o);
  const warnings: string[] = [];
  const asked = o.threads && o.threads > 0 ? Math.floor(o.threads) : undefined;
  const oversubscribed = asked !== undefined && asked > spec.threads;
  if (oversubscribed) warnings.push(threadsWarning(asked, spec.threads));
  const loadStart = loadAverage();
  const assumptions = new Set<string>();
  const bind = { ...(o.bind ?? {}) };

  progress('loading model');
  const t0 = performance.now();
  const session = await load(modelPath, spec);
  const loadMs = performance.now() - t0;
  let released = false;
  try {
    const inputs = inputInfos(session);
    const outputs = outputInfos(session);
    const nonTensor = inputs.filter((i) => i.dtype === 'non-tensor');
    if (nonTensor.length) throw new MeasureError(failure('invalid-input', `inputs ${nonTensor.map((i) => i.name).join(', ')} are not tensors`));

    let samples: Map<string, InputTensor> | undefined;
    if (o.samplesPath) {
      try {
        samples = await loadSamples(o.samplesPath);
      } catch (e) {
        throw new MeasureError(failure('invalid-input', e instanceof Error ? e.message : String(e)));
      }
      for (const name of samples.keys()) if (!inputs.some((i) => i.name === name)) warnings.push(`sample input '${name}' is not an input of the model; ignored`);
    }
    // Memory guard: inputs (exact) and peak activations (static estimate), before allocating anything.
    const limit = o.maxMemoryBytes && o.maxMemoryBytes > 0 ? o.maxMemoryBytes : defaultMemoryLimit();
    const sampled = new Set(samples?.keys() ?? []);
    const mainInputs = plannedInputBytes(inputs, { bind, shapes: o.inputShapes, samples: sampled });
    const peak = staticPeakActivations(modelPath, bind);
    const guard = (extra: { batch?: number; bind?: Record<string, number> }, where: string) => {
      const bytes = plannedInputBytes(inputs, { bind: { ...bind, ...(extra.bind ?? {}) }, shapes: o.inputShapes, samples: sampled, batch: extra.batch });
      // Activations scale with the inputs (batch, sequence) to a first approximation.
      const act = peak !== undefined && mainInputs > 0 ? (peak * bytes) / mainInputs : peak;
      const problem = memoryProblem(bytes, act, limit, where);
      if (problem) throw new MeasureError(failure('out-of-memory', problem));
    };
    guard({}, '');
    const build = (extra: { batch?: number; bind?: Record<string, number> } = {}): InputTensor[] => {
      if (extra.batch !== undefined || extra.bind) guard(extra, ` at ${extra.batch !== undefined ? `batch ${extra.batch}` : Object.entries(extra.bind!).map(([k, v]) => `${k}=${v}`).join(', ')}`);
      try {
        return buildInputs(inputs, { bind: { ...bind, ...(extra.bind ?? {}) }, shapes: o.inputShapes, samples, batch: extra.batch }, assumptions);
      } catch (e) {
        throw new MeasureError(failure('invalid-input', e instanceof Error ? e.message : String(e)));
      }
    };
    const decoderModel = o.decoder !== false && isDecoder(inputs, outputs);
    let fed: InputTensor[];
    const step: { value?: StepShape } = {};
    if (decoderModel && !samples && !o.inputShapes) {
      try {
        fed = decoderStepInputs(inputs, bind, assumptions, step);
      } catch (e) {
        throw new MeasureError(failure('invalid-input', e instanceof Error ? e.message : String(e)));
      }
    } else fed = build();
    const feeds = toFeeds(fed);
    progress('measuring');
    const stats = await guardRun(() => timeRuns(() => session.run(feeds), rule, { progress, label: 'measuring: ' }));

    const sweeps: Sweep[] = [];
    const sweepRule: TimingRule = { ...rule, maxTimeMs: Math.max(50, rule.maxTimeMs / 4), warmupRuns: Math.min(rule.warmupRuns, 2) };
    if (decoderModel && (o.sweep?.batch?.length || o.sweep?.dim)) {
      warnings.push('sweeps are not run for decoders with a KV cache: the decoder grid (prefill T(P), step τ(B, c)) covers batch and context');
    } else if (o.sweep?.batch?.length) {
      if (!inputs.some((i) => typeof i.shape[0] === 'string')) {
        sweeps.push({ kind: 'batch', name: 'batch', points: [], error: 'no input has a symbolic first (batch) dimension' });
      } else sweeps.push(await sweep('batch', 'batch', o.sweep.batch, (v) => build({ batch: v }), session, sweepRule, progress));
    }
    if (!decoderModel && o.sweep?.dim) {
      const { name, values } = o.sweep.dim;
      if (!inputs.some((i) => i.shape.includes(name))) sweeps.push({ kind: 'dim', name, points: [], error: `no input has a dimension named '${name}'` });
      else sweeps.push(await sweep('dim', name, values, (v) => build({ bind: { [name]: v } }), session, sweepRule, progress));
    }

    let decoder: DecoderProfile | undefined;
    if (decoderModel) {
      try {
        decoder = await profileDecoder(session, inputs, outputs, bind, o.decoder || {}, rule, progress, assumptions, step.value ? { shape: step.value, stats } : undefined);
      } catch (e) {
        warnings.push(`decoder timings failed: ${classifyFailure(e, 'run').message}`);
      }
    }

    const loadEnd = loadAverage();
    const load1 = Math.max(loadStart?.[0] ?? 0, loadEnd?.[0] ?? 0);
    const quality = qualityWarnings(stats, rule, spec.threads, load1);
    warnings.push(...quality);
    const busy = quality.some((w) => w.startsWith(BUSY));

    // The per-operator profile needs a second session; free the first so peak memory stays one model.
    released = true;
    await session.release().catch(() => undefined);
    let ops: OpProfile | undefined;
    if (o.opProfile !== false) {
      progress('per-operator profile');
      try {
        ops = await opProfile(modelPath, spec, feeds, stats.p50, rule.maxTimeMs);
      } catch (e) {
        warnings.push(`per-operator profile failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }

    return {
      modelPath,
      modelBytes,
      inputs,
      outputs,
      fed: fed.map(({ name, dtype, dims, source }) => ({ name, dtype, dims, source })),
      assumptions: [...assumptions],
      warnings,
      loadMs,
      stats,
      ...(ops ? { ops } : {}),
      ...(sweeps.length ? { sweeps } : {}),
      ...(decoder ? { decoder } : {}),
      env: {
        ep: spec.ep,
        threads: spec.threads,
        ...(oversubscribed ? { threadsAsked: asked } : {}),
        graphOptimizationLevel: spec.graphOptimizationLevel,
        ortVersion,
        machine: machineFingerprint(),
        ...(loadStart && loadEnd ? { load: { start: loadStart, end: loadEnd } } : {}),
        ...(busy ? { busy } : {}),
      },
      measuredAt: new Date().toISOString(),
    };
  } finally {
    if (!released) await session.release().catch(() => undefined);
  }
}

/** `os.loadavg()` rounded to 2 decimals, or undefined where the OS has none (Windows). */
function loadAverage(): number[] | undefined {
  return process.platform === 'win32' ? undefined : os.loadavg().map((x) => Math.round(x * 100) / 100);
}

export function threadsWarning(asked: number, used: number, logical = os.cpus().length || 1): string {
  return `${asked} threads asked for on ${used} physical cores (${logical} logical) would oversubscribe the CPU; measured with ${used} threads`;
}

const BUSY = 'the machine was busy while measuring';

/**
 * Say when the numbers deserve less trust: the CI target was not reached, or other work was
 * competing for the cores (1-minute load average above our own threads plus half the cores).
 */
export function qualityWarnings(stats: LatencyStats, rule: TimingRule, threads: number, load1 = os.loadavg()[0], cores = os.cpus().length || 1): string[] {
  const w: string[] = [];
  if (stats.stoppedBy !== 'ci' && stats.ciRelHalfWidth !== undefined && stats.ciRelHalfWidth > rule.targetCi) {
    w.push(`the median's 95% CI is ±${(stats.ciRelHalfWidth * 100).toFixed(1)}%, not the ±${(rule.targetCi * 100).toFixed(1)}% asked for, after ${Math.round(rule.maxTimeMs)} ms; allow more time for a tighter figure`);
  }
  if (process.platform !== 'win32' && load1 > threads + 0.5 * cores) {
    w.push(`${BUSY} (load ${load1.toFixed(1)} on ${cores} cores); expect noisy tails (CV ${(stats.cv * 100).toFixed(0)}%)`);
  }
  return w;
}

async function sweep(
  kind: Sweep['kind'],
  name: string,
  values: number[],
  inputsFor: (v: number) => InputTensor[],
  session: Session,
  rule: TimingRule,
  progress: Progress,
): Promise<Sweep> {
  const out: Sweep = { kind, name, points: [] };
  for (const v of values) {
    progress(`sweep ${name} = ${v}`);
    try {
      const feeds = toFeeds(inputsFor(v));
      out.points.push({ value: v, stats: await timeRuns(() => session.run(feeds), rule) });
    } catch (e) {
      out.error = `${name} = ${v}: ${e instanceof MeasureError ? e.failure.message : classifyFailure(e, 'run').message}`;
      break;
    }
  }
  return out;
}

/**
 * Per-operator times: a second session with ORT profiling on, a few warm-up runs (dropped when
 * parsing) and enough runs to cover ~10% of the time cap (2–50). The trace goes to a private temp
 * folder that is always deleted.
 */
async function opProfile(modelPath: string, spec: SessionSpec, feeds: Record<string, unknown>, p50: number, maxTimeMs: number): Promise<OpProfile | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ttc-lens-ops-'));
  try {
    const s = await createSession(modelPath, { ...spec, profilePrefix: path.join(dir, 'ort') });
    const warm = 2;
    const runs = Math.max(2, Math.min(50, Math.floor((0.1 * maxTimeMs) / Math.max(p50, 0.01))));
    try {
      for (let i = 0; i < warm + runs; i++) await s.run(feeds as never);
      s.endProfiling();
    } finally {
      await s.release().catch(() => undefined);
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    if (!files.length) return undefined;
    return parseOpTrace(JSON.parse(await readFile(path.join(dir, files[0]), 'utf8')), warm);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type { SessionTensorInfo };
