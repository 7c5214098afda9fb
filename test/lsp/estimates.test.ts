/**
 * Inline estimates in the real language server over stdio, with the real profiler process and the
 * example models: plan-driven profiling on request, then inlay hints, the code lens, the hover
 * breakdown, a budget diagnostic, and a fit-the-budget quick-fix that makes the config fit (checked
 * by the server re-estimating the edited text); no model runs in an untrusted workspace.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyEdits } from '../../server/src/core/config/edit';
import { buildDecoder } from '../../server/src/core/onnx/builders';
import { writeModel } from '../../server/src/core/onnx/writer';
import type { BenchReport, ModelCharts } from '../../server/src/protocol';
import { ROOT, TestClient } from './helpers/client';
import { CancellationTokenSource } from 'vscode-jsonrpc';

interface Hint {
  position: { line: number; character: number };
  label: string;
}
interface Lens {
  command?: { title: string; command: string };
}
interface Action {
  title: string;
  edit?: { changes: Record<string, Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>> };
}
interface EstimateResult {
  markdown?: string;
  estimate?: { latency: { p50_ms: number; p95_ms: number }; provenance: { overall: string }; fits: boolean };
  error?: string;
}

const config = (n: number, p95: string) =>
  [
    'version: 1',
    'models:',
    '  gen: { path: models/decoder-tiny.onnx }',
    '  prm: { path: models/prm-tiny.onnx }',
    'strategy:',
    '  approach: best_of_n   # sample and score',
    '  model: gen',
    '  verifier: prm',
    `  n: ${n}`,
    'workload:',
    '  prompt_tokens: 32',
    '  output_tokens: { mean: 16, p95: 32 }',
    'hardware: { threads: 1, price_per_hour: 0.40 }',
    `budget: { latency: { p95: ${p95} } }`,
    '',
  ].join('\n');

function offsetToPos(text: string, off: number) {
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
function posToOffset(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
  return o + p.character;
}

describe('lsp: inline estimates', function () {
  this.timeout(240_000);
  const c = new TestClient();
  let dir: string;
  let uri: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-lsp-est-'));
    mkdirSync(path.join(dir, 'models'));
    for (const m of ['decoder-tiny.onnx', 'prm-tiny.onnx']) copyFileSync(path.join(ROOT, 'examples', 'models', m), path.join(dir, 'models', m));
    const file = path.join(dir, 'bon.ttc.yaml');
    writeFileSync(file, config(8, '60s'));
    uri = pathToFileURL(file).href;
    await c.start(dir, { workspaceTrusted: true, storagePath: path.join(dir, 'storage') });
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces inlay hints and code lenses', () => {
    assert.ok(c.capabilities.inlayHintProvider);
    assert.ok(c.capabilities.codeLensProvider);
  });

  it('profiles what the plan needs on request, then shows measured hints, the lens and the hover breakdown', async () => {
    const text = config(8, '60s');
    c.open(uri, text);
    await c.diagnosticsFor(uri, 1);
    const before = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    assert.ok(before.length > 0 && /analytic|calibrated/.test(before[0].label), `before profiling the hints are analytic and say so: ${JSON.stringify(before.map((h) => h.label))}`);
    const refreshes = c.refreshes.items.length;
    const r = await c.request<EstimateResult>('ttcLens/profileEstimate', { uri });
    assert.equal(r.error, undefined);
    assert.ok(['measured', 'interpolated'].includes(r.estimate!.provenance.overall), r.estimate!.provenance.overall);
    await c.refreshes.waitFrom(refreshes, (k) => k === 'inlayHint');

    const hints = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    const approachLine = text.split('\n').findIndex((l) => l.includes('approach:'));
    const nLine = text.split('\n').findIndex((l) => l.startsWith('  n:'));
    const onApproach = hints.find((h) => h.position.line === approachLine);
    assert.match(onApproach!.label, /≈ [\d.]+ (ms|s) p95 · \$[\d.e-]+\/1k · [\d.]+ (MiB|GiB)/);
    assert.equal(onApproach!.position.character, text.split('\n')[approachLine].length, 'after the comment, at the end of the line');
    assert.match(hints.find((h) => h.position.line === nLine)!.label, /\+1 sample ≈ \+[\d.]+ (ms|s)/);
    assert.ok(hints.some((h) => /gen|%/.test(h.label) && h.position.line === 2), 'a hint on the model entry');

    const lenses = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.match(lenses[0].command!.title, /^Estimate: [\d.]+ (ms|s) p95 \((measured|interpolated), cpu × 1\)/);
    assert.deepEqual(lenses.slice(1).map((l) => l.command!.title), ['Run Benchmark', 'Profile']);

    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: nLine, character: 3 } });
    assert.match(hover.contents.value, /\*\*Estimate\*\*/);
    assert.match(hover.contents.value, /Decode steps/);
    assert.match(hover.contents.value, /Verifier/);
    assert.match(hover.contents.value, /\+1 sample/);
  });

  it('cancelling a profile stops it promptly and the server keeps answering', async () => {
    const heavy = path.join(dir, 'heavy.ttc.yaml');
    const text = config(16, '60s').replace('prompt_tokens: 32', 'prompt_tokens: 1500').replace('{ mean: 16, p95: 32 }', '{ mean: 2000, p95: 2500 }');
    writeFileSync(heavy, text);
    const huri = pathToFileURL(heavy).href;
    c.open(huri, text);
    await c.diagnosticsFor(huri, 1);
    const cts = new CancellationTokenSource();
    const t0 = Date.now();
    const pending = c.conn.sendRequest('ttcLens/profileEstimate', { uri: huri }, cts.token).then(
      () => 'answered',
      () => 'rejected',
    );
    setTimeout(() => cts.cancel(), 1500);
    await pending;
    assert.ok(Date.now() - t0 < 20_000, `cancel took ${Date.now() - t0} ms`);
    const e = await c.request<EstimateResult>('ttcLens/estimate', { uri: huri });
    assert.ok(e.estimate!.latency.p50_ms > 0, 'the server still estimates');
    c.close(huri);
  });

  it('runs the benchmark: one notification per query as it finishes, and a report ready to draw', async () => {
    // Before any run: the step chart from the grid the profile measured; no per-op trace yet, said plainly.
    const pre = (await c.request<{ models?: ModelCharts; error?: string }>('ttcLens/benchmarkModels', { uri })).models!;
    assert.deepEqual(pre.steps.map((s) => s.model), ['gen']);
    assert.ok(pre.steps[0].tau_ms.some((x) => x !== null) && pre.steps[0].measured_ms.every((x) => x === null), JSON.stringify(pre.steps[0]));
    assert.deepEqual(pre.ops, []);
    assert.deepEqual(pre.notes.map((n) => n.split(':')[0]), ['gen', 'prm']);
    assert.match(pre.notes[0], /no per-operator profile.*Run the benchmark.*Profile Models/);
    const queries: Array<{ workDoneToken: string; index: number; of: number; ms: number }> = [];
    const sub = c.conn.onNotification('ttcLens/benchmarkQuery', (p: (typeof queries)[number]) => void queries.push(p));
    const r = await c.request<{ error?: string; report?: BenchReport }>('ttcLens/runBenchmark', { uri, queries: 3, workDoneToken: 'bench-1' });
    sub.dispose();
    assert.equal(r.error, undefined);
    const rep = r.report!;
    assert.deepEqual(queries.map((q) => [q.workDoneToken, q.index, q.of]), [['bench-1', 0, 3], ['bench-1', 1, 3], ['bench-1', 2, 3]]);
    assert.deepEqual(rep.per_query_ms, queries.map((q) => q.ms), 'the streamed times are the report\'s');
    assert.equal(rep.queries, 3);
    assert.deepEqual(rep.cdf.ms, [...rep.per_query_ms].sort((a, b) => a - b));
    assert.deepEqual(rep.cdf.p, [1 / 3, 2 / 3, 1]);
    assert.ok(rep.measured.p50_ms > 0 && rep.estimate.p50_ms > 0);
    assert.ok(rep.calls_match, 'the run makes the planned calls');
    const kinds = Object.fromEntries(rep.kinds.map((k) => [k.kind, k]));
    for (const k of ['prefill', 'steps', 'score']) assert.ok(kinds[k]?.measured_ms > 0 && kinds[k].estimate_ms > 0 && kinds[k].calls === kinds[k].planned, JSON.stringify(kinds[k]));
    assert.equal(rep.budget.p95_ms, 60_000);
    assert.ok(rep.hardware.cpu && rep.hardware.logical_cores > 0 && rep.hardware.threads === 1, JSON.stringify(rep.hardware));
    assert.ok(rep.memory.peak_bytes > rep.memory.base_bytes);
    // Decode step time against batch: the grid's τ(B) and, at the plan's batch (n = 8), the estimate and the executor's time per step.
    const [steps] = rep.models!.steps;
    assert.equal(steps.model, 'gen');
    const at8 = steps.batches.indexOf(8);
    assert.ok(at8 >= 0 && steps.tau_ms[at8]! > 0 && steps.estimate_ms[at8]! > 0 && steps.measured_ms[at8]! > 0, JSON.stringify(steps));
    assert.ok(steps.grid.length >= 1 && steps.grid.every((g) => g.ms.some((x) => x !== null)));
    // Top operators: the run traced each model once (cached), so a later request finds them without running anything.
    assert.deepEqual(rep.models!.ops.map((o) => o.model), ['gen', 'prm']);
    for (const o of rep.models!.ops) {
      assert.ok(o.ops.length > 0 && o.node_ms > 0 && o.runs >= 2, JSON.stringify(o));
      assert.ok(Math.abs(o.ops.reduce((a, x) => a + x.share, 0) - 1) < 0.01, `shares of ${o.model} add up to 1`);
    }
    assert.deepEqual(rep.models!.notes, []);
    const post = (await c.request<{ models?: ModelCharts }>('ttcLens/benchmarkModels', { uri })).models!;
    assert.deepEqual(post.ops, rep.models!.ops);
  });

  it('sweeps n: a report per value and the lines to draw; a value the config refuses is that point\'s error', async () => {
    const r = await c.request<{ error?: string; sweep?: { series: any; points: Array<{ value: number; report?: BenchReport; error?: string }> } }>('ttcLens/runBenchmark', { uri, queries: 2, sweep: 'n=0,2' });
    assert.equal(r.error, undefined);
    const { series, points } = r.sweep!;
    assert.deepEqual(points.map((p) => p.value), [0, 2]);
    assert.match(points[0].error!, /n/);
    assert.ok(points[1].report!.calls_match && points[1].report!.queries === 2);
    assert.deepEqual(series.values, [0, 2]);
    assert.deepEqual(series.measured_p50_ms, [null, points[1].report!.measured.p50_ms]);
    assert.deepEqual(series.estimate_p95_ms, [null, points[1].report!.estimate.p95_ms]);
    assert.match((await c.request<{ error?: string }>('ttcLens/runBenchmark', { uri, sweep: 'n' })).error!, /knob=/);
  });

  it('a breached budget is a diagnostic on the budget and on n; the quick-fix sets n so that it fits', async () => {
    // A budget between n = 1's p95 and n = 8's: n = 8 breaches it, and a smaller n fits.
    const base = await c.request<EstimateResult>('ttcLens/estimate', { uri });
    await c.diagnosticsFor(uri, c.change(uri, config(1, '60s')));
    const one = await c.request<EstimateResult>('ttcLens/estimate', { uri });
    assert.ok(one.estimate!.latency.p95_ms < base.estimate!.latency.p95_ms, `n = 1 (${one.estimate!.latency.p95_ms} ms) is cheaper than n = 8 (${base.estimate!.latency.p95_ms} ms)`);
    const tight = `${((one.estimate!.latency.p95_ms + base.estimate!.latency.p95_ms) / 2).toFixed(3)}ms`;
    const text = config(8, tight);
    const v = c.change(uri, text);
    const d = await c.diagnosticsFor(uri, v);
    const budget = d.diagnostics.filter((x) => x.code === 'budget-latency-p95');
    assert.equal(budget.length, 2, JSON.stringify(d.diagnostics));
    assert.match(budget[0].message, /p95 latency ≈ .* exceeds the budget of .* \(\d+% over\)/);
    const lines = budget.map((b) => text.split('\n')[b.range.start.line]);
    assert.ok(lines.some((l) => l.startsWith('budget:')) && lines.some((l) => l.startsWith('  n:')), JSON.stringify(lines));

    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: budget[1].range, context: { diagnostics: budget } });
    const fix = actions.find((a) => /^Set n to \d+ — p95 ≈ .*, fits/.test(a.title));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const edits = fix!.edit!.changes[uri].map((e) => ({ range: { start: posToOffset(text, e.range.start), end: posToOffset(text, e.range.end) }, newText: e.newText }));
    const fixed = applyEdits(text, edits);
    assert.match(fixed, /approach: best_of_n {3}# sample and score/, 'comments survive');
    const v2 = c.change(uri, fixed);
    const after = await c.diagnosticsFor(uri, v2);
    assert.deepEqual(after.diagnostics.filter((x) => String(x.code).startsWith('budget-')), [], 'the fix makes the config fit');
    void offsetToPos;
  });
});

