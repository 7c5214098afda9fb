/**
 * Decoder timings for models with a KV cache (inputs `past_key_values.*` or `past.*`, outputs
 * `present.*`): prefill T(P) with P new tokens and an empty cache, and decode-step τ(B, c): one new
 * token per sequence after c cached ones. Every point is one shape timed by the same loop as the
 * headline (timing.ts: warm-up until settled, blocks), and the headline's own shape — one decode step
 * of `batch` after `past` cached tokens — is taken from the headline measurement instead of being
 * measured a second time, so the latency line and the grid cannot disagree. Shapes follow the Hugging
 * Face / ORT GenAI layout: KV tensors [batch, kv_heads, past_len, head_dim], `input_ids` /
 * `position_ids` [batch, new], `attention_mask` [batch, past_len + new].
 */
import { DECODE_PAST_DEFAULT } from '../core/onnx/analyze';
import { cleanRuntimeMessage } from '../core/profile/failures';
import { fitDecode, fitPrefill } from '../core/profile/fit';
import { generateTensor, resolveShape, type InputTensor } from '../core/profile/inputs';
import type { DecoderPlan, DecoderProfile, SessionTensorInfo } from '../core/profile/protocol';
import type { LatencyStats } from '../core/profile/stats';
import { toTensor, type Feeds, type Session } from './runtime';
import type { Progress, TimingRule } from './timing';
import { timeRuns } from './timing';

const PAST = /^past(_key_values?)?[._]/i;
const PRESENT = /^present[._]/i;

export function isDecoder(inputs: SessionTensorInfo[], outputs: SessionTensorInfo[]): boolean {
  return inputs.some((i) => PAST.test(i.name)) && outputs.some((o) => PRESENT.test(o.name));
}

/** present.3.key ↔ past_key_values.3.key (same suffix after the prefix). */
export function pairKv(inputs: SessionTensorInfo[], outputs: SessionTensorInfo[]): Map<string, string> {
  const suffix = (n: string, re: RegExp) => n.replace(re, '');
  const pairs = new Map<string, string>();
  for (const o of outputs.filter((x) => PRESENT.test(x.name))) {
    const i = inputs.find((x) => PAST.test(x.name) && suffix(x.name, PAST) === suffix(o.name, PRESENT));
    if (i) pairs.set(o.name, i.name);
  }
  return pairs;
}

export interface Layout {
  past: SessionTensorInfo[];
  ids?: SessionTensorInfo;
  mask?: SessionTensorInfo;
  pos?: SessionTensorInfo;
  others: SessionTensorInfo[];
}

export function layoutOf(inputs: SessionTensorInfo[]): Layout {
  const past = inputs.filter((i) => PAST.test(i.name));
  const rest = inputs.filter((i) => !PAST.test(i.name));
  const ids = rest.find((i) => /input_ids|^ids$|tokens/i.test(i.name));
  const mask = rest.find((i) => /attention_mask|mask/i.test(i.name));
  const pos = rest.find((i) => /position/i.test(i.name));
  return { past, ids, mask, pos, others: rest.filter((i) => i !== ids && i !== mask && i !== pos) };
}

/** Index of the past-length dim in a KV input: the symbolic dim named like a length, else dim -2. */
export function pastDimIndex(t: SessionTensorInfo): number {
  const i = t.shape.findIndex((d, k) => k > 0 && typeof d === 'string' && /past|seq|len|total|cache/i.test(d));
  return i >= 0 ? i : Math.max(1, t.shape.length - 2);
}

/** The headline shape of a decoder: batch, new tokens per step, cached tokens (bound or defaults). */
export interface StepShape {
  batch: number;
  fresh: number;
  past: number;
}

/**
 * Inputs for the headline measurement of a decoder: one decode step (1 new token, batch 1) after a
 * DECODE_PAST_DEFAULT-token cache, unless the caller bound the dims by their symbolic names.
 */
export function decoderStepInputs(inputs: SessionTensorInfo[], bind: Record<string, number>, assumptions: Set<string>, shape?: { value?: StepShape }): InputTensor[] {
  const l = layoutOf(inputs);
  const named = (t: SessionTensorInfo | undefined, i: number) => (t && typeof t.shape[i] === 'string' ? (t.shape[i] as string) : undefined);
  const pick = (name: string | undefined, dflt: number, what: string) => {
    if (name && bind[name] !== undefined) return bind[name];
    assumptions.add(`${name ?? what} = ${dflt} (decoder ${what}; bind it to measure another point)`);
    return dflt;
  };
  const ref = l.ids ?? l.past[0];
  const batch = pick(named(ref, 0), 1, 'batch');
  const fresh = pick(l.ids ? named(l.ids, l.ids.shape.length - 1) : undefined, 1, 'new tokens per step');
  const past = pick(l.past[0] ? named(l.past[0], pastDimIndex(l.past[0])) : undefined, DECODE_PAST_DEFAULT, 'cached tokens');
  if (shape) shape.value = { batch, fresh, past };
  return tensorsFor(l, batch, past, fresh, bind, assumptions);
}

function feedsFor(l: Layout, batch: number, past: number, fresh: number, bind: Record<string, number>, assumptions: Set<string>): Feeds {
  const f: Feeds = {};
  for (const t of tensorsFor(l, batch, past, fresh, bind, assumptions)) f[t.name] = toTensor(t);
  return f;
}

