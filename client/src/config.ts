/**
 * Typed getters for the client's own settings (rust-analyzer's config.ts). The server reads the
 * `ttcLens.*` settings it needs itself through `workspace/configuration`.
 */
import * as vscode from 'vscode';

export const SECTION = 'ttcLens';

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }
  /** Extra arguments for the server's Node process (e.g. `--inspect=6009`). */
  get serverExtraArgs(): string[] {
    const v = this.cfg.get<unknown>('server.extraNodeArgs');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
  /** Whether a change to `event` means the server must be restarted. */
  requiresRestart(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(`${SECTION}.server`);
  }
}
