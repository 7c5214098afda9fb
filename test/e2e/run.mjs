#!/usr/bin/env node
// @ts-check
/**
 * End-to-end tests in the real VS Code workbench: code-server (installed on first use, cached)
 * driven by Debian's Chromium through playwright-core.
 *
 *   node test/e2e/run.mjs [--only inhost|ui] [--vsix FILE|build] [--keep]
 *
 * 1. in-host: loads the extension from the working tree and runs dist/test/inhost.js inside the
 *    extension host (extensionTestsPath); the exit code comes back through codeAutomationExit and the
 *    per-test results through a JSON file.
 * 2. ui: the same workbench seen by a user: highlighting, squiggle, Problems, hovers, completion and
 *    palette commands, with screenshots under test-artifacts/e2e/.
 * With --vsix FILE the extension is installed from the package instead (code-server
 * --install-extension) and the in-host suite runs against that installed build; `--vsix build`
 * first packages this machine's .vsix with scripts/package.mjs into a temporary folder.
 * Waits are conditions; the server is always stopped (finally + signal handlers).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { REPO_ROOT, ensureCodeServer, installVsix, remoteUri, startCodeServer, stopOnExit, workbenchUrl } from '../../scripts/lib/codeServer.mjs';
import { createWorkspace } from './workspace.mjs';
import { uiFlows } from './ui.mjs';

const { values: opts } = parseArgs({ options: { only: { type: 'string' }, vsix: { type: 'string' }, keep: { type: 'boolean' } } });
// One folder per kind of run, so the packaged run does not wipe the development run's screenshots.
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e', opts.vsix ? 'vsix' : 'dev');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const t0 = Date.now();
const log = (/** @type {string} */ m) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

for (const f of ['dist/client.js', 'dist/server.js', 'dist/test/inhost.js']) {
  if (!existsSync(join(REPO_ROOT, f))) {
    console.error(`e2e: ${f} is missing; run \`npm run build\` first (npm run test:e2e does).`);
    process.exit(2);
  }
}
if (!existsSync(CHROMIUM)) {
  console.error(`e2e: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
  process.exit(2);
}

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
const install = await ensureCodeServer({ log });
const tmp = mkdtempSync(join(tmpdir(), 'ttc-e2e-'));
const ws = createWorkspace(REPO_ROOT, tmp);
const resultFile = join(tmp, 'inhost-result.json');
let extensionsDir;
/** Where the extension under test lives: the working tree, or the folder the .vsix installed. */
let extensionPath = REPO_ROOT;
if (opts.vsix === 'build') {
  const out = join(tmp, 'vsix');
  log('packaging the .vsix (scripts/package.mjs)');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'package.mjs'), '--out', out], { cwd: REPO_ROOT, encoding: 'utf8' });
  const made = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.vsix')) : [];
  if (r.status !== 0 || made.length !== 1) {
    console.error(`e2e: packaging failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
  opts.vsix = join(out, made[0]);
}
if (opts.vsix) {
  extensionsDir = join(tmp, 'exts');
  await installVsix(install, resolve(opts.vsix), extensionsDir);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const installed = readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(`${pkg.publisher}.${pkg.name}-`.toLowerCase()));
  if (!installed) throw new Error(`code-server --install-extension left no ${pkg.publisher}.${pkg.name} folder in ${extensionsDir}`);
  extensionPath = join(extensionsDir, installed);
  log(`installed ${basename(opts.vsix)} as ${installed}`);
}

