/**
 * The CLI as a real process, from source through tsx: every `test/cli` suite spawns it this way.
 * Resolves with the exit code, both streams and the wall time.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `killedCode`: the code reported when the process was killed (a signal, or the timeout); default 1. */
export function runCli(args: string[], o: { timeout?: number; env?: Record<string, string>; killedCode?: number } = {}): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'server/src/cli.ts'), ...args],
      { cwd: ROOT, timeout: o.timeout ?? 60_000, maxBuffer: 16 << 20, ...(o.env ? { env: { ...process.env, ...o.env } } : {}) },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : (o.killedCode ?? 1)) : 0, stdout, stderr, ms: Date.now() - t0 }),
    );
  });
}
