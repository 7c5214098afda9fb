/**
 * The command table (rust-analyzer's `CommandFactory` pattern): command id → factory building the
 * handler for the current server state. Commands that need the server get a clear "not running"
 * message while it is stopped (see Ctx.registerCommands).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ListModelsRequest,
  ModelSummaryRequest,
  ProfileModelsRequest,
  type ListModelsResult,
  type ModelSummaryParams,
  type ModelSummaryResult,
  type ProfileModelsParams,
  type ProfileModelsResult,
} from '../../server/src/protocol';
import type { CommandFactory, Ctx } from './ctx';
import { requestErrorMessage } from './requestError';
import { withServerProgress } from './serverProgress';
import { configPickItems, modelPickItems, onnxPathAt, profileToast, reportDocName, summaryDocName } from './modelPick';

/** Scheme of the read-only virtual documents holding model summaries (shown in a Markdown preview). */
export const SUMMARY_SCHEME = 'ttc-lens-summary';

/** Content of the virtual summary documents, keyed by URI. */
export class SummaryDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  set(uri: vscode.Uri, markdown: string): void {
    this.docs.set(uri.toString(), markdown);
    this.emitter.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '_This summary is no longer available; run "TTC Lens: Show Model Summary" again._';
  }
}

function always(f: (ctx: Ctx) => (...args: unknown[]) => unknown): CommandFactory {
  return { enabled: f, disabled: f };
}

/** Build the command table. `summaries` backs the Markdown preview of model summaries. */
export function createCommands(summaries: SummaryDocuments): Record<string, CommandFactory> {
  return {
    'ttcLens.restartServer': always((ctx) => async () => {
      await ctx.restart();
    }),
    'ttcLens.showOutput': always((ctx) => () => ctx.output.show(true)),
    'ttcLens.showModelSummary': {
      enabled: (ctx) => async (arg?: unknown) => showModelSummary(ctx, summaries, arg),
    },
    'ttcLens.profileModels': {
      enabled: (ctx) => async (arg?: unknown) => profileModels(ctx, summaries, arg),
    },
  };
}

interface Target {
  path: string;
  configUri?: string;
}

/** Which model to summarise: the explorer/argument URI, the `.onnx` under the cursor, or a pick. */
async function chooseModel(ctx: Ctx, arg: unknown): Promise<Target | undefined> {
  if (arg instanceof vscode.Uri) return { path: arg.fsPath };
  if (typeof arg === 'string' && arg) return { path: arg };
  if (arg && typeof arg === 'object' && typeof (arg as Target).path === 'string') return arg as Target;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'ttc') {
    const pos = editor.selection.active;
    const p = onnxPathAt(editor.document.lineAt(pos.line).text, pos.character);
    if (p) return { path: p, configUri: editor.document.uri.toString() };
  }
  const client = ctx.client;
  let models: ListModelsResult['models'] = [];
  try {
    if (client) models = (await client.sendRequest(ListModelsRequest)).models;
  } catch (err) {
    // Still offer the file browser below.
    ctx.output.warn(`Listing the workspace's models failed: ${requestErrorMessage(err) ?? 'cancelled'}`);
  }
  const browse = { label: '$(folder-opened) Browse for an .onnx file…', description: '', detail: '', model: undefined };
  const items = [...modelPickItems(models, (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u))), browse];
  const picked = await vscode.window.showQuickPick(items, { title: 'TTC Lens: Show Model Summary', placeHolder: 'Pick a model referenced by a config' });
  if (!picked) return undefined;
  if (picked.model) return { path: picked.model.path, configUri: picked.model.configUri };
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, openLabel: 'Summarise' });
  return files?.[0] ? { path: files[0].fsPath } : undefined;
}

