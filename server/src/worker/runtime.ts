/**
 * The one module that imports onnxruntime-node. Everything else in the profiler process goes through
 * these helpers, so the language server and the CLI never load the native runtime themselves.
 */
import * as ort from 'onnxruntime-node';
import type { GraphOptimizationLevel, SessionTensorInfo } from '../core/profile/protocol';
import type { InputTensor } from '../core/profile/inputs';

// Errors reach us as exceptions; ORT's own console logging would only duplicate them on stderr.
ort.env.logLevel = 'error';

export type Session = ort.InferenceSession;
export type Tensor = ort.Tensor;
export type Feeds = Record<string, ort.Tensor>;
export type Outputs = ort.InferenceSession.OnnxValueMapType;

export const ortVersion: string = ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';

export function listBackends(): Array<{ name: string; bundled: boolean }> {
  return ort.listSupportedBackends();
}

export interface SessionSpec {
  ep: string;
  threads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  profilePrefix?: string;
  /** Write the optimized graph here (the rewrite verification checks what ORT fused). */
  optimizedModelFilePath?: string;
}

export async function createSession(model: string | Uint8Array, spec: SessionSpec): Promise<Session> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [spec.ep],
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: spec.graphOptimizationLevel,
    logSeverityLevel: 3,
    ...(spec.profilePrefix ? { enableProfiling: true, profileFilePrefix: spec.profilePrefix } : {}),
    ...(spec.optimizedModelFilePath ? { optimizedModelFilePath: spec.optimizedModelFilePath } : {}),
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, opts) : ort.InferenceSession.create(model, opts);
}

function info(m: ort.InferenceSession.ValueMetadata): SessionTensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: 'non-tensor', shape: [] };
  return { name: m.name, dtype: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) };
}

export function inputInfos(s: Session): SessionTensorInfo[] {
  return s.inputMetadata.map(info);
}

export function outputInfos(s: Session): SessionTensorInfo[] {
  return s.outputMetadata.map(info);
}

export function toTensor(t: InputTensor): ort.Tensor {
  return new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
}

export function toFeeds(inputs: InputTensor[]): Feeds {
  const f: Feeds = {};
  for (const t of inputs) f[t.name] = toTensor(t);
  return f;
}

/** A float32 tensor over `data` (no copy). */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** A runtime output reused as the next step's input (KV cache stepping). */
export function outputAsTensor(v: ort.OnnxValue): ort.Tensor {
  return v as ort.Tensor;
}

/** A runtime tensor over a typed array (no copy); `dtype` is the ONNX element type name. */
export function makeTensor(dtype: string, data: ArrayBufferView, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(dtype as 'float32', data as Float32Array, dims);
}
