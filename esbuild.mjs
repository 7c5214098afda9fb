// One build script for every entry (the vscode-eslint pattern): the extension client, the language
// server, the profiler worker process, the static-analysis worker thread and the CLI. `vscode` is provided by the host; onnxruntime-node
// is a native module and must stay a real node_modules package.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode', 'onnxruntime-node'],
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/worker/worker.ts'], outfile: 'dist/profilerWorker.js' },
  // Static analysis runs in a worker thread of the server (core/onnx/analysisHost.ts).
  { entryPoints: ['server/src/core/onnx/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The benchmark panel's webview: a browser script (uPlot inlined) and one CSS file (uPlot's own
  // stylesheet imported), both loaded from the extension under the panel's strict CSP.
  { entryPoints: ['client/webview/main.ts'], outfile: 'dist/panel/panel.js', platform: 'browser', format: 'iife', target: 'es2022', external: [] },
  { entryPoints: ['client/webview/panel.css'], outfile: 'dist/panel/panel.css', platform: 'browser', external: [] },
];
// Tests that run inside the VS Code extension host are bundled too (mocha stays external).
if (existsSync('test/e2e/inhost/index.ts')) {
  entries.push({ entryPoints: ['test/e2e/inhost/index.ts'], outfile: 'dist/test/inhost.js', external: ['vscode', 'mocha', 'onnxruntime-node'] });
}

if (watch) {
  for (const e of entries) (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  chmodSync('dist/cli.js', 0o755);
}
