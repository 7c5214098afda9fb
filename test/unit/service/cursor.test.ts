import assert from 'node:assert/strict';
import { cursorContext } from '../../../server/src/service/cursor';

/** Context at the `|` in a text. */
function ctxAt(textWithCursor: string) {
  const i = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, i) + textWithCursor.slice(i + 1);
  const before = text.slice(0, i).split('\n');
  return cursorContext(text, before.length - 1, before[before.length - 1].length);
}

describe('service/cursor', () => {
  it('finds the mapping of a key being typed, from indentation', () => {
    assert.deepEqual(ctxAt('version: 1\nmodels:\n  gen:\n    pa|\n'), { kind: 'key', path: ['models', 'gen'], prefix: 'pa', keyColumn: 4 });
    assert.deepEqual(ctxAt('strategy:\n  approach: dvts\n  |'), { kind: 'key', path: ['strategy'], prefix: '', keyColumn: 2 });
    assert.deepEqual(ctxAt('version: 1\n|'), { kind: 'key', path: [], prefix: '', keyColumn: 0 });
  });

  it('finds values, including inside list items', () => {
    assert.deepEqual(ctxAt('strategy:\n  approach: be|'), { kind: 'value', path: ['strategy', 'approach'], key: 'approach', prefix: 'be' });
    assert.deepEqual(ctxAt('strategy:\n  stages:\n    - model: sm|'), { kind: 'value', path: ['strategy', 'stages', 0, 'model'], key: 'model', prefix: 'sm' });
    assert.deepEqual(ctxAt('strategy:\n  stages:\n    - model: a\n      esc|'), { kind: 'key', path: ['strategy', 'stages', 0], prefix: 'esc', keyColumn: 6 });
  });

  it('finds list items', () => {
    assert.deepEqual(ctxAt('strategy:\n  models:\n    - |'), { kind: 'item', path: ['strategy', 'models'], prefix: '' });
  });

  it('skips comments and blank lines and works on broken YAML', () => {
    assert.deepEqual(ctxAt('models: [\nstrategy:\n  # the plan\n\n  appr|'), { kind: 'key', path: ['strategy'], prefix: 'appr', keyColumn: 2 });
  });
});
