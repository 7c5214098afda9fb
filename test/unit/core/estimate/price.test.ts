import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DECODER_NODES, executedNodes, onnxFacts, shapeOnlyFacts } from '../../../../server/src/core/estimate/facts';
import { priceCall, type MachineFacts, type ModelFacts } from '../../../../server/src/core/estimate/price';
import { buildDecoder } from '../../../../server/src/core/onnx/builders';
import { quadraticCoefficient } from '../../../../server/src/core/estimate/calibrate';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

const machine = (fixed?: { perNodeMs: number; perCallMs: number }): MachineFacts => ({
  copy: { bytesPerSecond: 4e9, perTensorMs: 0.005, provenance: 'analytic' },
  roofline: { flopsPerSecond: 1e9, bytesPerSecond: 1e9, source: 'calibrated', ...(fixed ?? {}) },
});

describe('core/estimate/price: the roofline and its fixed costs', () => {
  const f: ModelFacts = { name: 'g', source: 'onnx', weightBytes: 1e6, streamedWeightBytes: 1e6, kvBytesPerToken: 0, nodes: 100, flops: { perToken: 1e5, perContextToken: 0 }, notes: [] };

  it('adds the calibrated cost per operator and per call to every run (each decode step is a run)', () => {
    const step = { kind: 'steps', model: 'g', batch: 1, context: 10, count: 5 } as const;
    const bare = priceCall(step, f, machine()).ms;
    // 5 steps × max(1e5 FLOPs / 1e9, 1e6 B / 1e9) s = 5 × 1 ms.
    assert.ok(Math.abs(bare - 5) < 1e-9, String(bare));
    const withFixed = priceCall(step, f, machine({ perNodeMs: 0.004, perCallMs: 0.05 })).ms;
    assert.ok(Math.abs(withFixed - (5 + 5 * (0.05 + 100 * 0.004))) < 1e-9, String(withFixed));
    const run = priceCall({ kind: 'run', model: 'g', batch: 4 }, { ...f, flops: { perRun: 1e5 } }, machine({ perNodeMs: 0.004, perCallMs: 0.05 })).ms;
    assert.ok(Math.abs(run - (1 + 0.05 + 0.4)) < 1e-9, String(run));
    assert.equal(priceCall(step, f, machine({ perNodeMs: 0.004, perCallMs: 0.05 })).provenance, 'calibrated');
  });

  it('prices the KV cache a step reads at its calibrated cost per byte, beside the weights\' roofline', () => {
    const kvf: ModelFacts = { ...f, kvBytesPerToken: 1000, nodes: 0 };
    const step = { kind: 'steps', model: 'g', batch: 2, context: 100, count: 1 } as const;
    // Without the calibration: one read of 2 · 100 · 1000 B at 1 GB/s, under the max with the weights (1 ms).
    assert.ok(Math.abs(priceCall(step, kvf, machine()).ms - 1.2) < 1e-9);
    // With it: the weights' 1 ms plus 200 kB at 5e-6 ms/B.
    const m = machine();
    m.roofline.kvMsPerByte = 5e-6;
    assert.ok(Math.abs(priceCall(step, kvf, m).ms - (1 + 2e5 * 5e-6)) < 1e-9);
  });

  it('prices the attention of a score or prefill at its calibrated cost per FLOP, the rest at the roofline', () => {
    // A verifier: 1e5 FLOPs per token + 1e3 per (token, attended token); weights 1 MB; no fixed costs.
    const v: ModelFacts = { ...f, nodes: 0, activationBytes: 0, flops: { perToken: 1e5, perContextToken: 1e3 } };
    const score = { kind: 'score', model: 'v', batch: 2, tokens: 100 } as const;
    // Attention FLOPs: 2 rows × 1e3 × 100·101/2 = 1.01e7; the rest: 2 × 100 × 1e5 = 2e7.
    const bare = priceCall(score, v, machine()).ms;
    assert.ok(Math.abs(bare - 30.1) < 1e-9, String(bare)); // max(3.01e7 FLOPs / 1e9, 1 MB / 1e9) s
    const m = machine();
    m.roofline.attnMsPerFlop = 1e-5;
    const priced = priceCall(score, v, m).ms;
    assert.ok(Math.abs(priced - (20 + 1.01e7 * 1e-5)) < 1e-9, String(priced));
    // A prefill (one row): the same split.
    const prefill = priceCall({ kind: 'prefill', model: 'v', batch: 1, tokens: 100 }, v, m).ms;
    assert.ok(Math.abs(prefill - (10 + 5.05e6 * 1e-5)) < 1e-9, String(prefill));
    // Steps keep their KV pricing: no attention term.
    assert.equal(priceCall({ kind: 'steps', model: 'v', batch: 1, context: 10, count: 1 }, v, m).ms, priceCall({ kind: 'steps', model: 'v', batch: 1, context: 10, count: 1 }, v, machine()).ms);
  });

  it('fits the T² coefficient the attention calibration uses', () => {
    const ts = [64, 256, 512, 768];
    assert.ok(Math.abs(quadraticCoefficient(ts, ts.map((t) => 2 + 0.01 * t + 3e-5 * t * t))! - 3e-5) < 1e-12);
    assert.equal(quadraticCoefficient([1, 1, 1], [1, 2, 3]), undefined);
  });

  it('counts the operators a run executes: an ONNX model\'s nodes without Constants; a shape-only decoder by depth', async () => {
    assert.equal(executedNodes({ nodes: 120, ops: { Constant: 20, MatMul: 100 } }), 100);
    const tiny = await onnxFacts('g', path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx'), { name: 'g' });
    assert.equal(tiny.nodes, 146);
    for (const layers of [1, 3]) assert.equal(buildDecoder({ layers }).graph.nodes.length, DECODER_NODES.fixed + DECODER_NODES.perLayer * layers, 'the constants are the generated decoder\'s');
    const smol = shapeOnlyFacts('s', path.join(ROOT, 'examples', 'models', 'smollm2-135m', 'config.json'), { name: 's' });
    assert.equal(smol.nodes, DECODER_NODES.fixed + DECODER_NODES.perLayer * 30);
  });
});
