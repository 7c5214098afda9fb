import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig, resolveModelPath } from '../../../../server/src/core/config/parse';
import { at, brief, VALID } from './helpers';

describe('core/config/parse', () => {
  it('parses a valid config into the typed model with units normalised', () => {
    const r = parseConfig(VALID);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config.version, 1);
    assert.deepEqual(r.config.models.gen, { name: 'gen', path: 'models/decoder-tiny.onnx' });
    assert.deepEqual(r.config.strategy, { approach: 'best_of_n', model: 'gen', verifier: 'prm', n: 8 });
    assert.deepEqual(r.config.workload, { prompt_tokens: 128, output_tokens: { mean: 200, p95: 400 } });
    assert.deepEqual(r.config.hardware, { provider: 'cpu', memory: 8 * 2 ** 30 });
    assert.deepEqual(r.config.budget, { latency_p50_ms: 800, latency_p95_ms: 2000, cost_per_1k_usd: 0.4 });
  });

  it('accepts output_tokens as a plain number', () => {
    const r = parseConfig(VALID.replace('{ mean: 200, p95: 400 }', '300'));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config.workload.output_tokens, { mean: 300 });
  });

  it('gives value and key ranges by path', () => {
    const r = parseConfig(VALID);
    assert.deepEqual(r.rangeOf(['strategy', 'n']), { start: at(VALID, 'n: 8').start + 3, end: at(VALID, 'n: 8').end });
    assert.deepEqual(r.keyRangeOf(['models', 'prm']), at(VALID, 'prm', 0));
    const entry = r.rangeOf(['models', 'gen'])!;
    assert.equal(VALID.slice(entry.start, entry.end).trim(), 'path: models/decoder-tiny.onnx');
    assert.deepEqual(r.rangeOf(['models', 'gen', 'path']), at(VALID, 'models/decoder-tiny.onnx'));
    assert.equal(r.rangeOf(['models', 'nope']), undefined);
    assert.equal(r.keyRangeOf(['strategy', 'n', 'deeper']), undefined);
  });

  it('falls back to the key range when a value is empty', () => {
    const text = 'version: 1\nmodels:\n  gen:\n';
    const r = parseConfig(text);
    assert.deepEqual(r.rangeOf(['models', 'gen']), at(text, 'gen'));
  });

  it('indexes list items by number', () => {
    const text = 'version: 1\nmodels: {}\nstrategy:\n  approach: cascade\n  stages:\n    - model: a\n    - model: b\n';
    const r = parseConfig(text);
    assert.deepEqual(r.rangeOf(['strategy', 'stages', 1, 'model']), { start: at(text, 'model: b').start + 7, end: at(text, 'model: b').end });
  });

  it('reports YAML syntax errors at their position and keeps going', () => {
    const text = 'version: 1\nmodels:\n  gen: [a, b\n';
    const r = parseConfig(text);
    assert.ok(r.problems.length >= 1);
    assert.equal(r.problems[0].code, 'yaml-syntax');
    assert.match(r.problems[0].message, /^YAML: /);
    assert.ok(r.problems[0].range.start >= at(text, '[').start);
  });

  it('reports duplicate keys at the second key', () => {
    const text = 'version: 1\nmodels: {}\nversion: 1\n';
    const r = parseConfig(text);
    assert.deepEqual(brief(text, r.problems), ['duplicate-key@version']);
    assert.equal(r.problems[0].range.start, at(text, 'version', 1).start);
  });

  it('reports a non-mapping document once, on the first line', () => {
    for (const text of ['', '# only a comment', '- a\n- b', 'just text', '42']) {
      const r = parseConfig(text);
      assert.equal(r.problems.length, 1, text);
      assert.equal(r.problems[0].code, 'wrong-type');
      assert.equal(r.problems[0].range.start, 0);
      assert.deepEqual(r.config.models, {});
    }
  });

  it('refuses oversized input up front', () => {
    const r = parseConfig('a: 1\n'.repeat(300_000));
    assert.deepEqual(r.problems.map((p) => p.code), ['too-large']);
    assert.equal(r.rangeOf(['a']), undefined);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const text = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const r = parseConfig(text);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /alias/i);
  });

  it('resolves model paths relative to the config file', () => {
    const cfg = path.join(path.sep, 'ws', 'cfg', 'a.ttc.yaml');
    assert.equal(resolveModelPath(cfg, 'models/m.onnx'), path.join(path.sep, 'ws', 'cfg', 'models', 'm.onnx'));
    assert.equal(resolveModelPath(cfg, '../m.onnx'), path.join(path.sep, 'ws', 'm.onnx'));
    assert.equal(resolveModelPath(cfg, path.join(path.sep, 'abs', 'm.onnx')), path.join(path.sep, 'abs', 'm.onnx'));
  });
});
