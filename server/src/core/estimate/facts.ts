/**
 * Static facts of the models a config names, for the estimator: weight bytes, KV bytes per token,
 * activations and analytic FLOPs — from the ONNX graph (core/onnx) or from a shape-only description
 * (core/model). Reads files (the CLI and the server's host call this; the service never does).
 */
import type { ModelEntry as ModelSpec, TtcConfig } from '../config/types';
import { resolveModelPath } from '../config/parse';
import { summarizeModelFile, type ModelSummary } from '../onnx/index';

/** Static analysis of a model file at some bindings (the server passes its off-thread analyser). */
export type Summarize = (file: string, bind: Record<string, number>) => Promise<ModelSummary>;
export const summarizeInProcess: Summarize = async (file, bind) => summarizeModelFile(file, bind);
import { readSmallTextFile } from '../model/files';
import { modelStats, parseGeometryText, PRECISION_BYTES } from '../model/geometry';
import type { ModelFacts } from './price';

export async function onnxFacts(name: string, file: string, spec: ModelSpec, summarize: Summarize = summarizeInProcess): Promise<ModelFacts> {
  const notes: string[] = [];
  const bind = { ...(spec.dims ?? {}) };
  const s = await summarize(file, { ...bind, batch: 1, ...(bind.sequence ? { sequence: 1 } : {}) });
  const f: ModelFacts = {
    name,
    source: 'onnx',
    path: file,
    precision: spec.precision,
    weightBytes: s.weightBytes,
    streamedWeightBytes: Math.max(0, s.weightBytes - s.embeddingParameters * (s.weightBytes / Math.max(1, s.parameters))),
    activationBytes: s.memory.peakActivationBytes,
    nodes: executedNodes(s),
    notes,
  };
  if (s.decoder) {
    f.kvBytesPerToken = s.decoder.kvBytesPerToken;
    f.kvTensors = 2 * s.decoder.layers;
    // FLOPs per token from the graph at two cache lengths: the difference is the attention's share.
    const past = s.decoder.pastDim ?? 'past_sequence';
    const one = async (c: number) => (await summarize(file, { ...bind, batch: 1, sequence: 1, total_sequence: c + 1, [past]: c })).flops.total;
    const f0 = await one(0), f1 = await one(1024);
    f.flops = { perToken: f0, perContextToken: Math.max(0, (f1 - f0) / 1024) };
  } else {
    // Verifiers (no KV cache) are priced per token like a decoder prefill; classifiers per run.
    const seq = s.inputs.some((i) => i.shape.some((d) => d === 'sequence'));
    if (seq) {
      const one = async (t: number) => (await summarize(file, { ...bind, batch: 1, sequence: t, total_sequence: t })).flops.total;
      const a = await one(1), b = await one(2);
      // f(t) = A·t + B·t(t+1)/2 ⇒ f(2) − 2f(1) = B, f(1) = A + B.
      const B = Math.max(0, b - 2 * a);
      f.flops = { perToken: a - B, perContextToken: B };
    } else f.flops = { perRun: s.flops.total };
  }
  return f;
}

/** Operators a run executes: every node but the Constant nodes (folded into initializers by ORT). */
export function executedNodes(s: { nodes: number; ops: Record<string, number> }): number {
  return Math.max(0, s.nodes - (s.ops.Constant ?? 0));
}

/**
 * Operators per run of a shape-only decoder, for the fixed-cost term of its roofline: those of the
 * project's generated decoder (core/onnx/builders.ts: pre-norm attention with a KV cache and a SwiGLU
 * MLP), 18 outside the layers and 32 per layer. A real export has more nodes before ORT's fusions and
 * about as many after them.
 */
export const DECODER_NODES = { fixed: 18, perLayer: 32 } as const;

export function shapeOnlyFacts(name: string, file: string, spec: ModelSpec): ModelFacts {
  const text = readSmallTextFile(file);
  const notes: string[] = ['shape-only: no weights to run, estimated analytically (roofline)'];
  const base: ModelFacts = { name, source: 'shape-only', path: file, precision: spec.precision, notes };
  if (text === undefined) return { ...base, source: 'unavailable', notes: [`cannot read ${file}`] };
  const g = parseGeometryText(text);
  if (!g.geometry) return { ...base, source: 'unavailable', notes: g.problems };
  const st = modelStats(g.geometry, spec.precision);
  if (st.parameters === undefined) notes.push('its description lacks the MLP width, so weights and their FLOPs are unknown: the estimate counts attention and KV traffic only');
  const kvBytes = (st.kvBytesPerToken / 2) * PRECISION_BYTES[st.precision === 'int4' || st.precision === 'int8' ? 'fp16' : st.precision];
  return {
    ...base,
    precision: st.precision,
    weightBytes: st.weightBytes?.precision,
    streamedWeightBytes: st.nonEmbeddingParameters !== undefined ? st.nonEmbeddingParameters * PRECISION_BYTES[st.precision] : undefined,
    kvBytesPerToken: kvBytes,
    kvTensors: 2 * g.geometry.layers,
    activationBytes: 4 * g.geometry.hiddenSize * 8,
    nodes: DECODER_NODES.fixed + DECODER_NODES.perLayer * g.geometry.layers,
    flops: { perToken: st.flopsPerToken.fixed ?? 0, perContextToken: st.flopsPerToken.perContextToken },
    maxContext: g.geometry.contextLength,
    geometry: g.geometry,
  };
}

/** Facts of every model in the config (paths resolved against the config file). */
export async function modelFactsOf(config: TtcConfig, configPath: string, summarize: Summarize = summarizeInProcess): Promise<Record<string, ModelFacts>> {
  const out: Record<string, ModelFacts> = {};
  for (const [name, spec] of Object.entries(config.models)) {
    try {
      if (spec.path) out[name] = await onnxFacts(name, resolveModelPath(configPath, spec.path), spec, summarize);
      else if (spec.config) out[name] = shapeOnlyFacts(name, resolveModelPath(configPath, spec.config), spec);
      else out[name] = { name, source: 'unavailable', notes: ['neither path nor config is set'] };
    } catch (e) {
      out[name] = { name, source: 'unavailable', notes: [e instanceof Error ? e.message : String(e)] };
    }
  }
  return out;
}
