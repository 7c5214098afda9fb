/**
 * Plan-driven profiling: the grid points a workload needs (needs.ts), measured in the profiler
 * process and kept in a point cache (one JSON file per model content × runtime settings × machine),
 * so that a second estimate of the same config — or of an edited one whose points overlap — costs no
 * runs. Also the machine's copy bandwidth (once per machine) for KV tiles and gathers.
 */
import Ajv from 'ajv';
import { readFile, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, stableStringify, ortVersionOnDisk } from '../profile/cache';
import { ContentHasher, machineFingerprint } from '../profile/fingerprint';
import type { Profiler } from '../profile/client';
import { ProfilerPool, type PoolOptions } from '../profile/pool';
import type { Outcome, ProfileFailure } from '../profile/protocol';
import type { LatencyStats } from '../profile/stats';
import { createHash } from 'node:crypto';
import type { ModelNeeds } from './needs';
import type { CopyBandwidthResult, MeasurePoint, PointsResult, SessionModel, SessionSettings } from './protocol';
import { PointTable, pointKey } from './table';

/** 2: points are timed without forced collections between blocks, as the executor runs (schema 1 points read 10–25% high on small decoders' steps). */
export const POINT_CACHE_SCHEMA = 2;

interface PointFile {
  schema: number;
  model: string;
  settings: Record<string, unknown>;
  points: Record<string, { point: MeasurePoint; stats: LatencyStats; measuredAt: string; load?: [number, number] }>;
  /** Points the model cannot run (e.g. past its position table), with why. */
  errors: Record<string, string>;
  sessionRssBytes?: number;
  /**
   * RSS growth of a fresh process running only the plan's peak shapes (needs.ts peakPoints), and which
   * shapes; with repeated probes, the least and each probe's growth.
   */
  memoryProbe?: { key: string; rssBytes: number; samples?: number[] };
}

const ajv = new Ajv({ allErrors: false });
const validFile = ajv.compile({
  type: 'object',
  required: ['schema', 'model', 'points', 'errors'],
  properties: {
    schema: { const: POINT_CACHE_SCHEMA },
    model: { type: 'string' },
    errors: { type: 'object', additionalProperties: { type: 'string' } },
    sessionRssBytes: { type: 'number', minimum: 0 },
    points: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['point', 'stats'],
        properties: {
          point: { type: 'object', required: ['kind', 'batch'], properties: { kind: { enum: ['prefill', 'step', 'score', 'run'] }, batch: { type: 'integer', minimum: 1 } } },
          stats: { type: 'object', required: ['p50', 'runs'], properties: { p50: { type: 'number', minimum: 0 }, runs: { type: 'integer', minimum: 1 } } },
        },
      },
    },
  },
});

export interface PointSettings extends SessionSettings {
  /** The model's symbolic bindings and input shapes change what a point means. */
  bind?: Record<string, number>;
  inputShapes?: Record<string, number[]>;
}

export class PointStore {
  private readonly hasher = new ContentHasher();
  private readonly memo = new Map<string, PointFile>();

  constructor(readonly dir: string) {}

  private readonly keys = new Map<string, string>();
  /** Per model file and settings: the key of the last content that had measured points. */
  private readonly measured = new Map<string, string>();

  private async fileKey(model: string, settings: PointSettings): Promise<string> {
    // A stat per call (every keystroke's estimate comes here); the content hash only when it changed.
    const st = await stat(model);
    const memoKey = `${model}|${st.size}|${st.mtimeMs}|${stableStringify(settings)}`;
    const known = this.keys.get(memoKey);
    if (known) return known;
    const { hash } = await this.hasher.hash(model);
    const threads = settings.threads && settings.threads > 0 ? settings.threads : machineFingerprint().physicalCores;
    const parts = { hash, bind: settings.bind ?? {}, shapes: settings.inputShapes ?? null, ep: settings.ep ?? 'cpu', threads, opt: settings.graphOptimizationLevel ?? 'all', ort: ortVersionOnDisk() ?? 'unknown', machine: machineFingerprint().id };
    const key = createHash('sha256').update(stableStringify(parts)).digest('hex').slice(0, 24);
    this.keys.set(memoKey, key);
    return key;
  }

