/** Human renderings of a measured profile: plain text for the CLI, Markdown for the hover. */
import { failureHeadline } from './failures';
import type { EpReport, MeasuredProfile, ProfileFailure } from './protocol';
import type { LatencyStats } from './stats';

export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 1) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(3)} ms`;
}

const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;

function bytes(n: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

/**
 * A fit coefficient, readable: 3 significant digits (2 below 0.01), plain decimals down to 1e-4,
 * e.g. 0.9726 → 0.973, 1.605e-3 → 0.0016, 5.536e-4 → 0.00055, 2.3e-6 → 2.3e-6.
 */
export function coef(v: number): string {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return String(a);
  if (a >= 1e-4) return String(Number(a.toPrecision(a >= 0.01 ? 3 : 2)));
  return a.toExponential(1);
}

/** `a + b·x − d·y`: terms with real minus signs, e.g. poly([[0.9726, ''], [-1.605e-3, 'P']]) = '0.973 − 0.0016·P'. */
export function poly(terms: Array<[number, string]>): string {
  return terms
    .map(([v, x], i) => `${i === 0 ? (v < 0 ? '−' : '') : v < 0 ? ' − ' : ' + '}${coef(v)}${x ? `·${x}` : ''}`)
    .join('');
}

export function decodeFitText(f: { a: number; b: number; d: number }): string {
  return `τ(B, c) = ${poly([[f.a, ''], [f.b, 'B'], [f.d, 'B·c']])} ms`;
}

export function prefillFitText(f: { a: number; b: number; d: number }): string {
  return `T(P) = ${poly([[f.a, ''], [f.b, 'P'], [f.d, 'P²']])} ms`;
}

const stopped = (s: LatencyStats) => (s.stoppedBy === 'ci' ? 'CI target' : s.stoppedBy === 'time' ? 'time cap' : 'run cap');

export function statsLine(s: LatencyStats): string {
  const ci = s.ci95 ? `, 95% CI of median ${ms(s.ci95[0])}–${ms(s.ci95[1])} (±${pct(s.ciRelHalfWidth ?? 0)})` : '';
  const blocks = s.blocks ? ` in ${s.blocks} blocks` : '';
  return `p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, mean ${ms(s.mean)} ± ${ms(s.stdev)} (CV ${pct(s.cv)})${ci}; ${s.runs} runs${blocks} after ${s.warmupRuns} warm-up, stopped by ${stopped(s)}`;
}

/** Threads measured with, and the asked number when it was more than the cores. */
export function threadsText(p: MeasuredProfile): string {
  return `${p.env.threads} thread${p.env.threads === 1 ? '' : 's'}${p.env.threadsAsked ? ` (${p.env.threadsAsked} asked; capped at the physical cores)` : ''}`;
}

/** The load average while measuring: `1.23 at start, 2.01 at end (1-minute) on 2 cores — busy`. */
export function loadText(p: MeasuredProfile): string | undefined {
  const l = p.env.load;
  if (!l) return undefined;
  return `${l.start[0].toFixed(2)} at start, ${l.end[0].toFixed(2)} at end (1-minute load average) on ${p.env.machine.logicalCores} logical cores${p.env.busy ? ' — busy: other work competed for the cores' : ''}`;
}

export function fingerprintLine(p: MeasuredProfile): string {
  const m = p.env.machine;
  return `${m.cpuModel}, ${m.physicalCores} cores (${m.logicalCores} logical), ${bytes(m.memoryBytes)}, ${m.os} ${m.arch}; ONNX Runtime ${p.env.ortVersion}, EP ${p.env.ep}, ${threadsText(p)}, graph optimization ${p.env.graphOptimizationLevel}`;
}

export function formatText(p: MeasuredProfile, cached = false): string {
  const out: string[] = [];
  out.push(`model     ${p.modelPath} (${bytes(p.modelBytes)}), loaded in ${ms(p.loadMs)}`);
  out.push(`inputs    ${p.fed.map((f) => `${f.name} ${f.dtype}[${f.dims.join(',')}]${f.source === 'samples' ? ' (samples)' : ''}`).join(', ')}`);
  for (const a of p.assumptions) out.push(`assumed   ${a}`);
  for (const w of p.warnings) out.push(`warning   ${w}`);
  out.push(`latency   ${statsLine(p.stats)}`);
  if (p.ops?.top.length) {
    out.push(`operators ${p.ops.top
      .slice(0, 6)
      .map((o) => `${o.op} ${pct(o.share)} (${ms(o.ms)}/run, ${o.calls} call${o.calls === 1 ? '' : 's'})`)
      .join(', ')}`);
  }
  for (const s of p.sweeps ?? []) {
    out.push(`sweep     ${s.name}: ${s.points.map((pt) => `${pt.value} → ${ms(pt.stats.p50)}`).join(', ')}${s.error ? ` (${s.error})` : ''}`);
  }
  const d = p.decoder;
  if (d) {
    out.push(`prefill   ${d.prefill.map((x) => `P=${x.prompt} ${ms(x.stats.p50)}`).join(', ')}`);
    out.push(`decode    ${d.decode.map((x) => `B=${x.batch} c=${x.context} ${ms(x.stats.p50)}${x.headline ? ' (= latency)' : ''}`).join(', ')}`);
    if (d.decodeFit) out.push(`fit       ${decodeFitText(d.decodeFit)} (max error ${pct(d.decodeFit.maxRelError)}, R² ${d.decodeFit.r2.toFixed(3)})`);
    if (d.prefillFit) out.push(`fit       ${prefillFitText(d.prefillFit)} (max error ${pct(d.prefillFit.maxRelError)})`);
    for (const n of d.notes) out.push(`note      ${n}`);
  }
  out.push(`machine   ${fingerprintLine(p)}`);
  const load = loadText(p);
  if (load) out.push(`load      ${load}`);
  out.push(cached ? `cached    measured ${p.measuredAt} (use --no-cache to measure again)` : `measured  ${p.measuredAt}`);
  return out.join('\n');
}

export function formatMarkdown(p: MeasuredProfile, cached = false): string {
  const s = p.stats;
  const lines = [
    `**Measured on this machine** (${p.env.ep.toUpperCase()}, ${threadsText(p)})${cached ? ' · cached' : ''}`,
    '',
    `| p50 | p90 | p99 | mean ± sd | 95% CI (median) | runs |`,
    `|---|---|---|---|---|---|`,
    `| ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} ± ${ms(s.stdev)} | ${s.ci95 ? `${ms(s.ci95[0])}–${ms(s.ci95[1])}` : '–'} | ${s.runs} |`,
  ];
  if (p.ops?.top.length) lines.push('', `Top operators: ${p.ops.top.slice(0, 4).map((o) => `${o.op} ${pct(o.share)}`).join(', ')}`);
  if (p.decoder?.decodeFit) {
    const f = p.decoder.decodeFit;
    lines.push('', `Decode step ${decodeFitText(f)} (fit error ≤ ${pct(f.maxRelError)})`);
  }
  if (p.decoder?.prefill.length) lines.push('', `Prefill: ${p.decoder.prefill.map((x) => `P=${x.prompt} ${ms(x.stats.p50)}`).join(', ')}`);
  if (p.assumptions.length) lines.push('', `Assumed: ${p.assumptions.join('; ')}`);
  for (const w of p.warnings) lines.push('', `⚠ ${w}`);
  const load = loadText(p);
  lines.push('', `_${fingerprintLine(p)}${load ? ` · load ${load}` : ''} · ${p.measuredAt}_`);
  return lines.join('\n');
}

export function formatFailure(f: ProfileFailure): string {
  return f.message || failureHeadline(f.kind);
}

export function formatEps(r: EpReport): string {
  return [`ONNX Runtime ${r.ortVersion}`, ...r.eps.map((e) => `  ${e.name.padEnd(9)} ${e.usable ? 'usable' : `unusable: ${e.reason ?? 'unknown reason'}`}`)].join('\n');
}
