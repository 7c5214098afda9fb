/**
 * Navigation in the `yaml` library's AST: from a path to a node's source range, and from an offset
 * back to the path under it. Paths are the same as in the parsed JS value (`['models', 'gen', 'path']`,
 * `['strategy', 'stages', 0, 'model']`).
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

export type Path = Array<string | number>;

export interface OffsetRange {
  start: number;
  end: number;
}

export function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value === null || k.value === undefined ? undefined : String(k.value);
  return undefined;
}

export function nodeRange(n: unknown): OffsetRange | undefined {
  const r = (n as Node | null | undefined)?.range;
  if (!r) return undefined;
  return { start: r[0], end: r[1] };
}

// Lookups by key are per-map indexes built on first use, so many lookups in a big map stay linear.
const indexes = new WeakMap<object, Map<string, Pair>>();
function pairIndex(map: { items: unknown[] }): Map<string, Pair> {
  let idx = indexes.get(map);
  if (!idx) {
    idx = new Map();
    // The last matching pair wins, as in the parsed value.
    for (const p of map.items) {
      if (!isPair(p)) continue;
      const k = keyText(p);
      if (k !== undefined) idx.set(k, p);
    }
    indexes.set(map, idx);
  }
  return idx;
}

/** Keys that appear more than once in one mapping: the later occurrences (yaml's own check is quadratic). */
export function duplicateKeys(doc: Document): Node[] {
  const out: Node[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > 200) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const k = keyText(p);
        if (k !== undefined) {
          if (seen.has(k)) out.push(p.key as Node);
          seen.add(k);
        }
        walk(p.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    }
  };
  walk(doc.contents, 0);
  return out;
}

/** The key and value nodes at a path (`key` is absent for sequence items and the root). */
export function nodesAt(doc: Document, path: Path): { key?: Node; value?: Node | null; pair?: Pair } | undefined {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let pair: Pair | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const found = pairIndex(node).get(String(seg));
      if (!found) return undefined;
      pair = found;
      key = found.key as Node;
      node = found.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return undefined;
      pair = undefined;
      key = undefined;
      node = item;
    } else {
      return undefined;
    }
  }
  return { key, value: node as Node | null, pair };
}

/** Range of the value at `path`; the key's range when the value is empty. */
export function valueRange(doc: Document, path: Path): OffsetRange | undefined {
  const n = nodesAt(doc, path);
  if (!n) return undefined;
  const v = nodeRange(n.value);
  if (v && v.end > v.start) return v;
  return nodeRange(n.key) ?? v;
}

/** Range of the key at `path` (of the item itself for sequence items). */
export function keyRange(doc: Document, path: Path): OffsetRange | undefined {
  const n = nodesAt(doc, path);
  if (!n) return undefined;
  return nodeRange(n.key) ?? nodeRange(n.value);
}

export interface PathHit {
  path: Path;
  /** Whether the offset is on the key of the innermost pair (else on its value). */
  onKey: boolean;
  node?: Node | null;
}

/** The innermost key or value under `offset` (inclusive of the end, so a cursor after a word counts). */
export function pathAtOffset(doc: Document, offset: number): PathHit | undefined {
  const within = (n: unknown) => {
    const r = nodeRange(n);
    return !!r && r.start <= offset && offset <= r.end;
  };
  let best: PathHit | undefined;
  const walk = (node: unknown, path: Path, depth: number): void => {
    if (depth > 100) return;
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const k = keyText(p);
        if (k === undefined) continue;
        const sub = [...path, k];
        if (within(p.key)) {
          best = { path: sub, onKey: true, node: p.value as Node | null };
          return;
        }
        if (within(p.value)) {
          best = { path: sub, onKey: false, node: p.value as Node | null };
          walk(p.value, sub, depth + 1);
          return;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (within(item)) {
          best = { path: [...path, i], onKey: false, node: item as Node };
          walk(item, [...path, i], depth + 1);
        }
      });
    }
  };
  walk(doc.contents, [], 0);
  return best;
}
