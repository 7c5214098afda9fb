/**
 * The view a benchmark panel comes back with after a reload.
 *
 * Two records survive a reload, and they can disagree:
 * - the webview's saved state, which VS Code snapshots with the editor layout when the workbench
 *   saves its state (periodically, every few seconds in a browser, and at shutdown; a reload soon
 *   after a run can lose the shutdown save, so the snapshot may predate the run, or show it running);
 * - the extension's own record of each config's last run (workspace state), written the moment a
 *   run ends.
 * The extension's record is the truth for the report: when it is newer than the snapshot's report,
 * the run the snapshot shows in progress (or has not seen) finished, and the panel shows its result,
 * compared with the snapshot's report as the previous run. Otherwise the snapshot stands, and a run it
 * shows in progress was cut short by the reload.
 */
import type { BenchReport } from '../../../server/src/protocol';
import { compareReports } from './export';
import type { PanelView } from './messages';

export const INTERRUPTED = 'the run was interrupted by a reload';

function newer(a: BenchReport, b: BenchReport | undefined): boolean {
  if (!b) return true;
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta > tb);
}

export function restoredView(saved: PanelView, remembered: BenchReport | undefined): PanelView {
  if (remembered && newer(remembered, saved.report)) {
    const previous = saved.report;
    return {
      ...saved,
      running: false,
      progress: undefined,
      live: [],
      report: remembered,
      previous,
      comparison: previous ? compareReports(previous, remembered) : undefined,
      models: remembered.models ?? saved.models,
      error: undefined,
    };
  }
  return saved.running ? { ...saved, running: false, progress: undefined, live: [], error: INTERRUPTED } : saved;
}
