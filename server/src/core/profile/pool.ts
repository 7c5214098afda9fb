/**
 * A small pool (default one process) of profiler processes (server/src/worker/worker.ts) spoken to
 * over Node's IPC channel with request ids. Every runtime failure comes back as a value: a request
 * that times out or is cancelled kills its process; a process that dies (crash, out-of-memory kill,
 * SIGKILL) fails only its current request; a fresh process is started for the next request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { classifyFailure, failure } from './failures';
import type { Outcome, ProfileFailure, ProgressDetail } from './protocol';
import type { WorkerMessage, WorkerRequest } from './messages';

/** Node's timers hold at most 2^31−1 ms (24.8 days); a longer delay fires at once with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay Node's setTimeout keeps as asked: clamped to [0, MAX_TIMER_MS]. */
export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : MAX_TIMER_MS;
}

/**
 * glibc malloc settings for the profiler process (a caller's own environment wins). Every run hands
 * its outputs (KV caches of up to tens of MB per step) to JavaScript, freed only when V8 collects
 * them; with glibc's defaults the freed heap is trimmed back to the OS and large buffers are mmapped
 * afresh, so later runs page-fault their memory back in — on a VM, faults cost ~10 µs each and made
 * a 0.3 ms decode step read 2–3 ms in phases that follow the garbage collector. Keeping freed memory
 * (no trim, no per-buffer mmap below 32 MB, glibc's maximum) makes timings steady once the heap has
 * reached its working size; the price is that the process's RSS stays at its peak.
 */
export const WORKER_MALLOC: Record<string, string> = { MALLOC_TRIM_THRESHOLD_: String(2 ** 40), MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20) };

export interface PoolOptions {
  /** Number of processes (default 1: measurements on one machine should not compete for cores). */
  size?: number;
  /** The worker script; default `profilerWorker.js` next to the running bundle. */
  workerPath?: string;
  /** Node flags for the worker (tests pass `['--require', 'tsx/cjs']` to run the TypeScript source). */
  execArgv?: string[];
  /** How long a process may take to start and load the runtime (default 30 s). */
  startTimeoutMs?: number;
  /** Log lines (process started/replaced, stderr of a dead process). */
  log?: (line: string) => void;
}

export interface RequestControl {
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number, detail?: ProgressDetail) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Job {
  body: RequestBody;
  ctl: RequestControl;
  resolve: (o: Outcome<unknown>) => void;
  done: boolean;
  /** Drops the job while it waits in the queue; removed once it leaves the queue. */
  onQueuedAbort?: () => void;
}

class Proc {
  readonly child: ChildProcess;
  ready: Promise<ProfileFailure | undefined>;
  job?: Job & { id: number; timer?: NodeJS.Timeout; onAbort?: () => void; killedFor?: 'timeout' | 'cancelled' };
  stderrTail = '';
  exited = false;
  ortVersion?: string;

  constructor(opts: Required<Pick<PoolOptions, 'workerPath' | 'execArgv' | 'startTimeoutMs'>>, onExit: (p: Proc, code: number | null, signal: NodeJS.Signals | null) => void) {
    this.child = fork(opts.workerPath, [], {
      execArgv: opts.execArgv,
      // stdout is ignored: in the language server our own stdout is the LSP channel.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
      // The worker watches this pid and exits when it goes (worker/orphanWatch.ts); ORT's device id
      // and telemetry stay off (README: no telemetry); glibc keeps freed memory (WORKER_MALLOC).
      env: { ...WORKER_MALLOC, ...process.env, TTC_LENS_PARENT_PID: String(process.pid), ORT_DISABLE_TELEMETRY: '1' },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
    });
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(failure('runtime-load', `the profiler process did not start within ${opts.startTimeoutMs} ms`));
        this.kill();
      }, clampDelay(opts.startTimeoutMs));
      this.child.once('message', (m: WorkerMessage) => {
        clearTimeout(timer);
        if (m.type === 'ready') this.ortVersion = m.ortVersion;
        resolve(undefined);
      });
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(classifyFailure(new Error(`profiler process exited during start (code ${code}, signal ${signal})`), 'process', this.stderrTail));
      });
      this.child.once('error', (e) => {
        clearTimeout(timer);
        resolve(classifyFailure(e, 'process', this.stderrTail));
      });
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      onExit(this, code, signal);
    });
    // An 'error' (e.g. spawn failure, send on a closed channel) is followed by 'exit' or handled by ready.
    this.child.on('error', () => undefined);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/**
 * The worker next to the running bundle (dist/profilerWorker.js); when running from source (tests,
 * `tsx server/src/cli.ts`) the TypeScript worker through tsx.
 */
export function defaultWorker(): { workerPath: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'profilerWorker.js');
  if (existsSync(bundled)) return { workerPath: bundled, execArgv: [] };
  const source = path.join(__dirname, '..', '..', 'worker', 'worker.ts');
  if (existsSync(source)) {
    try {
      return { workerPath: source, execArgv: ['--require', require.resolve('tsx/cjs')] };
    } catch {
      // tsx not installed: fall through to the bundled path, which reports a clear start failure.
    }
  }
  return { workerPath: bundled, execArgv: [] };
}

