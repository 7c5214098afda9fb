/**
 * This machine's roofline for analytic estimates: matmul FLOP/s and weight-streaming bandwidth,
 * measured once (per machine, provider and thread count) with two small generated ONNX models run by
 * the profiler process — an MLP at a large batch (compute-bound) and a wide one at batch 1 (its
 * 64 MB of weights are read once per run: bandwidth-bound) — and cached beside the point cache.
 *
 * Plus the fixed costs a roofline does not see, which dominate small calls: a decode step of a
 * 146-node decoder took 0.88 ms here where its FLOPs and bytes account for 0.24 ms. Two tiny
 * generated decoders (1 and 5 layers, width 32: their FLOPs and bytes are negligible) are stepped at
 * B = 1; the slope of step time over their executed node counts is the cost per operator (kernel
 * dispatch, output allocation, the KV concatenation's bookkeeping), the intercept the cost per call
 * (feeds, the token choice, the cache hand-over) — `perNodeMs` and `perCallMs`.
 *
 * And what a decode step pays per byte of KV cache: more than one read at the streaming bandwidth —
 * the cache is concatenated into a new present tensor (read and written), keys are transposed, and
 * attention reads them at small-matrix efficiency (a 10 M decoder's step at B = 8 took 15 ms where its
 * weights and one KV read account for 4.5). A 4-layer, width-256 decoder (8 KiB of KV per token) is
 * stepped at B = 8 at contexts 64 and 512 (33 MB of cache: out of the CPU caches); the difference over
 * the difference in KV bytes is `kvMsPerByte`.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { buildDecoder, buildMlp } from '../onnx/builders';
import { executedNodes, onnxFacts } from './facts';
import { writeModel } from '../onnx/writer';
import { summarizeModelFile } from '../onnx/index';
import { writeFileAtomic } from '../profile/cache';
import { machineFingerprint } from '../profile/fingerprint';
import type { Profiler } from '../profile/client';
import type { Outcome } from '../profile/protocol';
import type { PointsResult, SessionSettings } from './protocol';

export interface Calibration {
  flopsPerSecond: number;
  bytesPerSecond: number;
  /** Fixed cost per executed operator, ms (absent in calibrations cached before it was measured). */
  perNodeMs?: number;
  /** Fixed cost per call beyond its operators, ms. */
  perCallMs?: number;
  /** A decode step's cost per byte of KV cache it reads, ms. */
  kvMsPerByte?: number;
  /** Cost per attention FLOP of a call over T new tokens (prefill, verifier score), ms. */
  attnMsPerFlop?: number;
  threads: number;
  ep: string;
  measuredAt: string;
  load: [number, number];
}

const COMPUTE = { layers: 4, hidden: 512, inputs: 512, outputs: 512, batch: 'batch' as const, seed: 91 };
const STREAM = { layers: 4, hidden: 2048, inputs: 2048, outputs: 2048, batch: 'batch' as const, seed: 92 };
const COMPUTE_BATCH = 256;
/** Decoders too small for FLOPs or bytes to matter: what is left is per-operator and per-call cost. */
const DISPATCH = [1, 5].map((layers) => ({ layers, hidden: 32, heads: 2, kvHeads: 2, vocab: 64, ffn: 64, maxPositions: 256, seed: 93 + layers, name: `dispatch_${layers}` }));
const DISPATCH_CONTEXT = 16;
const KV_DECODER = { layers: 4, hidden: 256, heads: 4, kvHeads: 4, vocab: 64, ffn: 256, maxPositions: 1024, seed: 99, name: 'kv_traffic' };
const KV_BATCH = 8;
const KV_CONTEXTS = [64, 512] as const;

/**
 * Attention over T new tokens (prefill, a verifier's score) grows as T²: per head a T × T score
 * matrix from head-size-wide matmuls and its softmax, far below the GEMM peak. A 2-layer, width-256
 * verifier (8 heads of 32, no KV cache) is scored at B = 1 for T = 64 … 768; the T² coefficient of
 * the least-squares t = a + b·T + c·T², over the attention FLOPs per T² (from its graph), is the
 * cost per attention FLOP.
 */
