import { strict as assert } from 'node:assert';
import { buildInputs, defaultDim, generateTensor, parseSamples, resolveShape, toHalfBits } from '../../../../server/src/core/profile/inputs';

describe('core/profile/inputs', () => {
  it('binds symbolic dims, defaults the rest and records each assumption', () => {
    const a = new Set<string>();
    assert.deepEqual(resolveShape({ name: 'x', dtype: 'float32', shape: ['batch', 'sequence', 64] }, { sequence: 32 }, a), [1, 32, 64]);
    assert.equal(a.size, 1);
    assert.match([...a][0], /batch = 1/);
    assert.equal(defaultDim('past_sequence'), 128);
    assert.equal(defaultDim('channels'), 1);
  });

  it('generates the same data every time, by dtype and role', () => {
    const x1 = generateTensor('x', 'float32', [2, 3]);
    const x2 = generateTensor('x', 'float32', [2, 3]);
    assert.deepEqual(x1.data, x2.data);
    assert.ok([...(x1.data as Float32Array)].every((v) => v >= -1 && v < 1));
    const ids = generateTensor('input_ids', 'int64', [1, 4]);
    assert.ok(ids.data instanceof BigInt64Array);
    assert.ok([...(ids.data as BigInt64Array)].every((v) => v >= 0n && v < 10n));
    assert.deepEqual([...(generateTensor('attention_mask', 'int64', [1, 3]).data as BigInt64Array)], [1n, 1n, 1n]);
    assert.deepEqual([...(generateTensor('position_ids', 'int32', [1, 3], 5).data as Int32Array)], [5, 6, 7]);
    assert.equal(toHalfBits(1), 0x3c00);
    assert.equal(toHalfBits(-2), 0xc000);
    assert.throws(() => generateTensor('s', 'string', [1]), /provide sample inputs/);
  });

  it('parses the sample-inputs format and rejects bad files with the input named', () => {
    const m = parseSamples(JSON.stringify({ x: { dims: [1, 2], dtype: 'float32', data: [0.5, 1] }, ids: { dims: [2], dtype: 'int64', data: [1, '2'] } }));
    assert.deepEqual([...(m.get('x')!.data as Float32Array)], [0.5, 1]);
    assert.deepEqual([...(m.get('ids')!.data as BigInt64Array)], [1n, 2n]);
    assert.equal(m.get('x')!.source, 'samples');
    assert.throws(() => parseSamples('{'), /not valid JSON/);
    assert.throws(() => parseSamples(JSON.stringify({ x: { dims: [2], data: [1] } })), /input 'x': data has 1 elements/);
    assert.throws(() => parseSamples(JSON.stringify({ x: { dims: [1], dtype: 'complex', data: [1] } })), /unsupported dtype/);
    assert.throws(() => parseSamples(JSON.stringify({ x: { dims: [1], data: ['a'] } })), /not a finite number/);
  });

  it('buildInputs: samples win, batch sweeps change symbolic first dims only', () => {
    const infos = [
      { name: 'x', dtype: 'float32', shape: ['batch', 4] as Array<number | string> },
      { name: 'y', dtype: 'float32', shape: [1, 4] as Array<number | string> },
    ];
    const a = new Set<string>();
    const t = buildInputs(infos, { bind: {}, batch: 8 }, a);
    assert.deepEqual(t[0].dims, [8, 4]);
    assert.deepEqual(t[1].dims, [1, 4]);
    const samples = parseSamples(JSON.stringify({ x: { dims: [3, 4], data: new Array(12).fill(0) } }));
    assert.deepEqual(buildInputs(infos, { bind: {}, samples }, a)[0].dims, [3, 4]);
    const wrong = parseSamples(JSON.stringify({ x: { dims: [1], dtype: 'int32', data: [0] } }));
    assert.throws(() => buildInputs(infos, { bind: {}, samples: wrong }, a), /is int32, the model expects float32/);
  });
});
