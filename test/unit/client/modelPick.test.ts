import * as assert from 'node:assert/strict';
import { configPickItems, modelPickItems, onnxPathAt, profileToast, reportDocName, summaryDocName } from '../../../client/src/modelPick';

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

  describe('Profile Models', () => {
    it('offers one row per config, open or not, with its models', () => {
      const models = [
        { name: 'generator', path: '/w/m/g.onnx', configUri: 'file:///w/b.ttc.yaml' },
        { name: 'prm', path: '/w/m/p.onnx', configUri: 'file:///w/b.ttc.yaml' },
        { name: 'llama', path: '/w/l/config.json', configUri: 'file:///w/a.ttc.yaml' },
      ];
      const items = configPickItems(['file:///w/new.ttc.yaml', 'file:///w/b.ttc.yaml', 'file:///w/a.ttc.yaml', 'file:///w/b.ttc.yaml'], models, (u) => u.slice('file:///w/'.length));
      assert.deepEqual(
        items.map((i) => `${i.label}: ${i.description}`),
        ['a.ttc.yaml: llama', 'b.ttc.yaml: generator, prm', 'new.ttc.yaml: no models'],
      );
    });

    it('names the report after its config', () => {
      assert.equal(reportDocName(['math dvts.ttc.yaml']), 'Profile report math_dvts.ttc.yaml.md');
      assert.equal(reportDocName(['a', 'b']), 'Profile report 2_configs.md');
    });

    it('the toast says which config, what was measured, and what cannot be and why', () => {
      // The shape-only config of the examples: nothing to run is not "profiled 2 of 2" of another tab.
      const shapeOnly = profileToast({ profiled: [], skipped: [{ model: 'generator', kind: 'shape-only', reason: '…' }], configs: ['llama-self-consistency.ttc.yaml'] });
      assert.deepEqual(shapeOnly, { message: 'TTC Lens: profiled 0 of 1 model(s) of llama-self-consistency.ttc.yaml; cannot measure generator (shape-only, nothing to run).', warn: true });
      const mixed = profileToast({
        profiled: [
          { model: 'generator', ok: true, message: 'p50 1 ms' },
          { model: 'prm', ok: false, message: 'crashed' },
        ],
        skipped: [{ model: 'big', kind: 'missing', reason: '…' }],
        configs: ['a.ttc.yaml'],
      });
      assert.equal(mixed.message, 'TTC Lens: profiled 1 of 3 model(s) of a.ttc.yaml; 1 failed (prm); cannot measure big (file missing).');
      assert.deepEqual(profileToast({ profiled: [{ model: 'g', ok: true, message: '' }], configs: ['a.ttc.yaml'] }), { message: 'TTC Lens: profiled 1 of 1 model(s) of a.ttc.yaml.', warn: false });
      assert.equal(profileToast({ profiled: [], configs: ['e.ttc.yaml'] }).message, 'TTC Lens: no models to profile in e.ttc.yaml.');
    });
  });
});
