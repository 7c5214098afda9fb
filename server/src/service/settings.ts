/** Settings under `ttcLens.*`, read per document through `workspace/configuration`. */
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
  };
  /** Default bindings for symbolic dims that a config does not bind (e.g. batch=1). */
  defaultDims: Record<string, number>;
  files: {
    /** Read model files, descriptions and samples that resolve outside the workspace folders. */
    allowOutsideWorkspace: boolean;
  };
}

export const DEFAULT_SETTINGS: TtcSettings = {
  validate: true,
  profiler: { threads: 0, targetCi: 0.02, maxTimeMs: 10_000, autoProfile: false },
  defaultDims: {},
  files: { allowOutsideWorkspace: false },
};

/** Merge a partial settings object (from the client, possibly malformed) over the defaults. */
export function normalizeSettings(raw: unknown): TtcSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<TtcSettings> & Record<string, unknown>;
  const p = (r.profiler && typeof r.profiler === 'object' ? r.profiler : {}) as Partial<TtcSettings['profiler']>;
  const f = (r.files && typeof r.files === 'object' ? r.files : {}) as Partial<TtcSettings['files']>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const dims: Record<string, number> = {};
  if (r.defaultDims && typeof r.defaultDims === 'object') {
    for (const [k, v] of Object.entries(r.defaultDims)) if (typeof v === 'number' && v > 0) dims[k] = Math.floor(v);
  }
  return {
    validate: typeof r.validate === 'boolean' ? r.validate : DEFAULT_SETTINGS.validate,
    profiler: {
      threads: num(p.threads, DEFAULT_SETTINGS.profiler.threads),
      targetCi: num(p.targetCi, DEFAULT_SETTINGS.profiler.targetCi),
      maxTimeMs: num(p.maxTimeMs, DEFAULT_SETTINGS.profiler.maxTimeMs),
      autoProfile: typeof p.autoProfile === 'boolean' ? p.autoProfile : DEFAULT_SETTINGS.profiler.autoProfile,
    },
    defaultDims: dims,
    files: { allowOutsideWorkspace: f.allowOutsideWorkspace === true },
  };
}
