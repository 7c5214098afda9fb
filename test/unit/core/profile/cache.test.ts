import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKey, defaultCacheDir, ortVersionOnDisk, ProfileCache, stableStringify, type CacheKeyParts } from '../../../../server/src/core/profile/cache';
import type { MeasuredProfile } from '../../../../server/src/core/profile/protocol';

const parts = (over: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  contentHash: 'abc',
  bind: { batch: 1 },
  ep: 'cpu',
  threads: 2,
  graphOptimizationLevel: 'all',
  ortVersion: '1.30.0',
  machineId: 'm1',
  content: { ops: true },
  ...over,
});

const stats = { runs: 20, warmupRuns: 3, p50: 1.5, p90: 1.7, p99: 1.9, mean: 1.55, stdev: 0.1, cv: 0.06, min: 1.4, max: 2, ci95: [1.45, 1.55] as [number, number], ciRelHalfWidth: 0.03, stoppedBy: 'ci' as const };
/** A complete profile, as the profiler writes it. */
const profile: MeasuredProfile = {
  modelPath: '/x.onnx',
  modelBytes: 1234,
  inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 2] }],
  fed: [{ name: 'x', dtype: 'float32', dims: [1, 4], source: 'generated' }],
  assumptions: [],
  warnings: [],
  loadMs: 3,
  stats,
  env: {
    ep: 'cpu',
    threads: 2,
    graphOptimizationLevel: 'all',
    ortVersion: '1.30.0',
    machine: { cpuModel: 'cpu', logicalCores: 2, physicalCores: 2, memoryBytes: 2 ** 33, os: 'Linux', arch: 'x64', id: 'm1' },
  },
  measuredAt: '2026-01-01T00:00:00.000Z',
};

describe('core/profile/cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ttc-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keys are stable under key order and change with every part', () => {
    assert.equal(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
    const k = cacheKey(parts());
    assert.equal(k, cacheKey({ ...parts(), bind: { batch: 1 } }));
    for (const over of [{ contentHash: 'abd' }, { bind: { batch: 2 } }, { ep: 'cuda' }, { threads: 1 }, { ortVersion: '1.31.0' }, { machineId: 'm2' }, { graphOptimizationLevel: 'basic' }]) {
      assert.notEqual(cacheKey(parts(over)), k, JSON.stringify(over));
    }
  });

  it('stores, hits, and ignores a corrupted entry until it is rewritten', async () => {
    const c = new ProfileCache(path.join(dir, 'nested', 'profiles'));
    const k = cacheKey(parts());
    assert.equal(await c.get(k), undefined);
    await c.set(k, parts(), profile);
    assert.deepEqual((await c.get(k))?.stats, stats);
    assert.equal(c.counts.hits, 1);
    // No temp files left behind by the atomic write.
    assert.deepEqual(readdirSync(c.dir), [`${k}.json`]);

    writeFileSync(c.fileFor(k), '{"schema":1,"key":"' + k + '","profile":{"stat'); // truncated
    assert.equal(await c.get(k), undefined);
    assert.equal(c.counts.corrupt, 1);
    writeFileSync(c.fileFor(k), JSON.stringify({ schema: 1, key: 'other', profile }));
    assert.equal(await c.get(k), undefined, 'an entry under the wrong key is not trusted');
    await c.set(k, parts(), profile);
    assert.ok(JSON.parse(readFileSync(c.fileFor(k), 'utf8')).profile);
    assert.ok(await c.get(k));
  });

  it('drops a planted incomplete entry (schema-checked with ajv) instead of trusting a numeric p50', async () => {
    const c = new ProfileCache(dir);
    const k = cacheKey(parts());
    // What the issue planted: a numeric stats.p50 and nothing else.
    writeFileSync(c.fileFor(k), JSON.stringify({ schema: 1, key: k, parts: parts(), savedAt: 'x', profile: { stats: { p50: 1 }, modelPath: '/x.onnx' } }));
    assert.equal(await c.get(k), undefined);
    assert.equal(c.counts.corrupt, 1);
    assert.equal(existsSync(c.fileFor(k)), false, 'the invalid entry is deleted');
    // Each kind of damage is caught: a missing field, a wrong type, a bad enum.
    const broken: Array<(p: MeasuredProfile) => void> = [
      (p) => delete (p as Partial<MeasuredProfile>).env,
      (p) => ((p.stats as unknown as Record<string, unknown>).runs = 'many'),
      (p) => ((p.stats as unknown as Record<string, unknown>).stoppedBy = 'boredom'),
      (p) => ((p.fed[0] as unknown as Record<string, unknown>).dims = null),
      (p) => ((p as unknown as Record<string, unknown>).warnings = [1]),
    ];
    for (const [i, breakIt] of broken.entries()) {
      const bad = structuredClone(profile);
      breakIt(bad);
      writeFileSync(c.fileFor(k), JSON.stringify({ schema: 1, key: k, parts: parts(), savedAt: 'x', profile: bad }));
      assert.equal(await c.get(k), undefined, `damage ${i}`);
    }
    // A planted FIFO in place of an entry is a miss, not a hang.
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [c.fileFor(k)]);
      assert.equal(await c.get(k), undefined);
    }
  });

  it('uses workspace storage when given, else the OS cache dir (never the source tree)', () => {
    assert.equal(defaultCacheDir('/ws/storage'), path.join('/ws/storage', 'profiles'));
    const old = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = '/xdg';
    try {
      if (process.platform === 'linux') assert.equal(defaultCacheDir(), path.join('/xdg', 'ttc-lens', 'profiles'));
    } finally {
      if (old === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = old;
    }
  });

  it('reads the ORT version from disk without loading the runtime', () => {
    assert.match(ortVersionOnDisk() ?? '', /^\d+\.\d+\.\d+/);
  });
});
