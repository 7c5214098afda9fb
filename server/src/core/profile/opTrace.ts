/**
 * Per-operator times from ONNX Runtime's profiling output: a Chrome trace (JSON array of events) where
 * each kernel execution is `{cat: "Node", name: "<node>_kernel_time", dur: µs, args: {op_name}}` and
 * each inference is `{cat: "Session", name: "model_run", ts, dur}`. Warm-up runs cannot be left out of
 * the file, so node events inside the first `skipRuns` model_run spans are dropped here.
 */
import type { OpProfile } from './protocol';

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

export function parseOpTrace(trace: unknown, skipRuns = 0, top = 10): OpProfile | undefined {
  if (!Array.isArray(trace)) return undefined;
  const events = trace as TraceEvent[];
  const runs = events
    .filter((e) => e && e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number' && typeof e.dur === 'number')
    .sort((a, b) => a.ts! - b.ts!);
  const kept = runs.slice(skipRuns);
  if (kept.length === 0) return undefined;
  const start = kept[0].ts!;
  const inKept = (ts: number) => kept.some((r) => ts >= r.ts! && ts <= r.ts! + r.dur!);
  const byOp = new Map<string, { us: number; calls: number }>();
  let total = 0;
  for (const e of events) {
    if (!e || e.cat !== 'Node' || typeof e.dur !== 'number' || typeof e.ts !== 'number') continue;
    if (!e.name?.endsWith('_kernel_time')) continue;
    if (e.ts < start || !inKept(e.ts)) continue;
    const op = e.args?.op_name ?? 'unknown';
    const a = byOp.get(op) ?? { us: 0, calls: 0 };
    a.us += e.dur;
    a.calls++;
    byOp.set(op, a);
    total += e.dur;
  }
  const n = kept.length;
  const ops = [...byOp.entries()]
    .map(([op, a]) => ({ op, ms: a.us / 1000 / n, share: total > 0 ? a.us / total : 0, calls: a.calls / n }))
    .sort((a, b) => b.ms - a.ms);
  return { top: ops.slice(0, top), nodeMsPerRun: total / 1000 / n, runs: n };
}