async function showModelSummary(ctx: Ctx, summaries: SummaryDocuments, arg: unknown): Promise<void> {
  const client = ctx.client;
  if (!client) return;
  const target = await chooseModel(ctx, arg);
  if (!target) return;
  const params: ModelSummaryParams = { path: target.path, configUri: target.configUri };
  let result: ModelSummaryResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `TTC Lens: reading ${path.basename(target.path)}` },
      () => client.sendRequest(ModelSummaryRequest, params),
    );
  } catch (err) {
    return showRequestError(ctx, 'Show Model Summary', err);
  }
  if (result?.error && !result.markdown) {
    void vscode.window.showErrorMessage(`TTC Lens: ${result.error}`);
    return;
  }
  const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${summaryDocName(target.path)}` });
  summaries.set(uri, result?.markdown ?? '');
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}


/**
 * Which configs Profile Models acts on: the argument (a config URI, e.g. from the Explorer), the
 * active `ttc` editor, else one picked from the workspace's configs.
 */
async function chooseConfigs(ctx: Ctx, arg: unknown): Promise<string[] | undefined> {
  if (arg instanceof vscode.Uri) return [arg.toString()];
  if (typeof arg === 'string' && arg) return [arg];
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'ttc') return [editor.document.uri.toString()];
  const client = ctx.client;
  let models: ListModelsResult['models'] = [];
  try {
    if (client) models = (await client.sendRequest(ListModelsRequest)).models;
  } catch (err) {
    ctx.output.warn(`Listing the workspace's configs failed: ${requestErrorMessage(err) ?? 'cancelled'}`);
  }
  const open = vscode.workspace.textDocuments.filter((d) => d.languageId === 'ttc').map((d) => d.uri.toString());
  const items = configPickItems([...open, ...models.map((m) => m.configUri)], models, (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u)));
  if (!items.length) {
    void vscode.window.showInformationMessage('TTC Lens: no *.ttc.yaml config in this workspace names a model to profile.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'TTC Lens: Profile Models', placeHolder: 'Profile the models of which config?' });
  return picked ? [picked.uri] : undefined;
}

/** What the command returns (for tests and other extensions): the server's answer and the report's URI. */
export type ProfileModelsOutcome = ProfileModelsResult & { reportUri?: string };

async function profileModels(ctx: Ctx, summaries: SummaryDocuments, arg: unknown): Promise<ProfileModelsOutcome | undefined> {
  const client = ctx.client;
  if (!client) return undefined;
  const uris = await chooseConfigs(ctx, arg);
  if (!uris) return undefined;
  if (!vscode.workspace.isTrusted) {
    // Nothing is executed; the server still answers which models would be measured, and why not.
    void vscode.window.showWarningMessage('TTC Lens runs models only in a trusted workspace.');
  }
  const params: ProfileModelsParams = { uris };
  let result: ProfileModelsResult;
  try {
    // The server reports on our token, so its per-model messages land in this one notification.
    result = await withServerProgress(client, 'TTC Lens: profiling models', (workDoneToken, token) => client.sendRequest(ProfileModelsRequest, { ...params, workDoneToken }, token));
  } catch (err) {
    showRequestError(ctx, 'Profile Models', err);
    return undefined;
  }
  for (const r of result?.profiled ?? []) ctx.output.info(`${r.ok ? 'profiled' : 'FAILED'} ${r.model} (${r.path})${r.cached ? ' [cached]' : ''}: ${r.message}`);
  for (const r of result?.skipped ?? []) ctx.output.info(`not measured ${r.model}: ${r.reason}`);
  const toast = profileToast(result ?? { profiled: [] });
  if (result?.report) {
    const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${reportDocName(result.configs ?? [])}` });
    summaries.set(uri, result.report);
    const actions = ['Open Report', ...(toast.warn ? ['Show Output'] : [])];
    const show = toast.warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(toast.message, ...actions).then((a) => {
      if (a === 'Open Report') void vscode.commands.executeCommand('markdown.showPreview', uri);
      else if (a === 'Show Output') ctx.output.show(true);
    });
    return { ...result, reportUri: uri.toString() };
  }
  void vscode.window.showInformationMessage(toast.message);
  return result;
}

function showRequestError(ctx: Ctx, what: string, err: unknown): void {
  const msg = requestErrorMessage(err);
  if (msg === undefined) return; // cancelled by the user
  ctx.output.error(`${what}: ${msg}`);
  void vscode.window.showErrorMessage(`TTC Lens: ${what} failed: ${msg}`, 'Show Output').then((a) => a && ctx.output.show(true));
}
