/**
 * The benchmark panel's script (bundled by esbuild into dist/panel/panel.js; runs in the webview).
 * It draws the view the extension sends (messages.ts) — tables with textContent, charts with uPlot on
 * canvas — and posts the user's actions back. It computes no figure: every number comes ready-made.
 */
import uPlot from 'uplot';
import type { FromPanel, PanelView, ToPanel } from '../src/panel/messages';
import { fmtBytes, fmtMs, fmtPct } from '../src/panel/export';

interface VsCodeApi {
  postMessage(m: FromPanel): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const post = (m: FromPanel) => vscode.postMessage(m);
let view: PanelView | undefined = (vscode.getState() as { view?: PanelView } | undefined)?.view;
const charts = new Map<string, uPlot>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function table(head: string[], rows: Array<{ cells: string[]; cls?: string; cellCls?: Array<string | undefined> }>, caption?: string): HTMLTableElement {
  const t = el('table');
  if (caption) t.append(el('caption', caption));
  const tr = el('tr');
  for (const h of head) {
    const th = el('th', h);
    th.scope = 'col';
    tr.append(th);
  }
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(tr);
  for (const r of rows) {
    const row = el('tr', undefined, r.cls);
    r.cells.forEach((c, i) => row.append(el('td', c, r.cellCls?.[i])));
    t.tBodies[0].append(row);
  }
  return t;
}

const color = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

function theme() {
  return {
    fg: color('--vscode-foreground', '#888'),
    grid: color('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    blue: color('--vscode-charts-blue', '#3794ff'),
    orange: color('--vscode-charts-orange', '#d18616'),
    red: color('--vscode-charts-red', '#f14c4c'),
    green: color('--vscode-charts-green', '#89d185'),
  };
}

interface Marker {
  value: number;
  axis: 'x' | 'y';
  color: string;
  dash?: number[];
  label: string;
}

/** Vertical (x) or horizontal (y) reference lines with a label, drawn after the series. */
function markerPlugin(markers: Marker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const c = u.ctx;
        const { left, top, width, height } = u.bbox;
        c.save();
        c.lineWidth = 1.5 * devicePixelRatio;
        c.font = `${11 * devicePixelRatio}px sans-serif`;
        let row = 0;
        for (const m of markers) {
          const pos = u.valToPos(m.value, m.axis === 'x' ? 'x' : 'y', true);
          if (!Number.isFinite(pos)) continue;
          c.strokeStyle = m.color;
          c.fillStyle = m.color;
          c.setLineDash((m.dash ?? []).map((d) => d * devicePixelRatio));
          c.beginPath();
          if (m.axis === 'x') {
            if (pos < left || pos > left + width) continue;
            c.moveTo(pos, top);
            c.lineTo(pos, top + height);
            c.stroke();
            // Staggered, so that labels of nearby lines do not overlap.
            c.fillText(m.label, pos + 3 * devicePixelRatio, top + (12 + 13 * (row++ % 4)) * devicePixelRatio);
          } else {
            if (pos < top || pos > top + height) continue;
            c.moveTo(left, pos);
            c.lineTo(left + width, pos);
            c.stroke();
            c.textAlign = 'right';
            c.fillText(m.label, left + width - (4 + 70 * (row++ % 3)) * devicePixelRatio, pos - 3 * devicePixelRatio);
            c.textAlign = 'left';
          }
        }
        c.restore();
      },
    },
  };
}

function axes(xLabel: string, yLabel: string, t: ReturnType<typeof theme>, xValues?: uPlot.Axis['values']): uPlot.Axis[] {
  const ax = { stroke: t.fg, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } };
  return [
    { ...ax, label: xLabel, ...(xValues ? { values: xValues } : {}) },
    { ...ax, label: yLabel },
  ];
}

function draw(id: string, opts: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData, summary: string): void {
  charts.get(id)?.destroy();
  const host = $(id);
  host.replaceChildren();
  host.setAttribute('role', 'img');
  host.setAttribute('aria-label', summary);
  const width = Math.max(300, host.clientWidth || 400);
  charts.set(id, new uPlot({ ...opts, width, height: 220, legend: { live: false } }, data, host));
}

