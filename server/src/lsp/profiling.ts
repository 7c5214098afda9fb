/**
 * Profiling in the language server: `ttcLens/profileModels` measures every model of the given (or all
 * open) configs in the profiler process, with work-done progress and cancellation, and answers with a
 * Markdown report that also names the models that cannot be measured and why (shape-only, missing
 * file, untrusted workspace). Measurements, failures and running jobs go into the server's
 * MeasurementStore (core/profile/store.ts) as data; the language service renders them
 * (service/profiling.ts): failures as a diagnostic on the model entry, measured numbers in the hover on
 * a model path and in Show Model Summary (a summary section); failures also reach the status item.
 * The server only waits on IPC, so it stays responsive while a model runs.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import * as nodePath from 'node:path';
import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { parseConfig, resolveModelPath } from '../core/config/parse';
import type { TtcConfig } from '../core/config/types';
import { stableStringify } from '../core/profile/cache';
import { profileReport, skipReason, type ReportEntry, type SkipKind } from '../core/profile/report';
import type { Profiler } from '../core/profile/client';
import type { FailureKind } from '../core/profile/protocol';
import type { TtcSettings } from '../service/settings';
import { jobsForConfig, type ProfileJob } from '../service/profiling';
import { ProfileModelsRequest, StatusNotification, type ProfileModelsParams, type ProfileModelsResult, type StatusParams } from '../protocol';
import type { Feature, ServerContext } from './context';
import { fsPathOf, isTtcDocument } from './host';
import { fileAccessFor } from './fileAccess';
import { isOnnxFile } from '../core/model/reference';

/** Failures that belong on the model entry (a missing file is already reported by validation). */
const DIAGNOSED: FailureKind[] = ['runtime-load', 'unsupported-operator', 'invalid-model', 'invalid-input', 'out-of-memory', 'run-failed', 'timeout', 'crashed'];

/** A model entry of a config that is not measured, and why (pure; exported for tests). */
export interface Skipped {
  model: string;
  path: string;
  kind: SkipKind;
  reason: string;
}

/**
 * What Profile Models does with each model entry of a config: a job for an existing .onnx file;
 * otherwise the reason it cannot be measured. `exists` is injectable for tests.
 */
export function planConfig(config: TtcConfig, configFsPath: string, settings: TtcSettings, trusted: boolean, exists: (p: string) => boolean = existsSync): { jobs: ProfileJob[]; skipped: Skipped[] } {
  const jobs = jobsForConfig(config, configFsPath, settings);
  const skipped: Skipped[] = [];
  for (const [name, m] of Object.entries(config.models ?? {})) {
    const file = m?.path ?? m?.config;
    if (!file) continue;
    const abs = resolveModelPath(configFsPath, file);
    let kind: SkipKind | undefined;
    if (!m.path) kind = 'shape-only';
    else if (!isOnnxFile(m.path)) kind = 'not-onnx';
    else if (!exists(abs)) kind = 'missing';
    else if (!trusted) kind = 'untrusted';
    if (kind) skipped.push({ model: name, path: abs, kind, reason: skipReason(kind, kind === 'shape-only' ? file : abs) });
  }
  const out = new Set(skipped.map((x) => x.model));
  return { jobs: jobs.filter((j) => !out.has(j.model)), skipped };
}