  async load(model: string, settings: PointSettings): Promise<{ key: string; file: PointFile }> {
    const key = await this.fileKey(model, settings);
    const hit = this.memo.get(key);
    if (hit) return { key, file: hit };
    let file: PointFile = { schema: POINT_CACHE_SCHEMA, model, settings: { ...settings }, points: {}, errors: {} };
    try {
      const parsed = JSON.parse(await readFile(path.join(this.dir, `points-${key}.json`), 'utf8')) as unknown;
      if (validFile(parsed)) file = parsed as PointFile; // an invalid or foreign file is ignored and rewritten
    } catch {
      /* missing or unreadable: start empty */
    }
    this.memo.set(key, file);
    return { key, file };
  }

  async save(key: string, file: PointFile): Promise<void> {
    this.memo.set(key, file);
    await writeFileAtomic(path.join(this.dir, `points-${key}.json`), JSON.stringify(file));
  }

  /** The cached points of a model as a table (empty when none). */
  /**
   * The cached points of a model as a table (empty when none). `stale`: this model file (same
   * settings) had measured points in this session, but its content has changed since.
   */
  async table(model: string, settings: PointSettings): Promise<{ table: PointTable; missing: (p: MeasurePoint) => boolean; sessionRssBytes?: number; errors: Record<string, string>; stale: boolean }> {
    const { key, file } = await this.load(model, settings);
    const table = new PointTable();
    for (const e of Object.values(file.points)) table.add(e.point, e.stats);
    const id = `${model}|${stableStringify(settings)}`;
    const had = this.measured.get(id);
    if (table.size > 0) this.measured.set(id, key);
    // The memory probe at the plan's own peak shapes when there is one; else the growth over all points.
    const sessionRssBytes = file.memoryProbe?.rssBytes ?? file.sessionRssBytes;
    return { table, missing: (p) => !file.points[pointKey(p)] && !file.errors[pointKey(p)], sessionRssBytes, errors: file.errors, stale: table.size === 0 && had !== undefined && had !== key };
  }

  forget(model: string): void {
    this.hasher.forget(model);
    for (const k of [...this.keys.keys()]) if (k.startsWith(`${model}|`)) this.keys.delete(k);
  }
}

export interface MeasureNeedsOptions {
  profiler: Profiler;
  store: PointStore;
  /** Models by config name → how to open them. */
  models: Record<string, SessionModel>;
  session: SessionSettings;
  needs: ModelNeeds[];
  /**
   * Time the models together, point by point in turn in one process, when they miss the same points
   * (a proxy pair: their difference is scaled by depth, so drift between two separate runs would be
   * scaled too). Memory then comes from the probes only.
   */
  interleave?: boolean;
  /** Per model, the plan's peak shapes (needs.ts peakPoints): probed for memory in a fresh process. */
  probes?: ModelNeeds[];
  /**
   * Fresh processes per memory probe, the least growth kept (default 1). A proxy's growth is scaled to
   * the model's depth, which multiplies its noise, and the noise is one-sided: probes of a 3-layer
   * proxy read either 208–211 MB or 229 MB (an extra allocator chunk), and the 19 MB became 100 MB at
   * 12 layers. The least of three was 208–211 MB in three caches.
   */
  probeRepeats?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number) => void;
  maxTimeMsPerPoint?: number;
  targetCi?: number;
  /**
   * Options of the fresh profiler process each model is measured in (its own process, so the RSS its
   * session adds is its own, not memory an earlier session freed); default: the bundled worker.
   */
  pool?: PoolOptions;
}

export interface MeasureNeedsResult {
  measured: number;
  cached: number;
  failures: Array<{ model: string; failure: ProfileFailure }>;
}

/** A 1-minute load average above this share of the logical cores marks a machine as busy (as `bench` flags it). */
export const BUSY_SHARE = 0.75;

