import * as assert from 'node:assert/strict';
import { modelPickItems, onnxPathAt, summaryDocName } from '../../../client/src/modelPick';

describe('client/modelPick', () => {
  describe('onnxPathAt', () => {
    const line = '    path: models/decoder-tiny.onnx  # the generator';
    it('finds a plain path under the cursor, at its start, middle and end', () => {
      const start = line.indexOf('models');
      for (const c of [start, start + 8, start + 'models/decoder-tiny.onnx'.length]) assert.equal(onnxPathAt(line, c), 'models/decoder-tiny.onnx');
    });
    it('returns nothing away from the path', () => {
      assert.equal(onnxPathAt(line, 2), undefined);
      assert.equal(onnxPathAt(line, line.indexOf('generator')), undefined);
    });
    it('reads quoted paths with spaces and sequence items', () => {
      assert.equal(onnxPathAt('  - "my models/a b.onnx"', 8), 'my models/a b.onnx');
      assert.equal(onnxPathAt("  path: 'x.ONNX'", 10), 'x.ONNX');
      assert.equal(onnxPathAt('  - ./m.onnx', 6), './m.onnx');
    });
    it('finds paths in flow collections', () => {
      const l = 'models: [a.onnx, dir/b.onnx]';
      assert.equal(onnxPathAt(l, l.indexOf('dir')), 'dir/b.onnx');
      assert.equal(onnxPathAt(l, l.indexOf('a.onnx') + 1), 'a.onnx');
    });
    it('ignores other extensions', () => {
      assert.equal(onnxPathAt('  config: genai_config.json', 14), undefined);
    });
  });

  it('builds one pick row per (config, path), sorted by config then name', () => {
    const rows = modelPickItems(
      [
        { name: 'prm', path: 'models/prm.onnx', configUri: 'file:///w/b.ttc.yaml' },
        { name: 'gen', path: 'models/gen.onnx', configUri: 'file:///w/b.ttc.yaml' },
        { name: 'gen', path: 'models/gen.onnx', configUri: 'file:///w/b.ttc.yaml' },
        { name: 'cls', path: 'models/cls.onnx', configUri: 'file:///w/a.ttc.yaml' },
      ],
      (u) => u.replace('file:///w/', ''),
    );
    assert.deepEqual(
      rows.map((r) => [r.detail, r.label, r.description]),
      [
        ['a.ttc.yaml', 'cls', 'models/cls.onnx'],
        ['b.ttc.yaml', 'gen', 'models/gen.onnx'],
        ['b.ttc.yaml', 'prm', 'models/prm.onnx'],
      ],
    );
  });

  it('names the summary document after the model file, safely', () => {
    assert.equal(summaryDocName('/a/b/decoder-tiny.onnx'), 'decoder-tiny.onnx summary.md');
    assert.equal(summaryDocName('C:\\m\\we ird?.onnx'), 'we_ird_.onnx summary.md');
    assert.equal(summaryDocName(''), 'model.onnx summary.md');
  });
});

