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

  interface Outcome {
    profiled: Array<{ model: string; ok: boolean; message: string }>;
    skipped?: Array<{ model: string; kind: string }>;
    configs?: string[];
    reportUri?: string;
  }

  it('Profile Models measures the models of the given config and opens its report', async function () {
    this.timeout(120_000);
    const doc = await openDoc('planted.ttc.yaml');
    const result = (await vscode.commands.executeCommand('ttcLens.profileModels', doc.uri)) as Outcome | undefined;
    assert.ok(result && Array.isArray(result.profiled), 'no result from ttcLens/profileModels');
    assert.deepEqual(result.configs, ['planted.ttc.yaml']);
    const gen = result.profiled.find((p) => p.model === 'generator');
    assert.ok(gen, `generator not profiled: ${JSON.stringify(result.profiled)}`);
    assert.equal(gen.ok, true, gen.message);
    // The report the toast's "Open Report" shows: tables, and the decoder's grid.
    assert.ok(result.reportUri, 'no report');
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(result.reportUri));
    const report = await eventually(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.reportUri), 'the report document');
    assert.match(report.getText(), /^# TTC Lens: profile of `planted\.ttc\.yaml`/);
    assert.match(report.getText(), /\| model \| p50 \| p90 \| p99 \|/);
    assert.match(report.getText(), /Decode step τ\(B, c\)/);
    // Show Model Summary of the measured model now ends with the measured numbers.
    await vscode.commands.executeCommand('ttcLens.showModelSummary', { path: 'models/decoder-tiny.onnx', configUri: doc.uri.toString() });
    const summary = await eventually(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ttc-lens-summary' && d.uri.path.includes('decoder-tiny') && /## Measured on this machine\n\n\| p50/.test(d.getText())),
      'the summary with its measured section',
    );
    assert.match(summary.getText(), /## Measured on this machine\n\n\| p50 \| p90 \| p99 \|/);
  });

  it("Profile Models acts on the active config only: a shape-only one has nothing to run, and says so", async function () {
    this.timeout(60_000);
    await openDoc('planted.ttc.yaml'); // another config with ONNX models stays open in a tab
    await openDoc('llama-self-consistency.ttc.yaml');
    const result = (await vscode.commands.executeCommand('ttcLens.profileModels')) as Outcome | undefined;
    assert.ok(result, 'no result');
    assert.deepEqual(result.configs, ['llama-self-consistency.ttc.yaml']);
    assert.deepEqual(result.profiled, []);
    assert.ok(result.skipped?.length && result.skipped.every((x) => x.kind === 'shape-only'), JSON.stringify(result.skipped));
  });

  it('Restart Server brings the server back with its diagnostics', async function () {
    this.timeout(90_000);
    const doc = await openDoc('planted.ttc.yaml');
    await vscode.commands.executeCommand('ttcLens.restartServer');
    const diags = await diagnosticsFor(doc.uri, (d) => d.some((x) => doc.getText(x.range) === 'temprature'));
    assert.ok(diags.length >= 1);
  });
});