export class ProfilerPool {
  private readonly opts: Required<Omit<PoolOptions, 'log'>> & Pick<PoolOptions, 'log'>;
  private procs: Proc[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private disposed = false;
  /** Processes started so far (tests check replacement). */
  started = 0;

  constructor(options: PoolOptions = {}) {
    this.opts = {
      size: Math.max(1, options.size ?? 1),
      workerPath: options.workerPath ?? defaultWorker().workerPath,
      execArgv: options.execArgv ?? (options.workerPath ? [] : defaultWorker().execArgv),
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      log: options.log,
    };
  }

  /** Send one request; resolves with the result or a classified failure, never rejects. */
  request<T>(body: RequestBody, ctl: RequestControl = {}): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      if (this.disposed) return resolve({ ok: false, failure: failure('cancelled', 'the profiler was shut down') });
      if (ctl.signal?.aborted) return resolve({ ok: false, failure: failure('cancelled', 'cancelled before it started') });
      const job: Job = { body, ctl, resolve: resolve as (o: Outcome<unknown>) => void, done: false };
      // Cancelling while queued just drops the job. The listener goes when the job leaves the queue: a
      // long-lived signal (a CLI run's, a server request's) outlives many jobs and would collect them.
      if (ctl.signal) {
        job.onQueuedAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) {
            this.queue.splice(i, 1);
            this.finish(job, { ok: false, failure: failure('cancelled', 'cancelled while waiting for the profiler') });
          }
        };
        ctl.signal.addEventListener('abort', job.onQueuedAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** PIDs of the live processes (tests kill them to prove isolation). */
  pids(): number[] {
    return this.procs.filter((p) => !p.exited && p.child.pid).map((p) => p.child.pid!);
  }

  /** ORT version reported by a started process, if any. */
  ortVersion(): string | undefined {
    return this.procs.find((p) => p.ortVersion)?.ortVersion;
  }

  busy(): boolean {
    return this.queue.length > 0 || this.procs.some((p) => p.job);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const j of this.queue.splice(0)) this.finish(j, { ok: false, failure: failure('cancelled', 'the profiler was shut down') });
    const exits = this.procs.map((p) => (p.exited ? Promise.resolve() : new Promise<void>((r) => p.child.once('exit', () => r()))));
    for (const p of this.procs) {
      if (p.job) p.job.killedFor = 'cancelled';
      p.kill();
    }
    await Promise.all(exits);
  }

  private finish(job: Job, o: Outcome<unknown>): void {
    if (job.done) return;
    job.done = true;
    if (job.onQueuedAbort) job.ctl.signal?.removeEventListener('abort', job.onQueuedAbort);
    job.resolve(o);
  }

  private pump(): void {
    while (this.queue.length) {
      let p = this.procs.find((x) => !x.job && !x.exited);
      if (!p) {
        if (this.procs.length >= this.opts.size) return;
        p = this.spawn();
      }
      this.assign(p, this.queue.shift()!);
    }
  }

  private spawn(): Proc {
    this.started++;
    const p = new Proc(this.opts, (proc, code, signal) => this.onExit(proc, code, signal));
    this.procs.push(p);
    this.opts.log?.(`profiler process ${p.child.pid ?? '?'} started`);
    p.child.on('message', (m: WorkerMessage) => this.onMessage(p, m));
    return p;
  }

  private assign(p: Proc, job: Job): void {
    if (job.onQueuedAbort) job.ctl.signal?.removeEventListener('abort', job.onQueuedAbort);
    const id = this.nextId++;
    const running: NonNullable<Proc['job']> = Object.assign(job, { id });
    p.job = running;
    if (job.ctl.signal) {
      running.onAbort = () => {
        running.killedFor = 'cancelled';
        p.kill();
      };
      job.ctl.signal.addEventListener('abort', running.onAbort, { once: true });
    }
    void p.ready.then((f) => {
      if (p.job !== running || job.done) return;
      if (f) {
        this.release(p);
        this.finish(job, { ok: false, failure: f });
        p.kill();
        return;
      }
      // The request's clock starts when it is sent: process start has its own timeout.
      if (job.ctl.timeoutMs) {
        running.timer = setTimeout(() => {
          running.killedFor = 'timeout';
          p.kill();
        }, clampDelay(job.ctl.timeoutMs));
      }
      try {
        p.child.send({ id, ...job.body } as WorkerRequest);
      } catch {
        // The process is dying; its exit handler reports the failure.
      }
    });
  }

  private release(p: Proc): void {
    const j = p.job;
    if (!j) return;
    if (j.timer) clearTimeout(j.timer);
    if (j.onAbort) j.ctl.signal?.removeEventListener('abort', j.onAbort);
    p.job = undefined;
  }

  private onMessage(p: Proc, m: WorkerMessage): void {
    const j = p.job;
    if (!j || !('id' in m) || m.id !== j.id) return;
    if (m.type === 'progress') {
      j.ctl.onProgress?.(m.message, m.fraction, m.detail);
      return;
    }
    this.release(p);
    this.finish(j, m.type === 'result' ? { ok: true, value: m.result } : { ok: false, failure: m.failure });
    this.pump();
  }

  private onExit(p: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    this.procs = this.procs.filter((x) => x !== p);
    const j = p.job;
    if (j) {
      this.release(p);
      let f: ProfileFailure;
      if (j.killedFor === 'timeout') f = failure('timeout', `no answer within ${j.ctl.timeoutMs} ms; the profiler process was stopped and will be replaced`);
      else if (j.killedFor === 'cancelled') f = failure('cancelled', 'the profiler process was stopped');
      else {
        const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
        f = classifyFailure(new Error(`profiler process ${how}`), 'process', p.stderrTail);
        // The kernel's OOM killer sends SIGKILL without a word on stderr.
        if (signal === 'SIGKILL' && f.kind === 'crashed') f.message += ' (if nothing else stopped it, the system may have run low on memory)';
        this.opts.log?.(`profiler process ${p.child.pid} ${how}; stderr: ${p.stderrTail.trim().slice(-1000)}`);
      }
      this.finish(j, { ok: false, failure: f });
    }
    if (!this.disposed) this.pump();
  }
}
