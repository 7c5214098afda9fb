/**
 * Output lengths and the other random draws of a query, exactly as `../shared/STRATEGIES.md`
 * ("Conventions") fixes them, so that the estimator and the executor see the same queries:
 * one mulberry32 stream seeded with `strategy.seed`, a log-normal length from two uniforms
 * (Box-Muller, cosine branch), L = clamp(round(exp(μ + σz)), 1, max_tokens).
 */
import { mulberry32 } from '../random';

/** z-score of the 95th percentile of the standard normal, as the contract writes it. */
export const Z95 = 1.64485;

export interface LengthDistribution {
  /** Fixed length (no p95): every draw is this value and consumes no uniforms. */
  fixed?: number;
  mu: number;
  sigma: number;
  /** Cap: `strategy.max_tokens` (default 2048). */
  max: number;
}

/**
 * μ and σ of the log-normal with this mean and 95th percentile: σ is the smaller root of
 * σ²/2 − Z95·σ + ln(p95/mean) = 0 (σ = Z95 when there is no real root; σ = 0 when p95 ≤ mean),
 * μ = ln(mean) − σ²/2.
 */
export function lognormalParams(mean: number, p95: number): { mu: number; sigma: number } {
  let sigma: number;
  if (!(p95 > mean)) sigma = 0;
  else {
    const disc = Z95 * Z95 - 2 * Math.log(p95 / mean);
    sigma = disc < 0 ? Z95 : Z95 - Math.sqrt(disc);
  }
  return { mu: Math.log(mean) - (sigma * sigma) / 2, sigma };
}

export function lengthDistribution(output: { mean: number; p95?: number } | undefined, maxTokens: number): LengthDistribution {
  const mean = output?.mean ?? 1;
  if (output?.p95 === undefined) return { fixed: clampLength(Math.round(mean), maxTokens), mu: Math.log(mean), sigma: 0, max: maxTokens };
  return { ...lognormalParams(mean, output.p95), max: maxTokens };
}

function clampLength(l: number, max: number): number {
  return Math.min(Math.max(l, 1), max);
}

/** The query's random stream: uniforms in [0, 1), normals by Box-Muller (cosine branch). */
export class Draws {
  private readonly next: () => number;
  /** Uniforms consumed so far (for tests and for the executor's cross-check). */
  used = 0;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(): number {
    this.used++;
    return this.next();
  }
  /** z = √(−2 ln u₁) · cos(2π u₂). A u₁ of exactly 0 (probability 2⁻³²) is read as 2⁻³³ so ln stays finite. */
  normal(): number {
    const u1 = this.uniform() || 2 ** -33;
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  length(d: LengthDistribution): number {
    if (d.fixed !== undefined) return d.fixed;
    return clampLength(Math.round(Math.exp(d.mu + d.sigma * this.normal())), d.max);
  }
}
