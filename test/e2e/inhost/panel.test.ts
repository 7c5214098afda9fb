/**
 * The benchmark panel in the real workbench: opened from the palette command on an example config,
 * a run through the real server and profiler (per-query times streamed to the panel), its charts
 * drawn on canvas under the panel's strict CSP, an export written, and a second run compared with the
 * first, with the top-operators chart of both classifiers (their per-op traces recorded by the run).
 * A reload with a saved state older than the last run is replayed through the extension's serializer
 * (a real reload, which ends this host, is driven by the UI flow, test/e2e/ui.mjs).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BenchReport } from '../../../server/src/protocol';
import type { TtcLensApi } from '../../../client/src/extension';
import { activeExtension, eventually, openDoc } from './helpers';

describe('benchmark panel', () => {
  it('opens on vision-cascade, runs it, draws its charts, exports CSV and compares the next run', async function () {
    this.timeout(180_000);
    const api = (await activeExtension()).exports as TtcLensApi;
    const doc = await openDoc('vision-cascade.ttc.yaml');
    const uri = doc.uri.toString();
    await vscode.commands.executeCommand('ttcLens.openBenchmarkPanel', doc.uri);
    await api.waitForBenchmarkPanel(uri, (i) => i.view.name === 'vision-cascade.ttc.yaml', 15_000);

    const r = (await vscode.commands.executeCommand('ttcLens.runBenchmark', doc.uri, 3)) as { report?: BenchReport; error?: string } | undefined;
    assert.ok(r?.report, `the run failed: ${r?.error}`);
    assert.equal(r.report.queries, 3);
    assert.ok(r.report.calls_match, 'the run made the planned calls');
    // Classifiers: no decode steps to chart; each model's operators from its per-op trace.
    assert.deepEqual(r.report.models?.steps, []);
    assert.deepEqual(r.report.models?.ops.map((o) => o.model), ['small', 'large'], JSON.stringify(r.report.models));
    const done = await api.waitForBenchmarkPanel(
      uri,
      (i) => !!i.view.report && ['chart-queries', 'chart-cdf', 'chart-kinds', 'chart-ops-0', 'chart-ops-1'].every((id) => i.drawn?.some((c) => c.id === id && c.painted && c.width > 0)),
      30_000,
    );
    assert.deepEqual(done.view.live, r.report.per_query_ms, 'each query reached the panel as it finished');
    assert.equal(done.view.error, undefined);

    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'vision-cascade.bench.csv');
    const written = await vscode.commands.executeCommand('ttcLens.exportBenchmark', doc.uri, 'csv', target);
    assert.equal(written, target.toString());
    const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(csv, /^section,name,measured,estimate,error,calls,planned\nlatency_ms,p50,/);
    assert.equal(csv.split('\n').filter((l) => l.startsWith('query_ms,')).length, 3);

    const again = (await vscode.commands.executeCommand('ttcLens.runBenchmark', doc.uri, 2)) as { report?: BenchReport; error?: string } | undefined;
    assert.ok(again?.report, again?.error);
    const info = api.benchmarkPanel(uri)!;
    assert.equal(info.view.previous?.at, r.report.at, 'the first run is shown beside the second');
    assert.ok(info.view.comparison?.some((c) => c.label === 'p50'), JSON.stringify(info.view.comparison));

    // A reload whose saved webview state predates the second run, taken while it was in progress (VS
    // Code snapshots that state periodically and at shutdown, and a browser reload can lose the
    // shutdown save): the restored panel shows the second run, as the extension recorded it.
    const stale = { ...info.view, running: true, progress: { message: 'query 1/2' }, live: [1], report: r.report, previous: undefined, comparison: undefined };
    await api.restoreBenchmarkPanel({ view: stale });
    const restored = await api.waitForBenchmarkPanel(uri, (i) => i.view.report?.at === again.report!.at && !!i.drawn?.some((c) => c.id === 'chart-queries' && c.painted), 30_000);
    assert.equal(restored.view.running, false);
    assert.equal(restored.view.error, undefined, 'a finished run is not reported as interrupted');
    assert.equal(restored.view.previous?.at, r.report.at, 'the saved state\'s run is the previous one');
    // The same with a snapshot taken before any run finished (no report of its own): the UI flow's case.
    await api.restoreBenchmarkPanel({ view: { ...stale, report: undefined, models: undefined } });
    const first = await api.waitForBenchmarkPanel(uri, (i) => i.view.report?.at === again.report!.at && i.view.previous === undefined && !!i.drawn?.some((c) => c.id === 'chart-queries' && c.painted), 30_000);
    assert.equal(first.view.error, undefined, 'a finished run is not reported as interrupted');

    // The tab model catches up with the new panel asynchronously.
    const tab = await eventually(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('ttcLens.benchmark')),
      `a benchmark panel tab (tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} ${(t.input as { viewType?: string })?.viewType ?? ''}`).join(', ')})`,
      15_000,
    );
    assert.equal(tab.label, 'Benchmark: vision-cascade.ttc.yaml');
  });

  it('draws the Pareto chart of a config with quality data before any run (math-best-of-n)', async function () {
    this.timeout(60_000);
    const api = (await activeExtension()).exports as TtcLensApi;
    const doc = await openDoc('math-best-of-n.ttc.yaml');
    const uri = doc.uri.toString();
    await vscode.commands.executeCommand('ttcLens.openBenchmarkPanel', doc.uri);
    const info = await api.waitForBenchmarkPanel(uri, (i) => !!i.view.quality && !!i.drawn?.some((c) => c.id === 'chart-quality' && c.painted && c.width > 0), 45_000);
    const q = info.view.quality!;
    assert.match(q.title, /^Use \w+, n=\d+: /);
    assert.ok(q.series.length >= 2 && q.frontier.length >= 2, JSON.stringify({ series: q.series.map((s) => s.strategy), frontier: q.frontier.length }));
  });
});
