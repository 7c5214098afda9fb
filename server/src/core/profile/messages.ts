/**
 * The wire messages between the pool (pool.ts) and the profiler process (server/src/worker/worker.ts):
 * profiling requests, plus the estimator's (points, copyBandwidth), the executor's (execute) and the
 * eval's (eval: core/eval/protocol.ts).
 * Kept apart from protocol.ts so that the estimator's types can use the profiler's without a circle.
 */
import type { EpReport, MeasuredProfile, MeasureOptions, ProfileFailure, ProgressDetail } from './protocol';
import type { EstimateWorkerRequest, EstimateWorkerResult } from '../estimate/protocol';
import type { VerifyOptions, VerifyResult } from '../rewrite/verify';
import type { EvalRunResult, EvalWorkerRequest } from '../eval/protocol';

/** Profiling requests, plus the estimator's (points, copyBandwidth) and the executor's (execute). */
export type WorkerRequest =
  | { id: number; type: 'measure'; options: MeasureOptions }
  | { id: number; type: 'detectEps'; eps?: string[] }
  | EstimateWorkerRequest
  | { id: number; type: 'verifyRewrite'; options: VerifyOptions }
  | EvalWorkerRequest;

export type WorkerMessage =
  | { type: 'ready'; pid: number; ortVersion: string }
  | { id: number; type: 'progress'; message: string; fraction?: number; detail?: ProgressDetail }
  | { id: number; type: 'result'; result: MeasuredProfile | EpReport | EstimateWorkerResult | VerifyResult | EvalRunResult }
  | { id: number; type: 'error'; failure: ProfileFailure };

