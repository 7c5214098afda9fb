/**
 * Quantize / prune from the editor (`ttcLens/rewriteModel`): write the rewritten model beside the
 * original (core/rewrite; never over it), verify it in the profiler process at the batch sizes and
 * contexts the config's plan really runs (speed A/B, fidelity), point the config at the new file,
 * profile the new model for the estimate, and report — with the edit and the file recorded so that
 * `ttcLens/revertRewrite` undoes both. The code actions that start it are in service/rewrites.ts.
 */
import { type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveModelPath } from '../core/config/parse';
import { removeKey, setValue, type TextEdit } from '../core/config/edit';
import { planQueries } from '../core/estimate/plan';
import { fmtBytes, fmtMs } from '../core/estimate/format';
import type { Estimate } from '../core/estimate/estimate';
import { RewriteError, verifyRewrite, type Verified } from '../core/rewrite/pipeline';
import { rewritePoints, rewriteFile, type RewriteFileResult } from '../core/rewrite/run';
import { RewriteModelRequest, RevertRewriteRequest, type RewriteModelParams, type RewriteModelResult, type RevertRewriteParams } from '../protocol';
import type { Feature, ServerContext } from './context';
import type { EstimateStore } from './estimates';
import { fsPathOf, isTtcDocument } from './host';

function lspEdits(text: string, doc: { positionAt(o: number): { line: number; character: number } }, edits: TextEdit[]) {
  void text;
  return edits.map((t) => ({ range: { start: doc.positionAt(t.range.start), end: doc.positionAt(t.range.end) }, newText: t.newText }));
}

function budgetLine(e: Estimate | undefined, budget: { latency_p95_ms?: number; latency_p50_ms?: number; memory_bytes?: number }): string {
  if (!e) return '';
  const parts: string[] = [];
  if (budget.latency_p95_ms !== undefined) parts.push(`p95 ≈ ${fmtMs(e.latency.p95_ms)} ${e.latency.p95_ms <= budget.latency_p95_ms ? 'fits' : 'exceeds'} ${fmtMs(budget.latency_p95_ms)}`);
  else if (budget.latency_p50_ms !== undefined) parts.push(`p50 ≈ ${fmtMs(e.latency.p50_ms)} ${e.latency.p50_ms <= budget.latency_p50_ms ? 'fits' : 'exceeds'} ${fmtMs(budget.latency_p50_ms)}`);
  else parts.push(`p95 ≈ ${fmtMs(e.latency.p95_ms)}`);
  if (budget.memory_bytes !== undefined) parts.push(`${fmtBytes(e.memory.peak_bytes)} ${e.memory.peak_bytes <= budget.memory_bytes ? 'fits' : 'exceeds'} ${fmtBytes(budget.memory_bytes)}`);
  return parts.join(', ');
}

