/**
 * Commands behind the estimate code lens: Show Estimate (the breakdown in a Markdown preview),
 * Profile for Estimate (measure what the plan needs, with progress and cancel), and the benchmark
 * panel's: Open Benchmark Panel, Run Benchmark (opens the panel and runs the real strategy beside its
 * estimate) and Export Benchmark. The active config when no URI is given.
 */
import * as vscode from 'vscode';
import { EstimateRequest, ProfileEstimateRequest, type EstimateResult } from '../../server/src/protocol';
import { SUMMARY_SCHEME, type SummaryDocuments } from './commands';
import type { CommandFactory, Ctx } from './ctx';
import { requestErrorMessage } from './requestError';
import { withServerProgress } from './serverProgress';
import type { BenchmarkPanels, PanelInfo } from './panel/panel';
import type { ExportFormat } from './panel/messages';

function targetUri(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.toString();
  const ed = vscode.window.activeTextEditor;
  return ed && ed.document.languageId === 'ttc' ? ed.document.uri.toString() : undefined;
}

async function show(summaries: SummaryDocuments, name: string, markdown: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${name}.md` });
  summaries.set(uri, markdown);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

/** A long request under one cancellable notification; a failure is shown, not thrown. */
async function withProgressShown<T>(ctx: Ctx, title: string, send: (token: string, cancel: vscode.CancellationToken) => Promise<T>): Promise<T | undefined> {
  const client = ctx.client;
  if (!client) return undefined;
  try {
    return await withServerProgress(client, title, send);
  } catch (err) {
    const msg = requestErrorMessage(err);
    if (msg !== undefined) void vscode.window.showErrorMessage(`TTC Lens: ${title} failed: ${msg}`);
    return undefined;
  }
}

function report(ctx: Ctx, what: string, r: EstimateResult | undefined): boolean {
  if (!r) return false;
  if (r.error) {
    ctx.output.warn(`${what}: ${r.error}`);
    void vscode.window.showWarningMessage(`TTC Lens: ${r.error}`);
    return false;
  }
  return true;
}

function openPanel(panels: BenchmarkPanels, arg: unknown): PanelInfo | undefined {
  const uri = targetUri(arg);
  if (!uri) return void vscode.window.showInformationMessage('TTC Lens: open a *.ttc.yaml config to open its benchmark panel.');
  panels.open(uri);
  return panels.info(uri);
}

async function exportBenchmark(panels: BenchmarkPanels, arg: unknown, format: unknown, target: unknown): Promise<string | undefined> {
  const uri = targetUri(arg);
  const p = uri ? panels.get(uri) : undefined;
  if (!p?.view.report) return void vscode.window.showInformationMessage('TTC Lens: run the benchmark in its panel first, then export it.');
  let f: ExportFormat | undefined = format === 'json' || format === 'csv' || format === 'md' ? format : undefined;
  if (!f) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'JSON', f: 'json' as const },
        { label: 'CSV', f: 'csv' as const },
        { label: 'Markdown', f: 'md' as const },
      ],
      { title: 'TTC Lens: Export Benchmark' },
    );
    f = pick?.f;
  }
  if (!f) return undefined;
  const dest = await p.export(f, target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : undefined);
  return dest?.toString();
}

export function createEstimateCommands(summaries: SummaryDocuments, panels: BenchmarkPanels): Record<string, CommandFactory> {
  return {
    'ttcLens.showEstimate': {
      enabled: (ctx) => async (arg?: unknown) => {
        const uri = targetUri(arg);
        if (!uri || !ctx.client) return void vscode.window.showInformationMessage('TTC Lens: open a *.ttc.yaml config to see its estimate.');
        const r = await ctx.client.sendRequest(EstimateRequest, { uri });
        if (report(ctx, 'Show Estimate', r)) await show(summaries, `estimate-${uri.split('/').pop()}`, r.markdown ?? '');
      },
    },
    'ttcLens.profileEstimate': {
      enabled: (ctx) => async (arg?: unknown) => {
        const uri = targetUri(arg);
        if (!uri || !ctx.client) return;
        if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('TTC Lens runs models only in a trusted workspace.');
        const client = ctx.client;
        const r = await withProgressShown(ctx, 'TTC Lens: profiling for the estimate', (workDoneToken, token) => client.sendRequest(ProfileEstimateRequest, { uri, workDoneToken }, token));
        if (report(ctx, 'Profile', r)) void vscode.window.showInformationMessage('TTC Lens: estimate updated from measurements.');
      },
    },
    'ttcLens.runBenchmark': {
      // Opens the config's benchmark panel and runs it there; resolves with the server's answer.
      enabled: () => async (arg?: unknown, queries?: unknown) => {
        const uri = targetUri(arg);
        if (!uri) return void vscode.window.showInformationMessage('TTC Lens: open a *.ttc.yaml config to benchmark it.');
        const p = panels.open(uri);
        return p.run(typeof queries === 'number' && queries > 0 ? Math.floor(queries) : undefined);
      },
    },
    'ttcLens.openBenchmarkPanel': {
      enabled: () => (arg?: unknown) => openPanel(panels, arg),
      disabled: () => (arg?: unknown) => openPanel(panels, arg),
    },
    'ttcLens.exportBenchmark': {
      // (config URI?, 'json' | 'csv' | 'md'?, target URI?) — without a target, a save dialog.
      enabled: () => async (arg?: unknown, format?: unknown, target?: unknown) => exportBenchmark(panels, arg, format, target),
      disabled: () => async (arg?: unknown, format?: unknown, target?: unknown) => exportBenchmark(panels, arg, format, target),
    },
  };
}
