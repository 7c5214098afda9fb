import { strict as assert } from 'node:assert';
import { utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelSummaryCache } from '../../../../server/src/core/onnx/cache';
import { writeModel } from '../../../../server/src/core/onnx/writer';
import { buildMlp } from '../../../../server/src/core/onnx/builders';
import { tempDir } from './helpers';

describe('core/onnx/cache', () => {
  const t = tempDir();
  after(() => t.cleanup());

  it('reads a file once per mtime+size and analyses once per binding set', async () => {
    const file = path.join(t.dir, 'm.onnx');
    await writeModel(file, buildMlp({ inputs: 4, hidden: 4, outputs: 2, layers: 1 }));
    const c = new ModelSummaryCache();
    const a = c.get(file, { batch: 2 });
    assert.equal(c.get(file, { batch: 2 }), a, 'same object from the cache');
    assert.notEqual(c.get(file, { batch: 3 }), a);
    assert.equal(c.reads, 1);
    // Same size, new mtime: read again.
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    c.get(file, { batch: 2 });
    assert.equal(c.reads, 2);
  });

  it('caches read errors too, and forgets files that disappear', () => {
    const bad = path.join(t.dir, 'bad.onnx');
    writeFileSync(bad, 'text');
    const c = new ModelSummaryCache();
    assert.throws(() => c.get(bad), /not an ONNX model/);
    assert.throws(() => c.get(bad), /not an ONNX model/);
    assert.equal(c.reads, 1);
    assert.throws(() => c.get(path.join(t.dir, 'gone.onnx')), /model file not found/);
  });
});