function register(ctx: ServerContext): void {
  const progressFor = async (token: string | number | undefined, attached: WorkDoneProgressReporter | undefined) =>
    token !== undefined ? (attached ?? ctx.connection.window.attachWorkDoneProgress(token)) : await ctx.connection.window.createWorkDoneProgress().catch(() => undefined);

  ctx.connection.onRequest(RewriteModelRequest, async (params: RewriteModelParams, token: CancellationToken, attached?: WorkDoneProgressReporter): Promise<RewriteModelResult> => {
    const doc = ctx.documents.get(params.uri);
    if (!doc || !isTtcDocument(doc)) return { error: 'the config is not open' };
    if (!ctx.workspaceTrusted) return { error: 'models are rewritten and run only in a trusted workspace' };
    const fsPath = fsPathOf(doc.uri);
    if (!fsPath) return { error: 'save the config first (model paths are relative to its file)' };
    const est = ctx.estimates as EstimateStore | undefined;
    const cur = est ? await est.get(doc) : undefined;
    const parsed = cur?.parsed;
    const entry = parsed?.config.models[params.model];
    if (!parsed || !entry?.path) return { error: `${params.model} is not an ONNX model of this config` };
    const original = resolveModelPath(fsPath, entry.path);
    const ac = new AbortController();
    token?.onCancellationRequested(() => ac.abort());
    const progress = await progressFor(params.workDoneToken, attached);
    (progress as { token?: CancellationToken } | undefined)?.token?.onCancellationRequested(() => ac.abort());
    progress?.begin(`TTC Lens: ${params.kind === 'prune' ? 'pruning' : `quantizing to ${params.kind}`} ${params.model}`, 0, undefined, true);
    let written: RewriteFileResult | undefined;
    try {
      progress?.report(5, 'rewriting the graph');
      try {
        written = await rewriteFile(original, params.kind, { ratio: params.ratio });
      } catch (e) {
        // The CLI's advice (--force) has no editor equivalent: an existing file is never replaced from here.
        return { error: e instanceof RewriteError ? e.message.replace(/; pass --force to replace it$/, '; delete or rename it to rewrite again') : `the rewrite failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (ac.signal.aborted) throw new Cancelled();
      progress?.report(15, 'verifying: session, fusion, fidelity, speed where the plan runs it');
      const w = planQueries(parsed.config, 5, cur?.result?.plan);
      const points = rewritePoints(w, params.model);
      const session = cur?.result?.session;
      // Pruning brings its own thresholds (prunePipeline.ts); int4's judge is the base they override.
      const to = params.kind === 'prune' ? 'int4' : params.kind;
      const verified = await verifyRewrite(
        ctx.profiler().pool,
        { original, rewritten: written.out, session, bind: entry.dims, inputShapes: entry.inputs, ...points, ...(entry.samples ? { samplesPath: resolveModelPath(fsPath, entry.samples) } : {}) },
        to,
        written.thresholds ?? {},
        { signal: ac.signal, onProgress: (m, f) => progress?.report(15 + Math.round((f ?? 0) * 60), m) },
      );
      if (ac.signal.aborted) throw new Cancelled();
      if (!verified.ok) {
        fs.rmSync(written.out, { force: true });
        return { error: `verification failed (${verified.failure.message}); ${path.basename(written.out)} was removed and the config left as it was` };
      }
      // Point the config at the new file (relative, as the user wrote it) and its precision.
      const text = doc.getText();
      const rel = path.relative(path.dirname(fsPath), written.out).split(path.sep).join('/');
      const edits = [...(setValue(text, ['models', params.model, 'path'], rel) ?? [])];
      const precisionEdit = params.kind === 'prune' ? [] : setValue(text, ['models', params.model, 'precision'], params.kind) ?? [];
      const applied = await ctx.connection.workspace.applyEdit({ label: `TTC Lens: use ${path.basename(written.out)}`, edit: { changes: { [doc.uri]: lspEdits(text, doc, mergeEdits(edits, precisionEdit)) } } });
      if (!applied.applied) {
        fs.rmSync(written.out, { force: true });
        return { error: `the config could not be edited (${applied.failureReason ?? 'refused'}); ${path.basename(written.out)} was removed` };
      }
      // Measure the new model for the estimate (the edited document arrives through didChange).
      progress?.report(80, 're-estimating with the new model');
      const after = await waitForChange(ctx, doc.uri, doc.version);
      let estimate: Estimate | undefined;
      if (after && est) {
        const r = await est.profile(after, ac.signal, (m, f) => progress?.report(80 + Math.round((f ?? 0) * 18), m)).catch(() => undefined);
        estimate = r?.result?.estimate;
      }
      const v: Verified = verified.value;
      const line = `${written.line(v)}${estimate ? `; ${budgetLine(estimate, parsed.config.budget)}` : ''}`;
      ctx.revalidateAll();
      return {
        title: `${params.model}: ${line}`,
        verdict: v.judgement.verdict,
        reasons: v.judgement.reasons,
        report: written.report(v),
        file: written.out,
        revert: { uri: doc.uri, model: params.model, path: entry.path, precision: parsed.config.models[params.model].precision ?? null, file: written.out },
      };
    } catch (e) {
      if (written && !(e instanceof Cancelled)) throw e;
      if (written) fs.rmSync(written.out, { force: true });
      return { error: 'cancelled' };
    } finally {
      progress?.done();
    }
  });

  ctx.connection.onRequest(RevertRewriteRequest, async (p: RevertRewriteParams) => {
    const doc = ctx.documents.get(p.uri);
    if (!doc) return { error: 'the config is not open' };
    const fsPath = fsPathOf(doc.uri);
    const text = doc.getText();
    const edits = [...(setValue(text, ['models', p.model, 'path'], p.path) ?? [])];
    const prec = p.precision === null ? removeKey(text, ['models', p.model, 'precision']) : setValue(text, ['models', p.model, 'precision'], p.precision);
    const applied = await ctx.connection.workspace.applyEdit({ label: 'TTC Lens: revert the rewrite', edit: { changes: { [doc.uri]: lspEdits(text, doc, mergeEdits(edits, prec ?? [])) } } });
    // Delete only a file the rewrite wrote: beside the original, named <name>.<int8|int4|pruned…>.onnx, not the original.
    let removed = false;
    const orig = fsPath ? resolveModelPath(fsPath, p.path) : undefined;
    if (orig && path.dirname(p.file) === path.dirname(orig) && p.file !== orig && /\.(int8|int4|pruned[0-9]*)\.onnx$/.test(p.file)) {
      fs.rmSync(p.file, { force: true });
      removed = true;
    }
    ctx.revalidateAll();
    return { applied: applied.applied, removed };
  });
}

class Cancelled extends Error {}

/** Edits from two setValue calls on the same text; overlapping insertions into one map are merged in order. */
function mergeEdits(a: TextEdit[], b: TextEdit[]): TextEdit[] {
  const out = [...a];
  for (const e of b) {
    const same = out.find((x) => x.range.start === e.range.start && x.range.end === e.range.end && x.range.start === x.range.end && e.range.start === e.range.end);
    if (same) same.newText += e.newText;
    else out.push(e);
  }
  return out;
}

/** The document after the server's own edit has come back (bounded wait). */
async function waitForChange(ctx: ServerContext, uri: string, version: number) {
  for (let i = 0; i < 50; i++) {
    const d = ctx.documents.get(uri);
    if (d && d.version !== version) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ctx.documents.get(uri);
}

export const feature: Feature = { capabilities: {}, register };
