/**
 * Fuzz: mutated and truncated models must give an OnnxReadError or a successful read, never another
 * exception, and quickly. Deterministic (seeded) so a failure reproduces.
 */
import { strict as assert } from 'node:assert';
import { OnnxReadError, readModelBytes } from '../../../../server/src/core/onnx/reader';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { serializeModel } from '../../../../server/src/core/onnx/writer';
import { buildConvClassifier, buildDecoder, mulberry32 } from '../../../../server/src/core/onnx/builders';

function check(bytes: Uint8Array, what: string): 'ok' | 'error' {
  const t0 = performance.now();
  let r: 'ok' | 'error';
  try {
    const m = readModelBytes(bytes);
    analyzeModel(m); // the analysis of whatever was read must not throw either
    r = 'ok';
  } catch (e) {
    if (!(e instanceof OnnxReadError)) throw new Error(`${what}: unexpected ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(e.message.length > 10, `${what}: message '${e.message}'`);
    r = 'error';
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${what}: took ${ms.toFixed(0)} ms`);
  return r;
}

describe('core/onnx fuzz', function () {
  this.timeout(120_000);
  const models = [
    serializeModel(buildDecoder({ layers: 1, hidden: 16, heads: 2, kvHeads: 1, vocab: 20, ffn: 16, maxPositions: 8 })).model,
    serializeModel(buildConvClassifier({ channels: [2], imageSize: 8, classes: 3 })).model,
  ];

  it('every truncation of a model gives a clean error', () => {
    for (const m of models) {
      let errors = 0;
      const step = Math.max(1, Math.floor(m.byteLength / 1500));
      for (let n = 0; n < m.byteLength; n += step) if (check(m.subarray(0, n), `truncated at ${n}`) === 'error') errors++;
      assert.ok(errors > 0);
    }
  });

  it('random byte mutations never escape as anything but OnnxReadError', () => {
    const rand = mulberry32(1234);
    let ok = 0, err = 0;
    for (const m of models) {
      for (let i = 0; i < 1500; i++) {
        const b = Uint8Array.from(m);
        const k = 1 + Math.floor(rand() * 8);
        for (let j = 0; j < k; j++) {
          const pos = Math.floor(rand() * b.byteLength);
          const mode = rand();
          // Flip bits, write 0xff runs (huge varints), or zero bytes.
          if (mode < 0.4) b[pos] ^= 1 << Math.floor(rand() * 8);
          else if (mode < 0.7) b.fill(0xff, pos, Math.min(b.byteLength, pos + 1 + Math.floor(rand() * 10)));
          else b[pos] = Math.floor(rand() * 256);
        }
        if (check(b, `mutation ${i}`) === 'ok') ok++;
        else err++;
      }
    }
    assert.ok(err > 100 && ok > 100, `both outcomes occur (ok ${ok}, error ${err})`);
  });

  it('random bytes and spliced chunks', () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(rand() * 4096);
      const b = new Uint8Array(n);
      for (let j = 0; j < n; j++) b[j] = Math.floor(rand() * 256);
      check(b, `random ${i}`);
      const m = models[i % models.length];
      const a = Math.floor(rand() * m.byteLength), c = Math.floor(rand() * m.byteLength);
      const spliced = new Uint8Array([...m.subarray(0, a), ...m.subarray(c)]);
      check(spliced, `splice ${i}`);
    }
  });
});
