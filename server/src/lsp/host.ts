/**
 * The one language service of a server (keyed by its context, never a global) with the Node host:
 * file existence and folder listing from the file system, model descriptions from modelInfo.ts, model
 * inputs from the shared static analyser's cache (never parsed on this thread).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getLanguageService, type LanguageService, type LanguageServiceHost } from '../service/languageService';
import type { ServerContext } from './context';
import { fileTypeProblem, readSmallTextFile } from '../core/model/files';
import { isOnnxFile, isTtcConfigFile } from '../core/model/reference';

/** The Node host of a server's language service: its file system, its analyser and its model sections. */
export function nodeHost(ctx: Pick<ServerContext, 'analyzer' | 'modelInfo'>): LanguageServiceHost {
  return {
    fileExists: (p) => {
      try {
        return fs.existsSync(p);
      } catch {
        return false;
      }
    },
    listDir: (p) => fs.readdirSync(p, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
    readFile: (p) => readSmallTextFile(p),
    // A stat, never a read: the editor reports folders, FIFOs and devices at once; a corrupt ONNX file
    // is reported by the hover (its static analysis runs in a worker thread).
    modelFileProblem: (p) => fileTypeProblem(p),
    // Only ONNX files, and only from the analyser's cache (the completion feature asks for the models
    // first, with a time limit); an unreadable model gives no completion (its hover says why).
    modelInputs: (p) => {
      if (!isOnnxFile(p)) return undefined;
      const s = ctx.analyzer.peek(p);
      if (!s) return undefined;
      const assumed = s.bindings.assumed;
      return {
        symbols: Object.keys(assumed).map((name) => ({ name, assumed: assumed[name] })),
        inputs: s.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
      };
    },
    describeModel: (p, bind, opts) => ctx.modelInfo.describeModel(p, bind, opts),
  };
}

const services = new WeakMap<ServerContext, LanguageService>();

export function languageServiceFor(ctx: ServerContext): LanguageService {
  let s = services.get(ctx);
  if (!s) {
    s = getLanguageService(nodeHost(ctx));
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
  return doc.languageId === 'ttc' || isTtcConfigFile(doc.uri);
}
