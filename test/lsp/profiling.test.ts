/**
 * The real language server over stdio (run from source through tsx) profiling real models with the
 * real profiler process: progress, results, a diagnostic on the failing model entry, hover numbers,
 * responsiveness while a model runs, cancellation and workspace trust.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { buildMlp } from '../../server/src/core/onnx/builders';
import { writeModel } from '../../server/src/core/onnx/writer';
import { writeTestModels, type TestModels } from '../unit/worker/models';
import { Waiter } from './helpers/client';

const ROOT = path.join(__dirname, '..', '..');

interface Status {
  state: string;
  message: string;
}


describe('lsp: ttcLens/profileModels', function () {
  this.timeout(120_000);
  let m: TestModels;
  let server: ChildProcess;
  let conn: MessageConnection;
  let uri: string;
  let text: string;
  const status = new Waiter<Status>();
  const progress = new Waiter<{ token: unknown; value: { kind: string; message?: string; percentage?: number } }>();
  const diags = new Waiter<{ uri: string; diagnostics: Array<{ code?: string; message: string; range: { start: { line: number } } }> }>();

  before(async () => {
    m = await writeTestModels();
    const ws = path.join(m.dir, 'ws');
    mkdirSync(path.join(ws, 'models'), { recursive: true });
    copyFileSync(m.mlp, path.join(ws, 'models', 'mlp.onnx'));
    copyFileSync(m.badOp, path.join(ws, 'models', 'bad-op.onnx'));
    copyFileSync(m.conv, path.join(ws, 'models', 'conv.onnx'));
    text = ['version: 1', 'models:', '  good:', '    path: models/mlp.onnx', '    dims: { batch: 2 }', '  broken:', '    path: models/bad-op.onnx', ''].join('\n');
    const file = path.join(ws, 'app.ttc.yaml');
    writeFileSync(file, text);
    uri = pathToFileURL(file).href;

    server = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'server/src/server.ts'), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    conn.onNotification('ttcLens/status', (p: Status) => status.push(p));
    conn.onNotification('$/progress', (p) => progress.push(p));
    conn.onNotification('textDocument/publishDiagnostics', (p) => diags.push(p));
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ profiler: { maxTimeMs: 300, targetCi: 0.02 } })));
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ws).href,
      workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
      capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true } },
      initializationOptions: { storagePath: path.join(m.dir, 'storage'), workspaceTrusted: true },
    });
    conn.sendNotification('initialized', {});
    await status.wait((s) => s.state === 'ok');
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ttc', version: 1, text } });
  });

  after(async () => {
    try {
      await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      conn.sendNotification('exit');
    } catch {
      // already gone
    }
    conn?.dispose();
    server?.kill();
    m?.cleanup();
  });

  it('profiles the open config with progress; a failing model gets a diagnostic on its entry', async () => {
    const r = await conn.sendRequest<{ profiled: Array<{ model: string; ok: boolean; message: string }> }>('ttcLens/profileModels', {});
    const good = r.profiled.find((p) => p.model === 'good')!;
    const broken = r.profiled.find((p) => p.model === 'broken')!;
    assert.ok(good.ok, good.message);
    assert.match(good.message, /p50 [\d.]+ ms/);
    assert.ok(!broken.ok);
    assert.match(broken.message, /Operator not supported by ONNX Runtime/);
    assert.ok(progress.items.some((p) => p.value.kind === 'begin'));
    assert.ok(progress.items.some((p) => p.value.kind === 'end'));
    await status.wait((s) => s.state === 'warning' && /1 of 2 model/.test(s.message));
    const d = await diags.wait((p) => p.uri === uri && p.diagnostics.some((x) => x.code === 'profile-unsupported-operator'));
    const diag = d.diagnostics.find((x) => x.code === 'profile-unsupported-operator')!;
    assert.equal(diag.range.start.line, 6, 'on the broken model path line');
    assert.equal(d.diagnostics.filter((x) => x.code === 'profile-unsupported-operator').length, 1);
  });

  it("reports on the client's workDoneToken when one is given (one progress UI, no server-created one)", async () => {
    let created = 0;
    conn.onRequest('window/workDoneProgress/create', () => void created++);
    const before = progress.items.length;
    const r = await conn.sendRequest<{ profiled: Array<{ model: string; ok: boolean; cached?: boolean }> }>('ttcLens/profileModels', { uris: [uri], workDoneToken: 'client-token-1' });
    assert.ok(r.profiled.find((p) => p.model === 'good')?.ok);
    const mine = progress.items.slice(before).filter((p) => p.token === 'client-token-1');
    assert.deepEqual([mine[0]?.value.kind, mine[mine.length - 1]?.value.kind], ['begin', 'end']);
    assert.equal(created, 0, 'the server must not create a second progress');
    conn.onRequest('window/workDoneProgress/create', () => null);
  });

  it('profiles only the configs asked for, and says which models cannot be measured and why', async () => {
    // A second config: a shape-only model and a missing file. The first config's models must not appear.
    const other = ['version: 1', 'models:', '  llama:', '    config: llama/config.json', '  gone:', '    path: models/gone.onnx', ''].join('\n');
    const otherUri = uri.replace('app.ttc.yaml', 'other.ttc.yaml');
    writeFileSync(new URL(otherUri), other);
    // Not even open: a config picked from the workspace is read from disk.
    const r = await conn.sendRequest<{ profiled: unknown[]; skipped: Array<{ model: string; kind: string; reason: string }>; configs: string[]; report: string }>('ttcLens/profileModels', { uris: [otherUri] });
    assert.deepEqual(r.profiled, []);
    assert.deepEqual(r.configs, ['other.ttc.yaml']);
    assert.deepEqual(r.skipped.map((x) => `${x.model}:${x.kind}`), ['llama:shape-only', 'gone:missing']);
    assert.match(r.skipped[0].reason, /^shape-only \(config: llama\/config\.json\): there is no ONNX file to run/);
    assert.match(r.skipped[1].reason, /^the model file is missing: .*gone\.onnx$/);
    assert.match(r.report, /^# TTC Lens: profile of `other\.ttc\.yaml`/);
    assert.match(r.report, /0 of 2 model\(s\) measured, 2 cannot be measured/);
    assert.match(r.report, /## Not measured/);
    await status.wait((s) => s.state === 'warning' && /^No model can be measured: llama: shape-only/.test(s.message));
  });

  it('the report has the numbers as tables, and a decoder its grids with the headline as one point', async () => {
    const decText = ['version: 1', 'models:', '  dec:', '    path: models/decoder.onnx', ''].join('\n');
    copyFileSync(m.decoder, path.join(path.dirname(new URL(uri).pathname), 'models', 'decoder.onnx'));
    const decUri = uri.replace('app.ttc.yaml', 'dec.ttc.yaml');
    writeFileSync(new URL(decUri), decText);
    const r = await conn.sendRequest<{ profiled: Array<{ model: string; ok: boolean; message: string }>; report: string }>('ttcLens/profileModels', { uris: [decUri, uri] });
    assert.deepEqual(r.profiled.map((p) => p.model), ['dec', 'good', 'broken']);
    assert.match(r.report, /^# TTC Lens: profile of `dec\.ttc\.yaml`, `app\.ttc\.yaml`/);
    assert.match(r.report, /2 of 3 model\(s\) measured, 1 failed/);
    assert.match(r.report, /\| model \| p50 \| p90 \| p99 \| 95% CI of the median \| runs \| threads \|/);
    assert.match(r.report, /\*\*broken\*\*: measuring failed: .*Operator not supported/);
    assert.match(r.report, /#### Decode step τ\(B, c\)/);
    assert.match(r.report, /\| B \\ c \| 16 \| 64 \| 128 \|/);
    assert.match(r.report, /\| \*\*1\*\* \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms ★ \|/, 'the headline is the B=1 c=128 cell');
    assert.match(r.report, /#### Prefill T\(P\)/);
    assert.match(r.report, /Load: [\d.]+ at start, [\d.]+ at end \(1-minute load average\)/);
    // The hover's static and measured sections describe the same step: 128 cached tokens in both.
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: decUri, languageId: 'ttc', version: 1, text: decText } });
    const h = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: decUri }, position: { line: 3, character: 14 } });
    const [staticPart, measuredPart] = h!.contents.value.split('**Measured on this machine**');
    assert.ok(measuredPart, h!.contents.value);
    assert.match(staticPart, /past\\?_sequence=128 \(assumed\)/);
    assert.match(measuredPart, /past\\?_sequence = 128 \(decoder cached tokens/);
    // Show Model Summary of a measured model ends with the measured section.
    const s = await conn.sendRequest<{ markdown: string }>('ttcLens/modelSummary', { path: 'models/decoder.onnx', configUri: decUri });
    assert.match(s.markdown, /## Measured on this machine\n\n\| p50 \| p90 \| p99 \|/);
    assert.match(s.markdown, /#### Decode step τ\(B, c\)/);
  });

  it('the hover on a measured model path shows the numbers and the fingerprint', async () => {
    const h = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    assert.ok(h, 'hover');
    assert.match(h.contents.value, /Measured on this machine/);
    assert.match(h.contents.value, /ONNX Runtime 1\.\d+/);
  });

  it('stays responsive while a model runs, and cancellation stops it', async () => {
    const slow = ['version: 1', 'models:', '  conv:', '    path: models/conv.onnx', ''].join('\n');
    const slowUri = uri.replace('app.ttc.yaml', 'slow.ttc.yaml');
    writeFileSync(new URL(slowUri), slow);
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: slowUri, languageId: 'ttc', version: 1, text: slow } });
    conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    // Ask for a long, unreachable CI target by configuration, then cancel mid-run.
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ profiler: { maxTimeMs: 30_000, targetCi: 0.00001 } })));
    const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
    const cts = new CancellationTokenSource();
    const started = Date.now();
    const pending = conn.sendRequest<{ profiled: Array<{ ok: boolean; message: string }> }>('ttcLens/profileModels', { uris: [slowUri], force: true }, cts.token).catch((e) => e);
    await progress.wait((p) => typeof p.value.message === 'string' && /^conv: measuring: \d+ runs$/.test(p.value.message));
    const t0 = Date.now();
    const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    const hoverMs = Date.now() - t0;
    assert.ok(hoverMs < 1000, `hover answered in ${hoverMs} ms while profiling`);
    void h;
    cts.cancel();
    const r = await pending;
    assert.ok(Date.now() - started < 20_000, 'cancelled long before the 30 s cap');
    if (r && Array.isArray(r.profiled)) assert.ok(!r.profiled[0].ok && /cancel/i.test(r.profiled[0].message), JSON.stringify(r));
  });

  it('a measured model that changes on disk loses its numbers (file watch)', async () => {
    const hover = () => conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } });
    assert.match((await hover())!.contents.value, /Measured on this machine/);
    const statusCount = status.items.length;
    const before = new Set(diags.items);
    await writeModel(path.join(path.dirname(new URL(uri).pathname), 'models', 'mlp.onnx'), buildMlp({ seed: 42 }));
    // The watcher forgets the numbers, then revalidates every document: wait for that publish.
    await diags.wait((p) => !before.has(p) && p.uri === uri);
    const after = (await hover())!.contents.value;
    assert.doesNotMatch(after, /Measured on this machine/);
    assert.match(after, /Latency not measured yet/);
    assert.ok(status.items.length >= statusCount);
  });

  it('autoProfile measures a config when it is opened', async () => {
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ profiler: { maxTimeMs: 300, autoProfile: true } })));
    conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const autoText = ['version: 1', 'models:', '  c:', '    path: models/conv.onnx', '    dims: { batch: 3 }', 'hardware:', '  threads: 1', ''].join('\n');
    const autoUri = uri.replace('app.ttc.yaml', 'auto.ttc.yaml');
    writeFileSync(new URL(autoUri), autoText);
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: autoUri, languageId: 'ttc', version: 1, text: autoText } });
    await status.wait((s) => s.state === 'ok' && s.message === 'Profiled 1 model(s)');
    const h = await conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: autoUri }, position: { line: 3, character: 14 } });
    assert.match(h!.contents.value, /Measured on this machine/);
  });

  it('after a restart the hover finds the cached numbers with the options the open config gives', async () => {
    const autoUri = uri.replace('app.ttc.yaml', 'auto.ttc.yaml');
    const autoText = readFileSync(new URL(autoUri), 'utf8');
    const second = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'server/src/server.ts'), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const c2 = createMessageConnection(new StreamMessageReader(second.stdout!), new StreamMessageWriter(second.stdin!));
    try {
      c2.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
      c2.onRequest('client/registerCapability', () => null);
      c2.listen();
      await c2.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { storagePath: path.join(m.dir, 'storage'), workspaceTrusted: true } });
      c2.sendNotification('initialized', {});
      c2.sendNotification('textDocument/didOpen', { textDocument: { uri: autoUri, languageId: 'ttc', version: 1, text: autoText } });
      const h = await c2.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: autoUri }, position: { line: 3, character: 14 } });
      assert.match(h!.contents.value, /Measured on this machine\*\* \(CPU, 1 thread\) · cached/);
      await c2.sendRequest('shutdown');
      c2.sendNotification('exit');
    } finally {
      c2.dispose();
      second.kill();
    }
  });

  it('never executes a model in an untrusted workspace', async () => {
    conn.sendNotification('ttcLens/workspaceTrust', { trusted: false });
    const r = await conn.sendRequest<{ profiled: unknown[]; skipped: Array<{ model: string; kind: string; reason: string }>; report: string }>('ttcLens/profileModels', { uris: [uri], force: true });
    assert.deepEqual(r.profiled, []);
    assert.deepEqual(r.skipped.map((x) => `${x.model}:${x.kind}`).sort(), ['broken:untrusted', 'good:untrusted']);
    assert.match(r.report, /\*\*good\*\*: the workspace is not trusted: TTC Lens never executes a model there/);
    await status.wait((s) => s.state === 'warning' && /untrusted/.test(s.message));
  });
});
