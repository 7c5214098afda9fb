import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContentHasher, contentHash, fastFingerprint, machineFingerprint, physicalCoreCount } from '../../../../server/src/core/profile/fingerprint';

describe('core/profile/fingerprint', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ttc-fp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('describes the machine with a stable id', () => {
    const m = machineFingerprint();
    assert.ok(m.cpuModel.length > 0);
    assert.ok(m.physicalCores >= 1 && m.physicalCores <= m.logicalCores);
    assert.ok(m.memoryBytes > 0);
    assert.match(m.id, /^[0-9a-f]{16}$/);
    assert.equal(physicalCoreCount(), m.physicalCores);
  });

  it('content hash is the SHA-256 of the file; fast fingerprint sees edits at either end', async () => {
    const f = path.join(dir, 'm.onnx');
    const big = Buffer.alloc(300_000, 7);
    writeFileSync(f, big);
    assert.equal(await contentHash(f), createHash('sha256').update(big).digest('hex'));
    const a = await fastFingerprint(f);
    big[big.length - 1] = 8;
    writeFileSync(f, big);
    utimesSync(f, new Date(a.mtimeMs / 1000), new Date(a.mtimeMs / 1000)); // same size and mtime
    const b = await fastFingerprint(f);
    assert.notEqual(a.edges, b.edges);
  });

  it('ContentHasher reads a file in full only when its fast fingerprint changes', async () => {
    const f = path.join(dir, 'm.onnx');
    writeFileSync(f, 'one');
    const h = new ContentHasher();
    const first = await h.hash(f);
    await h.hash(f);
    assert.equal(h.hashed, 1);
    writeFileSync(f, 'two!');
    const second = await h.hash(f);
    assert.equal(h.hashed, 2);
    assert.notEqual(first.hash, second.hash);
    await assert.rejects(h.hash(path.join(dir, 'missing.onnx')));
  });
});
