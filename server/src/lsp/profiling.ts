/**
 * Profiling in the language server: `ttcLens/profileModels` measures every model of the given (or all
 * open) configs in the profiler process, with work-done progress and cancellation; failures become a
 * diagnostic on the model entry (a DiagnosticSource) and the status item; measured numbers appear in
 * the hover on a model path (a ModelInfoProvider). The server only waits on IPC, so it stays
 * responsive while a model runs.
 */
import { watch, type FSWatcher } from 'node:fs';
import { DiagnosticSeverity, type CancellationToken, type Diagnostic, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig, resolveModelPath } from '../core/config/parse';
import type { TtcConfig } from '../core/config/types';
import { stableStringify } from '../core/profile/cache';
import { formatMarkdown } from '../core/profile/format';
import type { Profiler } from '../core/profile/profiler';
import type { FailureKind, MeasuredProfile, MeasureOptions, ProfileFailure } from '../core/profile/protocol';
import type { TtcSettings } from '../service/settings';
import { ProfileModelsRequest, StatusNotification, type ProfileModelsParams, type ProfileModelsResult, type StatusParams } from '../protocol';
import type { Feature, ServerContext } from './context';
import { registerDiagnosticSource } from './diagnosticSources';
import { fsPathOf, isTtcDocument } from './languageService';
import { registerModelInfoProvider } from './modelInfo';
import { fileAccessFor } from './fileAccess';
import { validBindings } from '../core/bindings';

/** Failures that belong on the model entry (a missing file is already reported by validation). */
const DIAGNOSED: FailureKind[] = ['runtime-load', 'unsupported-operator', 'invalid-model', 'invalid-input', 'out-of-memory', 'run-failed', 'timeout', 'crashed'];

export interface ProfileJob {
  model: string;
  options: MeasureOptions;
}

/** The measurement each model entry of a config asks for (pure; exported for tests). */
export function jobsForConfig(config: TtcConfig, configFsPath: string, settings: TtcSettings): ProfileJob[] {
  const jobs: ProfileJob[] = [];
  for (const [name, m] of Object.entries(config.models ?? {})) {
    if (!m?.path || !/\.onnx$/i.test(m.path)) continue;
    const threads = config.hardware?.threads ?? settings.profiler.threads;
    jobs.push({
      model: name,
      options: {
        modelPath: resolveModelPath(configFsPath, m.path),
        bind: { ...settings.defaultDims, ...validBindings(m.dims) },
        ...(m.inputs ? { inputShapes: m.inputs } : {}),
        ...(m.samples ? { samplesPath: resolveModelPath(configFsPath, m.samples) } : {}),
        ep: config.hardware?.provider ?? 'cpu',
        ...(threads ? { threads } : {}),
        targetCi: settings.profiler.targetCi,
        maxTimeMs: settings.profiler.maxTimeMs,
        ...(settings.profiler.maxMemoryMB > 0 ? { maxMemoryBytes: settings.profiler.maxMemoryMB * 2 ** 20 } : {}),
      },
    });
  }
  return jobs;
}

const bindKey = (path: string, bind: Record<string, number> | undefined) => `${path}|${stableStringify(bind ?? {})}`;

