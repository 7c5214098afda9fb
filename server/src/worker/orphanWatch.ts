/**
 * The profiler process ends when its parent does (the language server killed, the CLI stopped with
 * Ctrl-C or SIGKILL), even while its main thread is inside a long native `session.run` and cannot
 * see the IPC channel close: a tiny watchdog thread checks the parent every `intervalMs` and, once the
 * parent is gone, SIGKILLs this process (a signal works whatever the main thread is doing).
 */
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { parent, self, intervalMs } = workerData;
setInterval(() => {
  let gone = process.ppid !== parent;
  if (!gone) {
    try { process.kill(parent, 0); } catch (e) { gone = e && e.code === 'ESRCH'; }
  }
  if (gone) process.kill(self, 'SIGKILL');
}, intervalMs);
`;

/** Start the watchdog (once per process); `parent` defaults to the pid the pool passed, else ppid. */
export function exitWithParent(parent = Number(process.env.TTC_LENS_PARENT_PID) || process.ppid, intervalMs = 250): void {
  // The IPC channel closing is the fast path while the event loop runs.
  process.on('disconnect', () => process.exit(0));
  if (!parent || parent <= 1) return;
  const w = new Worker(WATCHDOG, { eval: true, workerData: { parent, self: process.pid, intervalMs } });
  // Never keeps the process alive by itself; an error in it must not take the profiler down.
  w.unref();
  w.on('error', () => undefined);
}
