/**
 * Where the cursor is in the config's structure, worked out from indentation and `key:` / `- ` markers
 * on the lines above, so it works on half-typed YAML that does not parse (completion's usual case).
 */
import type { Path } from '../core/config/parse';

export type CursorContext =
  | { kind: 'key'; path: Path; prefix: string; keyColumn: number }
  | { kind: 'value'; path: Path; key: string; prefix: string }
  | { kind: 'item'; path: Path; prefix: string };

const LINE = /^( *)((?:- +)*)(?:("[^"]*"|'[^']*'|[^\s#:'"-][^:#]*?|[^\s#:'"][^:#]*?) *:(?: +|$)(.*))?/;

interface LineInfo {
  indent: number;
  dashes: number;
  key?: string;
  rest?: string;
  blank: boolean;
}

function info(line: string): LineInfo {
  if (/^\s*(#.*)?$/.test(line)) return { indent: 0, dashes: 0, blank: true };
  const m = LINE.exec(line)!;
  let key = m[3];
  if (key && /^["']/.test(key)) key = key.slice(1, -1);
  return { indent: m[1].length, dashes: m[2].length, key, rest: m[4], blank: false };
}

/** The mapping path that contains a key written at column `col` below line `lineNo` (exclusive). */
export function parentPath(lines: string[], lineNo: number, col: number): Path {
  const path: Path = [];
  let cur = col;
  for (let i = lineNo - 1; i >= 0 && cur > 0; i--) {
    const l = info(lines[i]);
    if (l.blank) continue;
    const keyCol = l.indent + l.dashes;
    if (l.dashes > 0 && keyCol === cur) {
      // A sibling key in the mapping that is this list item: we are inside item 0 of the list.
      path.unshift(0);
      cur = l.indent;
      continue;
    }
    if (l.indent < cur) {
      if (l.dashes > 0 && keyCol < cur && l.key !== undefined) {
        // `- key:` opening a nested block inside a list item.
        path.unshift(0, l.key);
        cur = l.indent;
        continue;
      }
      if (l.dashes > 0) {
        path.unshift(0);
        cur = l.indent;
        continue;
      }
      if (l.key === undefined) return path; // text we cannot place
      path.unshift(l.key);
      cur = l.indent;
    }
  }
  return path;
}

/** Context at a cursor given as (line number, character) in `text`. */
export function cursorContext(text: string, line: number, character: number): CursorContext {
  const lines = text.split(/\r?\n/);
  const before = (lines[line] ?? '').slice(0, character);
  // `key: val|`
  const kv = /^( *)((?:- +)*)("[^"]*"|'[^']*'|[^\s#:'"][^:#]*?) *: +(.*)$/.exec(before);
  if (kv && !/^[[{]/.test(kv[4])) {
    const col = kv[1].length + kv[2].length;
    let key = kv[3];
    if (/^["']/.test(key)) key = key.slice(1, -1);
    const parent = kv[2] ? [...parentPath(lines, line, kv[1].length), ...Array(kv[2].trim().split(/ +/).length).fill(0)] : parentPath(lines, line, col);
    return { kind: 'value', path: [...parent, key], key, prefix: kv[4].replace(/^["']/, '') };
  }
  // `- val|` or `- ` (a list item: value or the first key of a mapping item)
  const item = /^( *)((?:- +)+)([^\s:#]*)$/.exec(before);
  if (item) {
    const parent = parentPath(lines, line, item[1].length);
    const depth = item[2].trim().split(/ +/).length;
    return { kind: 'item', path: [...parent, ...Array(depth - 1).fill(0)], prefix: item[3] };
  }
  // `  ke|`
  const k = /^( *)([A-Za-z_][\w.-]*)?$/.exec(before);
  if (k) return { kind: 'key', path: parentPath(lines, line, k[1].length), prefix: k[2] ?? '', keyColumn: k[1].length };
  return { kind: 'key', path: [], prefix: '', keyColumn: -1 };
}
