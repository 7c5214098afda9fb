/**
 * Build a proxy decoder file (core/estimate/proxy.ts) in the profiler process, so that the gigabytes
 * of generated weights never live in the language server. Written atomically; weights past 1.5 GiB go
 * to an external data file beside it (protobuf messages stop at 2 GiB). An existing file is kept.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { buildDecoder } from '../core/onnx/builders';
import { writeModel } from '../core/onnx/writer';
import type { BuildProxyOptions, BuildProxyResult } from '../core/estimate/protocol';

const EXTERNAL_FROM_BYTES = 1.5 * 2 ** 30;

export async function buildProxy(o: BuildProxyOptions, progress: (message: string, fraction?: number) => void): Promise<BuildProxyResult> {
  const existing = await fsp.stat(o.file).catch(() => undefined);
  if (existing) return { file: o.file, bytes: existing.size, ms: 0, built: false };
  const t0 = performance.now();
  progress(`building a ${o.decoder.layers}-layer proxy`);
  await fsp.mkdir(path.dirname(o.file), { recursive: true });
  const spec = buildDecoder(o.decoder);
  const external = o.weightBytes > EXTERNAL_FROM_BYTES ? { location: `${path.basename(o.file)}.data` } : undefined;
  const out = await writeModel(o.file, spec, external ? { externalData: external } : {});
  return { file: o.file, bytes: out.model.byteLength + (out.external?.byteLength ?? 0), ms: performance.now() - t0, built: true };
}
