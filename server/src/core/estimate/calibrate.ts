/**
 * This machine's roofline for analytic estimates: matmul FLOP/s and weight-streaming bandwidth,
 * measured once (per machine, provider and thread count) with two small generated ONNX models run by
 * the profiler process — an MLP at a large batch (compute-bound) and a wide one at batch 1 (its
 * 64 MB of weights are read once per run: bandwidth-bound) — and cached beside the point cache.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { buildMlp } from '../onnx/builders';
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
  threads: number;
  ep: string;
  measuredAt: string;
  load: [number, number];
}

const COMPUTE = { layers: 4, hidden: 512, inputs: 512, outputs: 512, batch: 'batch' as const, seed: 91 };
const STREAM = { layers: 4, hidden: 2048, inputs: 2048, outputs: 2048, batch: 'batch' as const, seed: 92 };
const COMPUTE_BATCH = 256;

async function ensureModel(dir: string, name: string, spec: Parameters<typeof buildMlp>[0]): Promise<string> {
  const file = path.join(dir, `${name}.onnx`);
  if (!existsSync(file)) await writeModel(file, buildMlp(spec));
  return file;
}

function fileFor(dir: string, s: SessionSettings): string {
  return path.join(dir, `calibration-${machineFingerprint().id}-${s.ep ?? 'cpu'}-${s.threads ?? 0}.json`);
}

const memo = new Map<string, Calibration>();

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
  if (cached) return cached;
  const mdir = path.join(dir, 'calibration-models');
  mkdirSync(mdir, { recursive: true });
  const compute = await ensureModel(mdir, 'mlp-512x4', COMPUTE);
  const stream = await ensureModel(mdir, 'mlp-2048x4', STREAM);
  const request = profiler.pool.request.bind(profiler.pool) as unknown as <T>(b: unknown, c: { timeoutMs?: number; signal?: AbortSignal }) => Promise<Outcome<T>>;
  const time = async (model: string, batch: number) => {
    const r = await request<PointsResult>({ type: 'points', options: { model: { path: model }, session: s, points: [{ kind: 'run', batch }], maxTimeMsPerPoint: 2000 } }, { timeoutMs: 120_000, signal });
    return r.ok && r.value.results[0]?.stats ? { ms: r.value.results[0].stats.p50, load: r.value.load } : undefined;
  };
  const c = await time(compute, COMPUTE_BATCH);
  const b = await time(stream, 1);
  if (!c || !b) return undefined;
  const flops = summarizeModelFile(compute, { batch: COMPUTE_BATCH }).flops.total;
  const bytes = summarizeModelFile(stream, { batch: 1 }).weightBytes;
  const cal: Calibration = {
    flopsPerSecond: flops / (c.ms / 1000),
    bytesPerSecond: bytes / (b.ms / 1000),
    threads: s.threads ?? 0,
    ep: s.ep ?? 'cpu',
    measuredAt: new Date().toISOString(),
    load: [c.load[0], b.load[1]],
  };
  await writeFileAtomic(fileFor(dir, s), JSON.stringify(cal)).catch(() => undefined);
  memo.set(fileFor(dir, s), cal);
  return cal;
}
