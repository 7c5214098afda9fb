/**
 * What a server knows about its models' measurements, as data: the latest measurement of each model
 * under each set of bindings (fresh or from the cache), the failures worth a diagnostic, and the
 * measurements in flight. One store per server (on its context, never a module global); the profiling
 * feature writes it, the language service reads it (`modelFacts`) and renders hovers and diagnostics,
 * and `onDidChange` tells whoever shows derived numbers (inlay hints, code lenses) to refresh.
 */
import { stableStringify } from './cache';
import type { MeasuredProfile, ProfileFailure } from './protocol';

/** A measurement and whether it came from the cache. */
export interface Measurement {
  profile: MeasuredProfile;
  cached: boolean;
}

/** What is known about one model file under one set of bindings. */
export interface StoredModelFacts {
  measured?: Measurement;
  failure?: ProfileFailure;
  /** A measurement of this file is running now. */
  measuring: boolean;
}

/** The model files whose facts changed. */
export interface FactsChange {
  paths: string[];
}

export interface Disposable {
  dispose(): void;
}

const bindKey = (path: string, bind: Record<string, number> | undefined) => `${path}|${stableStringify(bind ?? {})}`;

export class MeasurementStore {
  private readonly latest = new Map<string, Measurement>();
  private readonly failures = new Map<string, ProfileFailure>();
  private readonly running = new Map<string, number>();
  private readonly listeners = new Set<(e: FactsChange) => void>();

  /** A measurement of `path` under `bind`; a success clears the file's failure. */
  setMeasured(path: string, bind: Record<string, number> | undefined, m: Measurement): void {
    this.failures.delete(path);
    this.latest.set(bindKey(path, bind), m);
    this.fire([path]);
  }

  /** A failure worth a diagnostic on the model entry (the file's last one wins). */
  setFailure(path: string, failure: ProfileFailure): void {
    this.failures.set(path, failure);
    this.fire([path]);
  }

  /** Forget everything about `path` (the file changed on disk). */
  forget(path: string): void {
    this.failures.delete(path);
    for (const k of [...this.latest.keys()]) if (k.startsWith(`${path}|`)) this.latest.delete(k);
    this.fire([path]);
  }

  /** Marks a measurement of `path` as running until the returned function is called (once). */
  begin(path: string): () => void {
    this.running.set(path, (this.running.get(path) ?? 0) + 1);
    this.fire([path]);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.running.get(path) ?? 1) - 1;
      if (n > 0) this.running.set(path, n);
      else this.running.delete(path);
      this.fire([path]);
    };
  }

  /** The facts about `path` under `bind`: its measurement under exactly these bindings, its failure, whether it is being measured. */
  modelFacts(path: string, bind: Record<string, number> | undefined): StoredModelFacts {
    const measured = this.latest.get(bindKey(path, bind));
    const failure = this.failures.get(path);
    return { ...(measured ? { measured } : {}), ...(failure ? { failure } : {}), measuring: this.running.has(path) };
  }

  /** Every measurement of `path` (any bindings), oldest first. */
  measurements(path: string): Measurement[] {
    return [...this.latest.entries()].filter(([k]) => k.startsWith(`${path}|`)).map(([, v]) => v);
  }

  failure(path: string): ProfileFailure | undefined {
    return this.failures.get(path);
  }

  hasFailures(): boolean {
    return this.failures.size > 0;
  }

  /** Model files being measured now. */
  inFlight(): string[] {
    return [...this.running.keys()];
  }

  /** Called after every change, with the files it touched; a throwing listener does not stop the others. */
  onDidChange(listener: (e: FactsChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  private fire(paths: string[]): void {
    for (const l of [...this.listeners]) {
      try {
        l({ paths });
      } catch {
        // A broken listener must not break the profiler.
      }
    }
  }
}
