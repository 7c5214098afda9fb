/**
 * The coupling analysis on small hand-built graphs, each pruned and run in real ORT: an Erf-GELU FFN in
 * Gemm form, an FFN whose width is spelled in a Reshape constant with a per-unit scale and value_info,
 * two FFNs sharing one bias (the bias is copied per site), a depthwise-separable conv block; and the
 * refusals (Softmax, a residual from a graph input, a grouped conv, Concat), each naming its node.
 */
import { strict as assert } from 'node:assert';
import { GraphBuilder, mulberry32 } from '../../../../server/src/core/onnx/builders';
import { DataType, serializeModel, type ValueInfoSpec } from '../../../../server/src/core/onnx/writer';
import { analyzeCoupling } from '../../../../server/src/core/rewrite/coupling';
import { decodeModel, dimsOf, encodeModel, findConstant } from '../../../../server/src/core/rewrite/model';
import { intValues } from '../../../../server/src/core/rewrite/coupling';
import { pruneModel } from '../../../../server/src/core/rewrite/prune';
import { floats, maskedOriginal, maxAbs, maxAbsDiff, onnxCheck, run, withValueInfo } from './pruneFixtures';

const F = DataType.FLOAT;
function model(build: (b: GraphBuilder) => void, inputs: ValueInfoSpec[], outputs: ValueInfoSpec[]): Uint8Array {
  const b = new GraphBuilder(mulberry32(7));
  build(b);
  return serializeModel({ opsets: { '': 17 }, graph: b.graph('t', inputs, outputs) }).model;
}

function prune(bytes: Uint8Array, ratio: number) {
  const m = decodeModel(bytes);
  const report = pruneModel(m, { ratio });
  return { m, report, bytes: encodeModel(m) };
}

/** Pruned vs masked original on the same input: equal to float rounding. */
async function assertEquivalent(original: Uint8Array, pruned: Uint8Array, ratio: number, feeds: Parameters<typeof run>[1]) {
  assert.equal(onnxCheck(pruned), undefined);
  const [a, b] = await Promise.all([run(maskedOriginal(original, ratio), feeds), run(pruned, feeds)]);
  for (const k of Object.keys(a)) {
    assert.deepEqual(b[k].dims, a[k].dims);
    assert.ok(maxAbsDiff(a[k].data, b[k].data) <= 1e-5 * Math.max(1, maxAbs(a[k].data)), `${k}: ${maxAbsDiff(a[k].data, b[k].data)}`);
  }
}

