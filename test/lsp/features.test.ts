/** The real server over stdio: completion, hover, document symbols, and survival of garbage input. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient } from './helpers/client';

const EXAMPLES = path.join(ROOT, 'examples');
const uri = pathToFileURL(path.join(EXAMPLES, 'scratch.ttc.yaml')).href;
const TEXT = `version: 1
models:
  gen:
    path: models/decoder-tiny.onnx
  prm:
    path: models/prm-tiny.onnx
strategy:
  approach: dvts
  model: gen
  verifier: 
  n: 8
`;

describe('lsp: completion, hover, symbols, robustness', function () {
  this.timeout(60_000);
  const client = new TestClient();
  before(async () => {
    await client.start(EXAMPLES);
    client.open(uri, TEXT);
    await client.diagnosticsFor(uri, 1);
  });
  after(() => client.stop());

  it('announces its capabilities', () => {
    assert.ok(client.capabilities.completionProvider);
    assert.equal(client.capabilities.hoverProvider, true);
    assert.ok(client.capabilities.documentSymbolProvider);
  });

  it('completes model names for the verifier', async () => {
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 12 } });
    assert.deepEqual(items.map((i) => i.label), ['gen', 'prm']);
  });

  it('completes .onnx paths from the real folder next to the config', async () => {
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 17 } });
    const labels = items.map((i) => i.label);
    for (const f of ['decoder-tiny.onnx', 'prm-tiny.onnx', 'classifier-small.onnx', 'llama-3.2-1b/']) assert.ok(labels.includes(f), `${f} in ${labels.join(',')}`);
  });

  it("completes dims with the real model's symbolic dimensions", async () => {
    const dimsUri = uri.replace('scratch.ttc.yaml', 'scratch-dims.ttc.yaml');
    const text = 'version: 1\nmodels:\n  gen:\n    path: models/decoder-tiny.onnx\n    dims:\n      batch: 1\n      \n';
    client.open(dimsUri, text);
    const items = await client.request<Array<{ label: string; detail?: string }>>('textDocument/completion', { textDocument: { uri: dimsUri }, position: { line: 6, character: 6 } });
    assert.deepEqual(items.map((i) => i.label).sort(), ['past_sequence', 'sequence', 'total_sequence']);
    client.close(dimsUri);
  });

  it('completes strategy keys for the approach', async () => {
    const v = client.change(uri, TEXT + '  b');
    await client.diagnosticsFor(uri, v);
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', { textDocument: { uri }, position: { line: 11, character: 3 } });
    assert.ok(items.some((i) => i.label === 'beam_width'));
    const back = client.change(uri, TEXT);
    await client.diagnosticsFor(uri, back);
  });

  it('hovers a key with its documentation', async () => {
    const h = await client.request<{ contents: { kind: string; value: string }; range: unknown }>('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 4 } });
    assert.equal(h.contents.kind, 'markdown');
    assert.match(h.contents.value, /^\*\*approach\*\*/);
    assert.deepEqual(h.range, { start: { line: 7, character: 2 }, end: { line: 7, character: 10 } });
  });

  it('hovers a model path with the resolved file', async () => {
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    assert.ok(h.contents.value.includes(path.join(EXAMPLES, 'models', 'decoder-tiny.onnx')));
    assert.doesNotMatch(h.contents.value, /not found/);
  });

  it('outlines the document', async () => {
    const syms = await client.request<Array<{ name: string; children?: Array<{ name: string }> }>>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(syms.map((s) => s.name), ['version', 'models', 'strategy']);
    assert.deepEqual(syms[1].children!.map((c) => c.name), ['gen', 'prm']);
  });

  it('offers a quick-fix that renames a misspelt key', async () => {
    const fixUri = uri.replace('scratch.ttc.yaml', 'scratch-fix.ttc.yaml');
    const text = TEXT.replace('  n: 8', '  n: 8\n  temprature: 0.8');
    client.open(fixUri, text);
    await client.diagnosticsFor(fixUri, 1);
    assert.deepEqual(client.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite'] });
    const line = text.split('\n').findIndex((l) => l.includes('temprature'));
    const actions = await client.request<Array<{ title: string; kind: string; edit: { changes: Record<string, Array<{ range: unknown; newText: string }>> } }>>('textDocument/codeAction', {
      textDocument: { uri: fixUri },
      range: { start: { line, character: 4 }, end: { line, character: 4 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.title === "Rename to 'temperature'");
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(fix.edit.changes[fixUri], [{ range: { start: { line, character: 2 }, end: { line, character: 12 } }, newText: 'temperature' }]);
    client.close(fixUri);
  });

  it('answers garbage with diagnostics and keeps serving', async () => {
    const junk = [
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)).toString('latin1'),
      '['.repeat(3000),
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'x'.repeat(1_200_000),
    ];
    for (const text of junk) {
      const v = client.change(uri, text);
      const p = await client.diagnosticsFor(uri, v);
      assert.ok(p.diagnostics.length >= 1 && p.diagnostics.length <= 200);
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 1 } });
      await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    }
    const v = client.change(uri, TEXT);
    const ok = await client.diagnosticsFor(uri, v);
    // `verifier:` is still empty in TEXT.
    assert.deepEqual(ok.diagnostics.map((d) => `${d.code}: ${d.message}`), ["wrong-type: 'strategy.verifier' is empty; expected text."]);
    assert.equal(client.proc.exitCode, null);
  });
});
