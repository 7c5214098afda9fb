/**
 * The benchmark panel: one webview per config. The extension holds each panel's view (messages.ts)
 * and sends it whole after every change; a run is `ttcLens/runBenchmark` with the panel's work-done
 * token (progress) and `ttcLens/benchmarkQuery` notifications (each query's time as it finishes),
 * cancellable. The last run of each config is kept in workspace state and shown beside the next one
 * with regressions marked. A serializer restores the panels after a reload from the webview's state and
 * that record, whichever is newer (restore.ts).
 */
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { QualityChartRequest, BenchmarkModelsRequest, BenchmarkQueryNotification, RunBenchmarkRequest, type BenchReport, type RunBenchmarkResult } from '../../../server/src/protocol';
import { requestErrorMessage } from '../requestError';
import { compareReports, exportReport } from './export';
import { makeNonce, panelHtml } from './html';
import { restoredView } from './restore';
import { isFromPanel, type ExportFormat, type FromPanel, type PanelView } from './messages';

export const PANEL_VIEW_TYPE = 'ttcLens.benchmark';
const STATE_KEY = 'ttcLens.benchmark.last';

/** What tests and commands can read of a panel. */
export interface PanelInfo {
  view: PanelView;
  /** The charts as the webview last reported them. */
  drawn?: Array<{ id: string; width: number; height: number; painted: boolean }>;
}

let runs = 0;

