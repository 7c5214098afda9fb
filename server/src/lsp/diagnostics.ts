/**
 * Diagnostics: validate TTC documents on open (at once) and on change (debounced), add the profiling
 * failures the service renders from the measurement facts, merge the extra diagnostic sources (budgets), publish one list per document. Revalidates on `ctx.revalidateAll()`
 * and when watched files change (a model file appearing or disappearing).
 */
import { DidChangeWatchedFilesNotification, WatchKind, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './host';
import { fileAccessFor } from './fileAccess';

/** Pause after the last keystroke before validating. */
export const DEBOUNCE_MS = 200;

function register(ctx: ServerContext): void {
  const service = languageServiceFor(ctx);
  const timers = new Map<string, NodeJS.Timeout>();
  const seen = new Set<string>();

  const validate = async (doc: TextDocument): Promise<void> => {
    const { uri, version } = doc;
    let diagnostics: Diagnostic[];
    try {
      const settings = await ctx.getSettings(uri);
      if (!settings.validate) {
        diagnostics = [];
      } else {
        const { isOutside } = await fileAccessFor(ctx, uri);
        const opts = { fsPath: fsPathOf(uri), defaultDims: settings.defaultDims, isOutside };
        diagnostics = [...service.diagnostics(doc, opts), ...service.profilingDiagnostics(doc, opts), ...(await ctx.diagnosticSources.collect(doc))];
      }
    } catch (e) {
      ctx.connection.console.error(`ttc-lens: validating ${uri} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return;
    }
    // A newer version (or a close) arrived meanwhile: its own validation publishes.
    const current = ctx.documents.get(uri);
    if (!current || current.version !== version) return;
    await ctx.connection.sendDiagnostics({ uri, version, diagnostics });
  };

  const schedule = (doc: TextDocument, immediate: boolean) => {
    if (!isTtcDocument(doc)) return;
    clearTimeout(timers.get(doc.uri));
    if (immediate) {
      timers.delete(doc.uri);
      void validate(doc);
      return;
    }
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const d = ctx.documents.get(doc.uri);
        if (d) void validate(d);
      }, DEBOUNCE_MS),
    );
  };

  // Ask the client to tell us when model files appear or disappear (dynamic registration, once, on
  // the first config opened: by then the client is initialized). Clients that can't simply don't.
  let watching = false;
  const watchModelFiles = () => {
    if (watching) return;
    watching = true;
    // Model descriptions (config.json / genai_config.json) are validated by content, so their edits
    // count too; an .onnx file matters only by its presence here.
    const presence = WatchKind.Create | WatchKind.Delete;
    const watchers = [
      { globPattern: '**/*.onnx', kind: presence },
      { globPattern: '**/*.json', kind: presence | WatchKind.Change },
    ];
    ctx.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
  };

  ctx.documents.onDidChangeContent((e) => {
    if (isTtcDocument(e.document)) watchModelFiles();
    const first = !seen.has(e.document.uri);
    seen.add(e.document.uri);
    schedule(e.document, first);
  });
  ctx.documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    seen.delete(e.document.uri);
    service.close(e.document.uri);
    if (isTtcDocument(e.document)) void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  ctx.onRevalidate(() => {
    for (const d of ctx.documents.all()) schedule(d, true);
  });
  // Model files appearing or disappearing change `file-not-found`; the client decides what it watches.
  ctx.connection.onDidChangeWatchedFiles(() => ctx.revalidateAll());
  ctx.onShutdown(() => timers.forEach((t) => clearTimeout(t)));
}

export const feature: Feature = { register };
