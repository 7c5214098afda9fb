#!/usr/bin/env node
// Config language bench (issue 2), one JSON object on stdout (medians in ms):
//  - parseValidateMs: parse + schema + every rule for each example config (fresh parse each run);
//    goal ≤ 5 ms per typical config.
//  - largeConfigMs: the same for a 2000-model config (linear-time check); goal ≤ 500 ms.
//  - completionMs / hoverMs / symbolsMs on an example (parse cached, as in the editor).
//  - lspOpenToDiagnosticsMs: didOpen → publishDiagnostics through the built server over stdio;
//    goal ≤ 50 ms (typing adds the 200 ms debounce on top).
// Needs `npm run build` (dist/server.js); the language service is bundled from source here.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const server = join(root, 'dist', 'server.js');
if (!existsSync(server)) throw new Error('run `npm run build` first (dist/server.js is missing)');

const tmp = mkdtempSync(join(tmpdir(), 'ttc-bench-config-'));
const entry = join(tmp, 'service.cjs');
await build({ entryPoints: [join(root, 'server/src/service/languageService.ts')], outfile: entry, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
const { getLanguageService } = require(entry);
const { TextDocument } = require('vscode-languageserver-textdocument');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const time = (fn, runs) => {
  for (let i = 0; i < 5; i++) fn(i);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  return +median(t).toFixed(3);
};

const host = { fileExists: (p) => existsSync(p), listDir: (p) => readdirSync(p, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })) };
const service = getLanguageService(host);
const examples = readdirSync(join(root, 'examples')).filter((f) => /\.ttc\.ya?ml$/.test(f));
const parseValidateMs = {};
for (const f of examples) {
  const file = join(root, 'examples', f);
  const text = readFileSync(file, 'utf8');
  parseValidateMs[f] = time((i) => service.validate(TextDocument.create(pathToFileURL(file).href, 'ttc', i + 1, text), { fsPath: file }), 200);
}

const big = 'version: 1\nmodels:\n' + Array.from({ length: 2000 }, (_, i) => `  m${i}:\n    path: models/m${i}.onnx\n    dims: { batch: 1 }`).join('\n') + '\nstrategy:\n  approach: ensemble\n  models: [m0, m1, m2]\n';
const largeConfigMs = time((i) => service.validate(TextDocument.create('file:///big.ttc.yaml', 'ttc', i + 1, big), { fsPath: '/big.ttc.yaml' }), 15);

const exFile = join(root, 'examples', 'math-dvts.ttc.yaml');
const exText = readFileSync(exFile, 'utf8');
const exDoc = TextDocument.create(pathToFileURL(exFile).href, 'ttc', 1, exText);
const lines = exText.split('\n');
const approachLine = lines.findIndex((l) => l.includes('approach:'));
const completionMs = time(() => service.complete(exDoc, { line: approachLine + 1, character: 2 }, { fsPath: exFile }), 200);
const hoverMs = time(() => service.hover(exDoc, { line: approachLine, character: 4 }, { fsPath: exFile }), 200);
const symbolsMs = time(() => service.symbols(exDoc), 200);

// The real server over stdio.
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const pending = new Map();
conn.onNotification('textDocument/publishDiagnostics', (p) => pending.get(p.uri)?.(p));
conn.onNotification(() => undefined);
conn.onRequest(() => null);
conn.listen();
await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { workspaceTrusted: false } });
conn.sendNotification('initialized', {});
const opens = [];
for (let i = 0; i < 40; i++) {
  const uri = pathToFileURL(join(root, 'examples', `bench-${i}.ttc.yaml`)).href;
  const got = new Promise((resolve) => pending.set(uri, resolve));
  const s = performance.now();
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ttc', version: 1, text: exText } });
  await got;
  if (i >= 5) opens.push(performance.now() - s);
  conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
}
const lspOpenToDiagnosticsMs = +median(opens).toFixed(2);
await conn.sendRequest('shutdown');
conn.sendNotification('exit');
rmSync(tmp, { recursive: true, force: true });

process.stdout.write(JSON.stringify({ parseValidateMs, largeConfigMs, completionMs, hoverMs, symbolsMs, lspOpenToDiagnosticsMs, goals: { parseValidateMs: 5, largeConfigMs: 500, lspOpenToDiagnosticsMs: 50 } }) + '\n');
