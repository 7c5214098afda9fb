import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { applyStrategyChanges, describeChanges, strategyChanges } from '../../../../server/src/core/quality/apply';

const TEXT = `# OCR with test-time augmentation
version: 1
models:
  rec: { path: rec.onnx }   # the recognizer

strategy:
  approach: tta   # vote over views
  model: rec
  views: 4

budget:
  latency: { p50: 500ms }
`;

describe('core/quality/apply', () => {
  it('writes only the strategy keys that change and keeps comments and layout', () => {
    const current = parseConfig(TEXT).config.strategy;
    const c = strategyChanges(current, { approach: 'tta', model: 'rec', views: 2 });
    assert.deepEqual(c, { set: [['views', 2]], remove: [] });
    const out = applyStrategyChanges(TEXT, c)!;
    assert.equal(out, TEXT.replace('views: 4', 'views: 2'));
    assert.equal(describeChanges(current, c), 'views 4 → 2');
  });

  it('switches approach: sets the new keys and removes the ones the new strategy does not use', () => {
    const text = TEXT.replace('  views: 4\n', '  views: 4\n  seed: 3  # keep me? no: removed\n');
    const current = parseConfig(text).config.strategy;
    const c = strategyChanges(current, { approach: 'early_exit', model: 'rec', max_n: 8 });
    const out = applyStrategyChanges(text, c)!;
    const next = parseConfig(out).config.strategy;
    assert.deepEqual(next, { approach: 'early_exit', model: 'rec', max_n: 8 });
    assert.ok(out.startsWith('# OCR with test-time augmentation\n'));
    assert.match(out, /approach: early_exit {3}# vote over views/);
    assert.match(out, /rec: \{ path: rec\.onnx \} {3}# the recognizer/);
    assert.equal(describeChanges(current, c), 'approach tta → early_exit, max_n: 8, removed seed, views');
  });

  it('gives up rather than write what it cannot keep (an alias in the strategy section)', () => {
    const text = 'version: 1\nmodels: { rec: { path: r.onnx } }\nbase: &v 4\nstrategy:\n  approach: tta\n  model: rec\n  views: *v\n';
    assert.equal(applyStrategyChanges(text, { set: [['views', 2]], remove: [] }), undefined);
  });
});
