import type { OffsetRange, Problem } from '../../../../server/src/core/config/parse';

/** The offsets of the `nth` occurrence of `needle` in `text` (for exact-range assertions). */
export function at(text: string, needle: string, nth = 0): OffsetRange {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' (#${nth}) not in text`);
  }
  return { start: i, end: i + needle.length };
}

/** Problems as `code@covered text` strings, easy to compare and to read in a failure. */
export function brief(text: string, problems: Problem[]): string[] {
  return problems.map((p) => `${p.code}@${text.slice(p.range.start, p.range.end)}`);
}

/** A valid config to start tests from; each test edits what it needs. */
export const VALID = `version: 1
models:
  gen:
    path: models/decoder-tiny.onnx
  prm:
    path: models/prm-tiny.onnx
strategy:
  approach: best_of_n
  model: gen
  verifier: prm
  n: 8
workload:
  prompt_tokens: 128
  output_tokens: { mean: 200, p95: 400 }
hardware:
  provider: cpu
  memory: 8GiB
budget:
  latency: { p50: 800ms, p95: 2s }
  cost_per_1k: $0.40
`;
