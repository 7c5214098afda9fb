/** Extension entry point: activate/deactivate only (rust-analyzer's main.ts). */
import * as vscode from 'vscode';
import type { ServerCapabilities } from 'vscode-languageclient/node';
import { createCommands, SUMMARY_SCHEME, SummaryDocuments } from './commands';
import { Ctx } from './ctx';
import { createEstimateCommands } from './estimateCommands';
import { createRewriteCommands } from './rewriteCommands';
import { BenchmarkPanels, PANEL_VIEW_TYPE, type PanelInfo } from './panel/panel';

/** What the extension exports (for other extensions and the in-host tests). */
export interface TtcLensApi {
  /** The running server's capabilities, or undefined while it is not running. */
  serverCapabilities(): ServerCapabilities | undefined;
  /** The benchmark panel of a config URI: its view and what its charts drew (undefined when closed). */
  benchmarkPanel(uri: string): PanelInfo | undefined;
  /** Resolves when the panel of `uri` satisfies `pred`; rejects after `timeoutMs`. */
  waitForBenchmarkPanel(uri: string, pred: (i: PanelInfo) => boolean, timeoutMs: number): Promise<PanelInfo>;
  /**
   * What VS Code does for a benchmark panel after a window reload: a new webview panel handed to the
   * extension's serializer with the webview's saved state (for the in-host tests, which a real reload
   * would end).
   */
  restoreBenchmarkPanel(state: unknown): Promise<void>;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<TtcLensApi> {
  const summaries = new SummaryDocuments();
  const panels = new BenchmarkPanels(context, () => ctx?.client);
  const c = new Ctx(context, { ...createCommands(summaries), ...createEstimateCommands(summaries, panels), ...createRewriteCommands(summaries) });
  ctx = c;
  context.subscriptions.push(c, panels, vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries));
  await vscode.commands.executeCommand('setContext', 'ttcLens.active', true);
  // Start failures are shown by Ctx.start, then rethrown so VS Code records the failed activation.
  await c.start();
  return {
    serverCapabilities: () => c.client?.initializeResult?.capabilities,
    benchmarkPanel: (uri) => panels.info(uri),
    waitForBenchmarkPanel: (uri, pred, timeoutMs) => panels.waitFor(uri, pred, timeoutMs),
    // The saved state reaches the serializer as JSON (undefined fields gone), as VS Code keeps it.
    restoreBenchmarkPanel: (state) => panels.deserializeWebviewPanel(vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Benchmark', vscode.ViewColumn.Beside, { enableScripts: true }), JSON.parse(JSON.stringify(state))),
  };
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
