/**
 * Structured-pruning benchmark rows for `npm run bench -- rewrite` (issue 13): 50% of the hidden units
 * of a 4×(768→3072→768) residual FFN stack removed by pruneModel, timed against the original in one
 * process, interleaved (A then B, B then A, alternating), at batch 1 and 64, one intra-op thread. Also
 * the same stack with 50% of its weights zeroed (unstructured magnitude pruning), to show why that is
 * not offered: ORT CPU multiplies the zeros anyway.
 *
 * Each row: median ms of both, speedup = median of the per-round A/B ratios with a bootstrap 95%
 * interval, and the load average before and after (a busy machine widens the interval, not the ratio).
 * Run alone: `npx tsx bench/rewritePrune.ts` prints the rows as JSON.
 */
import { loadavg } from 'node:os';
import { GraphBuilder, mulberry32 } from '../server/src/core/onnx/builders';
import { DataType, serializeModel, type ModelSpec } from '../server/src/core/onnx/writer';
import { decodeModel, encodeModel, floatValues, makeTensor } from '../server/src/core/rewrite/model';
import { pruneBytes } from '../server/src/core/rewrite/prune';
import { createSession, makeTensor as ortTensor, type Session } from '../server/src/worker/runtime';

export interface PruneBenchRow {
  name: string;
  batch: number;
  baselineMs: number;
  rewrittenMs: number;
  speedup: number;
  speedupCi95: [number, number];
  rounds: number;
  /** The goal for this row (structured 50%: ≥ 1.7×), when it has one. */
  goal?: number;
  parametersRemoved: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

/** x [batch, d] → 4 × (x + W2·relu(W1·x + b1) + b2) → y: the FFN of a transformer block, residual included. */
export function buildFfnStack(layers = 4, d = 768, f = 3072, seed = 13): ModelSpec {
  const b = new GraphBuilder(mulberry32(seed));
  let x = 'x';
  for (let i = 0; i < layers; i++) {
    const h = b.op('Relu', [b.op('Add', [b.op('MatMul', [x, b.weight(`ffn${i}.w1`, [d, f], 1 / Math.sqrt(d))]), b.weight(`ffn${i}.b1`, [f], 0.02)])]);
    const o = b.op('Add', [b.op('MatMul', [h, b.weight(`ffn${i}.w2`, [f, d], 1 / Math.sqrt(f))]), b.weight(`ffn${i}.b2`, [d], 0.02)]);
    x = b.op('Add', [x, o], undefined, i === layers - 1 ? 'y' : undefined);
  }
  return { opsets: { '': 17 }, graph: b.graph('ffn_stack', [{ name: 'x', dtype: DataType.FLOAT, shape: ['batch', d] }], [{ name: 'y', dtype: DataType.FLOAT, shape: ['batch', d] }]) };
}

/** The same model with the smallest-magnitude `ratio` of every 2-D weight set to zero (what we do not offer). */
function zeroSmallest(bytes: Uint8Array, ratio: number): Uint8Array {
  const m = decodeModel(bytes);
  m.graph.initializer = m.graph.initializer.map((t) => {
    if ((t.dims ?? []).length !== 2) return t;
    const v = floatValues(t).slice();
    const cut = Float32Array.from(v, Math.abs).sort()[Math.floor(v.length * ratio)];
    for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) < cut) v[i] = 0;
    return makeTensor(t.name ?? '', (t.dims ?? []).map(Number), v);
  });
  return encodeModel(m);
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function bootstrapCi(ratios: number[], rand: () => number): [number, number] {
  const meds: number[] = [];
  for (let r = 0; r < 400; r++) meds.push(median(ratios.map(() => ratios[Math.floor(rand() * ratios.length)])));
  meds.sort((x, y) => x - y);
  return [meds[Math.floor(0.025 * meds.length)], meds[Math.floor(0.975 * meds.length)]];
}

async function timeOnce(s: Session, feeds: Record<string, ReturnType<typeof ortTensor>>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await s.run(feeds);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function abRows(name: string, a: Uint8Array, b: Uint8Array, batches: number[], rounds: (batch: number) => number, extra: { goal?: number; parametersRemoved: number }): Promise<PruneBenchRow[]> {
  const spec = { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' as const };
  const [sa, sb] = [await createSession(a, spec), await createSession(b, spec)];
  const rows: PruneBenchRow[] = [];
  try {
    for (const batch of batches) {
      const rand = mulberry32(batch);
      const x = ortTensor('float32', Float32Array.from({ length: batch * 768 }, () => rand() * 2 - 1), [batch, 768]);
      const feeds = { x };
      for (let i = 0; i < 3; i++) {
        await sa.run(feeds);
        await sb.run(feeds);
      }
      const before = loadavg();
      const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
      const n = rounds(batch);
      for (let r = 0; r < n; r++) {
        let x1: number, x2: number;
        if (r % 2 === 0) {
          x1 = await timeOnce(sa, feeds);
          x2 = await timeOnce(sb, feeds);
        } else {
          x2 = await timeOnce(sb, feeds);
          x1 = await timeOnce(sa, feeds);
        }
        ta.push(x1);
        tb.push(x2);
        ratio.push(x1 / x2);
      }
      const round3 = (v: number) => Math.round(v * 1000) / 1000;
      const ci = bootstrapCi(ratio, mulberry32(7));
      rows.push({
        name, batch, baselineMs: round3(median(ta)), rewrittenMs: round3(median(tb)), speedup: round3(median(ratio)), speedupCi95: [round3(ci[0]), round3(ci[1])],
        rounds: n, ...extra, loadavgBefore: before.map(round3), loadavgAfter: loadavg().map(round3),
      });
    }
  } finally {
    await sa.release();
    await sb.release();
  }
  return rows;
}

/** The pruning rows of the rewrite bench. `rounds` per batch size (default 60 at batch 1, 20 at batch 64). */
export async function pruneBenchRows(opts: { batches?: number[]; rounds?: (batch: number) => number; unstructured?: boolean } = {}): Promise<PruneBenchRow[]> {
  const batches = opts.batches ?? [1, 64];
  const rounds = opts.rounds ?? ((b: number) => (b <= 1 ? 60 : 20));
  const original = serializeModel(buildFfnStack()).model;
  const { bytes: pruned, report } = pruneBytes(original, { ratio: 0.5 });
  const rows = await abRows('prune 50% (structured) ffn 4×768→3072', original, pruned, batches, rounds, { goal: 1.7, parametersRemoved: report.parametersRemoved });
  if (opts.unstructured ?? true) {
    rows.push(...(await abRows('zero 50% (unstructured, not offered) ffn 4×768→3072', original, zeroSmallest(original, 0.5), batches, rounds, { parametersRemoved: 0 })));
  }
  return rows;
}

if (require.main === module) {
  pruneBenchRows().then((rows) => process.stdout.write(JSON.stringify(rows, null, 2) + '\n'), (e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exitCode = 1;
  });
}
