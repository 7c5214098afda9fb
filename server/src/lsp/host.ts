/**
 * The Node host of the language service, one module for the language server and the CLI
 * (cli/check.ts): file existence, folder listing and small text files from the file system, model
 * file problems (a stat by default), and, in the server, model inputs from the shared static
 * analyser's cache (never parsed on this thread) and model descriptions from modelInfo.ts. Also the
 * one language service of a server (keyed by its context, never a global).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getLanguageService, type LanguageService, type LanguageServiceHost } from '../service/languageService';
import type { ServerContext } from './context';
import type { StaticAnalyzer } from '../core/onnx/analysisHost';
import { fileTypeProblem, readSmallTextFile } from '../core/model/files';
import { isOnnxFile, isTtcConfigFile } from '../core/model/reference';

/** What a Node host adds beyond the file system; the CLI passes none or only `modelFileProblem`. */
export interface NodeHostParts {
  /** The server's static analyser: `dims:` / `inputs:` completion reads model inputs from its cache. */
  analyzer?: Pick<StaticAnalyzer, 'peek'>;
  /** Markdown sections about a model file (hovers). */
  describeModel?: LanguageServiceHost['describeModel'];
  /** What is wrong with an existing model file; default: its file type only (a stat, never a read). */
  modelFileProblem?: (absPath: string) => string | undefined;
}

/** The Node host of a language service: the file system plus the parts given. */
export function nodeHost(parts: NodeHostParts = {}): LanguageServiceHost {
  const { analyzer, describeModel } = parts;
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
    modelFileProblem: parts.modelFileProblem ?? ((p) => fileTypeProblem(p)),
    // Only ONNX files, and only from the analyser's cache (the completion feature asks for the models
    // first, with a time limit); an unreadable model gives no completion (its hover says why).
    ...(analyzer && {
      modelInputs: (p: string) => {
        if (!isOnnxFile(p)) return undefined;
        const s = analyzer.peek(p);
        if (!s) return undefined;
        const assumed = s.bindings.assumed;
        return {
          symbols: Object.keys(assumed).map((name) => ({ name, assumed: assumed[name] })),
          inputs: s.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
        };
      },
    }),
    ...(describeModel && { describeModel }),
  };
}

/** The Node host of a server: its analyser and its model sections. */
function serverHost(ctx: Pick<ServerContext, 'analyzer' | 'modelInfo'>): LanguageServiceHost {
  return nodeHost({ analyzer: ctx.analyzer, describeModel: (p, bind, opts) => ctx.modelInfo.describeModel(p, bind, opts) });
}

const services = new WeakMap<ServerContext, LanguageService>();

export function languageServiceFor(ctx: ServerContext): LanguageService {
  let s = services.get(ctx);
  if (!s) {
    s = getLanguageService(serverHost(ctx));
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
