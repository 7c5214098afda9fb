/**
 * Hover: the schema's documentation for the key under the cursor (the same text the schema gives
 * other editors), the meaning of an enum value, the normalised amount for a unit, and for model
 * paths/references the resolved file plus sections from `describeModel` (a host function) and the
 * measured numbers from the host's measurement facts (service/profiling.ts).
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { resolveModelPath, type ParsedConfig, type Path } from '../core/config/parse';
import { boundsWords, schemaAt, typeWords } from '../core/config/schema';
import { formatUnit, parseUnit } from '../core/config/units';
import { nodeRange, pathAtOffset } from '../core/config/yamlAst';
import { listOf } from '../core/config/suggest';
import type { ModelEntry } from '../core/config/types';
import { measuredHover, type MeasurementHost } from './profiling';

export interface HoverHost {
  fsPath?: string;
  fileExists?: (absPath: string) => boolean;
  /** Markdown sections about a model file (static summary…). */
  describeModel?: (absPath: string, bind: Record<string, number>, opts?: { precision?: string }) => Promise<string[]>;
  /** Measurement facts about a model file, rendered after the describeModel sections. */
  measurements?: MeasurementHost;
  /** Default bindings for symbolic dims (settings), under the model's own `dims`. */
  defaultDims?: Record<string, number>;
  /** References outside the workspace are named but never read or described. */
  isOutside?: (absPath: string) => boolean;
}

function keyDoc(path: Path): string | undefined {
  const s = schemaAt(path);
  if (!s) return undefined;
  const name = path.length ? String(path[path.length - 1]) : 'config';
  const lines = [`**${typeof path[path.length - 1] === 'number' ? 'item' : name}**${s.type ? ` — ${typeWords(s.type)}` : ''}`, ''];
  if (s.description) lines.push(s.description);
  const extra: string[] = [];
  const bounds = boundsWords(s);
  if (bounds && !s['x-unit']) extra.push(`Range: ${bounds}.`);
  if (s.enum) extra.push(`Values: ${listOf(s.enum.map(String), 20)}.`);
  if (s['x-approaches']) extra.push(`Used by: ${listOf(s['x-approaches'], 20)}.`);
  if (extra.length) lines.push('', extra.join(' '));
  return lines.join('\n');
}

async function modelDoc(model: ModelEntry, host: HoverHost, header: string): Promise<string> {
  const parts = [header];
  const file = model.path ?? model.config;
  if (file && host.fsPath) {
    const abs = resolveModelPath(host.fsPath, file);
    if (host.isOutside?.(abs)) {
      parts.push(`\`${abs}\` — outside the workspace folders: not read (the setting \`ttcLens.files.allowOutsideWorkspace\` allows it)`);
      return parts.join('\n\n');
    }
    const exists = host.fileExists ? host.fileExists(abs) : true;
    parts.push(`\`${abs}\`${exists ? '' : ' — **not found**'}`);
    if (exists && host.describeModel) {
      const bind = { ...(host.defaultDims ?? {}), ...(model.dims ?? {}) };
      // An ONNX path, or a shape-only description (config.json / genai_config.json) at the model's precision.
      if (model.path) {
        const modelPath = resolveModelPath(host.fsPath, model.path);
        parts.push(...(await host.describeModel(modelPath, bind)));
        if (host.measurements) {
          const measured = await measuredHover(modelPath, bind, host.measurements).catch((e: unknown) => `_Could not describe model: ${e instanceof Error ? e.message : String(e)}_`);
          if (measured) parts.push(measured);
        }
      } else if (model.config) parts.push(...(await host.describeModel(abs, bind, model.precision ? { precision: model.precision } : {})));
    }
  } else if (file) {
    parts.push(`\`${file}\` (relative to the config file; save the config to resolve it)`);
  }
  return parts.join('\n\n');
}

export async function hover(doc: TextDocument, parsed: ParsedConfig, pos: Position, host: HoverHost): Promise<Hover | null> {
  if (!parsed.doc) return null;
  const hit = pathAtOffset(parsed.doc, doc.offsetAt(pos));
  if (!hit) return null;
  const range = hit.onKey ? parsed.keyRangeOf(hit.path) : nodeRange(hit.node);
  const lspRange = range ? { start: doc.positionAt(range.start), end: doc.positionAt(range.end) } : undefined;
  const md = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, ...(lspRange ? { range: lspRange } : {}) });
  const { path } = hit;
  const models = parsed.config.models;

  // A model entry's name: the model itself.
  if (path.length === 2 && path[0] === 'models' && hit.onKey) {
    const m = models[String(path[1])];
    return m ? md(await modelDoc(m, host, `**Model \`${m.name}\`**`)) : null;
  }
  if (!hit.onKey) {
    const s = schemaAt(path);
    const value = (hit.node as { value?: unknown } | null)?.value;
    // A model file.
    if (path.length === 3 && path[0] === 'models' && (path[2] === 'path' || path[2] === 'config')) {
      const m = models[String(path[1])];
      if (m) return md(await modelDoc(m, host, `**${path[2] === 'path' ? 'ONNX model' : 'Model description'}** of \`${m.name}\``));
    }
    // A model reference.
    if (s?.['x-ref'] === 'model' && typeof value === 'string') {
      const m = models[value];
      return md(m ? await modelDoc(m, host, `**Model \`${m.name}\`**`) : `Model \`${value}\` is not defined in \`models\`.`);
    }
    // An enum value.
    if (s?.enum && s.enumDescriptions && typeof value === 'string') {
      const i = s.enum.indexOf(value);
      if (i >= 0) return md(`**${value}**\n\n${s.enumDescriptions[i]}\n\n---\n\n${keyDoc(path) ?? ''}`);
    }
    // A unit.
    if (s?.['x-unit'] && value !== undefined) {
      const x = parseUnit(s['x-unit'], value);
      if (x !== undefined) return md(`${keyDoc(path) ?? ''}\n\n= **${formatUnit(s['x-unit'], x)}**`);
    }
  }
  const d = keyDoc(path);
  return d ? md(d) : null;
}
