/**
 * The parser (and the whole validation path) must never throw and must finish on any input: random
 * bytes, binary, mutations of a valid config, deep nesting, huge files and alias bombs. Inputs are
 * generated from a fixed seed so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { validateConfig } from '../../../../server/src/service/validation';
import { VALID } from './helpers';
import { mulberry32 } from '../../../../server/src/core/random';

/** The project's seeded generator (core/random.ts). */
const rng = mulberry32;

function check(text: string): void {
  const parsed = parseConfig(text);
  const problems = validateConfig({ text, fsPath: '/ws/a.ttc.yaml', fileExists: () => false }, parsed);
  for (const p of problems) {
    assert.ok(p.range.start >= 0 && p.range.end >= p.range.start && p.range.end <= text.length, `range ${JSON.stringify(p.range)} out of bounds`);
    assert.equal(typeof p.message, 'string');
  }
  assert.ok(problems.length <= 400);
}

describe('core/config fuzz', () => {
  it('survives random bytes', () => {
    const r = rng(1);
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(r() * 400);
      check(Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256))).toString('latin1'));
    }
  });

  it('survives random mutations of a valid config', () => {
    const r = rng(2);
    const alphabet = ':-[]{}&*!|>\'"#%@`,?\n\t 0123456789abc\u0000\uffff';
    for (let i = 0; i < 500; i++) {
      const chars = [...VALID];
      const edits = 1 + Math.floor(r() * 8);
      for (let e = 0; e < edits; e++) {
        const pos = Math.floor(r() * chars.length);
        const op = r();
        if (op < 0.4) chars.splice(pos, 1);
        else if (op < 0.8) chars.splice(pos, 0, alphabet[Math.floor(r() * alphabet.length)]);
        else chars[pos] = alphabet[Math.floor(r() * alphabet.length)];
      }
      check(chars.join(''));
    }
  });

  it('survives deep nesting, long lines, many keys and alias bombs', () => {
    check('['.repeat(5000));
    check('{a: '.repeat(3000));
    check('a:\n' + Array.from({ length: 500 }, (_, i) => ' '.repeat(i + 1) + 'b:').join('\n'));
    check('- '.repeat(3000) + 'x');
    check('version: 1\nmodels:\n' + Array.from({ length: 5000 }, (_, i) => `  m${i}:\n    path: m${i}.onnx`).join('\n'));
    check('x: ' + 'y'.repeat(200_000));
    check('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]');
    check('version: 1\nmodels: &m {a: {path: a.onnx}}\nstrategy: {approach: ensemble, models: *m}\n');
    check('\ufeffversion: 1\r\nmodels: {}\r\n');
    check('%YAML 1.2\n---\nversion: 1\n---\nversion: 2\n');
    check('!!binary abc\n');
    check('? [a, b]\n: c\n');
  });

  it('refuses pathological nesting and alias chains up front (yaml would take seconds to hours)', () => {
    const cases: Array<[string, RegExp]> = [
      ['['.repeat(250_000), /nests more than 64 levels/],
      ['{a: '.repeat(60_000), /nests more than 64 levels/],
      ['- '.repeat(120_000) + 'x', /nests more than 64 levels/],
      [Array.from({ length: 8_000 }, (_, i) => `k${i}: &a${i} [*a${Math.max(0, i - 1)}]`).join('\n'), /more than 100 YAML aliases/],
    ];
    for (const [text, message] of cases) {
      const r = parseConfig(text);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0].message, message);
      check(text);
    }
  });

  it('still reads legitimate nesting, quotes and comments with brackets', () => {
    const text = 'version: 1\nmodels:\n  gen: {path: "a[[[[.onnx", dims: {batch: 1}}  # [[[[[[ {{{{\nstrategy: {approach: single, model: gen}\n';
    assert.deepEqual(parseConfig(text).problems, []);
    const deep = 'x: ' + '['.repeat(60) + ']'.repeat(60) + '\n';
    assert.ok(!parseConfig(deep).problems.some((p) => /nests/.test(p.message)));
  });
});
