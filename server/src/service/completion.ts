/**
 * Completion: keys for the mapping under the cursor (minus those already there), enum values,
 * model names where a model reference goes, and file paths (relative to the config file) for
 * `path` / `config` / `samples`. Everything comes from the JSON schema; directory listing is a host
 * function.
 */
import * as nodePath from 'node:path';
import { CompletionItemKind, InsertTextFormat, MarkupKind, TextEdit, type CompletionItem, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedConfig, Path } from '../core/config/parse';
import { deref, schemaAt, type SchemaNode } from '../core/config/schema';
import { cursorContext } from './cursor';

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

/** What a model file declares about its inputs (for `dims:` and `inputs:` completion). */
export interface ModelInputs {
  /** Symbolic dimensions of the graph inputs, with the value assumed when a config leaves them unbound. */
  symbols: Array<{ name: string; assumed?: number }>;
  inputs: Array<{ name: string; dtype: string; shape: Array<number | string> }>;
}

export interface CompletionHost {
  fsPath?: string;
  /** Lists a folder; absent or throwing → no path completion. */
  listDir?: (absPath: string) => DirEntry[];
  /** The inputs an ONNX model declares; absent, undefined or throwing → no model-based completion. */
  modelInputs?: (absPath: string) => ModelInputs | undefined;
}

