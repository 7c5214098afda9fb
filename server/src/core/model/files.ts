/** Host-side reading of model descriptions for the language service (which does no I/O itself). */
import * as fs from 'node:fs';
import { kindOf, readRegularText } from '../safeFs';

/** Model descriptions are small JSON files; anything bigger is not read (1 MB). */
export const MAX_DESCRIPTION_BYTES = 1024 * 1024;

/**
 * The text of a small file, or undefined when it is missing, unreadable, not a regular file or larger
 * than `maxBytes` (checked before reading, so a huge file costs one stat).
 */
export function readSmallTextFile(absPath: string, maxBytes = MAX_DESCRIPTION_BYTES): string | undefined {
  try {
    const text = readRegularText(absPath, maxBytes, 'model description');
    return text.length > maxBytes ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Why an existing path cannot be a model file, from its type alone (one stat, following symlinks):
 * a folder, a FIFO, a device or a socket. Undefined for a regular file (its content is not looked at).
 */
export function fileTypeProblem(absPath: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(absPath);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return 'is a folder, not an ONNX file';
  if (!st.isFile()) return `is ${kindOf(st)}, not a regular file; TTC Lens does not read it`;
  return undefined;
}
