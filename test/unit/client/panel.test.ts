/**
 * The benchmark panel's pure parts: the HTML and its Content Security Policy, the webview bundle as
 * esbuild builds it (no eval, no inline styles), the exports (JSON, CSV, Markdown) and the comparison
 * with the previous run.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { compareReports, exportReport, toCsv, toMarkdown } from '../../../client/src/panel/export';
import { makeNonce, panelHtml } from '../../../client/src/panel/html';
import { isFromPanel } from '../../../client/src/panel/messages';
import { sampleReport } from './sampleReport';

const ROOT = path.resolve(__dirname, '../../..');

describe('client/panel', () => {
  describe('HTML', () => {
    const nonce = makeNonce();
    const html = panelHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce, scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel/panel.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel/panel.css', title: 'Benchmark: <a>&b' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';

    it('has a strict CSP: nothing by default, the one script by nonce, styles only from the extension', () => {
      const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      assert.deepEqual(dirs['default-src'], ["'none'"]);
      assert.deepEqual(dirs['script-src'], [`'nonce-${nonce}'`]);
      assert.deepEqual(dirs['style-src'], ['https://file+.vscode-resource.vscode-cdn.net']);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    });
    it('loads one script, with the nonce, and no inline script, handler or style', () => {
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      assert.match(scripts[0][1], new RegExp(`nonce="${nonce}"`));
      assert.equal(scripts[0][2].trim(), '', 'no inline script body');
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
      assert.doesNotMatch(html, /<style|\sstyle\s*=/i, 'no inline styles');
      assert.doesNotMatch(html.replace(/https:\/\/file\+\.vscode-resource\.vscode-cdn\.net/g, ''), /https?:\/\//, 'no remote content');
      assert.match(html, /<title>Benchmark: &#60;a&#62;&#38;b<\/title>/, 'the title is escaped');
    });
    it('nonces are fresh and base64-alphanumeric', () => {
      const a = makeNonce();
      assert.match(a, /^[A-Za-z0-9]{16,}$/);
      assert.notEqual(a, makeNonce());
    });
    it('the webview bundle (uPlot inlined) has no eval, no new Function, no innerHTML and sets no style attribute', async function () {
      this.timeout(30_000);
      const r = await esbuild.build({ entryPoints: [path.join(ROOT, 'client/webview/main.ts')], bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
      const js = r.outputFiles[0].text;
      assert.ok(js.includes('uPlot'), 'uPlot is bundled');
      assert.doesNotMatch(js, /\beval\(|new Function\(|\.innerHTML\s*=|\.outerHTML\s*=|setAttribute\(\s*["']style|\.cssText\s*=|insertAdjacentHTML/);
      assert.doesNotMatch(js, /https?:\/\/(?!github\.com\/leeoniya)[a-z]/i, 'no remote URL (except uPlot\'s own homepage in a comment)');
    });
  });

  describe('messages', () => {
    it('accepts the webview\'s messages and nothing else', () => {
      for (const m of [{ type: 'ready' }, { type: 'run', queries: 3 }, { type: 'sweep', spec: 'n=1,2', queries: 3 }, { type: 'cancel' }, { type: 'export', format: 'csv' }, { type: 'copyMarkdown' }, { type: 'drawn', charts: [] }]) assert.ok(isFromPanel(m));
      for (const m of [null, 'run', {}, { type: 'eval' }]) assert.ok(!isFromPanel(m));
    });
  });

  describe('exports', () => {
    const r = sampleReport();
    it('the per-model charts: time per decode step by batch (CSV rows, Markdown table) and operator shares', () => {
      const m = sampleReport({
        models: {
          steps: [{ model: 'gen', context: 79, batches: [1, 4], tau_ms: [1, 2.5], provenance: ['interpolated', 'interpolated'], grid: [{ context: 64, ms: [0.9, 2.2] }], estimate_ms: [null, 2.5], measured_ms: [null, 2], steps_per_query: [null, 100] }],
          ops: [{ model: 'gen', ops: [{ op: 'MatMul', share: 0.75, ms: 1.5 }, { op: 'other', share: 0.25, ms: 0.5 }], node_ms: 2, runs: 10 }],
          notes: [],
        },
      });
      const lines = toCsv(m).trimEnd().split('\n');
      assert.deepEqual(lines.filter((l) => l.startsWith('step_ms,')), ['step_ms,gen B=4,2,2.5,0.25']);
      assert.deepEqual(lines.filter((l) => l.startsWith('op_share,')), ['op_share,gen MatMul,0.75', 'op_share,gen other,0.25']);
      const md = toMarkdown(m);
      assert.match(md, /\| gen: decode step at context 79 \| τ\(B\) grid \| estimate \/ step \| measured \/ step \|\n\|---\|---\|---\|---\|\n\| B = 1 \| 1\.00 ms \| — \| — \|\n\| B = 4 \| 2\.50 ms \| 2\.50 ms \| 2\.00 ms \|/);
      assert.match(md, /Top operators of gen \(2\.00 ms of node time per run\): MatMul 75\.0%, other 25\.0%\./);
    });
    it('JSON is the report itself', () => {
      assert.deepEqual(JSON.parse(exportReport(r, 'json')), r);
    });
    it('CSV: latency, kinds, memory, cost, then one row per query', () => {
      const csv = toCsv(r);
      const lines = csv.trimEnd().split('\n');
      assert.equal(lines[0], 'section,name,measured,estimate,error,calls,planned');
      assert.equal(lines[1], 'latency_ms,p50,100,110,0.1');
      assert.ok(lines.includes('kind_ms,steps,90,85,-0.0556,400,400'));
      assert.ok(lines.includes(`memory_bytes,peak,${200 * 2 ** 20},${210 * 2 ** 20},0.05`));
      assert.deepEqual(lines.filter((l) => l.startsWith('query_ms,')), ['query_ms,1,100', 'query_ms,2,90', 'query_ms,3,180', 'query_ms,4,110']);
    });
    it('Markdown: measured, estimate, error and budget rows, kinds, facts, hardware', () => {
      const md = toMarkdown(r);
      assert.match(md, /^## Benchmark of bon\.ttc\.yaml \(best_of_n\)/);
      assert.match(md, /\| Measured \| 100 ms \| 180 ms \| 120 ms \|/);
      assert.match(md, /\| Estimate \(measured, ±3%\) \| 110 ms \| 170 ms \| 118 ms \|/);
      assert.match(md, /\| Error \| \+10\.0% \| -5\.6% \| -1\.7% \|/);
      assert.match(md, /\| Budget \| — \| 5\.00 s \| \|/);
      assert.match(md, /\| steps \| 90\.0 ms \| 85\.0 ms \| -5\.6% \| 400 \| 400 \|/);
      assert.match(md, /Calls equal the plan/);
      assert.match(md, /Peak RSS 200\.0 MiB \(process at start 60\.0 MiB\); estimate 210\.0 MiB/);
      assert.match(md, /Load average 0\.50 → 0\.70\./);
      assert.match(md, /Test CPU, "8 cores", 4 cores \/ 8 threads, 16\.0 GiB, linux x64; cpu EP, 4 threads, ONNX Runtime 1\.30\.0/);
      assert.match(toMarkdown(sampleReport({ busy: true, calls_match: false, breaches: ['measured p95 180 ms exceeds the budget of 100 ms'] })), /\*\*the machine was busy\*\*[\s\S]*\*\*Over budget:\*\* measured p95/);
    });
  });

  describe('against the previous run', () => {
    it('marks what got slower or bigger by more than 10% as a regression, and nothing else', () => {
      const prev = sampleReport();
      const cur = sampleReport({ measured: { p50_ms: 105, p95_ms: 250, mean_ms: 100 }, kinds: [{ ...prev.kinds[0], measured_ms: 30 }, prev.kinds[1]] });
      const rows = compareReports(prev, cur);
      const by = Object.fromEntries(rows.map((x) => [x.label, x]));
      assert.deepEqual(Object.keys(by), ['p50', 'p95', 'mean', 'prefill / query', 'steps / query', 'peak RSS']);
      assert.deepEqual([by.p50.change, by.p50.regression], ['+5.0%', false]);
      assert.deepEqual([by.p95.previous, by.p95.current, by.p95.change, by.p95.regression], ['180 ms', '250 ms', '+38.9%', true]);
      assert.deepEqual([by.mean.change, by.mean.regression], ['-16.7%', false], 'faster is no regression');
      assert.equal(by['prefill / query'].regression, true);
      assert.equal(by['peak RSS'].change, '+0.0%');
      assert.match(toMarkdown(cur, rows), /\| p95 \| 180 ms \| 250 ms \| \*\*\+38\.9%\*\* \(regression\) \|/);
    });
  });
});
