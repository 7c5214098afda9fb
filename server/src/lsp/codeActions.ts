/** Code actions: quick-fixes for config problems (service/codeActions.ts). */
import { CodeActionKind } from 'vscode-languageserver/node';
import type { Feature } from './context';
import { fsPathOf, isTtcDocument, languageServiceFor } from './host';
import { fileAccessFor } from './fileAccess';
import { estimateFixes, qualityFixes } from './estimates';
import { rewriteActions } from '../service/rewrites';

export const feature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] } },
  register(ctx) {
    const service = languageServiceFor(ctx);
    ctx.connection.onCodeAction(async (p) => {
      const doc = ctx.documents.get(p.textDocument.uri);
      if (!doc || !isTtcDocument(doc)) return [];
      const wants = (kind: string) => !p.context.only || p.context.only.some((k) => kind.startsWith(k));
      if (!wants(CodeActionKind.QuickFix) && !wants(CodeActionKind.RefactorRewrite)) return [];
      try {
        const { isOutside } = await fileAccessFor(ctx, doc.uri);
        const own = service.codeActions(doc, p.range, { fsPath: fsPathOf(doc.uri), isOutside });
        // Budget breaches: fixes computed by the estimator (the largest value of each knob that fits).
        const fits = await estimateFixes(ctx, doc, p.context.diagnostics).catch(() => []);
        // Quantize / prune: on an ONNX model entry, and on budget breaches (service/rewrites.ts).
        const rewrites = rewriteActions(doc, service.parse(doc), p.range, p.context.diagnostics, ctx.workspaceTrusted);
        const quality = await qualityFixes(ctx, doc, p.range, p.context.diagnostics).catch(() => []);
        return [...own, ...fits, ...quality, ...rewrites].filter((a) => wants(a.kind ?? CodeActionKind.QuickFix));
      } catch (e) {
        ctx.connection.console.error(`ttc-lens: code actions failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    });
  },
};
