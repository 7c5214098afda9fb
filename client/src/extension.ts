/** Extension entry point: activate/deactivate only (rust-analyzer's main.ts). */
import * as vscode from 'vscode';
import type { ServerCapabilities } from 'vscode-languageclient/node';
import { createCommands, SUMMARY_SCHEME, SummaryDocuments } from './commands';
import { Ctx } from './ctx';
import { createEstimateCommands } from './estimateCommands';

/** What the extension exports (for other extensions and the in-host tests). */
export interface TtcLensApi {
  /** The running server's capabilities, or undefined while it is not running. */
  serverCapabilities(): ServerCapabilities | undefined;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<TtcLensApi> {
  const summaries = new SummaryDocuments();
  const c = new Ctx(context, { ...createCommands(summaries), ...createEstimateCommands(summaries) });
  ctx = c;
  context.subscriptions.push(c, vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries));
  await vscode.commands.executeCommand('setContext', 'ttcLens.active', true);
  // Start failures are shown by Ctx.start, then rethrown so VS Code records the failed activation.
  await c.start();
  return { serverCapabilities: () => c.client?.initializeResult?.capabilities };
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
