#!/usr/bin/env node
// Hostile-workspace fuzz (issue 9), one JSON object on stdout. `npm run bench -- hostile`.
//  - ~1,000 mutated ONNX models (bit flips, byte runs, truncations, insertions, huge varint lengths,
//    spliced regions, many-node graphs, FIFOs, /dev/zero and /proc symlinks) through the CLI
//    (`check` over configs naming them, `profile --static` on every 10th) and through the language
//    server (hover on each model path, ttcLens/modelSummary for each, ttcLens/profileModels on a
//    sample in a trusted workspace);
//  - ~60 hostile configs (YAML bombs, deep nesting, multi-document, binary, huge, FIFO, outside paths,
//    absurd bindings…) through `check` and the server (open → diagnostics, hover, symbols, completion).
// Counts: inputs that took over 10 s ("hangs"; a check of a config naming 50 models is 50 inputs,
// Profile Models of 25 models is 25), stack traces in any output, exit codes other than
// 0/1/2, server RSS (sampled from /proc), and orphans: every profiler process must be gone after the
// server stops, and after the server is SIGKILLed mid-profile.
// Needs `npm run build` (dist/server.js, dist/cli.js). Linux (FIFOs, /proc).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const SERVER = join(root, 'dist', 'server.js');
const CLI = join(root, 'dist', 'cli.js');
if (!existsSync(SERVER) || !existsSync(CLI)) throw new Error('run `npm run build` first');
require('tsx/cjs');
const { manyNodeModelBytes } = require('../test/unit/core/onnx/manyNodes.ts');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const N_MODELS = Number(process.env.HOSTILE_MODELS ?? 1000);
const HANG_MS = 10_000;
const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;
const tmp = mkdtempSync(join(tmpdir(), 'ttc-bench-hostile-'));
const ws = join(tmp, 'ws');
const outside = join(tmp, 'outside');
mkdirSync(join(ws, 'm'), { recursive: true });
mkdirSync(outside);
const t0 = performance.now();
const stats = {
  models: 0,
  configs: 0,
  cli: { runs: 0, inputs: 0, hangs: 0, stackTraces: 0, badExitCodes: 0, maxMs: 0, maxMsPerInput: 0 },
  lsp: { requests: 0, hangs: 0, maxMsPerInput: 0, stackTraces: 0, errors: 0, maxMs: 0, p50Ms: 0, rssStartMiB: 0, rssMaxMiB: 0, rssEndMiB: 0 },
  orphans: { checks: 0, failed: 0 },
  examples: { slowest: [], stackTraces: [] },
};

// ---- inputs ---------------------------------------------------------------------------------------

let seed = 0x9e3779b9;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ri = (n) => Math.floor(rnd() * n);
const seeds = ['classifier-small.onnx', 'classifier-large.onnx', 'prm-tiny.onnx', 'decoder-tiny.onnx'].map((f) => readFileSync(join(root, 'examples', 'models', f)));
seeds.push(manyNodeModelBytes(20_000));

const MUTATIONS = {
  flip: (b) => {
    for (let k = 1 + ri(16); k > 0; k--) b[ri(b.length)] ^= 1 << ri(8);
    return b;
  },
  run: (b) => {
    const at = ri(b.length);
    b.fill(rnd() < 0.5 ? 0xff : 0x00, at, Math.min(b.length, at + 1 + ri(64)));
    return b;
  },
  truncate: (b) => b.subarray(0, ri(b.length)),
  insert: (b) => {
    const at = ri(b.length);
    const junk = Buffer.alloc(1 + ri(32));
    for (let i = 0; i < junk.length; i++) junk[i] = ri(256);
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  },
  // A length-delimited field whose length varint becomes 2^63-ish.
  hugeLength: (b) => {
    const at = ri(Math.max(1, b.length - 12));
    for (let i = 0; i < b.length - 12 && i < 4096; i++) {
      const j = (at + i) % (b.length - 12);
      if ((b[j] & 7) === 2) {
        const big = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        return Buffer.concat([b.subarray(0, j + 1), big, b.subarray(j + 2)]);
      }
    }
    return b;
  },
  splice: (b) => {
    const a = ri(b.length), len = ri(Math.min(4096, b.length - a));
    const to = ri(b.length);
    return Buffer.concat([b.subarray(0, to), b.subarray(a, a + len), b.subarray(to)]);
  },
  head: (b) => b.subarray(0, 1 + ri(64)),
};
const kinds = Object.keys(MUTATIONS);

