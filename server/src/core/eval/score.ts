/**
 * Votes and metrics of the eval: answers are compared after normalization (trimmed, runs of white
 * space read as one space — a recognizer's stray leading space is not a misread); the vote is a
 * plurality over normalized strings; exact match and character error rate (Levenshtein distance over
 * the expected length) score a prediction.
 */

export function normalize(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

export interface Answer {
  text: string;
  confidence: number;
}

export interface Vote {
  text: string;
  /** Views that gave the winning string. */
  votes: number;
  /** Mean confidence of those views. */
  confidence: number;
}

/** Plurality over normalized strings; ties go to the larger summed confidence, then to the earlier view. */
export function vote(answers: readonly Answer[]): Vote {
  const by = new Map<string, { votes: number; conf: number; first: number }>();
  answers.forEach((a, i) => {
    const k = normalize(a.text);
    const e = by.get(k) ?? { votes: 0, conf: 0, first: i };
    e.votes++;
    e.conf += a.confidence;
    by.set(k, e);
  });
  let best: [string, { votes: number; conf: number; first: number }] | undefined;
  for (const e of by) {
    if (!best || e[1].votes > best[1].votes || (e[1].votes === best[1].votes && (e[1].conf > best[1].conf || (e[1].conf === best[1].conf && e[1].first < best[1].first)))) best = e;
  }
  if (!best) return { text: '', votes: 0, confidence: 0 };
  return { text: best[0], votes: best[1].votes, confidence: best[1].conf / best[1].votes };
}

export function levenshtein(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (A[i - 1] === B[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[B.length];
}

/** Character error rate: edit distance over the expected string's length (normalized strings; may exceed 1). */
export function cer(prediction: string, expected: string): number {
  const e = normalize(expected);
  const d = levenshtein(normalize(prediction), e);
  return e.length ? d / [...e].length : d > 0 ? 1 : 0;
}

export function exactMatch(prediction: string, expected: string): boolean {
  return normalize(prediction) === normalize(expected);
}

/** The value at quantile q (0..1) of the values, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = Math.min(Math.max(q, 0), 1) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
