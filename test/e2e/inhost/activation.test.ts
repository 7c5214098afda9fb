import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, openDoc } from './helpers';

describe('activation', () => {
  it('activates and registers every TTC Lens command', async () => {
    const ext = await activeExtension();
    assert.equal(ext.isActive, true);
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['ttcLens.restartServer', 'ttcLens.showOutput', 'ttcLens.showModelSummary', 'ttcLens.profileModels']) {
      assert.ok(cmds.includes(c), `command ${c} is not registered`);
    }
  });

  it('gives *.ttc.yaml files the ttc language', async () => {
    const doc = await openDoc('planted.ttc.yaml');
    assert.equal(doc.languageId, 'ttc');
  });

  it('contributes the settings the server reads, with their defaults', () => {
    const cfg = vscode.workspace.getConfiguration('ttcLens');
    assert.equal(cfg.inspect('validate')?.defaultValue, true);
    assert.equal(cfg.inspect('profiler.autoProfile')?.defaultValue, false);
    assert.equal(cfg.inspect('profiler.targetCi')?.defaultValue, 0.02);
    assert.deepEqual(cfg.inspect('defaultDims')?.defaultValue, {});
    assert.equal(cfg.inspect('files.allowOutsideWorkspace')?.defaultValue, false);
    assert.equal(cfg.inspect('profiler.maxMemoryMB')?.defaultValue, 0);
  });

  it("the scratch workspace opens without clutter: no git parent-folder prompt, no secondary side bar", () => {
    // Workspace settings of the scratch copy of examples/ (scripts/lib/workspace.mjs), as npm start makes it.
    assert.equal(vscode.workspace.getConfiguration('git').inspect('openRepositoryInParentFolders')?.workspaceValue, 'never');
    assert.equal(vscode.workspace.getConfiguration('workbench').inspect('secondarySideBar.defaultVisibility')?.workspaceValue, 'hidden');
  });
});

describe('language configuration', () => {
  it('toggles a line comment with #', async () => {
    const doc = await openDoc('planted.ttc.yaml');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === doc);
    const original = doc.getText();
    const line = doc.getText().split('\n').indexOf('  n: 10');
    assert.ok(line > 0);
    try {
      editor.selection = new vscode.Selection(line, 4, line, 4);
      await vscode.commands.executeCommand('editor.action.commentLine');
      assert.equal(doc.lineAt(line).text, '  # n: 10');
      await vscode.commands.executeCommand('editor.action.commentLine');
      assert.equal(doc.lineAt(line).text, '  n: 10');
    } finally {
      if (doc.getText() !== original) {
        const e = new vscode.WorkspaceEdit();
        e.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
        await vscode.workspace.applyEdit(e);
      }
      if (doc.isDirty) await doc.save();
    }
  });
});