/** Markers shared by the latency charts: measured and estimated p50/p95 and the budget. */
function latencyMarkers(v: PanelView, axis: 'x' | 'y', t: ReturnType<typeof theme>): Marker[] {
  const r = v.report;
  const m: Marker[] = [];
  if (r) {
    m.push({ value: r.measured.p50_ms, axis, color: t.blue, label: 'p50' }, { value: r.measured.p95_ms, axis, color: t.blue, label: 'p95' });
    m.push({ value: r.estimate.p50_ms, axis, color: t.orange, dash: [4, 3], label: 'est p50' }, { value: r.estimate.p95_ms, axis, color: t.orange, dash: [4, 3], label: 'est p95' });
    if (r.budget.p95_ms !== undefined) m.push({ value: r.budget.p95_ms, axis, color: t.red, dash: [2, 2], label: 'budget p95' });
    if (r.budget.p50_ms !== undefined) m.push({ value: r.budget.p50_ms, axis, color: t.red, dash: [2, 2], label: 'budget p50' });
  }
  return m;
}

function drawCharts(v: PanelView): void {
  const t = theme();
  const r = v.report;
  const perQuery = r?.per_query_ms ?? v.live;
  if (perQuery.length) {
    draw(
      'chart-queries',
      { scales: { x: { time: false } }, axes: axes('query', 'ms', t), series: [{ label: 'query' }, { label: 'measured', stroke: t.blue, width: 2, points: { show: true } }], plugins: [markerPlugin(latencyMarkers(v, 'y', t))] },
      [perQuery.map((_, i) => i + 1), perQuery],
      `Latency of ${perQuery.length} queries`,
    );
  }
  if (r && r.cdf.ms.length) {
    draw(
      'chart-cdf',
      { scales: { x: { time: false }, y: { range: [0, 1] } }, axes: axes('ms', 'fraction of queries', t), series: [{ label: 'ms' }, { label: 'CDF', stroke: t.blue, width: 2, paths: uPlot.paths.stepped!({ align: 1 }) }], plugins: [markerPlugin(latencyMarkers(v, 'x', t))] },
      [r.cdf.ms, r.cdf.p],
      `Latency distribution: p50 ${fmtMs(r.measured.p50_ms)}, p95 ${fmtMs(r.measured.p95_ms)}; estimate p50 ${fmtMs(r.estimate.p50_ms)}, p95 ${fmtMs(r.estimate.p95_ms)}`,
    );
  }
  if (r && r.kinds.length) {
    const names = r.kinds.map((k) => k.kind);
    const bars = (offset: number) => uPlot.paths.bars!({ size: [0.35, 60], align: offset as 1 | -1 });
    draw(
      'chart-kinds',
      {
        scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
        axes: axes('call kind', 'ms per query', t, (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (names[s] ?? '') : ''))),
        series: [{ label: 'kind' }, { label: 'measured', fill: t.blue, stroke: t.blue, paths: bars(-1), points: { show: false } }, { label: 'estimate', fill: t.orange, stroke: t.orange, paths: bars(1), points: { show: false } }],
      },
      [names.map((_, i) => i), r.kinds.map((k) => k.measured_ms), r.kinds.map((k) => k.estimate_ms)],
      `Measured against estimated time per call kind: ${r.kinds.map((k) => `${k.kind} ${fmtMs(k.measured_ms)} measured, ${fmtMs(k.estimate_ms)} estimated`).join('; ')}`,
    );
  }
  const sw = v.sweep;
  $('sweep-figure').classList.toggle('hidden', !sw);
  if (sw && sw.values.length) {
    const markers: Marker[] = v.sweepBudgetP95 !== undefined ? [{ value: v.sweepBudgetP95, axis: 'y', color: t.red, dash: [2, 2], label: 'budget p95' }] : [];
    draw(
      'chart-sweep',
      {
        scales: { x: { time: false } },
        axes: axes(sw.knob, 'ms', t),
        series: [
          { label: sw.knob },
          { label: 'measured p50', stroke: t.blue, width: 2, points: { show: true } },
          { label: 'measured p95', stroke: t.green, width: 2, points: { show: true } },
          { label: 'estimate p50', stroke: t.orange, width: 2, dash: [4, 3] },
          { label: 'estimate p95', stroke: t.orange, width: 1, dash: [4, 3] },
        ],
        plugins: [markerPlugin(markers)],
      },
      [sw.values, sw.measured_p50_ms, sw.measured_p95_ms, sw.estimate_p50_ms, sw.estimate_p95_ms] as uPlot.AlignedData,
      `Latency against ${sw.knob}: ${sw.values.map((x, i) => `${x}: measured p50 ${sw.measured_p50_ms[i] == null ? 'not run' : fmtMs(sw.measured_p50_ms[i]!)}, estimate p50 ${sw.estimate_p50_ms[i] == null ? '—' : fmtMs(sw.estimate_p50_ms[i]!)}`).join('; ')}`,
    );
  }
  drawModelCharts(v, t);
  drawQualityChart(v, t);
  requestAnimationFrame(() => post({ type: 'drawn', charts: [...charts].map(([id, u]) => ({ id, width: u.ctx.canvas.width, height: u.ctx.canvas.height, painted: painted(u.ctx) })) }));
}

