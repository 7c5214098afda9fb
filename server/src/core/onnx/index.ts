/**
 * core/onnx entry points: read a model file lazily and summarize it.
 */
import { readModel, type ReadOptions } from './reader';
import { analyzeModel, type ModelSummary } from './analyze';

export { readModel, readModelBytes, readTensorData, OnnxReadError } from './reader';
export type { ModelInfo, GraphInfo, NodeInfo, TensorInfo, ValueInfo } from './reader';
export { analyzeModel, inputSymbols } from './analyze';
export type { ModelSummary, DecoderInfo } from './analyze';
export { formatSummaryMarkdown, formatSummaryText, formatBytes, formatCount } from './format';

/** Read and analyse a model file; `readMs` and `analysisMs` cover the two steps. */
export function summarizeModelFile(file: string, bind: Record<string, number> = {}, options: ReadOptions = {}): ModelSummary {
  const t0 = performance.now();
  const model = readModel(file, options);
  const readMs = performance.now() - t0;
  const { summary } = analyzeModel(model, { bind });
  summary.analysisMs += readMs;
  return summary;
}
