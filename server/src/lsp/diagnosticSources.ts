/**
 * Extra diagnostic sources beyond config validation (the estimator's budget breaches; the profiler's
 * failures come from the MeasurementStore through the language service). One registry per server (on the ServerContext, never a module
 * global); the diagnostics feature merges every source into one publish per document, so sources
 * never overwrite each other. A source that changes its output calls `ctx.revalidateAll()`.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export type DiagnosticSource = (doc: TextDocument) => Diagnostic[] | Promise<Diagnostic[]>;

export class DiagnosticSources {
  private readonly sources: DiagnosticSource[] = [];

  register(source: DiagnosticSource): void {
    this.sources.push(source);
  }

  /** Diagnostics from every source; a failing source is skipped, never breaks validation. */
  async collect(doc: TextDocument): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const s of this.sources) {
      try {
        out.push(...(await s(doc)));
      } catch {
        // A broken source must not hide config diagnostics.
      }
    }
    return out;
  }
}
