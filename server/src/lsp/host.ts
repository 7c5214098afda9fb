/**
 * The Node host of the language service, one module for the language server and the CLI
 * (cli/check.ts): file existence, folder listing and small text files from the file system, model
 * file problems (a stat by default), and, in the server, model inputs from the shared static
 * analyser's cache (never parsed on this thread), model descriptions (describeModelFile) and the
 * measurement facts of the server's MeasurementStore. Also the one language service of a server (keyed
 * by its context, never a global).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getLanguageService, type LanguageService, type LanguageServiceHost } from '../service/languageService';
import type { ServerContext } from './context';
import type { StaticAnalyzer } from '../core/onnx/analysisHost';
import { fileTypeProblem, readSmallTextFile } from '../core/model/files';
import { isDescriptionFile, isOnnxFile, isTtcConfigFile } from '../core/model/reference';
import { describeShapeOnly } from '../core/model/format';
import { formatSummaryMarkdown } from '../core/onnx/format';
import { parseConfig } from '../core/config/parse';
import { stableStringify } from '../core/profile/cache';
import type { MeasureOptions } from '../core/profile/protocol';
import type { Measurement } from '../core/profile/store';
import { jobsForConfig, measuredSummary, type MeasurementHost } from '../service/profiling';

/** What a Node host adds beyond the file system; the CLI passes none or only `modelFileProblem`. */
export interface NodeHostParts {
  /** The server's static analyser: `dims:` / `inputs:` completion reads model inputs from its cache. */
  analyzer?: Pick<StaticAnalyzer, 'peek'>;
  /** Markdown sections about a model file (hovers). */
  describeModel?: LanguageServiceHost['describeModel'];
  /** What is wrong with an existing model file; default: its file type only (a stat, never a read). */
  modelFileProblem?: (absPath: string) => string | undefined;
  /** What the server knows about measurements (its MeasurementStore), for hovers and diagnostics. */
  measurements?: MeasurementHost;
}

/** The Node host of a language service: the file system plus the parts given. */
export function nodeHost(parts: NodeHostParts = {}): LanguageServiceHost {
  const { analyzer, describeModel, measurements } = parts;
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
    ...(measurements && { measurements }),
  };
}

/** The Node host of a server: its analyser, its model descriptions and its measurements. */
function serverHost(ctx: ServerContext): LanguageServiceHost {
  return nodeHost({
    analyzer: ctx.analyzer,
    describeModel: (p, bind, opts) => describeModelFile(ctx.analyzer, p, bind, opts),
    measurements: {
      modelFacts: (p, bind) => ({ ...ctx.measurements.modelFacts(p, bind), trusted: ctx.workspaceTrusted }),
      cachedMeasurement: (p, bind) => cachedMeasurement(ctx, p, bind),
    },
  });
}

const failed = (e: unknown) => `_Could not describe model: ${e instanceof Error ? e.message : String(e)}_`;

/**
 * Markdown sections about a model file for the hover: a shape-only description (config.json /
 * genai_config.json) at the config's precision, or an ONNX file's static analysis from the analyser
 * (a worker thread). A section that throws says so instead.
 */
export async function describeModelFile(analyzer: Pick<StaticAnalyzer, 'get'>, absPath: string, bind: Record<string, number>, opts: { precision?: string } = {}): Promise<string[]> {
  const sections: Array<() => Promise<string | undefined>> = [
    async () => (isDescriptionFile(absPath) ? describeShapeOnly(absPath, readSmallTextFile(absPath), opts.precision, 'Shape-only model').markdown : undefined),
    async () => {
      if (!isOnnxFile(absPath)) return undefined;
      try {
        return formatSummaryMarkdown(await analyzer.get(absPath, bind), { title: 'Static analysis' });
      } catch (e) {
        return `**Model could not be read:** ${e instanceof Error ? e.message : String(e)}`;
      }
    },
  ];
  const out: string[] = [];
  for (const s of sections) {
    const md = await s().catch(failed);
    if (md) out.push(md);
  }
  return out;
}

/**
 * Show Model Summary's measured sections: every measurement the server's MeasurementStore has of the
 * model, else the cached one an open config's options find, rendered by the service.
 */
export async function measuredSummarySections(ctx: ServerContext, absPath: string, bind: Record<string, number>): Promise<string[]> {
  try {
    if (!isOnnxFile(absPath)) return [];
    const mine = ctx.measurements.measurements(absPath);
    if (!mine.length) {
      const hit = await cachedMeasurement(ctx, absPath, bind);
      if (hit) mine.push(hit);
    }
    const md = measuredSummary(absPath, mine, ctx.measurements.failure(absPath), ctx.workspaceTrusted);
    return md ? [md] : [];
  } catch (e) {
    return [failed(e)];
  }
}

/**
 * A model's measurement from the profile cache (after a restart only the cache knows), looked up
 * with the options each open config gives the model under these bindings, then the plain default.
 */
async function cachedMeasurement(ctx: ServerContext, absPath: string, bind: Record<string, number>): Promise<Measurement | undefined> {
  const options: MeasureOptions[] = [];
  for (const doc of ctx.documents.all()) {
    const fsPath = fsPathOf(doc.uri);
    if (!fsPath || !isTtcDocument(doc)) continue;
    const settings = await ctx.getSettings(doc.uri);
    for (const j of jobsForConfig(parseConfig(doc.getText()).config, fsPath, settings)) {
      if (j.options.modelPath === absPath && stableStringify(j.options.bind ?? {}) === stableStringify(bind)) options.push(j.options);
    }
  }
  options.push({ modelPath: absPath, bind });
  for (const o of options) {
    const hit = await ctx.profiler().cached(o).catch(() => undefined);
    if (hit) return { profile: hit, cached: true };
  }
  return undefined;
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
