import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelSummary } from '../../../server/src/core/onnx/analyze';
import { describeModelFile, nodeHost } from '../../../server/src/lsp/host';
import { tempDir } from '../core/onnx/helpers';

describe('lsp/host (the Node host the server and the CLI share)', () => {
  let t: ReturnType<typeof tempDir>;
  before(() => {
    t = tempDir('ttc-host-');
    mkdirSync(path.join(t.dir, 'models'));
    writeFileSync(path.join(t.dir, 'models', 'a.onnx'), 'not really onnx');
    writeFileSync(path.join(t.dir, 'notes.md'), '# a model\n');
  });
  after(() => t.cleanup());

  it('reads the file system: existence, folder listings, small text files', () => {
    const h = nodeHost();
    assert.equal(h.fileExists!(path.join(t.dir, 'notes.md')), true);
    assert.equal(h.fileExists!(path.join(t.dir, 'missing.onnx')), false);
    assert.deepEqual(h.listDir!(t.dir).sort((a, b) => a.name.localeCompare(b.name)), [
      { name: 'models', isDirectory: true },
      { name: 'notes.md', isDirectory: false },
    ]);
    assert.equal(h.readFile!(path.join(t.dir, 'notes.md')), '# a model\n');
  });

  it('model file problems: a stat by default (a folder is reported, a corrupt file is not read), or the function given', () => {
    const h = nodeHost();
    assert.equal(h.modelFileProblem!(path.join(t.dir, 'models')), 'is a folder, not an ONNX file');
    assert.equal(h.modelFileProblem!(path.join(t.dir, 'models', 'a.onnx')), undefined);
    const cli = nodeHost({ modelFileProblem: (p) => (p.endsWith('.onnx') ? 'corrupt' : undefined) });
    assert.equal(cli.modelFileProblem!(path.join(t.dir, 'models', 'a.onnx')), 'corrupt');
  });

  it('without an analyser or model descriptions (the CLI) it offers neither; with them, inputs come from the cache of ONNX files only', async () => {
    const bare = nodeHost();
    assert.equal(bare.modelInputs, undefined);
    assert.equal(bare.describeModel, undefined);
    const peeked: string[] = [];
    const summary = { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }], bindings: { assumed: { batch: 1 } } } as unknown as ModelSummary;
    const h = nodeHost({
      analyzer: { peek: (p) => (peeked.push(p), p.endsWith('a.onnx') ? summary : undefined) },
      describeModel: async (p) => [`about ${path.basename(p)}`],
    });
    assert.deepEqual(h.modelInputs!(path.join(t.dir, 'models', 'a.onnx')), { symbols: [{ name: 'batch', assumed: 1 }], inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }] });
    assert.equal(h.modelInputs!(path.join(t.dir, 'models', 'b.onnx')), undefined);
    assert.equal(h.modelInputs!(path.join(t.dir, 'model.json')), undefined);
    assert.deepEqual(peeked.map((p) => path.basename(p)), ['a.onnx', 'b.onnx']);
    assert.deepEqual(await h.describeModel!(path.join(t.dir, 'models', 'a.onnx'), {}), ['about a.onnx']);
  });

  it('describeModelFile: an ONNX file\'s static analysis from the analyser (its error when it cannot be read), nothing for other files', async () => {
    const asked: string[] = [];
    const analyzer = {
      get: async (p: string) => {
        asked.push(path.basename(p));
        throw new Error('truncated file');
      },
    };
    assert.deepEqual(await describeModelFile(analyzer, path.join(t.dir, 'models', 'a.onnx'), {}), ['**Model could not be read:** truncated file']);
    assert.deepEqual(await describeModelFile(analyzer, path.join(t.dir, 'notes.md'), {}), []);
    assert.deepEqual(asked, ['a.onnx']);
  });
});
