/**
 * Estimates in the editor, as LSP data (pure: the estimate and the parsed config come in): inlay
 * hints after the cost-driving values and model entries, the code lens on the first line, the
 * breakdown appended to hovers on strategy keys, budget diagnostics (on the budget key and on the
 * driving value), and fit-the-budget quick-fixes computed by the estimator.
 */
import { CodeActionKind, DiagnosticSeverity, InlayHintKind, MarkupKind, type CodeAction, type CodeLens, type Diagnostic, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedConfig } from '../core/config/parse';
import type { Breach, Estimate } from '../core/estimate/estimate';
import type { FitSuggestion } from '../core/estimate/fit';
import { fmtBytes, fmtFlops, fmtMs, fmtUsd, shortEstimate } from '../core/estimate/format';
import type { CallKind } from '../core/estimate/plan';

export type HintMode = 'full' | 'compact' | 'off';

/** Keys whose values drive the cost (strategy.*), in the order they are looked for. */
export const COST_KEYS = ['n', 'parallel', 'beam_width', 'num_iterations', 'max_tokens', 'rounds', 'max_tokens_thinking', 'views', 'max_n', 'wave'] as const;

const PROV_MARK: Record<string, string> = { measured: 'measured', interpolated: 'interpolated', extrapolated: 'extrapolated', proxy: 'by proxy', calibrated: 'calibrated', analytic: 'analytic' };

const KIND: Record<CallKind, string> = { prefill: 'Prefill', steps: 'Decode steps', score: 'Verifier', kv_tile: 'KV tiling', kv_gather: 'KV gathers', run: 'Model runs' };

function rangeAt(doc: TextDocument, r: { start: number; end: number }): Range {
  return { start: doc.positionAt(r.start), end: doc.positionAt(r.end) };
}

/** The full breakdown, in Markdown (hover on strategy keys, the hints' tooltip). */
export function estimateMarkdown(e: Estimate): string {
  const L: string[] = [];
  L.push(`**Estimate** (${e.provenance.overall}, ±${Math.round(e.band * 100)}%, ${e.queries} queries drawn)`);
  L.push('');
  L.push('| | p50 | p95 | mean |', '|---|---|---|---|', `| Latency per query | ${fmtMs(e.latency.p50_ms)} | ${fmtMs(e.latency.p95_ms)} | ${fmtMs(e.latency.mean_ms)} |`);
  L.push('');
  L.push('| Call kind | per query | share | provenance |', '|---|---|---|---|');
  const total = e.latency.mean_ms || 1;
  for (const [k, v] of Object.entries(e.breakdown.byKind)) {
    if (!v) continue;
    const prov = e.provenance.calls.filter((c) => c.kind === k).map((c) => PROV_MARK[c.provenance]);
    L.push(`| ${KIND[k as CallKind]} | ${fmtMs(v)} | ${Math.round((v / total) * 100)}% | ${[...new Set(prov)].join(', ')} |`);
  }
  for (const s of e.breakdown.byStage ?? []) L.push(`| Stage ${s.stage + 1} (${s.model}) | ${fmtMs(s.mean_ms)} | reached by ${Math.round(s.reached * 100)}% | |`);
  L.push('');
  const m = e.memory;
  L.push(`**Memory peak** ${fmtBytes(m.peak_bytes)}: weights ${fmtBytes(m.parts.weights)}, KV cache ${fmtBytes(m.parts.kv)}${m.kvPeak.batch ? ` (${m.kvPeak.batch} × ${m.kvPeak.context} tokens at ${m.kvPeak.call})` : ''}, activations/arena ${fmtBytes(m.parts.activations)} (${m.provenance})`);
  L.push('');
  L.push(`**Cost** ${e.cost.per_1k_usd !== undefined ? `${fmtUsd(e.cost.per_1k_usd)} per 1k queries` : 'set `hardware.price_per_hour`'} · **capacity** ${e.capacity_qps.toPrecision(3)} queries/s · **FLOPs** ${fmtFlops(e.flops.per_query_mean)} per query`);
  for (const mg of e.marginals) L.push('', `**Marginal** ${mg.label} ≈ ${mg.ms >= 0 ? '+' : '−'}${fmtMs(Math.abs(mg.ms))} on the mean`);
  if (e.assumptions.length) L.push('', '**Assumed**', ...e.assumptions.map((a) => `- ${a}`));
  if (e.notes.length) L.push('', ...e.notes.map((n) => `- ${n}`));
  const srcs = e.provenance.calls.slice(0, 6).map((c) => `- ${c.model} ${c.kind}: ${c.provenance}${c.sources.length ? ` — ${c.sources.slice(0, 4).join(', ')}${c.sources.length > 4 ? ', …' : ''}` : ''}`);
  if (srcs.length) L.push('', '**Provenance**', ...srcs);
  return L.join('\n');
}

