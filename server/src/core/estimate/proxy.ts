/**
 * Measurement by proxy for shape-only decoders (`proxy: true` on a `config:` model).
 *
 * A shape-only model has no weights to run, but its geometry fixes what one decode step costs per
 * layer: the projections (hidden × heads·head_dim, hidden × kv_heads·head_dim), the MLP (hidden ×
 * intermediate, gated or not) and the attention over the KV cache; plus a fixed part per call
 * (embedding gather, final norm, the LM head over the vocabulary). So we build two decoders with the
 * model's real widths, heads, KV heads, MLP width and vocabulary but few layers (1 and 3; the generated
 * decoder of core/onnx/builders.ts, deterministic fp32 weights), measure the grid points the plan needs
 * on each, and extrapolate every point linearly in depth:
 *
 *     t(L) = t(1) + (L − 1) · (t(3) − t(1)) / 2
 *
 * which separates the per-layer time from the fixed part instead of assuming the LM head scales with
 * depth. What the proxy does not reproduce is said in the notes (fp32 weights for a bf16/int4 model,
 * LayerNorm for RMSNorm, learned positions for rotary, untied embeddings).
 *
 * Pure: specs, file names and the combination of two point tables. Building the files happens in the
 * profiler process (server/src/worker/proxy.ts); measuring goes through the ordinary point cache.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { DecoderOptions } from '../onnx/builders';
import type { ModelGeometry } from '../model/geometry';
import type { LatencyStats } from '../profile/stats';
import type { MeasurePoint } from './protocol';
import { PointTable } from './table';

/** Depths of the two proxies: far enough apart that the per-layer slope is not all noise. */
export const PROXY_DEPTHS: readonly [number, number] = [1, 3];
/** Position table of the proxies (learned positions; longer contexts are extrapolated). */
export const PROXY_MAX_POSITIONS = 16384;
/** Proxies are built only up to this many bytes of weights (each); larger would not be quick. */
export const PROXY_MAX_BYTES = 6 * 2 ** 30;

export interface ProxyModel {
  /** Layers of this proxy. */
  layers: number;
  options: DecoderOptions;
  /** File in the profile cache folder. */
  file: string;
  weightBytes: number;
}

export interface ProxyPlan {
  /** Layers of the real model. */
  depth: number;
  /** One proxy when the model is shallow enough to be built whole, else two. */
  proxies: ProxyModel[];
  notes: string[];
}

function weightParams(g: ModelGeometry, layers: number, positions: number): number {
  const d = g.hiddenSize, H = g.heads, KV = g.kvHeads, hs = d / H, F = g.intermediateSize ?? 0, V = g.vocabSize ?? 0;
  const attn = d * H * hs * 2 + d * KV * hs * 2;
  const mlp = 3 * d * F;
  return layers * (attn + mlp + 4 * d) + 2 * V * d + positions * d + 2 * d;
}

/** How a shape-only decoder is measured by proxy, or why it cannot be. */
export function proxyPlan(g: ModelGeometry, cacheDir: string): { plan?: ProxyPlan; reason?: string } {
  if (!g.intermediateSize) return { reason: 'its description lacks the MLP width (intermediate_size), so a proxy with its real layers cannot be built' };
  if (!g.vocabSize) return { reason: 'its description lacks the vocabulary size, so a proxy cannot build its LM head' };
  if (g.experts) return { reason: 'it is a mixture of experts: a dense proxy would not run the same MLP' };
  if (g.hiddenSize % g.heads !== 0 || g.heads % g.kvHeads !== 0) return { reason: `hidden ${g.hiddenSize} with ${g.heads} heads and ${g.kvHeads} KV heads does not split evenly` };
  const notes: string[] = [];
  if (g.headDim !== g.hiddenSize / g.heads) notes.push(`the proxy's head size is hidden/heads = ${g.hiddenSize / g.heads}, not ${g.headDim}`);
  const positions = Math.min(g.contextLength ?? PROXY_MAX_POSITIONS, PROXY_MAX_POSITIONS);
  const depths = g.layers <= PROXY_DEPTHS[1] ? [g.layers] : [...PROXY_DEPTHS];
  const proxies = depths.map((layers): ProxyModel => {
    const options: DecoderOptions = {
      layers,
      hidden: g.hiddenSize,
      heads: g.heads,
      kvHeads: g.kvHeads,
      vocab: g.vocabSize,
      ffn: g.intermediateSize,
      maxPositions: positions,
      seed: 11,
      name: 'proxy',
    };
    const id = createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 16);
    return { layers, options, file: path.join(cacheDir, `proxy-${id}-L${layers}.onnx`), weightBytes: 4 * weightParams(g, layers, positions) };
  });
  const largest = Math.max(...proxies.map((p) => p.weightBytes));
  if (largest > PROXY_MAX_BYTES) return { reason: `its proxy would hold ${(largest / 2 ** 30).toFixed(1)} GiB of fp32 weights (vocabulary × hidden dominates); above the ${PROXY_MAX_BYTES / 2 ** 30} GiB limit` };
  notes.push(
    depths.length === 1
      ? `measured by proxy: a ${g.layers}-layer decoder with its widths, heads, KV heads, MLP width and vocabulary (deterministic fp32 weights)`
      : `measured by proxy: ${depths.join('- and ')}-layer decoders with its widths, heads, KV heads, MLP width and vocabulary (deterministic fp32 weights), scaled to ${g.layers} layers`,
  );
  if (g.dtype && g.dtype !== 'fp32') notes.push(`the proxy runs fp32 weights; the model's own are ${g.dtype}`);
  if (g.norm === 'rms' || g.positionEmbeddings === 0) notes.push('the proxy uses LayerNorm and learned positions where the model uses RMSNorm/rotary (a small share of a step)');
  if (positions < (g.contextLength ?? 0)) notes.push(`the proxy holds ${positions} positions: longer contexts are extrapolated`);
  return { plan: { depth: g.layers, proxies, notes } };
}

