/** The scratch workspace of npm start and the e2e run: a fresh copy of examples/ with first-open settings. */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Lib = typeof import('../../../../scripts/lib/workspace.mjs', { with: { 'resolution-mode': 'import' } });

describe('scripts/lib/workspace', () => {
  let lib: Lib;
  let dir: string;
  before(async () => {
    lib = await import('../../../../scripts/lib/workspace.mjs');
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ttc-ws-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies examples/ afresh with settings that keep the first open uncluttered', () => {
    const dest = join(dir, 'examples');
    mkdirSync(dest);
    writeFileSync(join(dest, 'edited-last-time.ttc.yaml'), 'version: 1\n');
    assert.equal(lib.copyExamples(dest, { 'files.autoSave': 'off' }), dest);
    assert.ok(!existsSync(join(dest, 'edited-last-time.ttc.yaml')), 'a fresh copy');
    const examples = readdirSync(join(__dirname, '../../../../examples')).filter((f) => f.endsWith('.ttc.yaml')).sort();
    assert.deepEqual(readdirSync(dest).filter((f) => f.endsWith('.ttc.yaml')).sort(), examples);
    assert.ok(existsSync(join(dest, 'models', 'decoder-tiny.onnx')));
    const settings = JSON.parse(readFileSync(join(dest, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(settings, {
      'git.openRepositoryInParentFolders': 'never',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'files.autoSave': 'off',
    });
    assert.deepEqual({ ...lib.FIRST_OPEN_SETTINGS }, { 'git.openRepositoryInParentFolders': 'never', 'workbench.secondarySideBar.defaultVisibility': 'hidden' });
  });
});
