/**
 * A small registry through which features contribute Markdown sections about a model file, shown in
 * the hover on a model path (static summary from core/onnx, measured numbers from the profiler).
 * The hover feature does not know who provides what.
 */
export type ModelInfoProvider = (absPath: string, bind: Record<string, number>, opts?: ModelInfoOptions) => Promise<string | undefined>;

/** What the config says about the model beyond its file (for shape-only descriptions: the precision). */
export interface ModelInfoOptions {
  precision?: string;
}

const providers: Array<{ order: number; provide: ModelInfoProvider }> = [];

/** Lower `order` renders first. */
export function registerModelInfoProvider(provide: ModelInfoProvider, order = 100): void {
  providers.push({ order, provide });
  providers.sort((a, b) => a.order - b.order);
}

/** All sections for a model, in order; a failing provider contributes its error message, never throws. */
export async function describeModel(absPath: string, bind: Record<string, number>, opts: ModelInfoOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for (const p of providers) {
    try {
      const s = await p.provide(absPath, bind, opts);
      if (s) out.push(s);
    } catch (e) {
      out.push(`_Could not describe model: ${e instanceof Error ? e.message : String(e)}_`);
    }
  }
  return out;
}

/** Sections appended to Show Model Summary (e.g. the measured numbers), after the static summary. */
export type SummarySection = (absPath: string, bind: Record<string, number>) => Promise<string | undefined>;
const summarySections: SummarySection[] = [];

export function registerSummarySection(provide: SummarySection): void {
  summarySections.push(provide);
}

/** Every summary section for a model; a failing provider contributes its error message, never throws. */
export async function describeSummary(absPath: string, bind: Record<string, number>): Promise<string[]> {
  const out: string[] = [];
  for (const p of summarySections) {
    try {
      const s = await p(absPath, bind);
      if (s) out.push(s);
    } catch (e) {
      out.push(`_Could not describe model: ${e instanceof Error ? e.message : String(e)}_`);
    }
  }
  return out;
}
