/**
 * Estimates in the language server: one EstimateStore per server holds each open config's latest
 * estimate (from cached measurements — never a model run per keystroke), computed once per document
 * version, and turns it into inlay hints, the code lens, budget diagnostics, hover breakdowns and
 * fit-the-budget quick-fixes (service/estimates.ts renders them). Plan-driven profiling
 * (`ttcLens/profileEstimate`, the lens's "Profile", or `autoProfile` on open) and `ttcLens/runBenchmark`
 * run in the profiler process; when they finish, hints and lenses are refreshed.
 */
import { type CancellationToken, type Diagnostic, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'node:fs';
import type { ParsedConfig } from '../core/config/parse';
import type { ModelEntry } from '../core/config/types';
import { resolveModelPath } from '../core/config/parse';
import { setValue } from '../core/config/edit';
import { stableStringify } from '../core/profile/cache';
import type { Profiler } from '../core/profile/client';
import { onnxFacts, shapeOnlyFacts } from '../core/estimate/facts';
import { fitBudget } from '../core/estimate/fit';
import { PointStore } from '../core/estimate/measure';
import { runPipeline, type PipelineResult } from '../core/estimate/pipeline';
import { planQueries } from '../core/estimate/plan';
import type { ModelFacts } from '../core/estimate/price';
import { executeFresh } from '../core/estimate/execute';
import { estimateJson, fmtBytes, fmtMs } from '../core/estimate/format';
import { summarize as benchSummary, relError } from '../core/estimate/benchSummary';
import { benchReport } from '../core/estimate/benchReport';
import { parseSweep, sweepSeries, withKnob, type SweepPoint, type SweepSpec } from '../core/estimate/sweep';
import { chartsOf, opProfiles, registerBenchModels } from './benchModels';
import { budgetDiagnostics, staleDiagnostics, codeLenses, estimateMarkdown, fitActions, inlayHints, isEstimateKey, type HintMode } from '../service/estimates';
import { QualityChartRequest, BenchmarkQueryNotification, EstimateRequest, ProfileEstimateRequest, RunBenchmarkRequest, type EstimateParams, type EstimateResult, type RunBenchmarkParams, type RunBenchmarkResult } from '../protocol';
import type { Feature, ServerContext } from './context';
import { ratesUnder, recommendationFor, strategyEdit } from './quality';
import { ratesOfPlan } from '../core/estimate/planOptions';
import { qualityActions, qualityHints } from '../service/quality';
import { qualityChart } from '../core/quality/chart';
import { fileAccessFor } from './fileAccess';
import { fsPathOf, isTtcDocument, languageServiceFor } from './host';


export interface DocEstimate {
  version: number;
  parsed: ParsedConfig;
  result?: PipelineResult;
  /** Why there is no estimate (config errors, no strategy, unreadable models). */
  reason?: string;
}

/** The server's estimates, by document; one per server (the store hangs off the context). */
export class EstimateStore {
  private readonly memo = new Map<string, { version: number; p: Promise<DocEstimate> }>();
  private readonly facts = new Map<string, Promise<ModelFacts>>();
  private store?: PointStore;
  readonly pending = new Set<string>();

  constructor(private readonly ctx: ServerContext, private readonly profiler: () => Profiler) {}

  private points(): PointStore {
    return (this.store ??= new PointStore(this.profiler().cache.dir));
  }

  /** Forget the estimates (a model file changed, trust changed, a profile finished); cached points stay (keyed by content). */
  clear(): void {
    this.memo.clear();
    this.facts.clear();
  }

  private async factsFor(name: string, abs: string, spec: ModelEntry): Promise<ModelFacts> {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      return { name, source: 'unavailable', notes: ['the file does not exist'] };
    }
    if (!st.isFile()) return { name, source: 'unavailable', notes: ['not a regular file'] };
    const key = `${abs}|${st.size}|${st.mtimeMs}|${stableStringify(spec.dims ?? {})}|${spec.precision ?? ''}`;
    let f = this.facts.get(key);
    if (!f) {
      f = (spec.path ? onnxFacts(name, abs, spec, (file, bind) => this.ctx.analyzer.get(file, bind)) : Promise.resolve(shapeOnlyFacts(name, abs, spec))).catch(
        (e): ModelFacts => ({ name, source: 'unavailable', notes: [e instanceof Error ? e.message : String(e)] }),
      );
      this.facts.set(key, f);
    }
    return { ...(await f), name };
  }

  /** The estimate for a document's current version (computed once per version). */
  get(doc: TextDocument): Promise<DocEstimate> {
    const m = this.memo.get(doc.uri);
    if (m && m.version === doc.version) return m.p;
    // Bounded: a model whose analysis is slow (queued behind others, or past its time limit) must not
    // hold every hint, lens and diagnostic of the document; a timed-out estimate is not kept, so the
    // next request computes it again.
    let timer: NodeJS.Timeout | undefined;
    const entry = { version: doc.version, p: Promise.resolve<DocEstimate>({ version: doc.version, parsed: languageServiceFor(this.ctx).parse(doc) }) };
    entry.p = Promise.race([
      this.compute(doc),
      new Promise<DocEstimate>((resolve) => {
        timer = setTimeout(() => {
          if (this.memo.get(doc.uri) === entry) this.memo.delete(doc.uri);
          resolve({ version: doc.version, parsed: languageServiceFor(this.ctx).parse(doc), reason: 'the models are still being analysed' });
        }, EstimateStore.TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    this.memo.set(doc.uri, entry);
    return entry.p;
  }

  static TIMEOUT_MS = 15_000;

  private async compute(doc: TextDocument): Promise<DocEstimate> {
    const parsed = languageServiceFor(this.ctx).parse(doc);
    const out: DocEstimate = { version: doc.version, parsed };
    const fsPath = fsPathOf(doc.uri);
    if (!fsPath) return { ...out, reason: 'save the config to estimate it (model paths are relative to its file)' };
    if (parsed.problems.some((p) => p.severity === 'error')) return { ...out, reason: 'the config has errors' };
    const config = parsed.config;
    if (!config.strategy) return { ...out, reason: 'no strategy to estimate' };
    const access = await fileAccessFor(this.ctx, doc.uri);
    const facts: Record<string, ModelFacts> = {};
    for (const [name, spec] of Object.entries(config.models)) {
      const ref = spec.path ?? spec.config;
      if (!ref) continue;
      const abs = resolveModelPath(fsPath, ref);
      if (!access.allowed(abs)) {
        facts[name] = { name, source: 'unavailable', notes: ['outside the workspace: not read'] };
        continue;
      }
      facts[name] = await this.factsFor(name, abs, spec);
    }
    try {
      const result = await runPipeline({ config, configPath: fsPath, profiler: this.profiler(), store: this.points(), profile: false, facts, rates: ratesUnder(config, fsPath, access) });
      return { ...out, result };
    } catch (e) {
      return { ...out, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Called with each model file a profile measured (the feature watches them for changes). */
  onMeasured?: (path: string) => void;

  /** A model file changed on disk: its points are looked up afresh (the cache is keyed by content). */
  forgetModel(path: string): void {
    this.store?.forget(path);
    this.clear();
  }

  /** Plan-driven profile of a config (trusted workspaces only), then fresh estimates everywhere. */
  async profile(doc: TextDocument, signal: AbortSignal, onProgress: (m: string, f?: number) => void, queries?: number): Promise<DocEstimate> {
    const cur = await this.get(doc);
    if (!cur.result) return cur;
    const fsPath = fsPathOf(doc.uri)!;
    this.pending.add(doc.uri);
    try {
      const facts = Object.fromEntries(Object.entries(cur.result.facts).map(([k, f]) => [k, { ...f, table: undefined, sessionRssBytes: undefined }]));
      const r = await runPipeline({ config: cur.parsed.config, configPath: fsPath, profiler: this.profiler(), store: this.points(), profile: true, facts, signal, onProgress, queries, rates: ratesOfPlan(cur.result.plan) });
      for (const m of Object.values(r.sessionModels)) this.onMeasured?.(m.path);
    } finally {
      this.pending.delete(doc.uri);
      this.memo.clear();
    }
    return this.get(doc);
  }

  /** The estimate over the first `queries` queries of the workload (a benchmark of K queries is compared with this). */
  async forQueries(doc: TextDocument, queries: number): Promise<DocEstimate> {
    const cur = await this.get(doc);
    if (!cur.result || cur.result.estimate.queries === queries) return cur;
    const facts = Object.fromEntries(Object.entries(cur.result.facts).map(([k, f]) => [k, { ...f, table: undefined, sessionRssBytes: undefined }]));
    const result = await runPipeline({ config: cur.parsed.config, configPath: fsPathOf(doc.uri)!, profiler: this.profiler(), store: this.points(), profile: false, facts, queries, rates: ratesOfPlan(cur.result.plan) });
    return { ...cur, result };
  }
}

function hintMode(raw: unknown): HintMode {
  return raw === 'compact' || raw === 'off' ? raw : 'full';
}

function register(ctx: ServerContext): void {
  const est = new EstimateStore(ctx, () => ctx.profiler());
  ctx.estimates = est;
  registerBenchModels(ctx, est);
  // A measured model that changes on disk: its estimate falls back (and says the profile is stale).
  const watchers = new Map<string, fs.FSWatcher>();
  // With ttcLens.profiler.autoProfile, a changed model is profiled again (debounced: a model being
  // written fires many events; a newer change cancels a profile still running).
  const reprofile = new Map<string, { timer: NodeJS.Timeout; ac?: AbortController }>();
  const reprofileSoon = (file: string) => {
    const prev = reprofile.get(file);
    if (prev) {
      clearTimeout(prev.timer);
      prev.ac?.abort();
    }
    const entry: { timer: NodeJS.Timeout; ac?: AbortController } = {
      timer: setTimeout(async () => {
        if (!ctx.workspaceTrusted) return;
        entry.ac = new AbortController();
        for (const doc of ctx.documents.all()) {
          if (!isTtcDocument(doc) || entry.ac.signal.aborted) continue;
          const s = await ctx.getSettings(doc.uri);
          if (!s.profiler.autoProfile) continue;
          const e = await est.get(doc);
          if (!e.result || !Object.values(e.result.sessionModels).some((m) => m.path === file)) continue;
          await est.profile(doc, entry.ac.signal, () => undefined).catch(() => undefined);
        }
        if (reprofile.get(file) === entry) reprofile.delete(file);
        ctx.revalidateAll();
      }, 500),
    };
    reprofile.set(file, entry);
  };
  ctx.onShutdown(() => {
    for (const r of reprofile.values()) {
      clearTimeout(r.timer);
      r.ac?.abort();
    }
  });
  est.onMeasured = (file) => {
    if (watchers.has(file)) return;
    try {
      const w = fs.watch(file, { persistent: false }, () => {
        w.close();
        watchers.delete(file);
        est.forgetModel(file);
        ctx.revalidateAll();
        reprofileSoon(file);
      });
      w.on('error', () => watchers.delete(file));
      watchers.set(file, w);
    } catch {
      // gone already: validation says so
    }
  };
  ctx.onShutdown(() => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  });
  const refresh = () => {
    void ctx.connection.languages.inlayHint.refresh().catch(() => undefined);
    void ctx.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };
  ctx.onRevalidate(() => {
    est.clear();
    refresh();
  });

  ctx.diagnosticSources.register(async (doc) => {
    if (!isTtcDocument(doc)) return [];
    const e = await est.get(doc);
    return e.result ? [...budgetDiagnostics(doc, e.parsed, e.result.estimate), ...staleDiagnostics(doc, e.parsed, e.result.facts)] : [];
  });

  ctx.connection.languages.inlayHint.on(async (p) => {
    const doc = ctx.documents.get(p.textDocument.uri);
    if (!doc || !isTtcDocument(doc)) return [];
    const settings = await ctx.getSettings(doc.uri);
    const mode = hintMode(settings.estimates.inlayHints);
    if (mode === 'off') return [];
    const e = await est.get(doc);
    if (!e.result) return [];
    const all = inlayHints(doc, e.parsed, e.result.estimate, mode);
    // Accuracy against compute, when the config has quality data (computed once per content).
    const rec = await recommendationFor(ctx, doc, e).catch(() => undefined);
    if (rec) all.push(...qualityHints(doc, e.parsed, rec));
    return all.filter((h) => h.position.line >= p.range.start.line && h.position.line <= p.range.end.line);
  });

  ctx.connection.onCodeLens(async (p) => {
    const doc = ctx.documents.get(p.textDocument.uri);
    if (!doc || !isTtcDocument(doc)) return [];
    const e = await est.get(doc);
    const session = e.result?.session;
    return codeLenses(e.result?.estimate, { provider: e.parsed.config.hardware.provider ?? 'cpu', threads: session?.threads ?? 0, trusted: ctx.workspaceTrusted, pending: est.pending.has(doc.uri) }, doc.uri);
  });

  // The panel's Pareto chart: from the cached estimate and the config's quality files; nothing runs.
  ctx.connection.onRequest(QualityChartRequest, async (params: EstimateParams) => {
    const doc = ctx.documents.get(params.uri);
    if (!doc) return { error: 'the config is not open' };
    const e = await est.get(doc);
    if (!e.result) return { error: e.reason ?? 'no estimate' };
    if (!e.parsed.config.quality) return { error: 'the config has no quality section (docs/quality.md)' };
    const rec = await recommendationFor(ctx, doc, e).catch(() => undefined);
    if (!rec) return { error: 'the quality data could not be read or fitted (see the Problems panel)' };
    return { chart: qualityChart(rec, e.parsed.config.budget, e.parsed.config.quality.metric ?? 'accuracy') };
  });

  ctx.connection.onRequest(EstimateRequest, async (params: EstimateParams): Promise<EstimateResult> => {
    const doc = ctx.documents.get(params.uri);
    if (!doc) return { error: 'the config is not open' };
    const e = await est.get(doc);
    if (!e.result) return { error: e.reason ?? 'no estimate' };
    const title = `**${params.uri.split('/').pop()}** — ${e.parsed.config.strategy?.approach}`;
    return { markdown: `${title}\n\n${estimateMarkdown(e.result.estimate)}`, estimate: estimateJson(e.result.estimate) };
  });

  const progressFor = async (token: string | number | undefined, attached: WorkDoneProgressReporter | undefined) =>
    token !== undefined ? (attached ?? ctx.connection.window.attachWorkDoneProgress(token)) : await ctx.connection.window.createWorkDoneProgress().catch(() => undefined);

  ctx.connection.onRequest(ProfileEstimateRequest, async (params, token: CancellationToken, attached?: WorkDoneProgressReporter): Promise<EstimateResult> => {
    const doc = ctx.documents.get(params.uri);
    if (!doc) return { error: 'the config is not open' };
    if (!ctx.workspaceTrusted) return { error: 'models are not executed in an untrusted workspace; estimates stay analytic' };
    const ac = new AbortController();
    token?.onCancellationRequested(() => ac.abort());
    const progress = await progressFor(params.workDoneToken, attached);
    (progress as { token?: CancellationToken } | undefined)?.token?.onCancellationRequested(() => ac.abort());
    progress?.begin('TTC Lens: profiling what the estimate needs', 0, undefined, true);
    refresh();
    let e: DocEstimate;
    try {
      e = await est.profile(doc, ac.signal, (m, f) => progress?.report(f !== undefined ? Math.round(f * 100) : 0, m));
    } finally {
      progress?.done();
    }
    ctx.revalidateAll();
    if (!e.result) return { error: e.reason ?? 'no estimate' };
    return { markdown: estimateMarkdown(e.result.estimate), estimate: estimateJson(e.result.estimate) };
  });

  /** Profile and run one document's benchmark; progress over [base, base + span] percent. */
  const benchOnce = async (
    doc: TextDocument,
    queries: number,
    signal: AbortSignal,
    report: (percent: number, message: string) => void,
    onQuery?: (q: { index: number; of: number; ms: number }) => void,
  ): Promise<RunBenchmarkResult> => {
    const cur = await est.get(doc);
    if (!cur.result) return { error: cur.reason ?? 'no estimate' };
    const config = cur.parsed.config;
    const shapeOnly = Object.entries(config.models).filter(([, m]) => !m.path).map(([n]) => n);
    if (shapeOnly.length) return { error: `nothing can run without weights: ${shapeOnly.join(', ')} ${shapeOnly.length > 1 ? 'are' : 'is'} described by shape only` };
    const profiled = await est.profile(doc, signal, (m, f) => report(f !== undefined ? f * 0.3 : 0, `profiling: ${m}`), queries);
    const e = profiled.result && !signal.aborted ? await est.forQueries(doc, queries) : profiled;
    if (!e.result || signal.aborted) return { error: signal.aborted ? 'cancelled' : (e.reason ?? 'no estimate') };
    // The top-operators chart: each model's per-op trace, recorded once where no profile has one.
    const ops = await opProfiles(ctx, doc.uri, config, { signal, report: (m) => report(0.3, m) });
    if (signal.aborted) return { error: 'cancelled' };
    const w = planQueries(config, queries, e.result.plan);
    const r = await executeFresh(
      { models: e.result.sessionModels, session: e.result.session, warmup: w.warmup, queries: w.queries, maxTimeMs: 300_000 },
      {
        signal,
        onProgress: (m, f, detail) => {
          report(0.3 + (f ?? 0) * 0.7, m);
          if (detail?.query) onQuery?.(detail.query);
        },
      },
      { log: (line) => ctx.connection.console.log(`ttc-lens bench: ${line}`) },
    );
    if (!r.ok) return { error: r.failure.message };
    const b = benchSummary(r.value, e.result.estimate.calls, config.hardware.price_per_hour, r.value.env.machine.logicalCores);
    const x = e.result.estimate;
    const name = doc.uri.replace(/#.*$/, '').split('/').pop() ?? doc.uri;
    const pct = (a: number, m: number) => `${relError(a, m) >= 0 ? '+' : ''}${(relError(a, m) * 100).toFixed(1)}%`;
    const md = [
      `**Benchmark** of ${name} — ${b.queries} queries after 1 warm-up`,
      '',
      '| | p50 | p95 | mean |',
      '|---|---|---|---|',
      `| Measured | ${fmtMs(b.latency.p50_ms)} | ${fmtMs(b.latency.p95_ms)} | ${fmtMs(b.latency.mean_ms)} |`,
      `| Estimate (${x.provenance.overall}) | ${fmtMs(x.latency.p50_ms)} | ${fmtMs(x.latency.p95_ms)} | ${fmtMs(x.latency.mean_ms)} |`,
      `| Error | ${pct(x.latency.p50_ms, b.latency.p50_ms)} | ${pct(x.latency.p95_ms, b.latency.p95_ms)} | ${pct(x.latency.mean_ms, b.latency.mean_ms)} |`,
      '',
      `Calls: ${Object.entries(b.calls).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')} (${b.calls_match ? 'equal to the plan' : 'differ from the plan'}) · peak RSS ${fmtBytes(b.memory.peak_bytes)} (estimate ${fmtBytes(x.memory.peak_bytes)}) · load average ${b.load.map((l) => l.toFixed(2)).join(' → ')}${b.busy ? ' — the machine was busy' : ''}`,
    ].join('\n');
    const report_ = benchReport({ config: name, summary: b, estimate: x, env: r.value.env, budget: config.budget, models: chartsOf(config, e.result, ops, r.value.stepTimes) });
    return { markdown: md, bench: { latency: b.latency, calls: b.calls, calls_match: b.calls_match, peak_rss_bytes: b.memory.peak_bytes, load: b.load, busy: b.busy }, estimate: estimateJson(x), report: report_ };
  };

  ctx.connection.onRequest(RunBenchmarkRequest, async (params: RunBenchmarkParams, token: CancellationToken, attached?: WorkDoneProgressReporter): Promise<RunBenchmarkResult> => {
    const doc = ctx.documents.get(params.uri);
    if (!doc) return { error: 'the config is not open' };
    if (!ctx.workspaceTrusted) return { error: 'models are not executed in an untrusted workspace' };
    let spec: SweepSpec | undefined;
    try {
      spec = params.sweep ? parseSweep(params.sweep) : undefined;
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    const ac = new AbortController();
    token?.onCancellationRequested(() => ac.abort());
    const progress = await progressFor(params.workDoneToken, attached);
    (progress as { token?: CancellationToken } | undefined)?.token?.onCancellationRequested(() => ac.abort());
    progress?.begin(spec ? `TTC Lens: sweep of ${spec.knob}` : 'TTC Lens: benchmark', 0, undefined, true);
    const queries = params.queries ?? 20;
    try {
      if (!spec) {
        return await benchOnce(doc, queries, ac.signal, (f, m) => progress?.report(Math.round(f * 100), m), (q) => {
          if (params.workDoneToken !== undefined) void ctx.connection.sendNotification(BenchmarkQueryNotification, { workDoneToken: params.workDoneToken, ...q });
        });
      }
      // Each value: the config's text with the knob set (as a quick-fix would), as a document of its own.
      const points: SweepPoint[] = [];
      const n = spec.values.length;
      for (const [i, value] of spec.values.entries()) {
        if (ac.signal.aborted) break;
        const text = withKnob(doc.getText(), spec, value);
        if (text === undefined) {
          points.push({ value, error: `strategy.${spec.knob} cannot be set in this config` });
          continue;
        }
        const point = TextDocument.create(`${params.uri}#sweep-${spec.knob}=${value}`, 'ttc', doc.version, text);
        const r = await benchOnce(point, queries, ac.signal, (f, m) => progress?.report(Math.round(((i + f) / n) * 100), `${spec.knob} = ${value}: ${m}`));
        points.push(r.report ? { value, report: r.report } : { value, error: r.error ?? 'no report' });
      }
      if (ac.signal.aborted) return { error: 'cancelled' };
      return { sweep: { series: sweepSeries(spec, points), points } };
    } finally {
      progress?.done();
      // The run profiled what it needed: every estimate, hint, lens and budget diagnostic is recomputed
      // (refreshing only hints and lenses left the Problems panel on the pre-run analytic figure).
      ctx.revalidateAll();
    }
  });

  // `ttcLens.profiler.autoProfile`: profile what the estimate needs when a config opens (trusted only).
  ctx.documents.onDidOpen((ev) => {
    if (!isTtcDocument(ev.document) || !ctx.workspaceTrusted) return;
    void ctx.getSettings(ev.document.uri).then(async (s) => {
      if (!s.profiler.autoProfile || !ctx.workspaceTrusted) return;
      await est.profile(ev.document, new AbortController().signal, () => undefined).catch(() => undefined);
      ctx.revalidateAll();
    });
  });
}

/** Hover addition: the estimate's breakdown on strategy keys (the hover feature calls this). */
export async function estimateHover(ctx: ServerContext, doc: TextDocument, offset: number): Promise<string | undefined> {
  const store = ctx.estimates as EstimateStore | undefined;
  if (!store) return undefined;
  const e = await store.get(doc);
  if (!e.result) return undefined;
  const p = e.parsed;
  const paths: Array<Array<string | number>> = [['strategy'], ['strategy', 'approach'], ...['n', 'parallel', 'beam_width', 'num_iterations', 'max_tokens', 'rounds', 'max_tokens_thinking', 'views', 'max_n', 'wave', 'stages'].map((k) => ['strategy', k])];
  for (const path of paths) {
    const k = p.keyRangeOf(path);
    const v = p.rangeOf(path);
    const inKey = k && offset >= k.start && offset <= k.end;
    const inValue = v && path.length > 1 && offset >= v.start && offset <= v.end;
    if ((inKey || inValue) && isEstimateKey(path)) return estimateMarkdown(e.result.estimate);
  }
  return undefined;
}

/** "Use dvts, n=16: +1.0 points at the same latency": the compute-optimal setting, on strategy/quality and budget breaches. */
export async function qualityFixes(ctx: ServerContext, doc: TextDocument, range: import('vscode-languageserver/node').Range, diagnostics: Diagnostic[]) {
  const store = ctx.estimates as EstimateStore | undefined;
  if (!store) return [];
  const e = await store.get(doc);
  const rec = e.result ? await recommendationFor(ctx, doc, e) : undefined;
  if (!rec) return [];
  return qualityActions(doc, e.parsed, rec, range, diagnostics, (set, remove) => strategyEdit(doc, set, remove));
}

/** Quick-fixes that fit the budget, for the budget diagnostics in `diagnostics`. */
export async function estimateFixes(ctx: ServerContext, doc: TextDocument, diagnostics: Diagnostic[]) {
  const store = ctx.estimates as EstimateStore | undefined;
  const budget = diagnostics.filter((d) => typeof d.code === 'string' && d.code.startsWith('budget-'));
  const provider = diagnostics.filter((d) => d.code === 'provider-not-measured');
  const stale = diagnostics.filter((d) => d.code === 'profile-stale');
  const staleFixes = stale.length && ctx.workspaceTrusted ? [{ title: 'Profile again (the model changed)', kind: 'quickfix', diagnostics: stale, command: { title: 'Profile', command: 'ttcLens.profileEstimate', arguments: [doc.uri] } }] : [];
  const providerFixes = provider.map((d) => ({
    title: 'Use the cpu provider (measured on this machine)',
    kind: 'quickfix',
    diagnostics: [d],
    edit: { changes: { [doc.uri]: (setValue(doc.getText(), ['hardware', 'provider'], 'cpu') ?? []).map((t) => ({ range: { start: doc.positionAt(t.range.start), end: doc.positionAt(t.range.end) }, newText: t.newText })) } },
  }));
  if (!store || !budget.length) return [...staleFixes, ...providerFixes];
  const e = await store.get(doc);
  if (!e.result) return [...staleFixes, ...providerFixes];
  const r = e.result;
  const fixes = fitBudget({ config: e.parsed.config, models: r.facts, machine: r.machine, queries: r.estimate.queries });
  const text = doc.getText();
  return [...staleFixes, ...providerFixes, ...fitActions(doc, e.parsed, fixes, budget, (knob, value) =>
    (setValue(text, ['strategy', knob], value) ?? []).map((t) => ({ range: { start: doc.positionAt(t.range.start), end: doc.positionAt(t.range.end) }, newText: t.newText })),
  )];
}

export const feature: Feature = {
  capabilities: { inlayHintProvider: true, codeLensProvider: { resolveProvider: false } },
  register,
};
