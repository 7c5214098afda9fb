/**
 * `ttc-lens estimate` and `ttc-lens bench` as real processes (from source through tsx), on the example
 * models with real onnxruntime-node: exit codes, the JSON contract, provenance, the cache making a
 * second estimate free, shape-only configs, and the executor's call counts equal to the plan.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const EX = path.join(ROOT, 'examples');

const cli = (cmd: string, args: string[], env: Record<string, string> = {}) => runCli([cmd, ...args], { timeout: 240_000, env });

describe('cli: ttc-lens estimate / bench', function () {
  this.timeout(300_000);
  let dir: string;
  let cache: string;
  let cleanup: () => void;
  after(() => cleanup?.());

  before(() => {
    ({ dir, cleanup } = tempDir('ttc-estimate-'));
    cache = path.join(dir, 'cache');
    mkdirSync(path.join(dir, 'models'));
    for (const m of ['decoder-tiny.onnx', 'prm-tiny.onnx', 'classifier-small.onnx', 'classifier-large.onnx']) copyFileSync(path.join(EX, 'models', m), path.join(dir, 'models', m));
    writeFileSync(
      path.join(dir, 'bon.ttc.yaml'),
      'version: 1\nmodels:\n  g: { path: models/decoder-tiny.onnx }\n  v: { path: models/prm-tiny.onnx }\nstrategy: { approach: best_of_n, model: g, verifier: v, n: 4, parallel: 2 }\nworkload: { prompt_tokens: 32, output_tokens: { mean: 12, p95: 24 } }\nhardware: { threads: 1, price_per_hour: 0.4 }\nbudget: { latency: { p95: 60s } }\n',
    );
    writeFileSync(
      path.join(dir, 'tight.ttc.yaml'),
      'version: 1\nmodels:\n  g: { path: models/decoder-tiny.onnx }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 32, output_tokens: 12 }\nhardware: { threads: 1 }\nbudget: { latency: { p50: 1ms } }\n',
    );
    writeFileSync(
      path.join(dir, 'cascade.ttc.yaml'),
      'version: 1\nmodels:\n  a: { path: models/classifier-small.onnx }\n  b: { path: models/classifier-large.onnx }\nstrategy: { approach: cascade, stages: [ { model: a, escalate: 0.5 }, { model: b } ] }\nworkload: { batch: 2 }\nhardware: { threads: 1 }\n',
    );
  });

  it('estimate --json: the documented fields, measured provenance, and a second run from the cache', async () => {
    const cfg = path.join(dir, 'bon.ttc.yaml');
    const r = await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--queries', '5', '--max-point-ms', '300']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const k of ['latency', 'memory', 'cost', 'capacity_qps', 'breakdown', 'provenance', 'calls', 'breaches']) assert.ok(k in j, k);
    assert.ok(j.latency.p50_ms > 0 && j.latency.p95_ms >= j.latency.p50_ms && j.latency.mean_ms > 0);
    assert.ok(j.memory.peak_bytes > 4_000_000);
    assert.ok(j.cost.per_1k_usd > 0);
    assert.equal(j.calls.prefill, 5);
    assert.equal(j.calls.score, 10);
    assert.ok(['measured', 'interpolated'].includes(j.provenance.overall), j.provenance.overall);
    assert.ok(j.profiled.measured_points > 0);
    const again = JSON.parse((await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--queries', '5', '--no-profile'])).stdout);
    assert.equal(again.profiled.measured_points, 0);
    assert.equal(again.latency.p50_ms, j.latency.p50_ms, 'the same cached points give the same estimate');
  });

  it('estimate exits 1 on a breached budget and says by how much; 2 on usage errors', async () => {
    const r = await cli('estimate', [path.join(dir, 'tight.ttc.yaml'), '--cache-dir', cache, '--max-point-ms', '300']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Over budget\s+p50 latency ≈ .* exceeds the budget of 1\.0 ms \(\d+% over\)/);
    assert.equal((await cli('estimate', [])).code, 2);
    assert.equal((await cli('estimate', ['x.ttc.yaml', '--queries', '0'])).code, 2);
  });

  it('estimate on a shape-only example is analytic; bench says plainly that nothing can run', async () => {
    const cfg = path.join(EX, 'llama-self-consistency.ttc.yaml');
    const r = await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--no-profile']);
    const j = JSON.parse(r.stdout);
    assert.equal(j.provenance.overall, 'analytic');
    assert.ok(j.memory.parts.weights > 2e9, 'Llama-3.2-1B weights at bf16');
    const b = await cli('bench', [cfg, '--cache-dir', cache]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /nothing can run without weights/);
  });

  it('a shape-only decoder with proxy: true is measured on 1- and 3-layer proxies and scaled by depth; the cache serves the second run', async () => {
    const geometry = { model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 6, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 256, max_position_embeddings: 256, torch_dtype: 'float32' };
    writeFileSync(path.join(dir, 'models', 'shape.config.json'), JSON.stringify(geometry));
    const cfg = path.join(dir, 'proxy.ttc.yaml');
    writeFileSync(cfg, 'version: 1\nmodels:\n  g: { config: models/shape.config.json, proxy: true }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 16, output_tokens: 8 }\nhardware: { threads: 1 }\n');
    const r = await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--queries', '3', '--max-point-ms', '200']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const steps = j.provenance.calls.find((c: { kind: string }) => c.kind === 'steps');
    assert.equal(steps.provenance, 'proxy', JSON.stringify(j.provenance));
    assert.ok(steps.sources.every((s: string) => s.startsWith('proxy ')), steps.sources.join(', '));
    assert.ok(j.notes.some((n: string) => /1- and 3-layer decoders .* scaled to 6 layers/.test(n)), j.notes.join('\n'));
    assert.ok(j.latency.p50_ms > 0);
    // Memory from the proxies' RSS at the plan's peak shapes, scaled to the model's depth.
    assert.equal(j.memory.provenance, 'proxy', JSON.stringify(j.memory));
    assert.ok(j.memory.parts.activations > 0, JSON.stringify(j.memory));
    // Each proxy's memory is probed in three fresh processes and the least growth kept: the depth
    // scaling multiplies a probe's noise, and the noise is memory a process happened to keep.
    const probed = readdirSync(cache)
      .filter((f) => f.startsWith('points-') && f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(cache, f), 'utf8')).memoryProbe)
      .filter((m) => m?.samples);
    assert.equal(probed.length, 2, JSON.stringify(probed));
    for (const m of probed) {
      assert.equal(m.samples.length, 3);
      assert.equal(m.rssBytes, Math.min(...m.samples));
    }
    const again = await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--queries', '3', '--no-profile']);
    const k = JSON.parse(again.stdout);
    assert.equal(k.latency.p50_ms, j.latency.p50_ms, 'the proxies\' cached points give the same estimate without profiling');
    // Without the MLP width (a GenAI description) no proxy can be built: the estimate says so and stays analytic.
    writeFileSync(path.join(dir, 'models', 'shape.config.json'), JSON.stringify({ model: { type: 'llama', vocab_size: 256, context_length: 256, decoder: { head_size: 16, hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 6, num_key_value_heads: 2 } } }));
    const none = JSON.parse((await cli('estimate', [cfg, '--json', '--cache-dir', cache, '--queries', '3', '--max-point-ms', '200'])).stdout);
    assert.ok(none.notes.some((n: string) => /no proxy: its description lacks the MLP width/.test(n)), none.notes.join('\n'));
    assert.notEqual(none.provenance.calls.find((c: { kind: string }) => c.kind === 'steps').provenance, 'proxy');
  });

  it('bench runs the plan for real: call counts equal the plan, estimate beside the measurement', async () => {
    const r = await cli('bench', [path.join(dir, 'cascade.ttc.yaml'), '--json', '--cache-dir', cache, '--queries', '6']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.calls.match, true, JSON.stringify(j.calls));
    assert.equal(j.queries.count, 6);
    assert.equal(j.queries.per_query_ms.length, 6);
    assert.ok(j.memory.peak_bytes > j.memory.base_bytes);
    assert.ok(Number.isFinite(j.error.p50));
    assert.ok(j.estimate.latency.p50_ms > 0);
    const bon = await cli('bench', [path.join(dir, 'bon.ttc.yaml'), '--json', '--cache-dir', cache, '--queries', '3']);
    assert.equal(bon.code, 0, bon.stderr);
    const b = JSON.parse(bon.stdout);
    assert.equal(b.calls.match, true, JSON.stringify(b.calls));
    assert.ok(b.calls.measured.steps > 0 && b.calls.measured.score === 6);
    // Loose agreement on a tiny model (the tight figures are the fidelity bench's): within 4× either way.
    const ratio = b.estimate.latency.mean_ms / b.latency.mean_ms;
    assert.ok(ratio > 0.25 && ratio < 4, `estimate ${b.estimate.latency.mean_ms} ms vs measured ${b.latency.mean_ms} ms`);
  });

  it('bench --sweep runs each value of the knob: a JSON point per value, a CSV row per value, a bad value is that point\'s error', async () => {
    const cfg = path.join(dir, 'bon.ttc.yaml');
    const j = await cli('bench', [cfg, '--sweep', 'n=1,2', '--json', '--cache-dir', cache, '--queries', '2']);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.equal(out.knob, 'n');
    assert.deepEqual(out.points.map((p: any) => p.value), [1, 2]);
    for (const p of out.points) assert.ok(p.report.calls_match && p.report.queries === 2 && p.report.measured.p50_ms > 0, JSON.stringify(p));
    const csv = await cli('bench', [cfg, '--sweep', 'n=0,1', '--csv', '--cache-dir', cache, '--queries', '1', '--no-profile']);
    assert.equal(csv.code, 1, 'a point that cannot run fails the sweep');
    const lines = csv.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^n,measured_p50_ms,/);
    assert.match(lines[1], /^0,(,){13}.+/);
    assert.match(lines[2], /^1,[\d.]+,/);
    assert.match(csv.stderr, /n=0: /);
    const bad = await cli('bench', [cfg, '--csv']);
    assert.equal(bad.code, 2);
  });
});
