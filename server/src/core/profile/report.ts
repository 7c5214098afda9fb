/**
 * The Profile Models report (Markdown, shown in VS Code's Markdown preview like Show Model Summary)
 * and the measured section of Show Model Summary: per model p50/p90/p99, runs, CI, threads, the load
 * average, decoder grids as tables, fits; and, plainly, the models that could not be measured and why.
 */
import { decodeFitText, loadText, ms, prefillFitText, threadsText } from './format';
import type { MeasuredProfile } from './protocol';
import type { LatencyStats } from './stats';

/** Why a model of a config is not measured at all (no attempt was made). */
export type SkipKind = 'shape-only' | 'missing' | 'untrusted' | 'not-onnx' | 'outside-workspace';

export interface ReportEntry {
  model: string;
  path: string;
  /** A measurement, or why there is none. */
  profile?: MeasuredProfile;
  cached?: boolean;
  /** Measured but failed (the profiler's sentence). */
  failure?: string;
  skipped?: { kind: SkipKind; reason: string };
}

const esc = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
const pct = (v: number | undefined) => (v === undefined ? '–' : `±${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`);
const ci = (s: LatencyStats) => (s.ci95 ? `${ms(s.ci95[0])}–${ms(s.ci95[1])} (${pct(s.ciRelHalfWidth)})` : '–');

/** The one-line reason (plain text) a skipped model gets, by kind. */
export function skipReason(kind: SkipKind, file: string): string {
  switch (kind) {
    case 'shape-only':
      return `shape-only (config: ${file}): there is no ONNX file to run; its static figures are in the hover and Show Model Summary`;
    case 'missing':
      return `the model file is missing: ${file}`;
    case 'outside-workspace':
      return `${file} is outside the workspace folders; not read (ttcLens.files.allowOutsideWorkspace allows it)`;
    case 'untrusted':
      return 'the workspace is not trusted: TTC Lens never executes a model there (trust the workspace to measure)';
    case 'not-onnx':
      return `not an ONNX file (${file}): only .onnx models can be measured`;
  }
}

/** Latency table + decoder grids + fits + warnings for one measured model (headings at `level`). */
export function measuredSection(p: MeasuredProfile, opts: { cached?: boolean; level?: number; title?: string } = {}): string {
  const h = '#'.repeat(opts.level ?? 3);
  const s = p.stats;
  const lines: string[] = [];
  if (opts.title) lines.push(`${h} ${opts.title}`, '');
  lines.push(
    `| p50 | p90 | p99 | mean ± sd | 95% CI of the median | runs | threads |`,
    `|---:|---:|---:|---:|---|---:|---|`,
    `| ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.mean)} ± ${ms(s.stdev)} | ${ci(s)} | ${s.runs}${s.blocks ? ` in ${s.blocks} blocks` : ''} | ${threadsText(p)} |`,
    '',
    `Inputs: ${p.fed.map((f) => `\`${f.name}\` ${f.dtype}[${f.dims.join(', ')}]`).join(', ')}`,
  );
  const d = p.decoder;
  if (d?.decode.length) {
    const batches = [...new Set(d.decode.map((x) => x.batch))].sort((a, b) => a - b);
    const contexts = [...new Set(d.decode.map((x) => x.context))].sort((a, b) => a - b);
    lines.push('', `${h}# Decode step τ(B, c): p50 per step (one new token after c cached ones)`, '');
    lines.push(`| B \\ c | ${contexts.join(' | ')} |`, `|---|${contexts.map(() => '---:').join('|')}|`);
    for (const b of batches) {
      const cells = contexts.map((c) => {
        const pt = d.decode.find((x) => x.batch === b && x.context === c);
        return pt ? `${ms(pt.stats.p50)}${pt.headline ? ' ★' : ''}` : '–';
      });
      lines.push(`| **${b}** | ${cells.join(' | ')} |`);
    }
    if (d.decode.some((x) => x.headline)) lines.push('', '★ the latency above: the same shape, one measurement.');
    if (d.decodeFit) lines.push('', `Fit: ${decodeFitText(d.decodeFit)} (max error ${pct(d.decodeFit.maxRelError).slice(1)}, R² ${d.decodeFit.r2.toFixed(3)})`);
  }
  if (d?.prefill.length) {
    lines.push('', `${h}# Prefill T(P): P prompt tokens, empty cache, batch 1`, '');
    lines.push('| P | p50 | p90 | 95% CI of the median | runs |', '|---:|---:|---:|---|---:|');
    for (const x of d.prefill) lines.push(`| ${x.prompt} | ${ms(x.stats.p50)} | ${ms(x.stats.p90)} | ${ci(x.stats)} | ${x.stats.runs} |`);
    if (d.prefillFit) lines.push('', `Fit: ${prefillFitText(d.prefillFit)} (max error ${pct(d.prefillFit.maxRelError).slice(1)})`);
  }
  for (const n of d?.notes ?? []) lines.push('', `_Note: ${esc(n)}_`);
  if (p.ops?.top.length) lines.push('', `Top operators: ${p.ops.top.slice(0, 6).map((o) => `${o.op} ${(o.share * 100).toFixed(0)}%`).join(', ')}`);
  if (p.assumptions.length) lines.push('', `Assumed: ${p.assumptions.map(esc).join('; ')}`);
  for (const w of p.warnings) lines.push('', `⚠ ${esc(w)}`);
  const load = loadText(p);
  if (load) lines.push('', `Load: ${load}`);
  lines.push('', `_${esc(p.env.machine.cpuModel)}, ${p.env.machine.physicalCores} physical cores; ONNX Runtime ${p.env.ortVersion}, EP ${p.env.ep}; measured ${p.measuredAt}${opts.cached ? ' (cached: Profile Models with force re-measures)' : ''}_`);
  return lines.join('\n');
}

/** The whole report for one run of Profile Models over `configs` (file names shown in the title). */
export function profileReport(configs: string[], entries: ReportEntry[]): string {
  const measured = entries.filter((e) => e.profile);
  const failed = entries.filter((e) => e.failure);
  const skipped = entries.filter((e) => e.skipped);
  const lines = [`# TTC Lens: profile of ${configs.map((c) => `\`${c}\``).join(', ') || 'no config'}`, ''];
  lines.push(`${measured.length} of ${entries.length} model(s) measured${failed.length ? `, ${failed.length} failed` : ''}${skipped.length ? `, ${skipped.length} cannot be measured` : ''}.`);
  if (measured.length) {
    lines.push('', '| model | p50 | p90 | p99 | 95% CI of the median | runs | threads |', '|---|---:|---:|---:|---|---:|---|');
    for (const e of measured) {
      const s = e.profile!.stats;
      lines.push(`| ${esc(e.model)} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ci(s)} | ${s.runs} | ${threadsText(e.profile!)} |`);
    }
  }
  if (failed.length || skipped.length) {
    lines.push('', '## Not measured', '');
    for (const e of failed) lines.push(`- **${esc(e.model)}**: measuring failed: ${esc(e.failure!)}`);
    for (const e of skipped) lines.push(`- **${esc(e.model)}**: ${esc(e.skipped!.reason)}`);
  }
  for (const e of measured) lines.push('', `## ${esc(e.model)}: \`${esc(e.path)}\``, '', measuredSection(e.profile!, { cached: e.cached, level: 3 }));
  return lines.join('\n');
}
