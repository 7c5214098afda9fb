/**
 * Static model analysis in the language server: the hover section on a model path (order 100, before
 * measured numbers) and the `ttcLens/modelSummary` request behind "TTC Lens: Show Model Summary".
 * Summaries are cached by path + mtime + size (core/onnx/cache.ts).
 */
import * as path from 'node:path';
import type { Feature, ServerContext } from './context';
import { registerModelInfoProvider } from './modelInfo';
import { fsPathOf } from './languageService';
import { ModelSummaryRequest, type ModelSummaryParams, type ModelSummaryResult } from '../protocol';
import { ModelSummaryCache } from '../core/onnx/cache';
import { formatSummaryMarkdown } from '../core/onnx/format';

/** Resolve a summary request's path: absolute, or relative to the config's folder (else the first workspace folder). */
export function resolveRequestPath(p: ModelSummaryParams, workspaceFolders: string[]): string {
  if (path.isAbsolute(p.path)) return p.path;
  const cfg = p.configUri ? fsPathOf(p.configUri) : undefined;
  const base = cfg ? path.dirname(cfg) : workspaceFolders[0] ?? process.cwd();
  return path.resolve(base, p.path);
}

function register(ctx: ServerContext): void {
  const cache = new ModelSummaryCache();

  registerModelInfoProvider(async (absPath, bind) => {
    if (!/\.onnx$/i.test(absPath)) return undefined;
    try {
      return formatSummaryMarkdown(cache.get(absPath, bind), { title: 'Static analysis' });
    } catch (e) {
      return `**Model could not be read:** ${e instanceof Error ? e.message : String(e)}`;
    }
  }, 100);

  ctx.connection.onRequest(ModelSummaryRequest, (p: ModelSummaryParams): ModelSummaryResult => {
    if (!p || typeof p.path !== 'string' || !p.path) return { markdown: '', error: 'ttcLens/modelSummary: missing "path"' };
    const abs = resolveRequestPath(p, ctx.workspaceFolders);
    try {
      const summary = cache.get(abs, p.bind ?? {});
      return { markdown: formatSummaryMarkdown(summary, { title: path.basename(abs), maxOps: 12 }), summary };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return { markdown: `**${path.basename(abs)} could not be read:** ${msg}`, error: msg };
    }
  });
}

export const feature: Feature = { register };
