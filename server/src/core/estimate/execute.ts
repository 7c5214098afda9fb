/**
 * Running a workload's queries for real (`bench`, the editor's Run Benchmark, the fidelity bench): in
 * a fresh profiler process of its own, so that its peak RSS is the run's own — not the memory an
 * earlier profile left in a long-lived worker (which keeps freed memory, see pool.ts) — and its
 * starting RSS is the runtime's baseline (Node + ONNX Runtime, no session).
 */
import { ProfilerPool, type PoolOptions } from '../profile/pool';
import type { Outcome, ProgressDetail } from '../profile/protocol';
import type { ExecuteOptions, ExecuteResult } from './protocol';
import type { EvalRequestOptions, EvalRunResult } from '../eval/protocol';

export interface ExecuteControl {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** `detail.query` after each measured query: its index (0-based), the count and its time. */
  onProgress?: (message: string, fraction?: number, detail?: ProgressDetail) => void;
}

export async function executeFresh(options: ExecuteOptions, ctl: ExecuteControl = {}, pool: PoolOptions = {}): Promise<Outcome<ExecuteResult>> {
  const p = new ProfilerPool(pool);
  try {
    const request = p.request.bind(p) as unknown as <T>(b: unknown, c: ExecuteControl) => Promise<Outcome<T>>;
    return await request<ExecuteResult>({ type: 'execute', options }, { timeoutMs: ctl.timeoutMs ?? (options.maxTimeMs ?? 300_000) * 2 + 120_000, signal: ctl.signal, onProgress: ctl.onProgress });
  } finally {
    await p.dispose();
  }
}

/**
 * `ttc-lens eval`'s run (core/eval/protocol.ts) in a fresh profiler process, like `executeFresh`: the
 * recognizer's sessions, a crash or an out-of-memory model stay in that process.
 */
export async function evalFresh(options: EvalRequestOptions, ctl: ExecuteControl = {}, pool: PoolOptions = {}): Promise<Outcome<EvalRunResult>> {
  const p = new ProfilerPool(pool);
  try {
    return await p.request<EvalRunResult>({ type: 'eval', options }, { timeoutMs: ctl.timeoutMs ?? 3_600_000, signal: ctl.signal, onProgress: ctl.onProgress });
  } finally {
    await p.dispose();
  }
}
