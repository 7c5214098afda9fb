/**
 * Accuracy against compute in the real language server over stdio, on the best-of-N example and its
 * quality data: the hint after `quality:` (now, best within the budget), and the code action that
 * writes the recommended strategy — checked by parsing the edited config.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../../server/src/core/config/parse';
import { ROOT, TestClient } from './helpers/client';

interface Hint {
  position: { line: number; character: number };
  label: string;
  tooltip?: { value: string };
}
interface LspEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}
interface Action {
  title: string;
  kind?: string;
  edit?: { changes: Record<string, LspEdit[]> };
}

function offset(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
  return o + p.character;
}

describe('lsp: accuracy against compute', function () {
  this.timeout(120_000);
  const c = new TestClient();
  let dir: string;
  let uri: string;
  let text: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-lsp-q-'));
    cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    const file = path.join(dir, 'math-best-of-n.ttc.yaml');
    text = readFileSync(file, 'utf8');
    uri = pathToFileURL(file).href;
    await c.start(dir, { workspaceTrusted: false, storagePath: path.join(dir, '.storage') });
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hints the current accuracy and the best setting within the budget after quality:', async () => {
    c.open(uri, text);
    await c.diagnosticsFor(uri, 1);
    const line = text.split('\n').findIndex((l) => /^quality:/.test(l));
    assert.ok(line >= 0);
    const hints = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } } });
    const q = hints.find((h) => h.position.line === line);
    assert.ok(q, JSON.stringify(hints.map((h) => [h.position.line, h.label])));
    assert.match(q!.label, /now [\d.]+% \[[\d.]+–[\d.]+\]/);
    assert.match(q!.tooltip!.value, /Accuracy against compute/);
  });

  it('offers the recommended setting and the edit writes it', async () => {
    const line = text.split('\n').findIndex((l) => /^\s+approach:/.test(l));
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 4 }, end: { line, character: 4 } }, context: { diagnostics: [] } });
    const use = actions.find((a) => /^Use \w+, n=\d+: /.test(a.title));
    assert.ok(use, JSON.stringify(actions.map((a) => a.title)));
    const [, approach, n] = /^Use (\w+), n=(\d+)/.exec(use!.title)!;
    let out = text;
    for (const e of [...use!.edit!.changes[uri]].sort((a, b) => offset(text, b.range.start) - offset(text, a.range.start))) out = out.slice(0, offset(text, e.range.start)) + e.newText + out.slice(offset(text, e.range.end));
    const parsed = parseConfig(out);
    assert.equal(parsed.problems.filter((p) => p.severity === 'error').length, 0, JSON.stringify(parsed.problems));
    assert.equal(parsed.config.strategy!.approach, approach);
    const s = parsed.config.strategy as unknown as Record<string, number>;
    assert.equal(approach === 'early_exit' ? s.max_n : approach === 'tta' ? s.views : approach === 'revisions' ? s.rounds : s.n, Number(n));
  });

  it('gives the benchmark panel its Pareto chart (nothing runs)', async () => {
    const r = await c.request<{ chart?: { axis: string; budgetX?: number; series: Array<{ strategy: string; points: unknown[] }>; frontier: Array<{ x: number; accuracy: number }>; title: string }; error?: string }>('ttcLens/qualityChart', { uri });
    assert.equal(r.error, undefined, r.error);
    const ch = r.chart!;
    assert.equal(ch.axis, 'latency');
    assert.equal(ch.budgetX, 4000, 'the example budgets p50 at 4 s');
    assert.ok(ch.series.some((s) => s.strategy === 'best_of_n') && ch.series.some((s) => s.strategy === 'dvts'), JSON.stringify(ch.series.map((s) => s.strategy)));
    assert.ok(ch.frontier.length >= 2);
    assert.match(ch.title, /^Use \w+, n=\d+: /);
  });
});
