/**
 * Quick-fixes for config problems whose fix is unambiguous text: a misspelt key or value with a
 * "did you mean", an undefined model reference, a model file with a near-name in the same folder, and
 * a DVTS `n` that is not a multiple of `beam_width`. Each rule offers its fixes beside its check (a
 * `FixTable`: core/config/structure.ts for the schema's problems, `fixes` of each rule in
 * service/validation); each problem's typed `data` carries what its fix needs, and the fix replaces
 * exactly the problem's range. Problems are recomputed from the document rather than
 * read back from the client, so a fix never applies to stale text.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixTable, Problem, QuickFix } from '../core/config/problem';
import { STRUCTURE_FIXES } from '../core/config/structure';
import { RULES } from './validation';
import { toDiagnostic } from './diagnostics';

/** Quick-fixes by problem code: the schema check's and each semantic rule's, each written beside its check. */
const FIXES: FixTable = Object.assign({}, STRUCTURE_FIXES, ...RULES.map((r) => r.fixes ?? {}));

/** Text fixes for one problem (none when the problem has no mechanical fix). */
export function fixesFor(p: Problem): QuickFix[] {
  const fix = FIXES[p.code] as ((p: Problem) => QuickFix[]) | undefined;
  return fix ? fix(p) : [];
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
