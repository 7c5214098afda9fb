/** The palette commands, run through the real command registry. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticsFor, eventually, openDoc, workspaceFile } from './helpers';

describe('commands', () => {
  it('Show Output opens the TTC Lens channel', async () => {
    await vscode.commands.executeCommand('ttcLens.showOutput');
  });

  it('Show Model Summary shows the model as Markdown', async () => {
    const model = await workspaceFile('models/decoder-tiny.onnx');
    await vscode.commands.executeCommand('ttcLens.showModelSummary', model);
    const summary = await eventually(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ttc-lens-summary' && d.uri.path.includes('decoder-tiny')),
      'the summary document',
    );
    assert.equal(summary.languageId, 'markdown');
    assert.ok(summary.getText().length > 20, summary.getText());
    assert.doesNotMatch(summary.getText(), /no longer available/);
  });

  it('Profile Models measures the models of the open configs', async function () {
    this.timeout(120_000);
    const doc = await openDoc('planted.ttc.yaml');
    const result = (await vscode.commands.executeCommand('ttcLens.profileModels', doc.uri)) as { profiled: Array<{ model: string; ok: boolean; message: string }> } | undefined;
    assert.ok(result && Array.isArray(result.profiled), 'no result from ttcLens/profileModels');
    const gen = result.profiled.find((p) => p.model === 'generator');
    assert.ok(gen, `generator not profiled: ${JSON.stringify(result.profiled)}`);
    assert.equal(gen.ok, true, gen.message);
  });

  it('Restart Server brings the server back with its diagnostics', async function () {
    this.timeout(90_000);
    const doc = await openDoc('planted.ttc.yaml');
    await vscode.commands.executeCommand('ttcLens.restartServer');
    const diags = await diagnosticsFor(doc.uri, (d) => d.some((x) => doc.getText(x.range) === 'temprature'));
    assert.ok(diags.length >= 1);
  });
});
