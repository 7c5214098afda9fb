/** Document symbols (outline): sections, models, strategy parameters, with their values as detail. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { ParsedConfig } from '../core/config/parse';
import { keyText, nodeRange } from '../core/config/yamlAst';

const SECTION_KIND: Record<string, SymbolKind> = {
  version: SymbolKind.Constant,
  models: SymbolKind.Package,
  strategy: SymbolKind.Function,
  workload: SymbolKind.Struct,
  hardware: SymbolKind.Struct,
  budget: SymbolKind.Struct,
};

const MAX_SYMBOLS = 2000;

export function symbols(doc: TextDocument, parsed: ParsedConfig): DocumentSymbol[] {
  if (!parsed.doc) return [];
  let count = 0;
  const toRange = (start: number, end: number) => ({ start: doc.positionAt(start), end: doc.positionAt(Math.max(start, end)) });
  const walk = (node: unknown, depth: number, parentKey: string | undefined): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    if (depth > 6 || count > MAX_SYMBOLS) return out;
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const name = keyText(p);
        const kr = nodeRange(p.key);
        if (name === undefined || !kr || name.trim() === '') continue;
        const vr = nodeRange(p.value);
        const end = vr && vr.end > kr.end ? vr.end : kr.end;
        count++;
        const value = p.value as Node | null;
        const kind = depth === 0 ? SECTION_KIND[name] ?? SymbolKind.Field : parentKey === 'models' ? SymbolKind.Class : isMap(value) || isSeq(value) ? SymbolKind.Object : SymbolKind.Property;
        let detail: string | undefined;
        if (isScalar(value) && value.value !== null) detail = String(value.value).slice(0, 80);
        if (depth === 0 && name === 'strategy' && isMap(value)) detail = String(value.get('approach') ?? '');
        if (parentKey === 'models' && isMap(value)) detail = String(value.get('path') ?? value.get('config') ?? '');
        out.push({
          name,
          detail: detail || undefined,
          kind,
          range: toRange(kr.start, end),
          selectionRange: toRange(kr.start, kr.end),
          children: walk(value, depth + 1, name),
        });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const r = nodeRange(item);
        if (!r || (!isMap(item) && !isSeq(item))) return;
        count++;
        const model = isMap(item) ? item.get('model') : undefined;
        out.push({
          name: model !== undefined ? String(model) : `[${i}]`,
          detail: model !== undefined ? `stage ${i + 1}` : undefined,
          kind: SymbolKind.Object,
          range: toRange(r.start, r.end),
          selectionRange: toRange(r.start, r.end),
          children: walk(item, depth + 1, String(i)),
        });
      });
    }
    return out;
  };
  return walk(parsed.doc.contents, 0, undefined);
}
