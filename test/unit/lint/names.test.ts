/**
 * Names say what each room holds (issue 8): no two exported types of server/src/core share a name,
 * and no core file passes 600 lines. Read from the sources, so a new collision fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const CORE = path.join(__dirname, '..', '..', '..', 'server', 'src', 'core');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('lint: names and sizes in core', () => {
  const all = files(CORE);

  it('no two exported types or interfaces share a name', () => {
    const seen = new Map<string, string[]>();
    for (const f of all) {
      for (const m of readFileSync(f, 'utf8').matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)) seen.set(m[1], [...(seen.get(m[1]) ?? []), path.relative(CORE, f)]);
    }
    const dup = [...seen].filter(([, where]) => where.length > 1).map(([name, where]) => `${name}: ${where.join(', ')}`);
    assert.deepEqual(dup, []);
  });

  it('no file is past 600 lines', () => {
    const long = all.map((f) => [path.relative(CORE, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 600);
    assert.deepEqual(long, []);
  });
});
