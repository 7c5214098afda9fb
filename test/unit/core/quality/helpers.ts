/** Synthetic per-problem data with known parameters, drawn with the shared seeded generator. */
import { mulberry32 } from '../../../../server/src/core/random';

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12), v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 by the boost u^(1/shape)). */
function gamma(shape: number, rng: () => number): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(Math.max(rng(), 1e-300), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function betaDraw(alpha: number, beta: number, rng: () => number): number {
  const x = gamma(alpha, rng), y = gamma(beta, rng);
  return x / (x + y);
}

/** `count` problems with p ~ Beta(α, β), each sampled `total` times. */
export function betaProblems(alpha: number, beta: number, count: number, total: number, seed = 7): Array<{ id: string; correct: number; total: number; p: number }> {
  const rng = mulberry32(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const p = betaDraw(alpha, beta, rng);
    let c = 0;
    for (let j = 0; j < total; j++) if (rng() < p) c++;
    out.push({ id: `p${i}`, correct: c, total, p });
  }
  return out;
}

/** All k-subsets of {0..n-1}. */
export function* subsets(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) return yield [...acc];
  for (let i = start; i < n; i++) {
    acc.push(i);
    yield* subsets(n, k, i + 1, acc);
    acc.pop();
  }
}
