import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { at, brief, VALID } from './helpers';

const problems = (text: string) => parseConfig(text).problems;

describe('core/config/structure (schema checks)', () => {
  it('flags unknown keys at the key with a suggestion and the valid keys', () => {
    const text = VALID.replace('  n: 8', '  beamwidth: 4\n  n: 8');
    const [p, ...rest] = problems(text);
    assert.deepEqual(rest, []);
    assert.equal(p.code, 'unknown-key');
    assert.deepEqual(p.range, at(text, 'beamwidth'));
    assert.match(p.message, /Unknown key 'beamwidth' in strategy\. Did you mean 'beam_width'\? Valid keys for best_of_n: 'approach', 'model', 'verifier', 'n', 'temperature'/);
    assert.deepEqual(p.data, { path: ['strategy', 'beamwidth'], suggestion: 'beam_width' });
  });

  it('flags unknown top-level sections', () => {
    const text = VALID + 'hardwre:\n  provider: cpu\n';
    // hardware exists already, so the typo is just unknown; the suggestion still helps.
    assert.deepEqual(brief(text, problems(text)), ['unknown-key@hardwre']);
    assert.match(problems(text)[0].message, /in the top level\. Did you mean 'hardware'\?/);
  });

  it('flags wrong types at the value', () => {
    const text = VALID.replace('n: 8', 'n: four').replace('prompt_tokens: 128', 'prompt_tokens: [1]');
    assert.deepEqual(brief(text, problems(text)), ['wrong-type@four', 'wrong-type@[1]']);
    assert.match(problems(text)[0].message, /'strategy\.n' is "four"; expected a whole number\./);
    assert.match(problems(text)[1].message, /is a list; expected a whole number/);
  });

  it('flags an empty section', () => {
    const text = VALID.replace(/strategy:\n( {2}.*\n)+/, 'strategy:\n');
    const ps = problems(text);
    assert.deepEqual(brief(text, ps), ['wrong-type@strategy']);
    assert.match(ps[0].message, /'strategy' is empty; expected a mapping/);
  });

  it('flags out-of-range values with the valid range', () => {
    const text = VALID.replace('n: 8', 'n: 0\n  top_p: 1.5\n  temperature: -1');
    const ps = problems(text);
    assert.deepEqual(brief(text, ps), ['out-of-range@0', 'out-of-range@1.5', 'out-of-range@-1']);
    assert.match(ps[0].message, /'strategy\.n' is 0; it must be between 1 and 65536\./);
    assert.match(ps[1].message, /must be > 0 and ≤ 1/);
  });

  it('names the valid approaches for an unknown one', () => {
    const text = VALID.replace('approach: best_of_n', 'approach: best-of-n');
    const [p] = problems(text);
    assert.equal(p.code, 'unknown-approach');
    assert.deepEqual(p.range, at(text, 'best-of-n'));
    assert.match(p.message, /Unknown approach 'best-of-n'\. Did you mean 'best_of_n'\? Valid approaches: 'single', 'best_of_n', .* or 'ensemble'\./);
  });

  it('flags invalid enum values and versions', () => {
    const text = VALID.replace('provider: cpu', 'provider: gpu').replace('version: 1', 'version: 2');
    const ps = problems(text);
    assert.deepEqual(brief(text, ps), ['unsupported-version@2', 'invalid-value@gpu']);
    assert.match(ps[1].message, /'hardware\.provider' is 'gpu'\. (Did you mean '\w+'\? )?Valid values: 'cpu', 'cuda'/);
  });

  it('flags unreadable units with an example of what works', () => {
    const text = VALID.replace('p95: 2s', 'p95: 2 seconds').replace('memory: 8GiB', 'memory: 8 gigs');
    const ps = problems(text);
    assert.deepEqual(brief(text, ps), ['invalid-unit@8 gigs', 'invalid-unit@2 seconds']);
    assert.match(ps[1].message, /expected a duration such as 800ms, 2s/);
  });

  it('flags missing required keys at the section key', () => {
    const text = VALID.replace('  approach: best_of_n\n', '');
    const ps = problems(text);
    assert.deepEqual(brief(text, ps), ['missing-key@strategy']);
    assert.match(ps[0].message, /'strategy' is missing the required key 'approach' \(one of 'single', 'best_of_n'/);
    const noModels = 'version: 1\n';
    assert.deepEqual(brief(noModels, problems(noModels)), ['missing-key@version: 1']);
  });

  it('flags invalid model names and too-short lists', () => {
    const text = 'version: 1\nmodels:\n  "my model":\n    path: a.onnx\nstrategy:\n  approach: cascade\n  stages: [{model: x}]\n';
    assert.deepEqual(brief(text, problems(text)), ['invalid-name@"my model"', 'out-of-range@[{model: x}]']);
  });
});

describe('core/config/structure (one message per value)', () => {
  it('reports a wrong type once, with what would be valid', () => {
    const version = 'version: "1"\nmodels: {}\n';
    assert.deepEqual(brief(version, problems(version)), ['wrong-type@"1"']);
    const approach = 'version: 1\nmodels: {}\nstrategy:\n  approach: 3\n';
    assert.match(problems(approach)[0].message, /expected text: one of 'single', 'best_of_n'/);
    assert.equal(problems(approach).length, 1);
    const latency = 'version: 1\nmodels: {}\nbudget:\n  latency: 2s\n';
    assert.match(problems(latency)[0].message, /'budget\.latency' is "2s"; expected a mapping \(key: value\) with 'p50' or 'p95'\./);
  });

  it('shows the mapping form for a model written as a bare path', () => {
    const text = 'version: 1\nmodels:\n  gen: models/x.onnx\n';
    assert.equal(problems(text)[0].message, "Model 'gen' must be a mapping: write `gen: { path: models/x.onnx }` (or `config:` for a config.json).");
  });
});
