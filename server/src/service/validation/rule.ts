import type { ParsedConfig, Problem } from '../../core/config/parse';
import type { FixTable, ProblemCode } from '../../core/config/problem';

/** What a rule may know about the document beyond its text. The service does no I/O of its own. */
export interface RuleDoc {
  text: string;
  /** The config file's path on disk (model paths are relative to its folder); absent for unsaved files. */
  fsPath?: string;
  /** Host function: does a file exist? Absent → file checks are skipped. */
  fileExists?: (absPath: string) => boolean;
  /** Host function: names in a folder (for "did you mean" on missing files). Absent → no suggestion. */
  listDir?: (absDir: string) => string[];
  /** Host function: a small text file's content (model descriptions; hosts cap it at 1 MB). Absent → contents are not checked. */
  readFile?: (absPath: string) => string | undefined;
  /** Host function: does this reference resolve outside the workspace (and may not be read)? Absent → nothing is outside. */
  outside?: (absPath: string) => boolean;
  /**
   * Host function: what is wrong with an existing model file (a folder, a FIFO, a truncated ONNX
   * file…), undefined when nothing is. Absent → only existence is checked.
   */
  modelFileProblem?: (absPath: string) => string | undefined;
}

/** One semantic rule (the yaml-language-server `AdditionalValidator` pattern). */
export interface Rule {
  /** Matches the `code` of the problems it reports (docs/config.md lists them). */
  id: ProblemCode;
  validate(doc: RuleDoc, parsed: ParsedConfig): Problem[];
  /** Quick-fixes for the problems this rule reports, by code. */
  fixes?: FixTable;
}

/** Raw strategy mapping (keys as written, including ones the typed config drops). */
export function rawStrategy(parsed: ParsedConfig): Record<string, unknown> | undefined {
  const r = parsed.raw as Record<string, unknown> | null | undefined;
  const s = r && typeof r === 'object' ? r.strategy : undefined;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined;
}
