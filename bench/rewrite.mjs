#!/usr/bin/env node
// Rewrite bench (issue 13): bundles bench/rewriteBench.ts and runs it; one JSON object on stdout.
// Needs `npm run build` (dist/profilerWorker.js). See bench/rewriteBench.ts for the models, the goals and the ROW_PRODUCERS hook.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
if (!existsSync(join(root, 'dist', 'profilerWorker.js'))) throw new Error('run `npm run build` first (dist/profilerWorker.js is missing)');
const tmp = mkdtempSync(join(tmpdir(), 'ttc-bench-rewrite-'));
const out = join(tmp, 'rewrite.cjs');
try {
  await build({ entryPoints: [join(here, 'rewriteBench.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', external: ['onnxruntime-node'], define: { __dirname: JSON.stringify(here) } });
  const r = spawnSync(process.execPath, [out], { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