function valueAt(raw: unknown, path: Path): unknown {
  let cur = raw;
  for (const s of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

const isObjectType = (s: SchemaNode | undefined) => {
  const t = deref(s)?.type;
  return t === 'object' || t === 'array' || (!t && !!deref(s)?.properties);
};

function keyItems(path: Path, parsed: ParsedConfig, keyColumn: number): CompletionItem[] {
  const s = schemaAt(path);
  if (!s?.properties) return [];
  const present = valueAt(parsed.raw, path);
  const have = present && typeof present === 'object' ? new Set(Object.keys(present)) : new Set<string>();
  const approach = parsed.config.strategy?.approach;
  const out: CompletionItem[] = [];
  let i = 0;
  for (const [key, sub0] of Object.entries(s.properties)) {
    i++;
    if (have.has(key)) continue;
    const sub = deref(sub0)!;
    const applies = sub['x-approaches'];
    // Strategy params that the chosen approach ignores would only produce a warning.
    if (path.length === 1 && path[0] === 'strategy' && approach && applies && !applies.includes(approach)) continue;
    const block = isObjectType(sub) && sub.type !== 'array' && sub.type !== undefined && !Array.isArray(sub.type);
    const list = sub.type === 'array';
    const indent = ' '.repeat(Math.max(0, keyColumn) + 2);
    const insertText = block ? `${key}:\n${indent}` : list ? `${key}:\n${indent}- ` : `${key}: `;
    const wantsValue = !!sub.enum || !!sub['x-ref'] || !!sub['x-path'];
    out.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: (s.required ?? []).includes(key) ? 'required' : undefined,
      documentation: sub.description ? { kind: MarkupKind.Markdown, value: sub.description } : undefined,
      insertText,
      insertTextFormat: InsertTextFormat.PlainText,
      sortText: `${(s.required ?? []).includes(key) ? 0 : 1}${String(i).padStart(3, '0')}`,
      ...(wantsValue ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    });
  }
  return out;
}

function modelNameItems(parsed: ParsedConfig): CompletionItem[] {
  return Object.values(parsed.config.models).map((m) => ({
    label: m.name,
    kind: CompletionItemKind.Reference,
    detail: m.path ?? m.config ?? 'model',
  }));
}

function enumItems(s: SchemaNode): CompletionItem[] {
  return (s.enum ?? []).map((v, i) => ({
    label: String(v),
    kind: CompletionItemKind.EnumMember,
    documentation: s.enumDescriptions?.[i] ? { kind: MarkupKind.Markdown, value: s.enumDescriptions[i] } : undefined,
  }));
}

function pathItems(doc: TextDocument, pos: Position, prefix: string, exts: string[], host: CompletionHost): CompletionItem[] {
  if (!host.fsPath || !host.listDir) return [];
  const slash = prefix.lastIndexOf('/');
  const dirPart = slash >= 0 ? prefix.slice(0, slash + 1) : '';
  const base = nodePath.dirname(host.fsPath);
  let entries: DirEntry[];
  try {
    entries = host.listDir(nodePath.resolve(base, dirPart || '.'));
  } catch {
    return [];
  }
  const start = { line: pos.line, character: pos.character - (prefix.length - dirPart.length) };
  return entries
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .filter((e) => e.isDirectory || exts.length === 0 || exts.some((x) => e.name.toLowerCase().endsWith(x)))
    .filter((e) => !(e.name === nodePath.basename(host.fsPath!) && !dirPart))
    .slice(0, 500)
    .map((e) => ({
      label: e.isDirectory ? `${e.name}/` : e.name,
      kind: e.isDirectory ? CompletionItemKind.Folder : CompletionItemKind.File,
      textEdit: TextEdit.replace({ start, end: pos }, e.isDirectory ? `${e.name}/` : e.name),
      sortText: `${e.isDirectory ? 1 : 0}${e.name}`,
      ...(e.isDirectory ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    }));
}

/**
 * Keys under `models.<name>.dims` (the model's symbolic dimensions) and `models.<name>.inputs` (its
 * input names), read from the ONNX file the entry names; undefined when the cursor is elsewhere.
 */
function modelKeyItems(path: Path, parsed: ParsedConfig, host: CompletionHost): CompletionItem[] | undefined {
  if (path.length !== 3 || path[0] !== 'models' || (path[2] !== 'dims' && path[2] !== 'inputs')) return undefined;
  const model = parsed.config.models[String(path[1])];
  if (!model?.path || !host.fsPath || !host.modelInputs) return [];
  let info: ModelInputs | undefined;
  try {
    info = host.modelInputs(nodePath.resolve(nodePath.dirname(host.fsPath), model.path));
  } catch {
    return [];
  }
  if (!info) return [];
  const present = valueAt(parsed.raw, path);
  const have = present && typeof present === 'object' ? new Set(Object.keys(present)) : new Set<string>();
  if (path[2] === 'dims') {
    return info.symbols
      .filter((d) => !have.has(d.name))
      .map((d) => ({
        label: d.name,
        kind: CompletionItemKind.Variable,
        detail: d.assumed !== undefined ? `symbolic dimension (assumed ${d.assumed} when unbound)` : 'symbolic dimension',
        insertText: `${d.name}: `,
      }));
  }
  return info.inputs
    .filter((i) => !have.has(i.name))
    .map((i) => ({
      label: i.name,
      kind: CompletionItemKind.Field,
      detail: `${i.dtype}[${i.shape.join(', ')}]`,
      insertText: `${i.name}: [${i.shape.map((d) => (typeof d === 'number' ? String(d) : '1')).join(', ')}]`,
    }));
}

export function complete(doc: TextDocument, parsed: ParsedConfig, pos: Position, host: CompletionHost): CompletionItem[] {
  const ctx = cursorContext(doc.getText(), pos.line, pos.character);
  if (ctx.kind === 'key') {
    if (ctx.keyColumn < 0) return [];
    return modelKeyItems(ctx.path, parsed, host) ?? keyItems(ctx.path, parsed, ctx.keyColumn);
  }
  const s = schemaAt(ctx.path);
  if (!s) return [];
  if (ctx.kind === 'item') {
    const items = deref(s.items);
    if (!items) return [];
    if (items['x-ref'] === 'model') return modelNameItems(parsed);
    if (items.properties) {
      const lineText = doc.getText({ start: { line: pos.line, character: 0 }, end: pos });
      return keyItems([...ctx.path, 0], parsed, lineText.length - ctx.prefix.length);
    }
    return [];
  }
  if (s['x-ref'] === 'model') return modelNameItems(parsed);
  if (s.enum) return enumItems(s);
  if (s['x-path']) return pathItems(doc, pos, ctx.prefix, s['x-path'], host);
  return [];
}
