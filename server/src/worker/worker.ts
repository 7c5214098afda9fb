/**
 * The profiler process (dist/profilerWorker.js): owns onnxruntime-node, answers requests from
 * core/profile/pool.ts over the IPC channel, one at a time (a session run blocks this process's event
 * loop, which is exactly why it is not the language server's). A crash here costs one request; the
 * pool replaces the process.
 */
import type { ProfileFailure, ProgressDetail } from '../core/profile/protocol';
import type { WorkerMessage, WorkerRequest } from '../core/profile/messages';
import { classifyFailure } from '../core/profile/failures';
import { exitWithParent } from './orphanWatch';

// ONNX Runtime's native library writes a device id (and a telemetry queue) under
// $XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime unless this is set before it loads; the
// runtime is loaded lazily below, after this line (the pool also sets it in our environment).
process.env.ORT_DISABLE_TELEMETRY = '1';

function send(m: WorkerMessage): void {
  process.send?.(m);
}

if (!process.send) {
  process.stderr.write('profilerWorker: must be started by the TTC Lens profiler pool (needs an IPC channel)\n');
  process.exit(2);
}

// The runtime is loaded lazily so a broken native install becomes a classified 'runtime-load'
// failure on the first request instead of a silent exit.
type Runtime = {
  measure: typeof import('./measure');
  eps: typeof import('./eps');
  points: typeof import('./points');
  execute: typeof import('./execute');
  proxy: typeof import('./proxy');
  rewrite: typeof import('./rewrite');
  evalRun: typeof import('./evalRun');
  version: string;
};
let runtime: Runtime | ProfileFailure | undefined;
function loadRuntime(): Runtime | ProfileFailure {
  if (!runtime) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const measure = require('./measure') as typeof import('./measure');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const eps = require('./eps') as typeof import('./eps');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const points = require('./points') as typeof import('./points');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const execute = require('./execute') as typeof import('./execute');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const proxy = require('./proxy') as typeof import('./proxy');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const rewrite = require('./rewrite') as typeof import('./rewrite');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const evalRun = require('./evalRun') as typeof import('./evalRun');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const version = (require('./runtime') as typeof import('./runtime')).ortVersion;
      runtime = { measure, eps, points, execute, proxy, rewrite, evalRun, version };
    } catch (e) {
      const f = classifyFailure(e, 'load');
      runtime = { ...f, kind: 'runtime-load', message: f.message.replace(/^[^:]*:/, 'ONNX Runtime failed to load:') };
    }
  }
  return runtime;
}

let queue: Promise<void> = Promise.resolve();

async function handle(req: WorkerRequest): Promise<void> {
  const rt = loadRuntime();
  if ('kind' in rt) return send({ id: req.id, type: 'error', failure: rt });
  const progress = (message: string, fraction?: number, detail?: ProgressDetail) =>
    send({ id: req.id, type: 'progress', message, ...(fraction !== undefined ? { fraction } : {}), ...(detail ? { detail } : {}) });
  try {
    if (req.type === 'measure') send({ id: req.id, type: 'result', result: await rt.measure.measure(req.options, progress) });
    else if (req.type === 'detectEps') send({ id: req.id, type: 'result', result: await rt.eps.detectEps(req.eps) });
    else if (req.type === 'points') send({ id: req.id, type: 'result', result: await rt.points.measurePoints(req.options, progress) });
    else if (req.type === 'copyBandwidth') send({ id: req.id, type: 'result', result: await rt.points.copyBandwidth(progress) });
    else if (req.type === 'buildProxy') send({ id: req.id, type: 'result', result: await rt.proxy.buildProxy(req.options, progress) });
    else if (req.type === 'execute') send({ id: req.id, type: 'result', result: await rt.execute.execute(req.options, progress) });
    else if (req.type === 'verifyRewrite') send({ id: req.id, type: 'result', result: await rt.rewrite.verifyRewrite(req.options, progress) });
    else if (req.type === 'eval') send({ id: req.id, type: 'result', result: await rt.evalRun.runEval(req.options, progress) });
    else send({ id: (req as { id: number }).id, type: 'error', failure: { kind: 'crashed', message: `unknown request ${(req as { type: string }).type}` } });
  } catch (e) {
    const f = e instanceof rt.measure.MeasureError ? e.failure : classifyFailure(e, 'run');
    send({ id: req.id, type: 'error', failure: f });
  }
}

process.on('message', (m: WorkerRequest) => {
  queue = queue.then(() => handle(m));
});
// The parent went away: nothing left to answer (IPC disconnect, or the watchdog thread when the main
// thread is busy inside a long session.run).
exitWithParent();

const rt = loadRuntime();
send({ type: 'ready', pid: process.pid, ortVersion: 'kind' in rt ? 'unavailable' : rt.version });
