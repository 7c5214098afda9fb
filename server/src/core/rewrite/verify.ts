/**
 * Verification of a rewritten model, the pure half: what the profiler process is asked
 * (worker/rewrite.ts runs it), what it answers, the A/B speedup statistics, the thresholds and the
 * verdict every surface shows ("helped", "not faster", "below fidelity").
 */
import type { SessionSettings } from '../estimate/protocol';
import type { RunEnvironment } from '../profile/protocol';
import { medianCi, quantileSorted, sortedCopy } from '../profile/stats';
import { worst, type OutputFidelity } from './fidelity';
import type { QuantPrecision } from './quantize';

export interface VerifyOptions {
  original: string;
  rewritten: string;
  session?: SessionSettings;
  bind?: Record<string, number>;
  inputShapes?: Record<string, number[]>;
  /** Sample inputs (JSON, core/profile/inputs.ts) for the fidelity comparison; generated otherwise. */
  samplesPath?: string;
  /** Batch sizes timed A/B (default [1]). For decoders: the decode step at these batches. */
  batches?: number[];
  /** Decoders: cache lengths of the decode steps timed (default [128]). */
  contexts?: number[];
  /** Time cap per A/B point, both models together, ms (default 4000). */
  maxTimeMsPerPoint?: number;
  /** Stop a point when the speedup's 95% CI is within ± this fraction (default 0.03). */
  targetCi?: number;
  /** Write the optimized graph and look for unfused DequantizeLinear (default true). */
  fusionCheck?: boolean;
}

/** One interleaved A/B point: original and rewritten timed in alternating blocks. */
export interface AbPoint {
  batch: number;
  /** Decoders: the decode step's cache length. */
  context?: number;
  originalMs?: number;
  rewrittenMs?: number;
  /** Median over block pairs of original / rewritten. */
  speedup?: number;
  /** Distribution-free 95% CI of that median. */
  ci95?: [number, number];
  pairs?: number;
  error?: string;
}

export interface FusionCheck {
  /** No DequantizeLinear feeds a float MatMul, Gemm or Conv in the optimized graph. */
  ok: boolean;
  unfused: Array<{ dequantize: string; consumer: string; op: string }>;
  /** Quantized-compute operators in the optimized graph by type (DynamicQuantizeMatMul, MatMulNBits, …). */
  quantOps: Record<string, number>;
}

export interface VerifyResult {
  original: string;
  rewritten: string;
  /** Session creation of the rewritten model (ORT is the checker for com.microsoft ops). */
  session: { ok: boolean; loadMs?: number; error?: string };
  fusion?: FusionCheck;
  kind: 'decoder' | 'model';
  timing: AbPoint[];
  fidelity: OutputFidelity[];
  fidelityInputs: 'generated' | 'samples';
  /** What the fidelity inputs were (shapes; decoders: the prompt). */
  fidelityNote: string;
  env: RunEnvironment;
  /** 1-minute load average before and after. */
  load: [number, number];
}

export interface Thresholds {
  /** Worst output's SQNR must reach this (dB). */
  minSqnrDb: number;
  /** Every timed point's speedup must reach this. */
  minSpeedup: number;
  /** Worst top-1 agreement, when outputs have one (default none). */
  minTop1?: number;
}

/**
 * Defaults: int8 25 dB (DOMAIN.md §5; ORT's own layout gives ≈ 30 dB on random FFN weights). int4:
 * 15 dB — 4-bit blocks keep ≈ 24 dB per weight matrix and the error compounds across layers (13–15 dB
 * measured on random-weight stacks, higher on trained weights); below 15 dB outputs visibly drift.
 * Speed: 1.1× where the plan runs the model.
 */
export const DEFAULT_THRESHOLDS: Record<QuantPrecision, Thresholds> = {
  int8: { minSqnrDb: 25, minSpeedup: 1.1 },
  int4: { minSqnrDb: 15, minSpeedup: 1.1 },
};

