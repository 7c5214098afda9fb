/** "Did you mean" helpers shared by every message that names what would be valid. */

/** Edit distance (Levenshtein, with adjacent transpositions counted as one edit). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a distance that grows with the word's length, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let dist = editDistance(w, cl);
    // `beamwidth` vs `beam_width`, `top-p` vs `top_p`: separators don't count.
    if (w.replace(/[-_ ]/g, '') === cl.replace(/[-_ ]/g, '')) dist = 0.5;
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  return bestD <= limit ? best : undefined;
}

/** `Did you mean 'x'? ` or empty. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? `Did you mean '${c}'? ` : '';
}

/** `a, b or c` (quoted), shortened after `max` items. */
export function listOf(items: readonly string[], max = 12): string {
  const q = items.slice(0, max).map((s) => `'${s}'`);
  if (items.length > max) return `${q.join(', ')} … (${items.length - max} more)`;
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** The suggestion inside a `didYouMean` text (for a problem's `data`), or undefined. */
export function closestOf(hint: string): string | undefined {
  return /^Did you mean '(.*)'\? $/.exec(hint)?.[1];
}