describe('lsp: a model file that changes after profiling', function () {
  this.timeout(240_000);
  const c = new TestClient();
  let dir: string;
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to analytic, says the profile is stale on the model, and refreshes hints and lenses', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-lsp-est-s-'));
    mkdirSync(path.join(dir, 'models'));
    copyFileSync(path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx'), path.join(dir, 'models', 'g.onnx'));
    const text = ['version: 1', 'models:', '  gen: { path: models/g.onnx }', 'strategy: { approach: single, model: gen }', 'workload: { prompt_tokens: 16, output_tokens: 8 }', 'hardware: { threads: 1 }', ''].join('\n');
    const file = path.join(dir, 's.ttc.yaml');
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await c.start(dir, { workspaceTrusted: true, storagePath: path.join(dir, 'storage') });
    c.open(uri, text);
    await c.diagnosticsFor(uri, 1);
    const r = await c.request<EstimateResult>('ttcLens/profileEstimate', { uri });
    assert.notEqual(r.estimate!.provenance.overall, 'analytic');
    const refreshes = c.refreshes.items.length;
    const marks = c.diagnostics.items.length;
    // Another decoder with the same shape but other weights lands on the same path.
    await writeModel(path.join(dir, 'models', 'g.onnx'), buildDecoder({ layers: 4, hidden: 128, heads: 4, kvHeads: 2, vocab: 512, ffn: 192, maxPositions: 4096, seed: 99 }));
    const d = await c.diagnostics.waitFrom(marks, (p) => p.uri === uri && p.diagnostics.some((x) => x.code === 'profile-stale'));
    const stale = d.diagnostics.find((x) => x.code === 'profile-stale')!;
    assert.equal(stale.range.start.line, 2);
    await c.refreshes.waitFrom(refreshes, (k) => k === 'inlayHint');
    const e = await c.request<EstimateResult>('ttcLens/estimate', { uri });
    assert.equal(e.estimate!.provenance.overall, 'analytic');
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: stale.range, context: { diagnostics: [stale] } });
    assert.ok(actions.some((a) => a.title === 'Profile again (the model changed)'), JSON.stringify(actions.map((a) => a.title)));

    // With autoProfile on, the next change is profiled again by itself and the estimate is measured again.
    c.settings = { profiler: { autoProfile: true } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await c.request('ttcLens/profileEstimate', { uri }); // measured again, so the file is watched again
    const marks2 = c.diagnostics.items.length;
    await writeModel(path.join(dir, 'models', 'g.onnx'), buildDecoder({ layers: 4, hidden: 128, heads: 4, kvHeads: 2, vocab: 512, ffn: 192, maxPositions: 4096, seed: 7 }));
    await c.diagnostics.waitFrom(marks2, (p) => p.uri === uri && p.diagnostics.some((x) => x.code === 'profile-stale'));
    const marks3 = c.diagnostics.items.length;
    await c.diagnostics.waitFrom(marks3, (p) => p.uri === uri && !p.diagnostics.some((x) => x.code === 'profile-stale'));
    const again = await c.request<EstimateResult>('ttcLens/estimate', { uri });
    assert.notEqual(again.estimate!.provenance.overall, 'analytic', 'profiled again by itself');
  });
});

