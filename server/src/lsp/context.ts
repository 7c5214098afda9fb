import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { normalizeSettings, type TtcSettings } from '../service/settings';
import type { Profiler } from '../core/profile/client';
import type { StaticAnalyzer } from '../core/onnx/analysisHost';
import type { MeasurementStore } from '../core/profile/store';
import type { DiagnosticSources } from './diagnosticSources';

/** What every `lsp/*` feature gets: the connection, the open documents and per-document settings. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** Settings for a document (cached by URI, cleared on change/close). */
  getSettings(uri: string): Promise<TtcSettings>;
  /** False until the client says the workspace is trusted; no model runs while false. */
  workspaceTrusted: boolean;
  /** Workspace-specific storage folder (for caches) given by the client, if any. */
  storagePath?: string;
  /** Workspace folders as file-system paths. */
  workspaceFolders: string[];
  /** Ask every feature to revalidate open documents (e.g. after a model file changed). */
  revalidateAll(): void;
  /** Register a function that `revalidateAll` calls. */
  onRevalidate(fn: () => void): void;
  /** Functions run when the server shuts down. */
  onShutdown(fn: () => void | Promise<void>): void;
  /** Diagnostic sources beyond validation and profiling failures (budget breaches), merged per publish. */
  diagnosticSources: DiagnosticSources;
  /**
   * The server's one static analyser (core/onnx/analysisHost.ts): models are read and analysed in a
   * worker thread, bounded in time, memory and size, cached by path + mtime + size + bindings.
   * Shared by hover, summary, completion and the estimator, so a model is read once for all.
   */
  analyzer: StaticAnalyzer;
  /** What the server knows about its models' measurements (measured, failed, running), as data. */
  measurements: MeasurementStore;
  /** The server's one profiler (pool + cache + trust), created on first use. */
  profiler(): Profiler;
  /** The estimates feature's store (lsp/estimates.ts), for hover and quick-fixes. */
  estimates?: unknown;
}

/** One LSP feature: the capability it adds and how it hooks into the connection. */
export interface Feature {
  capabilities?: ServerCapabilities;
  register(ctx: ServerContext): void;
}

/** Settings cache by URI (lsp-sample / vscode-eslint pattern): never a global. */
export class SettingsCache {
  private cache = new Map<string, Promise<TtcSettings>>();
  constructor(private readonly fetch: (uri: string) => Promise<unknown>, public supported = true) {}
  get(uri: string): Promise<TtcSettings> {
    if (!this.supported) return Promise.resolve(normalizeSettings(undefined));
    let s = this.cache.get(uri);
    if (!s) {
      s = this.fetch(uri).then(normalizeSettings, () => normalizeSettings(undefined));
      this.cache.set(uri, s);
    }
    return s;
  }
  delete(uri: string): void {
    this.cache.delete(uri);
  }
  clear(): void {
    this.cache.clear();
  }
}