/**
 * Whether a cached point should be measured again: it was taken while the machine was busy (its
 * recorded load above BUSY_SHARE × cores) and the machine is quiet now. Another process moves a
 * 2-thread timing by 30–120% here, and a point cached at such a moment would otherwise price every
 * later estimate (the OCR recognizer's run at B = 1: 64 ms cached at load 8, 20 ms quiet).
 */
export function takenWhileBusy(entry: { load?: [number, number] } | undefined, cores: number, loadNow: number): boolean {
  if (!entry?.load) return false;
  const limit = BUSY_SHARE * Math.max(1, cores);
  return Math.max(...entry.load) > limit && loadNow <= limit;
}

/** A set of points as one key, whatever their order. */
const pointsKey = (points: MeasurePoint[]) => points.map(pointKey).sort().join('|');

type PoolRequest = <T>(body: unknown, ctl: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (m: string, f?: number) => void }) => Promise<Outcome<T>>;

/** Measure the points not yet cached, model by model; failures come back as values. */
export async function measureNeeds(o: MeasureNeedsOptions): Promise<MeasureNeedsResult> {
  const out: MeasureNeedsResult = { measured: 0, cached: 0, failures: [] };
  const todo: Array<{ name: string; model: SessionModel; points: MeasurePoint[]; key: string; file: PointFile }> = [];
  let total = 0;
  const cores = machineFingerprint().logicalCores, loadNow = loadavg()[0];
  for (const need of o.needs) {
    const model = o.models[need.model];
    if (!model) continue;
    const settings: PointSettings = { ...o.session, bind: model.bind, inputShapes: model.inputShapes };
    let loaded: { key: string; file: PointFile };
    try {
      loaded = await o.store.load(model.path, settings);
    } catch (e) {
      out.failures.push({ model: need.model, failure: { kind: 'model-missing', message: `cannot read ${model.path}: ${e instanceof Error ? e.message : String(e)}` } });
      continue;
    }
    const missing = need.points.filter((p) => (!loaded.file.points[pointKey(p)] && !loaded.file.errors[pointKey(p)]) || takenWhileBusy(loaded.file.points[pointKey(p)], cores, loadNow));
    out.cached += need.points.length - missing.length;
    if (missing.length) {
      todo.push({ name: need.model, model, points: missing, ...loaded });
      total += missing.length;
    }
  }
  let done = 0;
  const perPoint = o.maxTimeMsPerPoint ?? 1500;
  // Twins go in one request when they miss the same points (a proxy pair); otherwise one per model.
  const groups = o.interleave && todo.length > 1 && todo.every((t) => pointsKey(t.points) === pointsKey(todo[0].points)) ? [todo] : todo.map((t) => [t]);
  for (const group of groups) {
    if (o.signal?.aborted) break;
    const [head, ...twins] = group;
    const n = head.points.length * group.length;
    const fresh = new ProfilerPool(o.pool ?? {});
    const request = fresh.request.bind(fresh) as unknown as PoolRequest;
    const r = await request<PointsResult>(
      { type: 'points', options: { model: head.model, ...(twins.length ? { twins: twins.map((t) => t.model) } : {}), session: o.session, points: head.points, maxTimeMsPerPoint: perPoint, targetCi: o.targetCi ?? 0.03 } },
      {
        timeoutMs: 60_000 + n * perPoint * 4,
        signal: o.signal,
        onProgress: (m, f) => o.onProgress?.(`${group.map((t) => t.name).join(' + ')}: ${m}`, total ? (done + (f ?? 0) * n) / total : undefined),
      },
    );
    done += n;
    await fresh.dispose();
    if (!r.ok) {
      for (const t of group) out.failures.push({ model: t.name, failure: r.failure });
      continue;
    }
    const now = new Date().toISOString();
    for (const [i, t] of group.entries()) {
      const results = i === 0 ? r.value.results : (r.value.twins?.[i - 1]?.results ?? []);
      for (const pr of results) {
        const k = pointKey(pr.point);
        if (pr.stats) {
          t.file.points[k] = { point: pr.point, stats: pr.stats, measuredAt: now, load: r.value.load };
          out.measured++;
        } else if (pr.error) t.file.errors[k] = pr.error;
      }
      // A shared process's growth is all the twins' together: no one model's.
      if (group.length === 1) t.file.sessionRssBytes = Math.max(t.file.sessionRssBytes ?? 0, r.value.sessionRssBytes);
      await o.store.save(t.key, t.file).catch(() => undefined);
    }
  }
  await probeMemory(o);
  return out;
}

