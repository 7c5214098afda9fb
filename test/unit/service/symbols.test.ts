import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { getLanguageService } from '../../../server/src/service/languageService';

const TEXT = `version: 1
models:
  small:
    path: s.onnx
  large: {path: l.onnx}
strategy:
  approach: cascade
  stages:
    - model: small
      escalate: 0.2
    - model: large
`;

describe('service/symbols', () => {
  const doc = TextDocument.create('file:///a.ttc.yaml', 'ttc', 1, TEXT);
  const syms = getLanguageService().symbols(doc);
  const names = (s: DocumentSymbol[]) => s.map((x) => x.name);

  it('outlines sections, models and strategy parameters', () => {
    assert.deepEqual(names(syms), ['version', 'models', 'strategy']);
    assert.equal(syms[1].kind, SymbolKind.Package);
    assert.deepEqual(names(syms[1].children!), ['small', 'large']);
    assert.equal(syms[1].children![0].kind, SymbolKind.Class);
    assert.equal(syms[1].children![1].detail, 'l.onnx');
    assert.equal(syms[2].detail, 'cascade');
    const stages = syms[2].children!.find((c) => c.name === 'stages')!;
    assert.deepEqual(names(stages.children!), ['small', 'large']);
    assert.equal(stages.children![0].detail, 'stage 1');
  });

  it('gives each symbol a range covering its value and a selection range on its key', () => {
    const models = syms[1];
    assert.deepEqual(models.selectionRange, { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } });
    assert.equal(models.range.start.line, 1);
    assert.equal(models.range.end.line, 5);
  });

  it('returns an empty outline for garbage', () => {
    assert.deepEqual(getLanguageService().symbols(TextDocument.create('file:///b.ttc.yaml', 'ttc', 1, '\u0000[[[')), []);
  });
});