describe('lsp: inline estimates in an untrusted workspace', function () {
  this.timeout(120_000);
  const c = new TestClient();
  let dir: string;
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('estimates analytically and never runs a model', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-lsp-est-u-'));
    mkdirSync(path.join(dir, 'models'));
    for (const m of ['decoder-tiny.onnx', 'prm-tiny.onnx']) copyFileSync(path.join(ROOT, 'examples', 'models', m), path.join(dir, 'models', m));
    const file = path.join(dir, 'bon.ttc.yaml');
    writeFileSync(file, config(4, '60s'));
    const uri = pathToFileURL(file).href;
    await c.start(dir, { workspaceTrusted: false, storagePath: path.join(dir, 'storage') });
    c.open(uri, config(4, '60s'));
    await c.diagnosticsFor(uri, 1);
    const r = await c.request<EstimateResult>('ttcLens/profileEstimate', { uri });
    assert.match(r.error!, /untrusted/);
    const e = await c.request<EstimateResult>('ttcLens/estimate', { uri });
    assert.equal(e.estimate!.provenance.overall, 'analytic');
    const lenses = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1, 'no Run Benchmark / Profile lens when nothing may run');
    const m = (await c.request<{ models?: ModelCharts }>('ttcLens/benchmarkModels', { uri })).models!;
    assert.deepEqual([m.steps, m.ops], [[], []], 'nothing measured, nothing traced');
    assert.equal(m.notes.length, 2);
  });
});
