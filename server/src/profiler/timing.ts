/** The timed run loop: warm-up excluded, then runs until the stop rule says so. */
import { ciRelHalfWidth, sortedCopy, summarize, type LatencyStats, type StopRule } from '../core/profile/stats';

export interface TimingRule extends StopRule {
  warmupRuns: number;
}

export type Progress = (message: string, fraction?: number) => void;

/**
 * Time `run` repeatedly. The clock wraps only the awaited call, so bookkeeping between runs (the CI
 * check, progress messages) is not counted; the CI is checked at growing intervals (every ~10% more
 * runs) so its sort stays a negligible cost however many runs a fast model needs.
 */
export async function timeRuns(run: () => Promise<unknown>, rule: TimingRule, progress?: Progress, label = ''): Promise<LatencyStats> {
  for (let i = 0; i < rule.warmupRuns; i++) await run();
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  let nextCheck = Math.max(rule.minRuns, 6);
  let lastProgress = Date.now();
  for (;;) {
    const t0 = process.hrtime.bigint();
    await run();
    const t1 = process.hrtime.bigint();
    samples.push(Number(t1 - t0) / 1e6);
    const n = samples.length;
    const elapsed = Number(t1 - start) / 1e6;
    if (n >= rule.maxRuns) return summarize(samples, rule.warmupRuns, 'runs');
    if (n >= nextCheck) {
      if (ciRelHalfWidth(sortedCopy(samples)) <= rule.targetCi) return summarize(samples, rule.warmupRuns, 'ci');
      nextCheck = n + Math.max(1, Math.ceil(n * 0.1));
    }
    if (elapsed >= rule.maxTimeMs && n >= Math.min(rule.minRuns, 3)) return summarize(samples, rule.warmupRuns, 'time');
    if (progress && Date.now() - lastProgress > 250) {
      lastProgress = Date.now();
      progress(`${label}${n} runs`, Math.min(1, elapsed / rule.maxTimeMs));
    }
  }
}
