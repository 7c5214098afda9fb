/** The real server over stdio: diagnostics on open and change, exact ranges, settings, close, examples. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient, type PublishedDiagnostic } from './helpers/client';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'configs');
const fixture = (name: string) => {
  const file = path.join(FIXTURES, name);
  return { uri: pathToFileURL(file).href, text: fs.readFileSync(file, 'utf8') };
};
const summary = (ds: PublishedDiagnostic[]) => ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code}`);

describe('lsp: diagnostics', function () {
  this.timeout(60_000);
  const client = new TestClient();
  before(() => client.start(ROOT));
  after(() => client.stop());

  it('publishes the three planted mistakes at their exact ranges on open', async () => {
    const { uri, text } = fixture('three-mistakes.ttc.yaml');
    client.open(uri, text);
    const p = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(summary(p.diagnostics), ['10:3-10:13 unknown-key', '12:6-12:8 dvts-divisibility', '14:13-14:19 undefined-model']);
    assert.ok(p.diagnostics.every((d) => d.severity === 1 && d.source === 'ttc-lens'));
    assert.match(p.diagnostics[0].message, /Did you mean 'temperature'\?/);
    assert.deepEqual(p.diagnostics[2].data, { path: ['strategy', 'verifier'], name: 'reward', suggestion: 'rewarder' });
  });

  it('revalidates after a change (debounced) for the new version', async () => {
    const { uri, text } = fixture('three-mistakes.ttc.yaml');
    const fixed = text.replace('  temprature:', '  temperature:').replace('  n: 14', '  n: 16');
    const v = client.change(uri, fixed);
    const p = await client.diagnosticsFor(uri, v);
    assert.deepEqual(summary(p.diagnostics), ['14:13-14:19 undefined-model']);
  });

  it('coalesces rapid edits into one validation of the last version', async () => {
    const { uri, text } = fixture('three-mistakes.ttc.yaml');
    const before = client.diagnostics.items.length;
    const versions = [1, 2, 3, 4, 5].map((i) => client.change(uri, text.replace('  n: 14', `  n: ${14 + i}`)));
    const last = versions[versions.length - 1];
    const p = await client.diagnosticsFor(uri, last);
    assert.ok(p.diagnostics.some((d) => d.code === 'dvts-divisibility' && /19 % 4 = 3/.test(d.message)));
    const published = client.diagnostics.items.slice(before).filter((x) => x.uri === uri).map((x) => x.version);
    assert.deepEqual(published, [last]);
  });

  it('clears diagnostics when the document closes', async () => {
    const { uri } = fixture('three-mistakes.ttc.yaml');
    const cleared = client.diagnostics.next((p) => p.uri === uri && p.diagnostics.length === 0);
    client.close(uri);
    await cleared;
  });

  it('reports model files that do not exist, relative to the config', async () => {
    const uri = pathToFileURL(path.join(FIXTURES, 'unsaved-missing.ttc.yaml')).href;
    const text = 'version: 1\nmodels:\n  gen:\n    path: models/nope.onnx\n';
    client.open(uri, text);
    const p = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(summary(p.diagnostics), ['4:11-4:27 file-not-found']);
    assert.ok(p.diagnostics[0].message.includes(path.join(FIXTURES, 'models', 'nope.onnx')));
    client.close(uri);
  });

  it('watches model files and revalidates when one appears', async () => {
    const reg = await client.registrations.wait((r) => r.method === 'workspace/didChangeWatchedFiles');
    const watchers = (reg.registerOptions as { watchers: Array<{ globPattern: string; kind: number }> }).watchers;
    // WatchKind: Create 1, Change 2, Delete 4 — .onnx by presence, .json (model descriptions) by content too.
    assert.deepEqual(watchers, [
      { globPattern: '**/*.onnx', kind: 1 | 4 },
      { globPattern: '**/*.json', kind: 1 | 2 | 4 },
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttc-watch-'));
    try {
      const file = path.join(dir, 'w.ttc.yaml');
      const uri = pathToFileURL(file).href;
      client.open(uri, 'version: 1\nmodels:\n  gen:\n    path: later.onnx\n');
      const missing = await client.diagnosticsFor(uri, 1);
      assert.deepEqual(missing.diagnostics.map((d) => d.code), ['file-not-found']);
      fs.writeFileSync(path.join(dir, 'later.onnx'), '');
      const cleared = client.diagnostics.next((p) => p.uri === uri && p.diagnostics.length === 0);
      client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'later.onnx')).href, type: 1 }] });
      await cleared;
      client.close(uri);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes nothing for the example workspace', async () => {
    const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /\.ttc\.ya?ml$/.test(f));
    assert.ok(examples.length >= 3);
    for (const f of examples) {
      const file = path.join(ROOT, 'examples', f);
      const uri = pathToFileURL(file).href;
      client.open(uri, fs.readFileSync(file, 'utf8'));
      const p = await client.diagnosticsFor(uri, 1);
      assert.deepEqual(p.diagnostics.filter((d) => d.source === 'ttc-lens'), [], f);
      client.close(uri);
    }
  });

  it('respects ttcLens.validate = false', async () => {
    const { uri, text } = fixture('three-mistakes.ttc.yaml');
    client.settings = { validate: false };
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    client.open(uri, text);
    const off = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(off.diagnostics, []);
    client.settings = {};
    const back = client.diagnostics.next((p) => p.uri === uri && p.diagnostics.length === 3);
    client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await back;
    client.close(uri);
  });

  it('ignores documents that are not TTC configs', async () => {
    const uri = 'file:///tmp/other.yaml';
    client.open(uri, 'a: [', 'yaml');
    // A TTC document opened afterwards gets its diagnostics; the other one never did.
    const { uri: u2, text } = fixture('valid.ttc.yaml');
    client.open(u2, text);
    await client.diagnosticsFor(u2, 1);
    assert.ok(!client.diagnostics.items.some((p) => p.uri === uri));
  });
});
