/**
 * The real server over stdio: the static-analysis section in the hover on a model path and the
 * ttcLens/modelSummary request (relative paths, bindings, unreadable files, cache invalidation).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient } from './helpers/client';
import { tempDir } from '../unit/core/onnx/helpers';
import { writeModel } from '../../server/src/core/onnx/writer';
import { buildMlp } from '../../server/src/core/onnx/builders';

const TEXT = `version: 1
models:
  gen:
    path: models/decoder-tiny.onnx
    dims: { batch: 1, sequence: 64 }
  broken:
    path: models/broken.onnx
`;

interface SummaryResult {
  markdown: string;
  summary?: { parameters: number; bindings: { given: Record<string, number> }; decoder?: { layers: number } };
  error?: string;
}

describe('lsp: model hover and ttcLens/modelSummary', function () {
  this.timeout(60_000);
  const client = new TestClient();
  const t = tempDir('ttc-lsp-models-');
  let uri: string;
  before(async () => {
    mkdirSync(path.join(t.dir, 'models'));
    copyFileSync(path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx'), path.join(t.dir, 'models', 'decoder-tiny.onnx'));
    writeFileSync(path.join(t.dir, 'models', 'broken.onnx'), 'not a model at all');
    const file = path.join(t.dir, 'app.ttc.yaml');
    writeFileSync(file, TEXT);
    uri = pathToFileURL(file).href;
    await client.start(t.dir);
    client.open(uri, TEXT);
    await client.diagnosticsFor(uri, 1);
  });
  after(async () => {
    await client.stop();
    t.cleanup();
  });

  it('hover on a model path shows the static summary with the config dims bound', async () => {
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    const md = h.contents.value;
    assert.match(md, /\*\*Static analysis\*\*/);
    assert.match(md, /\| Parameters \| 690\.5 K/);
    assert.match(md, /\| Decoder \| 4 layers, 2 KV heads × 32 \(float32\), KV cache 2\.0 KiB\/token/);
    assert.match(md, /sequence=64/);
    assert.match(md, /100% of 146 nodes costed/);
  });

  it('hover on a broken model says why it could not be read', async () => {
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 14 } });
    assert.match(h.contents.value, /Model could not be read:\*\* not an ONNX model \(looks like text\)/);
  });

  it('ttcLens/modelSummary resolves relative paths against the config and applies bindings', async () => {
    const r = await client.request<SummaryResult>('ttcLens/modelSummary', { path: 'models/decoder-tiny.onnx', configUri: uri, bind: { batch: 4 } });
    assert.equal(r.error, undefined);
    assert.equal(r.summary!.parameters, 690454);
    assert.deepEqual(r.summary!.bindings.given, { batch: 4 });
    assert.equal(r.summary!.decoder!.layers, 4);
    assert.match(r.markdown, /^\*\*decoder-tiny\.onnx\*\*/);
  });

  it('ttcLens/listModels lists the models of open configs as edited and of unopened configs on disk', async () => {
    mkdirSync(path.join(t.dir, 'sub', 'node_modules'), { recursive: true });
    writeFileSync(path.join(t.dir, 'sub', 'other.ttc.yml'), 'version: 1\nmodels:\n  small: { path: ../models/small.onnx }\n  shape: { config: cfg.json }\n');
    writeFileSync(path.join(t.dir, 'sub', 'node_modules', 'dep.ttc.yaml'), 'version: 1\nmodels:\n  hidden: { path: x.onnx }\n');
    writeFileSync(path.join(t.dir, 'sub', 'broken.ttc.yaml'), '\u0000[[[: :');
    // The open document's unsaved text wins over the file on disk.
    client.change(uri, TEXT.replace('  gen:', '  policy:'));
    const r = await client.request<{ models: Array<{ name: string; path: string; configUri: string }> }>('ttcLens/listModels', null);
    const names = r.models.map((m) => `${m.name}=${path.relative(t.dir, m.path)}`).sort();
    assert.deepEqual(names, ['broken=models/broken.onnx', 'policy=models/decoder-tiny.onnx', 'small=models/small.onnx']);
    assert.equal(r.models.find((m) => m.name === 'small')!.configUri, pathToFileURL(path.join(t.dir, 'sub', 'other.ttc.yml')).href);
    client.change(uri, TEXT);
  });

  it('reports unreadable and missing models as errors, not failures', async () => {
    const bad = await client.request<SummaryResult>('ttcLens/modelSummary', { path: 'models/broken.onnx', configUri: uri });
    assert.match(bad.error!, /not an ONNX model/);
    const missing = await client.request<SummaryResult>('ttcLens/modelSummary', { path: path.join(t.dir, 'nope.onnx') });
    assert.match(missing.error!, /model file not found/);
    const empty = await client.request<SummaryResult>('ttcLens/modelSummary', {});
    assert.match(empty.error!, /missing "path"/);
  });

  it('a rewritten model file is analysed again (cache keyed by mtime and size)', async () => {
    const file = path.join(t.dir, 'models', 'swap.onnx');
    await writeModel(file, buildMlp({ inputs: 4, hidden: 4, outputs: 2, layers: 1 }));
    const a = await client.request<SummaryResult>('ttcLens/modelSummary', { path: file });
    assert.equal(a.summary!.parameters, 4 * 4 + 4 + 4 * 2 + 2);
    await writeModel(file, buildMlp({ inputs: 8, hidden: 8, outputs: 2, layers: 1 }));
    const b = await client.request<SummaryResult>('ttcLens/modelSummary', { path: file });
    assert.equal(b.summary!.parameters, 8 * 8 + 8 + 8 * 2 + 2);
  });
});
