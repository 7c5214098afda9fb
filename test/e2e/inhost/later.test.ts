/**
 * Inline estimates (inlay hints) and the estimate code lens, through VS Code's own providers: the
 * server must announce both capabilities and answer with numbers for an example config.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, eventually, openDoc } from './helpers';
import type { TtcLensApi } from '../../../client/src/extension';

async function capabilities(): Promise<Record<string, unknown>> {
  const api = (await activeExtension()).exports as TtcLensApi;
  return (await eventually(() => api.serverCapabilities(), 'the server capabilities')) as Record<string, unknown>;
}

describe('features added later', () => {
  it('shows inline estimates (inlay hints) in an example config', async function () {
    assert.ok((await capabilities()).inlayHintProvider, 'the server announces inlay hints');
    const doc = await openDoc('*.ttc.yaml');
    const hints = await eventually(
      async () => {
        const h = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
        return h && h.length > 0 ? h : undefined;
      },
      'inlay hints',
      60_000,
    );
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => /\d/.test(l)), `no numbers in the inlay hints: ${JSON.stringify(labels)}`);
  });

  it('shows code lenses in an example config', async function () {
    assert.ok((await capabilities()).codeLensProvider, 'the server announces code lenses');
    const doc = await openDoc('*.ttc.yaml');
    const lenses = await eventually(
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
        return l && l.length > 0 ? l : undefined;
      },
      'code lenses',
      60_000,
    );
    assert.ok(lenses.every((l) => l.range.start.line < doc.lineCount));
    assert.ok(lenses.some((l) => l.command?.title), 'no resolved code lens has a title');
  });
});
