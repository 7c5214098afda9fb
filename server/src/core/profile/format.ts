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

export function statsLine(s: LatencyStats): string {
  const ci = s.ci95 ? `, 95% CI of median ${ms(s.ci95[0])}–${ms(s.ci95[1])} (±${pct(s.ciRelHalfWidth ?? 0)})` : '';
  return `p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, mean ${ms(s.mean)} ± ${ms(s.stdev)} (CV ${pct(s.cv)})${ci}; ${s.runs} runs after ${s.warmupRuns} warm-up, stopped by ${s.stoppedBy === 'ci' ? 'CI target' : s.stoppedBy === 'time' ? 'time cap' : 'run cap'}`;
}

export function fingerprintLine(p: MeasuredProfile): string {
  const m = p.env.machine;
  return `${m.cpuModel}, ${m.physicalCores} cores (${m.logicalCores} logical), ${bytes(m.memoryBytes)}, ${m.os} ${m.arch}; ONNX Runtime ${p.env.ortVersion}, EP ${p.env.ep}, ${p.env.threads} threads, graph optimization ${p.env.graphOptimizationLevel}`;
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
    out.push(`decode    ${d.decode.map((x) => `B=${x.batch} c=${x.context} ${ms(x.stats.p50)}`).join(', ')}`);
    if (d.decodeFit) out.push(`fit       τ(B, c) = ${d.decodeFit.a.toFixed(4)} + ${d.decodeFit.b.toFixed(4)}·B + ${d.decodeFit.d.toExponential(3)}·B·c ms (max error ${pct(d.decodeFit.maxRelError)}, R² ${d.decodeFit.r2.toFixed(3)})`);
    if (d.prefillFit) out.push(`fit       T(P) = ${d.prefillFit.a.toFixed(4)} + ${d.prefillFit.b.toExponential(3)}·P + ${d.prefillFit.d.toExponential(3)}·P² ms (max error ${pct(d.prefillFit.maxRelError)})`);
    for (const n of d.notes) out.push(`note      ${n}`);
  }
  out.push(`machine   ${fingerprintLine(p)}`);
  out.push(cached ? `cached    measured ${p.measuredAt} (use --no-cache to measure again)` : `measured  ${p.measuredAt}`);
  return out.join('\n');
}

export function formatMarkdown(p: MeasuredProfile, cached = false): string {
  const s = p.stats;
  const lines = [
    `**Measured on this machine** (${p.env.ep.toUpperCase()}, ${p.env.threads} threads)${cached ? ' · cached' : ''}`,
    '',
    `| p50 | p90 | p99 | mean ± sd | 95% CI (median) | runs |`,
    `|---|---|---|---|---|---|`,
    `| ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} ± ${ms(s.stdev)} | ${s.ci95 ? `${ms(s.ci95[0])}–${ms(s.ci95[1])}` : '–'} | ${s.runs} |`,
  ];
  if (p.ops?.top.length) lines.push('', `Top operators: ${p.ops.top.slice(0, 4).map((o) => `${o.op} ${pct(o.share)}`).join(', ')}`);
  if (p.decoder?.decodeFit) {
    const f = p.decoder.decodeFit;
    lines.push('', `Decode step τ(B, c) ≈ ${f.a.toFixed(3)} + ${f.b.toFixed(3)}·B + ${f.d.toExponential(2)}·B·c ms (fit error ≤ ${pct(f.maxRelError)})`);
  }
  if (p.decoder?.prefill.length) lines.push('', `Prefill: ${p.decoder.prefill.map((x) => `P=${x.prompt} ${ms(x.stats.p50)}`).join(', ')}`);
  if (p.assumptions.length) lines.push('', `Assumed: ${p.assumptions.join('; ')}`);
  for (const w of p.warnings) lines.push('', `⚠ ${w}`);
  lines.push('', `_${fingerprintLine(p)} · ${p.measuredAt}_`);
  return lines.join('\n');
}

export function formatFailure(f: ProfileFailure): string {
  return f.message || failureHeadline(f.kind);
}

export function formatEps(r: EpReport): string {
  return [`ONNX Runtime ${r.ortVersion}`, ...r.eps.map((e) => `  ${e.name.padEnd(9)} ${e.usable ? 'usable' : `unusable: ${e.reason ?? 'unknown reason'}`}`)].join('\n');
}
