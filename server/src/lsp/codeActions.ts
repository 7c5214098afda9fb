/** Code actions: quick-fixes for config problems (service/codeActions.ts). */
import { CodeActionKind } from 'vscode-languageserver/node';
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './languageService';
import { fileAccessFor } from './fileAccess';
import { estimateFixes } from './estimates';

export const feature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onCodeAction(async (p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return [];
      if (p.context.only && !p.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      try {
        const { isOutside } = await fileAccessFor(ctx, doc.uri);
        const own = service.codeActions(doc, p.range, { fsPath: fsPathOf(doc.uri), isOutside });
        // Budget breaches: fixes computed by the estimator (the largest value of each knob that fits).
        const fits = await estimateFixes(ctx, doc, p.context.diagnostics).catch(() => []);
        return [...own, ...fits];
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: code actions failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    });
  },
};
