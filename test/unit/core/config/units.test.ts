import assert from 'node:assert/strict';
import { formatUnit, parseUnit, UNIT_PATTERNS, type UnitKind } from '../../../../server/src/core/config/units';
import { SCHEMA, schemaAt } from '../../../../server/src/core/config/schema';

describe('core/config/units', () => {
  it('parses durations to milliseconds', () => {
    assert.equal(parseUnit('duration', '800ms'), 800);
    assert.equal(parseUnit('duration', '2s'), 2000);
    assert.equal(parseUnit('duration', '1.5 min'), 90_000);
    assert.equal(parseUnit('duration', '1h'), 3_600_000);
    assert.equal(parseUnit('duration', '250us'), 0.25);
    assert.equal(parseUnit('duration', 120), 120);
    assert.equal(parseUnit('duration', '2 seconds'), undefined);
    assert.equal(parseUnit('duration', -1), undefined);
  });

  it('parses sizes (decimal and binary prefixes) to bytes', () => {
    assert.equal(parseUnit('bytes', '8GiB'), 8 * 2 ** 30);
    assert.equal(parseUnit('bytes', '512 MB'), 512e6);
    assert.equal(parseUnit('bytes', '1.5KiB'), 1536);
    assert.equal(parseUnit('bytes', '100B'), 100);
    assert.equal(parseUnit('bytes', '8 gigs'), undefined);
  });

  it('parses money, compute rates and bandwidths', () => {
    assert.equal(parseUnit('money', '$0.40'), 0.4);
    assert.equal(parseUnit('money', '1.2 USD'), 1.2);
    assert.equal(parseUnit('money', 3), 3);
    assert.equal(parseUnit('money', '€3'), undefined);
    assert.equal(parseUnit('flops', '2 TFLOP/s'), 2e12);
    assert.equal(parseUnit('flops', '350GFLOPS'), 350e9);
    assert.equal(parseUnit('flops', '1e12'), 1e12);
    assert.equal(parseUnit('bandwidth', '50 GB/s'), 50e9);
    assert.equal(parseUnit('bandwidth', '1GiB/s'), 2 ** 30);
  });

  it('never throws on odd input', () => {
    for (const v of [null, undefined, {}, [], true, NaN, Infinity, '', '   ', '1e999 s', '\u0000']) {
      for (const k of Object.keys(UNIT_PATTERNS) as UnitKind[]) assert.doesNotThrow(() => parseUnit(k, v));
    }
    assert.equal(parseUnit('duration', '1e999 s'), undefined);
  });

  it('formats amounts for people', () => {
    assert.equal(formatUnit('duration', 2500), '2.50 s');
    assert.equal(formatUnit('duration', 80), '80.0 ms');
    assert.equal(formatUnit('bytes', 8 * 2 ** 30), '8.00 GiB');
    assert.equal(formatUnit('money', 0.4), '$0.4000');
    assert.equal(formatUnit('flops', 2e12), '2.00 TFLOP/s');
  });

  it('uses exactly the patterns the JSON schema declares', () => {
    const seen = new Set<string>();
    const visit = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      if (typeof o['x-unit'] === 'string') {
        assert.equal(o.pattern, UNIT_PATTERNS[o['x-unit'] as UnitKind], `pattern for ${String(o['x-unit'])}`);
        seen.add(o['x-unit'] as string);
      }
      Object.values(o).forEach(visit);
    };
    visit(SCHEMA);
    assert.deepEqual([...seen].sort(), Object.keys(UNIT_PATTERNS).sort());
    assert.equal(schemaAt(['budget', 'latency', 'p50'])?.['x-unit'], 'duration');
  });
});
