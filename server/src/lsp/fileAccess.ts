/**
 * Which files the editor may read for a config: those inside the workspace folders (after symlinks),
 * unless `ttcLens.files.allowOutsideWorkspace` is on. A config in a cloned repository can name
 * `path: /etc/shadow` or a symlink out of the tree; such references are reported as a warning
 * (`outside-workspace`) and never opened, so nothing from outside can reach a hover or a diagnostic.
 * A config that is itself outside every workspace folder (opened on its own) adds its own folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerContext } from './context';
import { fsPathOf } from './host';

export interface FileAccess {
  /** The reference resolves outside the workspace folders (whatever the setting says). */
  outside(absPath: string): boolean;
  /** May the server open this file? */
  allowed(absPath: string): boolean;
  /** For the language service: a test that is absent when everything is allowed. */
  isOutside?: (absPath: string) => boolean;
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
export function realPathLoose(p: string): string {
  let cur = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest);
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return path.join(cur, ...rest);
      rest.unshift(path.basename(cur));
      cur = up;
    }
  }
}

/** Is `absPath` (after symlinks) inside one of `roots` (real paths)? */
export function insideRoots(absPath: string, roots: string[]): boolean {
  const real = realPathLoose(absPath);
  return roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
}

export function fileAccess(roots: string[], allowOutside: boolean): FileAccess {
  const realRoots = roots.map(realPathLoose);
  const outside = (p: string) => !insideRoots(p, realRoots);
  return { outside, allowed: (p) => allowOutside || !outside(p), ...(allowOutside ? {} : { isOutside: outside }) };
}

/** The file access for a document: its workspace folders (or its own folder) and its settings. */
export async function fileAccessFor(ctx: ServerContext, uri: string): Promise<FileAccess> {
  const settings = await ctx.getSettings(uri);
  const fsPath = fsPathOf(uri);
  const roots = [...ctx.workspaceFolders];
  if (fsPath && !insideRoots(fsPath, roots.map(realPathLoose))) roots.push(path.dirname(fsPath));
  return fileAccess(roots, settings.files.allowOutsideWorkspace);
}
