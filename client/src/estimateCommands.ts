/**
 * Commands behind the estimate code lens: Show Estimate (the breakdown in a Markdown preview),
 * Profile for Estimate (measure what the plan needs, with progress and cancel) and Run Benchmark
 * (the real strategy beside its estimate, until the benchmark panel exists). The active config when
 * no URI is given.
 */
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { EstimateRequest, ProfileEstimateRequest, RunBenchmarkRequest, type EstimateResult } from '../../server/src/protocol';
import { SUMMARY_SCHEME, type SummaryDocuments } from './commands';
import type { CommandFactory, Ctx } from './ctx';
import { requestErrorMessage } from './requestError';

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

let runs = 0;

async function withServerProgress<T>(ctx: Ctx, title: string, send: (token: string, cancel: vscode.CancellationToken) => Promise<T>): Promise<T | undefined> {
  const client = ctx.client;
  if (!client) return undefined;
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const workDoneToken = `ttc-lens-estimate-${++runs}`;
      let last = 0;
      const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
        if (v.kind === 'end') return;
        const increment = v.percentage !== undefined ? Math.max(0, v.percentage - last) : undefined;
        if (v.percentage !== undefined) last = v.percentage;
        progress.report({ message: v.message, increment });
      });
      try {
        return await send(workDoneToken, token);
      } finally {
        sub.dispose();
      }
    });
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

export function createEstimateCommands(summaries: SummaryDocuments): Record<string, CommandFactory> {
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
        const r = await withServerProgress(ctx, 'TTC Lens: profiling for the estimate', (workDoneToken, token) => client.sendRequest(ProfileEstimateRequest, { uri, workDoneToken }, token));
        if (report(ctx, 'Profile', r)) void vscode.window.showInformationMessage('TTC Lens: estimate updated from measurements.');
      },
    },
    'ttcLens.runBenchmark': {
      enabled: (ctx) => async (arg?: unknown) => {
        const uri = targetUri(arg);
        if (!uri || !ctx.client) return void vscode.window.showInformationMessage('TTC Lens: open a *.ttc.yaml config to benchmark it.');
        if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('TTC Lens runs models only in a trusted workspace.');
        const client = ctx.client;
        const r = await withServerProgress(ctx, 'TTC Lens: running the benchmark', (workDoneToken, token) => client.sendRequest(RunBenchmarkRequest, { uri, workDoneToken }, token));
        if (report(ctx, 'Run Benchmark', r)) await show(summaries, `benchmark-${uri.split('/').pop()}`, r!.markdown ?? '');
      },
    },
  };
}
