/** Host-side reading of model descriptions for the language service (which does no I/O itself). */
import * as fs from 'node:fs';

/** Model descriptions are small JSON files; anything bigger is not read (1 MB). */
export const MAX_DESCRIPTION_BYTES = 1024 * 1024;

/**
 * The text of a small file, or undefined when it is missing, unreadable, not a regular file or larger
 * than `maxBytes` (checked before reading, so a huge file costs one stat).
 */
export function readSmallTextFile(absPath: string, maxBytes = MAX_DESCRIPTION_BYTES): string | undefined {
  try {
    const st = fs.statSync(absPath);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const text = fs.readFileSync(absPath, 'utf8');
    return text.length > maxBytes ? undefined : text;
  } catch {
    return undefined;
  }
}
