/**
 * Shared checks for the pruning tests: the independent python3-onnx checker (full check + strict shape
 * inference), running a model in real ORT, and the "masked original" reference — the original model with
 * the pruned units' producer columns (and biases) zeroed. Where the activation maps 0 → 0 (Relu, SiLU,
 * GELU, SwiGLU's product), a removed unit contributes nothing, so the pruned model must compute exactly
 * what the masked original computes: that proves every coupled tensor was sliced consistently.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel, encodeModel, findConstant, type ModelProto } from '../../../../server/src/core/rewrite/model';
import { analyzeCoupling } from '../../../../server/src/core/rewrite/coupling';
import { keptUnits } from '../../../../server/src/core/rewrite/prune';
import { createSession, makeTensor, type Feeds } from '../../../../server/src/worker/runtime';
import { dimsOf, floatValues, makeTensor as protoTensor } from '../../../../server/src/core/rewrite/model';

export const spec = { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' as const };

/** python3-onnx: checker.check_model(full_check=True) and infer_shapes(strict_mode=True); returns stderr on failure. */
export function onnxCheck(bytes: Uint8Array): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttc-prune-'));
  const file = path.join(dir, 'm.onnx');
  try {
    fs.writeFileSync(file, bytes);
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); onnx.shape_inference.infer_shapes(m, strict_mode=True)', file], { encoding: 'utf8' });
    return r.status === 0 ? undefined : r.stderr.split('\n').filter(Boolean).slice(-3).join('\n') || `exit ${r.status}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** python3-onnx shape inference written into the model (value_info for every intermediate). */
export function withValueInfo(bytes: Uint8Array): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttc-prune-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.onnx'), bytes);
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, onnx; onnx.save(onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]), strict_mode=True), sys.argv[2])', path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return fs.readFileSync(path.join(dir, 'b.onnx'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const s = await createSession(bytes, spec);
  try {
    const out = await s.run(feeds);
    const r: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
    for (const [k, v] of Object.entries(out)) r[k] = { dims: (v as { dims: readonly number[] }).dims, data: (v as { data: Float32Array }).data };
    return r;
  } finally {
    await s.release();
  }
}

/** Deterministic float input. */
export function floats(dims: number[], seed = 1): ReturnType<typeof makeTensor> {
  const n = dims.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    d[i] = (x / 2147483648) * 2 - 1;
  }
  return makeTensor('float32', d, dims);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

/**
 * The original with, for each prunable site in `scope`, the units pruneModel removes at `ratio` zeroed in
 * the producers' weights and biases, and in per-unit constants added inside the site (same selection:
 * keptUnits on the same weights).
 */
export function maskedOriginal(bytes: Uint8Array, ratio: number, kind?: 'ffn' | 'conv'): Uint8Array {
  const m: ModelProto = decodeModel(bytes);
  const a = analyzeCoupling(m);
  let n = 0;
  for (const site of a.sites) {
    if (kind && site.kind !== kind) continue;
    const keep = new Set(keptUnits(m, site, ratio));
    for (const p of site.params) {
      if (!site.producers.includes(p.node) && p.node.op_type !== 'Add') continue;
      // Masked per use (a copy for this node's input), so a constant two sites share is masked per site.
      const c = findConstant(m.graph, p.node.input[p.input])!;
      const dims = dimsOf(c.tensor);
      const v = floatValues(c.tensor).slice();
      const inner = dims.slice(p.axis + 1).reduce((x, y) => x * y, 1);
      for (let i = 0; i < v.length; i++) if (!keep.has(Math.floor(i / inner) % dims[p.axis])) v[i] = 0;
      const name = `${p.name}.masked.${n++}`;
      m.graph.initializer.push(protoTensor(name, dims, v));
      p.node.input[p.input] = name;
    }
  }
  return encodeModel(m);
}
