/**
 * A minimal LSP client for tests: spawns the built server (`node dist/server.js --stdio`), speaks
 * JSON-RPC with vscode-jsonrpc, answers the server's requests (configuration, capability
 * registration) and lets tests wait on notifications by predicate: no sleeps.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const ROOT = path.join(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Build dist/ unless it is newer than every server source and the schema (npm test builds first). */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(path.join(ROOT, 'server', 'src')), fs.statSync(path.join(ROOT, 'schemas', 'ttc.schema.json')).mtimeMs);
  const built = ['server.js', 'cli.js'].map((f) => path.join(ROOT, 'dist', f));
  if (built.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= sources)) return;
  execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

export class Waiter<T> {
  readonly items: T[] = [];
  private waiters: Array<{ pred: (t: T) => boolean; resolve: (t: T) => void }> = [];
  push(t: T): void {
    this.items.push(t);
    this.waiters = this.waiters.filter((w) => (w.pred(t) ? (w.resolve(t), false) : true));
  }
  /** The first item (seen already or to come) matching `pred`. */
  wait(pred: (t: T) => boolean): Promise<T> {
    const hit = this.items.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  /** The first item from index `from` on (seen already or to come) matching `pred`. */
  waitFrom(from: number, pred: (t: T) => boolean): Promise<T> {
    const hit = this.items.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  /** The next item from now on matching `pred`. */
  next(pred: (t: T) => boolean): Promise<T> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface PublishedDiagnostic {
  range: Range;
  severity?: number;
  code?: string;
  source?: string;
  message: string;
  data?: unknown;
}
export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: PublishedDiagnostic[];
}

export class TestClient {
  readonly diagnostics = new Waiter<PublishDiagnosticsParams>();
  readonly status = new Waiter<{ state: string; message: string }>();
  /** Capabilities the server registered dynamically. */
  readonly registrations = new Waiter<{ method: string; registerOptions?: unknown }>();
  /** workspace/inlayHint/refresh and workspace/codeLens/refresh requests from the server. */
  readonly refreshes = new Waiter<string>();
  conn!: MessageConnection;
  proc!: ChildProcess;
  capabilities: Record<string, unknown> = {};
  stderr = '';
  /** What `workspace/configuration` answers for `ttcLens`. */
  settings: unknown = {};
  private versions = new Map<string, number>();
  /** Per URI: how many diagnostics notifications had arrived when it was last opened or changed. */
  private marks = new Map<string, number>();

  async start(workspace: string, initializationOptions: Record<string, unknown> = { workspaceTrusted: false }): Promise<void> {
    ensureBuilt();
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => this.diagnostics.push(p));
    this.conn.onNotification('ttcLens/status', (p: { state: string; message: string }) => this.status.push(p));
    this.conn.onNotification(() => undefined);
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => {
      for (const r of p.registrations) this.registrations.push(r);
      return null;
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('workspace/inlayHint/refresh', () => void this.refreshes.push('inlayHint'));
    this.conn.onRequest('workspace/codeLens/refresh', () => void this.refreshes.push('codeLens'));
    this.conn.listen();
    const uri = pathToFileURL(workspace).href;
    const res = (await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'ws' }],
      capabilities: { workspace: { configuration: true, inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions,
    })) as { capabilities: Record<string, unknown> };
    this.capabilities = res.capabilities;
    this.conn.sendNotification('initialized', {});
  }

  open(uri: string, text: string, languageId = 'ttc'): void {
    this.versions.set(uri, 1);
    this.marks.set(uri, this.diagnostics.items.length);
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replace the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    this.marks.set(uri, this.diagnostics.items.length);
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return v;
  }

  close(uri: string): void {
    this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Diagnostics published for `uri` at `version` (any version when omitted) since it was last opened or changed. */
  diagnosticsFor(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return this.diagnostics.waitFrom(this.marks.get(uri) ?? 0, (p) => p.uri === uri && (version === undefined || p.version === version));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.conn.sendRequest('shutdown');
      this.conn.sendNotification('exit');
    } catch {
      this.proc.kill();
    }
    await exited;
    this.conn.dispose();
  }
}
