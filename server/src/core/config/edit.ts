/**
 * Editing a config the way a person would: set the value at a key path (`['strategy', 'n']`,
 * `['models', 'policy', 'precision']`), inserting the missing keys, and touch nothing else. Comments,
 * blank lines, key order, alignment, quoting and flow style (`{ a: 1 }`) survive; the result is a
 * few text edits (offset range + new text) for the host to map to LSP `TextEdit`s, never the whole
 * file. Quick-fixes that change values (fit the budget, quantize a model) use it.
 *
 * The `yaml` library's document API gives each node's source range; the edits are written against
 * those ranges in the layout found around them (the map's indentation, a flow map's padding). Every
 * result is checked by parsing the edited text: the value at the path must be the one asked for and
 * the rest of the document unchanged, or there is no edit.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { keyText, type OffsetRange, type Path } from './yamlAst';

/** A replacement of `range` (offsets into the original text) by `newText`; an insertion when the range is empty. */
export interface TextEdit {
  range: OffsetRange;
  newText: string;
}

/** The values a quick-fix writes. */
export type EditValue = string | number | boolean | null;

const PARSE = { prettyErrors: false, uniqueKeys: false, logLevel: 'error' } as const;

/**
 * Edits that make the value at `path` equal `value`: a scalar is replaced in place (quoted values keep
 * their quotes), missing keys are inserted in the map where the path leaves the document (nested block
 * or flow maps as needed). Undefined when the text does not parse, the path runs through a scalar, a
 * sequence item that does not exist or an alias, or the value there is a collection.
 */
export function setValue(text: string, path: Path, value: EditValue): TextEdit[] | undefined {
  if (path.length === 0) return undefined;
  const doc = parseDocument(text, PARSE);
  if (doc.errors.length > 0) return undefined;
  const edits = plan(doc, text, path, value);
  if (!edits || !verify(text, edits, path, value)) return undefined;
  return edits;
}

/**
 * Edits that remove the key at `path` (a scalar-valued entry of a block or flow map): its line in a
 * block map, `k: v` and one neighbouring comma in a flow map. `[]` when the key is absent; undefined
 * when the text does not parse, the value is a collection, or the result would change anything else.
 */
export function removeKey(text: string, path: Path): TextEdit[] | undefined {
  if (path.length === 0) return undefined;
  const doc = parseDocument(text, PARSE);
  if (doc.errors.length > 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return parent === undefined ? [] : undefined;
  const pair = findPair(parent, String(path[path.length - 1]));
  if (!pair) return [];
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range || (value && !isScalar(value))) return undefined;
  const start = key.range[0];
  const end = value?.range ? value.range[1] : key.range[1];
  let edit: TextEdit;
  if (parent.flow) {
    const after = /^\s*,\s*/.exec(text.slice(end));
    if (after) edit = { range: { start, end: end + after[0].length }, newText: '' };
    else {
      const before = /,\s*$/.exec(text.slice(0, start));
      edit = { range: { start: before ? start - before[0].length : start, end }, newText: '' };
    }
  } else {
    const ls = lineStart(text, start);
    if (text.slice(ls, start).trim() !== '') return undefined; // `- k: v` or several keys on a line
    const le = lineEnd(text, end);
    const nl = text.startsWith('\r\n', le) ? 2 : text[le] === '\n' ? 1 : 0;
    edit = { range: { start: ls, end: le + nl }, newText: '' };
  }
  try {
    const after = parseDocument(applyEdits(text, [edit]), PARSE);
    if (after.errors.length > 0 || after.hasIn(path)) return undefined;
    const rest = (d: Document): string => JSON.stringify(without(d.toJS() as unknown, path) ?? {});
    if (rest(doc) !== rest(after)) return undefined;
  } catch {
    return undefined;
  }
  return [edit];
}

