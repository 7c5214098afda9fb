/**
 * `inconsistent`: values that are each valid but contradict each other: latency p50 above p95,
 * output tokens mean above p95, early-exit waves larger than max_n, parallel above n, a last cascade
 * stage that escalates to nothing.
 */
import type { Problem } from '../../core/config/parse';
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'inconsistent',
  validate(_doc, parsed) {
    const out: Problem[] = [];
    const add = (path: Array<string | number>, message: string, severity: Problem['severity'] = 'warning') => {
      const range = parsed.rangeOf(path);
      if (range) out.push({ message, severity, range, code: 'inconsistent', data: { path } });
    };
    const { budget, workload, strategy: s } = parsed.config;
    if (budget.latency_p50_ms !== undefined && budget.latency_p95_ms !== undefined && budget.latency_p50_ms > budget.latency_p95_ms)
      add(['budget', 'latency', 'p50'], 'The p50 latency budget is above the p95 budget; a median cannot exceed the 95th percentile.', 'error');
    const ot = workload.output_tokens;
    if (ot?.p95 !== undefined && ot.mean > ot.p95) add(['workload', 'output_tokens', 'p95'], `output_tokens p95 (${ot.p95}) is below the mean (${ot.mean}).`);
    if (s?.approach === 'early_exit' && s.wave !== undefined && s.max_n !== undefined && s.wave > s.max_n)
      add(['strategy', 'wave'], `A wave of ${s.wave} samples is more than max_n (${s.max_n}); the first wave would already exceed the cap.`, 'error');
    if (s?.parallel !== undefined && s.n !== undefined && s.parallel > s.n && ['best_of_n', 'self_consistency', 'beam_search', 'dvts'].includes(s.approach))
      add(['strategy', 'parallel'], `parallel (${s.parallel}) is more than n (${s.n}); at most n samples run at once.`);
    if (s?.approach === 'cascade' && s.stages?.length) {
      const last = s.stages.length - 1;
      if ((s.stages[last].escalate ?? 0) > 0) add(['strategy', 'stages', last, 'escalate'], 'The last cascade stage has no next stage to escalate to; remove `escalate` or add a stage.');
    }
    return out;
  },
};
