/** Config problems → LSP diagnostics (offsets → positions), for the language server and the CLI alike. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../core/config/parse';
import { validateConfig, type RuleDoc } from './validation';
import type { ParseCache } from './document';

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Cap per document so a pasted binary cannot flood the client. */
export const MAX_DIAGNOSTICS = 200;

export function toDiagnostic(doc: TextDocument, p: Problem): Diagnostic {
  return {
    range: { start: doc.positionAt(p.range.start), end: doc.positionAt(p.range.end) },
    severity: SEVERITY[p.severity],
    code: p.code,
    source: 'ttc-lens',
    message: p.message,
    ...(p.data !== undefined ? { data: p.data } : {}),
  };
}

export function validateDocument(
  cache: ParseCache,
  doc: TextDocument,
  host: Omit<RuleDoc, 'text'>,
): Problem[] {
  const ruleDoc: RuleDoc = { text: doc.getText(), ...host };
  return validateConfig(ruleDoc, cache.get(doc)).slice(0, MAX_DIAGNOSTICS);
}
