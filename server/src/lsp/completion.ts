/** Completion: keys, enum values, model names and relative file paths (service/completion.ts). */
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './languageService';

export const feature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: [':', ' ', '/', '-'], resolveProvider: false } },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onCompletion((p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return [];
      try {
        return service.complete(doc, p.position, { fsPath: fsPathOf(doc.uri) });
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: completion failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    });
  },
};
