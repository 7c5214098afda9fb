/**
 * Measurement by proxy (core/estimate/proxy.ts): which shape-only decoders get proxies and why others
 * do not; points are extrapolated linearly in depth, with the CI widened by the extrapolation.
 */
import { strict as assert } from 'node:assert';
import { combineProxyPoints, proxyPlan, proxySessionRss, scaleByDepth, type PointEntry } from '../../../../server/src/core/estimate/proxy';
import { parseGeometryText } from '../../../../server/src/core/model/geometry';

const HF = { model_type: 'llama', hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, vocab_size: 49152, max_position_embeddings: 8192, torch_dtype: 'bfloat16' };
const geometry = (o: Record<string, unknown> = {}) => parseGeometryText(JSON.stringify({ ...HF, ...o })).geometry!;
const stats = (mean: number, ci = 0.02) => ({ runs: 10, warmupRuns: 2, p50: mean, p90: mean, p99: mean, mean, stdev: 0, cv: 0, min: mean, max: mean, ciRelHalfWidth: ci, stoppedBy: 'ci' as const });

describe('core/estimate/proxy', () => {
  it('plans 1- and 3-layer proxies with the real widths, and says what differs', () => {
    const { plan, reason } = proxyPlan(geometry(), '/cache');
    assert.equal(reason, undefined);
    assert.deepEqual(plan!.proxies.map((p) => p.layers), [1, 3]);
    const o = plan!.proxies[1].options;
    assert.deepEqual([o.hidden, o.heads, o.kvHeads, o.ffn, o.vocab, o.maxPositions], [576, 9, 3, 1536, 49152, 8192]);
    assert.match(plan!.proxies[0].file, /^\/cache\/proxy-[0-9a-f]{16}-L1\.onnx$/);
    assert.notEqual(plan!.proxies[0].file.replace('-L1', ''), plan!.proxies[1].file.replace('-L3', ''), 'depth is part of the file identity');
    assert.ok(plan!.notes.some((n) => /scaled to 30 layers/.test(n)));
    assert.ok(plan!.notes.some((n) => /fp32 weights; the model's own are bf16/.test(n)));
    // Same geometry, same files (the cache keys on them); a shallow model is built whole.
    assert.equal(proxyPlan(geometry(), '/cache').plan!.proxies[0].file, plan!.proxies[0].file);
    assert.deepEqual(proxyPlan(geometry({ num_hidden_layers: 2 }), '/c').plan!.proxies.map((p) => p.layers), [2]);
  });

  it('refuses clearly what it cannot build', () => {
    const genai = parseGeometryText(JSON.stringify({ model: { type: 'qwen2', vocab_size: 151936, context_length: 32768, decoder: { head_size: 64, hidden_size: 896, num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2 } } })).geometry!;
    assert.match(proxyPlan(genai, '/c').reason!, /lacks the MLP width/);
    assert.match(proxyPlan(geometry({ num_local_experts: 8, num_experts_per_tok: 2 }), '/c').reason ?? 'none', /mixture of experts/);
    assert.match(proxyPlan(geometry({ vocab_size: 1_000_000, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8 }), '/c').reason!, /GiB of fp32 weights/);
  });

  it('extrapolates each point linearly in depth and widens the CI with the reach', () => {
    assert.equal(scaleByDepth(10, 14, 1, 3, 30), 10 + 29 * 2);
    assert.equal(scaleByDepth(10, 10, 1, 3, 30), 10);
    const plan = proxyPlan(geometry(), '/c').plan!;
    const p = { kind: 'step' as const, batch: 4, context: 128 };
    const q = { kind: 'step' as const, batch: 4, context: 256 };
    const one: Record<string, PointEntry> = { a: { point: p, stats: stats(10) }, b: { point: q, stats: stats(11) } };
    const three: Record<string, PointEntry> = { a: { point: p, stats: stats(14) } }; // b only on one proxy: dropped
    const { table, points } = combineProxyPoints(plan, [one, three]);
    assert.equal(points, 1);
    const hit = table.at(p)!;
    assert.equal(hit.ms, 68);
    // t = (1 − 14.5)·10 + 14.5·14: half-widths 13.5·10·0.02 + 14.5·14·0.02 = 6.76 ms of 68 ms.
    assert.ok(Math.abs(hit.ci! - 6.76 / 68) < 1e-9, String(hit.ci));
  });

  it("scales the proxies' memory beside their weights by depth and adds the model's own weights", () => {
    const plan = proxyPlan(geometry(), '/c').plan!;
    const [a, b] = plan.proxies;
    const MiB = 2 ** 20;
    // The runtime's part beside the fp32 weights: 40 MiB at 1 layer, 60 MiB at 3 → 330 MiB at 30.
    const rss = proxySessionRss(plan, [a.weightBytes + 40 * MiB, b.weightBytes + 60 * MiB], 700 * MiB);
    assert.equal(rss, 700 * MiB + 330 * MiB);
    // Nothing measured on a proxy (or no weights known): no figure, the memory stays analytic.
    assert.equal(proxySessionRss(plan, [a.weightBytes + 40 * MiB, undefined], 700 * MiB), undefined);
    assert.equal(proxySessionRss(plan, [1, 2], undefined), undefined);
    // A model built whole: its one proxy's part beside the weights, plus the model's weights.
    const whole = proxyPlan(geometry({ num_hidden_layers: 2 }), '/c').plan!;
    assert.equal(proxySessionRss(whole, [whole.proxies[0].weightBytes + 50 * MiB], 10 * MiB), 60 * MiB);
  });
});
