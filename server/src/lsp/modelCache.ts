/**
 * The server's one static analyser (core/onnx/analysisHost.ts): models are read and analysed in a
 * worker thread, bounded in time, memory and size, with results cached by path + mtime + size +
 * bindings in a cache capped by bytes. Shared by the hover/summary feature and the completion host,
 * so a model is read once for both, and the server's own thread never parses a model.
 */
import { StaticAnalyzer } from '../core/onnx/analysisHost';

export const modelSummaries = new StaticAnalyzer();
