import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../../server/src/service/settings';

describe('service/settings', () => {
  it('returns the defaults for missing or malformed input', () => {
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings('nonsense'), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ validate: 'yes', profiler: 3 }), DEFAULT_SETTINGS);
  });

  it('keeps valid values and drops invalid dims', () => {
    const s = normalizeSettings({ validate: false, profiler: { threads: 4 }, defaultDims: { batch: 2, seq: -1, x: 'a' } });
    assert.equal(s.validate, false);
    assert.equal(s.profiler.threads, 4);
    assert.equal(s.profiler.targetCi, DEFAULT_SETTINGS.profiler.targetCi);
    assert.deepEqual(s.defaultDims, { batch: 2 });
  });
});
