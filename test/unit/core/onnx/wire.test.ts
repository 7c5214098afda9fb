import { strict as assert } from 'node:assert';
import { MemorySource } from '../../../../server/src/core/onnx/source';
import { OnnxReadError, Walker } from '../../../../server/src/core/onnx/wire';

const walker = (bytes: number[], window = 65536) => new Walker(new MemorySource(Uint8Array.from(bytes)), window, 32, 1000);

function varintBytes(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

describe('core/onnx/wire', () => {
  it('decodes varints: small, multi-byte, 2^53 and negative int64 (10 bytes)', () => {
    for (const n of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 53n - 1n, -1n, -2n, -(2n ** 40n)]) {
      const b = varintBytes(n);
      const w = walker(b);
      assert.equal(w.varint(0, b.length, 'x'), Number(n), String(n));
      assert.equal(w.vlen, b.length);
    }
  });

  it('rejects malformed and truncated varints with the byte offset', () => {
    const long = walker(new Array(12).fill(0xff));
    assert.throws(() => long.varint(0, 12, 'tag'), (e: unknown) => e instanceof OnnxReadError && /malformed varint in tag \(more than 10 bytes\) \(at byte 0\)/.test(e.message));
    const cut = walker([0x08, 0x96]);
    assert.throws(() => cut.varint(1, 2, 'ModelProto', ' field', 1), /truncated ModelProto field 1: varint runs past the end of its message \(at byte 1\)/);
  });

  it('walks fields across window boundaries with a tiny read window', () => {
    // field 1 varint 150, field 2 string "hello", field 3 fixed32 1.5, repeated 3 times
    const f32 = [...Buffer.from(Float32Array.of(1.5).buffer)];
    const msg = [0x08, 0x96, 0x01, 0x12, 5, ...Buffer.from('hello'), 0x1d, ...f32];
    const bytes = [...msg, ...msg, ...msg];
    const w = walker(bytes, 3);
    const seen: Array<[number, unknown]> = [];
    for (const f = w.fields(0, bytes.length, 'Test'); f.next(); ) {
      seen.push([f.no, f.no === 2 ? w.str(f, 'Test', 'name') : f.value]);
    }
    assert.deepEqual(seen, [1, 2, 3].flatMap(() => [[1, 150], [2, 'hello'], [3, 1.5]]));
  });

  it('names the field and the expected wire type on a mismatch', () => {
    const w = walker([0x10, 0x01]); // field 2 as a varint
    const f = w.fields(0, 2, 'ModelProto');
    assert.ok(f.next());
    assert.throws(() => w.str(f, 'ModelProto', 'producer_name'), /ModelProto\.producer_name \(field 2\) has wire type varint, expected length-delimited \(at byte 0\)/);
  });

  it('a length past the enclosing message is refused before reading it', () => {
    const w = walker([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    const f = w.fields(0, 7, 'GraphProto');
    assert.throws(() => f.next(), /GraphProto field 1 declares 4294967295 bytes but only 1 remain/);
  });
});
