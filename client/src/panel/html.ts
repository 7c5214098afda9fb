/**
 * The benchmark panel's HTML: a strict Content Security Policy (`default-src 'none'`; the one script
 * by nonce, styles only from the extension's files, images and fonts from the webview's own origin,
 * nothing remote, no `unsafe-inline`, no `unsafe-eval`), no inline handlers and no inline styles.
 * The charts (uPlot) draw on canvas and style themselves through the CSSOM, which this CSP allows.
 */
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export interface PanelHtmlArgs {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function panelHtml(a: PanelHtmlArgs): string {
  const csp = [`default-src 'none'`, `script-src 'nonce-${a.nonce}'`, `style-src ${a.cspSource}`, `img-src ${a.cspSource}`, `font-src ${a.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(a.styleUri)}">
<title>${esc(a.title)}</title>
</head>
<body>
<header>
  <h1 id="title">${esc(a.title)}</h1>
  <div class="toolbar" role="toolbar" aria-label="Benchmark">
    <label for="queries">Queries</label>
    <input id="queries" type="number" min="1" max="1000" value="20">
    <button id="run" type="button">Run</button>
    <label for="sweep">Sweep</label>
    <input id="sweep" type="text" placeholder="n=1,2,4,8" aria-label="Sweep: knob=values, e.g. n=1,2,4,8">
    <button id="run-sweep" type="button">Run sweep</button>
    <button id="cancel" type="button" disabled>Cancel</button>
    <button id="export-json" type="button" class="secondary" disabled>Export JSON</button>
    <button id="export-csv" type="button" class="secondary" disabled>Export CSV</button>
    <button id="export-md" type="button" class="secondary" disabled>Export Markdown</button>
    <button id="copy-md" type="button" class="secondary" disabled>Copy as Markdown</button>
  </div>
  <p id="status" role="status" aria-live="polite"></p>
</header>
<main>
  <section id="results" aria-label="Results"></section>
  <section class="charts">
    <figure><figcaption>Latency per query (ms)</figcaption><div id="chart-queries" class="chart"></div></figure>
    <figure><figcaption>Latency distribution (CDF) with p50, p95 and the budget</figcaption><div id="chart-cdf" class="chart"></div></figure>
    <figure><figcaption>Time per query by call kind: measured against estimated (ms)</figcaption><div id="chart-kinds" class="chart"></div></figure>
  </section>
  <section id="models" aria-label="Per model: decode step time against batch, top operators"></section>
  <figure id="quality-figure" class="hidden"><figcaption id="quality-caption">Accuracy against compute: every strategy and N priced by the estimator, the Pareto frontier, the budget</figcaption><div id="chart-quality" class="chart"></div></figure>
  <section id="sweep-results" aria-label="Sweep"></section>
  <figure id="sweep-figure" class="hidden"><figcaption>Latency against the swept knob: measured and estimated p50/p95, and the budget</figcaption><div id="chart-sweep" class="chart"></div></figure>
  <section id="compare" aria-label="Against the previous run"></section>
  <section id="hardware" aria-label="Hardware"></section>
</main>
<script nonce="${a.nonce}" src="${esc(a.scriptUri)}"></script>
</body>
</html>`;
}