const modelFiles = [];
for (let i = 0; i < N_MODELS; i++) {
  const base = seeds[i % seeds.length];
  let b = Buffer.from(base);
  const kind = kinds[i % kinds.length];
  b = MUTATIONS[kind](b);
  if (rnd() < 0.3) b = MUTATIONS[kinds[ri(kinds.length)]](Buffer.from(b));
  const f = join(ws, 'm', `mut${String(i).padStart(4, '0')}-${kind}.onnx`);
  writeFileSync(f, b);
  modelFiles.push(f);
}
// Hostile file kinds among the models.
execFileSync('mkfifo', [join(ws, 'm', 'fifo.onnx')]);
symlinkSync('/dev/zero', join(ws, 'm', 'zero.onnx'));
symlinkSync('/proc/self/mem', join(ws, 'm', 'mem.onnx'));
mkdirSync(join(ws, 'm', 'folder.onnx'));
writeFileSync(join(ws, 'm', 'many.onnx'), manyNodeModelBytes(400_000));
for (const f of ['fifo.onnx', 'zero.onnx', 'mem.onnx', 'folder.onnx', 'many.onnx']) modelFiles.push(join(ws, 'm', f));
stats.models = modelFiles.length;

writeFileSync(join(outside, 'secret.json'), '{"token": "SECRET-4711", "hidden_size": "SECRET-4711"');
copyFileSync(join(root, 'examples', 'models', 'classifier-small.onnx'), join(outside, 'm.onnx'));

