/** Hover: key docs from the schema, enum/unit values, model files with describeModel sections (service/hover.ts). */
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './host';
import { fileAccessFor } from './fileAccess';
import { estimateHover } from './estimates';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';

export const feature: Feature = {
  capabilities: { hoverProvider: true },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onHover(async (p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return null;
      try {
        const settings = await ctx.getSettings(doc.uri);
        const { isOutside } = await fileAccessFor(ctx, doc.uri);
        const base = await service.hover(doc, p.position, { fsPath: fsPathOf(doc.uri), defaultDims: settings.defaultDims, isOutside });
        // On strategy keys, the estimate's breakdown follows the key's documentation.
        const extra = await estimateHover(ctx, doc, doc.offsetAt(p.position)).catch(() => undefined);
        if (!extra) return base;
        const prior = base && typeof base.contents === 'object' && 'value' in base.contents ? base.contents.value : '';
        const merged: Hover = { contents: { kind: MarkupKind.Markdown, value: prior ? `${prior}\n\n---\n\n${extra}` : extra }, ...(base?.range ? { range: base.range } : {}) };
        return merged;
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: hover failed: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    });
  },
};