/** `text` with `edits` applied (ranges refer to the original text and must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

function plan(doc: Document, text: string, path: Path, value: EditValue): TextEdit[] | undefined {
  const layout = new Layout(doc, text);
  let node: unknown = doc.contents;
  if (node === null || node === undefined || (isScalar(node) && node.value === null && emptyRange(node))) return layout.insertAtEnd(path, value);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = findPair(node, String(seg));
      if (!pair) return layout.insertInto(node, path.slice(i), value);
      const v = pair.value as Node | null;
      if (v === null || (isScalar(v) && v.value === null && emptyRange(v))) return layout.fillEmpty(node, pair, path.slice(i + 1), value);
      if (last) return replaceScalar(v, value, !!node.flow, text);
      node = v;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined || item === null) return undefined;
      if (last) return replaceScalar(item, value, !!node.flow, text);
      node = item;
    } else {
      return undefined;
    }
  }
  return undefined;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  // The last matching pair wins, as in the parsed value.
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i];
    if (isPair(p) && keyText(p) === key) return p;
  }
  return undefined;
}

function emptyRange(n: Node): boolean {
  return !n.range || n.range[0] === n.range[1];
}

function replaceScalar(node: Node, value: EditValue, inFlow: boolean, text: string): TextEdit[] | undefined {
  if (!isScalar(node) || isAlias(node) || !node.range || node.anchor || node.tag) return undefined;
  const [start, end] = node.range;
  const newText = scalarText(value, inFlow, node.type);
  if (text.slice(start, end) === newText) return [];
  return [{ range: { start, end }, newText }];
}

/** A scalar's source text: strings keep the old quote style (plain only where it reads back as the same string). */
function scalarText(value: EditValue, inFlow: boolean, type?: Scalar.Type): string {
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (type === 'QUOTE_SINGLE' && !value.includes('\n')) return `'${value.replace(/'/g, "''")}'`;
  if (type === 'QUOTE_DOUBLE' || !plainSafe(value, inFlow)) return JSON.stringify(value);
  return value;
}

