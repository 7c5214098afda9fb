/**
 * Tensor slicing for pruning, against an index-by-index reference: several axes at once, every element
 * size (1, 2, 4, 8 bytes), data in raw_data at an odd offset or in the typed fields; int edits; norms.
 */
import { strict as assert } from 'node:assert';
import { DataType } from '../../../../server/src/core/onnx/schema';
import { dimsOf, makeTensor, type TensorProto } from '../../../../server/src/core/rewrite/model';
import { setElements, sliceTensor, tensorRawBytes, unitNorms } from '../../../../server/src/core/rewrite/pruneTensor';
import { intValues } from '../../../../server/src/core/rewrite/coupling';

/** Reference: element (i0, i1, i2) of the output is element (k0[i0], k1[i1], k2[i2]) of the input. */
function reference(values: number[], dims: number[], keep: Map<number, number[]>): number[] {
  const pick = dims.map((d, a) => keep.get(a) ?? Array.from({ length: d }, (_, i) => i));
  const out: number[] = [];
  for (const i of pick[0]) for (const j of pick[1]) for (const k of pick[2]) out.push(values[(i * dims[1] + j) * dims[2] + k]);
  return out;
}

describe('core/rewrite/pruneTensor', () => {
  const dims = [3, 4, 5];
  const values = Array.from({ length: 60 }, (_, i) => i - 20);
  const keep = new Map([[0, [0, 2]], [2, [1, 3, 4]]]);
  const expected = reference(values, dims, keep);

  it('slices several axes at once for 1-, 2-, 4- and 8-byte elements, raw or in fields', () => {
    const odd = new Uint8Array(60 * 4 + 1);
    odd.set(new Uint8Array(Float32Array.from(values).buffer), 1);
    const cases: Array<[string, TensorProto, (t: TensorProto) => number[]]> = [
      ['int8', makeTensor('a', dims, Int8Array.from(values)), (t) => Array.from(new Int8Array(tensorRawBytes(t).slice().buffer))],
      ['int64', makeTensor('b', dims, BigInt64Array.from(values.map(BigInt))), (t) => Array.from(new BigInt64Array(tensorRawBytes(t).slice().buffer), Number)],
      ['float raw at an odd offset', { name: 'c', dims, data_type: DataType.FLOAT, raw_data: odd.subarray(1) }, (t) => Array.from(new Float32Array(tensorRawBytes(t).slice().buffer))],
      ['float_data', { name: 'd', dims, data_type: DataType.FLOAT, float_data: values }, (t) => Array.from(new Float32Array(tensorRawBytes(t).slice().buffer))],
      ['int16 in int32_data', { name: 'e', dims, data_type: DataType.INT16, int32_data: values }, (t) => Array.from(new Int16Array(tensorRawBytes(t).slice().buffer))],
    ];
    for (const [what, t, read] of cases) {
      const s = sliceTensor(t, keep);
      assert.deepEqual(dimsOf(s), [2, 4, 3], what);
      assert.equal(s.data_type, t.data_type, what);
      assert.deepEqual(read(s), expected, what);
    }
    // Slicing nothing copies everything.
    assert.deepEqual(Array.from(new Int8Array(tensorRawBytes(sliceTensor(cases[0][1], new Map())).slice().buffer)), values);
  });

  it('edits int64 shape constants and computes per-unit norms along an axis', () => {
    const shape = setElements(makeTensor('s', [3], BigInt64Array.from([0n, 0n, 3072n])), new Map([[2, 1536]]));
    assert.deepEqual(intValues(shape), [0, 0, 1536]);
    const w = makeTensor('w', [2, 3], Float32Array.from([3, 0, 1, 4, 2, 0]));
    assert.deepEqual(Array.from(unitNorms(w, 1)), [5, 2, 1]);
    assert.deepEqual(Array.from(unitNorms(w, 0)).map((x) => Math.round(x * x * 1e9) / 1e9), [10, 20]);
  });
});
