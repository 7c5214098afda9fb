/**
 * The estimator's point timings and copy bandwidth through the real profiler process on the example
 * models. Time caps are small: these tests check what comes back, not how fast (that is the bench's).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { CopyBandwidthResult, PointsRequestOptions, PointsResult } from '../../../server/src/core/estimate/protocol';
import { ProfilerPool } from '../../../server/src/core/profile/pool';
import { buildDecoder } from '../../../server/src/core/onnx/builders';
import { writeModel } from '../../../server/src/core/onnx/writer';
import { tempDir } from '../core/onnx/helpers';
import { lineFit } from '../../../server/src/worker/points';
import { WORKER } from './models';

const EX = path.join(__dirname, '../../../examples/models');
const opts = (model: string, points: PointsRequestOptions['points']): PointsRequestOptions => ({
  model: { path: path.join(EX, model) },
  session: { threads: 1 },
  points,
  maxTimeMsPerPoint: 60,
});

describe('worker/points (real worker, example models)', function () {
  this.timeout(60_000);
  let pool: ProfilerPool;
  before(() => {
    pool = new ProfilerPool(WORKER);
  });
  after(() => pool.dispose());

  it('decoder: prefill and step points get stats; one past the position table gets an error entry', async () => {
    const progress: string[] = [];
    const r = await pool.request<PointsResult>(
      {
        type: 'points',
        options: opts('decoder-tiny.onnx', [
          { kind: 'prefill', batch: 1, tokens: 32 },
          { kind: 'step', batch: 1, context: 64 },
          { kind: 'step', batch: 4, context: 5000 },
          { kind: 'step', batch: 4, context: 2 },
          { kind: 'prefill', batch: 1, tokens: 4097 },
        ]),
      },
      { onProgress: (m) => progress.push(m) },
    );
    assert.ok(r.ok, r.ok ? '' : r.failure.message);
    const v = r.value;
    assert.equal(v.results.length, 5);
    const [pre, step, far, near, long] = v.results;
    for (const p of [pre, step, near]) {
      assert.equal(p.error, undefined, p.error);
      assert.ok(p.stats!.p50 > 0 && p.stats!.runs >= 3);
    }
    assert.match(far.error ?? '', /failed/i);
    assert.ok(!far.stats);
    assert.match(long.error ?? '', /failed/i);
    assert.ok(v.loadMs > 0);
    assert.ok(v.sessionRssBytes >= 0);
    assert.equal(v.env.threads, 1);
    assert.equal(v.load.length, 2);
    assert.ok(v.load.every((x) => x >= 0));
    assert.ok(progress.includes('step B=4 c=5000'));
  });

  it('twins (a proxy pair) are timed at the same points in one request, each with its own results', async () => {
    const t = tempDir('ttc-twins-');
    try {
      const files = [1, 3].map((layers) => path.join(t.dir, `proxy-L${layers}.onnx`));
      for (const [i, f] of files.entries()) await writeModel(f, buildDecoder({ layers: i ? 3 : 1, hidden: 32, heads: 2, vocab: 64, maxPositions: 64, name: `twin${i}` }));
      const points: PointsRequestOptions['points'] = [
        { kind: 'prefill', batch: 1, tokens: 8 },
        { kind: 'step', batch: 2, context: 16 },
        { kind: 'step', batch: 2, context: 100 },
      ];
      const r = await pool.request<PointsResult>({ type: 'points', options: { model: { path: files[0] }, twins: [{ path: files[1] }], session: { threads: 1 }, points, maxTimeMsPerPoint: 30 } });
      assert.ok(r.ok, r.ok ? '' : r.failure.message);
      assert.equal(r.value.model, files[0]);
      assert.deepEqual(r.value.twins?.map((x) => x.model), [files[1]]);
      for (const results of [r.value.results, r.value.twins![0].results]) {
        assert.deepEqual(results.map((x) => x.point), points);
        assert.ok(results[0].stats && results[1].stats, JSON.stringify(results));
        // Past the 64-position table: an error entry for each model, the others measured.
        assert.match(results[2].error ?? '', /failed/i);
      }
    } finally {
      t.cleanup();
    }
  });

  it('verifier score points and non-generative run points', async () => {
    const s = await pool.request<PointsResult>({ type: 'points', options: opts('prm-tiny.onnx', [{ kind: 'score', batch: 2, tokens: 24 }]) });
    assert.ok(s.ok, s.ok ? '' : s.failure.message);
    assert.ok(s.value.results[0].stats!.p50 > 0);
    const c = await pool.request<PointsResult>({ type: 'points', options: opts('classifier-small.onnx', [{ kind: 'run', batch: 1 }, { kind: 'run', batch: 8 }]) });
    assert.ok(c.ok, c.ok ? '' : c.failure.message);
    const [b1, b8] = c.value.results.map((x) => x.stats!.p50);
    assert.ok(b1 > 0 && b8 > 0);
  });

  it('a decoder point on a model without a KV cache fails the request as invalid input; the worker goes on', async () => {
    const bad = await pool.request({ type: 'points', options: opts('classifier-small.onnx', [{ kind: 'step', batch: 1, context: 8 }]) });
    assert.ok(!bad.ok && bad.failure.kind === 'invalid-input');
    const missing = await pool.request({ type: 'points', options: opts('missing.onnx', [{ kind: 'run', batch: 1 }]) });
    assert.ok(!missing.ok && missing.failure.kind === 'model-missing');
    const ok = await pool.request<PointsResult>({ type: 'points', options: opts('classifier-small.onnx', [{ kind: 'run', batch: 1 }]) });
    assert.ok(ok.ok);
  });

  it('cancel stops a long points request', async () => {
    const ac = new AbortController();
    const many = Array.from({ length: 50 }, (_, i) => ({ kind: 'step' as const, batch: 2, context: 16 + i }));
    const r = await pool.request({ type: 'points', options: { ...opts('decoder-tiny.onnx', many), maxTimeMsPerPoint: 500, targetCi: 0 } }, { signal: ac.signal, onProgress: (m) => m.startsWith('step B=2 c=17') && ac.abort() });
    assert.ok(!r.ok && r.failure.kind === 'cancelled');
  });

  it('copy bandwidth: a positive bandwidth and a non-negative per-tensor cost', async () => {
    const r = await pool.request<CopyBandwidthResult>({ type: 'copyBandwidth' });
    assert.ok(r.ok, r.ok ? '' : r.failure.message);
    assert.ok(r.value.bytesPerSecond > 1e8, `${r.value.bytesPerSecond} B/s`);
    assert.ok(r.value.perTensorMs >= 0 && r.value.perTensorMs < 5);
  });

  it('line fit recovers intercept and slope', () => {
    const f = lineFit([1, 2, 4, 8], [3, 5, 9, 17]);
    assert.ok(Math.abs(f.a - 1) < 1e-9 && Math.abs(f.b - 2) < 1e-9);
  });
});
