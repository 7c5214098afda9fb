/** Extension entry point: activate/deactivate only (rust-analyzer's main.ts). */
import * as vscode from 'vscode';
import { createCommands, SUMMARY_SCHEME, SummaryDocuments } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const summaries = new SummaryDocuments();
  ctx = new Ctx(context, createCommands(summaries));
  context.subscriptions.push(ctx, vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries));
  await vscode.commands.executeCommand('setContext', 'ttcLens.active', true);
  // Start failures are shown by Ctx.start, then rethrown so VS Code records the failed activation.
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
