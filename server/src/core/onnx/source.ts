/**
 * Byte sources for the lazy reader: positional reads of a file (only the ranges asked for) or of an
 * in-memory buffer. Every source counts the bytes it returned, so callers can prove laziness.
 */
import * as fs from 'node:fs';
import { openRegularFile, readAt } from '../safeFs';

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

/**
 * A file opened once; each read is one positional `readSync` (works past 2 GiB). Only a regular file
 * opens (core/safeFs.ts: non-blocking open, fstat after open), so a FIFO or a device never hangs us.
 */
export class FileSource implements ByteSource {
  bytesRead = 0;
  readonly size: number;
  private fd: number | undefined;
  constructor(readonly path: string) {
    const f = openRegularFile(path, Number.POSITIVE_INFINITY, 'model file');
    this.fd = f.fd;
    this.size = f.size;
  }
  read(offset: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path}: read after close`);
    const buf = readAt(this.fd, offset, length, this.path);
    this.bytesRead += length;
    return buf;
  }
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
