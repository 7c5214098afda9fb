/**
 * onnxruntime-node for the tests that run the models they build, reached through the profiler
 * process's runtime module (server/src/worker/runtime.ts), the one place allowed to import it
 * (`npm run lint` checks this).
 */
import { createSession, toTensor, type Feeds, type Outputs, type Session } from '../../../../server/src/worker/runtime';
import type { TensorData } from '../../../../server/src/core/profile/inputs';

export type { Feeds, Outputs, Session };
export type Tensor = Feeds[string];

/** A CPU session on a model file or its bytes. */
export function session(model: string | Uint8Array): Promise<Session> {
  return createSession(model, { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' });
}

export function tensor(dtype: string, data: TensorData, dims: number[]): Tensor {
  return toTensor({ name: '', dtype, data, dims, source: 'generated' });
}
