/** Shared helpers for the core/onnx tests: temp folders and the independent Python ONNX (Debian python3-onnx). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix = 'ttc-onnx-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const PYTHON = '/usr/bin/python3';

/** Run a Python snippet with `onnx` importable; returns parsed JSON printed on stdout. */
export function python<T = unknown>(code: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as T;
}

export const TESTDATA = '/usr/share/libonnx-testdata/data/node';
export const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'models');
