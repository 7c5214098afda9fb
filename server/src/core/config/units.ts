/**
 * Units as people write them in a config (`2s`, `800ms`, `8GiB`, `$0.40`, `50 GB/s`, `2 TFLOP/s`),
 * normalised to milliseconds, bytes, US dollars, FLOP/s and bytes/s. A plain number is already in the
 * normalised unit. Each parser returns `undefined` for text it does not understand (never throws).
 *
 * The regular expressions here are the same ones the JSON schema uses as `pattern` (see
 * `UNIT_PATTERNS`, checked by test/unit/core/config/units.test.ts), so an editor using the schema
 * alone accepts exactly what TTC Lens accepts.
 */

export type UnitKind = 'duration' | 'bytes' | 'money' | 'flops' | 'bandwidth';

const NUM = '([0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?)';

/** Regex sources (anchored, case-insensitive where noted) also used by schemas/ttc.schema.json. */
export const UNIT_PATTERNS: Record<UnitKind, string> = {
  duration: `^\\s*${NUM}\\s*(us|µs|ms|s|sec|min|h)?\\s*$`,
  bytes: `^\\s*${NUM}\\s*([kKMGTP]i?B|B)?\\s*$`,
  money: `^\\s*\\$?\\s*${NUM}\\s*(USD|usd|\\$)?\\s*$`,
  flops: `^\\s*${NUM}\\s*([kKMGTP]?FLOP(?:/s|S|s)?)?\\s*$`,
  bandwidth: `^\\s*${NUM}\\s*([kKMGTP]i?B/s|B/s)?\\s*$`,
};

/** What a value of each kind looks like, for messages. */
export const UNIT_EXAMPLES: Record<UnitKind, string> = {
  duration: 'a duration such as 800ms, 2s, 1.5min or a number of milliseconds',
  bytes: 'a size such as 512MB, 8GiB or a number of bytes',
  money: 'an amount in US dollars such as $0.40 or 0.4',
  flops: 'a compute rate such as 2 TFLOP/s, 350GFLOPS or a number of FLOP/s',
  bandwidth: 'a bandwidth such as 50 GB/s, 100GiB/s or a number of bytes/s',
};

const DURATION_MS: Record<string, number> = { us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, sec: 1000, min: 60_000, h: 3_600_000 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const BINARY: Record<string, number> = { k: 2 ** 10, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

const compiled = Object.fromEntries(Object.entries(UNIT_PATTERNS).map(([k, v]) => [k, new RegExp(v)])) as Record<UnitKind, RegExp>;

/** Multiplier for a byte-ish unit such as `GiB`, `MB`, `B`, `GB/s` (suffix `/s` ignored). */
function byteScale(unit: string | undefined): number {
  if (!unit) return 1;
  const u = unit.replace(/\/s$/, '');
  if (u === 'B') return 1;
  const prefix = u[0];
  return u[1] === 'i' ? BINARY[prefix] : DECIMAL[prefix];
}

/** Parse a value of the given kind; numbers pass through (must be finite and ≥ 0). */
export function parseUnit(kind: UnitKind, v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = compiled[kind].exec(v);
  if (!m) return undefined;
  const x = Number(m[1]);
  if (!Number.isFinite(x)) return undefined;
  const unit = m[2];
  switch (kind) {
    case 'duration':
      return x * DURATION_MS[unit ?? 'ms'];
    case 'bytes':
    case 'bandwidth':
      return x * byteScale(unit);
    case 'money':
      return x;
    case 'flops':
      return x * (unit ? DECIMAL[unit.match(/^[kKMGTP]?/)![0]] : 1);
  }
}

/** Human text for a normalised amount (used in hovers and messages). */
export function formatUnit(kind: UnitKind, x: number): string {
  const r = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  switch (kind) {
    case 'duration':
      return x >= 1000 ? `${r(x / 1000)} s` : `${r(x)} ms`;
    case 'money':
      return `$${x.toFixed(x < 1 ? 4 : 2)}`;
    case 'bytes':
    case 'bandwidth': {
      const suffix = kind === 'bandwidth' ? '/s' : '';
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
      let i = 0;
      for (; x >= 1024 && i < units.length - 1; i++) x /= 1024;
      return `${r(x)} ${units[i]}${suffix}`;
    }
    case 'flops': {
      const units = ['FLOP/s', 'kFLOP/s', 'MFLOP/s', 'GFLOP/s', 'TFLOP/s', 'PFLOP/s'];
      let i = 0;
      for (; x >= 1000 && i < units.length - 1; i++) x /= 1000;
      return `${r(x)} ${units[i]}`;
    }
  }
}