export interface PointEntry {
  point: MeasurePoint;
  stats: LatencyStats;
}

/** Linear in depth: the value at `depth` from values at depths `a` and `b`. */
export function scaleByDepth(ya: number, yb: number, a: number, b: number, depth: number): number {
  if (a === b) return ya;
  return Math.max(0, ya + ((depth - a) * (yb - ya)) / (b - a));
}

/**
 * The model's table from its proxies' measured points: every point both proxies measured,
 * extrapolated in depth (mean and median alike); the CI is the worse one, scaled by how far the
 * extrapolation reaches. With one proxy (a shallow model built whole) its points are taken as they are.
 */
export function combineProxyPoints(plan: ProxyPlan, points: Array<Record<string, PointEntry>>): { table: PointTable; points: number } {
  const table = new PointTable();
  if (points.length === 0) return { table, points: 0 };
  if (plan.proxies.length === 1) {
    for (const e of Object.values(points[0])) table.add(e.point, e.stats);
    return { table, points: table.size };
  }
  const [a, b] = plan.proxies.map((p) => p.layers);
  const k = (plan.depth - a) / (b - a);
  for (const [key, ea] of Object.entries(points[0])) {
    const eb = points[1]?.[key];
    if (!eb) continue;
    const ma = ea.stats.mean ?? ea.stats.p50, mb = eb.stats.mean ?? eb.stats.p50;
    const mean = scaleByDepth(ma, mb, a, b, plan.depth);
    const p50 = scaleByDepth(ea.stats.p50, eb.stats.p50, a, b, plan.depth);
    // t = (1 − k)·t_a + k·t_b: the half-widths add with those weights (conservatively, not in quadrature).
    const abs = Math.abs(1 - k) * ma * (ea.stats.ciRelHalfWidth ?? 0) + Math.abs(k) * mb * (eb.stats.ciRelHalfWidth ?? 0);
    table.add(ea.point, { p50, mean, ciRelHalfWidth: mean > 0 ? Math.min(1, abs / mean) : 0 });
  }
  return { table, points: table.size };
}

/**
 * The model's session memory from its proxies': each proxy's RSS growth at the plan's peak shapes
 * (the memory probe) less its own fp32 weights is the runtime's part beside the weights (arena,
 * activations, the model file's buffers), scaled to the model's depth like a time; the model's own
 * weights at their precision are added back. Undefined when a proxy has no RSS measured.
 */
export function proxySessionRss(plan: ProxyPlan, rss: ReadonlyArray<number | undefined>, weightBytes: number | undefined): number | undefined {
  if (weightBytes === undefined || rss.length !== plan.proxies.length || rss.some((r) => r === undefined || r <= 0)) return undefined;
  const rest = plan.proxies.map((p, i) => Math.max(0, rss[i]! - p.weightBytes));
  const [a, b] = plan.proxies;
  const scaled = plan.proxies.length === 1 ? rest[0] : scaleByDepth(rest[0], rest[1], a.layers, b.layers, plan.depth);
  return weightBytes + scaled;
}