/** The per-model figures (one per step chart and per operator chart), rebuilt with each view. */
function modelFigures(v: PanelView): void {
  for (const [id, u] of [...charts]) {
    if (id.startsWith('chart-steps-') || id.startsWith('chart-ops-')) {
      u.destroy();
      charts.delete(id);
    }
  }
  const host = $('models');
  host.replaceChildren();
  const m = v.models;
  if (!m) return;
  const figure = (id: string, caption: string) => {
    const f = el('figure');
    const div = el('div', undefined, 'chart');
    div.id = id;
    f.append(el('figcaption', caption), div);
    return f;
  };
  if (m.steps.length) {
    host.append(el('h2', 'Decode step time against batch'));
    const grid = el('div', undefined, 'charts');
    m.steps.forEach((c, i) => grid.append(figure(`chart-steps-${i}`, `${c.model}: τ(B) at context ${c.context} (the plan's mean), the measured grid points around it, the estimate's and the benchmark's time per step (ms)`)));
    host.append(grid);
  }
  host.append(el('h2', 'Top operators'));
  if (m.ops.length) {
    const grid = el('div', undefined, 'charts');
    m.ops.forEach((c, i) => grid.append(figure(`chart-ops-${i}`, `${c.model}: share of node time per operator type (${fmtMs(c.node_ms)} per run over ${c.runs} traced runs)`)));
    host.append(grid);
  }
  for (const n of m.notes) host.append(el('p', n, 'note'));
}

/** Ticks at the batches drawn (the log-2 axis would otherwise place them between, unlabelled). */
function batchAxes(ax: uPlot.Axis[], batches: number[]): uPlot.Axis[] {
  return [{ ...ax[0], splits: () => batches, values: (_u, splits) => splits.map(String) }, ...ax.slice(1)];
}

