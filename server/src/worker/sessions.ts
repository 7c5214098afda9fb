/**
 * Sessions opened for one request of the estimator or the executor (points, execute), cached per
 * (model path, settings) so that every point of one model, and every config name that refers to the
 * same file, reuses one session; all are released when the request ends. Also the small process
 * readings those requests report: resident set, load average, run environment.
 */
import { readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { classifyFailure, failure } from '../core/profile/failures';
import { machineFingerprint } from '../core/profile/fingerprint';
import type { RunEnvironment, SessionTensorInfo } from '../core/profile/protocol';
import type { SessionModel, SessionSettings } from '../core/estimate/protocol';
import { MeasureError, resolveThreads } from './measure';
import { createSession, inputInfos, ortVersion, outputInfos, type Session, type SessionSpec } from './runtime';

export interface OpenSession {
  session: Session;
  path: string;
  inputs: SessionTensorInfo[];
  outputs: SessionTensorInfo[];
  loadMs: number;
}

export function specOf(s: SessionSettings = {}): SessionSpec {
  return { ep: s.ep ?? 'cpu', threads: resolveThreads(s.threads), graphOptimizationLevel: s.graphOptimizationLevel ?? 'all' };
}

export function environment(spec: SessionSpec): RunEnvironment {
  return { ep: spec.ep, threads: spec.threads, graphOptimizationLevel: spec.graphOptimizationLevel, ortVersion, machine: machineFingerprint() };
}

export class Sessions {
  private readonly open = new Map<string, Promise<OpenSession>>();
  readonly spec: SessionSpec;

  constructor(settings: SessionSettings = {}) {
    this.spec = specOf(settings);
  }

  /** The session for a model file, opened on first use. Throws MeasureError (model-missing, invalid-model…). */
  get(model: SessionModel): Promise<OpenSession> {
    const file = path.resolve(model.path);
    const key = `${file}\n${JSON.stringify(this.spec)}`;
    let s = this.open.get(key);
    if (!s) {
      s = this.load(file);
      this.open.set(key, s);
    }
    return s;
  }

  private async load(file: string): Promise<OpenSession> {
    try {
      if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
    } catch (e) {
      throw new MeasureError(failure('model-missing', `${file} (${e instanceof Error ? e.message : String(e)})`));
    }
    const t0 = performance.now();
    let session: Session;
    try {
      session = await createSession(file, this.spec);
    } catch (e) {
      throw new MeasureError(classifyFailure(e, 'load'));
    }
    return { session, path: file, inputs: inputInfos(session), outputs: outputInfos(session), loadMs: performance.now() - t0 };
  }

  async releaseAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // A session that failed to open has nothing to release.
      }
    }
  }
}

/** Resident set of this process, bytes. */
export function rss(): number {
  return process.memoryUsage.rss();
}

/** The kernel's peak resident set of this process so far, bytes (monotonic over the process's life). */
export function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** The first figure of /proc/loadavg (1-minute load average); os.loadavg() where there is no /proc. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(/\s+/)[0]);
  } catch {
    return os.loadavg()[0];
  }
}

let gcs = 0;
let observer: PerformanceObserver | undefined;
/** Garbage collections seen so far in this process (counted from the first call). */
export function gcCount(): number {
  if (!observer) {
    observer = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    observer.observe({ entryTypes: ['gc'] });
  }
  return gcs;
}