export function inlayHints(doc: TextDocument, parsed: ParsedConfig, e: Estimate, mode: HintMode): InlayHint[] {
  if (mode === 'off') return [];
  const out: InlayHint[] = [];
  const tooltip = { kind: MarkupKind.Markdown, value: estimateMarkdown(e) };
  const prov = e.provenance.overall === 'measured' ? '' : ` (${e.provenance.overall})`;
  const summary = `${shortEstimate(e)}${prov}`;
  const after = (r: { start: number; end: number } | undefined, label: string) => {
    if (!r) return;
    // End of the value's line, so a hint never sits inside a flow mapping.
    const pos = doc.positionAt(r.end);
    const lineEnd = doc.offsetAt({ line: pos.line + 1, character: 0 }) - 1;
    const text = doc.getText();
    let end = Math.max(r.end, lineEnd);
    while (end > r.end && /[\r\n]/.test(text[end - 1] ?? '')) end--;
    out.push({ position: doc.positionAt(Math.min(end, text.length)), label: `  ${label}`, kind: InlayHintKind.Type, paddingLeft: true, tooltip });
  };
  const placed = new Set<number>();
  const at = (path: Array<string | number>, label: string) => {
    const r = parsed.rangeOf(path);
    if (!r) return;
    const line = doc.positionAt(r.end).line;
    if (placed.has(line)) return;
    placed.add(line);
    after(r, label);
  };
  at(['strategy', 'approach'], summary);
  if (mode === 'full') {
    const marginal = new Map(e.marginals.map((m) => [m.knob, m]));
    for (const k of COST_KEYS) {
      const m = marginal.get(k);
      at(['strategy', k], m ? `${m.label} ≈ ${m.ms >= 0 ? '+' : '−'}${fmtMs(Math.abs(m.ms))}` : summary);
    }
    (parsed.config.strategy?.stages ?? []).forEach((_, i) => {
      const s = e.breakdown.byStage?.find((x) => x.stage === i);
      if (s) at(['strategy', 'stages', i, 'escalate'], `stage ${i + 1}: ${fmtMs(s.mean_ms)}/query, reached ${Math.round(s.reached * 100)}%`);
    });
    // Each model entry: its share of the mean query time.
    const byModel = new Map<string, number>();
    for (const c of e.provenance.calls) byModel.set(c.model, (byModel.get(c.model) ?? 0) + c.share);
    for (const name of Object.keys(parsed.config.models)) {
      const share = byModel.get(name);
      if (share === undefined) continue;
      const prov = [...new Set(e.provenance.calls.filter((c) => c.model === name).map((c) => c.provenance))].join('/');
      at(['models', name], `≈ ${fmtMs(share * e.latency.mean_ms)}/query (${Math.round(share * 100)}%, ${prov})`);
    }
  }
  return out;
}

export interface LensContext {
  provider: string;
  threads: number;
  trusted: boolean;
  pending?: boolean;
}

export function codeLenses(e: Estimate | undefined, ctx: LensContext, uri: string): CodeLens[] {
  const range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const out: CodeLens[] = [];
  if (e) {
    const title = `Estimate: ${fmtMs(e.latency.p95_ms)} p95 (${e.provenance.overall}, ${ctx.provider} × ${ctx.threads}) · ${e.cost.per_1k_usd !== undefined ? `${fmtUsd(e.cost.per_1k_usd)}/1k · ` : ''}${fmtBytes(e.memory.peak_bytes)}${e.breaches.some((b) => b.severity === 'error') ? ' · over budget' : ''}`;
    out.push({ range, command: { title, command: 'ttcLens.showEstimate', arguments: [uri] } });
  } else out.push({ range, command: { title: ctx.pending ? 'Estimate: computing…' : 'Estimate: not available (see Problems)', command: 'ttcLens.showOutput' } });
  if (ctx.trusted && e) {
    out.push({ range, command: { title: 'Run Benchmark', command: 'ttcLens.runBenchmark', arguments: [uri] } });
    out.push({ range, command: { title: ctx.pending ? 'Profiling…' : 'Profile', command: 'ttcLens.profileEstimate', arguments: [uri] } });
  }
  return out;
}

/** Keys whose hover gets the breakdown. */
export function isEstimateKey(path: Array<string | number>): boolean {
  if (path[0] !== 'strategy') return false;
  return path.length === 1 || path[1] === 'approach' || (COST_KEYS as readonly string[]).includes(String(path[1])) || path[1] === 'stages';
}

