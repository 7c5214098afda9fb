import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { getLanguageService } from '../../../server/src/service/languageService';

const fsPath = path.join(path.sep, 'ws', 'a.ttc.yaml');
const calls: Array<{ absPath: string; bind: Record<string, number> }> = [];
const service = getLanguageService({
  fileExists: (p) => p.endsWith('decoder-tiny.onnx'),
  describeModel: async (absPath, bind) => {
    calls.push({ absPath, bind });
    return ['**Graph**: 42 nodes'];
  },
});
const TEXT = `version: 1
models:
  gen:
    path: models/decoder-tiny.onnx
    dims: {batch: 2}
  prm:
    path: models/missing.onnx
strategy:
  approach: dvts
  model: gen
  beam_width: 4
budget:
  latency: {p50: 1.5min}
`;

async function hoverAt(needle: string, delta = 1, text = TEXT): Promise<{ h: Hover | null; value: string; doc: TextDocument }> {
  const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, text);
  const h = await service.hover(doc, doc.positionAt(text.indexOf(needle) + delta), { fsPath, defaultDims: { batch: 1, sequence: 64 } });
  return { h, value: (h?.contents as MarkupContent | undefined)?.value ?? '', doc };
}

describe('service/hover', () => {
  it('documents keys from the schema, with range and approaches', async () => {
    const { h, value, doc } = await hoverAt('beam_width');
    assert.match(value, /^\*\*beam_width\*\* — a whole number/);
    assert.match(value, /Expansions per kept beam/);
    assert.match(value, /Range: between 1 and 4096\. Used by: 'beam_search' or 'dvts'\./);
    assert.deepEqual(h!.range, { start: doc.positionAt(TEXT.indexOf('beam_width')), end: doc.positionAt(TEXT.indexOf('beam_width') + 10) });
  });

  it('documents every key of the schema somewhere', async () => {
    for (const key of ['version', 'models', 'strategy', 'budget', 'latency', 'p50', 'dims']) {
      const { value } = await hoverAt(`${key}:`);
      assert.ok(value.length > 20, key);
    }
  });

  it('explains an enum value', async () => {
    const { value } = await hoverAt('dvts\n');
    assert.match(value, /^\*\*dvts\*\*\n\nDiverse verifier tree search/);
  });

  it('shows the normalised amount of a unit', async () => {
    const { value } = await hoverAt('1.5min');
    assert.match(value, /= \*\*90\.0 s\*\*/);
  });

  it('describes a model file with describeModel sections and merged dims', async () => {
    calls.length = 0;
    const { value } = await hoverAt('models/decoder-tiny.onnx', 3);
    assert.match(value, /\*\*ONNX model\*\* of `gen`/);
    assert.ok(value.includes(path.join(path.sep, 'ws', 'models', 'decoder-tiny.onnx')));
    assert.match(value, /\*\*Graph\*\*: 42 nodes/);
    assert.deepEqual(calls, [{ absPath: path.join(path.sep, 'ws', 'models', 'decoder-tiny.onnx'), bind: { batch: 2, sequence: 64 } }]);
  });

  it('says when a model file is missing, without describing it', async () => {
    calls.length = 0;
    const { value } = await hoverAt('models/missing.onnx', 3);
    assert.match(value, /\*\*not found\*\*/);
    assert.deepEqual(calls, []);
  });

  it('describes the model behind a reference and a model name', async () => {
    assert.match((await hoverAt('gen\n  beam')).value, /\*\*Model `gen`\*\*/);
    assert.match((await hoverAt('gen:')).value, /\*\*Model `gen`\*\*/);
  });

  it('returns null off the document and on garbage', async () => {
    assert.equal((await hoverAt('x', 0, '\u0000\u0001x')).h, null);
  });
});
