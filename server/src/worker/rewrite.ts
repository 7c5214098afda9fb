/**
 * `verifyRewrite`: the checks every rewrite goes through, in the profiler process (the only one that
 * loads ORT):
 * 1. session creation of the rewritten model (ORT is the checker for com.microsoft ops), writing its
 *    optimized graph (`optimizedModelFilePath`) to look for DequantizeLinear left feeding a float
 *    MatMul/Gemm/Conv — a rewrite ORT did not fuse runs slower than the original (DOMAIN.md §5);
 * 2. fidelity: both models on the same inputs (samples or generated; decoders: a prompt prefilled
 *    with an empty cache), every float output compared (core/rewrite/fidelity.ts);
 * 3. speed: original and rewritten timed in alternating blocks in this one process, at each batch
 *    (decoders: the decode step at each batch and cache length, stepped for real as points.ts does),
 *    the speedup and its CI from the paired block medians (core/rewrite/verify.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyFailure, failure } from '../core/profile/failures';
import { buildInputs, generateTensor, loadSamples, resolveShape, type InputTensor } from '../core/profile/inputs';
import { sortedCopy, quantileSorted } from '../core/profile/stats';
import { compareOutput, type OutputFidelity } from '../core/rewrite/fidelity';
import { decodeModel, producers, allGraphs } from '../core/rewrite/model';
import { pairedSpeedup, type AbPoint, type FusionCheck, type VerifyOptions, type VerifyResult } from '../core/rewrite/verify';
import { decoderIo, embeddingRows, Generator, promptIds, type DecoderIo, type GenState } from './generation';
import { isDecoder } from './decoder';
import { MeasureError } from './measure';
import { STEP_WINDOW } from './points';
import { createSession, inputInfos, makeTensor, outputInfos, toFeeds, toTensor, type Session, type Tensor } from './runtime';
import { environment, gcCount, loadAverage, specOf } from './sessions';
import { collectGarbage, type Progress } from './timing';

const FLOAT_CONSUMERS = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose']);
const QUANT_OPS = new Set(['DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'MatMulNBits', 'MatMulInteger', 'DynamicQuantizeLinear', 'QLinearMatMul', 'QLinearConv', 'QGemm', 'DequantizeLinear', 'QuantizeLinear']);

/** Look through an optimized graph for DequantizeLinear → float MatMul/Gemm/Conv. */
export function fusionCheck(optimized: Uint8Array): FusionCheck {
  const m = decodeModel(optimized);
  const unfused: FusionCheck['unfused'] = [];
  const quantOps: Record<string, number> = {};
  for (const g of allGraphs(m.graph)) {
    const prod = producers(g);
    for (const n of g.node) {
      if (QUANT_OPS.has(n.op_type ?? '')) quantOps[n.op_type!] = (quantOps[n.op_type!] ?? 0) + 1;
      if (!FLOAT_CONSUMERS.has(n.op_type ?? '') || (n.domain ?? '') !== '') continue;
      for (const i of n.input) {
        const p = prod.get(i);
        if (p?.op_type === 'DequantizeLinear') unfused.push({ dequantize: p.name || i, consumer: n.name || n.output[0], op: n.op_type! });
      }
    }
  }
  return { ok: unfused.length === 0, unfused, quantOps };
}

