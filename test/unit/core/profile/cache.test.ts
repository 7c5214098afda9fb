import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const profile = { stats: { p50: 1.5 }, modelPath: '/x.onnx' } as unknown as MeasuredProfile;

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
    assert.deepEqual((await c.get(k))?.stats, { p50: 1.5 });
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
