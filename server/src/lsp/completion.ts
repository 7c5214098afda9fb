/** Completion: keys, enum values, model names and relative file paths (service/completion.ts). */
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './host';
import { resolveModelPath } from '../core/config/parse';
import { fileAccessFor } from './fileAccess';
import { isOnnxFile } from '../core/model/reference';

/** How long completion waits for the static analysis of the config's models (then answers without them). */
export const MODEL_WAIT_MS = 2000;

export const feature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: [':', ' ', '/', '-'], resolveProvider: false } },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onCompletion(async (p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return [];
      try {
        const fsPath = fsPathOf(doc.uri);
        const access = await fileAccessFor(ctx, doc.uri);
        // `dims:` / `inputs:` completion reads the model's declared inputs from the analyser's cache;
        // fill it first (in the worker thread), but never wait long for a big model.
        if (fsPath) {
          const models = Object.values(service.parse(doc).config.models)
            .filter((m) => m.path && isOnnxFile(m.path))
            .map((m) => resolveModelPath(fsPath, m.path!))
            .filter((abs) => access.allowed(abs));
          if (models.length) {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
              Promise.allSettled(models.map((abs) => ctx.analyzer.get(abs))),
              new Promise((r) => (timer = setTimeout(r, MODEL_WAIT_MS))),
            ]);
            clearTimeout(timer);
          }
        }
        return service.complete(doc, p.position, { fsPath, isOutside: access.isOutside });
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: completion failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    });
  },
};
