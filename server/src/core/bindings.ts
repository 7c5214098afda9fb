/**
 * Symbolic-dimension bindings (`batch=4`), parsed and checked in one place for every surface: the
 * CLI's `--bind`, the `ttcLens.defaultDims` setting, requests from the client. A binding is a name and
 * a positive whole number no larger than MAX_DIM; `-1`, `0`, `1.5`, `1e20` and `0x10` are refused
 * with a message that says so (they used to reach the analysis or the allocator).
 */

/** The largest size a dimension may be bound to (2^31 − 1; ONNX Runtime's own shapes are int64, but no real input is larger). */
export const MAX_DIM = 2 ** 31 - 1;

/** A dimension value from text or a number, or an error message. */
export function parseDim(v: unknown): { value: number } | { error: string } {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  if (text === undefined || !/^\d+$/.test(text)) return { error: `must be a positive whole number, got '${typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 40) : typeof v}'` };
  const n = Number(text);
  if (n < 1) return { error: 'must be at least 1' };
  if (n > MAX_DIM) return { error: `must be at most ${MAX_DIM.toLocaleString('en-US')}` };
  return { value: n };
}

/**
 * Parse `name=value[,name2=value2…]` into `into`; returns an error message for the first bad part.
 */
export function parseBindings(spec: string, into: Record<string, number>): string | undefined {
  for (const part of spec.split(',')) {
    const m = /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(part);
    if (!m) return `--bind expects name=value, got '${part}'`;
    const d = parseDim(m[2]);
    if ('error' in d) return `--bind ${m[1]}: the value ${d.error}`;
    into[m[1]] = d.value;
  }
  return undefined;
}

/** The valid bindings of an untrusted object (settings, request parameters); bad entries are dropped. */
export function validBindings(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'number') continue;
    const d = parseDim(v);
    if ('value' in d) out[k] = d.value;
  }
  return out;
}
