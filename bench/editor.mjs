#!/usr/bin/env node
// Editor latency bench (issue 12): runs bench/editorBench.ts (through tsx) against dist/server.js;
// one JSON object on stdout. Needs `npm run build`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
if (!existsSync(join(root, 'dist', 'server.js'))) throw new Error('run `npm run build` first (dist/server.js is missing)');
const tsx = createRequire(import.meta.url).resolve('tsx/cjs');
const r = spawnSync(process.execPath, ['--require', tsx, join(here, 'editorBench.ts')], { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
process.exitCode = r.status ?? 1;