function plainSafe(s: string, inFlow: boolean): boolean {
  if (s === '' || s !== s.trim() || /[\n\r\t#]/.test(s)) return false;
  const probe = parseDocument(inFlow ? `[${s}]` : `k: ${s}`, PARSE);
  if (probe.errors.length > 0) return false;
  const js = probe.toJS() as unknown;
  return inFlow ? Array.isArray(js) && js.length === 1 && js[0] === s : (js as Record<string, unknown>)?.k === s;
}

function keyTextOf(k: string | number): string {
  return plainSafe(String(k), true) ? String(k) : JSON.stringify(String(k));
}

/** Where and how to insert, read from the document's own layout. */
class Layout {
  /** Spaces per nesting level of block maps (the smallest step found; 2 when there is none). */
  readonly step: number;
  /** The document's line break. */
  readonly eol: string;

  constructor(
    private readonly doc: Document,
    private readonly text: string,
  ) {
    this.step = this.findStep();
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** A document with no content: the path becomes top-level block keys. */
  insertAtEnd(path: Path, value: EditValue): TextEdit[] {
    const sep = this.text.length > 0 && !this.text.endsWith('\n') ? this.eol : '';
    return [{ range: { start: this.text.length, end: this.text.length }, newText: sep + this.blockEntry(path, value, 0).slice(this.eol.length) + this.eol }];
  }

  /** `map` lacks `path[0]`: add the entry after its last item. */
  insertInto(map: YAMLMap, path: Path, value: EditValue): TextEdit[] | undefined {
    if (map.flow) {
      const open = map.range?.[0];
      if (open === undefined || this.text[open] !== '{') return undefined;
      const entry = this.flowEntry(path, value);
      const lastItem = map.items[map.items.length - 1];
      if (!lastItem) {
        const close = map.range![1] - 1;
        const inner = this.text.slice(open + 1, close);
        if (inner.trim() !== '') return undefined;
        return [{ range: { start: open + 1, end: close }, newText: ` ${entry} ` }];
      }
      const at = itemEnd(lastItem as Pair);
      if (at === undefined) return undefined;
      return [{ range: { start: at, end: at }, newText: `, ${entry}` }];
    }
    const first = map.items[0] as Pair | undefined;
    const keyStart = (first?.key as Node | undefined)?.range?.[0];
    if (keyStart === undefined) return undefined;
    const indent = keyStart - lineStart(this.text, keyStart);
    const at = this.lineEndAfter(map);
    return [{ range: { start: at, end: at }, newText: this.blockEntry(path, value, indent) }];
  }

  /** `pair` has a key and no value (`policy:`): write the value, or the rest of the path under it. */
  fillEmpty(map: YAMLMap, pair: Pair, rest: Path, value: EditValue): TextEdit[] | undefined {
    const keyEnd = (pair.key as Node | undefined)?.range?.[1];
    if (keyEnd === undefined) return undefined;
    const colon = this.text.indexOf(':', keyEnd);
    if (colon < 0) return undefined;
    if (rest.length === 0 || map.flow) {
      const v = rest.length === 0 ? scalarText(value, !!map.flow) : `{ ${this.flowEntry(rest, value)} }`;
      return [{ range: { start: colon + 1, end: colon + 1 }, newText: ` ${v}` }];
    }
    const keyStart = (pair.key as Node).range![0];
    const indent = keyStart - lineStart(this.text, keyStart) + this.step;
    const at = lineEnd(this.text, colon);
    return [{ range: { start: at, end: at }, newText: this.blockEntry(rest, value, indent) }];
  }

  /** `⏎<indent>k1:⏎<indent+step>k2: value` (one line per key). */
  private blockEntry(path: Path, value: EditValue, indent: number): string {
    let out = '';
    path.forEach((k, i) => {
      const pad = ' '.repeat(indent + i * this.step);
      out += `${this.eol}${pad}${keyTextOf(k)}:` + (i === path.length - 1 ? ` ${scalarText(value, false)}` : '');
    });
    return out;
  }

  /** `k1: { k2: value }`. */
  private flowEntry(path: Path, value: EditValue): string {
    let out = scalarText(value, true);
    for (let i = path.length - 1; i >= 0; i--) out = i === path.length - 1 ? `${keyTextOf(path[i])}: ${out}` : `${keyTextOf(path[i])}: { ${out} }`;
    return out;
  }

  /** The end of the line on which the last item of a block map ends (after a comment there, before the newline). */
  private lineEndAfter(map: YAMLMap): number {
    let end = map.range?.[1] ?? this.text.length;
    for (const it of map.items) {
      const e = itemEnd(it as Pair, true);
      if (e !== undefined) end = e;
    }
    while (end > 0 && /\s/.test(this.text[end - 1])) end--;
    return lineEnd(this.text, end);
  }

  private findStep(): number {
    let step = Infinity;
    const walk = (node: unknown, indent: number, depth: number): void => {
      if (depth > 50 || !isMap(node) || node.flow) return;
      for (const p of node.items) {
        if (!isPair(p) || !isMap(p.value) || p.value.flow) continue;
        const k = (p.value.items[0] as Pair | undefined)?.key as Node | undefined;
        const s = k?.range?.[0];
        if (s === undefined) continue;
        const childIndent = s - lineStart(this.text, s);
        if (childIndent > indent) step = Math.min(step, childIndent - indent);
        walk(p.value, childIndent, depth + 1);
      }
    };
    const root = this.doc.contents;
    if (isMap(root)) {
      const s = ((root.items[0] as Pair | undefined)?.key as Node | undefined)?.range?.[0];
      if (s !== undefined) walk(root, s - lineStart(this.text, s), 0);
    }
    return Number.isFinite(step) ? step : 2;
  }
}

/** Where an item's own text ends (its value's, else its key's); `deep` follows nested block collections. */
function itemEnd(p: Pair, deep = false): number | undefined {
  const v = p.value as Node | null;
  if (v && v.range && v.range[1] > v.range[0]) {
    if (deep && (isMap(v) || isSeq(v)) && !v.flow && v.items.length > 0) {
      const lastItem = v.items[v.items.length - 1];
      if (isPair(lastItem)) return itemEnd(lastItem, true) ?? v.range[1];
      const r = (lastItem as Node | null)?.range;
      if (r) return r[1];
    }
    return v.range[1];
  }
  return (p.key as Node | null)?.range?.[1];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset of the line break after `offset` (of its `\r` in a CRLF file), or the end of the text. */
function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  if (i < 0) return text.length;
  return i > offset && text[i - 1] === '\r' ? i - 1 : i;
}

/** The edited text parses, has `value` at `path`, and agrees with the original everywhere else. */
function verify(text: string, edits: TextEdit[], path: Path, value: EditValue): boolean {
  try {
    const after = parseDocument(applyEdits(text, edits), PARSE);
    if (after.errors.length > 0 || after.getIn(path) !== value) return false;
    const rest = (d: Document): string => JSON.stringify(prune(without(d.toJS() as unknown, path)) ?? {});
    return rest(parseDocument(text, PARSE)) === rest(after);
  } catch {
    return false; // e.g. too many aliases to expand
  }
}

/** `v` without the entry at `path`. */
function without(v: unknown, path: Path): unknown {
  if (path.length === 0 || v === null || typeof v !== 'object') return v;
  const [k, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === k ? (rest.length > 0 ? without(x, rest) : undefined) : x));
  return Object.fromEntries(
    Object.entries(v)
      .filter(([key]) => !(key === String(k) && rest.length === 0))
      .map(([key, x]) => [key, key === String(k) ? without(x, rest) : x]),
  );
}

/** Empty values and the maps left empty by `without` (a key inserted on the way was absent or empty before). */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if (p === null || p === undefined || (typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0)) continue;
    out[k] = p;
  }
  return out;
}