export type Verdict = 'helped' | 'not-faster' | 'below-fidelity' | 'failed';

export interface Judgement {
  verdict: Verdict;
  /** One sentence per reason (what failed, with the numbers). */
  reasons: string[];
}

export function judge(r: VerifyResult, t: Thresholds): Judgement {
  if (!r.session.ok) return { verdict: 'failed', reasons: [`the rewritten model does not load: ${r.session.error ?? 'unknown error'}`] };
  const reasons: string[] = [];
  let verdict: Verdict = 'helped';
  const errors = r.timing.filter((p) => p.error);
  for (const p of errors) reasons.push(`${pointLabel(p)} could not be timed: ${p.error}`);
  if (r.fidelity.length) {
    const w = worst(r.fidelity);
    if (!(w.sqnrDb >= t.minSqnrDb)) {
      verdict = 'below-fidelity';
      reasons.push(`SQNR ${fmtDb(w.sqnrDb)} is below the threshold of ${t.minSqnrDb} dB`);
    }
    if (t.minTop1 !== undefined && w.top1 !== undefined && w.top1 < t.minTop1) {
      verdict = 'below-fidelity';
      reasons.push(`top-1 agreement ${(w.top1 * 100).toFixed(1)}% is below ${(t.minTop1 * 100).toFixed(1)}%`);
    }
  } else if (verdict === 'helped') {
    verdict = 'failed';
    reasons.push('no outputs were compared');
  }
  const timed = r.timing.filter((p) => p.speedup !== undefined);
  const slow = timed.filter((p) => p.speedup! < t.minSpeedup);
  if (slow.length && verdict === 'helped') verdict = 'not-faster';
  for (const p of slow) reasons.push(`${pointLabel(p)}: ${p.speedup!.toFixed(2)}× is below ${t.minSpeedup}×`);
  // Not a verdict of its own: the point estimate decides, but a user should know when it is shaky.
  for (const p of timed) {
    if (p.speedup! >= t.minSpeedup && p.ci95 && p.ci95[0] < t.minSpeedup) reasons.push(`${pointLabel(p)}: the 95% CI (${p.ci95[0].toFixed(2)}–${p.ci95[1].toFixed(2)}×) reaches below ${t.minSpeedup}× (a busy machine widens it; measure again)`);
  }
  if (!timed.length && verdict === 'helped') {
    verdict = 'failed';
    reasons.push('no point could be timed');
  }
  if (r.fusion && !r.fusion.ok) reasons.push(`${r.fusion.unfused.length} DequantizeLinear node(s) still feed float ${[...new Set(r.fusion.unfused.map((u) => u.op))].join('/')} after optimization`);
  return { verdict, reasons };
}

export function pointLabel(p: Pick<AbPoint, 'batch' | 'context'>): string {
  return p.context !== undefined ? `decode step B=${p.batch} c=${p.context}` : `batch ${p.batch}`;
}

export function fmtDb(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(1)} dB` : db > 0 ? '∞ dB (identical)' : '−∞ dB';
}

/**
 * Speedup from interleaved block medians: the ratio original/rewritten of each pair of adjacent
 * blocks, its median and the sign-test 95% CI of that median (stats.ts). Pairing adjacent blocks
 * cancels the machine's drift (other work, frequency) that separate measurements would carry.
 */
export function pairedSpeedup(originalBlocks: number[], rewrittenBlocks: number[]): { speedup: number; ci95?: [number, number]; pairs: number } {
  const n = Math.min(originalBlocks.length, rewrittenBlocks.length);
  const ratios = sortedCopy(Array.from({ length: n }, (_, i) => originalBlocks[i] / rewrittenBlocks[i]));
  const ci = medianCi(ratios);
  return { speedup: quantileSorted(ratios, 0.5), ...(ci ? { ci95: [ci[0], ci[1]] as [number, number] } : {}), pairs: n };
}
