import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { getLanguageService } from '../../../server/src/service/languageService';

const fsPath = path.join(path.sep, 'ws', 'a.ttc.yaml');
const tree: Record<string, Array<{ name: string; isDirectory: boolean }>> = {
  [path.join(path.sep, 'ws')]: [
    { name: 'a.ttc.yaml', isDirectory: false },
    { name: 'models', isDirectory: true },
    { name: 'notes.txt', isDirectory: false },
    { name: '.git', isDirectory: true },
  ],
  [path.join(path.sep, 'ws', 'models')]: [
    { name: 'decoder-tiny.onnx', isDirectory: false },
    { name: 'prm-tiny.onnx', isDirectory: false },
    { name: 'llama', isDirectory: true },
    { name: 'readme.md', isDirectory: false },
  ],
};
const service = getLanguageService({
  listDir: (p) => {
    const t = tree[p];
    if (!t) throw new Error('ENOENT');
    return t;
  },
});

function complete(textWithCursor: string): CompletionItem[] {
  const i = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, i) + textWithCursor.slice(i + 1);
  const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, text);
  return service.complete(doc, doc.positionAt(i), { fsPath });
}
const labels = (items: CompletionItem[]) => items.map((c) => c.label);

describe('service/completion', () => {
  it('offers top-level keys not yet present, required first', () => {
    const items = complete('version: 1\n|');
    assert.deepEqual(labels(items), ['models', 'strategy', 'workload', 'hardware', 'budget', 'quality']);
    assert.equal(items[0].detail, 'required');
    assert.equal(items[0].insertText, 'models:\n  ');
    assert.match((items[1].documentation as { value: string }).value, /test-time compute strategy/);
  });

  it('offers model keys with docs', () => {
    const items = complete('version: 1\nmodels:\n  gen:\n    |');
    assert.deepEqual(labels(items), ['path', 'config', 'precision', 'dims', 'inputs', 'samples']);
  });

  it('offers only the strategy parameters the approach uses', () => {
    const items = labels(complete('version: 1\nmodels: {}\nstrategy:\n  approach: dvts\n  |'));
    assert.ok(items.includes('beam_width') && items.includes('verifier') && items.includes('num_iterations'));
    assert.ok(!items.includes('views') && !items.includes('approach') && !items.includes('stages'));
  });

  it('offers enum values with their docs', () => {
    const items = complete('version: 1\nstrategy:\n  approach: |');
    assert.equal(items.length, 11);
    const dvts = items.find((c) => c.label === 'dvts')!;
    assert.match((dvts.documentation as { value: string }).value, /n % beam_width == 0/);
    assert.deepEqual(labels(complete('hardware:\n  provider: |')).slice(0, 3), ['cpu', 'cuda', 'tensorrt']);
  });

  it('offers model names where a model reference goes', () => {
    const text = 'version: 1\nmodels:\n  gen: {path: a.onnx}\n  prm: {path: b.onnx}\nstrategy:\n  approach: best_of_n\n  verifier: |\n';
    assert.deepEqual(labels(complete(text)), ['gen', 'prm']);
    const stages = 'version: 1\nmodels:\n  small: {path: a.onnx}\nstrategy:\n  approach: cascade\n  stages:\n    - model: |\n';
    assert.deepEqual(labels(complete(stages)), ['small']);
    const ensemble = 'version: 1\nmodels:\n  a: {path: a.onnx}\n  b: {path: b.onnx}\nstrategy:\n  approach: ensemble\n  models:\n    - |\n';
    assert.deepEqual(labels(complete(ensemble)), ['a', 'b']);
  });

  it('offers .onnx files and folders relative to the config file', () => {
    const top = complete('version: 1\nmodels:\n  gen:\n    path: |');
    assert.deepEqual(labels(top), ['models/']);
    const inside = complete('version: 1\nmodels:\n  gen:\n    path: models/de|');
    assert.deepEqual(labels(inside), ['decoder-tiny.onnx', 'prm-tiny.onnx', 'llama/']);
    const edit = inside[0].textEdit as TextEdit;
    assert.deepEqual(edit.range, { start: { line: 3, character: 17 }, end: { line: 3, character: 19 } });
    assert.equal(edit.newText, 'decoder-tiny.onnx');
  });

  it('offers .json files for config and nothing for a missing folder', () => {
    assert.deepEqual(labels(complete('version: 1\nmodels:\n  l:\n    config: models/|')), ['llama/']);
    assert.deepEqual(complete('version: 1\nmodels:\n  gen:\n    path: nowhere/|'), []);
  });

  it('offers keys inside cascade stages', () => {
    assert.deepEqual(labels(complete('strategy:\n  approach: cascade\n  stages:\n    - model: a\n      |')), ['escalate']);
    assert.deepEqual(labels(complete('strategy:\n  approach: cascade\n  stages:\n    - |')), ['model', 'escalate']);
  });

  it('returns nothing where nothing fits', () => {
    assert.deepEqual(complete('version: 1\nworkload:\n  prompt_tokens: |'), []);
    assert.deepEqual(complete('unknown:\n  x: |'), []);
    assert.deepEqual(complete('\u0000\u0001|'), []);
  });
});

describe('service/completion from the model file', () => {
  const asked: string[] = [];
  const withModel = getLanguageService({
    modelInputs: (p) => {
      asked.push(p);
      if (p.endsWith('broken.onnx')) throw new Error('not an ONNX model');
      return {
        symbols: [{ name: 'batch', assumed: 1 }, { name: 'sequence', assumed: 1 }, { name: 'past_sequence', assumed: 0 }],
        inputs: [
          { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
          { name: 'image', dtype: 'float32', shape: [1, 3, 'height', 64] },
        ],
      };
    },
  });
  const at = (textWithCursor: string) => {
    const i = textWithCursor.indexOf('|');
    const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, textWithCursor.slice(0, i) + textWithCursor.slice(i + 1));
    return withModel.complete(doc, doc.positionAt(i), { fsPath });
  };

  it("completes dims with the model's symbolic dimensions not yet bound", () => {
    const items = at('version: 1\nmodels:\n  gen:\n    path: models/decoder-tiny.onnx\n    dims:\n      batch: 1\n      |');
    assert.deepEqual(labels(items), ['sequence', 'past_sequence']);
    assert.equal(items[0].insertText, 'sequence: ');
    assert.match(String(items[1].detail), /assumed 0 when unbound/);
    assert.equal(asked[asked.length - 1], path.join(path.sep, 'ws', 'models', 'decoder-tiny.onnx'));
  });

  it('completes inputs with the input names and a shape to edit', () => {
    const items = at('version: 1\nmodels:\n  gen:\n    path: models/decoder-tiny.onnx\n    inputs:\n      |');
    assert.deepEqual(labels(items), ['input_ids', 'image']);
    assert.equal(items[0].detail, 'int64[batch, sequence]');
    assert.equal(items[1].insertText, 'image: [1, 3, 1, 64]');
  });

  it('offers nothing for a model without an ONNX path or one that cannot be read', () => {
    assert.deepEqual(at('version: 1\nmodels:\n  gen:\n    config: models/llama/config.json\n    dims:\n      |'), []);
    assert.deepEqual(at('version: 1\nmodels:\n  gen:\n    path: models/broken.onnx\n    dims:\n      |'), []);
  });
});
