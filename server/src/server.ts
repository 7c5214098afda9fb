/**
 * The TTC Lens language server: creates the connection, merges each feature's capabilities and
 * registers its handlers. Run as `node dist/server.js --stdio`.
 */
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FEATURES } from './lsp/features';
import { SettingsCache, type ServerContext } from './lsp/context';
import { createProfiler, type Profiler } from './core/profile/client';
import { StaticAnalyzer } from './core/onnx/analysisHost';
import { DiagnosticSources } from './lsp/diagnosticSources';
import { MeasurementStore } from './core/profile/store';
import { StatusNotification, WorkspaceTrustNotification, type WorkspaceTrustParams } from './protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new SettingsCache((uri) => connection.workspace.getConfiguration({ scopeUri: uri, section: 'ttcLens' }));
const shutdownHooks: Array<() => void | Promise<void>> = [];
const revalidators: Array<() => void> = [];

const ctx: ServerContext = {
  connection,
  documents,
  getSettings: (uri) => settings.get(uri),
  workspaceTrusted: false,
  workspaceFolders: [],
  revalidateAll: () => revalidators.forEach((r) => r()),
  onRevalidate: (fn) => void revalidators.push(fn),
  onShutdown: (fn) => void shutdownHooks.push(fn),
  diagnosticSources: new DiagnosticSources(),
  analyzer: new StaticAnalyzer(),
  measurements: new MeasurementStore(),
  // Created on first use: storagePath and trust arrive with `initialize`, after registration.
  profiler: () =>
    (profiler ??= createProfiler({
      storagePath: ctx.storagePath,
      trusted: () => ctx.workspaceTrusted,
      log: (l) => connection.console.log(`ttc-lens profiler: ${l}`),
    })),
};
let profiler: Profiler | undefined;
shutdownHooks.push(async () => {
  await profiler?.dispose();
});

connection.onInitialize((params): InitializeResult => {
  const caps = params.capabilities;
  settings.supported = !!caps.workspace?.configuration;
  const opts = (params.initializationOptions ?? {}) as { storagePath?: string; workspaceTrusted?: boolean };
  ctx.storagePath = opts.storagePath;
  // A client that says nothing about trust (a plain LSP client, the CLI) is trusted, like VS Code's
  // default for a workspace the user opened themselves; the VS Code client always sends it.
  ctx.workspaceTrusted = opts.workspaceTrusted ?? true;
  ctx.workspaceFolders = (params.workspaceFolders ?? []).flatMap((f) => {
    try {
      return [fileURLToPath(f.uri)];
    } catch {
      return [];
    }
  });
  const capabilities: ServerCapabilities = { textDocumentSync: TextDocumentSyncKind.Incremental };
  for (const f of FEATURES) Object.assign(capabilities, f.capabilities ?? {});
  return { capabilities, serverInfo: { name: 'ttc-lens', version: '0.1.0' } };
});

connection.onInitialized(() => {
  connection.sendNotification(StatusNotification, { state: 'ok', message: 'TTC Lens server ready' });
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  ctx.revalidateAll();
});
connection.onNotification(WorkspaceTrustNotification, (p: WorkspaceTrustParams) => {
  ctx.workspaceTrusted = !!p?.trusted;
  ctx.revalidateAll();
});
documents.onDidClose((e) => settings.delete(e.document.uri));

connection.onShutdown(async () => {
  for (const fn of shutdownHooks) await fn();
});

for (const f of FEATURES) f.register(ctx);

documents.listen(connection);
connection.listen();
