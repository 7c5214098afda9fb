/**
 * Static analysis off the caller's thread: one worker thread (analysisWorker.ts) reads and analyses
 * models, bounded in time (a request past `timeoutMs` terminates the thread; the next request gets a
 * fresh one), in memory (`resourceLimits`: an out-of-memory model kills only the thread) and in size
 * (a model past `maxNodes` is answered "too large to analyse here (N nodes)" after a quick count).
 *
 * Results (summaries and errors alike) are cached by path + size + mtime + bindings, in a cache capped
 * by bytes (the JSON size of what it holds), not by entries. `peek` answers from the cache only, for
 * synchronous callers (completion); `get` waits for the worker.
 */
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxReadError } from './wire';
import type { ModelSummary } from './analyze';
import type { AnalysisReply, AnalysisRequest } from './analysisWorker';

export interface AnalyzerOptions {
  /** Per request, from the moment the worker gets it (default 30 s). */
  timeoutMs?: number;
  /** The worker's old-generation heap limit in MB (default 1536). */
  maxHeapMb?: number;
  /** Models with more nodes are not read (default 250,000). */
  maxNodes?: number;
  /** Cap on cached results, in bytes of their JSON (default 16 MiB). */
  maxCacheBytes?: number;
  /** The worker script; default analysisWorker.js next to the bundle, else the TypeScript source through tsx. */
  workerPath?: string;
}

/** Why a model was not analysed; `tooLarge` is its node count when it was refused for size. */
export class AnalysisError extends OnnxReadError {
  constructor(message: string, offset?: number, readonly tooLarge?: number) {
    super(message, offset);
  }
}

type Result = { ok: true; summary: ModelSummary } | { ok: false; error: AnalysisError };

interface Pending {
  req: AnalysisRequest;
  resolve: (r: Result) => void;
}

