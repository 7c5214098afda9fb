/** A cheap size check before reading a model: its main graph's nodes, counted from field tags. */
import { FileSource } from './source';
import { Walker, WT_LEN } from './wire';

/**
 * Nodes of the main graph, counted from field tags only (payloads skipped), stopping past `limit`.
 * Returns undefined when the file is not framed like a model (the full reader explains why).
 */
export function countMainGraphNodes(file: string, limit: number): number | undefined {
  let src: FileSource;
  try {
    src = new FileSource(file);
  } catch {
    return undefined;
  }
  try {
    const w = new Walker(src, 1 << 16, 32, Number.MAX_SAFE_INTEGER);
    for (const f = w.fields(0, src.size, 'ModelProto'); f.next(); ) {
      if (f.no !== 7 || f.wt !== WT_LEN) continue;
      let n = 0;
      for (const g = w.fields(f.start, f.start + f.len, 'GraphProto'); g.next(); ) {
        if (g.no === 1 && ++n > limit) return n;
      }
      return n;
    }
    return 0;
  } catch {
    return undefined;
  } finally {
    src.close();
  }
}
