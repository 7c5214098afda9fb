/**
 * Generation state on the real example decoder and PRM, in-process: the cache hand-over is right (a
 * cached step chooses the token a full prefill of the same sequence chooses), tile/gather copy whole
 * rows along the batch axis, lookahead leaves the state alone, the verifier reads padded rows.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { bestRows, decoderIo, gather, Generator, promptIds, tile, Verifier, verifierIo, verifierRows, copyRows } from '../../../server/src/worker/generation';
import { createSession, inputInfos, makeTensor, outputInfos, type Session } from '../../../server/src/worker/runtime';

const EX = path.join(__dirname, '../../../examples/models');
const spec = { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' as const };

describe('worker/generation (example decoder and PRM)', function () {
  this.timeout(30_000);
  let dec: Session;
  let prm: Session;
  let g: Generator;
  let v: Verifier;
  before(async () => {
    dec = await createSession(path.join(EX, 'decoder-tiny.onnx'), spec);
    prm = await createSession(path.join(EX, 'prm-tiny.onnx'), spec);
    g = new Generator(dec, decoderIo(inputInfos(dec), outputInfos(dec)));
    const prmFile = path.join(EX, 'prm-tiny.onnx');
    v = new Verifier(prm, verifierIo(inputInfos(prm), outputInfos(prm), prmFile));
  });
  after(async () => {
    await dec?.release();
    await prm?.release();
  });

  it('reads the layout: 8 cache tensors, vocab 512 from the logits, 512 embedding rows in the PRM', () => {
    assert.equal(g.io.kv.length, 8);
    assert.deepEqual(g.io.kv[0].dims, [1, 2, 0, 32]);
    assert.equal(g.io.kv[0].pastAxis, 2);
    assert.equal(g.io.vocab, 512);
    assert.equal(v.io.vocab, 512);
    assert.equal(v.io.output, 'reward');
    const ids = promptIds(100, 512);
    assert.ok(ids.every((x) => x >= 1 && x < 512));
    assert.deepEqual(ids, promptIds(100, 512));
  });

  it('a cached step picks the token a full prefill of the same sequence picks', async () => {
    const prompt = promptIds(12, 512);
    let st = await g.prefill(prompt);
    assert.equal(st.context, 12);
    for (let i = 0; i < 3; i++) st = await g.step(st);
    assert.equal(st.context, 15);
    assert.equal(st.gen[0].length, 4);
    const full = await g.prefill(prompt.concat(st.gen[0].slice(0, 3)));
    assert.equal(full.gen[0][0], st.gen[0][3]);
    for (const t of Object.values(st.kv)) assert.deepEqual(t.dims, [1, 2, 15, 32]);
  });

  it('tile, steps, gather and lookahead keep the shapes and rows right', async () => {
    const base = await g.prefill(promptIds(8, 512));
    const t = tile(base, 4);
    assert.equal(t.rows, 4);
    for (const k of Object.values(t.kv)) assert.deepEqual(k.dims, [4, 2, 8, 32]);
    let st = t;
    for (let i = 0; i < 2; i++) st = await g.step(st);
    // Greedy rows from one prompt stay identical.
    assert.ok(st.gen.every((r) => r.join() === st.gen[0].join()));
    const before = st.gen.map((r) => r.slice());
    let look = st;
    for (let i = 0; i < 3; i++) look = await g.step(look, false);
    assert.equal(look.context, 13);
    assert.deepEqual(st.gen, before, 'lookahead leaves the histories alone');
    assert.equal(st.context, 10);
    st.scores = [0.1, 0.9, 0.5, 0.9];
    assert.deepEqual(bestRows(st.scores, 4, 2), [1, 3]);
    assert.deepEqual(bestRows(undefined, 4, 2), [0, 1]);
    const kept = gather(st, [1, 3], 4);
    for (const k of Object.values(kept.kv)) assert.deepEqual(k.dims, [4, 2, 10, 32]);
    assert.equal(kept.scores, undefined);
    // Row copies are exact.
    const src = makeTensor('float32', Float32Array.from({ length: 12 }, (_, i) => i), [3, 2, 2, 1]);
    assert.deepEqual([...(copyRows(src, [2, 0, 2]).data as Float32Array)], [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]);
  });

  it('the verifier reads each row to its own answer length, right-padded, one score per row', async () => {
    const base = await g.prefill(promptIds(6, 512));
    let st = tile(base, 3);
    st.limit = [2, 4, 1];
    for (let i = 0; i < 3; i++) st = await g.step(st);
    const rows = verifierRows(st, 10);
    assert.deepEqual(rows.map((r) => r.length), [8, 10, 7]);
    const f = v.feeds(rows, 10);
    assert.deepEqual(f.input_ids.dims, [3, 10]);
    assert.deepEqual([...(f.attention_mask.data as BigInt64Array)].map(Number), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    const scores = await v.score(rows, 10);
    assert.equal(scores.length, 3);
    assert.ok(scores.every(Number.isFinite));
  });
});
