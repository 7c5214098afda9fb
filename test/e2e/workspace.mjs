// @ts-check
/**
 * The scratch workspace the end-to-end tests open: a copy of examples/ plus planted.ttc.yaml, a
 * config with known mistakes. examples/ itself is never modified.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExamples } from '../../scripts/lib/workspace.mjs';

/** Line-for-line what the in-host and UI tests expect; keep the three mistakes in sync with them. */
export const PLANTED = `# Planted mistakes for the end-to-end tests (a scratch copy; examples/ is never modified):
#   1. "temprature" is not a key (did you mean "temperature"?)
#   2. the verifier "missing_prm" is not defined under models
#   3. dvts needs n to be a multiple of beam_width (10 % 4 != 0)
version: 1
models:
  generator:
    path: models/decoder-tiny.onnx
  prm:
    path: models/prm-tiny.onnx
strategy:
  approach: dvts
  model: generator
  verifier: missing_prm
  n: 10
  beam_width: 4
  temprature: 0.8
  
workload:
  prompt_tokens: 128
  output_tokens: 64
hardware:
  provider: cpu
budget:
  latency:
    p50: 2s
  memory: 8GiB
  cost_per_1k: $0.40
`;

/** A config over its latency budget: n = 16 breaches p95 ≤ 13 ms, a smaller n fits (the UI applies that fix). */
export const OVER_BUDGET = `version: 1
models:
  gen: { path: models/decoder-tiny.onnx }
strategy:
  approach: best_of_n   # sample n, keep the best
  model: gen
  n: 16
workload:
  prompt_tokens: 64
  output_tokens: 32
hardware: { provider: cpu, price_per_hour: 0.40 }
budget:
  latency: { p95: 13ms }
`;

/**
 * Create the workspace under `dir` and return its path.
 * @param {string} repoRoot @param {string} dir
 */
export function createWorkspace(repoRoot, dir) {
  // The same scratch copy (and first-open settings) as npm start; short measurements: the tests
  // check that profiling works, not how precise it is.
  const ws = copyExamples(join(dir, 'ws'), { 'ttcLens.profiler.maxTimeMs': 500, 'files.autoSave': 'off' });
  writeFileSync(join(ws, 'planted.ttc.yaml'), PLANTED);
  writeFileSync(join(ws, 'over-budget.ttc.yaml'), OVER_BUDGET);
  return ws;
}
