/**
 * The client of the profiler process (server/src/worker/) that the language server and the CLI use:
 * the worker pool plus the result cache plus workspace trust. Core code only; onnxruntime-node lives in the process.
 */
import { ContentHasher, contentHash, machineFingerprint } from './fingerprint';
import { cacheKey, defaultCacheDir, ortVersionOnDisk, ProfileCache, type CacheKeyParts } from './cache';
import { failure } from './failures';
import { ProfilerPool, type PoolOptions, type RequestControl } from './pool';
import type { EpReport, MeasuredProfile, MeasureOptions, Outcome } from './protocol';
import * as path from 'node:path';

export interface ProfilerOptions extends PoolOptions {
  /** Cache folder; default defaultCacheDir(storagePath). */
  cacheDir?: string;
  storagePath?: string;
  /** Asked before every measurement; false = never execute a model. Default: always trusted. */
  trusted?: () => boolean;
}

export interface MeasureControl extends RequestControl {
  /** Measure even when a cached result exists (the new result replaces it). */
  noCache?: boolean;
}

export interface Profiler {
  /** Measure (or return the cached measurement of) a model. Never rejects for runtime failures. */
  measure(o: MeasureOptions, ctl?: MeasureControl): Promise<Outcome<MeasuredProfile>>;
  /** Cached measurement only; never runs anything (safe in untrusted workspaces). */
  cached(o: MeasureOptions): Promise<MeasuredProfile | undefined>;
  detectEps(ctl?: RequestControl): Promise<Outcome<EpReport>>;
  /** Forget what is memoised about a model file (it changed on disk). */
  invalidate(modelPath: string): void;
  readonly cache: ProfileCache;
  readonly pool: ProfilerPool;
  dispose(): Promise<void>;
}

/** Generous upper bound for one measure request: load + main + op profile + sweeps + decoder grid. */
export function measureTimeoutMs(o: MeasureOptions): number {
  const cap = o.maxTimeMs ?? 10_000;
  const sweeps = (o.sweep?.batch?.length ?? 0) + (o.sweep?.dim?.values.length ?? 0);
  const budget = cap * (1 + (o.opProfile === false ? 0 : 0.2) + sweeps / 4 + (o.decoder === false ? 0 : 2));
  return Math.round(60_000 + 3 * budget);
}

export function createProfiler(options: ProfilerOptions = {}): Profiler {
  const pool = new ProfilerPool(options);
  const cache = new ProfileCache(options.cacheDir ?? defaultCacheDir(options.storagePath));
  const hasher = new ContentHasher();
  const trusted = options.trusted ?? (() => true);

  async function keyFor(o: MeasureOptions): Promise<{ key: string; parts: CacheKeyParts } | undefined> {
    const file = path.resolve(o.modelPath);
    let h: string;
    try {
      h = (await hasher.hash(file)).hash;
    } catch {
      return undefined;
    }
    const threads = o.threads && o.threads > 0 ? Math.floor(o.threads) : machineFingerprint().physicalCores;
    const parts: CacheKeyParts = {
      contentHash: h,
      bind: o.bind ?? {},
      inputShapes: o.inputShapes,
      samplesHash: o.samplesPath ? await contentHash(o.samplesPath).catch(() => 'unreadable') : undefined,
      ep: o.ep ?? 'cpu',
      threads,
      graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
      ortVersion: ortVersionOnDisk() ?? pool.ortVersion() ?? 'unknown',
      machineId: machineFingerprint().id,
      content: { ops: o.opProfile !== false, sweep: o.sweep ?? null, decoder: o.decoder ?? 'auto' },
    };
    return { key: cacheKey(parts), parts };
  }

  let epMemo: Promise<Outcome<EpReport>> | undefined;
  function epReport(ctl: RequestControl = {}): Promise<Outcome<EpReport>> {
    if (!trusted()) return Promise.resolve({ ok: false, failure: failure('untrusted', 'execution providers are probed by running a tiny model') });
    epMemo ??= pool.request<EpReport>({ type: 'detectEps' }, { timeoutMs: 60_000, signal: ctl.signal }).then((r) => {
      if (!r.ok) epMemo = undefined; // a failed probe is retried next time
      return r;
    });
    return epMemo;
  }

  const inflight = new Map<string, Promise<Outcome<MeasuredProfile>>>();

  async function measureUncached(o: MeasureOptions, ctl: MeasureControl, k: { key: string; parts: CacheKeyParts } | undefined): Promise<Outcome<MeasuredProfile>> {
    if (!trusted()) return { ok: false, failure: failure('untrusted', 'trust the workspace to measure models (static analysis still works)') };
    // An EP that is listed but not usable here: measure on CPU and say why (cached under 'cpu').
    if (o.ep && o.ep !== 'cpu') {
      const eps = await epReport(ctl);
      const st = eps.ok ? eps.value.eps.find((e) => e.name === o.ep) : undefined;
      if (!st?.usable) {
        const why = `${o.ep} is not usable on this machine (${st?.reason ?? (eps.ok ? 'not offered by onnxruntime-node here' : eps.failure.message)}); measured on CPU instead`;
        const r = await profiler.measure({ ...o, ep: 'cpu' }, ctl);
        return r.ok ? { ...r, value: { ...r.value, warnings: [why, ...r.value.warnings] } } : r;
      }
    }
    const threads = k?.parts.threads;
    const out = await pool.request<MeasuredProfile>(
      { type: 'measure', options: { ...o, ...(threads ? { threads } : {}) } },
      { timeoutMs: ctl.timeoutMs ?? measureTimeoutMs(o), signal: ctl.signal, onProgress: ctl.onProgress },
    );
    if (out.ok && k) {
      // The file changed while it was measured: never cache a result under the wrong content.
      const after = await keyFor(o);
      if (after?.key === k.key) await cache.set(k.key, k.parts, out.value).catch(() => undefined);
    }
    return out;
  }

  const profiler: Profiler = {
    cache,
    pool,
    async cached(o) {
      const k = await keyFor(o);
      return k ? cache.get(k.key) : undefined;
    },
    async measure(o, ctl = {}) {
      const k = await keyFor(o);
      if (!ctl.noCache && k) {
        const hit = await cache.get(k.key);
        if (hit) return { ok: true, value: hit, cached: true };
        // The same measurement already running (auto-profile on open plus the command): share it.
        const running = inflight.get(k.key);
        if (running) return running;
      }
      const p = measureUncached(o, ctl, k);
      if (k) {
        inflight.set(k.key, p);
        void p.finally(() => {
          if (inflight.get(k.key) === p) inflight.delete(k.key);
        });
      }
      return p;
    },
    detectEps: (ctl) => epReport(ctl),
    invalidate(modelPath) {
      hasher.forget(path.resolve(modelPath));
    },
    dispose: () => pool.dispose(),
  };
  return profiler;
}
