/**
 * Finding config files on disk: used by `ttc-lens check <folder>` and by the language server's
 * model listing. Recursive, sorted, skips node_modules and .git, bounded in depth and count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Config files by name (core/model/reference.ts classifies every kind of file a workspace names). */
export const CONFIG_FILE = /\.ttc\.ya?ml$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Every *.ttc.yaml / *.ttc.yml under `dir` (sorted), at most `limit` files; unreadable folders are skipped. */
export function findConfigFiles(dir: string, limit = 10_000): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 50 || out.length >= limit) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= limit) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile() && CONFIG_FILE.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(dir, 0);
  return out;
}
