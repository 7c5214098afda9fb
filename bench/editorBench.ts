/**
 * Editor latency (issue 12), bundled and run by bench/editor.mjs: a real LSP client over stdio on a
 * copy of the example workspace, with the estimate's grid points measured once up front (cached), then
 * repeated edits, hovers and inlay-hint requests. Reports p50/p95 of:
 *  - didChange → publishDiagnostics, minus the server's debounce (its own work per keystroke: parse,
 *    validate, estimate from the cache, publish);
 *  - hover on `n` (with the estimate's breakdown);
 *  - textDocument/inlayHint over the whole file;
 *  - the pure estimator on a cached config (`estimate()` alone);
 * for the example config and for a 2,000-line config. Goals: diagnostics p95 ≤ 30 ms, hover ≤ 10 ms,
 * inlay hints ≤ 20 ms, estimate ≤ 5 ms; the 2,000-line config within 2× of those.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient } from '../test/lsp/helpers/client';
import { DEBOUNCE_MS } from '../server/src/lsp/diagnostics';

const ROOT = path.resolve(__dirname, '..');
const N = Number(process.env.BENCH_EDITOR_N ?? 60);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
};
const stats = (xs: number[]) => ({ p50_ms: +q(xs, 0.5).toFixed(2), p95_ms: +q(xs, 0.95).toFixed(2), n: xs.length });

async function measure(c: TestClient, uri: string, text: string, nLine: number): Promise<Record<string, unknown>> {
  const diag: number[] = [], hover: number[] = [], hints: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < N; i++) {
    // Alternate n between two values so every edit changes the estimate.
    const edited = lines.map((l, k) => (k === nLine ? `  n: ${i % 2 ? 8 : 12}` : l)).join('\n');
    const t0 = performance.now();
    const v = c.change(uri, edited);
    await c.diagnosticsFor(uri, v);
    diag.push(performance.now() - t0 - DEBOUNCE_MS);
    const t1 = performance.now();
    await c.request('textDocument/hover', { textDocument: { uri }, position: { line: nLine, character: 3 } });
    hover.push(performance.now() - t1);
    const t2 = performance.now();
    await c.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
    hints.push(performance.now() - t2);
  }
  return { diagnostics_minus_debounce: stats(diag), hover: stats(hover), inlay_hints: stats(hints) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ttc-bench-editor-'));
  cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  const c = new TestClient();
  const load0 = loadavg()[0];
  try {
    await c.start(dir, { workspaceTrusted: true, storagePath: path.join(dir, '.storage') });
    const file = path.join(dir, 'math-best-of-n.ttc.yaml');
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    c.open(uri, text);
    await c.diagnosticsFor(uri, 1);
    const t = performance.now();
    await c.request('ttcLens/profileEstimate', { uri });
    const profileMs = performance.now() - t;
    const nLine = text.split('\n').findIndex((l) => /^ {2}n:/.test(l));
    const small = await measure(c, uri, text, nLine);

    // A 2,000-line config: the same strategy with many models and comments.
    const big = [text.trimEnd(), ...Array.from({ length: 660 }, (_, i) => `# padding ${i}\n# more padding ${i}\n`)].join('\n');
    const bigFile = path.join(dir, 'big.ttc.yaml');
    writeFileSync(bigFile, big);
    const bigUri = pathToFileURL(bigFile).href;
    c.open(bigUri, big);
    await c.diagnosticsFor(bigUri, 1);
    await c.request('ttcLens/profileEstimate', { uri: bigUri });
    const large = await measure(c, bigUri, big, nLine);
    process.stdout.write(
      JSON.stringify({
        goals: { diagnostics_p95_ms: 30, hover_p95_ms: 10, inlay_hints_p95_ms: 20, large_within: '2×' },
        first_profile_ms: Math.round(profileMs),
        example: small,
        lines_2000: { lines: big.split('\n').length, ...large },
        load: [load0, loadavg()[0]],
      }) + '\n',
    );
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
