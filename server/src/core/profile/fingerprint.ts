/**
 * Fingerprints: of the machine (what a measurement is valid for) and of a model file (what it measured).
 *
 * A file's fast fingerprint (size, mtime, hash of the first and last 64 KiB) is cheap enough to take
 * on every look-up; the full SHA-256 of the content is computed by streaming (never holding the file
 * in memory) only when the fast fingerprint is new, and memoised by it. Cache keys use the full
 * content hash, so a copied or touched-but-identical model still hits.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, read as fsRead, readFileSync } from 'node:fs';
import { openRegularFile } from '../safeFs';
import * as os from 'node:os';
import type { MachineFingerprint } from './protocol';

const CHUNK = 64 * 1024;

/** Physical cores from /proc/cpuinfo (Linux) or sysctl (macOS); elsewhere the logical count. */
export function physicalCoreCount(): number {
  const logical = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const cores = new Set<string>();
    let phys = '0';
    for (const line of info.split('\n')) {
      const [k, v] = line.split(':').map((s) => s?.trim());
      if (k === 'physical id') phys = v;
      else if (k === 'core id') cores.add(`${phys}/${v}`);
    }
    if (cores.size > 0) return Math.min(cores.size, logical);
  } catch {
    // not Linux
  }
  if (process.platform === 'darwin') {
    try {
      const n = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 }).trim());
      if (n > 0) return Math.min(n, logical);
    } catch {
      // fall through
    }
  }
  return Math.max(1, logical);
}

let machineMemo: MachineFingerprint | undefined;

export function machineFingerprint(): MachineFingerprint {
  if (machineMemo) return machineMemo;
  const cpus = os.cpus();
  const base = {
    cpuModel: (cpus[0]?.model ?? 'unknown').trim(),
    logicalCores: cpus.length || 1,
    physicalCores: physicalCoreCount(),
    // Rounded to 256 MiB: the kernel's reported total wobbles by a few pages between boots.
    memoryBytes: Math.round(os.totalmem() / 2 ** 28) * 2 ** 28,
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
  };
  // The OS release is shown but not part of the id: a kernel update does not invalidate measurements.
  const id = createHash('sha256')
    .update(JSON.stringify([base.cpuModel, base.logicalCores, base.physicalCores, base.memoryBytes, os.platform(), base.arch]))
    .digest('hex')
    .slice(0, 16);
  machineMemo = { ...base, id };
  return machineMemo;
}

export interface FastFingerprint {
  size: number;
  mtimeMs: number;
  /** SHA-256 of the first and last 64 KiB plus the size. */
  edges: string;
}

export async function fastFingerprint(file: string): Promise<FastFingerprint> {
  // Only a regular file (never a FIFO or a device: opening one could block, reading one never ends).
  const f = openRegularFile(file, Number.POSITIVE_INFINITY, 'model file');
  try {
    const read = (buf: Buffer, pos: number) =>
      new Promise<void>((resolve, reject) => fsRead(f.fd, buf, 0, buf.length, pos, (err) => (err ? reject(err) : resolve())));
    const h = createHash('sha256').update(String(f.size));
    const head = Buffer.alloc(Math.min(CHUNK, f.size));
    await read(head, 0);
    h.update(head);
    if (f.size > CHUNK) {
      const tail = Buffer.alloc(Math.min(CHUNK, f.size - CHUNK));
      await read(tail, f.size - tail.length);
      h.update(tail);
    }
    return { size: f.size, mtimeMs: Math.floor(f.mtimeMs), edges: h.digest('hex') };
  } finally {
    closeSync(f.fd);
  }
}

/**
 * Streaming SHA-256 of a whole regular file (hex): never more than the size fstat reported when it
 * was opened, so a file that grows (or a device) cannot keep us reading.
 */
export function contentHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let f: ReturnType<typeof openRegularFile>;
    try {
      f = openRegularFile(file, Number.POSITIVE_INFINITY, 'file');
    } catch (e) {
      return reject(e);
    }
    const h = createHash('sha256');
    if (f.size === 0) {
      closeSync(f.fd);
      return resolve(h.digest('hex'));
    }
    createReadStream('', { fd: f.fd, start: 0, end: f.size - 1, highWaterMark: 1 << 20, autoClose: true })
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * Content hashes memoised by fast fingerprint, so a model is read in full once per change.
 * `hashed` counts full reads (tests use it to prove the memo works).
 */
export class ContentHasher {
  private memo = new Map<string, { fp: FastFingerprint; hash: Promise<string> }>();
  hashed = 0;

  async hash(file: string): Promise<{ fp: FastFingerprint; hash: string }> {
    const fp = await fastFingerprint(file);
    const m = this.memo.get(file);
    if (m && m.fp.size === fp.size && m.fp.mtimeMs === fp.mtimeMs && m.fp.edges === fp.edges) return { fp, hash: await m.hash };
    this.hashed++;
    const hash = contentHash(file);
    this.memo.set(file, { fp, hash });
    try {
      return { fp, hash: await hash };
    } catch (e) {
      this.memo.delete(file);
      throw e;
    }
  }

  forget(file: string): void {
    this.memo.delete(file);
  }
}
