/**
 * A memory guard before a measurement builds its inputs: the bytes of the generated inputs (exact,
 * from the bound shapes) plus the static analysis's peak activation estimate, refused past a limit
 * with a message saying what to lower. `--bind batch=1000000` used to allocate 12 GB first and fail
 * afterwards.
 */
import * as os from 'node:os';
import { resolveShape } from './inputs';
import type { SessionTensorInfo } from './protocol';
import { summarizeModelFile } from '../onnx/index';

export const DTYPE_BYTES: Record<string, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
};

/** Default limit: half of this machine's memory. */
export function defaultMemoryLimit(): number {
  return Math.floor(os.totalmem() / 2);
}

/** Bytes the generated inputs will take (inputs given as samples are already in memory: not counted). */
export function plannedInputBytes(
  infos: SessionTensorInfo[],
  opts: { bind: Record<string, number>; shapes?: Record<string, number[]>; samples?: ReadonlySet<string>; batch?: number },
): number {
  let total = 0;
  const scratch = new Set<string>();
  for (const info of infos) {
    if (opts.samples?.has(info.name)) continue;
    const dims = resolveShape(info, opts.bind, scratch, opts.shapes?.[info.name]);
    if (opts.batch !== undefined && dims.length > 0 && typeof info.shape[0] === 'string') dims[0] = opts.batch;
    total += dims.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[info.dtype] ?? 8);
  }
  return total;
}

const gib = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/**
 * An error message when the measurement would need more than `limit`, else undefined. The static
 * peak of live activations already counts the graph inputs, so the need is the larger of the two.
 */
export function memoryProblem(inputs: number, activations: number | undefined, limit: number, where = ''): string | undefined {
  const total = Math.max(inputs, activations ?? 0);
  if (!(total > limit)) return undefined;
  const parts = [`inputs ${gib(inputs)}`, ...(activations ? [`peak activations about ${gib(activations)}`] : [])];
  return (
    `this measurement${where} would need ${gib(total)} (${parts.join(', ')}), more than the ${gib(limit)} limit; ` +
    'bind smaller dimensions (--bind / dims:), or raise the limit (--max-memory, ttcLens.profiler.maxMemoryMB)'
  );
}

/**
 * The static analysis's peak activation bytes for `modelPath` under `bind` (the structure only, never
 * the weights), or undefined when the model is too large or unreadable for that (then only the inputs
 * are checked).
 */
export function staticPeakActivations(modelPath: string, bind: Record<string, number>): number | undefined {
  try {
    const s = summarizeModelFile(modelPath, bind, { maxNodes: 250_000 });
    return s.memory.peakActivationBytes > 0 ? s.memory.peakActivationBytes : undefined;
  } catch {
    return undefined;
  }
}