class BenchmarkPanel {
  view: PanelView;
  drawn?: PanelInfo['drawn'];
  private cancel?: vscode.CancellationTokenSource;
  private readonly listeners: Array<(p: BenchmarkPanel) => void> = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: BenchmarkPanels,
    view: PanelView,
  ) {
    this.view = { ...view, running: false, progress: undefined, trusted: vscode.workspace.isTrusted, blocked: blockedReason() };
    const ext = host.extensionUri;
    panel.title = `Benchmark: ${this.view.name}`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ext, 'dist', 'panel')] };
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'panel', 'panel.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'panel', 'panel.css')).toString(),
      title: `Benchmark: ${this.view.name}`,
    });
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (isFromPanel(m)) void this.onMessage(m);
    });
    panel.onDidDispose(() => {
      this.cancel?.cancel();
      host.forget(this);
    });
  }

  private update(patch: Partial<PanelView>): void {
    this.view = { ...this.view, ...patch };
    void this.panel.webview.postMessage({ type: 'view', view: this.view });
    for (const l of this.listeners.splice(0)) l(this);
  }

  trustGranted(): void {
    this.update({ trusted: true, blocked: undefined });
  }

  /** Resolves at the next view change or chart report. */
  changed(): Promise<BenchmarkPanel> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  private async onMessage(m: FromPanel): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.update({});
        if (!this.view.models || !this.view.quality) await this.loadModels();
        return;
      case 'run':
        await this.run(m.queries);
        return;
      case 'sweep':
        await this.sweep(m.spec, m.queries);
        return;
      case 'cancel':
        this.cancel?.cancel();
        return;
      case 'export':
        await this.export(m.format);
        return;
      case 'copyMarkdown':
        if (this.view.report) {
          await vscode.env.clipboard.writeText(exportReport(this.view.report, 'md', this.view.comparison));
          void vscode.window.showInformationMessage('TTC Lens: benchmark copied as Markdown.');
        }
        return;
      case 'drawn':
        this.drawn = m.charts;
        for (const l of this.listeners.splice(0)) l(this);
        return;
    }
  }

  /** The per-model charts from what the server has cached (nothing runs); kept until a run brings its own. */
  async loadModels(): Promise<void> {
    const client = this.host.client();
    if (!client) return;
    try {
      await vscode.workspace.openTextDocument(vscode.Uri.parse(this.view.uri));
      const r = await client.sendRequest(BenchmarkModelsRequest, { uri: this.view.uri });
      if (r.models && !this.view.models) this.update({ models: r.models });
      const q = await client.sendRequest(QualityChartRequest, { uri: this.view.uri });
      if (q.chart) this.update({ quality: q.chart });
    } catch {
      // The server is restarting or the config is gone: the charts wait for the next run.
    }
  }

  /** Run the benchmark (K queries); resolves with the server's answer once the run ends. */
  async run(queries = this.view.queries): Promise<RunBenchmarkResult | undefined> {
    if (this.view.running) return undefined;
    const blocked = blockedReason();
    if (blocked) return void this.update({ blocked, trusted: false });
    const client = this.host.client();
    if (!client) return void this.update({ error: 'the TTC Lens language server is not running' });
    const uri = this.view.uri;
    // The server runs open documents only; after a reload the config may not be open yet.
    await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const workDoneToken = `ttc-lens-bench-panel-${++runs}`;
    this.update({ running: true, queries, live: [], error: undefined, progress: { message: 'starting' } });
    const subs = [
      client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
        if (v.kind !== 'end') this.update({ progress: { message: v.message ?? '', percent: v.percentage } });
      }),
      this.host.onQuery(client, workDoneToken, (ms) => this.update({ live: [...this.view.live, ms] })),
    ];
    let r: RunBenchmarkResult | undefined;
    try {
      r = await client.sendRequest(RunBenchmarkRequest, { uri, queries, workDoneToken }, cts.token);
    } catch (err) {
      const msg = requestErrorMessage(err);
      this.update({ running: false, progress: undefined, error: msg ?? 'cancelled' });
      return undefined;
    } finally {
      for (const s of subs) s.dispose();
      cts.dispose();
      this.cancel = undefined;
    }
    if (!r.report) {
      this.update({ running: false, progress: undefined, error: r.error ?? 'the server sent no report' });
      return r;
    }
    const previous = this.host.lastRun(uri);
    await this.host.remember(uri, r.report);
    this.update({ running: false, progress: undefined, report: r.report, previous, comparison: previous ? compareReports(previous, r.report) : undefined, models: r.report.models ?? this.view.models, error: undefined });
    return r;
  }

  /** Run the benchmark at each value of one knob (`n=1,2,4`); resolves with the server's answer. */
  async sweep(spec: string, queries = this.view.queries): Promise<RunBenchmarkResult | undefined> {
    if (this.view.running) return undefined;
    const blocked = blockedReason();
    if (blocked) return void this.update({ blocked, trusted: false });
    const client = this.host.client();
    if (!client) return void this.update({ error: 'the TTC Lens language server is not running' });
    await vscode.workspace.openTextDocument(vscode.Uri.parse(this.view.uri));
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const workDoneToken = `ttc-lens-bench-panel-${++runs}`;
    this.update({ running: true, queries, sweepSpec: spec, error: undefined, progress: { message: `sweep ${spec}` } });
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
      if (v.kind !== 'end') this.update({ progress: { message: v.message ?? '', percent: v.percentage } });
    });
    let r: RunBenchmarkResult | undefined;
    try {
      r = await client.sendRequest(RunBenchmarkRequest, { uri: this.view.uri, queries, sweep: spec, workDoneToken }, cts.token);
    } catch (err) {
      this.update({ running: false, progress: undefined, error: requestErrorMessage(err) ?? 'cancelled' });
      return undefined;
    } finally {
      sub.dispose();
      cts.dispose();
      this.cancel = undefined;
    }
    const failed = r.sweep?.points.filter((p) => p.error).map((p) => `${r!.sweep!.series.knob} = ${p.value}: ${p.error}`) ?? [];
    const budget = r.sweep?.points.find((p) => p.report)?.report?.budget.p95_ms;
    this.update({ running: false, progress: undefined, sweep: r.sweep?.series, sweepBudgetP95: budget, error: r.error ?? (failed.length ? failed.join('; ') : undefined) });
    return r;
  }

  /** Export the current report; to `target` when given (no dialog), else where the user picks. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const r = this.view.report;
    if (!r) return undefined;
    const ext = format === 'md' ? 'md' : format;
    const base = r.config.replace(/\.ttc\.ya?ml$/, '');
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(this.view.uri))?.uri;
    const dest =
      target ??
      (await vscode.window.showSaveDialog({
        title: 'TTC Lens: Export Benchmark',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.bench.${ext}`) : undefined,
        filters: { [format === 'json' ? 'JSON' : format === 'csv' ? 'CSV' : 'Markdown']: [ext] },
      }));
    if (!dest) return undefined;
    await vscode.workspace.fs.writeFile(dest, new TextEncoder().encode(exportReport(r, format, this.view.comparison)));
    if (!target) void vscode.window.showInformationMessage(`TTC Lens: benchmark written to ${vscode.workspace.asRelativePath(dest)}.`);
    return dest;
  }
}

function blockedReason(): string | undefined {
  return vscode.workspace.isTrusted ? undefined : 'This workspace is not trusted: TTC Lens runs no model here. Trust the workspace to run the benchmark; the estimate stays available in the editor.';
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.split('/').pop() ?? uri);
}

/** Every open benchmark panel, by config URI. */
export class BenchmarkPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, BenchmarkPanel>();
  /** Per-query listeners by work-done token; one notification handler per client routes to them. */
  private readonly queryListeners = new Map<string | number, (ms: number) => void>();
  private routedClient?: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extCtx: vscode.ExtensionContext,
    readonly client: () => LanguageClient | undefined,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this),
      // Trust granted while a panel is open: its Run buttons come alive.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const p of this.panels.values()) p.trustGranted();
      }),
    );
  }

  get extensionUri(): vscode.Uri {
    return this.extCtx.extensionUri;
  }

  /** Listen to the per-query notifications of one run (a client has one handler per method). */
  onQuery(client: LanguageClient, token: string, fn: (ms: number) => void): vscode.Disposable {
    if (this.routedClient !== client) {
      this.routedClient = client;
      this.disposables.push(client.onNotification(BenchmarkQueryNotification, (p) => this.queryListeners.get(p.workDoneToken)?.(p.ms)));
    }
    this.queryListeners.set(token, fn);
    return new vscode.Disposable(() => this.queryListeners.delete(token));
  }

  lastRun(uri: string): BenchReport | undefined {
    return this.extCtx.workspaceState.get<Record<string, BenchReport>>(STATE_KEY)?.[uri];
  }

  async remember(uri: string, r: BenchReport): Promise<void> {
    const all = { ...(this.extCtx.workspaceState.get<Record<string, BenchReport>>(STATE_KEY) ?? {}), [uri]: r };
    await this.extCtx.workspaceState.update(STATE_KEY, all);
  }

  forget(p: BenchmarkPanel): void {
    if (this.panels.get(p.view.uri) === p) this.panels.delete(p.view.uri);
  }

  /** A panel's view with nothing run yet. */
  private blankView(uri: string): PanelView {
    return { uri, name: fileName(uri), trusted: vscode.workspace.isTrusted, queries: 20, running: false, live: [] };
  }

  /** A new panel's view: the config's last run, as recorded. */
  private initialView(uri: string): PanelView {
    const last = this.lastRun(uri);
    return { ...this.blankView(uri), ...(last ? { report: last, ...(last.models ? { models: last.models } : {}) } : {}) };
  }

  /** Show (or create) the panel of a config. */
  open(uri: string): BenchmarkPanel {
    const existing = this.panels.get(uri);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const wp = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, `Benchmark: ${fileName(uri)}`, vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: true });
    const p = new BenchmarkPanel(wp, this, this.initialView(uri));
    this.panels.set(uri, p);
    return p;
  }

  get(uri: string): BenchmarkPanel | undefined {
    return this.panels.get(uri);
  }

  info(uri: string): PanelInfo | undefined {
    const p = this.panels.get(uri);
    return p ? { view: p.view, drawn: p.drawn } : undefined;
  }

  /** Resolves when the panel of `uri` satisfies `pred` (for tests), or rejects after `timeoutMs`. */
  async waitFor(uri: string, pred: (i: PanelInfo) => boolean, timeoutMs: number): Promise<PanelInfo> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const p = this.panels.get(uri);
      if (p && pred({ view: p.view, drawn: p.drawn })) return { view: p.view, drawn: p.drawn };
      const left = end - Date.now();
      if (left <= 0) throw new Error(`benchmark panel of ${uri}: condition not met within ${timeoutMs} ms (${JSON.stringify(p ? { ...p.view, report: !!p.view.report, drawn: p.drawn } : null)})`);
      await Promise.race([p ? p.changed() : undefined, new Promise((r) => setTimeout(r, Math.min(left, 250)))]);
    }
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (state as { view?: PanelView } | undefined)?.view;
    if (!saved || typeof saved.uri !== 'string') {
      panel.dispose();
      return;
    }
    // The snapshot's own report (or none) against the record: restore.ts decides which is newer.
    const p = new BenchmarkPanel(panel, this, restoredView({ ...this.blankView(saved.uri), ...saved }, this.lastRun(saved.uri)));
    this.panels.get(saved.uri)?.panel.dispose();
    this.panels.set(saved.uri, p);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