function drawModelCharts(v: PanelView, t: ReturnType<typeof theme>): void {
  const m = v.models;
  if (!m) return;
  const none = () => null;
  const dot = (color: string, size: number, fill = color) => ({ show: true, size, stroke: color, fill });
  m.steps.forEach((c, i) => {
    const series: uPlot.Series[] = [
      { label: 'batch' },
      { label: `τ(B) at c = ${c.context}`, stroke: t.blue, width: 2, spanGaps: true, points: dot(t.blue, 5) },
      ...c.grid.map((g, j) => ({ label: `measured c = ${g.context}`, stroke: t.fg, paths: none, points: dot(t.fg, 7, j ? t.fg : 'transparent') })),
      { label: 'estimate per step (plan)', stroke: t.orange, paths: none, points: dot(t.orange, 9, 'transparent') },
      { label: 'benchmark per step', stroke: t.green, paths: none, points: dot(t.green, 9) },
    ];
    const fmtX = (x: number | null) => (x == null ? '—' : fmtMs(x));
    draw(
      `chart-steps-${i}`,
      { scales: { x: { time: false, distr: 3, log: 2, range: (_u, min, max) => [min / 1.4, max * 1.4] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } }, axes: batchAxes(axes('batch', 'ms per step', t), c.batches), series },
      [c.batches, c.tau_ms, ...c.grid.map((g) => g.ms), c.estimate_ms, c.measured_ms] as uPlot.AlignedData,
      `Decode step time of ${c.model} against batch at context ${c.context}: ${c.batches.map((b, k) => `B=${b}: τ ${fmtX(c.tau_ms[k])}${c.estimate_ms[k] != null ? `, estimate ${fmtX(c.estimate_ms[k])}` : ''}${c.measured_ms[k] != null ? `, measured ${fmtX(c.measured_ms[k])}` : ''}`).join('; ')}`,
    );
  });
  m.ops.forEach((c, i) => {
    const names = c.ops.map((o) => o.op);
    draw(
      `chart-ops-${i}`,
      {
        scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.min(100, max * 1.15) || 1] } },
        axes: axes('operator', '% of node time', t, (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (names[s] ?? '') : ''))),
        series: [{ label: 'operator' }, { label: 'share', fill: t.blue, stroke: t.blue, paths: uPlot.paths.bars!({ size: [0.6, 80] }), points: { show: false } }],
      },
      [names.map((_, k) => k), c.ops.map((o) => o.share * 100)],
      `Top operators of ${c.model}: ${c.ops.map((o) => `${o.op} ${fmtPct(o.share).replace('+', '')} (${fmtMs(o.ms)})`).join(', ')}`,
    );
  });
}

/**
 * The Pareto chart (core/quality/chart.ts computed it): each strategy's candidates as points, the
 * frontier as a line, the budget and the current and recommended settings as markers.
 */
function drawQualityChart(v: PanelView, t: ReturnType<typeof theme>): void {
  const q = v.quality;
  $('quality-figure').classList.toggle('hidden', !q);
  if (!q || !q.series.length) return;
  $('quality-caption').textContent = `Accuracy (${q.metric}) against ${q.xLabel}: ${q.title}`;
  // One x for all series (uPlot aligns them): the union of the candidates' x; a series is null elsewhere.
  const xs = [...new Set([...q.series.flatMap((s) => s.points.map((p) => p.x)), ...q.frontier.map((f) => f.x)])].sort((a, b) => a - b);
  const at = (pts: Array<{ x: number; accuracy: number }>) => xs.map((x) => {
    const p = pts.find((k) => k.x === x);
    return p ? p.accuracy * 100 : null;
  });
  const palette = [t.blue, t.orange, t.green, t.red, t.fg];
  const none = () => null;
  const markers: Marker[] = [];
  if (q.budgetX !== undefined) markers.push({ value: q.budgetX, axis: 'x', color: t.red, dash: [2, 2], label: q.axis === 'cost' ? 'budget $/1k' : 'budget p50' });
  if (q.current) markers.push({ value: q.current.accuracy * 100, axis: 'y', color: t.fg, dash: [4, 3], label: `now: ${q.current.label}` });
  if (q.best) markers.push({ value: q.best.x, axis: 'x', color: t.green, dash: [4, 3], label: `best in budget: ${q.best.label}` });
  draw(
    'chart-quality',
    {
      scales: { x: { time: false, distr: 3, log: 2 }, y: { range: (_u, min, max) => [Math.max(0, min - 2), Math.min(100, max + 2)] } },
      axes: axes(q.xLabel, `${q.metric} (%)`, t),
      series: [
        { label: q.xLabel },
        { label: 'Pareto frontier', stroke: t.fg, width: 1.5, spanGaps: true, points: { show: false } },
        ...q.series.map((s, i) => ({ label: s.strategy, stroke: palette[i % palette.length], paths: none, points: { show: true, size: 8, stroke: palette[i % palette.length], fill: palette[i % palette.length] } })),
      ],
      plugins: [markerPlugin(markers)],
    },
    [xs, at(q.frontier), ...q.series.map((s) => at(s.points))] as uPlot.AlignedData,
    `${q.title}. Frontier: ${q.frontier.map((f) => `${f.label} ${(f.accuracy * 100).toFixed(1)}% at ${q.axis === 'cost' ? `$${f.x.toPrecision(3)}/1k` : fmtMs(f.x)}`).join('; ')}`,
  );
}

