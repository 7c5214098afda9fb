/**
 * The one language service of a server (keyed by its context, never a global) with the Node host:
 * file existence and folder listing from the file system, model descriptions from modelInfo.ts, model
 * inputs from the shared summary cache.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getLanguageService, type LanguageService, type LanguageServiceHost } from '../service/languageService';
import type { ServerContext } from './context';
import { describeModel } from './modelInfo';
import { readSmallTextFile } from '../core/model/files';
import { modelSummaries } from './modelCache';

export const nodeHost: LanguageServiceHost = {
  fileExists: (p) => {
    try {
      return fs.existsSync(p);
    } catch {
      return false;
    }
  },
  listDir: (p) => fs.readdirSync(p, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
  readFile: (p) => readSmallTextFile(p),
  // Only ONNX files; an unreadable model gives no completion (its hover and diagnostics say why).
  modelInputs: (p) => {
    if (!/\.onnx$/i.test(p)) return undefined;
    const s = modelSummaries.get(p);
    const assumed = s.bindings.assumed;
    return {
      symbols: Object.keys(assumed).map((name) => ({ name, assumed: assumed[name] })),
      inputs: s.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
    };
  },
  describeModel,
};

const services = new WeakMap<ServerContext, LanguageService>();

export function languageServiceFor(ctx: ServerContext): LanguageService {
  let s = services.get(ctx);
  if (!s) {
    s = getLanguageService(nodeHost);
    services.set(ctx, s);
  }
  return s;
}

/** The file-system path of a `file:` URI; undefined for unsaved or remote documents. */
export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Whether a document is a TTC config (by language id, or by file name for plain LSP clients). */
export function isTtcDocument(doc: { uri: string; languageId: string }): boolean {
  return doc.languageId === 'ttc' || /\.ttc\.ya?ml$/i.test(doc.uri);
}
