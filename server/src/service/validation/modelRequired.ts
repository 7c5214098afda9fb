/**
 * `missing-model`: every approach needs its model(s): `model` for the generative ones and tta,
 * `stages` for cascade, `models` for ensemble.
 */
import { listOf } from '../../core/config/suggest';
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'missing-model',
  validate(_doc, parsed) {
    const s = parsed.config.strategy;
    if (!s) return [];
    const raw = (parsed.raw as { strategy?: Record<string, unknown> }).strategy ?? {};
    const need = s.approach === 'cascade' ? 'stages' : s.approach === 'ensemble' ? 'models' : 'model';
    if (raw[need] !== undefined) return [];
    const range = parsed.rangeOf(['strategy', 'approach']);
    if (!range) return [];
    const names = Object.keys(parsed.config.models);
    const what =
      need === 'model'
        ? `\`model: <name>\`${names.length ? ` (one of ${listOf(names)})` : ''}`
        : need === 'stages'
          ? '`stages:` (a list of `{model, escalate}`, cheapest first)'
          : '`models:` (a list of at least two model names)';
    return [{ message: `${s.approach} needs ${what} in the strategy.`, severity: 'error', range, code: 'missing-model', data: { key: need } }];
  },
};
