import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readSmallTextFile } from '../../../../server/src/core/model/files';
import { tempDir } from '../onnx/helpers';

describe('core/model/files', () => {
  const t = tempDir('ttc-model-files-');
  after(() => t.cleanup());

  it('reads small files; missing, folders and files over the cap are undefined', () => {
    writeFileSync(path.join(t.dir, 'c.json'), '{"a":1}');
    writeFileSync(path.join(t.dir, 'big.json'), 'x'.repeat(2000));
    mkdirSync(path.join(t.dir, 'dir.json'));
    assert.equal(readSmallTextFile(path.join(t.dir, 'c.json')), '{"a":1}');
    assert.equal(readSmallTextFile(path.join(t.dir, 'big.json'), 1000), undefined);
    assert.equal(readSmallTextFile(path.join(t.dir, 'dir.json')), undefined);
    assert.equal(readSmallTextFile(path.join(t.dir, 'missing.json')), undefined);
  });
});
