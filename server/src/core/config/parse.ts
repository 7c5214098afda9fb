/**
 * `parseConfig(text)`: YAML text → typed config + problems with source ranges. Never throws; bad input
 * of any kind (binary, huge, deeply nested, alias bombs) comes back as problems in bounded time.
 * Problems here are syntax and structure (schema); semantic rules live in service/validation.
 */
import * as path from 'node:path';
import { parseDocument, visit, type Document } from 'yaml';
import { normalize } from './normalize';
import { checkStructure } from './structure';
import type { TtcConfig } from './types';
import type { Problem } from './problem';
import { duplicateKeys, keyRange, nodeRange, valueRange, type OffsetRange, type Path } from './yamlAst';

export type { OffsetRange, Path } from './yamlAst';
export type { Problem } from './problem';

export interface ParsedConfig {
  config: TtcConfig;
  problems: Problem[];
  /** Range of the value at a path (`['models', 'gen']`, `['strategy', 'n']`); the key's when the value is empty. */
  rangeOf(path: Path): OffsetRange | undefined;
  /** Range of the key at a path (of the item for list entries). */
  keyRangeOf(path: Path): OffsetRange | undefined;
  /** The document's plain JS value (what the schema checked); undefined when it could not be built. */
  raw: unknown;
  /** The YAML AST (for completion/hover/symbols); undefined when the text was rejected up front. */
  doc?: Document;
}

/**
 * 100× the largest plausible config (5000 one-line models fit); beyond it we don't try. The yaml
 * library needs seconds for half a megabyte of pathological flow syntax, and the server is single-threaded.
 */
export const MAX_CONFIG_CHARS = 256_000;
/** Deeper than any config (they nest 4 levels); yaml's time grows fast with pathological nesting. */
export const MAX_NESTING = 64;
/** Aliases a config may use; yaml's alias expansion check is superlinear in chained aliases. */
export const MAX_ALIASES = 100;

/**
 * Where flow brackets (`[[[[`) or sequence dashes on one line (`- - - -`) nest deeper than
 * MAX_NESTING, if they do. A cheap scan that skips quoted text and comments.
 */
export function excessiveNesting(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  let lineStart = true;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && !(quote === '"' && text[i - 1] === '\\')) quote = '';
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      dashes = 0;
      continue;
    }
    if (lineStart && c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\n' || i + 1 === text.length)) {
      if (++dashes > MAX_NESTING) return i;
      continue;
    }
    if (c !== ' ' && c !== '\t') lineStart = false;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
    } else if (c === '"' || c === "'") {
      // Only a quote that starts a scalar opens a quoted string (`it's` inside plain text does not).
      if (i === 0 || /[\s[{,:]/.test(text[i - 1])) quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
const MAX_SYNTAX_PROBLEMS = 50;

function firstLine(text: string): OffsetRange {
  const nl = text.indexOf('\n');
  const end = nl < 0 ? Math.min(text.length, 200) : Math.min(nl, 200);
  return { start: 0, end: text[end - 1] === '\r' ? end - 1 : end };
}

function emptyResult(problems: Problem[], raw?: unknown, doc?: Document): ParsedConfig {
  return {
    config: normalize(raw),
    problems,
    rangeOf: (p) => (doc ? valueRange(doc, p) : undefined),
    keyRangeOf: (p) => (doc ? keyRange(doc, p) : undefined),
    raw,
    doc,
  };
}

export function parseConfig(text: string): ParsedConfig {
  const top = firstLine(text);
  if (text.length > MAX_CONFIG_CHARS) {
    const k = Math.round(text.length / 1000);
    return emptyResult([{ message: `This file is too large to be a TTC config (${k} K characters; the limit is ${MAX_CONFIG_CHARS / 1000} K).`, severity: 'error', range: top, code: 'too-large' }]);
  }
  const deep = excessiveNesting(text);
  if (deep !== undefined) {
    const range = { start: deep, end: Math.min(text.length, deep + 1) };
    return emptyResult([{ message: `This file nests more than ${MAX_NESTING} levels deep; a TTC config needs a handful. It was not analysed further.`, severity: 'error', range, code: 'too-large' }]);
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false, logLevel: 'error' });
  } catch (e) {
    return emptyResult([{ message: `Could not read this file as YAML: ${e instanceof Error ? e.message : String(e)}`, severity: 'error', range: top, code: 'yaml-syntax' }]);
  }
  const problems: Problem[] = [];
  const clamp = (n: number) => Math.max(0, Math.min(text.length, n));
  for (const [list, severity] of [
    [doc.errors, 'error'],
    [doc.warnings, 'warning'],
  ] as const) {
    for (const err of list) {
      if (problems.length >= MAX_SYNTAX_PROBLEMS) break;
      const start = clamp(err.pos?.[0] ?? 0);
      let end = Math.max(start, clamp(err.pos?.[1] ?? start));
      // yaml often marks one character; cover the token (e.g. the whole duplicate key) so it can be seen.
      if (end - start <= 1) {
        const m = /^[^\s:,[\]{}]{1,80}/.exec(text.slice(start, start + 80));
        if (m) end = start + m[0].length;
      }
      let message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // yaml's own advice names its API ("please use YAML.parseAllDocuments()"); ours is the file format.
      if (err.code === 'MULTIPLE_DOCS') message = 'one config per file: this file holds more than one YAML document (a second `---`); split it into separate files';
      problems.push({ message: `YAML: ${message}`, severity, range: { start, end }, code: 'yaml-syntax', data: { yamlCode: err.code } });
    }
  }
  for (const key of duplicateKeys(doc).slice(0, MAX_SYNTAX_PROBLEMS)) {
    const range = nodeRange(key) ?? top;
    problems.push({ message: `YAML: the key '${text.slice(range.start, range.end)}' appears twice in this mapping; the last one wins.`, severity: 'error', range, code: 'duplicate-key' });
  }
  let aliases = 0;
  visit(doc, { Alias: () => (++aliases > MAX_ALIASES ? visit.BREAK : undefined) });
  if (aliases > MAX_ALIASES) {
    problems.push({ message: `This file uses more than ${MAX_ALIASES} YAML aliases (*name); TTC Lens does not expand that many.`, severity: 'error', range: top, code: 'too-large' });
    return emptyResult(problems, undefined, doc);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push({ message: `YAML: ${e instanceof Error ? e.message : String(e)}`, severity: 'error', range: top, code: 'yaml-syntax' });
    return emptyResult(problems, undefined, doc);
  }
  // Structure messages on a document YAML could not read would mostly repeat the syntax error.
  if (doc.errors.length === 0) {
    try {
      problems.push(...checkStructure(raw, doc, top).sort((a, b) => a.range.start - b.range.start));
    } catch (e) {
      problems.push({ message: `Internal error while checking this config: ${e instanceof Error ? e.message : String(e)}`, severity: 'error', range: top, code: 'internal' });
    }
  }
  return emptyResult(problems, raw, doc);
}

/** A path written in a config (relative to the config file's folder) as an absolute path. */
export function resolveModelPath(configFsPath: string, p: string): string {
  return path.resolve(path.dirname(configFsPath), p);
}
