/**
 * Did the applied setting deliver? `ttc-lens eval --check` re-runs a config's own strategy at its own
 * N (after `optimize --apply` or the editor's "Use tta, n=2") and compares the measured accuracy with
 * what the quality model fitted to the config's quality data predicted for that setting: inside the
 * fit's 95% band or not. Pure: the run and the model come in.
 */
import type { TtcConfig } from '../config/types';
import type { Prediction } from '../quality/curves';
import type { QualityModel } from '../quality/model';
import type { EvalSetting } from './protocol';
import type { PointRow } from './report';

/** The eval setting that runs the config's own strategy, or why the eval cannot run it. */
export function ownSetting(config: TtcConfig, maxViews: number): EvalSetting | { error: string } {
  const s = config.strategy;
  if (!s) return { error: 'the config has no strategy' };
  const n = s.approach === 'tta' ? (s.views ?? 8) : s.approach === 'early_exit' ? (s.max_n ?? 40) : s.approach === 'single' ? 1 : undefined;
  if (n === undefined) return { error: `the eval runs single, tta and early_exit settings of a text recognizer; the config's ${s.approach} is not one (a cascade is measured by a full \`ttc-lens eval\`)` };
  if (n > maxViews) return { error: `${s.approach} n=${n} needs ${n} views; the eval defines ${maxViews}` };
  return { strategy: n === 1 ? 'single' : (s.approach as EvalSetting['strategy']), n };
}

export interface CheckResult {
  setting: EvalSetting;
  /** The quality model's prediction for the setting (undefined when no curve covers it). */
  predicted?: Prediction & { curve: string };
  measured: { accuracy: number; problems: number; latency_p50_ms: number };
  /** Measured accuracy inside the prediction's 95% band. */
  within?: boolean;
  /** Binomial standard deviation of a measurement on this many problems at the predicted accuracy. */
  samplingSd?: number;
  notes: string[];
}

/**
 * The prediction for `setting` from `model`: its strategy's curve (one pass of a non-generative model
 * is the `single` curve, or tta at n = 1), compared with the measured point.
 */
export function checkSetting(setting: EvalSetting, model: QualityModel, point: PointRow, heldOut: boolean): CheckResult {
  const notes: string[] = [];
  const order = setting.strategy === 'single' ? ['single', 'tta'] : [setting.strategy];
  let predicted: CheckResult['predicted'];
  for (const name of order) {
    const c = model.curves.find((x) => x.strategy === name);
    if (!c) continue;
    const p = c.predict(setting.n);
    if (!Number.isFinite(p.accuracy)) continue;
    predicted = { ...p, curve: `${name} (${c.law}, measured up to n=${c.kMax})` };
    if (p.beyondReach) notes.push(`n=${setting.n} is beyond the ${name} curve's reach (n=${c.reach}): the band is not to be trusted`);
    break;
  }
  if (!predicted) notes.push(`the quality data has no curve for ${setting.strategy}: nothing to compare with`);
  if (!heldOut) notes.push('measured on the lines the quality data came from: a consistency check, not an independent one (give --labels for a held-out set)');
  const measured = { accuracy: point.accuracy, problems: point.problems, latency_p50_ms: point.latency_p50_ms };
  const within = predicted ? measured.accuracy >= predicted.lo - 1e-9 && measured.accuracy <= predicted.hi + 1e-9 : undefined;
  const samplingSd = predicted ? Math.sqrt((predicted.accuracy * (1 - predicted.accuracy)) / point.problems) : undefined;
  return { setting, ...(predicted ? { predicted } : {}), measured, ...(within !== undefined ? { within } : {}), ...(samplingSd !== undefined ? { samplingSd } : {}), notes };
}
