/**
 * A problem in the user's config: what the parser, the schema check (structure.ts) and the semantic
 * rules (service/validation) report, located by character offsets into the text. Its own module so
 * that every producer can import it without importing the parser.
 *
 * `code` is one of PROBLEM_CODES (codes.ts) and `data` has that code's type (ProblemData), so a
 * quick-fix reads what its rule wrote without re-checking it; each rule offers its quick-fixes next
 * to its check (a `FixTable`), and the service looks them up by code.
 */
import type { ProblemCode } from './codes';
import type { OffsetRange, Path } from './yamlAst';

export type { ProblemCode } from './codes';

interface AtPath {
  /** Where in the document (as in the parsed value: `['strategy', 'n']`). */
  path: Path;
}

/** What each code's `data` carries: what its quick-fixes need. `never`: no data. */
export interface ProblemData {
  'yaml-syntax': { yamlCode: string };
  'duplicate-key': never;
  'too-large': never;
  'unknown-key': AtPath & { suggestion?: string };
  'missing-key': AtPath & { key: string };
  'wrong-type': AtPath;
  'out-of-range': AtPath;
  'invalid-value': AtPath & { suggestion?: string; valid?: string[] };
  'invalid-unit': AtPath;
  'invalid-name': AtPath;
  'unsupported-version': never;
  'unknown-approach': AtPath & { suggestion?: string; valid?: string[] };
  'undefined-model': AtPath & { name: string; suggestion?: string };
  'missing-model': { key: string };
  'verifier-required': { approach: string };
  'dvts-divisibility': { n: number; beam_width: number; fits: number[] };
  'param-not-applicable': AtPath & { approach: string };
  'model-source': { model: string };
  'not-onnx': { model: string };
  /** `model` for a model's files; absent for quality data files (`key` is then the path, e.g. `quality.problems`). */
  'file-not-found': { model?: string; key: string; path: string; absPath: string; suggestion?: string };
  'model-config-invalid': { model: string; path: string; absPath: string };
  'model-file-invalid': { model: string; key: string; path: string; absPath: string };
  'outside-workspace': { model?: string; key: string; path: string; absPath: string };
  'quality-data-invalid': AtPath & { absPath: string; line?: number };
  inconsistent: AtPath;
  unreadable: never;
  internal: never;
}

/** A problem with code `C`. */
export interface ProblemOf<C extends ProblemCode> {
  message: string;
  severity: 'error' | 'warning' | 'info';
  range: OffsetRange;
  /** Stable identifier, e.g. `unknown-key`, `dvts-divisibility` (docs/config.md lists them). */
  code: C;
  /** What a quick-fix needs (the path, a suggestion, the value that would fit…). */
  data?: ProblemData[C];
}

/** A problem in the user's config, located by character offsets into the text. */
export type Problem = { [C in ProblemCode]: ProblemOf<C> }[ProblemCode];

/** A mechanical fix: replace the problem's range by `text` (the service keeps the user's quotes). */
export interface QuickFix {
  title: string;
  text: string;
  preferred: boolean;
}

/** Quick-fixes by code, each given the problem with its typed data. */
export type FixTable = { [C in ProblemCode]?: (p: ProblemOf<C>) => QuickFix[] };

/** The fix a "did you mean" problem offers: its suggestion, when it has one. */
export function suggestionFix(verb: 'Rename to' | 'Change to', suggestion: string | undefined): QuickFix[] {
  return typeof suggestion === 'string' && suggestion ? [{ title: `${verb} '${suggestion}'`, text: suggestion, preferred: true }] : [];
}

/** Every code has a data type (a compile-time check). */
export const ALL_CODES_HAVE_DATA: [Exclude<ProblemCode, keyof ProblemData>] extends [never] ? true : never = true;