// Configs naming the models, 50 per config.
const BATCH = 50;
const modelConfigs = [];
for (let i = 0; i < modelFiles.length; i += BATCH) {
  const lines = ['version: 1', 'models:'];
  modelFiles.slice(i, i + BATCH).forEach((f, k) => lines.push(`  m${k}: { path: ${JSON.stringify(f.slice(ws.length + 1))} }`));
  const file = join(ws, `models-${String(i / BATCH).padStart(2, '0')}.ttc.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  modelConfigs.push(file);
}

// ~60 hostile configs.
const H = [];
const add = (name, text) => H.push({ name, text });
const lol = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 0; i < 9; i++) lol.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
add('billion-laughs', lol.join('\n'));
add('deep-flow', 'version: 1\nmodels: ' + '['.repeat(5000) + ']'.repeat(5000));
add('deep-block', 'version: 1\n' + Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n'));
add('multi-doc', 'version: 1\n---\nversion: 1\n---\n');
add('binary', Buffer.from(Array.from({ length: 4096 }, () => ri(256))).toString('latin1'));
add('nul-bytes', 'version: 1\nmodels:\n  a: { path: "a\u0000.onnx" }\n');
add('huge-text', 'version: 1\n# ' + 'x'.repeat(300_000) + '\n');
add('long-line', 'version: 1\nmodels: { a: { path: ' + 'a'.repeat(100_000) + '.onnx } }\n');
add('many-models', 'version: 1\nmodels:\n' + Array.from({ length: 3000 }, (_, i) => `  m${i}: { path: m/nope${i}.onnx }`).join('\n'));
add('dup-keys', 'version: 1\n' + Array.from({ length: 2000 }, () => 'models: {}').join('\n'));
add('tabs', 'version: 1\nmodels:\n\tgen:\n\t\tpath: x.onnx\n');
add('unicode', 'version: 1\nmodels:\n  "\u202egen\u202c": { path: "m/\u{1F4A9}.onnx" }\nstrategy: { approach: "best_of_n\u200b", model: gen, n: 4 }\n');
for (const [name, target] of [
  ['fifo-model', 'm/fifo.onnx'],
  ['zero-model', 'm/zero.onnx'],
  ['proc-mem-model', 'm/mem.onnx'],
  ['folder-model', 'm/folder.onnx'],
  ['many-node-model', 'm/many.onnx'],
  ['etc-shadow', '/etc/shadow'],
  ['etc-passwd-relative', '../../../../../../../../etc/passwd'],
  ['outside-model', join(outside, 'm.onnx')],
  ['dev-stdin', '/dev/stdin'],
  ['proc-environ', '/proc/self/environ'],
])
  add(name, `version: 1\nmodels:\n  gen: { path: ${JSON.stringify(target)}, dims: { batch: 1 } }\nstrategy: { approach: single, model: gen }\n`);
for (const [name, target] of [
  ['config-passwd', '/etc/passwd'],
  ['config-outside-secret', join(outside, 'secret.json')],
  ['config-fifo', 'm/fifo.onnx'],
  ['config-zero', 'm/zero.onnx'],
  ['config-folder', 'm'],
])
  add(name, `version: 1\nmodels:\n  gen: { config: ${JSON.stringify(target)} }\n`);
for (const [name, target] of [
  ['samples-passwd', '/etc/passwd'],
  ['samples-fifo', 'm/fifo.onnx'],
  ['samples-zero', 'm/zero.onnx'],
])
  add(name, `version: 1\nmodels:\n  gen: { path: m/mut0000-flip.onnx, samples: ${JSON.stringify(target)} }\n`);
for (const v of ['-1', '0', '1.5', '1e20', '99999999999999999999', '"x"', '[]', '{}', 'null', '.inf', '0x10', '9007199254740993'])
  add(`dims-${v}`, `version: 1\nmodels:\n  gen: { path: m/mut0001-run.onnx, dims: { batch: ${v} } }\n`);
for (const v of ['-5', '1e308', '0', '"all"', '1e9'])
  add(`n-${v}`, `version: 1\nmodels:\n  gen: { path: m/mut0002-truncate.onnx }\nstrategy: { approach: best_of_n, model: gen, n: ${v} }\n`);
add('budget-absurd', 'version: 1\nbudget: { latency: { p50: 1e308s }, memory: 1e30TiB, cost_per_1k: $-1 }\n');
add('anchor-merge', 'version: 1\nbase: &b { path: x.onnx }\nmodels:\n  a: { <<: *b }\n  b: { <<: [*b, *b, *b] }\n');
add('tag-abuse', 'version: 1\nmodels: !!binary aGVsbG8=\nstrategy: !!js/function "function(){}"\n');
add('empty', '');
add('only-comment', '# nothing\n');
add('crlf', 'version: 1\r\nmodels:\r\n  gen: { path: m/mut0003-insert.onnx }\r\n');
add('bom', '\ufeffversion: 1\nmodels: {}\n');
while (H.length < 60) add(`random-${H.length}`, `version: ${ri(5)}\nmodels:\n  g${ri(9)}: { path: m/mut${String(ri(N_MODELS)).padStart(4, '0')}-flip.onnx, dims: { batch: ${ri(1e6) - 5e5} } }\n`);
const hostileFiles = H.map(({ name, text }) => {
  const f = join(ws, `hostile-${name.replace(/[^\w.-]/g, '_')}.ttc.yaml`);
  writeFileSync(f, text);
  return f;
});
execFileSync('mkfifo', [join(ws, 'hostile-fifo.ttc.yaml')]);
hostileFiles.push(join(ws, 'hostile-fifo.ttc.yaml'));
writeFileSync(join(ws, 'hostile-3gb.ttc.yaml'), '');
execFileSync('truncate', ['-s', '3G', join(ws, 'hostile-3gb.ttc.yaml')]);
hostileFiles.push(join(ws, 'hostile-3gb.ttc.yaml'));
stats.configs = hostileFiles.length;

// ---- the CLI --------------------------------------------------------------------------------------

/** One CLI run over `inputs` files (a check of a config naming 50 models is 50 inputs): a hang is an input over 10 s. */
function cli(args, inputs = 1) {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ws, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const ms = performance.now() - start;
      const code = err ? (typeof err.code === 'number' ? err.code : 'timeout') : 0;
      stats.cli.runs++;
      stats.cli.inputs += inputs;
      stats.cli.maxMs = Math.max(stats.cli.maxMs, Math.round(ms));
      stats.cli.maxMsPerInput = Math.max(stats.cli.maxMsPerInput, Math.round(ms / inputs));
      if (ms / inputs > HANG_MS) stats.cli.hangs++;
      stats.examples.slowest.push({ cli: args.join(' ').slice(0, 200), msPerInput: Math.round(ms / inputs) });
      if (STACK.test(stdout + stderr)) {
        stats.cli.stackTraces++;
        stats.examples.stackTraces.push({ cli: args.join(' ').slice(0, 200), text: (stderr || stdout).slice(0, 600) });
      }
      if (![0, 1, 2].includes(code)) stats.cli.badExitCodes++;
      resolve({ code, stdout, stderr, ms });
    });
  });
}

async function pool(items, width, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

await pool(modelConfigs, 2, (f) => cli(['check', f, '--format', 'json'], readFileSync(f, 'utf8').split('path:').length - 1));
await pool(modelFiles.filter((_, i) => i % 10 === 0 || i >= modelFiles.length - 5), 2, (f) => cli(['profile', f, '--static', '--json']));
await pool(hostileFiles, 2, (f) => cli(['check', f]));
const cliMs = Math.round(performance.now() - t0);

// ---- the language server --------------------------------------------------------------------------

function startServer(trusted) {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ws, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const logs = [];
  conn.onNotification('window/logMessage', (p) => logs.push(p.message));
  conn.onNotification(() => undefined);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ profiler: { maxTimeMs: 100 } })));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  return { proc, conn, logs, stderr: () => stderr, trusted };
}

const rss = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

const times = [];
/** One request over `inputs` models (Profile Models of 25 models is 25 inputs): a hang is an input over 10 s, or no answer in 60 s per input. */
async function timed(s, method, params, what, inputs = 1) {
  const start = performance.now();
  let result;
  let timer;
  const hang = new Promise((resolve) => (timer = setTimeout(() => resolve('__hang__'), 60_000 * inputs)));
  try {
    result = await Promise.race([s.conn.sendRequest(method, params), hang]);
  } catch (e) {
    stats.lsp.errors++;
    result = { error: String(e && e.message) };
  }
  clearTimeout(timer);
  const ms = performance.now() - start;
  times.push(ms);
  stats.lsp.requests++;
  stats.lsp.maxMs = Math.max(stats.lsp.maxMs, Math.round(ms));
  stats.lsp.maxMsPerInput = Math.max(stats.lsp.maxMsPerInput, Math.round(ms / inputs));
  if (ms / inputs > HANG_MS || result === '__hang__') stats.lsp.hangs++;
  stats.examples.slowest.push({ lsp: `${method} ${what}`.slice(0, 200), msPerInput: Math.round(ms / inputs) });
  const text = JSON.stringify(result ?? null);
  if (/\\n\s+at .+:\d+:\d+/.test(text) || text.includes('SECRET-4711')) {
    stats.lsp.stackTraces++;
    stats.examples.stackTraces.push({ lsp: `${method} ${what}`, text: text.slice(0, 600) });
  }
  return result;
}

const s = startServer(false);
const wsUri = pathToFileURL(ws).href;
await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: wsUri, workspaceFolders: [{ uri: wsUri, name: 'ws' }], capabilities: { workspace: { configuration: true } }, initializationOptions: { workspaceTrusted: false } });
s.conn.sendNotification('initialized', {});
stats.lsp.rssStartMiB = Math.round(rss(s.proc.pid));
const sampler = setInterval(() => (stats.lsp.rssMaxMiB = Math.max(stats.lsp.rssMaxMiB, Math.round(rss(s.proc.pid)))), 200);

// Models: open each batch config, hover every model path and ask for its summary.
for (const f of modelConfigs) {
  const uri = pathToFileURL(f).href;
  const text = readFileSync(f, 'utf8');
  s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ttc', version: 1, text } });
  const lines = text.split('\n');
  await pool(lines.map((l, i) => [l, i]).filter(([l]) => l.includes('path:')), 2, async ([l, i]) => {
    const character = l.indexOf('path:') + 8;
    await timed(s, 'textDocument/hover', { textDocument: { uri }, position: { line: i, character } }, `${f}:${i}`);
    const rel = JSON.parse(l.slice(l.indexOf('path:') + 6, l.lastIndexOf('}')).trim());
    await timed(s, 'ttcLens/modelSummary', { path: rel, configUri: uri }, rel);
  });
  s.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
}

// Hostile configs: open, hover, symbols, completion (the editor sends the text; a FIFO is never read).
for (const f of hostileFiles) {
  if (f.endsWith('hostile-fifo.ttc.yaml') || f.endsWith('hostile-3gb.ttc.yaml')) continue;
  const uri = pathToFileURL(f).href;
  const text = readFileSync(f, 'utf8');
  s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ttc', version: 1, text } });
  const lines = text.split('\n');
  const line = Math.max(0, lines.findIndex((l) => /path:|config:|samples:/.test(l)));
  const character = Math.max(0, (lines[line] ?? '').search(/path:|config:|samples:/) + 9);
  await timed(s, 'textDocument/hover', { textDocument: { uri }, position: { line, character } }, f);
  await timed(s, 'textDocument/documentSymbol', { textDocument: { uri } }, f);
  await timed(s, 'textDocument/completion', { textDocument: { uri }, position: { line, character } }, f);
  s.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
}
// The workspace-wide model list reads every config on disk (the FIFO and the 3 GB one included).
await timed(s, 'ttcLens/listModels', {}, 'workspace');
stats.lsp.rssEndMiB = Math.round(rss(s.proc.pid));
clearInterval(sampler);
for (const l of s.logs) {
  if (!STACK.test(l)) continue;
  stats.lsp.stackTraces++;
  stats.examples.stackTraces.push({ lsp: 'log', text: l.slice(0, 600) });
}
if (STACK.test(s.stderr())) {
  stats.lsp.stackTraces++;
  stats.examples.stackTraces.push({ lsp: 'stderr', text: s.stderr().slice(0, 600) });
}
const tShut = performance.now();
await Promise.race([s.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, HANG_MS))]);
s.conn.sendNotification('exit');
stats.lsp.shutdownMs = Math.round(performance.now() - tShut);
times.sort((a, b) => a - b);
stats.lsp.p50Ms = Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
stats.lsp.p99Ms = Math.round(times[Math.floor(times.length * 0.99)] * 10) / 10;

// ---- profiling and orphans ------------------------------------------------------------------------

const children = (pid) => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
  } catch {
    return [];
  }
};
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function gone(pids, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return !pids.some(alive);
}

stats.profile = { models: 0, ok: 0, failed: 0, ms: 0 };
for (const how of ['shutdown', 'SIGKILL']) {
  const p = startServer(true);
  await p.conn.sendRequest('initialize', { processId: process.pid, rootUri: wsUri, workspaceFolders: [{ uri: wsUri, name: 'ws' }], capabilities: { workspace: { configuration: true } }, initializationOptions: { workspaceTrusted: true } });
  p.conn.sendNotification('initialized', {});
  // Mutated models that still read as ONNX, plus the hostile file kinds, 25 at most.
  const lines = ['version: 1', 'models:'];
  modelFiles.filter((_, i) => i % 41 === 0).slice(0, 25).forEach((f, k) => lines.push(`  p${k}: { path: ${JSON.stringify(f.slice(ws.length + 1))} }`));
  const file = join(ws, `profile-${how}.ttc.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  const uri = pathToFileURL(file).href;
  p.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ttc', version: 1, text: readFileSync(file, 'utf8') } });
  const started = performance.now();
  const run = timed(p, 'ttcLens/profileModels', { uris: [uri], force: true }, how, lines.length - 2);
  let workers = [];
  if (how === 'SIGKILL') {
    // Kill the server while its profiler process works.
    const end = Date.now() + 20_000;
    while (!workers.length && Date.now() < end) {
      workers = children(p.proc.pid);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    p.proc.kill('SIGKILL');
  } else {
    const r = await run;
    stats.profile.ms = Math.round(performance.now() - started);
    stats.profile.models = r?.profiled?.length ?? 0;
    stats.profile.ok = r?.profiled?.filter((x) => x.ok).length ?? 0;
    stats.profile.failed = stats.profile.models - stats.profile.ok;
    workers = children(p.proc.pid);
    await Promise.race([p.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, HANG_MS))]);
    p.conn.sendNotification('exit');
  }
  stats.orphans.checks++;
  if (!(await gone([p.proc.pid, ...workers]))) {
    stats.orphans.failed++;
    for (const w of workers) if (alive(w)) process.kill(w, 'SIGKILL');
  }
  p.conn.dispose();
}

rmSync(tmp, { recursive: true, force: true });
stats.totalMs = Math.round(performance.now() - t0);
stats.cliMs = cliMs;
stats.load1 = Math.round(loadavg()[0] * 10) / 10;
stats.examples.slowest = stats.examples.slowest.sort((a, b) => b.msPerInput - a.msPerInput).slice(0, 5);
stats.examples.stackTraces = stats.examples.stackTraces.slice(0, 5);
process.stdout.write(JSON.stringify(stats) + '\n');
