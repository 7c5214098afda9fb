/**
 * Measured profiles cached as one JSON file per key under a storage folder: the workspace storage the
 * client gives (`ServerContext.storagePath`), else the OS cache folder — never the user's source tree
 * unless they pass such a folder explicitly. Entries are written atomically (temp file + rename); an
 * entry that does not parse, does not match its key or fails its schema (cacheSchema.ts) is deleted
 * (a miss) and rewritten by the next measurement.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { readRegularTextAsync } from '../safeFs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MeasuredProfile } from './protocol';
import { isValidCacheEntry } from './cacheSchema';

export const CACHE_SCHEMA = 1;
/** A profile entry is a few KB; anything past this is not one of ours. */
const MAX_ENTRY_BYTES = 32 * 2 ** 20;

/** Everything a measurement depends on. */
export interface CacheKeyParts {
  contentHash: string;
  bind: Record<string, number>;
  inputShapes?: Record<string, number[]>;
  samplesHash?: string;
  ep: string;
  threads: number;
  graphOptimizationLevel: string;
  ortVersion: string;
  machineId: string;
  /** What the result contains (op profile, sweeps, decoder plan). */
  content: unknown;
}

/** JSON with object keys sorted, so equal parts give equal keys. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(`${CACHE_SCHEMA}:${stableStringify(parts)}`).digest('hex').slice(0, 40);
}

/** The per-user cache folder for profiles when no workspace storage is given. */
export function defaultCacheDir(storagePath?: string): string {
  if (storagePath) return path.join(storagePath, 'profiles');
  const env = process.env;
  let base: string;
  if (process.platform === 'win32') base = env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  else if (process.platform === 'darwin') base = path.join(os.homedir(), 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ttc-lens', 'profiles');
}

/** onnxruntime-node's version read from its package.json on disk (no import of the runtime). */
let ortVersionMemo: { v: string | undefined } | undefined;
export function ortVersionOnDisk(): string | undefined {
  ortVersionMemo ??= { v: findOrtVersion() };
  return ortVersionMemo.v;
}

function findOrtVersion(): string | undefined {
  const starts = [__dirname, process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const p = path.join(dir, 'node_modules', 'onnxruntime-node', 'package.json');
      if (existsSync(p)) {
        try {
          return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version;
        } catch {
          return undefined;
        }
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

interface Entry {
  schema: number;
  key: string;
  parts: CacheKeyParts;
  savedAt: string;
  profile: MeasuredProfile;
}

/** Write a file atomically: a temp file in the same folder, then rename over the target. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export class ProfileCache {
  /** Counters for tests and the log. */
  readonly counts = { hits: 0, misses: 0, corrupt: 0, writes: 0 };

  constructor(readonly dir: string) {}

  fileFor(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<MeasuredProfile | undefined> {
    let text: string;
    try {
      // A regular file of sane size only (a planted FIFO or a huge file is a miss, not a hang).
      text = await readRegularTextAsync(this.fileFor(key), MAX_ENTRY_BYTES, 'cache entry');
    } catch {
      this.counts.misses++;
      return undefined;
    }
    try {
      const e = JSON.parse(text) as Entry;
      // Every field the reports read, with its type (cacheSchema.ts): an incomplete entry is not a result.
      if (e?.schema !== CACHE_SCHEMA || e.key !== key || !isValidCacheEntry(e)) throw new Error('bad entry');
      this.counts.hits++;
      return e.profile;
    } catch {
      // Truncated by a crash, edited by hand, planted, or from another version: dropped, and a miss;
      // the next set() writes a good one.
      this.counts.corrupt++;
      this.counts.misses++;
      await rm(this.fileFor(key), { force: true }).catch(() => undefined);
      return undefined;
    }
  }

  async set(key: string, parts: CacheKeyParts, profile: MeasuredProfile): Promise<void> {
    const entry: Entry = { schema: CACHE_SCHEMA, key, parts, savedAt: new Date().toISOString(), profile };
    await writeFileAtomic(this.fileFor(key), JSON.stringify(entry, null, 1));
    this.counts.writes++;
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileFor(key), { force: true });
  }
}
