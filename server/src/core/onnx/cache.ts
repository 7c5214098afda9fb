/**
 * Summaries cached by model path, invalidated when the file's mtime or size changes. The read
 * structure is kept per file and analysed once per set of bindings, so a hover after the first is
 * a map lookup plus one stat.
 */
import * as fs from 'node:fs';
import { readModel, type ModelInfo, OnnxReadError } from './reader';
import { analyzeModel, type ModelSummary } from './analyze';

interface Entry {
  mtimeMs: number;
  size: number;
  model?: ModelInfo;
  error?: OnnxReadError;
  summaries: Map<string, ModelSummary>;
}

export class ModelSummaryCache {
  private entries = new Map<string, Entry>();
  /** Reads done (for tests: a cache hit does not read). */
  reads = 0;
  constructor(private readonly maxModels = 32, private readonly maxBindingsPerModel = 16) {}

  /** The summary of `absPath` under `bind`; throws OnnxReadError for unreadable models. */
  get(absPath: string, bind: Record<string, number> = {}): ModelSummary {
    let st: fs.Stats;
    try {
      st = fs.statSync(absPath);
    } catch {
      this.entries.delete(absPath);
      throw new OnnxReadError(`model file not found: ${absPath}`);
    }
    let e = this.entries.get(absPath);
    if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
      e = { mtimeMs: st.mtimeMs, size: st.size, summaries: new Map() };
      this.reads++;
      try {
        e.model = readModel(absPath);
      } catch (err) {
        e.error = err instanceof OnnxReadError ? err : new OnnxReadError(String(err));
      }
      this.entries.set(absPath, e);
      if (this.entries.size > this.maxModels) this.entries.delete(this.entries.keys().next().value!);
    } else {
      // Refresh LRU order.
      this.entries.delete(absPath);
      this.entries.set(absPath, e);
    }
    if (e.error) throw e.error;
    const key = JSON.stringify(Object.entries(bind).sort(([a], [b]) => a.localeCompare(b)));
    let s = e.summaries.get(key);
    if (!s) {
      s = analyzeModel(e.model!, { bind }).summary;
      e.summaries.set(key, s);
      if (e.summaries.size > this.maxBindingsPerModel) e.summaries.delete(e.summaries.keys().next().value!);
    }
    return s;
  }

  invalidate(absPath?: string): void {
    if (absPath) this.entries.delete(absPath);
    else this.entries.clear();
  }
}
