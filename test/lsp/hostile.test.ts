/**
 * Issue 9 against the real server over stdio: a FIFO or a `/dev/zero` symlink as a model path, a
 * model past the node limit, and references outside the workspace. Nothing may hang the server,
 * and nothing from outside the workspace may be read or echoed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient, type PublishedDiagnostic } from './helpers/client';
import { tempDir } from '../unit/core/onnx/helpers';
import { writeManyNodeModel } from '../unit/core/onnx/manyNodes';

const posix = process.platform !== 'win32';

/** Position of the first occurrence of `needle` (plus `offset` characters) in `text`. */
function at(text: string, needle: string, offset = 1): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + offset);
  return { line: before.split('\n').length - 1, character: i + offset - before.lastIndexOf('\n') - 1 };
}

/** Resolves with the value, or rejects when it takes longer than `ms`. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

describe('lsp: hostile workspaces (issue 9)', function () {
  this.timeout(120_000);
  if (!posix) return;
  const client = new TestClient();
  const t = tempDir('ttc-lsp-hostile-');
  const outside = tempDir('ttc-lsp-outside-');
  const ws = path.join(t.dir, 'ws');
  let uri: string;
  let text: string;
  const hover = (pos: { line: number; character: number }) =>
    client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: pos });

  before(async () => {
    mkdirSync(path.join(ws, 'models'), { recursive: true });
    execFileSync('mkfifo', [path.join(ws, 'models', 'fifo.onnx')]);
    symlinkSync('/dev/zero', path.join(ws, 'models', 'zero.onnx'));
    symlinkSync('/proc/self/mem', path.join(ws, 'models', 'mem.onnx'));
    writeManyNodeModel(path.join(ws, 'models', 'huge.onnx'), 300_000);
    copyFileSync(path.join(ROOT, 'examples', 'models', 'classifier-small.onnx'), path.join(ws, 'models', 'ok.onnx'));
    // Outside the workspace: a "secret" description, a model, and a symlink from inside to it.
    writeFileSync(path.join(outside.dir, 'config.json'), JSON.stringify({ model_type: 'SECRET-VALUE-4711', hidden_size: 'SECRET-VALUE-4711' }));
    copyFileSync(path.join(ROOT, 'examples', 'models', 'classifier-small.onnx'), path.join(outside.dir, 'm.onnx'));
    symlinkSync(path.join(outside.dir, 'm.onnx'), path.join(ws, 'models', 'link.onnx'));
    text = [
      'version: 1',
      'models:',
      '  fifo: { path: models/fifo.onnx }',
      '  zero: { path: models/zero.onnx }',
      '  mem: { path: models/mem.onnx }',
      '  huge: { path: models/huge.onnx }',
      '  ok: { path: models/ok.onnx }',
      `  desc: { config: ${path.join(outside.dir, 'config.json')} }`,
      `  abs: { path: ${path.join(outside.dir, 'm.onnx')} }`,
      '  link: { path: models/link.onnx }',
      '',
    ].join('\n');
    const file = path.join(ws, 'app.ttc.yaml');
    writeFileSync(file, text);
    uri = pathToFileURL(file).href;
    await client.start(ws);
  });
  after(async () => {
    await client.stop();
    t.cleanup();
    outside.cleanup();
  });

  it('reports FIFO and device model paths from their type, and outside references as warnings, without echoing outside contents', async () => {
    client.open(uri, text);
    const p = await within(10_000, client.diagnosticsFor(uri, 1), 'diagnostics');
    const byModel = (name: string) => p.diagnostics.filter((d: PublishedDiagnostic) => (d.data as { model?: string } | undefined)?.model === name);
    assert.deepEqual(byModel('fifo').map((d) => d.code), ['model-file-invalid']);
    assert.match(byModel('fifo')[0].message, /FIFO/);
    // Symlinks to /dev/zero and /proc/self/mem resolve outside the workspace: never opened.
    for (const m of ['zero', 'mem', 'desc', 'abs', 'link']) assert.deepEqual(byModel(m).map((d) => d.code), ['outside-workspace'], m);
    assert.equal(byModel('ok').length, 0);
    assert.ok(!JSON.stringify(p.diagnostics).includes('SECRET'), 'a value from outside the workspace reached a diagnostic');
  });

  it('a hover on a FIFO, /dev/zero or /proc/self/mem model answers at once and says why it is not read', async () => {
    for (const [name, kind] of [['fifo', /FIFO/], ['zero', /outside the workspace/], ['mem', /outside the workspace/]] as const) {
      const t0 = Date.now();
      const h = await within(10_000, hover(at(text, `models/${name}.onnx`)), `hover on ${name}`);
      assert.ok(Date.now() - t0 < 10_000);
      assert.match(h!.contents.value, kind, name);
      assert.doesNotMatch(h!.contents.value, /empty file/, name);
    }
  });

  it('a model past the node limit is "too large to analyse here (N nodes)", and other requests are answered meanwhile', async () => {
    const t0 = Date.now();
    const big = hover(at(text, 'models/huge.onnx'));
    // The server's own thread stays free: outline and key hovers answer while the worker counts.
    const symbols = await within(5_000, client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } }), 'documentSymbol during analysis');
    assert.ok(symbols.length > 0);
    const h = await within(30_000, big, 'hover on a 300,000-node model');
    assert.match(h!.contents.value, /too large to analyse here \(300,000 nodes; the limit is 250,000\)/);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });

  it('outside references are named but not read in the hover, and ttcLens/modelSummary refuses them for a config', async () => {
    for (const needle of ['m.onnx }', 'models/link.onnx', 'config.json }']) {
      const h = await hover(at(text, needle, 0));
      assert.match(h!.contents.value, /outside the workspace folders: not read/, needle);
      assert.doesNotMatch(h!.contents.value, /Static analysis|SECRET/, needle);
    }
    const r = await client.request<{ error?: string; markdown: string }>('ttcLens/modelSummary', { path: path.join(outside.dir, 'config.json'), configUri: uri });
    assert.match(r.error!, /outside the workspace/);
    assert.ok(!r.markdown.includes('SECRET'));
  });

  it('the machine setting ttcLens.files.allowOutsideWorkspace lets them be read', async () => {
    client.settings = { files: { allowOutsideWorkspace: true } };
    const before = client.diagnostics.items.length;
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const p = await client.diagnostics.waitFrom(before, (d) => d.uri === uri);
    assert.ok(!p.diagnostics.some((d) => d.code === 'outside-workspace'));
    const h = await hover(at(text, 'models/link.onnx'));
    assert.match(h!.contents.value, /Static analysis/);
    // Allowed or not, a device or kernel file is never read: the hover says what it is, at once.
    for (const name of ['zero', 'mem']) {
      const d = await within(10_000, hover(at(text, `models/${name}.onnx`)), `hover on ${name}`);
      assert.match(d!.contents.value, /special \(kernel or device\) file|character device/, name);
      assert.doesNotMatch(d!.contents.value, /empty file/, name);
    }
    client.settings = {};
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  });

  it('ttcLens/listModels skips a FIFO named *.ttc.yaml instead of blocking on it', async () => {
    execFileSync('mkfifo', [path.join(ws, 'trap.ttc.yaml')]);
    const r = await within(10_000, client.request<{ models: Array<{ name: string }> }>('ttcLens/listModels', {}), 'listModels');
    assert.ok(r.models.some((m) => m.name === 'ok'));
  });

  it('still answers shutdown after all of that', async () => {
    await within(10_000, client.request('textDocument/hover', { textDocument: { uri }, position: at(text, 'models/fifo.onnx') }), 'hover');
    const t0 = Date.now();
    await within(10_000, client.stop(), 'shutdown');
    assert.ok(Date.now() - t0 < 10_000);
  });
});