describe('core/rewrite/coupling', function () {
  this.timeout(30_000);

  it('follows an Erf-GELU FFN in Gemm form (transB on the way in, plain on the way out)', async () => {
    const bytes = model((b) => {
      const h = b.op('Gemm', ['x', b.weight('w1', [16, 8], 0.4), b.weight('b1', [16], 0.1)], { transB: 1 });
      const e = b.op('Erf', [b.op('Div', [h, b.float('sqrt2', [Math.SQRT2], [])])]);
      const g = b.op('Mul', [b.op('Mul', [h, b.op('Add', [e, b.float('one', [1], [])])]), b.float('half', [0.5], [])]);
      b.op('Gemm', [g, b.weight('w2', [16, 4], 0.3), b.weight('b2', [4], 0.1)], undefined, 'y');
    }, [{ name: 'x', dtype: F, shape: ['batch', 8] }], [{ name: 'y', dtype: F, shape: ['batch', 4] }]);
    const a = analyzeCoupling(decodeModel(bytes));
    assert.equal(a.sites.length, 1);
    assert.equal(a.sites[0].units, 16);
    assert.deepEqual(a.sites[0].params.map((p) => `${p.name}@${p.axis}`).sort(), ['b1@0', 'w1@0', 'w2@0']);
    assert.deepEqual(a.refused.map((r) => r.node), ['Gemm_6']);
    const p = prune(bytes, 0.5);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'w1')!.tensor), [8, 8]);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'w2')!.tensor), [8, 4]);
    await assertEquivalent(bytes, p.bytes, 0.5, { x: floats([3, 8]) });
  });

  it('rewrites a Reshape constant that spells the width, slices a per-unit scale and value_info', async () => {
    const bytes = withValueInfo(model((b) => {
      const x2 = b.op('Reshape', ['x', b.int64('flat', [6, 8])]);
      const h = b.op('Relu', [b.op('Add', [b.op('MatMul', [x2, b.weight('w1', [8, 16], 0.4)]), b.weight('b1', [16], 0.1)])]);
      const s = b.op('Mul', [b.weight('scale', [16], 1), h]);
      const r = b.op('Reshape', [s, b.int64('unflat', [-1, 3, 16])]);
      b.op('MatMul', [r, b.weight('w2', [16, 8], 0.3)], undefined, 'y');
    }, [{ name: 'x', dtype: F, shape: [2, 3, 8] }], [{ name: 'y', dtype: F, shape: [2, 3, 8] }]));
    assert.ok(decodeModel(bytes).graph.value_info.length >= 5);
    const a = analyzeCoupling(decodeModel(bytes));
    assert.equal(a.sites.length, 1);
    assert.deepEqual(a.sites[0].shapeFixes.map((f) => `${f.name}[${f.index}]`), ['unflat[2]']);
    const p = prune(bytes, 0.25);
    assert.deepEqual(p.report.sites, [{ id: 'MatMul_1', kind: 'ffn', unitsBefore: 16, unitsAfter: 12 }]);
    assert.deepEqual(intValues(findConstant(p.m.graph, 'unflat')!.tensor), [-1, 3, 12]);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'scale')!.tensor), [12]);
    await assertEquivalent(bytes, p.bytes, 0.25, { x: floats([2, 3, 8]) });
  });

  it('copies a bias two sites share instead of slicing it twice', async () => {
    const bytes = model((b) => {
      const bias = b.weight('shared_bias', [16], 0.2);
      for (const k of ['a', 'b']) {
        const h = b.op('Relu', [b.op('Add', [b.op('MatMul', ['x', b.weight(`w1${k}`, [8, 16], 0.4)]), bias])]);
        b.op('MatMul', [h, b.weight(`w2${k}`, [16, 4], 0.3)], undefined, `y${k}`);
      }
    }, [{ name: 'x', dtype: F, shape: ['batch', 8] }], [{ name: 'ya', dtype: F, shape: ['batch', 4] }, { name: 'yb', dtype: F, shape: ['batch', 4] }]);
    const p = prune(bytes, 0.5);
    assert.equal(p.report.sites.length, 2);
    const names = p.m.graph.initializer.map((t) => t.name).sort();
    assert.ok(!names.includes('shared_bias'), 'the original bias is no longer read');
    assert.equal(names.filter((n) => n?.startsWith('shared_bias.pruned')).length, 2);
    await assertEquivalent(bytes, p.bytes, 0.5, { x: floats([2, 8]) });
  });

  it('follows a depthwise-separable conv block (the depthwise conv keeps its group = channels)', async () => {
    const bytes = model((b) => {
      const h = b.op('Relu', [b.op('Conv', ['img', b.weight('pw1', [8, 4, 1, 1], 0.5), b.weight('pb1', [8], 0.1)])]);
      const d = b.op('Relu', [b.op('Conv', [h, b.weight('dw', [8, 1, 3, 3], 0.5)], { group: 8, pads: [1, 1, 1, 1], kernel_shape: [3, 3] })]);
      b.op('Conv', [d, b.weight('pw2', [4, 8, 1, 1], 0.5)], undefined, 'out');
    }, [{ name: 'img', dtype: F, shape: [1, 4, 6, 6] }], [{ name: 'out', dtype: F, shape: [1, 4, 6, 6] }]);
    const a = analyzeCoupling(decodeModel(bytes));
    assert.equal(a.sites.length, 1);
    assert.equal(a.sites[0].kind, 'conv');
    assert.equal(a.sites[0].depthwise.length, 1);
    const p = prune(bytes, 0.5);
    const dw = p.m.graph.node.find((n) => n.input[1] === 'dw')!;
    assert.equal(Number(dw.attribute.find((x) => x.name === 'group')!.i), 4);
    await assertEquivalent(bytes, p.bytes, 0.5, { img: floats([1, 4, 6, 6]) });
  });

  it('follows a residual conv block: both branches of the Add are producers of one site, sliced together', async () => {
    const bytes = model((b) => {
      const a = b.op('Relu', [b.op('Conv', ['img', b.weight('ca', [8, 4, 3, 3], 0.3), b.weight('ba', [8], 0.1)], { pads: [1, 1, 1, 1] })]);
      const main = b.op('Conv', [a, b.weight('cb', [8, 8, 3, 3], 0.3), b.weight('bb', [8], 0.1)], { pads: [1, 1, 1, 1] });
      const short = b.op('Conv', ['img', b.weight('cs', [8, 4, 1, 1], 0.3), b.weight('bs', [8], 0.1)]);
      const r = b.op('Relu', [b.op('Add', [main, short])]);
      b.op('Conv', [r, b.weight('cc', [4, 8, 1, 1], 0.3)], undefined, 'out');
    }, [{ name: 'img', dtype: F, shape: [1, 4, 6, 6] }], [{ name: 'out', dtype: F, shape: [1, 4, 6, 6] }]);
    const a = analyzeCoupling(decodeModel(bytes));
    assert.deepEqual(a.sites.map((s) => `${s.id}:${s.producers.length}:${s.consumers.length}`), ['Conv_0:1:1', 'Conv_2+Conv_3:2:1']);
    const p = prune(bytes, 0.5);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'cb')!.tensor), [4, 4, 3, 3]);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'cs')!.tensor), [4, 4, 1, 1]);
    await assertEquivalent(bytes, p.bytes, 0.5, { img: floats([1, 4, 6, 6]) });
  });

  it('maps the unit axis through Transpose, and refuses when it no longer reaches the contracted axis', async () => {
    const build = (perm: number[]) => model((b) => {
      const h = b.op('Transpose', [b.op('Relu', [b.op('MatMul', ['x', b.weight('w1', [8, 16], 0.4)])])], { perm });
      b.op('MatMul', [h, b.weight('w2', [16, 4], 0.3)], undefined, 'y');
    }, [{ name: 'x', dtype: F, shape: [2, 16, 8] }], [{ name: 'y', dtype: F, shape: [16, 2, 4] }]);
    const ok = build([1, 0, 2]);
    assert.equal(analyzeCoupling(decodeModel(ok)).sites.length, 1);
    await assertEquivalent(ok, prune(ok, 0.5).bytes, 0.5, { x: floats([2, 16, 8]) });
    const bad = analyzeCoupling(decodeModel(build([0, 2, 1])));
    assert.equal(bad.sites.length, 0);
    assert.deepEqual(bad.refused.filter((r) => r.site === 'MatMul_0').map((r) => `${r.node}: ${r.reason}`), ['MatMul_3: the units are not on the last axis of its input']);
  });

  it('follows conv channels through GlobalAveragePool → Squeeze → Unsqueeze → Squeeze into a MatMul', async () => {
    const bytes = model((b) => {
      const h = b.op('Relu', [b.op('Conv', ['img', b.weight('c1', [8, 4, 3, 3], 0.3), b.weight('b1', [8], 0.1)])]);
      const sq = b.op('Squeeze', [b.op('GlobalAveragePool', [h]), b.int64('axes23', [2, 3])]);
      const back = b.op('Squeeze', [b.op('Unsqueeze', [sq, b.int64('axes0', [0])]), b.int64('axes0b', [0])]);
      b.op('MatMul', [back, b.weight('w', [8, 5], 0.3)], undefined, 'y');
    }, [{ name: 'img', dtype: F, shape: [2, 4, 6, 6] }], [{ name: 'y', dtype: F, shape: [2, 5] }]);
    const a = analyzeCoupling(decodeModel(bytes));
    assert.deepEqual(a.sites.map((s) => `${s.id}:${s.units}`), ['Conv_0:8']);
    await assertEquivalent(bytes, prune(bytes, 0.5).bytes, 0.5, { img: floats([2, 4, 6, 6]) });
  });

  it('refuses what it does not understand, naming the node and the reason, and leaves it untouched', async () => {
    const cases: Array<{ name: string; bytes: Uint8Array; node: string; reason: RegExp }> = [
      {
        name: 'softmax',
        bytes: model((b) => {
          const h = b.op('Softmax', [b.op('MatMul', ['x', b.weight('w1', [8, 16], 0.4)])], { axis: -1 });
          b.op('MatMul', [h, b.weight('w2', [16, 4], 0.3)], undefined, 'y');
        }, [{ name: 'x', dtype: F, shape: [2, 8] }], [{ name: 'y', dtype: F, shape: [2, 4] }]),
        node: 'Softmax_1',
        reason: /Softmax normalizes across the units/,
      },
      {
        name: 'residual',
        bytes: model((b) => {
          const h = b.op('Add', [b.op('Relu', [b.op('MatMul', ['x', b.weight('w1', [8, 8], 0.4)])]), 'x']);
          b.op('MatMul', [h, b.weight('w2', [8, 4], 0.3)], undefined, 'y');
        }, [{ name: 'x', dtype: F, shape: [2, 8] }], [{ name: 'y', dtype: F, shape: [2, 4] }]),
        node: '',
        reason: /the units come from the graph input 'x'/,
      },
      {
        name: 'grouped',
        bytes: model((b) => {
          const h = b.op('Relu', [b.op('Conv', ['img', b.weight('c1', [8, 4, 3, 3], 0.3)])]);
          b.op('Conv', [h, b.weight('c2', [8, 4, 3, 3], 0.3)], { group: 2 }, 'out');
        }, [{ name: 'img', dtype: F, shape: [1, 4, 8, 8] }], [{ name: 'out', dtype: F, shape: [1, 8, 4, 4] }]),
        node: 'Conv_2',
        reason: /grouped Conv \(group 2\)/,
      },
      {
        name: 'concat',
        bytes: model((b) => {
          const h = b.op('Relu', [b.op('Conv', ['img', b.weight('c1', [8, 4, 1, 1], 0.3)])]);
          b.op('Conv', [b.op('Concat', [h, 'img'], { axis: 1 }), b.weight('c2', [4, 12, 1, 1], 0.3)], undefined, 'out');
        }, [{ name: 'img', dtype: F, shape: [1, 4, 8, 8] }], [{ name: 'out', dtype: F, shape: [1, 4, 8, 8] }]),
        node: 'Concat_2',
        reason: /Concat joins the units/,
      },
    ];
    for (const c of cases) {
      const a = analyzeCoupling(decodeModel(c.bytes));
      assert.equal(a.sites.length, 0, c.name);
      const r = a.refused[0];
      assert.equal(r.node, c.node, c.name);
      assert.match(r.reason, c.reason, c.name);
      const p = prune(c.bytes, 0.5);
      assert.equal(p.report.parametersRemoved, 0, c.name);
      assert.ok(p.report.refused.some((x) => x.reason === r.reason), c.name);
      assert.equal(onnxCheck(p.bytes), undefined, c.name);
    }
  });
});
