/**
 * The code-server launcher's own logic, with a stand-in "code-server" (a tiny Node HTTP server) so
 * it runs in milliseconds: waiting on /healthz, failing clearly when the process dies, stopping the
 * whole process group, and the URL/URI builders. The real code-server runs in test/e2e.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Lib = typeof import('../../../../scripts/lib/codeServer.mjs', { with: { 'resolution-mode': 'import' } });

/** Gone, or a zombie waiting to be reaped by init (it no longer runs). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

describe('scripts/lib/codeServer', () => {
  // An ES module (so npm start runs it without a build); this test file is CommonJS.
  let CODE_SERVER_VERSION: Lib['CODE_SERVER_VERSION'], NODE_VERSION: Lib['NODE_VERSION'], cacheDir: Lib['cacheDir'], freePort: Lib['freePort'];
  let remoteUri: Lib['remoteUri'], startCodeServer: Lib['startCodeServer'], workbenchUrl: Lib['workbenchUrl'];
  before(async () => {
    ({ CODE_SERVER_VERSION, NODE_VERSION, cacheDir, freePort, remoteUri, startCodeServer, workbenchUrl } = await import('../../../../scripts/lib/codeServer.mjs'));
  });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ttc-cs-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake code-server: serves /healthz after `delayMs`, spawns a child that must die with it. */
  function fake(script: string) {
    const entry = join(dir, 'fake-code-server.js');
    writeFileSync(entry, script);
    return { node: process.execPath, entry, dir };
  }
  const SERVES = `
    const http = require('node:http');
    const { spawn } = require('node:child_process');
    const [host, port] = process.argv[process.argv.indexOf('--bind-addr') + 1].split(':');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    require('node:fs').writeFileSync(process.env.FAKE_INFO, JSON.stringify({ child: child.pid, argv: process.argv.slice(2), gallery: process.env.EXTENSIONS_GALLERY }));
    http.createServer((q, r) => { r.statusCode = q.url === '/healthz' ? 200 : 404; r.end('{}'); }).listen(Number(port), host);
  `;

  it('starts on 127.0.0.1 with isolated folders, waits for /healthz and stops the whole group', async () => {
    const info = join(dir, 'info.json');
    const s = await startCodeServer(fake(SERVES), { runDir: join(dir, 'run'), env: { FAKE_INFO: info }, settings: { 'editor.fontSize': 15 } });
    try {
      assert.match(s.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await fetch(`${s.origin}/healthz`)).status, 200);
      const { child, argv, gallery } = JSON.parse(readFileSync(info, 'utf8'));
      for (const flag of ['--auth', '--disable-telemetry', '--disable-workspace-trust', '--reconnection-grace-time', '--user-data-dir', '--extensions-dir']) assert.ok(argv.includes(flag), flag);
      assert.equal(argv[argv.indexOf('--reconnection-grace-time') + 1], '5');
      assert.deepEqual(JSON.parse(gallery), { serviceUrl: '' });
      const settings = JSON.parse(readFileSync(join(dir, 'run', 'ud', 'User', 'settings.json'), 'utf8'));
      assert.equal(settings['chat.disableAIFeatures'], true);
      assert.equal(settings['editor.fontSize'], 15);
      await s.stop();
      await s.stop(); // idempotent
      assert.ok(gone(child), "the server's child outlived stop()");
    } finally {
      await s.stop();
    }
  });

  it('fails with the output when the process exits before it is ready', async () => {
    const install = fake(`console.error('kerberos: cannot open shared object'); process.exit(3);`);
    await assert.rejects(startCodeServer(install, { runDir: join(dir, 'run') }), /exited before it was ready[\s\S]*kerberos/);
  });

  it('gives up after the timeout and stops the process', async () => {
    const install = fake(`setInterval(() => {}, 1000);`);
    await assert.rejects(startCodeServer(install, { runDir: join(dir, 'run'), timeoutMs: 500 }), /did not answer .*\/healthz within 0.5 s/);
  });

  it('builds workbench URLs with a payload and vscode-remote URIs', async () => {
    const url = new URL(workbenchUrl('http://127.0.0.1:8000', '/w/ex amples', [['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:8000/repo']]));
    assert.equal(url.searchParams.get('folder'), '/w/ex amples');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:8000/repo']]);
    assert.equal(new URL(workbenchUrl('http://127.0.0.1:8000', '/w')).searchParams.get('payload'), null);
    assert.equal(remoteUri('http://127.0.0.1:8000', '/a b/dist/test.js'), 'vscode-remote://127.0.0.1:8000/a%20b/dist/test.js');
    const port = await freePort();
    assert.ok(port > 0 && port < 65536);
  });

  it('keys the cache folder by both versions and honours TTC_LENS_CACHE_DIR', () => {
    const before = process.env.TTC_LENS_CACHE_DIR;
    try {
      process.env.TTC_LENS_CACHE_DIR = join(dir, 'c');
      assert.equal(cacheDir(), join(dir, 'c', `code-server-${CODE_SERVER_VERSION}-node${NODE_VERSION}`));
      delete process.env.TTC_LENS_CACHE_DIR;
      assert.match(cacheDir(), /[\\/]\.cache[\\/]code-server-4\.139\.1-node24\./);
    } finally {
      if (before === undefined) delete process.env.TTC_LENS_CACHE_DIR;
      else process.env.TTC_LENS_CACHE_DIR = before;
    }
  });
});
