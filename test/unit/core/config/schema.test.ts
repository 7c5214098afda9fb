import assert from 'node:assert/strict';
import { APPROACHES, PRECISIONS, PROVIDERS } from '../../../../server/src/core/config/types';
import { deref, keysAt, SCHEMA, schemaAt, type SchemaNode } from '../../../../server/src/core/config/schema';

describe('core/config/schema', () => {
  it('documents every key (hover and completion show these texts)', () => {
    const missing: string[] = [];
    const visit = (n: SchemaNode | undefined, where: string, depth: number): void => {
      const s = deref(n);
      if (!s || depth > 10) return;
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (!deref(sub)?.description) missing.push(`${where}.${k}`);
        visit(sub, `${where}.${k}`, depth + 1);
      }
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${where}.*`, depth + 1);
      if (s.items) visit(s.items, `${where}[]`, depth + 1);
    };
    visit(SCHEMA, '', 0);
    assert.deepEqual(missing, []);
  });

  it('agrees with the typed model on enums, with a description per value', () => {
    assert.deepEqual(schemaAt(['strategy', 'approach'])!.enum, [...APPROACHES]);
    assert.deepEqual(schemaAt(['models', 'x', 'precision'])!.enum, [...PRECISIONS]);
    assert.deepEqual(schemaAt(['hardware', 'provider'])!.enum, [...PROVIDERS]);
    for (const p of [['strategy', 'approach'], ['models', 'x', 'precision'], ['hardware', 'provider'], ['strategy', 'agg_strategy']]) {
      const s = schemaAt(p)!;
      assert.equal(s.enumDescriptions?.length, s.enum?.length, p.join('.'));
    }
  });

  it('names only real approaches in x-approaches', () => {
    for (const k of keysAt(['strategy'])) for (const a of schemaAt(['strategy', k])!['x-approaches'] ?? []) assert.ok((APPROACHES as readonly string[]).includes(a), `${k}: ${a}`);
  });

  it('resolves paths through refs, maps and lists', () => {
    assert.equal(schemaAt(['strategy', 'stages', 3, 'escalate'])!.maximum, 1);
    assert.deepEqual(schemaAt(['models', 'anything', 'path'])!['x-path'], ['.onnx']);
    assert.equal(schemaAt(['nope']), undefined);
    assert.deepEqual(keysAt(['budget', 'latency']), ['p50', 'p95']);
  });
});
