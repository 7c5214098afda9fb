/**
 * Entry point for the tests that run inside the VS Code extension host (the standard
 * `extensionTestsPath` contract: export `run(): Promise<void>`). Bundled by esbuild into
 * dist/test/inhost.js; run by test/e2e/run.mjs in code-server and by test/e2e/electron.mjs under
 * @vscode/test-electron. Results also go to the JSON file named by $TTC_LENS_E2E_RESULT, which is
 * more reliable than reading mocha's output back from the browser console.
 */
import { writeFileSync } from 'node:fs';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  // mocha 12 is ESM with a CommonJS build inside; the bundle keeps it external.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // The test files are bundled, so instead of mocha.addFile we expose describe/it and then
  // evaluate each file (esbuild's require() of an ES module runs it lazily, here).
  mocha.suite.emit('pre-require', globalThis, 'inhost', mocha);
  /* eslint-disable @typescript-eslint/no-require-imports -- each bundled file runs when required, after the globals above exist */
  require('./activation.test');
  require('./features.test');
  require('./commands.test');
  require('./later.test');
  require('./panel.test');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const results: TestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error: String(err?.stack ?? err) }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
  const file = process.env.TTC_LENS_E2E_RESULT;
  if (file) writeFileSync(file, JSON.stringify({ failures, results }, null, 2));
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}