const ATTN_MODEL = { layers: 2, hidden: 256, heads: 8, kvHeads: 8, vocab: 64, ffn: 256, maxPositions: 1024, rewardHead: true, kvCache: false, seed: 100, name: 'attention' };
const ATTN_TOKENS = [64, 256, 512, 768];

async function attentionCost(mdir: string, request: Request, s: SessionSettings, signal?: AbortSignal): Promise<number | undefined> {
  const file = path.join(mdir, `${ATTN_MODEL.name}.onnx`);
  if (!existsSync(file)) await writeModel(file, buildDecoder(ATTN_MODEL));
  const r = await request<PointsResult>(
    { type: 'points', options: { model: { path: file }, session: s, points: ATTN_TOKENS.map((tokens) => ({ kind: 'score', batch: 1, tokens })), maxTimeMsPerPoint: 1500 } },
    { timeoutMs: 120_000, signal },
  );
  const ys = r.ok ? r.value.results.map((x) => x.stats?.mean) : [];
  if (ys.length !== ATTN_TOKENS.length || ys.some((y) => y === undefined)) return undefined;
  const c = quadraticCoefficient(ATTN_TOKENS, ys as number[]);
  // The verifier's facts price its FLOPs as A·T + B·T(T + 1)/2: the attention's FLOPs per T² are B / 2.
  const B = (await onnxFacts(ATTN_MODEL.name, file, { name: ATTN_MODEL.name })).flops?.perContextToken ?? 0;
  return c !== undefined && c > 0 && B > 0 ? c / (B / 2) : undefined;
}

/** The T² coefficient of the least-squares quadratic through (x, y) (undefined when degenerate). */
export function quadraticCoefficient(xs: readonly number[], ys: readonly number[]): number | undefined {
  // Normal equations for [1, x, x²], solved by Cramer's rule (3 × 3).
  const S = (k: number) => xs.reduce((a, x) => a + x ** k, 0);
  const T = (k: number) => xs.reduce((a, x, i) => a + x ** k * ys[i], 0);
  const m = [
    [S(0), S(1), S(2)],
    [S(1), S(2), S(3)],
    [S(2), S(3), S(4)],
  ];
  const v = [T(0), T(1), T(2)];
  const det = (a: number[][]) => a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  if (!(Math.abs(d) > 0)) return undefined;
  return det(m.map((row, i) => [row[0], row[1], v[i]])) / d;
}

/** Cost per KV byte a step reads, from one decoder's steps at two contexts (undefined when it cannot run). */
async function kvCost(mdir: string, request: Request, s: SessionSettings, signal?: AbortSignal): Promise<number | undefined> {
  const file = path.join(mdir, `${KV_DECODER.name}.onnx`);
  if (!existsSync(file)) await writeModel(file, buildDecoder(KV_DECODER));
  const r = await request<PointsResult>(
    { type: 'points', options: { model: { path: file }, session: s, points: KV_CONTEXTS.map((context) => ({ kind: 'step', batch: KV_BATCH, context })), maxTimeMsPerPoint: 2000 } },
    { timeoutMs: 120_000, signal },
  );
  const [a, b] = r.ok ? r.value.results.map((x) => x.stats?.mean) : [];
  if (a === undefined || b === undefined) return undefined;
  // K and V of every layer: 2 · layers · hidden · 4 bytes per token per sequence.
  const perToken = 2 * KV_DECODER.layers * KV_DECODER.hidden * 4;
  return Math.max(0, (b - a) / (KV_BATCH * (KV_CONTEXTS[1] - KV_CONTEXTS[0]) * perToken));
}


async function ensureModel(dir: string, name: string, spec: Parameters<typeof buildMlp>[0]): Promise<string> {
  const file = path.join(dir, `${name}.onnx`);
  if (!existsSync(file)) await writeModel(file, buildMlp(spec));
  return file;
}

function fileFor(dir: string, s: SessionSettings): string {
  return path.join(dir, `calibration-${machineFingerprint().id}-${s.ep ?? 'cpu'}-${s.threads ?? 0}.json`);
}

const memo = new Map<string, Calibration>();

type Request = <T>(b: unknown, c: { timeoutMs?: number; signal?: AbortSignal }) => Promise<Outcome<T>>;

