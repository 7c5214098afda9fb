#!/usr/bin/env node
// @ts-check
/**
 * Runs the same in-host tests (dist/test/inhost.js) in desktop VS Code through @vscode/test-electron,
 * for machines that can download VS Code (or that have one: set VSCODE_EXECUTABLE_PATH).
 *
 *   npm run build && node test/e2e/electron.mjs [--version stable|1.91.0]
 *
 * Where VS Code cannot be downloaded it says so plainly and exits with code 3; it never reports a
 * pass it did not run.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../scripts/lib/codeServer.mjs';
import { createWorkspace } from './workspace.mjs';

const { values } = parseArgs({ options: { version: { type: 'string' } } });
const tests = join(REPO_ROOT, 'dist', 'test', 'inhost.js');
if (!existsSync(tests)) {
  console.error('electron: dist/test/inhost.js is missing; run `npm run build` first.');
  process.exit(2);
}
const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: values.version ?? 'stable', timeout: 30_000 });
  } catch (err) {
    console.error(`electron: VS Code download unavailable (${err instanceof Error ? err.message : err}).`);
    console.error('electron: the in-host tests did NOT run here. They run in code-server instead: npm run test:e2e');
    process.exit(3);
  }
}
const tmp = mkdtempSync(join(tmpdir(), 'ttc-electron-'));
const resultFile = join(tmp, 'result.json');
let code = 1;
try {
  const ws = createWorkspace(REPO_ROOT, tmp);
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: tests,
    extensionTestsEnv: { TTC_LENS_E2E_RESULT: resultFile },
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (err) {
  console.error(`electron: ${err instanceof Error ? err.message : err}`);
} finally {
  if (existsSync(resultFile)) {
    const { results } = JSON.parse(readFileSync(resultFile, 'utf8'));
    for (const r of results) console.log(`${r.state.toUpperCase()} ${r.title}${r.error ? `\n  ${r.error.split('\n')[0]}` : ''}`);
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
