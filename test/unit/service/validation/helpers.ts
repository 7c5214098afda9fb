import { parseConfig, type Problem } from '../../../../server/src/core/config/parse';
import type { Rule, RuleDoc } from '../../../../server/src/service/validation/rule';

export { at, brief, VALID } from '../../core/config/helpers';

/** Run one rule on a document built from a string. */
export function run(rule: Rule, text: string, doc: Partial<RuleDoc> = {}): Problem[] {
  return rule.validate({ text, ...doc }, parseConfig(text));
}
