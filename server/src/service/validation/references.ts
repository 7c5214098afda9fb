/** `undefined-model`: strategy.model, verifier, stage models and ensemble members must name a model. */
import { closestOf, didYouMean, listOf } from '../../core/config/suggest';
import type { Problem } from '../../core/config/parse';
import { suggestionFix } from '../../core/config/problem';
import { rawStrategy, type Rule } from './rule';

export const rule: Rule = {
  id: 'undefined-model',
  validate(_doc, parsed) {
    const s = rawStrategy(parsed);
    if (!s) return [];
    const names = Object.keys(parsed.config.models);
    const refs: Array<{ path: Array<string | number>; name: unknown }> = [];
    for (const key of ['model', 'verifier']) if (key in s) refs.push({ path: ['strategy', key], name: s[key] });
    if (Array.isArray(s.stages))
      s.stages.forEach((st, i) => {
        if (st && typeof st === 'object' && 'model' in st) refs.push({ path: ['strategy', 'stages', i, 'model'], name: (st as Record<string, unknown>).model });
      });
    if (Array.isArray(s.models)) s.models.forEach((m, i) => refs.push({ path: ['strategy', 'models', i], name: m }));
    const out: Problem[] = [];
    for (const r of refs) {
      if (typeof r.name !== 'string' || names.includes(r.name)) continue;
      const range = parsed.rangeOf(r.path);
      if (!range) continue;
      const hint = didYouMean(r.name, names);
      const defined = names.length ? `Defined models: ${listOf(names)}.` : 'No models are defined yet: add one under `models:`.';
      out.push({
        message: `Model '${r.name}' is not defined in \`models\`. ${hint}${defined}`,
        severity: 'error',
        range,
        code: 'undefined-model',
        data: { path: r.path, name: r.name, suggestion: closestOf(hint) },
      });
    }
    return out;
  },
  fixes: {
    'undefined-model': (p) => suggestionFix('Change to', p.data?.suggestion),
  },
};
