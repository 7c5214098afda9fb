#!/usr/bin/env node
// `npm run bench`: runs every bench/*.mjs (except this file) in its own process, each printing one JSON
// object on stdout, and prints the combined JSON (also written to bench/results/latest.json).
// `npm run bench -- onnx` runs only the benches whose file name contains "onnx".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const results = {};
let failed = 0;
for (const f of files) {
  process.stderr.write(`bench: ${f}…\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const name = f.replace(/\.mjs$/, '');
  try {
    if (r.status !== 0) throw new Error(`exit code ${r.status}`);
    const lines = r.stdout.trim().split('\n');
    results[name] = JSON.parse(lines[lines.length - 1]);
  } catch (e) {
    failed++;
    results[name] = { error: String(e instanceof Error ? e.message : e), stdout: r.stdout.slice(-2000) };
  }
}
const out = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryBytes: totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` },
  results,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(out, null, 2));
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exitCode = failed ? 1 : 0;
