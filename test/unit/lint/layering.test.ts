/**
 * The layering check (.dependency-cruiser.cjs, run by `npm run lint`): it passes on this tree and
 * fails on each kind of planted violation. The planted files live in a scratch tree laid out like
 * this repository (server/src/core, service, …) with the real config, tsconfig and node_modules.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** depcruise's violations for `paths` (relative to `cwd`), read from its JSON report. */
function cruise(cwd: string, paths: string[]): Violation[] {
  const out = execFileSync(process.execPath, [BIN, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...paths], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const report = JSON.parse(out) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('layering check (dependency-cruiser)', function () {
  this.timeout(120_000);
  let dir: string;
  let found: Violation[];
  const plant = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const PLANTED: Record<string, string> = {
    // Allowed arrows: service → core, client → the protocol, a test → the profiler's runtime module.
    'server/src/service/ok.ts': "import { budget } from './settings';\nexport const b = budget;\n",
    'client/src/ok.ts': "import { METHOD } from '../../server/src/protocol';\nexport const m = METHOD;\n",
    'test/unit/ok.test.ts': "import { version } from '../../server/src/worker/runtime';\nexport const v = version;\n",
    // Violations.
    'server/src/core/config/up.ts': "import { budget } from '../../service/settings';\nimport { host } from '../../lsp/host';\nexport const x = [budget, host];\n",
    'server/src/core/model/editor.ts': "import type { TextDocument } from 'vscode-languageserver-textdocument';\nexport type D = TextDocument;\n",
    'server/src/service/io.ts': "import * as fs from 'node:fs';\nimport { spawn } from 'child_process';\nimport { Worker } from 'node:worker_threads';\nexport const x = [fs, spawn, Worker];\n",
    'server/src/core/profile/ort.ts': "import * as ort from 'onnxruntime-node';\nexport const t = ort.Tensor;\n",
    'test/unit/ort.test.ts': "import { InferenceSession } from 'onnxruntime-node';\nexport const s = InferenceSession;\n",
    'client/src/bad.ts': "import type { Budget } from '../../server/src/core/config/types';\nexport type B = Budget;\n",
    'server/src/core/onnx/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
    'server/src/core/onnx/b.ts': "import type { A } from './a';\nexport interface B { a?: A }\n",
  };
  const by = (rule: string): string[] => found.filter((v) => v.rule === rule).map((v) => `${v.from} → ${v.to}`).sort();

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-layering-'));
    copyFileSync(path.join(ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // What the planted files import: one module per room.
    plant('server/src/core/config/types.ts', 'export type Budget = { memory?: number };\n');
    plant('server/src/service/settings.ts', "import type { Budget } from '../core/config/types';\nexport const budget: Budget = {};\n");
    plant('server/src/lsp/host.ts', "export const host = 'lsp';\n");
    plant('server/src/protocol.ts', "export const METHOD = 'ttc/x';\n");
    plant('server/src/worker/runtime.ts', "import * as ort from 'onnxruntime-node';\nexport const version = ort.env.versions;\n");
    for (const [file, text] of Object.entries(PLANTED)) plant(file, text);
    found = cruise(dir, Object.keys(PLANTED));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on this repository', () => {
    assert.deepEqual(cruise(ROOT, ['server', 'client', 'test']), []);
  });

  it('passes on allowed arrows: service → core, client → protocol, test → the profiler runtime', () => {
    assert.deepEqual(found.filter((v) => /\/ok(\.test)?\.ts$/.test(v.from)), []);
  });

  it('fails when core imports the service, lsp or the editor', () => {
    // (node_modules is a link here, so the editor package resolves to its real path.)
    const v = by('core-is-the-bottom').map((s) => s.replace(/→ .*node_modules\/([^/]+)\/.*/, '→ $1'));
    assert.deepEqual(v, [
      'server/src/core/config/up.ts → server/src/lsp/host.ts',
      'server/src/core/config/up.ts → server/src/service/settings.ts',
      'server/src/core/model/editor.ts → vscode-languageserver-textdocument',
    ]);
  });

  it('fails when the service does file or process I/O', () => {
    assert.deepEqual(by('service-does-no-io'), ['server/src/service/io.ts → child_process', 'server/src/service/io.ts → fs', 'server/src/service/io.ts → worker_threads']);
  });

  it('fails when onnxruntime-node is imported outside server/src/worker/, tests included', () => {
    assert.deepEqual(by('ort-only-in-the-worker').map((s) => s.split(' → ')[0]), ['server/src/core/profile/ort.ts', 'test/unit/ort.test.ts']);
  });

  it('fails when the client imports server code other than the protocol', () => {
    assert.deepEqual(by('client-shares-only-the-protocol'), ['client/src/bad.ts → server/src/core/config/types.ts']);
  });

  it('fails on an import circle in core, type-only imports included', () => {
    const circles = by('no-circles-in-core');
    assert.equal(circles.length, 1, circles.join('; '));
    assert.match(circles[0], /^server\/src\/core\/onnx\/[ab]\.ts → server\/src\/core\/onnx\/[ab]\.ts$/);
  });

  it('reports nothing else', () => {
    const rules = ['core-is-the-bottom', 'service-does-no-io', 'ort-only-in-the-worker', 'client-shares-only-the-protocol', 'no-circles-in-core'];
    assert.deepEqual(found.filter((v) => !rules.includes(v.rule)), []);
  });
});