function painted(c: CanvasRenderingContext2D): boolean {
  const { width, height } = c.canvas;
  if (!width || !height) return false;
  const px = c.getImageData(0, 0, width, height).data;
  for (let i = 3; i < px.length; i += 4) if (px[i]) return true;
  return false;
}

function render(v: PanelView): void {
  view = v;
  vscode.setState({ view: v });
  $('title').textContent = `Benchmark: ${v.name}`;
  document.title = `Benchmark: ${v.name}`;
  const q = $<HTMLInputElement>('queries');
  if (document.activeElement !== q) q.value = String(v.queries);
  $<HTMLButtonElement>('run').disabled = v.running || !!v.blocked;
  $<HTMLButtonElement>('cancel').disabled = !v.running;
  for (const id of ['export-json', 'export-csv', 'export-md', 'copy-md']) $<HTMLButtonElement>(id).disabled = !v.report || v.running;
  const status = $('status');
  status.className = v.error || v.blocked ? 'error' : '';
  status.textContent = v.blocked ?? v.error ?? (v.running ? `Running… ${v.progress?.message ?? ''}` : v.report ? `Last run ${v.report.at}` : 'Not run yet. Run executes the strategy for real on this machine.');

  const res = $('results');
  res.replaceChildren();
  const r = v.report;
  if (r) {
    res.append(el('h2', `Measured against the estimate — ${r.queries} queries${r.truncated ? ' (stopped by the time cap)' : ''}`));
    const lat = [
      { cells: ['Measured', fmtMs(r.measured.p50_ms), fmtMs(r.measured.p95_ms), fmtMs(r.measured.mean_ms)] },
      { cells: [`Estimate (${r.estimate.provenance}, ±${(r.estimate.band * 100).toFixed(0)}%)`, fmtMs(r.estimate.p50_ms), fmtMs(r.estimate.p95_ms), fmtMs(r.estimate.mean_ms)] },
      { cells: ['Error', fmtPct(r.error.p50), fmtPct(r.error.p95), fmtPct(r.error.mean)] },
    ];
    if (r.budget.p50_ms !== undefined || r.budget.p95_ms !== undefined) lat.push({ cells: ['Budget', r.budget.p50_ms !== undefined ? fmtMs(r.budget.p50_ms) : '—', r.budget.p95_ms !== undefined ? fmtMs(r.budget.p95_ms) : '—', ''] });
    res.append(table(['Latency', 'p50', 'p95', 'mean'], lat));
    res.append(
      table(
        ['Call kind', 'measured / query', 'estimate / query', 'error', 'calls', 'plan'],
        r.kinds.map((k) => ({ cells: [k.kind, fmtMs(k.measured_ms), fmtMs(k.estimate_ms), fmtPct(k.error), String(k.calls), String(k.planned)], cellCls: [undefined, undefined, undefined, undefined, k.calls !== k.planned ? 'regression' : undefined] })),
      ),
    );
    const facts = el('dl');
    const fact = (k: string, val: string, cls?: string) => facts.append(el('dt', k), el('dd', val, cls));
    fact('Calls', r.calls_match ? 'equal to the plan' : 'differ from the plan', r.calls_match ? undefined : 'error');
    fact('Peak RSS', `${fmtBytes(r.memory.peak_bytes)} (at start ${fmtBytes(r.memory.base_bytes)}); estimate ${fmtBytes(r.memory.estimate_bytes)} (${fmtPct(r.error.memory)})`);
    if (r.cost.measured_per_1k_usd !== undefined) fact('Cost per 1k', `$${r.cost.measured_per_1k_usd.toPrecision(3)} measured · ${r.cost.estimate_per_1k_usd !== undefined ? `$${r.cost.estimate_per_1k_usd.toPrecision(3)}` : '—'} estimated`);
    fact('Load average', `${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}${r.busy ? ' — the machine was busy: compare only quiet runs' : ''}`, r.busy ? 'warning' : undefined);
    for (const b of r.breaches) fact('Over budget', b, 'error');
    res.append(facts);
  }
  modelFigures(v);
  const swr = $('sweep-results');
  swr.replaceChildren();
  const sw = v.sweep;
  if (sw) {
    const f = (x: number | null) => (x == null ? '—' : fmtMs(x));
    swr.append(el('h2', `Sweep of ${sw.knob}`));
    swr.append(table([sw.knob, 'measured p50', 'measured p95', 'estimate p50', 'estimate p95', 'cost / 1k', 'note'], sw.values.map((x, i) => ({ cells: [String(x), f(sw.measured_p50_ms[i]), f(sw.measured_p95_ms[i]), f(sw.estimate_p50_ms[i]), f(sw.estimate_p95_ms[i]), sw.cost_per_1k_usd[i] == null ? '—' : `$${sw.cost_per_1k_usd[i]!.toPrecision(3)}`, sw.errors[i] ?? ''] }))));
  }
  const sin = $<HTMLInputElement>('sweep');
  if (v.sweepSpec && document.activeElement !== sin && !sin.value) sin.value = v.sweepSpec;
  $<HTMLButtonElement>('run-sweep').disabled = v.running || !!v.blocked;
  const cmp = $('compare');
  cmp.replaceChildren();
  if (v.comparison?.length && v.previous) {
    cmp.append(el('h2', `Against the previous run (${v.previous.at})`));
    cmp.append(table(['', 'previous', 'this run', 'change'], v.comparison.map((c) => ({ cells: [c.label, c.previous, c.current, c.change], cls: c.regression ? 'regression' : undefined, cellCls: [undefined, undefined, undefined, c.regression ? 'regression' : undefined] }))));
  }
  const hw = $('hardware');
  hw.replaceChildren();
  if (r) {
    const h = r.hardware;
    hw.append(el('h2', 'Hardware'), el('p', `${h.cpu} · ${h.physical_cores} cores / ${h.logical_cores} threads · ${fmtBytes(h.memory_bytes)} · ${h.os} ${h.arch} · ${h.ep} EP, ${h.threads} threads · ONNX Runtime ${h.ort} · machine ${h.id}`));
  }
  drawCharts(v);
}

