/**
 * The plan options a host derives from what it knows: which models do not generate (from their
 * facts: no KV cache) and the rates an eval measured (from the config's quality data). Every host
 * that plans — the estimator, the pipeline, `bench`, the panel — plans through these, so the calls
 * estimated are the calls run.
 */
import type { MeasuredRate, PlanOptions } from './plan';
import type { ModelFacts } from './price';

export interface MeasuredRates {
  agreement?: MeasuredRate;
  escalate?: MeasuredRate;
}

export function planOptionsOf(models: Record<string, ModelFacts>, rates: MeasuredRates = {}): PlanOptions {
  const runs = new Set(Object.entries(models).filter(([, f]) => f.source !== 'unavailable' && f.kvBytesPerToken === undefined).map(([name]) => name));
  return { runs, ...(rates.agreement ? { agreement: rates.agreement } : {}), ...(rates.escalate ? { escalate: rates.escalate } : {}) };
}

/** The measured rates a plan was made with (later estimates of the same config, and the optimizer's candidates, reuse them). */
export function ratesOfPlan(p: PlanOptions): MeasuredRates {
  return { ...(p.agreement ? { agreement: p.agreement } : {}), ...(p.escalate ? { escalate: p.escalate } : {}) };
}
