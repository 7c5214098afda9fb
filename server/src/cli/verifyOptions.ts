/**
 * The command-line options that `ttc-lens quantize` and `ttc-lens prune` share: how the rewritten model
 * is verified (batches, contexts, bindings, samples, threads, time cap), the fidelity and speed
 * thresholds, --no-verify and --json. Each command walks its arguments with `walkArgs`, handles its own
 * options and hands the rest to `verifyOption`.
 */
import { parseBindings } from '../core/bindings';
import type { Thresholds, VerifyOptions } from '../core/rewrite/verify';

/** The verification part of a rewrite command's parsed arguments. */
export interface VerifyArgs {
  verify: Omit<VerifyOptions, 'original' | 'rewritten'>;
  thresholds: Partial<Thresholds>;
  json: boolean;
  noVerify: boolean;
}

/** Reads the current option's value(s). */
export interface OptionReader {
  /** The next argument, the option's value; throws when there is none. */
  value(): string;
  /** `v` as a finite number ≥ min; throws naming the option otherwise. */
  number(v: string, min: number): number;
  /** The argument at the cursor (the last value read). */
  current(): string;
}

/**
 * Walks `args`: every argument starting with '-' goes to `option`, which returns false for an option
 * it does not know (an error); any other argument goes to `positional`.
 */
export function walkArgs(args: string[], option: (flag: string, r: OptionReader) => boolean, positional: (a: string) => void): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const r: OptionReader = {
      value: () => {
        const v = args[++i];
        if (v === undefined) throw new Error(`${a} needs a value`);
        return v;
      },
      number: (v, min) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < min) throw new Error(`${a} needs a number ≥ ${min}, got '${v}'`);
        return n;
      },
      current: () => args[i],
    };
    if (a.startsWith('-')) {
      if (!option(a, r)) throw new Error(`unknown option '${a}'`);
    } else positional(a);
  }
}

/** A comma-separated list of positive integers (--batch 1,16). */
export const intList = (s: string, what: string): number[] => {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (!v.length || v.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${what} needs positive integers separated by commas, got '${s}'`);
  return v;
};

/** A fresh VerifyArgs with nothing set. */
export const verifyArgs = (): VerifyArgs => ({ verify: {}, thresholds: {}, json: false, noVerify: false });

/**
 * Handles one of the shared verification options into `p` (`bind` collects --bind until
 * `finishVerifyArgs`); false when `flag` is not one of them.
 */
export function verifyOption(flag: string, r: OptionReader, p: VerifyArgs, bind: Record<string, number>): boolean {
  switch (flag) {
    case '--batch':
      p.verify.batches = intList(r.value(), '--batch');
      return true;
    case '--context':
      p.verify.contexts = intList(r.value(), '--context');
      return true;
    case '--bind': {
      const err = parseBindings(r.value(), bind);
      if (err) throw new Error(err);
      return true;
    }
    case '--samples':
      p.verify.samplesPath = r.value();
      return true;
    case '--threads':
      p.verify.session = { threads: Math.floor(r.number(r.value(), 1)) };
      return true;
    case '--max-time':
      p.verify.maxTimeMsPerPoint = Math.min(r.number(r.value(), 1), 3_600_000);
      return true;
    case '--min-sqnr':
      p.thresholds.minSqnrDb = r.number(r.value(), -1000);
      return true;
    case '--min-speedup':
      p.thresholds.minSpeedup = r.number(r.value(), 0);
      return true;
    case '--no-verify':
      p.noVerify = true;
      return true;
    case '--json':
      p.json = true;
      return true;
    default:
      return false;
  }
}

/** Puts the collected --bind values into the verification options (none: no `bind` key). */
export function finishVerifyArgs(p: VerifyArgs, bind: Record<string, number>): void {
  if (Object.keys(bind).length) p.verify.bind = bind;
}

/** JSON has no Infinity: an SQNR of identical outputs is written as the string "Infinity". */
export function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
