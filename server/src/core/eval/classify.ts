/**
 * An image classifier's answer per view: the most probable class of a [N, classes] output row (PaddleOCR's
 * direction classifier ends in a softmax; raw logits are softmaxed here), named by `quality.eval.classes`.
 */
import type { Decoded } from './ctc';

/** Row `i` of [N, C] probabilities (or logits: a softmax is applied when they do not sum to 1): the top class and its probability. */
export function topClass(data: Float32Array, i: number, classes: readonly string[]): Decoded {
  const C = classes.length;
  const row = Array.from(data.subarray(i * C, (i + 1) * C));
  const sum = row.reduce((a, b) => a + b, 0);
  const probs = row.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3 ? row : softmax(row);
  let k = 0;
  for (let j = 1; j < C; j++) if (probs[j] > probs[k]) k = j;
  return { text: classes[k], confidence: probs[k] };
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

