#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: open TTC Lens in a real VS Code. Installs code-server on first use (cached), starts it
 * on 127.0.0.1 with this extension loaded from the working tree and a scratch copy of examples/ open
 * (code-server auto-saves, so the tracked examples/ are never edited), and prints the URL. Ctrl-C,
 * or SIGINT/SIGTERM to the npm process alone, stops everything it started.
 *
 *   node scripts/start.mjs [--port N] [--folder DIR] [--profile DIR]     (npm start builds first)
 *
 * --profile: where the editor keeps its settings and state (default .cache/editor, kept between runs);
 * the scratch workspace is <profile>/examples, made afresh on each start. --folder opens DIR itself.
 */
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, cacheDir, ensureCodeServer, freePort, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { copyExamples } from './lib/workspace.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, folder: { type: 'string' }, profile: { type: 'string' } } });
// A persistent editor profile (settings, layout) next to the cache.
const runDir = resolve(values.profile ?? join(cacheDir(), '..', 'editor'));
const scratch = values.folder === undefined;
const folder = scratch ? copyExamples(join(runDir, 'examples')) : resolve(values.folder);
if (!existsSync(folder)) {
  console.error(`TTC Lens: workspace folder ${folder} does not exist.`);
  process.exit(2);
}
if (!existsSync(join(REPO_ROOT, 'dist', 'client.js'))) {
  console.error('TTC Lens: dist/client.js is missing; run `npm run build` (npm start does it for you).');
  process.exit(2);
}

const install = await ensureCodeServer();
// An extensions folder that holds only this extension, linked to the working tree so a rebuild +
// window reload picks it up.
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
const stop = (/** @type {string} */ why) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nTTC Lens: ${why}; stopping code-server…`);
  void server.stop().then(() => {
    console.log('TTC Lens: stopped.');
    process.exit(0);
  });
};
// `npm start` execs this script (package.json), so npm's forwarded SIGINT/SIGTERM arrive here; a
// terminal's Ctrl-C reaches the whole group anyway.
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.once(sig, () => stop(sig));
// And should the parent (npm) die without forwarding anything, we are re-parented: stop too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(`the parent process ${parent} is gone`), 500).unref();
const url = workbenchUrl(server.origin, folder);
const where = scratch
  ? `Workspace: a scratch copy of examples/ at ${relative(process.cwd(), folder).startsWith('..') ? folder : relative(process.cwd(), folder) || '.'}\n  (made afresh on each start; examples/ itself is never modified; --folder DIR opens another folder)`
  : `Workspace: ${folder}`;
console.log(`\nTTC Lens is running in VS Code (code-server) at:\n\n    ${url}\n\n${where}\n\nOpen it in a browser on this machine (or forward port ${server.port}). Ctrl-C stops it.\n`);
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
