/**
 * Extra diagnostic sources beyond config validation (e.g. the profiler reporting that a model failed
 * to load on a model entry). The diagnostics feature merges every source into one publish per
 * document, so sources never overwrite each other. A source that changes its output calls
 * `ctx.revalidateAll()`.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export type DiagnosticSource = (doc: TextDocument) => Diagnostic[] | Promise<Diagnostic[]>;

const sources: DiagnosticSource[] = [];

export function registerDiagnosticSource(source: DiagnosticSource): void {
  sources.push(source);
}

/** Diagnostics from every source; a failing source is skipped, never breaks validation. */
export async function collectExtraDiagnostics(doc: TextDocument): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const s of sources) {
    try {
      out.push(...(await s(doc)));
    } catch {
      // A broken source must not hide config diagnostics.
    }
  }
  return out;
}
