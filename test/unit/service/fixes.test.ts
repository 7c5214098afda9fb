import { strict as assert } from 'node:assert';
import { PROBLEM_CODE_LIST } from '../../../server/src/core/config/codes';
import { STRUCTURE_FIXES } from '../../../server/src/core/config/structure';
import { fixesFor } from '../../../server/src/service/codeActions';
import { RULES } from '../../../server/src/service/validation';
import { parseConfig } from '../../../server/src/core/config/parse';
import { validateConfig } from '../../../server/src/service/validation';

describe('service: quick-fixes beside their checks', () => {
  it('each fix table is keyed by documented codes, and no code has fixes in two places', () => {
    const tables = [STRUCTURE_FIXES, ...RULES.map((r) => r.fixes ?? {})];
    const keys = tables.flatMap((t) => Object.keys(t));
    for (const k of keys) assert.ok((PROBLEM_CODE_LIST as string[]).includes(k), k);
    assert.equal(new Set(keys).size, keys.length, keys.join(', '));
    assert.deepEqual([...keys].sort(), ['dvts-divisibility', 'file-not-found', 'invalid-value', 'undefined-model', 'unknown-approach', 'unknown-key']);
  });

  it('a problem gets the fixes of the rule that reported it, from its typed data', () => {
    const text = 'version: 1\nmodels:\n  gen: { path: g.onnx }\nstrategy:\n  approach: dvts\n  model: gen\n  verifier: gen\n  n: 10\n  beam_width: 4\n  beam_widht: 4\n';
    const titles = validateConfig({ text }, parseConfig(text)).flatMap((p) => fixesFor(p).map((f) => `${p.code}: ${f.title}`));
    assert.deepEqual(titles, ['dvts-divisibility: Set n to 8 (a multiple of beam_width)', 'dvts-divisibility: Set n to 12 (a multiple of beam_width)', "unknown-key: Rename to 'beam_width'"]);
  });
});
