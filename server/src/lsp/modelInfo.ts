/**
 * Markdown sections about a model file, contributed by features (the static summary from core/onnx,
 * the shape-only description; Show Model Summary's measured section from the profiling feature) and
 * shown in the hover on a model path and in Show Model Summary (the hover's measured numbers come
 * from the MeasurementStore through the language service instead). One registry per server (on the ServerContext, never a module global); the hover feature
 * does not know who provides what.
 */
export type ModelInfoProvider = (absPath: string, bind: Record<string, number>, opts?: ModelInfoOptions) => Promise<string | undefined>;

/** What the config says about the model beyond its file (for shape-only descriptions: the precision). */
export interface ModelInfoOptions {
  precision?: string;
}

/** Sections appended to Show Model Summary (e.g. the measured numbers), after the static summary. */
export type SummarySection = (absPath: string, bind: Record<string, number>) => Promise<string | undefined>;

async function collect<A extends unknown[]>(fns: Array<(...a: A) => Promise<string | undefined>>, ...args: A): Promise<string[]> {
  const out: string[] = [];
  for (const f of fns) {
    try {
      const s = await f(...args);
      if (s) out.push(s);
    } catch (e) {
      out.push(`_Could not describe model: ${e instanceof Error ? e.message : String(e)}_`);
    }
  }
  return out;
}

export class ModelInfo {
  private readonly providers: Array<{ order: number; provide: ModelInfoProvider }> = [];
  private readonly sections: SummarySection[] = [];

  /** Lower `order` renders first. */
  registerProvider(provide: ModelInfoProvider, order = 100): void {
    this.providers.push({ order, provide });
    this.providers.sort((a, b) => a.order - b.order);
  }

  registerSummarySection(provide: SummarySection): void {
    this.sections.push(provide);
  }

  /** All hover sections for a model, in order; a failing provider contributes its error message, never throws. */
  describeModel(absPath: string, bind: Record<string, number>, opts: ModelInfoOptions = {}): Promise<string[]> {
    return collect(this.providers.map((p) => p.provide), absPath, bind, opts);
  }

  /** Every summary section for a model, in order. */
  describeSummary(absPath: string, bind: Record<string, number>): Promise<string[]> {
    return collect(this.sections, absPath, bind);
  }
}
