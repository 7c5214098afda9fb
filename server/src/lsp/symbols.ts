/** Document symbols: the config's outline (service/symbols.ts). */
import type { Feature } from './context';
import { isTtcDocument, languageServiceFor } from './host';

export const feature: Feature = {
  capabilities: { documentSymbolProvider: { label: 'TTC config' } },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onDocumentSymbol((p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return [];
      try {
        return service.symbols(doc);
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: symbols failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    });
  },
};
