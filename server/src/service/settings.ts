/** Settings under `ttcLens.*`, read per document through `workspace/configuration`. */
import { validBindings } from '../core/bindings';

export interface TtcSettings {
  /** Master switch for diagnostics. */
  validate: boolean;
  /** Threads for profiling (intra-op); 0 = physical cores. */
  profiler: {
    threads: number;
    /** Stop measuring when the median's 95% CI is within ± this fraction. */
    targetCi: number;
    /** Hard cap on measurement time per model and configuration, in ms. */
    maxTimeMs: number;
    /** Measure models automatically when a config is opened (trusted workspaces only). */
    autoProfile: boolean;
    /** Memory guard for a measurement, MiB; 0 = half of the machine's memory. */
    maxMemoryMB: number;
  };
  /** Default bindings for symbolic dims that a config does not bind (e.g. batch=1). */
  defaultDims: Record<string, number>;
  /** Inline estimates: inlay hints after cost-driving values ('full'), on the approach only ('compact'), or none. */
  estimates: { inlayHints: 'full' | 'compact' | 'off' };
  files: {
    /** Read model files, descriptions and samples that resolve outside the workspace folders. */
    allowOutsideWorkspace: boolean;
  };
}

export const DEFAULT_SETTINGS: TtcSettings = {
  validate: true,
  profiler: { threads: 0, targetCi: 0.02, maxTimeMs: 10_000, autoProfile: false, maxMemoryMB: 0 },
  defaultDims: {},
  estimates: { inlayHints: 'full' },
  files: { allowOutsideWorkspace: false },
};

/** Merge a partial settings object (from the client, possibly malformed) over the defaults. */
export function normalizeSettings(raw: unknown): TtcSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<TtcSettings> & Record<string, unknown>;
  const p = (r.profiler && typeof r.profiler === 'object' ? r.profiler : {}) as Partial<TtcSettings['profiler']>;
  const f = (r.files && typeof r.files === 'object' ? r.files : {}) as Partial<TtcSettings['files']>;
  const hints = (r.estimates && typeof r.estimates === 'object' ? (r.estimates as { inlayHints?: unknown }).inlayHints : undefined);
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  // Positive whole numbers only (core/bindings.ts, the parser every surface uses).
  const dims = validBindings(r.defaultDims);
  return {
    validate: typeof r.validate === 'boolean' ? r.validate : DEFAULT_SETTINGS.validate,
    profiler: {
      threads: num(p.threads, DEFAULT_SETTINGS.profiler.threads),
      targetCi: num(p.targetCi, DEFAULT_SETTINGS.profiler.targetCi),
      // One day at most: the request timeout is a multiple of it and Node's timers stop at 2^31−1 ms.
      maxTimeMs: Math.min(num(p.maxTimeMs, DEFAULT_SETTINGS.profiler.maxTimeMs), 86_400_000),
      autoProfile: typeof p.autoProfile === 'boolean' ? p.autoProfile : DEFAULT_SETTINGS.profiler.autoProfile,
      maxMemoryMB: Math.max(0, num(p.maxMemoryMB, DEFAULT_SETTINGS.profiler.maxMemoryMB)),
    },
    defaultDims: dims,
    estimates: { inlayHints: hints === 'compact' || hints === 'off' ? hints : 'full' },
    files: { allowOutsideWorkspace: f.allowOutsideWorkspace === true },
  };
}
