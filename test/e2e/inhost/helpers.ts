/** Helpers for in-host tests: wait on conditions (events or retried checks), never on sleeps. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'ttc-lens.ttc-lens';

/** The activated extension. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  await ext.activate();
  return ext;
}

/** The first workspace file matching `glob`. */
export async function workspaceFile(glob: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(glob, '**/node_modules/**', 1);
  assert.ok(uri, `no workspace file matches ${glob}`);
  return uri;
}

export async function openDoc(glob: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(await workspaceFile(glob));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Retry `check` until it stops throwing (or returns a truthy value), or fail with its last error. */
export async function eventually<T>(check: () => T | PromiseLike<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = new Error('condition is false');
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Diagnostics for `uri` once `pred` holds, waiting on onDidChangeDiagnostics. */
export function diagnosticsFor(uri: vscode.Uri, pred: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const now = vscode.languages.getDiagnostics(uri);
    if (pred(now)) return resolve(now);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for diagnostics on ${uri.fsPath}; have: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const d = vscode.languages.getDiagnostics(uri);
      if (pred(d)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(d);
      }
    });
  });
}

/** Resolves at the next diagnostics change for `uri` (a publish, even of an empty list). */
export function nextDiagnosticsChange(uri: vscode.Uri, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics were published for ${uri.fsPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** The position of the first occurrence of `text` in `doc` (plus `offset` characters). */
export function positionOf(doc: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const i = doc.getText().indexOf(text);
  assert.ok(i >= 0, `"${text}" not found in ${doc.uri.fsPath}`);
  return doc.positionAt(i + offset);
}

/** Plain text of hover contents. */
export function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}
