/** `verifier-required`: beam search and DVTS score every step with a process reward model. */
import { VERIFIER_REQUIRED } from '../../core/config/types';
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'verifier-required',
  validate(_doc, parsed) {
    const s = parsed.config.strategy;
    if (!s || !VERIFIER_REQUIRED.includes(s.approach) || s.verifier !== undefined) return [];
    if (parsed.raw && typeof (parsed.raw as Record<string, Record<string, unknown>>).strategy?.verifier !== 'undefined') return []; // wrong type: reported already
    const range = parsed.rangeOf(['strategy', 'approach']);
    if (!range) return [];
    return [
      {
        message: `${s.approach} scores every step with a process reward model: add \`verifier: <model name>\` to the strategy.`,
        severity: 'error',
        range,
        code: 'verifier-required',
        data: { approach: s.approach },
      },
    ];
  },
};
