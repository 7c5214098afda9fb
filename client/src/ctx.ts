/**
 * The extension's state (rust-analyzer's ctx.ts): the LanguageClient, the status bar item, the output
 * channel and every disposable. Commands come from a table of factories (commands.ts) and are
 * re-registered whenever the server starts or stops, so a command that needs the server says so
 * clearly instead of failing obscurely.
 */
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification, WorkspaceTrustNotification, type ServerState, type WorkspaceTrustParams } from '../../server/src/protocol';
import { Config, SECTION } from './config';
import { parseStatus, statusPresentation, type ProcessState } from './status';

/** A command handler built for the current server state. */
export type Cmd = (...args: unknown[]) => unknown;
/** `enabled` is registered while the server runs; `disabled` (or a default message) otherwise. */
export interface CommandFactory {
  enabled: (ctx: Ctx) => Cmd;
  disabled?: (ctx: Ctx) => Cmd;
}

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly config = new Config();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private commandDisposables: vscode.Disposable[] = [];
  private _client: LanguageClient | undefined;
  private proc: ProcessState = 'stopped';
  private serverState: ServerState | undefined;
  private serverMessage: string | undefined;

  constructor(
    readonly extCtx: vscode.ExtensionContext,
    private readonly commandFactories: Record<string, CommandFactory>,
  ) {
    // vscode-languageclient 11 requires a log output channel.
    this.output = vscode.window.createOutputChannel('TTC Lens', { log: true });
    this.status = vscode.window.createStatusBarItem('ttcLens.status', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'TTC Lens';
    this.status.command = 'ttcLens.showOutput';
    this.disposables.push(this.output, this.status);
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void this._client?.sendNotification(WorkspaceTrustNotification, { trusted: true } satisfies WorkspaceTrustParams);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.config.requiresRestart(e)) void this.restart();
      }),
    );
    this.updateStatus();
    this.status.show();
    this.registerCommands();
  }

  /** The running client, or undefined when the server is stopped. */
  get client(): LanguageClient | undefined {
    return this.proc === 'running' ? this._client : undefined;
  }

  get isRunning(): boolean {
    return this.proc === 'running';
  }

  /** Start the server (no-op when it is already running). Failures are shown, then rethrown. */
  async start(): Promise<void> {
    if (this._client) return;
    const serverModule = this.extCtx.asAbsolutePath('dist/server.js');
    const extra = this.config.serverExtraArgs;
    // A node module without `runtime` is forked with the extension host's own Node
    // (process.execPath, ELECTRON_RUN_AS_NODE set for Electron builds), so no separate Node
    // install is needed and onnxruntime-node's N-API binary matches whatever runs the host.
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: extra } },
      debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009', ...extra] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'ttc' },
        { scheme: 'untitled', language: 'ttc' },
      ],
      synchronize: { configurationSection: SECTION },
      outputChannel: this.output,
      initializationOptions: {
        storagePath: this.extCtx.storageUri?.fsPath,
        workspaceTrusted: vscode.workspace.isTrusted,
      },
    };
    const client = new LanguageClient('ttcLens', 'TTC Lens', serverOptions, clientOptions);
    this._client = client;
    client.onDidChangeState((e) => {
      // A client being replaced (restart) may still report; only its final Stopped matters.
      if (client !== this._client && e.newState !== State.Stopped) return;
      if (e.newState === State.Running) this.setProc('running');
      else if (e.newState === State.Starting) this.setProc('starting');
      else this.setProc('stopped');
    });
    client.onNotification(StatusNotification, (raw: unknown) => {
      const s = parseStatus(raw);
      if (!s) return;
      this.serverState = s.state;
      this.serverMessage = s.message;
      if (s.state === 'error' || s.state === 'warning') this.output.warn(s.message);
      this.updateStatus();
    });
    this.setProc('starting');
    try {
      await client.start();
    } catch (err) {
      this._client = undefined;
      this.serverMessage = String(err instanceof Error ? err.message : err);
      this.setProc('stopped');
      this.output.error(`Failed to start the TTC Lens server: ${this.serverMessage}`);
      void vscode.window.showErrorMessage(`TTC Lens: the language server failed to start (${this.serverMessage}).`, 'Show Output').then((a) => {
        if (a) this.output.show();
      });
      throw err;
    }
  }

  /** Stop the server (no-op when stopped). */
  async stop(): Promise<void> {
    const client = this._client;
    this._client = undefined;
    if (!client) return;
    try {
      await client.stop(5000);
    } catch (err) {
      this.output.warn(`Stopping the server: ${String(err)}`);
    } finally {
      await client.dispose().catch(() => undefined);
      this.serverState = undefined;
      this.serverMessage = undefined;
      this.setProc('stopped');
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    this.output.info('Restarting the TTC Lens server');
    await this.start();
  }

  pushDisposable(d: vscode.Disposable): void {
    this.disposables.push(d);
  }

  dispose(): void {
    for (const d of this.commandDisposables) d.dispose();
    this.commandDisposables = [];
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private setProc(p: ProcessState): void {
    const changed = p !== this.proc;
    this.proc = p;
    this.updateStatus();
    if (changed && p !== 'starting') this.registerCommands();
    void vscode.commands.executeCommand('setContext', 'ttcLens.serverRunning', p === 'running');
  }

  private updateStatus(): void {
    const p = statusPresentation(this.proc, this.serverState, this.serverMessage);
    this.status.text = p.text;
    this.status.tooltip = p.tooltip;
    this.status.backgroundColor = p.background ? new vscode.ThemeColor(p.background) : undefined;
  }

  /** (Re-)register every command for the current server state. */
  private registerCommands(): void {
    for (const d of this.commandDisposables) d.dispose();
    this.commandDisposables = Object.entries(this.commandFactories).map(([name, f]) => {
      const handler = this.isRunning ? f.enabled(this) : f.disabled?.(this) ?? notRunning(this);
      return vscode.commands.registerCommand(name, handler);
    });
  }
}

function notRunning(ctx: Ctx): Cmd {
  return async () => {
    const pick = await vscode.window.showWarningMessage('TTC Lens: the language server is not running.', 'Restart Server', 'Show Output');
    if (pick === 'Restart Server') await ctx.restart();
    else if (pick === 'Show Output') ctx.output.show();
  };
}
