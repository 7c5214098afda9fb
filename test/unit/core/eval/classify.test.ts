import assert from 'node:assert/strict';
import { topClass } from '../../../../server/src/core/eval/classify';
import { readEvalSpec } from '../../../../server/src/core/eval/spec';

describe('core/eval/classify', () => {
  it('names the most probable class of a probability row, softmaxing logits', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.3, 0.7]);
    assert.deepEqual(topClass(probs, 0, ['0', '180']), { text: '0', confidence: probs[0] });
    assert.deepEqual(topClass(probs, 1, ['0', '180']), { text: '180', confidence: probs[3] });
    const logits = Float32Array.from([2, -1, 0.5]);
    const t = topClass(logits, 0, ['a', 'b', 'c']);
    assert.equal(t.text, 'a');
    assert.ok(Math.abs(t.confidence - Math.exp(2) / (Math.exp(2) + Math.exp(-1) + Math.exp(0.5))) < 1e-6);
  });

  it('reads a classifier eval block: classes, width; refuses a dictionary beside classes and bad lists', () => {
    const block = (extra: string) => `version: 1\nquality:\n  eval:\n    inputs: in\n    labels: l.jsonl\n    metric: top1\n${extra}`;
    const ok = readEvalSpec('/w/c.ttc.yaml', block("    classes: ['0', 180]\n    width: 192\n"));
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.spec?.classes, ['0', '180']);
    assert.equal(ok.spec?.width, 192);
    assert.match(readEvalSpec('/w/c.ttc.yaml', block("    classes: ['0', '180']\n    dictionary: d.txt\n")).errors.join(), /both a dictionary .* and classes/);
    assert.match(readEvalSpec('/w/c.ttc.yaml', block("    classes: ['0']\n")).errors.join(), /at least two class names/);
    assert.match(readEvalSpec('/w/c.ttc.yaml', block("    classes: ['0', '0']\n")).errors.join(), /names a class twice/);
    assert.match(readEvalSpec('/w/c.ttc.yaml', block("    classes: ['0', '1']\n    width: 3\n")).errors.join(), /width must be/);
  });
});
