#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: open TTC Lens in a real VS Code. Installs code-server on first use (cached), starts it
 * on 127.0.0.1 with this extension loaded from the working tree and the examples/ workspace open, and
 * prints the URL. Ctrl-C stops everything it started.
 *
 *   node scripts/start.mjs [--port N] [--folder DIR] [--profile DIR]     (npm start builds first)
 *
 * --profile: where the editor keeps its settings and state (default .cache/editor, kept between runs).
 */
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, cacheDir, ensureCodeServer, freePort, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, folder: { type: 'string' }, profile: { type: 'string' } } });
const folder = resolve(values.folder ?? join(REPO_ROOT, 'examples'));
if (!existsSync(folder)) {
  console.error(`TTC Lens: workspace folder ${folder} does not exist.`);
  process.exit(2);
}
if (!existsSync(join(REPO_ROOT, 'dist', 'client.js'))) {
  console.error('TTC Lens: dist/client.js is missing; run `npm run build` (npm start does it for you).');
  process.exit(2);
}

const install = await ensureCodeServer();
// A persistent editor profile (settings, layout) next to the cache, and an extensions folder that
// holds only this extension, linked to the working tree so a rebuild + window reload picks it up.
const runDir = resolve(values.profile ?? join(cacheDir(), '..', 'editor'));
const exts = join(runDir, 'exts');
mkdirSync(exts, { recursive: true });
const pkg = (await import(join(REPO_ROOT, 'package.json'), { with: { type: 'json' } })).default;
const link = join(exts, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
if (existsSync(link) || isLink(link)) rmSync(link, { recursive: false, force: true });
symlinkSync(REPO_ROOT, link, 'dir');
// Let the scanner rebuild its manifest from the folder (a stale one could name another version).
rmSync(join(exts, 'extensions.json'), { force: true });

const wanted = values.port ? Number(values.port) : 8765;
const port = wanted > 0 && (await portFree(wanted)) ? wanted : await freePort();
const server = await startCodeServer(install, { runDir, extensionsDir: exts, port, smokeDriver: false });
let stopping = false;
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(sig, () => {
    stopping = true;
    console.log('\nTTC Lens: stopping code-server…');
    void server.stop().then(() => {
      console.log('TTC Lens: stopped.');
      process.exit(0);
    });
  });
}
const url = workbenchUrl(server.origin, folder);
console.log(`\nTTC Lens is running in VS Code (code-server) at:\n\n    ${url}\n\nOpen it in a browser on this machine (or forward port ${server.port}). Ctrl-C stops it.\n`);
const code = await server.exited;
if (!stopping) {
  console.error(`code-server exited unexpectedly (${code}).\n${server.logs().slice(-4000)}`);
  process.exit(1);
}

/** @param {string} p */
function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** @param {number} p */
async function portFree(p) {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(p, '127.0.0.1', () => s.close(() => res(true)));
  });
}
