import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver-types';
import { getLanguageService } from '../../../server/src/service/languageService';

const URI = 'file:///ws/app.ttc.yaml';
const service = getLanguageService({
  fileExists: (p) => p === '/ws/models/decoder-tiny.onnx' || p === '/ws/models/prm-tiny.onnx',
  listDir: () => [{ name: 'decoder-tiny.onnx', isDirectory: false }, { name: 'prm-tiny.onnx', isDirectory: false }],
});

/** Code actions for the whole document, and the text after applying the one titled `title`. */
function actions(text: string): { doc: TextDocument; list: CodeAction[] } {
  const doc = TextDocument.create(URI, 'ttc', 1, text);
  return { doc, list: service.codeActions(doc, { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, { fsPath: '/ws/app.ttc.yaml' }) };
}
function apply(doc: TextDocument, a: CodeAction): string {
  const edits = a.edit!.changes![URI] as TextEdit[];
  return TextDocument.applyEdits(doc, edits);
}

const BASE = `version: 1
models:
  policy: { path: models/decoder-tiny.onnx }
  rewarder: { path: models/prm-tiny.onnx }
strategy:
  approach: best_of_n
  model: policy
  verifier: rewarder
  n: 8
`;

describe('service/codeActions', () => {
  it('renames a misspelt key to the suggested one (preferred)', () => {
    const { doc, list } = actions(BASE.replace('  n: 8', '  temprature: 0.8\n  n: 8'));
    const fix = list.find((a) => a.title === "Rename to 'temperature'")!;
    assert.ok(fix, list.map((a) => a.title).join(', '));
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.diagnostics?.[0].code, 'unknown-key');
    assert.match(apply(doc, fix), /\n {2}temperature: 0\.8\n/);
  });

  it('fixes an undefined model reference, keeping the quotes', () => {
    const { doc, list } = actions(BASE.replace('verifier: rewarder', 'verifier: "reward"'));
    const fix = list.find((a) => /rewarder/.test(a.title))!;
    assert.equal(apply(doc, fix).includes('verifier: "rewarder"'), true);
  });

  it('fixes a misspelt approach and a model file with a near name', () => {
    const { doc, list } = actions(BASE.replace('best_of_n', 'best_of_m').replace('models/prm-tiny.onnx', 'models/prm-tny.onnx'));
    const approach = list.find((a) => a.title === "Change to 'best_of_n'")!;
    assert.match(apply(doc, approach), /approach: best_of_n\n/);
    const file = list.find((a) => a.title === "Change to 'models/prm-tiny.onnx'")!;
    assert.match(apply(doc, file), /rewarder: \{ path: models\/prm-tiny\.onnx \}/);
  });

  it('offers both multiples of beam_width for a DVTS n, none preferred', () => {
    const { doc, list } = actions(BASE.replace('best_of_n', 'dvts').replace('  n: 8', '  n: 14\n  beam_width: 4\n  num_iterations: 10'));
    const titles = list.map((a) => a.title);
    assert.deepEqual(titles, ['Set n to 12 (a multiple of beam_width)', 'Set n to 16 (a multiple of beam_width)']);
    assert.ok(list.every((a) => !a.isPreferred));
    assert.match(apply(doc, list[1]), /\n {2}n: 16\n/);
  });

  it('offers nothing outside the requested range or for problems without a mechanical fix', () => {
    const text = BASE.replace('  n: 8', '  n: -3\n  temprature: 0.8');
    const doc = TextDocument.create(URI, 'ttc', 1, text);
    const line = text.split('\n').findIndex((l) => l.includes('n: -3'));
    const onN = service.codeActions(doc, { start: { line, character: 2 }, end: { line, character: 3 } }, { fsPath: '/ws/app.ttc.yaml' });
    assert.deepEqual(onN, []);
    const { list } = actions(text);
    assert.deepEqual(list.map((a) => a.title), ["Rename to 'temperature'"]);
  });
});