/** @type {import('../../scripts/lib/codeServer.mjs').RunningCodeServer | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
const cleanup = async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
};
stopOnExit(cleanup);

let failed = false;
try {
  server = await startCodeServer(install, {
    runDir: join(tmp, 'run'),
    extensionsDir,
    env: { TTC_LENS_E2E_RESULT: resultFile },
    // A fixed theme and layout so screenshots are comparable run to run.
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'window.commandCenter': false },
  });
  log(`code-server ${server.origin} ready (pid ${server.pid})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  // VS Code runs extensionTestsPath only for a development extension, so with --vsix the in-host
  // suite loads the folder the .vsix was installed to (exactly the packaged files) that way; the
  // UI flow then uses the installed extension as a user would, with no payload at all.
  /** @type {Array<[string, string]>} */
  const devPayload = [['extensionDevelopmentPath', remoteUri(server.origin, extensionPath)]];

  if (opts.only !== 'ui') {
    const code = await runInHost(browser, server.origin, devPayload);
    failed ||= code !== 0;
  }
  if (opts.only !== 'inhost') {
    const page = await newPage(browser, 'ui');
    await page.goto(workbenchUrl(server.origin, ws, opts.vsix ? [] : devPayload));
    const res = await uiFlows(page, { artifacts: ARTIFACTS, log, activationOnly: !!opts.vsix });
    for (const r of res) log(`${r.ok ? 'PASS' : 'FAIL'} ui: ${r.name}${r.ok ? '' : `\n    ${r.error}`}`);
    writeFileSync(join(ARTIFACTS, 'ui-result.json'), JSON.stringify(res, null, 2));
    failed ||= res.some((r) => !r.ok);
    await page.context().close();
  }
} catch (err) {
  failed = true;
  console.error(`e2e: ${err instanceof Error ? err.stack : err}`);
  if (server) writeFileSync(join(ARTIFACTS, 'code-server.log'), server.logs());
} finally {
  if (server) writeFileSync(join(ARTIFACTS, 'code-server.log'), server.logs());
  await cleanup();
}
log(failed ? `FAILED (artifacts in ${ARTIFACTS})` : 'all end-to-end checks passed');
process.exit(failed ? 1 : 0);

/**
 * A fresh browser context + page whose console goes to test-artifacts/e2e/<name>-console.log.
 * @param {import('playwright-core').Browser} b @param {string} name
 */
async function newPage(b, name) {
  const context = await b.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const lines = /** @type {string[]} */ ([]);
  page.on('console', (m) => {
    lines.push(`[${m.type()}] ${m.text()}`);
    writeFileSync(join(ARTIFACTS, `${name}-console.log`), lines.join('\n'));
  });
  return page;
}

/**
 * Run dist/test/inhost.js in the extension host; returns its exit code.
 * @param {import('playwright-core').Browser} b @param {string} origin @param {Array<[string, string]>} extPayload
 */
async function runInHost(b, origin, extPayload) {
  const page = await newPage(b, 'inhost');
  /** @type {(code: number) => void} */
  let exit = () => {};
  const exited = new Promise((r) => (exit = r));
  await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => {
    exit(code);
  });
  const payload = [...extPayload, ['extensionTestsPath', remoteUri(origin, join(REPO_ROOT, 'dist', 'test', 'inhost.js'))]];
  log('in-host tests: starting');
  await page.goto(workbenchUrl(origin, ws, /** @type {Array<[string,string]>} */ (payload)));
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 240_000).unref());
  const code = await Promise.race([exited, timeout]);
  await page.screenshot({ path: join(ARTIFACTS, 'inhost-end.png') }).catch(() => undefined);
  await page.context().close();
  if (code === 'timeout') {
    log('in-host tests: no exit code within 240 s');
    return 1;
  }
  if (existsSync(resultFile)) {
    const { results } = JSON.parse(readFileSync(resultFile, 'utf8'));
    for (const r of results) log(`${r.state === 'passed' ? 'PASS' : r.state === 'failed' ? 'FAIL' : 'SKIP'} in-host: ${r.title}${r.error ? `\n    ${r.error.split('\n').slice(0, 4).join('\n    ')}` : ''}`);
    writeFileSync(join(ARTIFACTS, 'inhost-result.json'), JSON.stringify(results, null, 2));
    const count = (/** @type {string} */ st) => results.filter((/** @type {{state: string}} */ r) => r.state === st).length;
    log(`in-host tests: ${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped (a skipped test waits for a server capability that has not landed)`);
  } else log('in-host tests: no result file (the test run did not start; see inhost-console.log)');
  log(`in-host tests: exit code ${code}`);
  return /** @type {number} */ (code);
}
