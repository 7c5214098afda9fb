import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig } from '../../../server/src/core/config/parse';
import { estimate } from '../../../server/src/core/estimate/estimate';
import { fitBudget } from '../../../server/src/core/estimate/fit';
import { PointTable } from '../../../server/src/core/estimate/table';
import type { MachineFacts, ModelFacts } from '../../../server/src/core/estimate/price';
import { budgetDiagnostics, codeLenses, estimateMarkdown, fitActions, inlayHints, isEstimateKey } from '../../../server/src/service/estimates';
import { applyEdits, setValue } from '../../../server/src/core/config/edit';

/** A decoder whose measured step costs 1 ms + 0.1 ms per row (any context), prefill 5 ms. */
function facts(): Record<string, ModelFacts> {
  const t = new PointTable();
  t.add({ kind: 'prefill', batch: 1, tokens: 100 }, { p50: 5 });
  for (const b of [1, 8, 16]) for (const c of [64, 512]) t.add({ kind: 'step', batch: b, context: c }, { p50: 1 + 0.1 * b });
  return { g: { name: 'g', source: 'onnx', weightBytes: 4e6, kvBytesPerToken: 2048, kvTensors: 8, table: t, notes: [] } };
}
const machine: MachineFacts = { copy: { bytesPerSecond: 1e10, perTensorMs: 0, provenance: 'measured' }, roofline: { flopsPerSecond: 5e10, bytesPerSecond: 1e10, source: 'test' } };

const text = (n: number, p95: string, provider = 'cpu') =>
  `version: 1\nmodels:\n  g: { path: g.onnx }\nstrategy:\n  approach: self_consistency  # vote\n  model: g\n  n: ${n}\nworkload:\n  prompt_tokens: 100\n  output_tokens: 101\nhardware: { provider: ${provider}, price_per_hour: 0.4 }\nbudget:\n  latency: { p95: ${p95} }\n`;

function setup(n: number, p95: string, provider?: string) {
  const src = text(n, p95, provider);
  const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, src);
  const parsed = parseConfig(src);
  const e = estimate({ config: parsed.config, models: facts(), machine, queries: 4 });
  return { src, doc, parsed, e };
}

describe('service/estimates (estimates as LSP data)', () => {
  it('prices the plan from the table: prefill + 100 steps at B = n', () => {
    const { e } = setup(8, '10s');
    // 5 ms prefill + 100 × 1.8 ms steps + the KV tile (copy of 100 tokens × 8 rows).
    assert.ok(Math.abs(e.latency.p50_ms - (5 + 100 * 1.8)) < 1, String(e.latency.p50_ms));
    assert.equal(e.provenance.overall, 'interpolated', 'steps between the grid contexts 64 and 512');
  });

  it('inlay hints: the summary at the end of the approach line (after the comment), the marginal on n, one per model', () => {
    const { doc, parsed, e } = setup(8, '10s');
    const hints = inlayHints(doc, parsed, e, 'full');
    const at = (line: number) => hints.find((h) => h.position.line === line);
    assert.match(String(at(4)!.label), /≈ 18\d ms p95 · \$[\d.e-]+\/1k · [\d.]+ (MiB|KiB) \(interpolated\)/);
    assert.equal(at(4)!.position.character, doc.getText().split('\n')[4].length);
    assert.match(String(at(6)!.label), /\+1 sample ≈ \+\d/);
    assert.match(String(at(2)!.label), /≈ 18\d ms\/query \(100%, interpolated\/measured\)/);
    assert.deepEqual(inlayHints(doc, parsed, e, 'compact').map((h) => h.position.line), [4]);
    assert.deepEqual(inlayHints(doc, parsed, e, 'off'), []);
  });

  it('code lens and hover breakdown', () => {
    const { e } = setup(8, '10s');
    const lenses = codeLenses(e, { provider: 'cpu', threads: 2, trusted: true }, 'file:///ws/a.ttc.yaml');
    assert.match(lenses[0].command!.title, /^Estimate: 18\d ms p95 \(interpolated, cpu × 2\) · \$/);
    assert.deepEqual(lenses.slice(1).map((l) => l.command!.command), ['ttcLens.runBenchmark', 'ttcLens.profileEstimate']);
    assert.equal(codeLenses(e, { provider: 'cpu', threads: 2, trusted: false }, 'u').length, 1, 'nothing to run in an untrusted workspace');
    const md = estimateMarkdown(e);
    assert.match(md, /\| Decode steps \| 18\d ms \| \d+% \| interpolated \|/);
    assert.ok(isEstimateKey(['strategy', 'n']) && isEstimateKey(['strategy']) && !isEstimateKey(['workload', 'qps']));
  });

  it('a breach is an error on the budget key and on n; the fit fix edits only n and makes it fit', () => {
    const { src, doc, parsed, e } = setup(16, '150ms');
    const d = budgetDiagnostics(doc, parsed, e);
    assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['budget-latency-p95', 12], ['budget-latency-p95', 6]]);
    const fixes = fitBudget({ config: parsed.config, models: facts(), machine, queries: 4 });
    const n = fixes.find((f) => f.knob === 'n')!;
    // Steps cost 1 + 0.1·B ms: 100 steps fit 150 ms with B ≤ 4 (5 + 100 × 1.4 = 145 ms).
    assert.equal(n.to, 4);
    const actions = fitActions(doc, parsed, fixes, d, (knob, value) =>
      (setValue(src, ['strategy', knob], value) ?? []).map((t) => ({ range: { start: doc.positionAt(t.range.start), end: doc.positionAt(t.range.end) }, newText: t.newText })),
    );
    const a = actions.find((x) => x.title.startsWith('Set n to 4'))!;
    assert.match(a.title, /^Set n to 4 — p95 ≈ 14\d ms, fits 150 ms$/);
    const edits = a.edit!.changes![doc.uri].map((x) => ({ range: { start: doc.offsetAt(x.range.start), end: doc.offsetAt(x.range.end) }, newText: x.newText }));
    const fixed = applyEdits(src, edits);
    assert.equal(fixed, src.replace('n: 16', 'n: 4'));
    const again = parseConfig(fixed);
    assert.deepEqual(estimate({ config: again.config, models: facts(), machine, queries: 4 }).breaches, []);
  });

  it('a provider this machine does not measure is an information on hardware.provider', () => {
    const { doc, parsed, e } = setup(8, '10s', 'cuda');
    const d = budgetDiagnostics(doc, parsed, e).filter((x) => x.code === 'provider-not-measured');
    assert.equal(d.length, 1);
    assert.match(String(d[0].message), /cuda is not measured on this machine: the estimate is analytic/);
  });
});
