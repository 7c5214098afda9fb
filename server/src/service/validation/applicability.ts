/** `param-not-applicable`: a strategy parameter the chosen approach ignores (a warning: it is harmless but misleading). */
import { schemaAt } from '../../core/config/schema';
import { listOf } from '../../core/config/suggest';
import type { Problem } from '../../core/config/parse';
import { rawStrategy, type Rule } from './rule';

export const rule: Rule = {
  id: 'param-not-applicable',
  validate(_doc, parsed) {
    const s = rawStrategy(parsed);
    const approach = parsed.config.strategy?.approach;
    if (!s || !approach) return [];
    const out: Problem[] = [];
    for (const key of Object.keys(s)) {
      const applies = schemaAt(['strategy', key])?.['x-approaches'];
      if (!applies || applies.includes(approach)) continue;
      const range = parsed.keyRangeOf(['strategy', key]);
      if (!range) continue;
      out.push({
        message: `'${key}' does not apply to ${approach} and is ignored; it is used by ${listOf(applies)}.`,
        severity: 'warning',
        range,
        code: 'param-not-applicable',
        data: { path: ['strategy', key], approach },
      });
    }
    return out;
  },
};
