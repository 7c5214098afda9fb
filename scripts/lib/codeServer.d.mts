/** Types for codeServer.mjs (plain JS so that `npm start` runs it without a build step). */
export const CODE_SERVER_VERSION: string;
export const NODE_VERSION: string;
export const REPO_ROOT: string;
export function cacheDir(): string;
export interface CodeServerInstall {
  /** The Node 24 binary. */
  node: string;
  /** code-server's JS entry. */
  entry: string;
  /** The cache folder. */
  dir: string;
}
export function ensureCodeServer(opts?: { log?: (line: string) => void }): Promise<CodeServerInstall>;
export function freePort(): Promise<number>;
export interface RunningCodeServer {
  port: number;
  origin: string;
  pid: number;
  runDir: string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
  logs(): string;
}
export function startCodeServer(
  install: CodeServerInstall,
  opts: { runDir: string; extensionsDir?: string; port?: number; smokeDriver?: boolean; settings?: Record<string, unknown>; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunningCodeServer>;
export function stopOnExit(stop: () => Promise<void>): () => void;
export function workbenchUrl(origin: string, folder: string, payload?: Array<[string, string]>): string;
export function remoteUri(origin: string, absPath: string): string;
export function installVsix(install: CodeServerInstall, vsix: string, extensionsDir: string): Promise<void>;
export function installedInfo(): { codeServer: string; node: string; installedAt: string } | undefined;
