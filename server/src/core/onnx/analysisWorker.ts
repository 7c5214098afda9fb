/**
 * The static-analysis worker thread (dist/analysisWorker.js): reads and analyses one model per
 * request, off the language server's main thread. The host (analysisHost.ts) bounds it in time (it
 * terminates the thread) and in memory (`resourceLimits`); this side bounds the work itself: a cheap
 * count of the main graph's nodes comes first, and a model past `maxNodes` is answered at once as
 * too large instead of being read.
 */
import { parentPort } from 'node:worker_threads';
import { closeSync } from 'node:fs';
import { OnnxReadError } from './wire';
import { countMainGraphNodes } from './count';
import { readModel, type ModelInfo } from './reader';
import { analyzeModel } from './analyze';
import { openRegularFile, UnsafeFileError } from '../safeFs';

export interface AnalysisRequest {
  id: number;
  path: string;
  bind: Record<string, number>;
  maxNodes: number;
}

export type AnalysisReply =
  | { id: number; ok: true; summary: import('./analyze').ModelSummary }
  | { id: number; ok: false; error: string; offset?: number; tooLarge?: number };

/** The last model read, kept for analyses under other bindings when it is small. */
let last: { key: string; model: ModelInfo } | undefined;
const KEEP_NODES = 50_000;
/** Counting stops here (a tag walk of 100 M nodes is still only seconds). */
const COUNT_LIMIT = 100_000_000;

function handle(req: AnalysisRequest): AnalysisReply {
  try {
    // Regular files only (a FIFO or a device is refused here, before any read).
    const f = openRegularFile(req.path, Number.POSITIVE_INFINITY, 'model file');
    closeSync(f.fd);
    const key = `${req.path}|${f.size}|${f.mtimeMs}`;
    let model = last?.key === key ? last.model : undefined;
    if (!model) {
      last = undefined;
      // Counting costs a pass over the graph's tags; worth it only when the file could be too large.
      const count = f.size > 2 ** 20 ? countMainGraphNodes(req.path, COUNT_LIMIT) : undefined;
      if (count !== undefined && count > req.maxNodes) {
        return { id: req.id, ok: false, tooLarge: count, error: `more than ${req.maxNodes.toLocaleString('en-US')} nodes` };
      }
      const t0 = performance.now();
      model = readModel(req.path, { maxNodes: req.maxNodes });
      const readMs = performance.now() - t0;
      const nodes = model.graph.nodes.length;
      if (nodes <= KEEP_NODES) last = { key, model };
      const { summary } = analyzeModel(model, { bind: req.bind });
      summary.analysisMs += readMs;
      return { id: req.id, ok: true, summary };
    }
    return { id: req.id, ok: true, summary: analyzeModel(model, { bind: req.bind }).summary };
  } catch (e) {
    if (e instanceof OnnxReadError) {
      const m = /^more than (\d+) nodes/.exec(e.message);
      if (m) return { id: req.id, ok: false, tooLarge: Number(m[1]) + 1, error: e.message };
      return { id: req.id, ok: false, error: e.message, ...(e.offset !== undefined ? { offset: e.offset } : {}) };
    }
    if (e instanceof UnsafeFileError) return { id: req.id, ok: false, error: e.message };
    return { id: req.id, ok: false, error: `could not analyse the model: ${e instanceof Error ? e.message : String(e)}` };
  }
}

parentPort?.on('message', (req: AnalysisRequest) => {
  parentPort!.postMessage(handle(req));
});