const DRIVING: Record<Breach['budget'], Array<Array<string | number>>> = {
  latency_p50: [['strategy', 'n'], ['strategy', 'num_iterations'], ['strategy', 'max_tokens']],
  latency_p95: [['strategy', 'n'], ['strategy', 'num_iterations'], ['strategy', 'max_tokens']],
  cost_per_1k: [['strategy', 'n'], ['strategy', 'num_iterations'], ['strategy', 'max_tokens']],
  memory: [['strategy', 'parallel'], ['strategy', 'n']],
  qps: [['workload', 'qps']],
  hardware_memory: [['hardware', 'memory']],
};
const BUDGET_KEY: Record<Breach['budget'], Array<string | number>> = {
  latency_p50: ['budget', 'latency', 'p50'],
  latency_p95: ['budget', 'latency', 'p95'],
  cost_per_1k: ['budget', 'cost_per_1k'],
  memory: ['budget', 'memory'],
  qps: ['workload', 'qps'],
  hardware_memory: ['hardware', 'memory'],
};

export const BUDGET_SOURCE = 'ttc-lens estimate';

/** Models whose file changed since they were profiled: an information on their path, fixed by profiling again. */
export function staleDiagnostics(doc: TextDocument, parsed: ParsedConfig, facts: Record<string, { stale?: boolean }>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, f] of Object.entries(facts)) {
    if (!f.stale) continue;
    const r = parsed.rangeOf(['models', name, 'path']) ?? parsed.rangeOf(['models', name]);
    if (!r) continue;
    out.push({ range: rangeAt(doc, r), severity: DiagnosticSeverity.Information, source: BUDGET_SOURCE, code: 'profile-stale', message: `${name}: the model file changed since it was profiled; its calls are estimated analytically until it is profiled again.`, data: { model: name } });
  }
  return out;
}

/** Providers whose calls this machine measures (the CPU one ships with onnxruntime-node everywhere). */
const MEASURED_HERE = new Set(['cpu']);

/** Budget breaches as diagnostics: on the budget's own key and on the value that drives it. */
export function budgetDiagnostics(doc: TextDocument, parsed: ParsedConfig, e: Estimate): Diagnostic[] {
  const out: Diagnostic[] = [];
  const provider = parsed.config.hardware.provider;
  const pr = provider && !MEASURED_HERE.has(provider) ? parsed.rangeOf(['hardware', 'provider']) : undefined;
  if (pr && provider) {
    const hw = parsed.config.hardware;
    const basis = hw.peak_flops || hw.memory_bandwidth ? 'a roofline from hardware.peak_flops / memory_bandwidth' : 'a roofline of an assumed machine (set hardware.peak_flops and memory_bandwidth)';
    out.push({
      range: rangeAt(doc, pr),
      severity: DiagnosticSeverity.Information,
      source: BUDGET_SOURCE,
      code: 'provider-not-measured',
      message: `${provider} is not measured on this machine: the estimate is analytic (${basis}). Use cpu to measure here.`,
      data: { provider },
    });
  }
  for (const b of e.breaches) {
    const severity = b.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
    const where = [BUDGET_KEY[b.budget], ...DRIVING[b.budget]];
    const seen = new Set<string>();
    for (const p of where) {
      const r = parsed.rangeOf(p);
      if (!r) continue;
      const k = `${r.start}:${r.end}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ range: rangeAt(doc, r), severity, source: BUDGET_SOURCE, code: `budget-${b.budget.replace(/_/g, '-')}`, message: `${b.message} (${e.provenance.overall} estimate)`, data: { budget: b.budget } });
      if (p !== BUDGET_KEY[b.budget]) break; // one driving value is enough
    }
  }
  return out;
}

/** Quick-fixes from the estimator's fit search: each title states the new estimate. */
export function fitActions(doc: TextDocument, parsed: ParsedConfig, fixes: FitSuggestion[], diagnostics: Diagnostic[], edits: (knob: string, value: number) => Array<{ range: Range; newText: string }>): CodeAction[] {
  const out: CodeAction[] = [];
  fixes.forEach((f, i) => {
    const e = f.estimate;
    const lat = parsed.config.budget.latency_p95_ms !== undefined ? `p95 ≈ ${fmtMs(e.latency.p95_ms)}, fits ${fmtMs(parsed.config.budget.latency_p95_ms)}` : parsed.config.budget.latency_p50_ms !== undefined ? `p50 ≈ ${fmtMs(e.latency.p50_ms)}, fits ${fmtMs(parsed.config.budget.latency_p50_ms)}` : `p95 ≈ ${fmtMs(e.latency.p95_ms)}`;
    const mem = parsed.config.budget.memory_bytes !== undefined ? `, ${fmtBytes(e.memory.peak_bytes)}` : '';
    const cost = parsed.config.budget.cost_per_1k_usd !== undefined && e.cost.per_1k_usd !== undefined ? `, ${fmtUsd(e.cost.per_1k_usd)}/1k` : '';
    out.push({
      title: `Set ${f.knob} to ${f.to} — ${lat}${mem}${cost}`,
      kind: CodeActionKind.QuickFix,
      diagnostics,
      isPreferred: i === 0,
      edit: { changes: { [doc.uri]: edits(f.knob, f.to) } },
    });
  });
  return out;
}
