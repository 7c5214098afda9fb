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
import { createReadStream, readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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
  const st = await stat(file);
  const fh = await open(file, 'r');
  try {
    const h = createHash('sha256').update(String(st.size));
    const head = Buffer.alloc(Math.min(CHUNK, st.size));
    await fh.read(head, 0, head.length, 0);
    h.update(head);
    if (st.size > CHUNK) {
      const tail = Buffer.alloc(Math.min(CHUNK, st.size - CHUNK));
      await fh.read(tail, 0, tail.length, st.size - tail.length);
      h.update(tail);
    }
    return { size: st.size, mtimeMs: Math.floor(st.mtimeMs), edges: h.digest('hex') };
  } finally {
    await fh.close();
  }
}

/** Streaming SHA-256 of a whole file (hex). */
export function contentHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
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
