#!/usr/bin/env node
// @ts-check
/**
 * Checks `npm start` as a user runs it: it prints a URL and where its scratch copy of examples/ is;
 * opening the URL in Chromium shows that workspace with TTC Lens active, no secondary side bar and no
 * "git repository in the parent folders" prompt (the profile, and so the scratch copy, lies inside
 * this checkout as by default); a single SIGINT to the npm process — not to its group, as
 * `kill -INT <npm pid>` sends it — stops code-server, the extension host and the language server (no
 * process of the group is left).
 *
 *   node test/e2e/start.mjs        (npm start builds first)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/lib/codeServer.mjs';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e', 'start');
mkdirSync(ARTIFACTS, { recursive: true });
// Inside the checkout (ignored by git), as .cache/editor is by default: a parent folder has a git repository.
const profile = mkdtempSync(join(ARTIFACTS, 'profile-'));
const t0 = Date.now();
const log = (/** @type {string} */ m) => console.log(`[start ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
// Own process group, so the check can prove nothing of it outlives Ctrl-C.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const child = spawn(npm, ['start', '--', '--port', '0', '--profile', profile], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const scratch = join(profile, 'examples');
  if (!url.includes(`folder=${encodeURIComponent(scratch)}`)) throw new Error(`the URL does not open the scratch copy ${scratch}: ${url}`);
  await new Promise((r) => setTimeout(r, 200)); // the lines printed with the URL
  const said = /Workspace: a scratch copy of examples\/ at (\S+)/.exec(out);
  if (!said || !scratch.endsWith(said[1])) throw new Error(`npm start does not say where the scratch copy is:\n${out}`);
  const settings = JSON.parse(readFileSync(join(scratch, '.vscode', 'settings.json'), 'utf8'));
  if (settings['git.openRepositoryInParentFolders'] !== 'never' || settings['workbench.secondarySideBar.defaultVisibility'] !== 'hidden') throw new Error(`scratch settings: ${JSON.stringify(settings)}`);
  if (!existsSync(join(scratch, 'math-dvts.ttc.yaml'))) throw new Error('the scratch copy has no examples');
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
  if (await page.locator('.part.auxiliarybar').isVisible()) throw new Error('the secondary side bar is open on first start');
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.quick-input-widget input').fill('>Notifications: Show Notifications');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.notifications-center').waitFor();
  const notes = await page.locator('.notifications-center .notification-list-item').allInnerTexts();
  if (notes.some((n) => /parent folder/i.test(n))) throw new Error(`git's parent-folder prompt is shown: ${notes.join(' | ')}`);
  log(`the scratch workspace opened with TTC Lens active, no secondary side bar, ${notes.length} notification(s)`);
  await browser.close();
  browser = undefined;
  // One SIGINT to npm alone, as `kill -INT <pid>` sends it (a terminal's Ctrl-C reaches the whole group).
  process.kill(/** @type {number} */ (child.pid), 'SIGINT');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
  if (code !== 0 && code !== 130) throw new Error(`npm start did not exit cleanly on SIGINT (${code}):\n${out.slice(-2000)}`);
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