function workerScript(explicit?: string): { file: string; eval: boolean } {
  if (explicit) return { file: explicit, eval: false };
  const bundled = path.join(__dirname, 'analysisWorker.js');
  if (fs.existsSync(bundled)) return { file: bundled, eval: false };
  const source = path.join(__dirname, 'analysisWorker.ts');
  if (fs.existsSync(source)) {
    try {
      const tsx = require.resolve('tsx/cjs');
      return { file: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
    } catch {
      // no tsx: fall through
    }
  }
  return { file: bundled, eval: false };
}

const keyOf = (file: string, st: { size: number; mtimeMs: number }, bind: Record<string, number>) =>
  `${file}|${st.size}|${st.mtimeMs}|${JSON.stringify(Object.entries(bind).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;

export class StaticAnalyzer {
  readonly opts: Required<Omit<AnalyzerOptions, 'workerPath'>> & Pick<AnalyzerOptions, 'workerPath'>;
  private worker?: Worker;
  private queue: Pending[] = [];
  private current?: Pending & { timer?: NodeJS.Timeout };
  private nextId = 1;
  private cache = new Map<string, { result: Result; bytes: number }>();
  private cacheBytes = 0;
  private inflight = new Map<string, Promise<Result>>();
  private disposed = false;
  private spawned = 0;
  /** Counters for tests and benchmarks. */
  readonly counts = { requests: 0, hits: 0, timeouts: 0, restarts: 0 };

  constructor(options: AnalyzerOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxHeapMb: options.maxHeapMb ?? 1536,
      maxNodes: options.maxNodes ?? 250_000,
      maxCacheBytes: options.maxCacheBytes ?? 16 * 2 ** 20,
      workerPath: options.workerPath,
    };
  }

  /** Bytes the cache holds now. */
  get cachedBytes(): number {
    return this.cacheBytes;
  }

  /** The cached summary of `file` under `bind`, if there is one for the file as it is now; never waits. */
  peek(file: string, bind: Record<string, number> = {}): ModelSummary | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(keyOf(file, st, bind));
    return hit?.result.ok ? hit.result.summary : undefined;
  }

  /** The summary of `file` under `bind`; rejects with AnalysisError (an OnnxReadError) when it cannot be had. */
  async get(file: string, bind: Record<string, number> = {}): Promise<ModelSummary> {
    const r = await this.result(path.resolve(file), bind);
    if (!r.ok) throw r.error;
    return r.summary;
  }

  private async result(file: string, bind: Record<string, number>): Promise<Result> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch {
      return { ok: false, error: new AnalysisError(`model file not found: ${file}`) };
    }
    const key = keyOf(file, st, bind);
    const hit = this.cache.get(key);
    if (hit) {
      this.counts.hits++;
      // LRU: most recent last.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.result;
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.run({ id: this.nextId++, path: file, bind, maxNodes: this.opts.maxNodes }).then((r) => {
        this.inflight.delete(key);
        this.store(key, r);
        return r;
      });
      this.inflight.set(key, p);
    }
    return p;
  }

  private store(key: string, r: Result): void {
    const bytes = 2 * (key.length + (r.ok ? JSON.stringify(r.summary).length : r.error.message.length + 64));
    if (bytes > this.opts.maxCacheBytes / 4) return;
    this.cache.set(key, { result: r, bytes });
    this.cacheBytes += bytes;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= this.opts.maxCacheBytes) break;
      this.cache.delete(k);
      this.cacheBytes -= v.bytes;
    }
  }

  /** Forget cached results for a file (or all). */
  invalidate(file?: string): void {
    for (const [k, v] of this.cache) {
      if (file && !k.startsWith(`${path.resolve(file)}|`)) continue;
      this.cache.delete(k);
      this.cacheBytes -= v.bytes;
    }
  }

  private run(req: AnalysisRequest): Promise<Result> {
    this.counts.requests++;
    return new Promise((resolve) => {
      if (this.disposed) return resolve({ ok: false, error: new AnalysisError('static analysis was shut down') });
      this.queue.push({ req, resolve });
      this.pump();
    });
  }

  private spawn(): Worker {
    const script = workerScript(this.opts.workerPath);
    const w = new Worker(script.file, {
      eval: script.eval,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    // The server must be able to exit while the thread idles.
    w.unref();
    w.on('message', (m: AnalysisReply) => {
      const cur = this.current;
      if (!cur || cur.req.id !== m.id) return;
      this.finish(
        m.ok
          ? { ok: true, summary: m.summary }
          : {
              ok: false,
              error: m.tooLarge
                ? new AnalysisError(`too large to analyse here (${m.tooLarge.toLocaleString('en-US')} nodes; the limit is ${this.opts.maxNodes.toLocaleString('en-US')})`, undefined, m.tooLarge)
                : new AnalysisError(m.error, m.offset),
            },
      );
    });
    const gone = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const cur = this.current;
      if (cur) this.finish({ ok: false, error: new AnalysisError(why) });
    };
    w.on('error', (e: Error & { code?: string }) =>
      gone(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `static analysis ran out of memory (limit ${this.opts.maxHeapMb} MB) and was stopped` : `static analysis failed: ${e.message}`),
    );
    w.on('exit', (code) => gone(`static analysis stopped unexpectedly (exit code ${code})`));
    return w;
  }

  private finish(r: Result): void {
    const cur = this.current;
    if (!cur) return;
    if (cur.timer) clearTimeout(cur.timer);
    this.current = undefined;
    this.worker?.unref();
    cur.resolve(r);
    this.pump();
  }

  private pump(): void {
    if (this.current || !this.queue.length || this.disposed) return;
    const next = this.queue.shift()!;
    if (!this.worker) {
      if (this.spawned++ > 0) this.counts.restarts++;
      this.worker = this.spawn();
    }
    const w = this.worker;
    // Keep the process alive while a request is running (an idle thread does not).
    w.ref();
    this.current = {
      ...next,
      timer: setTimeout(() => {
        this.counts.timeouts++;
        this.worker = undefined;
        void w.terminate();
        this.finish({ ok: false, error: new AnalysisError(`static analysis took longer than ${this.opts.timeoutMs < 1000 ? `${this.opts.timeoutMs} ms` : `${Math.round(this.opts.timeoutMs / 1000)} s`} and was stopped`) });
      }, this.opts.timeoutMs),
    };
    w.postMessage(next.req);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve({ ok: false, error: new AnalysisError('static analysis was shut down') });
    if (this.current) this.finish({ ok: false, error: new AnalysisError('static analysis was shut down') });
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
