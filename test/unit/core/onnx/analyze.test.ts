import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { readModel, readModelBytes } from '../../../../server/src/core/onnx/reader';
import { analyzeModel, DECODE_PAST_DEFAULT } from '../../../../server/src/core/onnx/analyze';
import { formatSummaryMarkdown, formatSummaryText } from '../../../../server/src/core/onnx/format';
import { DataType, serializeModel, type GraphSpec } from '../../../../server/src/core/onnx/writer';
import { EXAMPLES } from './helpers';

const F = DataType.FLOAT;

describe('core/onnx/analyze', () => {
  it('summarizes the example decoder: params, decoder detection, KV bytes per token, assumptions', () => {
    const m = readModel(path.join(EXAMPLES, 'decoder-tiny.onnx'));
    const { summary: s } = analyzeModel(m);
    assert.equal(s.parameters, 1149206);
    assert.equal(s.embeddingParameters, 512 * 128 + 4096 * 128, 'token and position tables');
    assert.deepEqual(s.decoder, {
      layers: 4, kvHeads: 2, headSize: 32, kvDtype: 'float32', kvBytesPerToken: 4 * 2 * 2 * 32 * 4, pastDim: 'past_sequence',
      output: 'logits', vocab: 512, hidden: 128,
    });
    // One decode step after DECODE_PAST_DEFAULT cached tokens: the shape the profiler's headline measures.
    assert.equal(DECODE_PAST_DEFAULT, 128);
    assert.deepEqual(s.bindings.assumed, { batch: 1, sequence: 1, past_sequence: 128, total_sequence: 129 });
    assert.equal(s.flops.coverage, 1);
    assert.equal(s.ops.MatMul, 37);
    assert.deepEqual(s.inputs[2].shape, ['batch', 2, 'past_sequence', 32]);
    const bound = analyzeModel(m, { bind: { batch: 2, sequence: 16, past_sequence: 100 } }).summary;
    assert.deepEqual(bound.bindings.assumed, { total_sequence: 116 });
    assert.deepEqual(bound.outputs.find((o) => o.name === 'present.0.key')!.bound, [2, 2, 116, 32]);
    assert.ok(bound.flops.total > s.flops.total * 16);
    assert.ok(JSON.parse(JSON.stringify(s)).flops.total === s.flops.total, 'JSON-able');
  });

  it('detects combined 5-D KV caches (past_0: [2, batch, heads, past, head_size], float16)', () => {
    const inputs = [0, 1, 2].map((i) => ({ name: `past_${i}`, dtype: DataType.FLOAT16, shape: [2, 'batch', 12, 'past_sequence', 64] }));
    const bytes = serializeModel({
      graph: {
        nodes: [0, 1, 2].map((i) => ({ op: 'Identity', inputs: [`past_${i}`], outputs: [`present_${i}`] })),
        inputs,
        outputs: [0, 1, 2].map((i) => ({ name: `present_${i}`, dtype: DataType.FLOAT16 })),
      },
    }).model;
    const d = analyzeModel(readModelBytes(bytes)).summary.decoder!;
    assert.equal(d.layers, 3);
    assert.equal(d.kvHeads, 12);
    assert.equal(d.headSize, 64);
    assert.equal(d.kvDtype, 'float16');
    assert.equal(d.kvBytesPerToken, 3 * 2 * 12 * 64 * 2);
  });

  it('reports nodes without a rule instead of counting them as zero', () => {
    const body: GraphSpec = { name: 'body', nodes: [], inputs: [], outputs: [] };
    const bytes = serializeModel({
      opsets: { '': 17, 'my.domain': 1 },
      graph: {
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['a'] },
          { op: 'Mystery', domain: 'my.domain', inputs: ['a'], outputs: ['b'] },
          { op: 'Loop', inputs: ['', ''], outputs: [], attrs: { body } },
          { op: 'Relu', inputs: ['b'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', dtype: F, shape: [1, 10] }],
        outputs: [{ name: 'y', dtype: F }],
      },
    }).model;
    const { summary: s } = analyzeModel(readModelBytes(bytes));
    assert.deepEqual(s.flops.uncosted, { 'my.domain.Mystery': 1, Loop: 1 });
    assert.deepEqual(s.flops.unknownShape, { Relu: 1 });
    assert.equal(s.flops.costedNodes, 1);
    assert.equal(s.flops.coverage, 0.25);
    assert.match(formatSummaryText(s), /25% of 4 nodes costed; not costed: 1 my\.domain\.Mystery, 1 Loop, 1 Relu \(shape unknown\)/);
  });

  it('peak activation memory under the graph order frees tensors after their last use', () => {
    const bytes = serializeModel({
      graph: {
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['a'] },
          { op: 'Relu', inputs: ['a'], outputs: ['b'] },
          { op: 'Add', inputs: ['a', 'b'], outputs: ['c'] },
          { op: 'Relu', inputs: ['c'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', dtype: F, shape: [1, 1000] }],
        outputs: [{ name: 'y', dtype: F, shape: [1, 1000] }],
      },
    }).model;
    const { summary: s } = analyzeModel(readModelBytes(bytes));
    // x freed after node 0; a and b live until c is made: a + b + c = 12000 bytes.
    assert.equal(s.memory.peakActivationBytes, 12000);
    assert.equal(s.memory.unknownTensors, 0);
  });

  it('Markdown is a compact table with the coverage line and the assumptions', () => {
    const { summary: s } = analyzeModel(readModel(path.join(EXAMPLES, 'classifier-small.onnx')));
    const md = formatSummaryMarkdown(s, { title: 'classifier-small.onnx' });
    assert.match(md, /^\*\*classifier-small\.onnx\*\*/);
    assert.match(md, /\| Parameters \| 5\.4 K/);
    assert.match(md, /\| FLOPs \/ run \| 3\.32 M \(100% of 9 nodes costed\) \|/);
    assert.match(md, /batch=1 \(assumed\)/);
    assert.ok(md.split('\n').length < 20);
  });
});