/** Per-operator and per-call cost from two tiny decoders' steps (undefined when they cannot run). */
async function dispatchCost(mdir: string, request: Request, s: SessionSettings, signal?: AbortSignal): Promise<{ perNodeMs: number; perCallMs: number } | undefined> {
  const xs: Array<{ nodes: number; ms: number }> = [];
  for (const spec of DISPATCH) {
    const file = path.join(mdir, `${spec.name}.onnx`);
    if (!existsSync(file)) await writeModel(file, buildDecoder(spec));
    const r = await request<PointsResult>({ type: 'points', options: { model: { path: file }, session: s, points: [{ kind: 'step', batch: 1, context: DISPATCH_CONTEXT }], maxTimeMsPerPoint: 1500 } }, { timeoutMs: 120_000, signal });
    const st = r.ok ? r.value.results[0]?.stats : undefined;
    if (!st) return undefined;
    xs.push({ nodes: executedNodes(summarizeModelFile(file, { batch: 1, sequence: 1, past_sequence: DISPATCH_CONTEXT, total_sequence: DISPATCH_CONTEXT + 1 })), ms: st.mean });
  }
  const [a, z] = xs;
  if (z.nodes <= a.nodes) return undefined;
  const perNodeMs = Math.max(0, (z.ms - a.ms) / (z.nodes - a.nodes));
  return { perNodeMs, perCallMs: Math.max(0, a.ms - a.nodes * perNodeMs) };
}

export async function cachedCalibration(dir: string, s: SessionSettings): Promise<Calibration | undefined> {
  const file = fileFor(dir, s);
  const known = memo.get(file);
  if (known) return known;
  try {
    const c = JSON.parse(await readFile(file, 'utf8')) as Calibration;
    if (c.flopsPerSecond > 0 && c.bytesPerSecond > 0) {
      memo.set(file, c);
      return c;
    }
  } catch {
    /* not calibrated yet */
  }
  return undefined;
}

export async function calibrate(profiler: Profiler, dir: string, s: SessionSettings, signal?: AbortSignal): Promise<Calibration | undefined> {
  const cached = await cachedCalibration(dir, s);
  if (cached && cached.perNodeMs !== undefined && cached.kvMsPerByte !== undefined && cached.attnMsPerFlop !== undefined) return cached;
  const mdir = path.join(dir, 'calibration-models');
  mkdirSync(mdir, { recursive: true });
  const compute = await ensureModel(mdir, 'mlp-512x4', COMPUTE);
  const stream = await ensureModel(mdir, 'mlp-2048x4', STREAM);
  const request = profiler.pool.request.bind(profiler.pool) as unknown as Request;
  const time = async (model: string, batch: number) => {
    const r = await request<PointsResult>({ type: 'points', options: { model: { path: model }, session: s, points: [{ kind: 'run', batch }], maxTimeMsPerPoint: 2000 } }, { timeoutMs: 120_000, signal });
    return r.ok && r.value.results[0]?.stats ? { ms: r.value.results[0].stats.p50, load: r.value.load } : undefined;
  };
  const c = await time(compute, COMPUTE_BATCH);
  const b = await time(stream, 1);
  if (!c || !b) return undefined;
  const d = await dispatchCost(mdir, request, s, signal);
  const kv = await kvCost(mdir, request, s, signal);
  const attn = await attentionCost(mdir, request, s, signal);
  const flops = summarizeModelFile(compute, { batch: COMPUTE_BATCH }).flops.total;
  const bytes = summarizeModelFile(stream, { batch: 1 }).weightBytes;
  const cal: Calibration = {
    flopsPerSecond: flops / (c.ms / 1000),
    bytesPerSecond: bytes / (b.ms / 1000),
    ...(d ?? {}),
    ...(kv !== undefined ? { kvMsPerByte: kv } : {}),
    ...(attn !== undefined ? { attnMsPerFlop: attn } : {}),
    threads: s.threads ?? 0,
    ep: s.ep ?? 'cpu',
    measuredAt: new Date().toISOString(),
    load: [c.load[0], b.load[1]],
  };
  await writeFileAtomic(fileFor(dir, s), JSON.stringify(cal)).catch(() => undefined);
  memo.set(fileFor(dir, s), cal);
  return cal;
}
