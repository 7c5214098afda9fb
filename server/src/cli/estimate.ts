/**
 * `ttc-lens estimate <config.ttc.yaml> [--json] [--no-profile] [--queries K]`: latency, cost and memory
 * of a config's strategy on this machine. The grid points the plan uses are measured once in the
 * profiler process and cached; `--no-profile` uses only what the cache holds, analytic elsewhere.
 * Exit 1 when a budget is breached (or the config has errors), 2 on usage errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../core/config/parse';
import type { TtcConfig } from '../core/config/types';
import { createProfiler, type Profiler } from '../core/profile/client';
import { runPipeline, type PipelineResult } from '../core/estimate/pipeline';
import { estimateJson, formatEstimateText } from '../core/estimate/format';

const USAGE = `Usage: ttc-lens estimate <config.ttc.yaml> [options]

Latency (p50/p95/mean per query), cost per 1,000 queries, memory peak, capacity and FLOPs of the
config's test-time strategy, from the model calls it makes (docs/estimates.md). The call shapes the
plan uses are measured on this machine (cached); shape-only models and providers this machine lacks
are estimated analytically (roofline), and every figure says which.

Options:
  --json              Print the estimate as JSON (docs/cli.md).
  --no-profile        Do not run anything: use cached measurements, analytic elsewhere.
  --queries K         Queries drawn for the latency distribution (default 20, as bench).
  --max-point-ms MS   Time cap per measured grid point (default 1500).
  --cache-dir DIR     Measurement cache (default $XDG_CACHE_HOME/ttc-lens).
  -h, --help          Show this help.

Exit codes: 0 fits the budget, 1 a budget is breached or the config has errors, 2 bad arguments.`;

export interface ConfigArgs {
  config?: string;
  json: boolean;
  profile: boolean;
  queries?: number;
  maxPointMs?: number;
  cacheDir?: string;
  rest: string[];
}

export function parsePositiveInt(flag: string, v: string | undefined, max = 1_000_000): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`${flag} expects a whole number between 1 and ${max}, got '${v ?? ''}'`);
  return Number(v);
}

/** Flags shared by estimate and bench; unknown flags are returned in `rest` for the caller. */
export function parseConfigArgs(args: string[], known: string[] = []): ConfigArgs {
  const out: ConfigArgs = { json: false, profile: true, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? args[++i];
    if (flag === '--json') out.json = true;
    else if (flag === '--no-profile') out.profile = false;
    else if (flag === '--queries') out.queries = parsePositiveInt('--queries', val(), 100_000);
    else if (flag === '--max-point-ms') out.maxPointMs = parsePositiveInt('--max-point-ms', val(), 600_000);
    else if (flag === '--cache-dir') out.cacheDir = val();
    else if (known.includes(flag)) out.rest.push(flag, ...(known.includes(`${flag}=`) ? [val()] : inline !== undefined ? [inline] : []));
    else if (a.startsWith('-')) throw new Error(`unknown option '${a}'`);
    else if (out.config) throw new Error(`one config at a time (got '${out.config}' and '${a}')`);
    else out.config = a;
  }
  if (!out.config) throw new Error('which config? (a *.ttc.yaml file)');
  return out;
}

export interface LoadedConfig {
  file: string;
  config: TtcConfig;
  errors: string[];
}

/** Read and parse a config; errors are returned as `file:line:col message` lines. */
export function loadConfig(file: string): LoadedConfig {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return { file: abs, config: { version: 1, models: {}, workload: {}, hardware: {}, budget: {} }, errors: [`${file}: no such file`] };
  }
  if (!st.isFile()) return { file: abs, config: { version: 1, models: {}, workload: {}, hardware: {}, budget: {} }, errors: [`${file}: not a regular file`] };
  if (st.size > 4 * 1024 * 1024) return { file: abs, config: { version: 1, models: {}, workload: {}, hardware: {}, budget: {} }, errors: [`${file}: ${Math.round(st.size / 1048576)} MB is too large for a TTC config`] };
  const text = fs.readFileSync(abs, 'utf8');
  const parsed = parseConfig(text);
  const errors = parsed.problems
    .filter((p) => p.severity === 'error')
    .map((p) => {
      const before = text.slice(0, p.range.start);
      const line = before.split('\n').length;
      const col = p.range.start - before.lastIndexOf('\n');
      return `${file}:${line}:${col} ${p.message}`;
    });
  if (!parsed.config.strategy && errors.length === 0) errors.push(`${file}: the config has no strategy to estimate`);
  return { file: abs, config: parsed.config, errors };
}

export async function withProfiler<T>(cacheDir: string | undefined, fn: (p: Profiler, signal: AbortSignal) => Promise<T>): Promise<T> {
  const profiler = createProfiler({ cacheDir, log: (l) => process.env.TTC_LENS_DEBUG && process.stderr.write(`${l}\n`) });
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(profiler, ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await profiler.dispose();
  }
}

export function progressLine(json: boolean): ((m: string, f?: number) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return (m, f) => process.stderr.write(`\r\x1b[K${f !== undefined ? `${Math.round(f * 100)}% ` : ''}${m}`.slice(0, 200));
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let a: ConfigArgs;
  try {
    a = parseConfigArgs(args);
  } catch (e) {
    process.stderr.write(`ttc-lens estimate: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const loaded = loadConfig(a.config!);
  if (loaded.errors.length) {
    for (const e of loaded.errors) process.stderr.write(`${e}\n`);
    process.stderr.write(`ttc-lens estimate: fix the errors above first (ttc-lens check ${a.config}).\n`);
    return 1;
  }
  const progress = progressLine(a.json);
  const r: PipelineResult = await withProfiler(a.cacheDir, (profiler, signal) =>
    runPipeline({ config: loaded.config, configPath: loaded.file, profiler, profile: a.profile, queries: a.queries, signal, onProgress: progress, maxTimeMsPerPoint: a.maxPointMs }),
  );
  if (progress) process.stderr.write('\r\x1b[K');
  for (const f of r.failures) process.stderr.write(`ttc-lens estimate: ${f.model} could not be measured: ${f.failure.message}\n`);
  const e = r.estimate;
  if (a.json) process.stdout.write(JSON.stringify({ config: loaded.file, ...estimateJson(e), profiled: { measured_points: r.measured, cached_points: r.cached } }, null, 2) + '\n');
  else process.stdout.write(formatEstimateText(e, path.relative(process.cwd(), loaded.file) || loaded.file) + `\nProfile            ${r.measured} grid point(s) measured now, ${r.cached} from the cache\n`);
  return e.breaches.some((b) => b.severity === 'error') ? 1 : 0;
}
