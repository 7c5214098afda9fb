/**
 * Small helpers shared by the FLOP rules (flops.ts, attention.ts).
 */
import type { Eval, NodeResult, TType } from './rules';

export type { Eval } from './rules';

/** A tensor type's dims as numbers under `ev`, or undefined if any is unknown. */
export function dimsOf(t: TType | undefined, ev: Eval): number[] | undefined {
  if (!t?.shape) return undefined;
  const out: number[] = [];
  for (const d of t.shape) {
    const v = ev(d);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** An integer attribute of the node, or `def`. */
export const attrInt = (r: NodeResult, name: string, def: number): number => r.node.attributes.find((a) => a.name === name)?.i ?? def;
