/**
 * The server's one cache of static model summaries (by path, invalidated on mtime/size change), shared
 * by the hover/summary feature and the completion host, so a model is read once for both.
 */
import { ModelSummaryCache } from '../core/onnx/cache';

export const modelSummaries = new ModelSummaryCache();