function register(ctx: ServerContext): void {
  // The server's one profiler (server.ts): shared with the estimates feature, disposed at shutdown.
  const get = (): Profiler => ctx.profiler();
  const failures = new Map<string, ProfileFailure>();
  const latest = new Map<string, { profile: MeasuredProfile; cached: boolean }>();
  const watchers = new Map<string, FSWatcher>();
  const status = (p: StatusParams) => void ctx.connection.sendNotification(StatusNotification, p);

  // A measured model that changes on disk: forget what we know, show it, let the cache key miss.
  const watchModel = (file: string) => {
    if (watchers.has(file)) return;
    try {
      const w = watch(file, { persistent: false }, () => {
        w.close();
        watchers.delete(file);
        get().invalidate(file);
        failures.delete(file);
        for (const k of [...latest.keys()]) if (k.startsWith(`${file}|`)) latest.delete(k);
        ctx.revalidateAll();
      });
      w.on('error', () => watchers.delete(file));
      watchers.set(file, w);
    } catch {
      // The file is gone; validation reports that.
    }
  };

  const profileDocs = async (params: ProfileModelsParams, token?: CancellationToken, attached?: WorkDoneProgressReporter): Promise<ProfileModelsResult> => {
    const docs = (params?.uris?.length ? params.uris.map((u) => ctx.documents.get(u)) : ctx.documents.all()).filter((d): d is TextDocument => !!d && isTtcDocument(d));
    const seen = new Set<string>();
    const jobs: ProfileJob[] = [];
    const refused: ProfileModelsResult['profiled'] = [];
    for (const doc of docs) {
      const fsPath = fsPathOf(doc.uri);
      if (!fsPath) continue;
      const settings = await ctx.getSettings(doc.uri);
      const access = await fileAccessFor(ctx, doc.uri);
      for (const j of jobsForConfig(parseConfig(doc.getText()).config, fsPath, settings)) {
        // Files outside the workspace are not read (hashed, loaded or parsed) unless allowed.
        const out = [j.options.modelPath, j.options.samplesPath].find((f) => f && !access.allowed(f));
        if (out) {
          refused.push({ model: j.model, path: j.options.modelPath, ok: false, message: `${out} is outside the workspace folders; not read (ttcLens.files.allowOutsideWorkspace allows it)` });
          continue;
        }
        const k = stableStringify(j.options);
        if (!seen.has(k)) {
          seen.add(k);
          jobs.push(j);
        }
      }
    }
    const result: ProfileModelsResult = { profiled: refused };
    if (!jobs.length) {
      status(refused.length ? { state: 'warning', message: `${refused.length} model(s) outside the workspace were not profiled` } : { state: 'ok', message: 'No ONNX models to profile in the open configs' });
      return result;
    }
    // A client that shows its own progress UI passes a workDoneToken and gets our reports on it (one
    // progress UI, cancelled through the request); otherwise the server creates its own progress.
    const progress = params.workDoneToken !== undefined ? (attached ?? ctx.connection.window.attachWorkDoneProgress(params.workDoneToken)) : await ctx.connection.window.createWorkDoneProgress().catch(() => undefined);
    const ac = new AbortController();
    token?.onCancellationRequested(() => ac.abort());
    (progress as { token?: CancellationToken } | undefined)?.token?.onCancellationRequested(() => ac.abort());
    progress?.begin('TTC Lens: profiling models', 0, `${jobs.length} model(s)`, true);
    status({ state: 'busy', message: `Profiling ${jobs.length} model(s)…` });
    try {
      for (const [i, job] of jobs.entries()) {
        const file = job.options.modelPath;
        if (ac.signal.aborted) {
          result.profiled.push({ model: job.model, path: file, ok: false, message: 'cancelled' });
          continue;
        }
        const r = await get().measure(job.options, {
          noCache: !!params?.force,
          signal: ac.signal,
          onProgress: (msg, f) => progress?.report(Math.round(((i + (f ?? 0)) / jobs.length) * 100), `${job.model}: ${msg}`),
        });
        if (r.ok) {
          failures.delete(file);
          latest.set(bindKey(file, job.options.bind), { profile: r.value, cached: !!r.cached });
          result.profiled.push({ model: job.model, path: file, ok: true, cached: !!r.cached, message: `p50 ${r.value.stats.p50.toPrecision(3)} ms (${r.value.stats.runs} runs)` });
        } else {
          if (DIAGNOSED.includes(r.failure.kind)) failures.set(file, r.failure);
          result.profiled.push({ model: job.model, path: file, ok: false, message: r.failure.message });
          if (r.failure.detail) ctx.connection.console.warn(`ttc-lens profiler: ${job.model}: ${r.failure.detail}`);
        }
        watchModel(file);
        progress?.report(Math.round(((i + 1) / jobs.length) * 100), `${job.model}: done`);
      }
    } finally {
      progress?.done();
    }
    const failed = result.profiled.filter((p) => !p.ok);
    if (ac.signal.aborted) status({ state: 'ok', message: 'Profiling cancelled' });
    else if (!ctx.workspaceTrusted && failed.length) status({ state: 'warning', message: 'Models are not executed in an untrusted workspace' });
    else if (!failed.length) status({ state: 'ok', message: `Profiled ${result.profiled.length} model(s)` });
    else status({ state: failed.length === result.profiled.length ? 'error' : 'warning', message: `${failed.length} of ${result.profiled.length} model(s) could not be profiled: ${failed[0].message}` });
    ctx.revalidateAll();
    return result;
  };

  ctx.connection.onRequest(ProfileModelsRequest, (params: ProfileModelsParams, token: CancellationToken, attached?: WorkDoneProgressReporter) => profileDocs(params ?? {}, token, attached));

  // `ttcLens.profiler.autoProfile`: measure a config's models when it is opened (cached results make
  // this cheap after the first time). Never in an untrusted workspace.
  ctx.documents.onDidOpen((e) => {
    if (!isTtcDocument(e.document) || !ctx.workspaceTrusted) return;
    void ctx
      .getSettings(e.document.uri)
      .then((s) => (s.profiler.autoProfile && ctx.workspaceTrusted ? profileDocs({ uris: [e.document.uri] }) : undefined))
      .catch((err) => ctx.connection.console.error(`ttc-lens: auto-profile failed: ${err instanceof Error ? err.message : String(err)}`));
  });

  registerDiagnosticSource((doc) => {
    if (!failures.size || !isTtcDocument(doc)) return [];
    const fsPath = fsPathOf(doc.uri);
    if (!fsPath) return [];
    const parsed = parseConfig(doc.getText());
    const out: Diagnostic[] = [];
    for (const [name, m] of Object.entries(parsed.config.models ?? {})) {
      if (!m?.path) continue;
      const f = failures.get(resolveModelPath(fsPath, m.path));
      if (!f) continue;
      const range = parsed.rangeOf(['models', name, 'path']) ?? parsed.rangeOf(['models', name]);
      if (!range) continue;
      out.push({
        range: { start: doc.positionAt(range.start), end: doc.positionAt(range.end) },
        severity: f.kind === 'timeout' || f.kind === 'crashed' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
        source: 'ttc-lens profiler',
        code: `profile-${f.kind}`,
        message: f.message,
        data: { kind: f.kind, modelPath: resolveModelPath(fsPath, m.path) },
      });
    }
    return out;
  });

  /** Measurement options the open configs give a model (plus the plain default), for cache look-ups. */
  const optionsFor = async (absPath: string, bind: Record<string, number>): Promise<MeasureOptions[]> => {
    const out: MeasureOptions[] = [];
    for (const doc of ctx.documents.all()) {
      const fsPath = fsPathOf(doc.uri);
      if (!fsPath || !isTtcDocument(doc)) continue;
      const settings = await ctx.getSettings(doc.uri);
      for (const j of jobsForConfig(parseConfig(doc.getText()).config, fsPath, settings)) {
        if (j.options.modelPath === absPath && stableStringify(j.options.bind ?? {}) === stableStringify(bind)) out.push(j.options);
      }
    }
    out.push({ modelPath: absPath, bind });
    return out;
  };

  registerModelInfoProvider(async (absPath, bind) => {
    const mem = latest.get(bindKey(absPath, bind));
    if (mem) return formatMarkdown(mem.profile, mem.cached);
    const f = failures.get(absPath);
    if (f) return `**Profiling failed:** ${f.message}`;
    if (!/\.onnx$/i.test(absPath)) return undefined;
    // After a restart only the cache knows: look it up with the options an open config would use.
    for (const o of await optionsFor(absPath, bind)) {
      const hit = await get().cached(o).catch(() => undefined);
      if (hit) return formatMarkdown(hit, true);
    }
    return ctx.workspaceTrusted ? '_Latency not measured yet: run **TTC Lens: Profile Models**._' : '_Latency is not measured in an untrusted workspace._';
  }, 200);

  ctx.onShutdown(async () => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  });
}

export const feature: Feature = { register };
