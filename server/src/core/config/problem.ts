/**
 * A problem in the user's config: what the parser, the schema check (structure.ts) and the semantic
 * rules (service/validation) report, located by character offsets into the text. Its own module so
 * that every producer can import it without importing the parser.
 */
import type { OffsetRange } from './yamlAst';

/** A problem in the user's config, located by character offsets into the text. */
export interface Problem {
  message: string;
  severity: 'error' | 'warning' | 'info';
  range: OffsetRange;
  /** Stable identifier, e.g. `unknown-key`, `dvts-divisibility` (docs/config.md lists them). */
  code: string;
  /** What a quick-fix needs (the path, a suggestion, the value that would fit…). */
  data?: unknown;
}
