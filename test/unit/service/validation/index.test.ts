import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { MAX_PROBLEMS, RULES, validateConfig } from '../../../../server/src/service/validation';
import { PROBLEM_CODES } from '../../../../server/src/core/config/codes';
import { brief, VALID } from './helpers';

describe('service/validation (all rules)', () => {
  it('merges parser and rule problems sorted by position', () => {
    const text = VALID.replace('approach: best_of_n', 'approach: dvts').replace('verifier: prm', 'verifier: pmr').replace('n: 8', 'n: 10\n  beam_width: 4\n  bogus: 1');
    const ps = validateConfig({ text }, parseConfig(text));
    assert.deepEqual(brief(text, ps), ['undefined-model@pmr', 'dvts-divisibility@10', 'unknown-key@bogus']);
  });

  it('skips semantic rules when the YAML does not parse', () => {
    const text = VALID.replace('n: 8', 'n: [8');
    assert.ok(validateConfig({ text }, parseConfig(text)).every((p) => p.code === 'yaml-syntax'));
  });

  it('caps the number of problems', () => {
    const text = 'version: 1\nmodels:\n' + Array.from({ length: 400 }, (_, i) => `  m${i}: {}`).join('\n');
    assert.equal(validateConfig({ text }, parseConfig(text)).length, MAX_PROBLEMS);
  });

  it('documents every code a rule reports', () => {
    for (const r of RULES) assert.ok(PROBLEM_CODES[r.id], r.id);
  });
});
