/**
 * The Profiler end to end with the real profiler process and real onnxruntime-node on generated
 * models. Time caps are kept small (300 ms) so the suite stays quick on 2 cores.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildMlp } from '../../../../server/src/core/onnx/builders';
import { writeModel } from '../../../../server/src/core/onnx/writer';
import { createProfiler, type Profiler } from '../../../../server/src/core/profile/client';
import type { Outcome } from '../../../../server/src/core/profile/protocol';
import { writeTestModels, WORKER, type TestModels } from '../../worker/models';

const QUICK = { maxTimeMs: 300, targetCi: 0.02 };
const isCached = (r: Outcome<unknown>) => r.ok && !!r.cached;

describe('core/profile/client (real onnxruntime-node)', function () {
  this.timeout(120_000);
  let m: TestModels;
  let p: Profiler;
  let trusted = true;

  before(async () => {
    m = await writeTestModels();
    p = createProfiler({ ...WORKER, cacheDir: path.join(m.dir, 'cache'), trusted: () => trusted });
  });
  after(async () => {
    await p?.dispose();
    m?.cleanup();
  });

  it('measures an MLP: statistics, op profile, fingerprint, assumptions', async () => {
    const r = await p.measure({ modelPath: m.mlp, ...QUICK });
    assert.ok(r.ok, JSON.stringify(r));
    const v = r.value;
    assert.ok(!r.cached);
    assert.ok(v.stats.runs >= 3);
    assert.ok(v.stats.p50 > 0 && v.stats.p50 <= v.stats.p90 && v.stats.p90 <= v.stats.p99);
    assert.ok(['ci', 'time'].includes(v.stats.stoppedBy));
    assert.equal(v.env.ep, 'cpu');
    assert.ok(v.env.threads >= 1);
    assert.match(v.env.ortVersion, /^1\.\d+/);
    assert.ok(v.env.machine.cpuModel);
    assert.deepEqual(v.fed[0].dims, [1, 32]);
    assert.match(v.assumptions.join(), /batch = 1/);
    assert.ok(v.ops && v.ops.top.length > 0);
    assert.ok(v.ops.top.some((o) => /Gemm|MatMul/.test(o.op)), JSON.stringify(v.ops.top));
    assert.ok(Math.abs(v.ops.top.reduce((s, o) => s + o.share, 0) - 1) < 1e-6);
  });

  it('returns the cached result without running anything, even when untrusted', async () => {
    const started = p.pool.started;
    trusted = false;
    try {
      const r = await p.measure({ modelPath: m.mlp, ...QUICK });
      assert.ok(r.ok && r.cached);
      assert.equal(p.pool.started, started);
      assert.ok(await p.cached({ modelPath: m.mlp }));
    } finally {
      trusted = true;
    }
  });

  it('never executes a model in an untrusted workspace', async () => {
    trusted = false;
    try {
      const r = await p.measure({ modelPath: m.conv, ...QUICK });
      assert.ok(!r.ok);
      assert.equal(r.failure.kind, 'untrusted');
    } finally {
      trusted = true;
    }
  });

  it('a changed model file misses the cache and is measured again', async () => {
    const file = path.join(m.dir, 'changing.onnx');
    await writeModel(file, buildMlp({ seed: 1 }));
    assert.ok((await p.measure({ modelPath: file, ...QUICK })).ok);
    assert.ok(isCached(await p.measure({ modelPath: file, ...QUICK })));
    await writeModel(file, buildMlp({ seed: 2 }));
    p.invalidate(file);
    const again = await p.measure({ modelPath: file, ...QUICK });
    assert.ok(again.ok && !again.cached);
    // Different bindings are different measurements.
    const b4 = await p.measure({ modelPath: file, bind: { batch: 4 }, ...QUICK });
    assert.ok(b4.ok && !b4.cached);
    assert.deepEqual(b4.value.fed[0].dims, [4, 32]);
  });

  it('two callers asking for the same uncached measurement share one run', async () => {
    const o = { modelPath: m.conv, bind: { batch: 5 }, ...QUICK, opProfile: false };
    const [a, b] = await Promise.all([p.measure(o), p.measure(o)]);
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.measuredAt, b.value.measuredAt);
    assert.equal(a.value, b.value);
  });

  it('a corrupted cache entry is ignored and rewritten', async () => {
    const dir = p.cache.dir;
    for (const f of readdirSync(dir)) writeFileSync(path.join(dir, f), '{not json');
    const corruptBefore = p.cache.counts.corrupt;
    const r = await p.measure({ modelPath: m.mlp, ...QUICK });
    assert.ok(r.ok && !r.cached);
    assert.ok(p.cache.counts.corrupt > corruptBefore);
    assert.ok(isCached(await p.measure({ modelPath: m.mlp, ...QUICK })));
  });

  it('runtime failures are classified values and the profiler keeps working', async () => {
    const bad = await p.measure({ modelPath: m.badOp, ...QUICK });
    assert.ok(!bad.ok);
    assert.equal(bad.failure.kind, 'unsupported-operator');
    assert.match(bad.failure.message, /DefinitelyNotAnOnnxOp/);
    const run = await p.measure({ modelPath: m.runFail, ...QUICK });
    assert.ok(!run.ok);
    assert.equal(run.failure.kind, 'run-failed');
    assert.match(run.failure.message, /Reshape/);
    const missing = await p.measure({ modelPath: path.join(m.dir, 'nope.onnx'), ...QUICK });
    assert.ok(!missing.ok && missing.failure.kind === 'model-missing');
    const ok = await p.measure({ modelPath: m.conv, ...QUICK }, { noCache: true });
    assert.ok(ok.ok);
  });

  it('the profiler process killed mid-run (SIGKILL) is reported and replaced', async () => {
    const started = p.pool.started;
    let killed = false;
    const r = await p.measure(
      { modelPath: m.conv, maxTimeMs: 20_000, targetCi: 0.0001 },
      {
        noCache: true,
        onProgress: (msg) => {
          if (!killed && msg.startsWith('measuring')) {
            killed = true;
            for (const pid of p.pool.pids()) process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    assert.ok(killed);
    assert.ok(!r.ok);
    assert.equal(r.failure.kind, 'crashed');
    assert.match(r.failure.message, /SIGKILL/);
    const next = await p.measure({ modelPath: m.conv, ...QUICK }, { noCache: true });
    assert.ok(next.ok);
    assert.equal(p.pool.started, started + 1);
  });

  it('a measurement that exceeds its timeout is stopped', async () => {
    const r = await p.measure({ modelPath: m.conv, maxTimeMs: 20_000, targetCi: 0.0001 }, { noCache: true, timeoutMs: 1500 });
    assert.ok(!r.ok);
    assert.equal(r.failure.kind, 'timeout');
  });

  it('sweeps batch size and a named dim', async () => {
    const r = await p.measure({ modelPath: m.conv, maxTimeMs: 200, opProfile: false, sweep: { batch: [1, 2, 4], dim: { name: 'nope', values: [1] } } });
    assert.ok(r.ok, JSON.stringify(r));
    const [batch, dim] = r.value.sweeps!;
    assert.deepEqual(
      batch.points.map((x) => x.value),
      [1, 2, 4],
    );
    assert.ok(batch.points.every((x) => x.stats.p50 > 0));
    assert.match(dim.error!, /no input has a dimension named 'nope'/);
  });

  it('profiles a decoder: prefill T(P), decode τ(B, c) with the headline as one of its points, and fits', async () => {
    const r = await p.measure({
      modelPath: m.decoder,
      maxTimeMs: 300,
      opProfile: false,
      decoder: { prompts: [8, 16, 32], batches: [1, 2], contexts: [16, 48] },
    });
    assert.ok(r.ok, JSON.stringify(r));
    const d = r.value.decoder!;
    assert.equal(d.layout.pastInputs.length, 4);
    assert.equal(d.layout.presentOutputs.length, 4);
    assert.equal(d.layout.idsInput, 'input_ids');
    assert.equal(d.prefill.length, 3);
    // The grid plus the headline's own shape (B=1 after 128 cached tokens), measured once for both.
    assert.deepEqual(
      d.decode.map((x) => `${x.batch}/${x.context}${x.headline ? '*' : ''}`),
      ['1/16', '1/48', '1/128*', '2/16', '2/48'],
    );
    assert.deepEqual(d.decode.find((x) => x.headline)!.stats, r.value.stats);
    assert.ok(d.decode.every((x) => x.stats.runs >= 3 && x.stats.p50 > 0 && (x.stats.blocks ?? 0) >= 1));
    assert.ok(d.decodeFit && Number.isFinite(d.decodeFit.a) && Number.isFinite(d.decodeFit.maxRelError));
    assert.ok(d.prefillFit && d.prefillFit.points === 3);
    // The headline number is one decode step after a 128-token cache.
    assert.deepEqual(r.value.fed.find((f) => f.name === 'attention_mask')!.dims, [1, 129]);
  });

  it('a decoder grid point the model cannot run is a note, the rest is kept', async () => {
    const r = await p.measure({
      modelPath: m.decoderShort,
      bind: { past_sequence: 16 },
      maxTimeMs: 200,
      opProfile: false,
      decoder: { prompts: [8, 16, 100], batches: [1, 2], contexts: [16, 32, 100] },
    });
    assert.ok(r.ok, JSON.stringify(r));
    const d = r.value.decoder!;
    assert.deepEqual(
      d.prefill.map((x) => x.prompt),
      [8, 16],
    );
    assert.deepEqual(
      d.decode.map((x) => `${x.batch}/${x.context}`),
      ['1/16', '1/32', '2/16', '2/32'],
    );
    // Bound to past_sequence = 16, the headline is the grid's B=1 c=16 point.
    assert.equal(d.decode[0].headline, true);
    assert.equal(d.decode[0].stats.p50, r.value.stats.p50);
    assert.ok(d.notes.some((n) => /prefill P=100 failed, longer prompts skipped/.test(n)), JSON.stringify(d.notes));
    assert.ok(d.notes.some((n) => /decode step B=1 c=100 failed/.test(n)));
    assert.ok(d.decodeFit);
  });

  it('uses sample inputs from a file and reports a bad one as invalid input', async () => {
    const good = path.join(m.dir, 'samples.json');
    writeFileSync(good, JSON.stringify({ input: { dims: [2, 32], dtype: 'float32', data: new Array(64).fill(0.5) } }));
    const r = await p.measure({ modelPath: m.mlp, samplesPath: good, ...QUICK, opProfile: false });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.fed[0], { name: 'input', dtype: 'float32', dims: [2, 32], source: 'samples' });
    const bad = path.join(m.dir, 'bad-samples.json');
    writeFileSync(bad, JSON.stringify({ input: { dims: [2, 32], data: [1] } }));
    const rb = await p.measure({ modelPath: m.mlp, samplesPath: bad, ...QUICK });
    assert.ok(!rb.ok);
    assert.equal(rb.failure.kind, 'invalid-input');
    assert.match(rb.failure.message, /input 'input'/);
  });

  it('detects execution providers: CPU usable, others explained', async () => {
    const r = await p.detectEps();
    assert.ok(r.ok, JSON.stringify(r));
    const cpu = r.value.eps.find((e) => e.name === 'cpu');
    assert.ok(cpu?.usable);
    for (const e of r.value.eps.filter((x) => !x.usable)) assert.ok(e.reason && e.reason.length > 10, JSON.stringify(e));
    const cuda = r.value.eps.find((e) => e.name === 'cuda');
    if (cuda && !cuda.usable) assert.match(cuda.reason!, /ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
  });
});