export async function verifyRewrite(o: VerifyOptions, progress: Progress): Promise<VerifyResult> {
  const load0 = loadAverage();
  const spec = specOf(o.session);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ttc-verify-'));
  const sessions: Session[] = [];
  try {
    progress('loading the original model');
    let a: Session;
    try {
      a = await createSession(o.original, spec);
    } catch (e) {
      throw new MeasureError(classifyFailure(e, 'load'));
    }
    sessions.push(a);
    progress('loading the rewritten model');
    const optimized = path.join(tmp, 'optimized.onnx');
    let b: Session;
    const t0 = performance.now();
    try {
      b = await createSession(o.rewritten, { ...spec, ...(o.fusionCheck === false ? {} : { optimizedModelFilePath: optimized }) });
    } catch (e) {
      const f = classifyFailure(e, 'load');
      return base({ ok: false, error: f.detail ? `${f.message} (${f.detail.slice(0, 400)})` : f.message }, 'model', [], [], 'generated', '');
    }
    sessions.push(b);
    const session = { ok: true, loadMs: performance.now() - t0 };
    let fusion: FusionCheck | undefined;
    if (o.fusionCheck !== false) {
      try {
        fusion = fusionCheck(readFileSync(optimized));
      } catch {
        fusion = undefined; // ORT wrote nothing readable (e.g. a model over 2 GiB): skip the check
      }
    }
    const ins = inputInfos(a);
    const outs = outputInfos(a);
    const bind = o.bind ?? {};
    const batches = o.batches?.length ? o.batches : [1];
    const cap = o.maxTimeMsPerPoint ?? 4000;
    const target = o.targetCi ?? 0.03;

    if (isDecoder(ins, outs)) {
      const io = guard(() => decoderIo(ins, outs, bind));
      const ga = new Generator(a, io);
      const gb = new Generator(b, decoderIo(inputInfos(b), outputInfos(b), bind));
      const vocab = io.vocab ?? embeddingRows(o.original, io.ids.name) ?? 2;
      progress('comparing outputs');
      const prompt = promptIds(16, vocab);
      const fidelity = compareMaps((await a.run(prefillFeeds(io, prompt))) as Record<string, Tensor>, (await b.run(prefillFeeds(io, prompt))) as Record<string, Tensor>);
      const timing: AbPoint[] = [];
      const contexts = o.contexts?.length ? o.contexts : [128];
      const points = batches.flatMap((batch) => contexts.map((context) => ({ batch, context })));
      for (const [i, p] of points.entries()) {
        progress(`timing decode step B=${p.batch} c=${p.context}`, i / points.length);
        try {
          const ra = stepper(ga, p.batch, p.context, vocab);
          const rb = stepper(gb, p.batch, p.context, vocab);
          timing.push({ ...p, ...(await interleaved(ra, rb, cap, target)) });
        } catch (e) {
          timing.push({ ...p, error: (e instanceof MeasureError ? e.failure : classifyFailure(e, 'run')).message });
        }
      }
      return { ...base(session, 'decoder', timing, fidelity, 'generated', `prompt of ${prompt.length} tokens, empty cache, batch 1`), fusion };
    }

    const samples = o.samplesPath ? await loadSamples(o.samplesPath) : undefined;
    const fidelityBatch = Math.min(16, Math.max(...batches));
    const feedsFor = (batch: number) => buildInputs(ins, { bind, shapes: o.inputShapes, samples, batch }, new Set());
    progress('comparing outputs');
    const fed = guard(() => feedsFor(fidelityBatch));
    const fidelity = await compareRuns(a, b, fed);
    const timing: AbPoint[] = [];
    for (const [i, batch] of batches.entries()) {
      progress(`timing batch ${batch}`, i / batches.length);
      try {
        const feeds = toFeeds(guard(() => feedsFor(batch)));
        timing.push({ batch, ...(await interleaved(() => a.run(feeds), () => b.run(feeds), cap, target)) });
      } catch (e) {
        timing.push({ batch, error: (e instanceof MeasureError ? e.failure : classifyFailure(e, 'run')).message });
      }
    }
    const note = fed.map((t) => `${t.name} [${t.dims.join('×')}]`).join(', ');
    return { ...base(session, 'model', timing, fidelity, samples && samples.size ? 'samples' : 'generated', note), fusion };
  } finally {
    for (const s of sessions) await s.release().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }

  function base(session: VerifyResult['session'], kind: VerifyResult['kind'], timing: AbPoint[], fidelity: OutputFidelity[], inputs: VerifyResult['fidelityInputs'], note: string): VerifyResult {
    progress('done', 1);
    return { original: o.original, rewritten: o.rewritten, session, kind, timing, fidelity, fidelityInputs: inputs, fidelityNote: note, env: environment(spec), load: [load0, loadAverage()] };
  }
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new MeasureError(failure('invalid-input', e instanceof Error ? e.message : String(e)));
  }
}

const FLOAT_OUT = new Set(['float32', 'float64']);

async function compareRuns(a: Session, b: Session, fed: InputTensor[]): Promise<OutputFidelity[]> {
  const feeds = toFeeds(fed);
  const ya = await a.run(feeds);
  const yb = await b.run(feeds);
  return compareMaps(ya as Record<string, Tensor>, yb as Record<string, Tensor>);
}

function compareMaps(ya: Record<string, Tensor>, yb: Record<string, Tensor>): OutputFidelity[] {
  const out: OutputFidelity[] = [];
  for (const [name, t] of Object.entries(ya)) {
    const u = yb[name];
    if (!u || !FLOAT_OUT.has(t.type)) continue;
    out.push(compareOutput(name, t.data as Float32Array, u.data as Float32Array, t.dims));
  }
  return out;
}

