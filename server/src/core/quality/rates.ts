/**
 * Rates an eval measured, for the estimator (adaptive compute priced from data, not a default): early
 * exit's agreement — the chance that one more view or sample agrees with the leading answer — from the
 * tta row at the largest n (the share of views agreeing with the vote is least biased by the vote
 * itself there), and the first cascade stage's escalation rate from a cascade row. The config's own
 * `workload.agreement` and `stages[0].escalate` win over both (core/estimate/plan.ts).
 */
import type { MeasuredRates } from '../estimate/planOptions';
import type { MeasuredPoint } from './data';

export function measuredRates(points: readonly MeasuredPoint[], file?: string): MeasuredRates {
  const where = (p: MeasuredPoint) => `ttc-lens eval, ${p.strategy} n=${p.n} on ${p.problems ?? '?'} problems${file ? ` (${file})` : ''}`;
  const largest = (xs: MeasuredPoint[]) => xs.reduce<MeasuredPoint | undefined>((a, b) => (!a || b.n > a.n ? b : a), undefined);
  const agree = largest(points.filter((p) => p.agreement !== undefined && p.agreement > 0));
  const esc = largest(points.filter((p) => p.strategy === 'cascade' && p.escalated !== undefined));
  return {
    ...(agree ? { agreement: { value: agree.agreement!, source: where(agree) } } : {}),
    ...(esc ? { escalate: { value: esc.escalated!, source: where(esc) } } : {}),
  };
}
