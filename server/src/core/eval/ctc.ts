/**
 * CTC greedy decoding of a text recognizer's output, as PaddleOCR's CTCLabelDecode does it: the
 * character list is the dictionary file's lines with the blank at index 0 and a space appended
 * (`use_space_char`); per time step the most probable class, repeats collapsed, blanks dropped; the
 * confidence is the mean probability of the kept characters (0 for an empty string).
 */

/** Class index → character; index 0 is the CTC blank (''). */
export function loadDictionary(text: string, spaceChar = true): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ...(spaceChar ? [' '] : [])];
}

export interface Decoded {
  text: string;
  /** Mean probability of the kept characters, 0..1. */
  confidence: number;
}

/**
 * Decodes row `row` of a [batch, T, C] probability tensor (the PP-OCR recognizers end in a softmax;
 * pass `softmax: true` for logits).
 */
export function ctcGreedy(probs: Float32Array, dims: readonly number[], row: number, chars: readonly string[], softmax = false): Decoded {
  const [, T, C] = dims;
  if (C !== chars.length) throw new Error(`the recognizer has ${C} classes, the dictionary ${chars.length} (blank + ${chars.length - 1} characters, space included)`);
  let text = '';
  let sum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < T; t++) {
    const o = (row * T + t) * C;
    let best = 0;
    let bestV = probs[o];
    for (let c = 1; c < C; c++) {
      if (probs[o + c] > bestV) {
        bestV = probs[o + c];
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      let p = bestV;
      if (softmax) {
        let z = 0;
        for (let c = 0; c < C; c++) z += Math.exp(probs[o + c] - bestV);
        p = 1 / z;
      }
      text += chars[best];
      sum += p;
      kept++;
    }
    prev = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}
