import { strict as assert } from 'node:assert';
import { buildConvClassifier, buildDecoder, buildMlp, mulberry32 } from '../../../../server/src/core/onnx/builders';
import { serializeModel } from '../../../../server/src/core/onnx/writer';
import { session, tensor, type Feeds, type Outputs, type Session, type Tensor } from './ort';

function ids(values: number[]): Tensor {
  return tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
}
function ones(n: number): Tensor {
  return tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
}

describe('core/onnx/builders', () => {
  it('mulberry32 is deterministic', () => {
    const a = mulberry32(42), b = mulberry32(42);
    for (let i = 0; i < 5; i++) assert.equal(a(), b());
  });

  it('serializes byte-identical models for the same options', () => {
    const a = serializeModel(buildDecoder({ layers: 1, hidden: 32, heads: 2, vocab: 50 })).model;
    const b = serializeModel(buildDecoder({ layers: 1, hidden: 32, heads: 2, vocab: 50 })).model;
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
  });

  it('MLP and conv classifier run in onnxruntime with the declared output shapes', async () => {
    const mlp = await session(serializeModel(buildMlp({ inputs: 8, hidden: 16, outputs: 3 })).model);
    const r1 = await mlp.run({ input: tensor('float32', new Float32Array(2 * 8).fill(0.5), [2, 8]) });
    assert.deepEqual(r1.output.dims, [2, 3]);
    const conv = await session(serializeModel(buildConvClassifier({ channels: [4, 8], imageSize: 16, classes: 5 })).model);
    const r2 = await conv.run({ image: tensor('float32', new Float32Array(3 * 16 * 16).fill(0.1), [1, 3, 16, 16]) });
    assert.deepEqual(r2.logits.dims, [1, 5]);
  });

  describe('decoder with KV cache', () => {
    const opts = { layers: 2, hidden: 32, heads: 4, kvHeads: 2, vocab: 40, ffn: 48, maxPositions: 32 };
    const hs = 8, kv = 2;
    let sess: Session;
    before(async () => {
      sess = await session(serializeModel(buildDecoder(opts)).model);
    });
    const empty = (): Feeds => {
      const f: Feeds = {};
      for (let i = 0; i < opts.layers; i++) {
        for (const kind of ['key', 'value']) f[`past_key_values.${i}.${kind}`] = tensor('float32', new Float32Array(0), [1, kv, 0, hs]);
      }
      return f;
    };
    const pastFrom = (out: Outputs): Feeds => {
      const f: Feeds = {};
      for (let i = 0; i < opts.layers; i++) {
        for (const kind of ['key', 'value']) f[`past_key_values.${i}.${kind}`] = out[`present.${i}.${kind}`] as Tensor;
      }
      return f;
    };

    it('declares the expected inputs and outputs', () => {
      assert.deepEqual(sess.inputNames.slice(0, 3), ['input_ids', 'attention_mask', 'past_key_values.0.key']);
      assert.deepEqual(sess.outputNames.slice(0, 2), ['logits', 'present.0.key']);
    });

    it('stepping with the KV cache gives the same logits as a full pass', async () => {
      const tokens = [3, 17, 5, 22, 9, 31];
      const full = await sess.run({ input_ids: ids(tokens), attention_mask: ones(tokens.length), ...empty() });
      assert.deepEqual(full.logits.dims, [1, 6, opts.vocab]);
      assert.deepEqual(full['present.1.value'].dims, [1, kv, 6, hs]);
      const fullLogits = full.logits.data as Float32Array;

      let out = await sess.run({ input_ids: ids(tokens.slice(0, 4)), attention_mask: ones(4), ...empty() });
      const step = [out];
      for (let t = 4; t < tokens.length; t++) {
        out = await sess.run({ input_ids: ids([tokens[t]]), attention_mask: ones(t + 1), ...pastFrom(out) });
        assert.deepEqual(out.logits.dims, [1, 1, opts.vocab]);
        step.push(out);
      }
      // Prefill rows 0..3, then one row per step.
      const got = new Float32Array(fullLogits.length);
      got.set(step[0].logits.data as Float32Array, 0);
      for (let k = 1; k < step.length; k++) got.set(step[k].logits.data as Float32Array, (3 + k) * opts.vocab);
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - fullLogits[i]));
      assert.ok(maxErr < 1e-4, `max abs difference ${maxErr}`);
      // The logits are not degenerate (a constant output would also "match").
      const first = Array.from(fullLogits.slice(0, opts.vocab));
      assert.ok(Math.max(...first) - Math.min(...first) > 1e-3);
    });

    it('padding in attention_mask hides a key', async () => {
      const tokens = [3, 17, 5];
      const a = await sess.run({ input_ids: ids(tokens), attention_mask: ones(3), ...empty() });
      const mask = tensor('int64', BigInt64Array.from([1n, 0n, 1n]), [1, 3]);
      const b = await sess.run({ input_ids: ids(tokens), attention_mask: mask, ...empty() });
      const la = a.logits.data as Float32Array, lb = b.logits.data as Float32Array;
      const last = 2 * opts.vocab;
      assert.ok(Math.abs(la[last] - lb[last]) > 1e-6, 'masking a key changes the last position');
      assert.equal(la[0], lb[0], 'position 0 never saw key 1');
    });
  });

  it('reward-head variant outputs reward [batch, sequence]', async () => {
    const sess = await session(serializeModel(buildDecoder({ layers: 1, hidden: 32, heads: 2, vocab: 40, rewardHead: true, kvCache: false })).model);
    assert.deepEqual(sess.inputNames, ['input_ids', 'attention_mask']);
    const r = await sess.run({ input_ids: ids([1, 2, 3, 4]), attention_mask: ones(4) });
    assert.deepEqual(r.reward.dims, [1, 4]);
  });
});
