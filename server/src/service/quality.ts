/**
 * The compute-optimal recommendation in the editor (pure: the parsed config and the recommendation
 * come in, from core/quality/optimize.ts): an inlay hint after `quality:` (the current setting's
 * accuracy with its band, and the most accurate setting within the budget), and a code action that
 * writes the recommended strategy — "Use dvts, n=16: +1.0 points at the same latency".
 */
import { CodeActionKind, InlayHintKind, MarkupKind, type CodeAction, type Diagnostic, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedConfig } from '../core/config/parse';
import type { Candidate, Recommendation } from '../core/quality/optimize';
import type { Strategy } from '../core/config/types';
import { strategyChanges } from '../core/quality/apply';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const band = (c: Candidate) => `${pct(c.accuracy.accuracy)} [${(c.accuracy.lo * 100).toFixed(1)}–${(c.accuracy.hi * 100).toFixed(1)}]`;

export function qualityMarkdown(r: Recommendation): string {
  const L = [`**Accuracy against compute** (${r.axis === 'cost' ? 'cost' : 'p50 latency'} → accuracy, 95% bands)`, ''];
  if (r.current) L.push(`Now: **${r.current.strategy} n=${r.current.n}** ${band(r.current)}`, '');
  if (r.best) L.push(`Best within the budget: **${r.best.strategy} n=${r.best.n}** ${band(r.best)} (${r.best.provenance})`, '');
  L.push('| setting | accuracy | x | fits |', '|---|---|---|---|');
  for (const c of r.frontier.slice(0, 12)) L.push(`| ${c.strategy} n=${c.n} | ${band(c)}${c.accuracy.extrapolated ? ' (extrapolated)' : ''} | ${r.axis === 'cost' ? `$${c.x.toFixed(4)}/1k` : `${c.x.toFixed(0)} ms`} | ${c.fits ? 'yes' : c.breaches.join(', ')} |`);
  if (r.notes.length) L.push('', ...r.notes.slice(0, 4).map((n) => `- ${n}`));
  return L.join('\n');
}

/** After `quality:`: "now 44.7% [42.0–47.0] · best in budget: dvts n=16 45.8% (+1.0 pts)". */
export function qualityHints(doc: TextDocument, parsed: ParsedConfig, r: Recommendation): InlayHint[] {
  const key = parsed.keyRangeOf(['quality']);
  if (!key) return [];
  const text = doc.getText();
  const lineEnd = text.indexOf('\n', key.end);
  const at = doc.positionAt(lineEnd < 0 ? text.length : lineEnd);
  const parts: string[] = [];
  if (r.current) parts.push(`now ${band(r.current)}`);
  if (r.best && (!r.current || r.best.strategy !== r.current.strategy || r.best.n !== r.current.n)) parts.push(`best in budget: ${r.best.strategy} n=${r.best.n} ${pct(r.best.accuracy.accuracy)}${r.deltaPoints !== undefined ? ` (${r.deltaPoints >= 0 ? '+' : ''}${r.deltaPoints.toFixed(1)} pts)` : ''}`);
  else if (r.best) parts.push('the best setting within the budget');
  if (!parts.length) return [];
  return [{ position: at, label: `  ${parts.join(' · ')}`, kind: InlayHintKind.Type, paddingLeft: true, tooltip: { kind: MarkupKind.Markdown, value: qualityMarkdown(r) } }];
}

/**
 * "Use dvts, n=16: …" when the best setting within the budget differs from the config's: the strategy
 * keys the recommendation writes are set, the ones it no longer uses removed (`edits` does both).
 */
export function qualityActions(
  doc: TextDocument,
  parsed: ParsedConfig,
  r: Recommendation,
  range: Range,
  diagnostics: Diagnostic[],
  edits: (set: Array<[keyof Strategy, string | number]>, remove: Array<keyof Strategy>) => Array<{ range: Range; newText: string }> | undefined,
): CodeAction[] {
  const best = r.best;
  if (!best || (r.current && best.strategy === r.current.strategy && best.n === r.current.n)) return [];
  const at = doc.offsetAt(range.start);
  const inSection = (p: string) => {
    const k = parsed.keyRangeOf([p]);
    const v = parsed.rangeOf([p]);
    return !!k && at >= k.start && at <= (v?.end ?? k.end);
  };
  const budget = diagnostics.filter((d) => typeof d.code === 'string' && d.code.startsWith('budget-'));
  if (!inSection('strategy') && !inSection('quality') && !budget.length) return [];
  const { set, remove } = strategyChanges(parsed.config.strategy, best.config);
  const e = edits(set, remove);
  if (!e) return [];
  return [{ title: r.title, kind: budget.length ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite, ...(budget.length ? { diagnostics: budget } : {}), edit: { changes: { [doc.uri]: e } } }];
}
