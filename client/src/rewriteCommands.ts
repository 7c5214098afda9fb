/**
 * `ttcLens.rewriteModel` (behind the Quantize / Prune code actions): asks the server to rewrite a
 * config's model, verify it and point the config at it, under one cancellable progress notification;
 * then says plainly what was measured — with Revert (undo the edit, delete the new file) on every
 * outcome, offered first when the rewrite did not help — and the full report on request.
 */
import * as vscode from 'vscode';
import { RevertRewriteRequest, RewriteModelRequest, type RewriteModelResult } from '../../server/src/protocol';
import { SUMMARY_SCHEME, type SummaryDocuments } from './commands';
import type { CommandFactory, Ctx } from './ctx';
import { requestErrorMessage } from './requestError';
import { withServerProgress } from './serverProgress';

async function rewrite(ctx: Ctx, summaries: SummaryDocuments, uri: unknown, model: unknown, kind: unknown, ratio: unknown): Promise<RewriteModelResult | undefined> {
  const client = ctx.client;
  if (!client || typeof uri !== 'string' || typeof model !== 'string' || (kind !== 'int8' && kind !== 'int4' && kind !== 'prune')) return undefined;
  if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('TTC Lens rewrites and runs models only in a trusted workspace.');
  const what = kind === 'prune' ? `Pruning ${model}` : `Quantizing ${model} to ${kind}`;
  let r: RewriteModelResult;
  try {
    r = await withServerProgress(client, `TTC Lens: ${what}`, (workDoneToken, token) =>
      client.sendRequest(RewriteModelRequest, { uri, model, kind, ...(typeof ratio === 'number' ? { ratio } : {}), workDoneToken }, token),
    );
  } catch (err) {
    const msg = requestErrorMessage(err);
    if (msg !== undefined) void vscode.window.showErrorMessage(`TTC Lens: ${what} failed: ${msg}`);
    return undefined;
  }
  if (r.error) {
    ctx.output.warn(`${what}: ${r.error}`);
    void vscode.window.showWarningMessage(`TTC Lens: ${what}: ${r.error}`);
    return r;
  }
  if (r.report) ctx.output.info(`${what}\n${r.report}`);
  void offer(ctx, summaries, r);
  return r;
}

async function offer(ctx: Ctx, summaries: SummaryDocuments, r: RewriteModelResult): Promise<void> {
  const helped = r.verdict === 'helped';
  const text = `TTC Lens: ${r.title}${helped ? '' : ` — ${r.reasons?.join('; ') || r.verdict}`}`;
  const buttons = helped ? ['Show Report', 'Revert'] : ['Revert', 'Keep', 'Show Report'];
  const pick = helped ? await vscode.window.showInformationMessage(text, ...buttons) : await vscode.window.showWarningMessage(text, ...buttons);
  if (pick === 'Show Report' && r.report) {
    const doc = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/rewrite-${(r.file ?? 'model').split(/[\\/]/).pop()}.md` });
    summaries.set(doc, `# Rewrite report\n\n\`\`\`text\n${r.report}\n\`\`\`\n`);
    await vscode.commands.executeCommand('markdown.showPreview', doc);
  } else if (pick === 'Revert' && r.revert && ctx.client) {
    const rv = await ctx.client.sendRequest(RevertRewriteRequest, r.revert);
    void vscode.window.showInformationMessage(rv.applied ? `TTC Lens: reverted${rv.removed ? `; ${r.revert.file.split(/[\\/]/).pop()} deleted` : ''}.` : `TTC Lens: the revert was not applied${rv.error ? `: ${rv.error}` : ''}.`);
  }
}

export function createRewriteCommands(summaries: SummaryDocuments): Record<string, CommandFactory> {
  return {
    'ttcLens.rewriteModel': {
      // (config URI, model name, 'int8' | 'int4' | 'prune', ratio?) — resolves with the server's answer.
      enabled: (ctx) => (uri?: unknown, model?: unknown, kind?: unknown, ratio?: unknown) => rewrite(ctx, summaries, uri, model, kind, ratio),
    },
  };
}