/**
 * The memory probe: per model, a fresh profiler process loads it and runs only the plan's peak shapes
 * once each (a short time cap), and its RSS growth is what the estimate's memory uses; with
 * `probeRepeats`, the least over that many fresh processes (the noise is memory a process happened to
 * keep, never memory it needed and hid). Re-run only when the peak shapes (or the
 * repeats) change. A failed probe leaves the growth over all points in place.
 */
async function probeMemory(o: MeasureNeedsOptions): Promise<void> {
  const repeats = Math.max(1, Math.round(o.probeRepeats ?? 1));
  for (const probe of o.probes ?? []) {
    if (o.signal?.aborted) return;
    const model = o.models[probe.model];
    if (!model || !probe.points.length) continue;
    const settings: PointSettings = { ...o.session, bind: model.bind, inputShapes: model.inputShapes };
    const loaded = await o.store.load(model.path, settings).catch(() => undefined);
    if (!loaded || Object.keys(loaded.file.points).length === 0) continue;
    const key = pointsKey(probe.points) + (repeats > 1 ? `|x${repeats}` : '');
    if (loaded.file.memoryProbe?.key === key) continue;
    o.onProgress?.(`${probe.model}: memory at the plan's peak shapes${repeats > 1 ? ` (${repeats} processes)` : ''}`);
    // Repeats run side by side: each reads only its own process's RSS, and nothing here is timed.
    const runs = await Promise.all(
      Array.from({ length: repeats }, async () => {
        const fresh = new ProfilerPool(o.pool ?? {});
        const request = fresh.request.bind(fresh) as unknown as PoolRequest;
        try {
          const r = await request<PointsResult>({ type: 'points', options: { model, session: o.session, points: probe.points, maxTimeMsPerPoint: 50, targetCi: 0.5 } }, { timeoutMs: 120_000, signal: o.signal });
          return r.ok && r.value.results.every((x) => x.stats) ? r.value.sessionRssBytes : undefined;
        } finally {
          await fresh.dispose();
        }
      }),
    );
    const samples = runs.filter((x): x is number => x !== undefined);
    if (samples.length === repeats && !o.signal?.aborted) {
      loaded.file.memoryProbe = { key, rssBytes: Math.min(...samples), ...(repeats > 1 ? { samples } : {}) };
      await o.store.save(loaded.key, loaded.file).catch(() => undefined);
    }
  }
}

/** Copy bandwidth of this machine, measured once and cached beside the points. */
const copyMemo = new Map<string, CopyBandwidthResult>();

export async function copyBandwidth(profiler: Profiler | undefined, dir: string, run: boolean, signal?: AbortSignal): Promise<CopyBandwidthResult | undefined> {
  const file = path.join(dir, `copy-${machineFingerprint().id}.json`);
  const known = copyMemo.get(file);
  if (known) return known;
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as CopyBandwidthResult;
    if (typeof v.bytesPerSecond === 'number' && v.bytesPerSecond > 0 && typeof v.perTensorMs === 'number') {
      copyMemo.set(file, v);
      return v;
    }
  } catch {
    /* not measured yet */
  }
  if (!run || !profiler) return undefined;
  const request = profiler.pool.request.bind(profiler.pool) as unknown as PoolRequest;
  const r = await request<CopyBandwidthResult>({ type: 'copyBandwidth' }, { timeoutMs: 60_000, signal });
  if (!r.ok) return undefined;
  await writeFileAtomic(file, JSON.stringify(r.value)).catch(() => undefined);
  copyMemo.set(file, r.value);
  return r.value;
}
