/**
 * Execution-provider detection: an EP is usable only if a tiny session really runs on it, not merely
 * because the binding lists it. Unusable ones get a reason a user can act on.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { cleanRuntimeMessage } from '../core/profile/failures';
import type { EpReport, EpStatus } from '../core/profile/protocol';
import { createSession, listBackends, ortVersion, toTensor } from './runtime';

/** Relu on float[1,4], opset 13 (69 bytes, made with onnx.helper). */
const TINY_MODEL = Buffer.from('CAc6OwoMCgF4EgF5IgRSZWx1EgF0WhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAN', 'base64');

export const KNOWN_EPS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'];

function binDir(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

const CUDA_HINT =
  'CUDA binaries not installed: onnxruntime-node downloads them at install time only when asked. Run ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (or `npm install --onnxruntime-node-install=cuda12`; ' +
  'see node_modules/onnxruntime-node/script/install.js) on a machine with CUDA 12 and cuDNN 9';

export function explain(ep: string, message: string, bundled: boolean): string {
  const m = cleanRuntimeMessage(message);
  if ((ep === 'cuda' || ep === 'tensorrt') && /Failed to load shared library|libonnxruntime_providers|cannot open shared object/i.test(message)) {
    const dir = binDir();
    const missing = dir && !existsSync(path.join(dir, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
    if (missing || !bundled) return CUDA_HINT + (ep === 'tensorrt' ? ' (TensorRT also needs TensorRT 10 libraries)' : '');
    return `${ep.toUpperCase()} libraries present but failed to load (missing CUDA/cuDNN runtime on the library path?): ${m}`;
  }
  if (/backend not found|no available backend/i.test(message)) return `${ep} is not available in onnxruntime-node on ${process.platform}/${process.arch}`;
  if (ep === 'webgpu' && /adapter/i.test(message)) return 'no WebGPU adapter: this machine has no GPU driver Dawn can use (Vulkan/Metal/D3D12)';
  return m;
}

export async function detectEps(requested?: string[]): Promise<EpReport> {
  const listed = listBackends();
  const names = [...new Set([...listed.map((b) => b.name), ...(requested ?? [])])];
  const eps: EpStatus[] = [];
  for (const name of names) {
    const bundled = listed.find((b) => b.name === name)?.bundled ?? false;
    try {
      const s = await createSession(new Uint8Array(TINY_MODEL), { ep: name, threads: 1, graphOptimizationLevel: 'all' });
      try {
        await s.run({ x: toTensor({ name: 'x', dtype: 'float32', dims: [1, 4], data: new Float32Array([1, -1, 2, -2]), source: 'generated' }) });
      } finally {
        await s.release().catch(() => undefined);
      }
      eps.push({ name, bundled, usable: true });
    } catch (e) {
      eps.push({ name, bundled, usable: false, reason: explain(name, e instanceof Error ? e.message : String(e), bundled) });
    }
  }
  return { ortVersion, eps };
}
