/** A benchmark report with every field, for the panel's pure tests. */
import type { BenchReport } from '../../../server/src/protocol';

export function sampleReport(over: Partial<BenchReport> = {}): BenchReport {
  return {
    config: 'bon.ttc.yaml',
    approach: 'best_of_n',
    at: '2026-12-02T14:00:00.000Z',
    queries: 4,
    truncated: false,
    measured: { p50_ms: 100, p95_ms: 180, mean_ms: 120 },
    estimate: { p50_ms: 110, p95_ms: 170, mean_ms: 118, provenance: 'measured', band: 0.03 },
    error: { p50: 0.1, p95: -0.0556, mean: -0.0167, memory: 0.05 },
    per_query_ms: [100, 90, 180, 110],
    cdf: { ms: [90, 100, 110, 180], p: [0.25, 0.5, 0.75, 1] },
    kinds: [
      { kind: 'prefill', measured_ms: 20, estimate_ms: 22, error: 0.1, calls: 4, planned: 4 },
      { kind: 'steps', measured_ms: 90, estimate_ms: 85, error: -0.0556, calls: 400, planned: 400 },
    ],
    calls_match: true,
    memory: { peak_bytes: 200 * 2 ** 20, base_bytes: 60 * 2 ** 20, estimate_bytes: 210 * 2 ** 20 },
    cost: { measured_per_1k_usd: 0.0133, estimate_per_1k_usd: 0.0131 },
    budget: { p95_ms: 5000 },
    breaches: [],
    load: [0.5, 0.7],
    busy: false,
    hardware: { cpu: 'Test CPU, "8 cores"', logical_cores: 8, physical_cores: 4, memory_bytes: 16 * 2 ** 30, os: 'linux', arch: 'x64', id: 'abc123', ep: 'cpu', threads: 4, ort: '1.30.0' },
    ...over,
  };
}
