/**
 * Applying a recommendation to a config's text: the strategy keys the recommended setting writes are
 * set, the ones it no longer uses removed, through the config edit helper (comments, quoting and
 * layout survive). Shared by the editor's "Use tta, n=2" code action and `ttc-lens optimize --apply`.
 */
import { applyEdits, removeKey, setValue } from '../config/edit';
import type { Strategy } from '../config/types';

export interface StrategyChanges {
  set: Array<[keyof Strategy, string | number]>;
  remove: Array<keyof Strategy>;
}

/** What turns the strategy section `current` into `want` (scalar keys only: a recommendation writes no lists). */
export function strategyChanges(current: Strategy | undefined, want: Strategy): StrategyChanges {
  const cur = (current ?? {}) as unknown as Record<string, unknown>;
  const w = want as unknown as Record<string, unknown>;
  const set = Object.entries(w).filter(([k, v]) => (typeof v === 'string' || typeof v === 'number') && cur[k] !== v) as Array<[keyof Strategy, string | number]>;
  const remove = Object.keys(cur).filter((k) => !(k in w)) as Array<keyof Strategy>;
  return { set, remove };
}

/** The config text with the changes applied one after another, or undefined when any step cannot be written safely. */
export function applyStrategyChanges(text: string, c: StrategyChanges): string | undefined {
  let out = text;
  for (const [k, v] of c.set) {
    const e = setValue(out, ['strategy', k], v);
    if (!e) return undefined;
    out = applyEdits(out, e);
  }
  for (const k of c.remove) {
    const e = removeKey(out, ['strategy', k]);
    if (!e) return undefined;
    out = applyEdits(out, e);
  }
  return out;
}

/** "views 4 → 2, approach single → tta, removed n" for a report line. */
export function describeChanges(current: Strategy | undefined, c: StrategyChanges): string {
  const cur = (current ?? {}) as unknown as Record<string, unknown>;
  const parts = c.set.map(([k, v]) => (cur[k] === undefined ? `${k}: ${v}` : `${k} ${String(cur[k])} → ${v}`));
  if (c.remove.length) parts.push(`removed ${c.remove.join(', ')}`);
  return parts.join(', ');
}
