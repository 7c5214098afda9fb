/**
 * The one place that says what a file named in a workspace is, by its name: an ONNX model, a
 * shape-only model description (a Hugging Face `config.json` or ONNX Runtime GenAI
 * `genai_config.json`: any `.json`), a TTC Lens config (`*.ttc.yaml` / `*.ttc.yml`), or something
 * else. Content is never looked at here (readers check it, and say so when it does not match).
 */
export type ReferenceKind = 'onnx' | 'description' | 'ttc-config' | 'other';

const ONNX = /\.onnx$/i;
const DESCRIPTION = /\.json$/i;
const TTC_CONFIG = /\.ttc\.ya?ml$/i;

export function referenceKind(file: string): ReferenceKind {
  if (ONNX.test(file)) return 'onnx';
  if (TTC_CONFIG.test(file)) return 'ttc-config';
  if (DESCRIPTION.test(file)) return 'description';
  return 'other';
}

export const isOnnxFile = (file: string): boolean => ONNX.test(file);
export const isDescriptionFile = (file: string): boolean => DESCRIPTION.test(file);
export const isTtcConfigFile = (file: string): boolean => TTC_CONFIG.test(file);
