/**
 * Static model analysis in the language server (the hover's sections come from lsp/host.ts
 * describeModelFile) and the `ttcLens/modelSummary` request behind "TTC Lens: Show Model Summary".
 * Summaries come from a worker thread, cached by path + mtime + size (core/onnx/analysisHost.ts). `ttcLens/listModels` lists the models
 * (ONNX files or shape-only descriptions) every config of the workspace names (open documents as edited, the rest from disk).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Feature, ServerContext } from './context';
import { fsPathOf, measuredSummarySections } from './host';
import { ListModelsRequest, ModelSummaryRequest, type ListModelsResult, type ModelSummaryParams, type ModelSummaryResult } from '../protocol';
import { findConfigFiles } from '../core/config/discover';
import { parseConfig, resolveModelPath } from '../core/config/parse';
import { formatSummaryMarkdown } from '../core/onnx/format';
import { readSmallTextFile } from '../core/model/files';
import { describeShapeOnly } from '../core/model/format';
import { readRegularText } from '../core/safeFs';
import { fileAccessFor } from './fileAccess';
import { validBindings } from '../core/bindings';
import { isDescriptionFile, isTtcConfigFile } from '../core/model/reference';

/** A shape-only model description (config.json / genai_config.json) rather than an ONNX file. */
const isDescription = isDescriptionFile;

/** The `precision` a config gives the model whose `config:` is `abs` (for Show Model Summary on a description). */
export function precisionFor(configText: string, configPath: string, abs: string): string | undefined {
  for (const m of Object.values(parseConfig(configText).config.models)) {
    if (m.config && m.precision && path.resolve(resolveModelPath(configPath, m.config)) === path.resolve(abs)) return m.precision;
  }
  return undefined;
}

/** Resolve a summary request's path: absolute, or relative to the config's folder (else the first workspace folder). */
export function resolveRequestPath(p: ModelSummaryParams, workspaceFolders: string[]): string {
  if (path.isAbsolute(p.path)) return p.path;
  const cfg = p.configUri ? fsPathOf(p.configUri) : undefined;
  const base = cfg ? path.dirname(cfg) : workspaceFolders[0] ?? process.cwd();
  return path.resolve(base, p.path);
}

/** Configs read for the model list at most (a picker, not an indexer). */
const MAX_LISTED_CONFIGS = 500;

/** Models named by the given configs (ONNX files, else shape-only descriptions), as absolute paths; each config is `{ uri, fsPath, text }`. */
export function listModels(configs: Array<{ uri: string; fsPath: string; text: string }>): ListModelsResult {
  const models: ListModelsResult['models'] = [];
  for (const c of configs) {
    for (const [name, m] of Object.entries(parseConfig(c.text).config.models)) {
      // An ONNX file when there is one, else the shape-only description (config.json / genai_config.json).
      const file = m.path ?? m.config;
      if (file) models.push({ name, path: resolveModelPath(c.fsPath, file), configUri: c.uri });
    }
  }
  return { models };
}

function register(ctx: ServerContext): void {
  const cache = ctx.analyzer;
  ctx.onShutdown(() => cache.dispose());

  ctx.connection.onRequest(ListModelsRequest, (): ListModelsResult => {
    const configs = new Map<string, { uri: string; fsPath: string; text: string }>();
    for (const doc of ctx.documents.all()) {
      const fsPath = fsPathOf(doc.uri);
      if (fsPath && isTtcConfigFile(fsPath)) configs.set(fsPath, { uri: doc.uri, fsPath, text: doc.getText() });
    }
    for (const folder of ctx.workspaceFolders) {
      for (const fsPath of findConfigFiles(folder, MAX_LISTED_CONFIGS)) {
        if (configs.has(fsPath) || configs.size >= MAX_LISTED_CONFIGS) continue;
        try {
          // A regular file of bounded size only (a FIFO named *.ttc.yaml must not block the server).
          configs.set(fsPath, { uri: pathToFileURL(fsPath).href, fsPath, text: readRegularText(fsPath, 1024 * 1024, 'TTC config') });
        } catch {
          // Unreadable config: its own diagnostics say why.
        }
      }
    }
    return listModels([...configs.values()]);
  });

  ctx.connection.onRequest(ModelSummaryRequest, async (p: ModelSummaryParams): Promise<ModelSummaryResult> => {
    if (!p || typeof p.path !== 'string' || !p.path) return { markdown: '', error: 'ttcLens/modelSummary: missing "path"' };
    const abs = resolveRequestPath(p, ctx.workspaceFolders);
    // A model a config names (configUri) is read only inside the workspace unless allowed; a file the
    // user picked themselves (no configUri) is theirs to read.
    if (p.configUri && !(await fileAccessFor(ctx, p.configUri)).allowed(abs)) {
      const msg = `${abs} is outside the workspace folders; TTC Lens does not read it (the setting ttcLens.files.allowOutsideWorkspace allows it)`;
      return { markdown: `**${path.basename(abs)} was not read:** ${msg}`, error: msg };
    }
    if (isDescription(abs)) {
      let precision = typeof p.precision === 'string' ? p.precision : undefined;
      const cfgPath = p.configUri ? fsPathOf(p.configUri) : undefined;
      if (!precision && p.configUri && cfgPath) {
        const text = ctx.documents.get(p.configUri)?.getText() ?? readSmallTextFile(cfgPath);
        if (text !== undefined) precision = precisionFor(text, cfgPath, abs);
      }
      const r = describeShapeOnly(abs, readSmallTextFile(abs), precision, path.basename(abs));
      return { markdown: r.markdown, ...(r.summary ? { summary: r.summary } : {}), ...(r.error ? { error: r.error } : {}) };
    }
    try {
      const summary = await cache.get(abs, validBindings(p.bind));
      // Measured numbers, when this model has been profiled (the server's MeasurementStore).
      const measured = await measuredSummarySections(ctx, abs, validBindings(p.bind));
      return { markdown: [formatSummaryMarkdown(summary, { title: path.basename(abs), maxOps: 12 }), ...measured].join('\n\n---\n\n'), summary };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return { markdown: `**${path.basename(abs)} could not be read:** ${msg}`, error: msg };
    }
  });
}

export const feature: Feature = { register };
