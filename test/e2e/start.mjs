#!/usr/bin/env node
// @ts-check
/**
 * Checks `npm start`'s script as a user runs it: scripts/start.mjs prints a URL; opening it in
 * Chromium shows the examples workspace with TTC Lens active; Ctrl-C (SIGINT) stops code-server,
 * the extension host and the language server (no process of its group is left).
 *
 *   node test/e2e/start.mjs        (after npm run build)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/lib/codeServer.mjs';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e', 'start');
mkdirSync(ARTIFACTS, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'ttc-start-'));
const t0 = Date.now();
const log = (/** @type {string} */ m) => console.log(`[start ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
// Own process group, so the check can prove nothing of it outlives Ctrl-C.
const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), '--port', '0', '--profile', profile], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (b) => (out += b));
child.stderr.on('data', (b) => (out += b));
const exited = new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal)));
let ok = false;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
try {
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 300 s:\n${out}`)), 300_000);
    const onData = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((c) => reject(new Error(`start.mjs exited (${c}) before printing a URL:\n${out}`)));
  });
  log(`printed ${url}`);
  if (!/folder=%2F.*examples/.test(url)) throw new Error(`the URL does not open examples/: ${url}`);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('.ttc.yaml');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('#status\\.editor\\.mode').getByText('TTC Config').waitFor();
  await page.locator('.statusbar-item').filter({ hasText: 'TTC Lens' }).locator('.codicon-check').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'start.png') });
  log('the examples workspace opened with TTC Lens active');
  await browser.close();
  browser = undefined;
  process.kill(/** @type {number} */ (child.pid), 'SIGINT');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
  if (code !== 0) throw new Error(`start.mjs did not exit cleanly on Ctrl-C (${code}):\n${out.slice(-2000)}`);
  let alive = true;
  try {
    process.kill(-(/** @type {number} */ (child.pid)), 0);
  } catch {
    alive = false;
  }
  if (alive) throw new Error('processes of npm start are still running after Ctrl-C');
  log('Ctrl-C stopped everything');
  ok = true;
} catch (err) {
  console.error(`start: ${err instanceof Error ? err.message : err}`);
} finally {
  await browser?.close().catch(() => undefined);
  try {
    process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(profile, { recursive: true, force: true });
}
log(ok ? 'npm start check passed' : 'npm start check FAILED');
process.exit(ok ? 0 : 1);
