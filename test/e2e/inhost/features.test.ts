/**
 * Language features through the real client and server, asked for the way VS Code's UI asks
 * (vscode.execute*Provider). The workspace is a scratch copy of examples/ plus planted.ttc.yaml
 * (test/e2e/workspace.mjs), whose planted mistakes are listed there.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsFor, eventually, hoverText, nextDiagnosticsChange, openDoc, positionOf } from './helpers';

describe('language features', () => {
  let doc: vscode.TextDocument;
  before(async () => {
    doc = await openDoc('planted.ttc.yaml');
  });

  it('reports the planted mistakes at their exact ranges', async () => {
    const diags = await diagnosticsFor(doc.uri, (d) => d.filter((x) => x.severity === vscode.DiagnosticSeverity.Error).length >= 2);
    const typo = diags.find((d) => doc.getText(d.range) === 'temprature');
    assert.ok(typo, `no diagnostic on "temprature": ${JSON.stringify(diags.map((d) => [d.message, doc.getText(d.range)]))}`);
    assert.match(typo.message, /temperature/, 'the unknown key should suggest "temperature"');
    const undef = diags.find((d) => doc.getText(d.range) === 'missing_prm');
    assert.ok(undef, `no diagnostic on the undefined model "missing_prm": ${JSON.stringify(diags.map((d) => d.message))}`);
  });

  it('has no errors in the example configs', async () => {
    const files = (await vscode.workspace.findFiles('**/*.ttc.{yaml,yml}')).filter((u) => !/\/(planted|over-budget)\.ttc\.yaml$/.test(u.path));
    assert.ok(files.length >= 1, 'examples/ has no configs');
    for (const f of files) {
      // The server publishes for every opened document, an empty list included, and VS Code
      // reports each publish as a change: wait for it, so "no errors" is an answer, not a race.
      const alreadyOpen = vscode.workspace.textDocuments.some((x) => x.uri.toString() === f.toString());
      const published = alreadyOpen ? Promise.resolve() : nextDiagnosticsChange(f);
      const d = await vscode.workspace.openTextDocument(f);
      await published;
      const errors = vscode.languages.getDiagnostics(f).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      assert.deepEqual(errors.map((e) => `${e.range.start.line + 1}: ${e.message}`), [], d.uri.path);
    }
  });

  it('hovers a key with its documentation', async () => {
    const text = await eventually(async () => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'beam_width: 4', 2))), 'a hover on beam_width');
    assert.match(text, /beam_width/);
    assert.match(text, /DVTS|dvts/, text);
  });

  it('hovers a model path with what the model is', async () => {
    const text = await eventually(async () => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'path: models/decoder-tiny.onnx', 14))), 'a hover on the model path');
    assert.match(text, /decoder-tiny/, text);
    assert.match(text, /input|parameter|FLOP/i, text);
  });

  it('completes keys of the strategy section', async () => {
    // The indented blank line after `temprature` inside `strategy:`.
    const pos = positionOf(doc, 'temprature: 0.8\n  ', 'temprature: 0.8\n  '.length);
    const list = await eventually(
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
        return l && l.items.length > 0 ? l : undefined;
      },
      'completion items',
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.some((l) => l.startsWith('num_iterations') || l.startsWith('lookahead') || l.startsWith('top_p')), `strategy keys missing from ${JSON.stringify(labels.slice(0, 30))}`);
  });

  it('lists the sections in the outline', async () => {
    const symbols = await eventually(
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri),
      'document symbols',
    );
    const names = symbols.map((s) => s.name);
    for (const s of ['models', 'strategy', 'workload']) assert.ok(names.includes(s), `outline lacks ${s}: ${JSON.stringify(names)}`);
  });

  it('fixes the misspelt key with a quick-fix', async () => {
    const doc = await openDoc('planted.ttc.yaml');
    const original = doc.getText();
    // The key itself, not its first mention in the file's header comment.
    const range = new vscode.Range(positionOf(doc, '  temprature:', 2), positionOf(doc, '  temprature:', 2 + 'temprature'.length));
    const actions = await eventually(
      async () => {
        const a = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
        return a?.find((x) => /temperature/.test(x.title));
      },
      'a quick-fix for temprature',
    );
    try {
      if (actions.edit) assert.ok(await vscode.workspace.applyEdit(actions.edit));
      if (actions.command) await vscode.commands.executeCommand(actions.command.command, ...(actions.command.arguments ?? []));
      await eventually(() => doc.getText().includes('  temperature: 0.8'), 'the fixed key in the document');
    } finally {
      // Put the planted mistake back for the tests that follow.
      const all = new vscode.WorkspaceEdit();
      all.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
      await vscode.workspace.applyEdit(all);
      await doc.save();
    }
  });
});
