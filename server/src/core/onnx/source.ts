/**
 * Byte sources for the lazy reader: positional reads of a file (only the ranges asked for) or of an
 * in-memory buffer. Every source counts the bytes it returned, so callers can prove laziness.
 */
import * as fs from 'node:fs';

export interface ByteSource {
  readonly size: number;
  /** Bytes read so far through this source. */
  readonly bytesRead: number;
  /** Exactly `length` bytes at `offset` (the caller keeps offset + length ≤ size). */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export class MemorySource implements ByteSource {
  bytesRead = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.byteLength;
  }
  read(offset: number, length: number): Uint8Array {
    this.bytesRead += length;
    return this.bytes.subarray(offset, offset + length);
  }
  close(): void {}
}

/** A file opened once; each read is one positional `readSync` (works past 2 GiB). */
export class FileSource implements ByteSource {
  bytesRead = 0;
  readonly size: number;
  private fd: number | undefined;
  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'r');
    try {
      const st = fs.fstatSync(this.fd);
      if (st.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
      this.size = st.size;
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
  }
  read(offset: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path}: read after close`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: unexpected end of file at byte ${offset + done} (file changed while reading?)`);
      done += n;
    }
    this.bytesRead += length;
    return buf;
  }
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
