/**
 * Quantize / prune from the editor, in the real language server over stdio with the real profiler
 * process: the code actions on a model entry and on a budget breach, `ttcLens/rewriteModel` writing
 * the new model beside the original (which stays byte-identical), editing the config through
 * workspace/applyEdit, verifying and re-estimating; `ttcLens/revertRewrite` restoring the config and
 * deleting the file; nothing offered in an untrusted workspace.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient } from './helpers/client';

interface Action {
  title: string;
  kind?: string;
  command?: { command: string; arguments: unknown[] };
}
interface LspEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

const CONFIG = [
  'version: 1',
  'models:',
  '  gen:',
  '    path: models/decoder-tiny.onnx',
  'strategy: { approach: best_of_n, model: gen, n: 2 }',
  'workload: { prompt_tokens: 16, output_tokens: 8 }',
  'hardware: { threads: 1 }',
  'budget: { latency: { p95: 1ms } }',
  '',
].join('\n');

function offset(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
  return o + p.character;
}

function apply(text: string, edits: LspEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(text, b.range.start) - offset(text, a.range.start))) out = out.slice(0, offset(text, e.range.start)) + e.newText + out.slice(offset(text, e.range.end));
  return out;
}

describe('lsp: quantize and prune code actions', function () {
  this.timeout(300_000);
  const c = new TestClient();
  let dir: string;
  let uri: string;
  let text = CONFIG;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ttc-lsp-rw-'));
    mkdirSync(path.join(dir, 'models'));
    copyFileSync(path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx'), path.join(dir, 'models', 'decoder-tiny.onnx'));
    const file = path.join(dir, 'rw.ttc.yaml');
    writeFileSync(file, CONFIG);
    uri = pathToFileURL(file).href;
    c.settings = { profiler: { maxTimeMs: 300 } };
    await c.start(dir, { workspaceTrusted: true, storagePath: path.join(dir, 'storage') });
    // The editor applies the server's edits to its document and sends them back as a change.
    c.conn.onRequest('workspace/applyEdit', (p: { edit: { changes: Record<string, LspEdit[]> } }): { applied: boolean; failureReason?: string } => {
      const edits = p.edit.changes[uri];
      if (!edits) return { applied: false, failureReason: 'unknown document' };
      text = apply(text, edits);
      c.change(uri, text);
      return { applied: true };
    });
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers quantize and prune on a model entry and as quick-fixes on a budget breach', async () => {
    c.open(uri, text);
    const diags = await c.diagnosticsFor(uri, 1);
    const onEntry = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } }, context: { diagnostics: [] } });
    const titles = onEntry.filter((a) => a.command?.command === 'ttcLens.rewriteModel').map((a) => a.title);
    assert.equal(titles.length, 3, titles.join('\n'));
    assert.match(titles[0], /^Quantize gen to int8 .*measured when applied$/);
    assert.match(titles[1], /^Quantize gen to int4 /);
    assert.match(titles[2], /^Prune 50% of gen's feed-forward units/);
    assert.ok(onEntry.filter((a) => a.command?.command === 'ttcLens.rewriteModel').every((a) => a.kind === 'refactor.rewrite'));
    const budget = diags.diagnostics.filter((d: { code?: unknown }) => typeof d.code === 'string' && d.code.startsWith('budget-'));
    assert.ok(budget.length > 0, 'a 1 ms p95 budget is breached');
    const fixes = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: budget[0].range, context: { diagnostics: budget } });
    const q = fixes.filter((a) => a.command?.command === 'ttcLens.rewriteModel');
    assert.ok(q.length >= 2 && q.every((a) => a.kind === 'quickfix'), JSON.stringify(fixes.map((a) => [a.title, a.kind])));
  });

  it('rewriteModel (int8, int4, prune) writes beside the original, verifies, edits the config; revert undoes both', async () => {
    const original = readFileSync(path.join(dir, 'models', 'decoder-tiny.onnx'));
    const r = await c.request<{ title?: string; verdict?: string; report?: string; file?: string; error?: string; revert?: { path: string; precision: string | null; file: string } }>('ttcLens/rewriteModel', { uri, model: 'gen', kind: 'int8' });
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.file, path.join(dir, 'models', 'decoder-tiny.int8.onnx'));
    assert.ok(existsSync(r.file!));
    assert.ok(['helped', 'not-faster', 'below-fidelity'].includes(r.verdict!), r.verdict);
    assert.match(r.title!, /^gen: int8: [\d.]+× \(.*\), SQNR [\d.]+ dB — .*; p95 ≈ /);
    assert.match(r.report!, /Fidelity/);
    assert.match(r.report!, /Speed/);
    assert.ok(original.equals(readFileSync(path.join(dir, 'models', 'decoder-tiny.onnx'))), 'the original is byte-identical');
    assert.match(text, /path: models\/decoder-tiny\.int8\.onnx/);
    assert.match(text, /precision: int8/);
    // The estimate now reads the quantized model.
    const e = await c.request<{ estimate?: { notes?: string[] } ; error?: string }>('ttcLens/estimate', { uri });
    assert.equal(e.error, undefined);

    const rv = await c.request<{ applied?: boolean; removed?: boolean }>('ttcLens/revertRewrite', { uri, model: 'gen', ...r.revert! });
    assert.deepEqual(rv, { applied: true, removed: true });
    assert.equal(text, CONFIG, 'the config is back as it was');
    assert.ok(!existsSync(r.file!), 'the rewritten file is deleted');
    // int4 and structured pruning go through the same flow: written, pointed at, reverted.
    for (const [kind, file, precision] of [['int4', 'decoder-tiny.int4.onnx', /precision: int4/], ['prune', 'decoder-tiny.pruned50.onnx', undefined]] as const) {
      const k = await c.request<{ title?: string; error?: string; file?: string; revert?: { path: string; precision: string | null; file: string } }>('ttcLens/rewriteModel', { uri, model: 'gen', kind, ...(kind === 'prune' ? { ratio: 0.5 } : {}) });
      assert.equal(k.error, undefined, `${kind}: ${k.error}`);
      assert.equal(k.file, path.join(dir, 'models', file));
      assert.ok(text.includes(`models/${file}`), text);
      if (precision) assert.match(text, precision);
      else assert.doesNotMatch(text, /precision:/, 'pruning keeps the precision');
      assert.match(k.title!, kind === 'prune' ? /^gen: prune 50%: [\d.]+× / : /^gen: int4: [\d.]+× /);
      const back = await c.request<{ applied?: boolean; removed?: boolean }>('ttcLens/revertRewrite', k.revert!);
      assert.deepEqual(back, { applied: true, removed: true });
      assert.equal(text, CONFIG);
    }
    assert.ok(original.equals(readFileSync(path.join(dir, 'models', 'decoder-tiny.onnx'))), 'the original is still byte-identical');
    // An output that already exists is never overwritten.
    writeFileSync(path.join(dir, 'models', 'decoder-tiny.int4.onnx'), 'mine');
    const clash = await c.request<{ error?: string }>('ttcLens/rewriteModel', { uri, model: 'gen', kind: 'int4' });
    assert.match(clash.error!, /already exists/);
    assert.equal(readFileSync(path.join(dir, 'models', 'decoder-tiny.int4.onnx'), 'utf8'), 'mine');
  });
});
