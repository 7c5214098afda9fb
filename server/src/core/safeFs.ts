/**
 * Opening files that a workspace names, safely: a FIFO, a device (`model.onnx → /dev/zero`), a socket
 * or a kernel file (`/proc/self/mem`) must never block a thread or be read without end.
 *
 * Files are opened non-blocking (opening a FIFO with no writer would wait forever) and checked with
 * fstat *after* opening (no race between the check and the read); only regular files of a known size
 * pass, and callers read at most that size.
 */
import * as fs from 'node:fs';

/** Why a path cannot be read as a regular file; the message never contains the file's content. */
export class UnsafeFileError extends Error {
  constructor(message: string, readonly code: 'ENOENT' | 'EISDIR' | 'ESPECIAL' | 'ETOOBIG' | 'EIO') {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** The kind of a stat result, in words ("a FIFO (named pipe)", "a character device"…). */
export function kindOf(st: fs.Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Pseudo-file systems whose "regular" files have no real size (Linux). */
const SPECIAL_ROOTS = ['/proc/', '/sys/', '/dev/'];

function specialRoot(p: string): boolean {
  if (process.platform !== 'linux') return false;
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // The open below reports it.
  }
  return SPECIAL_ROOTS.some((r) => real.startsWith(r));
}

export interface SafeFd {
  fd: number;
  size: number;
  mtimeMs: number;
}

/**
 * Open `file` for reading if it is a regular file of at most `maxBytes` (default: any size).
 * Throws UnsafeFileError otherwise; the caller closes the returned fd.
 */
export function openRegularFile(file: string, maxBytes = Number.POSITIVE_INFINITY, what = 'file'): SafeFd {
  if (specialRoot(file)) throw new UnsafeFileError(`${file} is a special (kernel or device) file, not a ${what}`, 'ESPECIAL');
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UnsafeFileError(`${what} not found: ${file}`, 'ENOENT');
    if (code === 'EISDIR') throw new UnsafeFileError(`${file} is a folder, not a ${what}`, 'EISDIR');
    if (code === 'ENXIO') throw new UnsafeFileError(`${file} is a socket or a FIFO, not a ${what}`, 'ESPECIAL');
    throw new UnsafeFileError(`cannot open ${file}: ${(e as Error).message}`, 'EIO');
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new UnsafeFileError(`${file} is a folder, not a ${what}`, 'EISDIR');
    if (!st.isFile()) throw new UnsafeFileError(`${file} is ${kindOf(st)}, not a ${what}`, 'ESPECIAL');
    if (st.size > maxBytes) throw new UnsafeFileError(`${file} is ${st.size} bytes, more than the ${maxBytes} bytes a ${what} may have`, 'ETOOBIG');
    return { fd, size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Read exactly `length` bytes at `offset` (fewer only if the file shrank; then throws). */
export function readAt(fd: number, offset: number, length: number, file: string): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, done, length - done, offset + done);
    } catch (e) {
      throw new UnsafeFileError(`${file}: read failed at byte ${offset + done}: ${(e as Error).message}`, 'EIO');
    }
    if (n === 0) throw new UnsafeFileError(`${file}: unexpected end of file at byte ${offset + done} (file changed while reading?)`, 'EIO');
    done += n;
  }
  return buf;
}

/** The whole text of a regular file of at most `maxBytes`; throws UnsafeFileError otherwise. */
export function readRegularText(file: string, maxBytes: number, what = 'file'): string {
  const f = openRegularFile(file, maxBytes, what);
  try {
    return readAt(f.fd, 0, f.size, file).toString('utf8');
  } finally {
    fs.closeSync(f.fd);
  }
}

/** Like readRegularText but the read runs on libuv's pool (opening never blocks: O_NONBLOCK). */
export async function readRegularTextAsync(file: string, maxBytes: number, what = 'file'): Promise<string> {
  const f = openRegularFile(file, maxBytes, what);
  try {
    const buf = Buffer.allocUnsafe(f.size);
    let done = 0;
    while (done < f.size) {
      const n = await new Promise<number>((resolve, reject) => fs.read(f.fd, buf, done, f.size - done, done, (err, k) => (err ? reject(err) : resolve(k))));
      if (n === 0) throw new UnsafeFileError(`${file}: unexpected end of file at byte ${done}`, 'EIO');
      done += n;
    }
    return buf.toString('utf8');
  } finally {
    fs.closeSync(f.fd);
  }
}

/** A JSON.parse error without the excerpt of the text that V8 quotes (the text may be anyone's file). */
export function jsonErrorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg);
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return `not valid JSON (line ${lc[1]}, column ${lc[2]})`;
  if (pos) return `not valid JSON (at character ${pos[1]})`;
  if (/Unexpected end of JSON input/.test(msg)) return 'not valid JSON (it ends too early)';
  return 'not valid JSON';
}
