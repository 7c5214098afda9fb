#!/usr/bin/env node
// @ts-check
/**
 * `npm run package`: build platform-specific .vsix files with @vscode/vsce 3 (runs on Node 20).
 *
 *   node scripts/package.mjs [--target linux-x64|linux-arm64|darwin-arm64|win32-x64|win32-arm64|all] [--out DIR]
 *
 * The default target is this machine's platform. Each package carries onnxruntime-node's native
 * binaries for its own platform only (ORT 1.30 ships CPU/WebGPU/DirectML binaries for these five),
 * so VS Code's marketplace/installer picks the right one; the JS is bundled by esbuild.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
/** vsce target → onnxruntime-node's bin/napi-v6/<os>/<arch> folder. */
const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
const { values } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' } } });
const here = `${process.platform}-${process.arch}`;
const requested = values.target ?? here;
const targets = requested === 'all' ? Object.keys(TARGETS) : [requested];
for (const t of targets) {
  if (!(t in TARGETS)) {
    console.error(`package: no onnxruntime-node binaries for target "${t}"; choose one of ${Object.keys(TARGETS).join(', ')} or all.`);
    process.exit(2);
  }
}
for (const f of ['dist/client.js', 'dist/server.js', 'dist/profilerWorker.js', 'dist/analysisWorker.js', 'dist/panel/panel.js', 'dist/panel/panel.css']) {
  if (!existsSync(join(ROOT, f))) {
    console.error(`package: ${f} is missing; run \`npm run build\` (npm run package does).`);
    process.exit(2);
  }
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const outDir = resolve(values.out ?? ROOT);
mkdirSync(outDir, { recursive: true });
const base = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const made = [];
for (const t of targets) {
  const keep = TARGETS[/** @type {keyof typeof TARGETS} */ (t)];
  const ALL = '!node_modules/onnxruntime-node/bin/napi-v6/**';
  if (!base.includes(ALL)) throw new Error(`.vscodeignore must contain the line ${ALL}`);
  const ignoreFile = join(tmpdir(), `ttc-lens-vscodeignore-${t}-${process.pid}`);
  writeFileSync(ignoreFile, base.replace(ALL, `!node_modules/onnxruntime-node/bin/napi-v6/${keep}/**`));
  const out = join(outDir, `${pkg.name}-${pkg.version}-${t}.vsix`);
  const args = [vsce, 'package', '--target', t, '--ignoreFile', ignoreFile, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links'];
  if (!existsSync(join(ROOT, 'LICENSE')) && !existsSync(join(ROOT, 'LICENSE.md'))) args.push('--skip-license');
  console.log(`package: ${relative(process.cwd(), out) || out} (${t})`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  rmSync(ignoreFile, { force: true });
  if (r.status !== 0) {
    console.error(`package: vsce failed for ${t} (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
  made.push(out);
}
console.log(`package: done: ${made.map((m) => relative(process.cwd(), m)).join(', ')}`);
