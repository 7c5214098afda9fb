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
    assert.match(md, /\| Parameters \| 1\.15 M/);
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
    assert.equal(r.summary!.parameters, 1149206);
    assert.deepEqual(r.summary!.bindings.given, { batch: 4 });
    assert.equal(r.summary!.decoder!.layers, 4);
    assert.match(r.markdown, /^\*\*decoder-tiny\.onnx\*\*/);
  });

  it('ttcLens/listModels lists the models (ONNX or shape-only) of open configs as edited and of unopened configs on disk', async () => {
    mkdirSync(path.join(t.dir, 'sub', 'node_modules'), { recursive: true });
    writeFileSync(path.join(t.dir, 'sub', 'other.ttc.yml'), 'version: 1\nmodels:\n  small: { path: ../models/small.onnx }\n  shape: { config: cfg.json }\n');
    writeFileSync(path.join(t.dir, 'sub', 'node_modules', 'dep.ttc.yaml'), 'version: 1\nmodels:\n  hidden: { path: x.onnx }\n');
    writeFileSync(path.join(t.dir, 'sub', 'broken.ttc.yaml'), '\u0000[[[: :');
    // The open document's unsaved text wins over the file on disk.
    client.change(uri, TEXT.replace('  gen:', '  policy:'));
    const r = await client.request<{ models: Array<{ name: string; path: string; configUri: string }> }>('ttcLens/listModels', null);
    const names = r.models.map((m) => `${m.name}=${path.relative(t.dir, m.path)}`).sort();
    assert.deepEqual(names, ['broken=models/broken.onnx', 'policy=models/decoder-tiny.onnx', 'shape=sub/cfg.json', 'small=models/small.onnx']);
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

describe('lsp: shape-only models (config: config.json / genai_config.json)', function () {
  this.timeout(60_000);
  const client = new TestClient();
  const t = tempDir('ttc-lsp-shape-');
  const SHAPE = `version: 1
models:
  llama:
    config: models/llama/config.json
    precision: int8
  broken:
    config: models/broken.json
`;
  let uri: string;
  before(async () => {
    mkdirSync(path.join(t.dir, 'models', 'llama'), { recursive: true });
    copyFileSync(path.join(ROOT, 'examples', 'models', 'llama-3.2-1b', 'config.json'), path.join(t.dir, 'models', 'llama', 'config.json'));
    writeFileSync(path.join(t.dir, 'models', 'broken.json'), '{\n  "hidden_size": 2048,\n}\n');
    const file = path.join(t.dir, 'shape.ttc.yaml');
    writeFileSync(file, SHAPE);
    uri = pathToFileURL(file).href;
    await client.start(t.dir);
    client.open(uri, SHAPE);
  });
  after(async () => {
    await client.stop();
    t.cleanup();
  });

  it('a broken description is a model-config-invalid error at the config value', async () => {
    const d = await client.diagnosticsFor(uri, 1);
    const bad = d.diagnostics.filter((x) => x.code === 'model-config-invalid');
    assert.equal(bad.length, 1, JSON.stringify(d.diagnostics));
    assert.deepEqual(bad[0].range, { start: { line: 6, character: 12 }, end: { line: 6, character: 30 } });
    assert.match(bad[0].message, /Not valid JSON: .*\(line 3, column 1\)/);
  });

  it('hover on the config path shows parameters, weights at the config precision, KV cache and FLOPs per token', async () => {
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 16 } });
    const md = h.contents.value;
    assert.match(md, /\*\*Model description\*\* of `llama`/);
    assert.match(md, /\*\*Shape-only model\*\*/);
    assert.match(md, /\| Parameters \| 1\.24 G \(1,235,814,400;/);
    assert.match(md, /\| Weights \| 1\.15 GiB at int8 \(config\); int4 589\.3 MiB \|/);
    assert.match(md, /\| KV cache \| 32\.0 KiB\/token at 16-bit/);
    assert.match(md, /≈ 2\.47 GFLOP \+ 65\.5 KFLOP × context/);
    assert.doesNotMatch(md, /Latency not measured/);
  });

  it('ttcLens/modelSummary answers for a config.json (precision from the config document)', async () => {
    const r = await client.request<{ markdown: string; error?: string; summary?: { kind: string; stats: { parameters: number; precision: string; kvBytesPerToken: number } } }>('ttcLens/modelSummary', {
      path: 'models/llama/config.json',
      configUri: uri,
    });
    assert.equal(r.error, undefined);
    assert.match(r.markdown, /^\*\*config\.json\*\*/);
    assert.equal(r.summary!.kind, 'shape-only');
    assert.equal(r.summary!.stats.parameters, 1_235_814_400);
    assert.equal(r.summary!.stats.precision, 'int8');
    assert.equal(r.summary!.stats.kvBytesPerToken, 32768);
    const plain = await client.request<{ summary?: { stats: { precision: string } } }>('ttcLens/modelSummary', { path: path.join(t.dir, 'models', 'llama', 'config.json') });
    assert.equal(plain.summary!.stats.precision, 'bf16');
    const broken = await client.request<{ error?: string }>('ttcLens/modelSummary', { path: path.join(t.dir, 'models', 'broken.json') });
    assert.match(broken.error!, /Not valid JSON/);
  });

  it('fixing the description on disk clears the error (watched *.json change)', async () => {
    const file = path.join(t.dir, 'models', 'broken.json');
    copyFileSync(path.join(ROOT, 'examples', 'models', 'llama-3.2-1b', 'config.json'), file);
    const cleared = client.diagnostics.next((p) => p.uri === uri && !p.diagnostics.some((d) => d.code === 'model-config-invalid'));
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 2 }] });
    assert.deepEqual((await cleared).diagnostics, []);
  });
});
