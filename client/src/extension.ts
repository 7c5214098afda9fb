import type * as vscode from 'vscode';

// Placeholder: the client is implemented by the foundation / real-VS-Code issues.
export async function activate(_context: vscode.ExtensionContext): Promise<void> {}
export function deactivate(): void {}
