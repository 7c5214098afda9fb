/**
 * Quick-fixes for config problems whose fix is unambiguous text: a misspelt key or value with a
 * "did you mean", an undefined model reference, a model file with a near-name in the same folder, and
 * a DVTS `n` that is not a multiple of `beam_width`. Each problem's `data` carries what its fix needs;
 * the fix replaces exactly the problem's range. Problems are recomputed from the document rather than
 * read back from the client, so a fix never applies to stale text.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../core/config/parse';
import { toDiagnostic } from './diagnostics';

interface Fix {
  title: string;
  text: string;
  preferred: boolean;
}

/** Text fixes for one problem (none when the problem has no mechanical fix). */
export function fixesFor(p: Problem): Fix[] {
  const d = (p.data ?? {}) as { suggestion?: unknown; fits?: unknown; path?: unknown };
  const suggestion = typeof d.suggestion === 'string' && d.suggestion ? d.suggestion : undefined;
  switch (p.code) {
    case 'unknown-key':
      return suggestion ? [{ title: `Rename to '${suggestion}'`, text: suggestion, preferred: true }] : [];
    case 'invalid-value':
    case 'unknown-approach':
    case 'undefined-model':
    case 'file-not-found':
      return suggestion ? [{ title: `Change to '${suggestion}'`, text: suggestion, preferred: true }] : [];
    case 'dvts-divisibility': {
      const fits = Array.isArray(d.fits) ? d.fits.filter((n): n is number => Number.isInteger(n) && n > 0) : [];
      return fits.map((n, i) => ({ title: `Set n to ${n} (a multiple of beam_width)`, text: String(n), preferred: i === 0 && fits.length === 1 }));
    }
    default:
      return [];
  }
}

/** Keep the user's quoting: replacing `"reward"` gives `"rewarder"`, not a bare word. */
function quoted(original: string, text: string): string {
  const q = original[0];
  if ((q === '"' || q === "'") && original.length >= 2 && original[original.length - 1] === q) return q + text.replace(new RegExp(q, 'g'), q === "'" ? "''" : '\\"') + q;
  return text;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Quick-fix code actions for the problems that touch `range`. */
export function codeActions(doc: TextDocument, problems: Problem[], range: Range): CodeAction[] {
  const out: CodeAction[] = [];
  for (const p of problems) {
    const diag: Diagnostic = toDiagnostic(doc, p);
    if (!overlaps(diag.range, range)) continue;
    const original = doc.getText().slice(p.range.start, p.range.end);
    for (const f of fixesFor(p)) {
      const edit: TextEdit = { range: diag.range, newText: quoted(original, f.text) };
      out.push({ title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: f.preferred, edit: { changes: { [doc.uri]: [edit] } } });
    }
  }
  return out;
}
