/**
 * A panel after a reload: the workbench's snapshot of the webview's state against the extension's
 * record of the last run. The snapshot can predate the run (VS Code saves editor state periodically
 * and at shutdown, and a browser reload can lose the latter).
 */
import * as assert from 'node:assert/strict';
import type { PanelView } from '../../../client/src/panel/messages';
import { INTERRUPTED, restoredView } from '../../../client/src/panel/restore';
import { sampleReport } from './sampleReport';

const older = sampleReport({ at: '2026-12-02T14:00:00.000Z' });
const latest = sampleReport({ at: '2026-12-02T14:05:00.000Z', measured: { p50_ms: 150, p95_ms: 250, mean_ms: 160 } });

function view(over: Partial<PanelView> = {}): PanelView {
  return { uri: 'file:///w/bon.ttc.yaml', name: 'bon.ttc.yaml', trusted: true, queries: 20, running: false, live: [], ...over };
}

describe('client/panel/restore', () => {
  it('a snapshot taken while the run was in progress shows the run that finished, not "interrupted"', () => {
    const v = restoredView(view({ running: true, progress: { message: 'query 3/20' }, live: [101, 99] }), latest);
    assert.equal(v.running, false);
    assert.equal(v.progress, undefined);
    assert.equal(v.error, undefined);
    assert.equal(v.report, latest);
    assert.deepEqual(v.live, []);
    assert.equal(v.previous, undefined);
  });

  it('a snapshot from before the last run shows the last run, compared with the snapshot’s run', () => {
    const v = restoredView(view({ report: older }), latest);
    assert.equal(v.report, latest);
    assert.equal(v.previous, older);
    const p50 = v.comparison?.find((r) => r.label === 'p50');
    assert.equal(p50?.change, '+50.0%');
    assert.equal(p50?.regression, true);
  });

  it('a snapshot as new as the record stands as it is', () => {
    const saved = view({ report: latest, previous: older, comparison: [], queries: 5 });
    assert.deepEqual(restoredView(saved, latest), saved);
    assert.deepEqual(restoredView(saved, older), saved, 'an older record never replaces a newer snapshot');
    assert.deepEqual(restoredView(saved, undefined), saved);
  });

  it('a run in progress with no newer record was cut short by the reload, and says so', () => {
    const v = restoredView(view({ report: latest, running: true, live: [5] }), latest);
    assert.equal(v.running, false);
    assert.equal(v.error, INTERRUPTED);
    assert.equal(v.report, latest);
    assert.deepEqual(v.live, []);
  });

  it('the record’s per-model charts replace the snapshot’s; the snapshot’s stay when the record has none', () => {
    const models = { models: [] } as unknown as NonNullable<PanelView['models']>;
    assert.equal(restoredView(view({ models }), sampleReport({ at: latest.at, models: undefined })).models, models);
  });
});