$('run').addEventListener('click', () => post({ type: 'run', queries: Math.max(1, Math.min(1000, Math.floor(Number($<HTMLInputElement>('queries').value) || 20))) }));
$('run-sweep').addEventListener('click', () => {
  const spec = $<HTMLInputElement>('sweep').value.trim();
  if (spec) post({ type: 'sweep', spec, queries: Math.max(1, Math.min(1000, Math.floor(Number($<HTMLInputElement>('queries').value) || 20))) });
  else $<HTMLInputElement>('sweep').focus();
});
$('cancel').addEventListener('click', () => post({ type: 'cancel' }));
$('export-json').addEventListener('click', () => post({ type: 'export', format: 'json' }));
$('export-csv').addEventListener('click', () => post({ type: 'export', format: 'csv' }));
$('export-md').addEventListener('click', () => post({ type: 'export', format: 'md' }));
$('copy-md').addEventListener('click', () => post({ type: 'copyMarkdown' }));
window.addEventListener('message', (e: MessageEvent<ToPanel>) => {
  if (e.data?.type === 'view') render(e.data.view);
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [id, u] of charts) u.setSize({ width: Math.max(300, $(id).clientWidth || 400), height: 220 });
  }, 100);
});
// A colour theme change swaps VS Code's CSS variables and the body's class (vscode-light, vscode-dark,
// vscode-high-contrast): the canvases are drawn again in the new colours.
new MutationObserver(() => {
  if (view) drawCharts(view);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
if (view) render(view);
post({ type: 'ready' });