function tensorsFor(l: Layout, batch: number, past: number, fresh: number, bind: Record<string, number>, assumptions: Set<string>): InputTensor[] {
  const f: InputTensor[] = [];
  const dimsFor = (t: SessionTensorInfo, seqLen: number): number[] => {
    const d = resolveShape(t, bind, new Set(), undefined);
    if (d.length > 0) d[0] = batch;
    if (d.length > 1) d[d.length - 1] = seqLen;
    return d;
  };
  const put = (t: InputTensor) => f.push(t);
  if (l.ids) put(generateTensor(l.ids.name, l.ids.dtype, dimsFor(l.ids, fresh)));
  if (l.mask) put(generateTensor(l.mask.name, l.mask.dtype, dimsFor(l.mask, past + fresh)));
  if (l.pos) put(generateTensor(l.pos.name, l.pos.dtype, dimsFor(l.pos, fresh), past));
  for (const t of l.past) {
    // Batch and past length are set just below; only the fixed dims (heads, head size) matter here.
    const d = resolveShape(t, bind, new Set(), undefined);
    d[0] = batch;
    d[pastDimIndex(t)] = past;
    put(generateTensor(t.name, t.dtype, d));
  }
  for (const t of l.others) {
    const d = resolveShape(t, bind, assumptions, undefined);
    put(generateTensor(t.name, t.dtype, d));
  }
  return f;
}

export async function profileDecoder(
  session: Session,
  inputs: SessionTensorInfo[],
  outputs: SessionTensorInfo[],
  bind: Record<string, number>,
  plan: DecoderPlan,
  rule: TimingRule,
  progress: Progress,
  assumptions: Set<string>,
  headline?: { shape: StepShape; stats: LatencyStats },
): Promise<DecoderProfile> {
  const l = layoutOf(inputs);
  const pairs = pairKv(inputs, outputs);
  const notes: string[] = [];
  const prompts = plan.prompts ?? [16, 32, 64, 128]; // 4 points so the 3-parameter fit has a residual
  const batches = plan.batches ?? [1, 2, 4];
  const contexts = plan.contexts ?? [16, 64, 128];
  const points = prompts.length + batches.length * contexts.length;
  const perPoint: TimingRule = { ...rule, maxTimeMs: Math.max(30, rule.maxTimeMs / Math.max(1, points / 2)), warmupRuns: 2, minRuns: Math.min(rule.minRuns, 6) };
  // The headline's shape is a grid point (added when the grid does not have it): measured once.
  const known = headline && headline.shape.fresh === 1 ? headline : undefined;
  const profile: DecoderProfile = {
    layout: { pastInputs: l.past.map((p) => p.name), presentOutputs: [...pairs.keys()], idsInput: l.ids?.name, maskInput: l.mask?.name, positionInput: l.pos?.name },
    prefill: [],
    decode: [],
    notes,
  };
  if (pairs.size !== l.past.length) notes.push(`only ${pairs.size} of ${l.past.length} past inputs have a matching present output`);

  // Prefill: empty cache (past length 0), P new tokens, batch 1.
  let emptyPastOk = true;
  for (const p of prompts) {
    progress(`decoder prefill P=${p}`);
    let feeds = feedsFor(l, 1, 0, p, bind, assumptions);
    try {
      if (emptyPastOk) await session.run(feeds);
    } catch {
      emptyPastOk = false;
      notes.push('the model rejects an empty KV cache; prefill measured with a 1-token past');
    }
    if (!emptyPastOk) feeds = feedsFor(l, 1, 1, p, bind, assumptions);
    try {
      const stats = await timeRuns(() => session.run(feeds), perPoint);
      profile.prefill.push({ prompt: p, stats });
    } catch (e) {
      // Longer prompts fail the same way (e.g. past the model's position table): stop the series.
      notes.push(`prefill P=${p} failed, longer prompts skipped: ${cleanRuntimeMessage(e instanceof Error ? e.message : String(e))}`);
      break;
    }
  }

  // Decode: one new token after c cached ones, batch B; the headline's point comes from the headline.
  const grid = batches.flatMap((b) => contexts.map((c) => ({ b, c })));
  if (known && !grid.some((g) => g.b === known.shape.batch && g.c === known.shape.past)) grid.push({ b: known.shape.batch, c: known.shape.past });
  grid.sort((x, y) => x.b - y.b || x.c - y.c);
  let failedBatch: number | undefined;
  for (const { b, c } of grid) {
    if (b === failedBatch) continue;
    if (known && b === known.shape.batch && c === known.shape.past) {
      profile.decode.push({ batch: b, context: c, stats: known.stats, headline: true });
      continue;
    }
    progress(`decoder step B=${b} c=${c}`);
    try {
      const feeds = feedsFor(l, b, c, 1, bind, assumptions);
      profile.decode.push({ batch: b, context: c, stats: await timeRuns(() => session.run(feeds), perPoint) });
    } catch (e) {
      failedBatch = b;
      notes.push(`decode step B=${b} c=${c} failed, longer contexts skipped: ${cleanRuntimeMessage(e instanceof Error ? e.message : String(e))}`);
    }
  }

  try {
    if (profile.prefill.length >= 3) profile.prefillFit = fitPrefill(profile.prefill.map((p) => ({ prompt: p.prompt, ms: p.stats.p50 })));
    if (profile.decode.length >= 3) profile.decodeFit = fitDecode(profile.decode.map((d) => ({ batch: d.batch, context: d.context, ms: d.stats.p50 })));
  } catch (e) {
    notes.push(`fit failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return profile;
}