/** Feeds of one prefill of `prompt` (batch 1) with an empty cache: what the decoder comparison runs. */
function prefillFeeds(io: DecoderIo, prompt: number[]): Record<string, Tensor> {
  const n = prompt.length;
  const ints = (dtype: string, values: number[]) => (dtype === 'int64' ? BigInt64Array.from(values, BigInt) : Int32Array.from(values));
  const f: Record<string, Tensor> = { [io.ids.name]: makeTensor(io.ids.dtype, ints(io.ids.dtype, prompt), [1, n]) };
  if (io.mask) f[io.mask.name] = makeTensor(io.mask.dtype, ints(io.mask.dtype, prompt.map(() => 1)), [1, n]);
  if (io.pos) f[io.pos.name] = makeTensor(io.pos.dtype, ints(io.pos.dtype, prompt.map((_, i) => i)), [1, n]);
  for (const k of io.kv) f[k.past] = makeTensor(k.dtype, k.dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0), k.dims);
  for (const t of io.others) f[t.name] = toTensor(generateTensor(t.name, t.dtype, resolveShape(t, io.bind, new Set()).map((d, i) => (i === 0 && typeof t.shape[0] === 'string' ? 1 : d))));
  return f;
}

/** A decode step at `batch` rows around `context` cached tokens, the window restarting as in points.ts. */
function stepper(g: Generator, batch: number, context: number, vocab: number): () => Promise<unknown> {
  const start = Math.max(0, context - Math.floor(STEP_WINDOW / 2));
  const initial = g.syntheticState(batch, start, promptIds(1, vocab));
  let st: GenState = initial;
  let k = 0;
  return async () => {
    if (k++ % STEP_WINDOW === 0) st = { ...initial, gen: initial.gen.map((r) => r.slice(0, 1)) };
    st = await g.step(st);
  };
}

const median = (xs: number[]) => quantileSorted(sortedCopy(xs), 0.5);

/**
 * Original (A) and rewritten (B) in alternating blocks (A B, then B A, …: neither always goes first),
 * a garbage collection before each block, outside the clock. Warm-up: runs of each until the
 * collector has run once and at least 3 runs (at most a quarter of the cap). Stops when the
 * speedup's CI is within ±target (at least 6 pairs) or at the time cap.
 */
export async function interleaved(runA: () => Promise<unknown>, runB: () => Promise<unknown>, capMs: number, target: number): Promise<Omit<AbPoint, 'batch' | 'context'>> {
  const timed = async (run: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await run();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const start = performance.now();
  const gc0 = gcCount();
  const warmA: number[] = [];
  const warmB: number[] = [];
  while (warmA.length < 3 || (gcCount() === gc0 && performance.now() - start < capMs / 4)) {
    warmA.push(await timed(runA));
    warmB.push(await timed(runB));
    if (performance.now() - start > capMs / 4 && warmA.length >= 3) break;
  }
  const typical = Math.max(1e-3, median(warmA.slice(-3)) + median(warmB.slice(-3)));
  const perBlock = Math.max(1, Math.min(10, Math.round(capMs / 40 / typical)));
  const blocksA: number[] = [];
  const blocksB: number[] = [];
  const allA: number[] = [];
  const allB: number[] = [];
  const block = async (run: () => Promise<unknown>, all: number[]) => {
    collectGarbage();
    const xs: number[] = [];
    for (let i = 0; i < perBlock; i++) xs.push(await timed(run));
    all.push(...xs);
    return median(xs);
  };
  const t1 = performance.now();
  for (let pair = 0; ; pair++) {
    if (pair % 2 === 0) {
      blocksA.push(await block(runA, allA));
      blocksB.push(await block(runB, allB));
    } else {
      blocksB.push(await block(runB, allB));
      blocksA.push(await block(runA, allA));
    }
    const s = pairedSpeedup(blocksA, blocksB);
    const done = s.pairs >= 6 && s.ci95 && Math.max(s.speedup - s.ci95[0], s.ci95[1] - s.speedup) / s.speedup <= target;
    if (done || (performance.now() - t1 > capMs && s.pairs >= 3)) return { originalMs: median(allA), rewrittenMs: median(allB), ...s };
  }
}
