import { strict as assert } from 'node:assert';
import { decoderStepInputs, isDecoder, pairKv } from '../../../server/src/worker/decoder';
import type { SessionTensorInfo } from '../../../server/src/core/profile/protocol';

const t = (name: string, shape: Array<number | string>, dtype = 'float32'): SessionTensorInfo => ({ name, dtype, shape });

describe('worker/decoder (layout)', () => {
  const inputs = [
    t('input_ids', ['batch', 'sequence'], 'int64'),
    t('attention_mask', ['batch', 'total_sequence'], 'int64'),
    t('position_ids', ['batch', 'sequence'], 'int64'),
    t('past_key_values.0.key', ['batch', 2, 'past_sequence', 8]),
    t('past_key_values.0.value', ['batch', 2, 'past_sequence', 8]),
  ];
  const outputs = [t('logits', ['batch', 'sequence', 64]), t('present.0.key', ['batch', 2, 'total', 8]), t('present.0.value', ['batch', 2, 'total', 8])];

  it('recognises KV-cache models and pairs present.* with past inputs', () => {
    assert.ok(isDecoder(inputs, outputs));
    assert.ok(!isDecoder([inputs[0]], outputs));
    assert.deepEqual([...pairKv(inputs, outputs)], [
      ['present.0.key', 'past_key_values.0.key'],
      ['present.0.value', 'past_key_values.0.value'],
    ]);
    assert.deepEqual([...pairKv([t('past.1.key', ['b', 1, 'p', 4])], [t('present.1.key', ['b', 1, 't', 4])])], [['present.1.key', 'past.1.key']]);
  });

  it('headline inputs: one new token after 128 cached ones unless bound', () => {
    const a = new Set<string>();
    const fed = decoderStepInputs(inputs, {}, a);
    const dims = Object.fromEntries(fed.map((f) => [f.name, f.dims]));
    assert.deepEqual(dims.input_ids, [1, 1]);
    assert.deepEqual(dims.attention_mask, [1, 129]);
    assert.deepEqual(dims['past_key_values.0.key'], [1, 2, 128, 8]);
    assert.deepEqual([...(fed.find((f) => f.name === 'position_ids')!.data as BigInt64Array)], [128n]);
    assert.equal(a.size, 3);
    const bound = decoderStepInputs(inputs, { batch: 4, past_sequence: 10, sequence: 2 }, new Set());
    assert.deepEqual(Object.fromEntries(bound.map((f) => [f.name, f.dims])).attention_mask, [4, 12]);
  });
});