function register(ctx: ServerContext): void {
  // The server's one profiler (server.ts): shared with the estimates feature, disposed at shutdown.
  const get = (): Profiler => ctx.profiler();
  const store = ctx.measurements;
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
        store.forget(file);
        ctx.revalidateAll();
      });
      w.on('error', () => watchers.delete(file));
      watchers.set(file, w);
    } catch {
      // The file is gone; validation reports that.
    }
  };

  /** The config documents a request names (open ones as edited, others read from disk), else all open ones. */
  const configDocs = (uris: string[] | undefined): Array<{ uri: string; fsPath: string; text: string }> => {
    const out: Array<{ uri: string; fsPath: string; text: string }> = [];
    if (!uris?.length) {
      for (const d of ctx.documents.all()) {
        const fsPath = isTtcDocument(d) ? fsPathOf(d.uri) : undefined;
        if (fsPath) out.push({ uri: d.uri, fsPath, text: d.getText() });
      }
      return out;
    }
    for (const uri of uris) {
      const fsPath = fsPathOf(uri);
      if (!fsPath) continue;
      const open = ctx.documents.get(uri);
      try {
        out.push({ uri, fsPath, text: open ? open.getText() : readFileSync(fsPath, 'utf8') });
      } catch {
        // An unreadable config has nothing to profile; its own diagnostics say why.
      }
    }
    return out;
  };

  const profileDocs = async (params: ProfileModelsParams, token?: CancellationToken, attached?: WorkDoneProgressReporter): Promise<ProfileModelsResult> => {
    const docs = configDocs(params?.uris);
    const seen = new Set<string>();
    const jobs: ProfileJob[] = [];
    const skipped: Skipped[] = [];
    for (const doc of docs) {
      const settings = await ctx.getSettings(doc.uri);
      const access = await fileAccessFor(ctx, doc.uri);
      const plan = planConfig(parseConfig(doc.text).config, doc.fsPath, settings, ctx.workspaceTrusted);
      for (const j of plan.jobs) {
        // Files outside the workspace are not read (hashed, loaded or parsed) unless allowed.
        const out = [j.options.modelPath, j.options.samplesPath].find((f) => f && !access.allowed(f));
        if (out) {
          if (!skipped.some((y) => y.model === j.model && y.path === j.options.modelPath)) skipped.push({ model: j.model, path: j.options.modelPath, kind: 'outside-workspace', reason: skipReason('outside-workspace', out) });
          continue;
        }
        const k = stableStringify(j.options);
        if (!seen.has(k)) {
          seen.add(k);
          jobs.push(j);
        }
      }
      for (const x of plan.skipped) if (!skipped.some((y) => y.model === x.model && y.path === x.path)) skipped.push(x);
    }
    const configs = docs.map((d) => nodePath.basename(d.fsPath));
    const entries: ReportEntry[] = [];
    const finish = (result: ProfileModelsResult): ProfileModelsResult => {
      for (const x of skipped) entries.push({ model: x.model, path: x.path, skipped: { kind: x.kind, reason: x.reason } });
      return { ...result, configs, skipped: skipped.map(({ model, path, kind, reason }) => ({ model, path, kind, reason })), report: profileReport(configs, entries) };
    };
    const result: ProfileModelsResult = { profiled: [] };
    if (!jobs.length) {
      if (!ctx.workspaceTrusted && skipped.some((x) => x.kind === 'untrusted')) status({ state: 'warning', message: 'Models are not executed in an untrusted workspace' });
      else status({ state: skipped.length ? 'warning' : 'ok', message: skipped.length ? `No model can be measured: ${skipped[0].model}: ${skipped[0].reason}` : 'No ONNX models to profile in the open configs' });
      return finish(result);
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
          entries.push({ model: job.model, path: file, failure: 'cancelled' });
          continue;
        }
        const end = store.begin(file);
        const r = await get()
          .measure(job.options, {
            noCache: !!params?.force,
            signal: ac.signal,
            onProgress: (msg, f) => progress?.report(Math.round(((i + (f ?? 0)) / jobs.length) * 100), `${job.model}: ${msg}`),
          })
          .finally(end);
        if (r.ok) {
          store.setMeasured(file, job.options.bind, { profile: r.value, cached: !!r.cached });
          result.profiled.push({ model: job.model, path: file, ok: true, cached: !!r.cached, message: `p50 ${r.value.stats.p50.toPrecision(3)} ms (${r.value.stats.runs} runs)` });
          entries.push({ model: job.model, path: file, profile: r.value, cached: !!r.cached });
        } else {
          if (DIAGNOSED.includes(r.failure.kind)) store.setFailure(file, r.failure);
          result.profiled.push({ model: job.model, path: file, ok: false, message: r.failure.message });
          entries.push({ model: job.model, path: file, failure: r.failure.message });
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
    return finish(result);
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

  ctx.onShutdown(async () => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  });
}

export const feature: Feature = { register };
