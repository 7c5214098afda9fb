/**
 * Compute per difficulty (Snell et al. 2024, arXiv 2408.03314): problems are binned by estimated
 * difficulty and each bin gets its own N, so easy problems stop early and hopeless ones do not burn
 * samples; at the accuracy of a uniform N the allocation costs less. Difficulty is the problem's
 * posterior success rate under the fitted Beta (or the file's own `difficulty` labels when every
 * problem has one); each bin's accuracy curve comes from its own Beta-binomial fit.
 */
import { betaMajorityAtK, betaPassAtK, fitBetaBinomial, posteriorRate, type BetaFit, type Counts } from './betaBinomial';

export interface BinInput extends Counts {
  id?: string;
  difficulty?: number;
}

export interface DifficultyBin {
  /** 1 = easiest. */
  bin: number;
  problems: number;
  share: number;
  /** Range of the posterior success rate (or of the labels) in the bin. */
  range: [number, number];
  fit: BetaFit;
  /** The bin's problems (for resampling within the bin). */
  items: BinInput[];
}

/**
 * Bins of roughly equal size by estimated success rate (highest first), or by the given labels when
 * every problem has one (lowest label = easiest, as MATH `level`). At most `bins` bins, at least
 * ~10 problems per bin.
 */
export function difficultyBins(problems: readonly BinInput[], bins = 5): DifficultyBin[] {
  if (problems.length === 0) return [];
  const labelled = problems.every((p) => p.difficulty !== undefined);
  const groups: Array<{ items: BinInput[]; range: [number, number] }> = [];
  if (labelled) {
    const levels = [...new Set(problems.map((p) => p.difficulty!))].sort((a, b) => a - b);
    for (const l of levels) groups.push({ items: problems.filter((p) => p.difficulty === l), range: [l, l] });
  } else {
    const global = fitBetaBinomial(problems);
    const scored = problems.map((p) => ({ p, r: posteriorRate(global, p) })).sort((a, b) => b.r - a.r);
    const B = Math.max(1, Math.min(bins, Math.floor(problems.length / 10)));
    for (let b = 0; b < B; b++) {
      const part = scored.slice(Math.round((b * scored.length) / B), Math.round(((b + 1) * scored.length) / B));
      if (part.length) groups.push({ items: part.map((x) => x.p), range: [part[part.length - 1].r, part[0].r] });
    }
  }
  return groups.map((g, i) => ({ bin: i + 1, problems: g.items.length, share: g.items.length / problems.length, range: g.range, fit: fitBetaBinomial(g.items), items: g.items }));
}

export type BinMeasure = 'majority' | 'coverage';

/** A bin's predicted accuracy at k. */
export function binAccuracy(b: DifficultyBin, k: number, measure: BinMeasure): number {
  return measure === 'majority' ? betaMajorityAtK(b.fit.alpha, b.fit.beta, k) : betaPassAtK(b.fit.alpha, b.fit.beta, k);
}

export interface Allocation {
  /** N per bin (bin order). */
  perBin: number[];
  accuracy: number;
  /** Mean cost per problem (units of `cost`). */
  cost: number;
  uniform: { n: number; accuracy: number; cost: number };
  /** 1 − cost / uniform cost: the share saved at (at least) the uniform accuracy. */
  savings: number;
}

/**
 * The cheapest N per bin (from `grid`) whose overall accuracy reaches that of `uniformN` for every
 * problem: exhaustive over the grid (bins ≤ 5, grid ≤ ~13 values), exact even when a bin's curve is
 * not monotone. `cost(k)` is the cost of k samples (default k: compute ∝ samples).
 */
export function allocateByDifficulty(acc: number[][], shares: number[], grid: number[], uniformN: number, cost: (k: number) => number = (k) => k): Allocation {
  const B = shares.length;
  const gi = grid.indexOf(uniformN);
  if (gi < 0) throw new RangeError(`the grid must contain the uniform N (${uniformN})`);
  const uniformAcc = shares.reduce((s, w, b) => s + w * acc[b][gi], 0);
  const costs = grid.map(cost);
  const uniform = { n: uniformN, accuracy: uniformAcc, cost: costs[gi] };
  let best: { idx: number[]; cost: number; acc: number } = { idx: shares.map(() => gi), cost: costs[gi], acc: uniformAcc };
  const idx = new Array<number>(B).fill(0);
  const tol = 1e-12;
  // Odometer over grid^B.
  for (;;) {
    let a = 0, c = 0;
    for (let b = 0; b < B; b++) {
      a += shares[b] * acc[b][idx[b]];
      c += shares[b] * costs[idx[b]];
    }
    if (a >= uniformAcc - tol && (c < best.cost - tol || (Math.abs(c - best.cost) <= tol && a > best.acc))) best = { idx: [...idx], cost: c, acc: a };
    let b = 0;
    while (b < B && ++idx[b] === grid.length) idx[b++] = 0;
    if (b === B) break;
  }
  return { perBin: best.idx.map((i) => grid[i]), accuracy: best.acc, cost: best.cost, uniform, savings: uniform.cost > 0 ? 1 - best.cost / uniform.cost : 0 };
}
