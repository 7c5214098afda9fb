/**
 * A rewrite end to end on files, shared by the CLI (`ttc-lens quantize`), the bench and the language
 * server's code actions: read the model (a regular file), rewrite it, write `<name>.int8.onnx` (etc.)
 * beside it atomically — never over the original, never over an existing file unless forced — then
 * verify in the profiler process and judge against the thresholds.
 */
import { closeSync, existsSync, readSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { openRegularFile } from '../safeFs';
import { writeFileAtomic } from '../onnx/writer';
import type { ProfilerPool, RequestControl } from '../profile/pool';
import type { Outcome } from '../profile/protocol';
import { decodeModel, encodeModel, type ModelProto } from './model';
import { quantizeModel, type QuantizeOptions, type QuantizeSummary } from './quantize';
import { DEFAULT_THRESHOLDS, judge, type Judgement, type Thresholds, type VerifyOptions, type VerifyResult } from './verify';

export class RewriteError extends Error {
  constructor(
    message: string,
    /** 'usage': bad request (existing output, same path); 'nothing': nothing to rewrite; 'model': unreadable model. */
    readonly kind: 'usage' | 'nothing' | 'model',
  ) {
    super(message);
  }
}

/** `<dir>/<name>.<suffix>.onnx` beside the model. */
export function defaultOutPath(model: string, suffix: string): string {
  const dir = path.dirname(model);
  const base = path.basename(model).replace(/\.onnx$/i, '');
  return path.join(dir, `${base}.${suffix}.onnx`);
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** Where a rewrite may write: refuses the original itself, and an existing file unless `force`. */
export function checkOutPath(model: string, out: string, force: boolean): void {
  if (samePath(model, out)) throw new RewriteError(`refusing to overwrite the original model ${model}; choose another output with -o`, 'usage');
  if (existsSync(out)) {
    if (!force) throw new RewriteError(`${out} already exists; pass --force to replace it`, 'usage');
    if (!statSync(out).isFile()) throw new RewriteError(`${out} exists and is not a regular file`, 'usage');
  }
}

/** Models larger than this are refused (protobuf's 2 GiB limit; a whole-model rewrite holds it in memory). */
export const MAX_REWRITE_BYTES = 2 ** 31 - 1;

function readModelBytes(file: string): Uint8Array {
  let fd;
  try {
    fd = openRegularFile(file, MAX_REWRITE_BYTES, 'model');
  } catch (e) {
    throw new RewriteError(e instanceof Error ? e.message : String(e), 'model');
  }
  try {
    const buf = Buffer.alloc(fd.size);
    let off = 0;
    while (off < fd.size) {
      const n = readSync(fd.fd, buf, off, fd.size - off, off);
      if (n <= 0) break;
      off += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, off);
  } finally {
    closeSync(fd.fd);
  }
}

/** A model file read and decoded for a rewrite; what cannot be read or decoded is a RewriteError. */
export function readModel(file: string): { bytes: Uint8Array; model: ModelProto } {
  const bytes = readModelBytes(file);
  return { bytes, model: asModelError(file, () => decodeModel(bytes)) };
}

/** Run a rewrite step on a model; its failure becomes a RewriteError naming the file. */
export function asModelError<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw new RewriteError(`${file}: ${(e as Error).message}`, 'model');
  }
}

export interface QuantizeFileResult {
  model: string;
  out: string;
  summary: QuantizeSummary;
  bytesIn: number;
  bytesOut: number;
}

/** Rewrite a model file and write the result. Throws RewriteError for what a user can fix. */
export async function quantizeFile(model: string, o: QuantizeOptions & { out?: string; force?: boolean }): Promise<QuantizeFileResult> {
  const out = o.out ?? defaultOutPath(model, o.to);
  checkOutPath(model, out, o.force ?? false);
  const { bytes, model: m } = readModel(model);
  const summary: QuantizeSummary = asModelError(model, () => quantizeModel(m, o));
  if (!summary.rewritten.length) {
    const why = summary.skipped.length ? ` (${summary.skipped.length} left alone: ${[...new Set(summary.skipped.map((s) => s.reason))].join('; ')})` : ' (it has no MatMul or Gemm)';
    throw new RewriteError(`nothing to quantize in ${model}: no MatMul or Gemm with a constant float32 weight${why}`, 'nothing');
  }
  const encoded = encodeModel(m);
  await writeFileAtomic(out, encoded);
  return { model, out, summary, bytesIn: bytes.byteLength, bytesOut: encoded.byteLength };
}

/** Generous upper bound for one verification request. */
export function verifyTimeoutMs(o: VerifyOptions): number {
  const points = (o.batches?.length || 1) * (o.contexts?.length || 1);
  return 120_000 + 3 * points * (o.maxTimeMsPerPoint ?? 4000);
}

export interface Verified {
  result: VerifyResult;
  judgement: Judgement;
  thresholds: Thresholds;
}

/** Verify in the profiler process and judge. */
export async function verifyRewrite(pool: ProfilerPool, o: VerifyOptions, to: QuantizeOptions['to'], thresholds: Partial<Thresholds> = {}, ctl: RequestControl = {}): Promise<Outcome<Verified>> {
  const r = await pool.request<VerifyResult>({ type: 'verifyRewrite', options: o }, { timeoutMs: ctl.timeoutMs ?? verifyTimeoutMs(o), signal: ctl.signal, onProgress: ctl.onProgress });
  if (!r.ok) return r;
  const t = { ...DEFAULT_THRESHOLDS[to], ...thresholds };
  return { ok: true, value: { result: r.value, judgement: judge(r.value, t), thresholds: t } };
}
