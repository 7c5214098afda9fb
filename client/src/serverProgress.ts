/**
 * One progress notification for a long server request: the server reports on a work-done token the
 * client makes up, so its messages land in this notification, and the notification's Cancel cancels
 * the request. Used by Profile Models and the estimate commands.
 */
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';

let runs = 0;

/** Runs `send` under a cancellable notification; rejects as `send` does. */
export function withServerProgress<T>(client: LanguageClient, title: string, send: (workDoneToken: string, cancel: vscode.CancellationToken) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const workDoneToken = `ttc-lens-progress-${++runs}`;
    let last = 0;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
      if (v.kind === 'end') return;
      const increment = v.percentage !== undefined ? Math.max(0, v.percentage - last) : undefined;
      if (v.percentage !== undefined) last = v.percentage;
      progress.report({ message: v.message, increment });
    });
    try {
      return await send(workDoneToken, token);
    } finally {
      sub.dispose();
    }
  });
}
