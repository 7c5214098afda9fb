/**
 * Quantize and prune as code actions (pure: the parsed config and the diagnostics come in). Offered on
 * an ONNX model entry (refactor.rewrite) and, as quick-fixes, on latency / memory / cost budget
 * diagnostics for each ONNX model the config runs. Each runs the `ttcLens.rewriteModel` command: the
 * server writes `<name>.int8.onnx` (etc.) beside the original, verifies speed where the plan runs it
 * and fidelity, edits the config, re-estimates and reports, with a one-click revert.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedConfig } from '../core/config/parse';
import { isOnnxFile } from '../core/model/reference';

export type RewriteKind = 'int8' | 'int4' | 'prune';

/** Default structured pruning ratio offered by the action (the CLI takes any). */
export const DEFAULT_PRUNE_RATIO = 0.5;

export const REWRITE_COMMAND = 'ttcLens.rewriteModel';

const WHAT: Record<RewriteKind, (name: string) => string> = {
  int8: (n) => `Quantize ${n} to int8 (dynamic, per-channel)`,
  int4: (n) => `Quantize ${n} to int4 (weight-only MatMulNBits, block 32)`,
  prune: (n) => `Prune ${Math.round(DEFAULT_PRUNE_RATIO * 100)}% of ${n}'s feed-forward units (structured)`,
};

/** What a rewrite typically gives before it is measured (DOMAIN.md §5–6, on this class of CPU). */
const TYPICAL: Record<RewriteKind, string> = {
  int8: 'typically 2–3× on MatMul-bound models at batch 1',
  int4: 'typically 3–5× at batch 1, less at large batches',
  prune: 'typically 1.7× for the pruned layers at 50%',
};

/** Latency, memory, cost and capacity breaches (service/estimates.ts: `budget-latency-p95`, …). */
function isBudget(d: Diagnostic): boolean {
  return typeof d.code === 'string' && d.code.startsWith('budget-');
}

/** ONNX models of the config, by name, with their entry's range. */
function onnxModels(parsed: ParsedConfig): Array<{ name: string; precision?: string; range?: { start: number; end: number } }> {
  return Object.entries(parsed.config.models)
    .filter(([, m]) => typeof m.path === 'string' && isOnnxFile(m.path))
    .map(([name, m]) => {
      const key = parsed.keyRangeOf(['models', name]);
      const value = parsed.rangeOf(['models', name]);
      const range = key && value ? { start: Math.min(key.start, value.start), end: Math.max(key.end, value.end) } : (value ?? key);
      return { name, precision: m.precision, range };
    });
}

function kindsFor(precision: string | undefined): RewriteKind[] {
  // A model already at int8/int4 is not quantized again; pruning still applies.
  if (precision === 'int4') return ['prune'];
  if (precision === 'int8') return ['int4', 'prune'];
  return ['int8', 'int4', 'prune'];
}

function action(doc: TextDocument, name: string, kind: RewriteKind, diagnostics: Diagnostic[] | undefined): CodeAction {
  const fix = !!diagnostics?.length;
  return {
    title: `${WHAT[kind](name)} — ${TYPICAL[kind]}; measured when applied`,
    kind: fix ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    ...(fix ? { diagnostics } : {}),
    command: { title: WHAT[kind](name), command: REWRITE_COMMAND, arguments: [doc.uri, name, kind, ...(kind === 'prune' ? [DEFAULT_PRUNE_RATIO] : [])] },
  };
}

/**
 * Rewrite actions for a cursor range (on a model entry) and for the budget diagnostics in context.
 * Nothing in an untrusted workspace (a rewrite runs the model).
 */
export function rewriteActions(doc: TextDocument, parsed: ParsedConfig, range: Range, diagnostics: Diagnostic[], trusted: boolean): CodeAction[] {
  if (!trusted) return [];
  const out: CodeAction[] = [];
  const models = onnxModels(parsed);
  const at = doc.offsetAt(range.start), to = doc.offsetAt(range.end);
  for (const m of models) {
    if (m.range && at <= m.range.end && to >= m.range.start) for (const k of kindsFor(m.precision)) out.push(action(doc, m.name, k, undefined));
  }
  const budget = diagnostics.filter(isBudget);
  if (budget.length) {
    for (const m of models) for (const k of kindsFor(m.precision).filter((x) => x !== 'prune')) out.push(action(doc, m.name, k, budget));
  }
  return out;
}
