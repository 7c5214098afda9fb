/** Hover: key docs from the schema, enum/unit values, model files with describeModel sections (service/hover.ts). */
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './languageService';
import { fileAccessFor } from './fileAccess';

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
        return await service.hover(doc, p.position, { fsPath: fsPathOf(doc.uri), defaultDims: settings.defaultDims, isOutside });
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: hover failed: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    });
  },
};
