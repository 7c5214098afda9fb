/**
 * Weight quantization rewrites of an editable model (model.ts): `int8` dynamic quantization of MatMul
 * and plain Gemm with constant weights, and `int4` weight-only quantization to MatMulNBits (int4.ts
 * packs the blocks). Pure: the caller decodes, rewrites, verifies in the profiler process and writes.
 *
 * int8 layouts (DOMAIN.md §5; both symmetric int8 weights in (−127, 127), scale = 2·absmax/254, per
 * tensor or per output column):
 * - `standard` (default where the model imports ai.onnx ≥ 11): the layout of ORT's own
 *   `quantize_dynamic` — DynamicQuantizeLinear(X) once per input tensor, then per MatMul
 *   MatMulInteger(Xq, Wq, Xzp, Wzp) → Cast(float) → Mul(·, Mul(Xs, Ws)). Standard ops only (the ONNX
 *   checker can check it) and ORT fuses it into DynamicQuantizeMatMul / MatMulIntegerToFloat.
 * - `com.microsoft`: `DynamicQuantizeMatMul(X, Wq, Ws, Wzp, bias)` directly — needs only the
 *   com.microsoft opset 1, so it is what a model below ai.onnx 11 gets (no blind opset bump; PaddleOCR
 *   rec imports opset 9). Each such node quantizes its own input.
 * Measured on the 4×(768→3072→768) FFN (bench/rewrite.mjs): see the commit that chose the default.
 */
import {
  allGraphs,
  attrNumber,
  dimsOf,
  ensureOpset,
  findConstant,
  floatValues,
  makeNode,
  makeTensor,
  opsetOf,
  removeUnused,
  topoSort,
  uniqueNamer,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './model';
import { DataType } from '../onnx/schema';
import { packNBits, type PackedNBits } from './int4';

/** The precisions `quantize` writes (core/config/types.ts Precision is the config's precision field). */
export type QuantPrecision = 'int8' | 'int4';

export interface QuantizeOptions {
  to: QuantPrecision;
  /** int8: one scale per output column instead of one per tensor (default false). */
  perChannel?: boolean;
  /** int8 layout (default 'auto': standard where the model imports ai.onnx ≥ 11, else com.microsoft). */
  format?: 'auto' | 'standard' | 'com.microsoft';
  /** int4: quantization block along K, a power of 2 ≥ 16 (default 32). */
  blockSize?: number;
  /** int4: symmetric blocks (no zero points; default true). */
  symmetric?: boolean;
  /** int4: MatMulNBits accuracy_level (default 4: int8 compute, the fast path on CPU). */
  accuracyLevel?: number;
  /** Leave weights with fewer elements than this alone (default 4096: too small to matter). */
  minElements?: number;
}

export interface RewrittenMatMul {
  node: string;
  op: 'MatMul' | 'Gemm';
  weight: string;
  /** Inner and output dims of the weight (K × N). */
  k: number;
  n: number;
  /** The graph holding it ('' = main graph). */
  graph: string;
}

export interface QuantizeSummary {
  to: QuantPrecision;
  /** The layout used: 'standard' | 'com.microsoft' (int8), 'MatMulNBits' (int4). */
  layout: string;
  rewritten: RewrittenMatMul[];
  /** MatMul/Gemm nodes left as they were, with the reason. */
  skipped: Array<{ node: string; op: string; reason: string }>;
  /** Bytes of tensor data removed (float weights no longer used) and added (quantized weights, scales). */
  bytesRemoved: number;
  bytesAdded: number;
  /** Opset imports added (domain@version). */
  opsetsAdded: string[];
  /** Input tensors quantized once and shared by several MatMuls (standard layout). */
  sharedInputs: number;
}

export const DEFAULT_BLOCK_SIZE = 32;
export const DEFAULT_ACCURACY_LEVEL = 4;
const DEFAULT_MIN_ELEMENTS = 4096;

/** Check options; returns a message for the first bad one. */
export function checkQuantizeOptions(o: QuantizeOptions): string | undefined {
  if (o.to !== 'int8' && o.to !== 'int4') return `--to must be int8 or int4, got '${String(o.to)}'`;
  if (o.blockSize !== undefined && (!Number.isInteger(o.blockSize) || o.blockSize < 16 || (o.blockSize & (o.blockSize - 1)) !== 0)) {
    return `block size must be a power of 2 ≥ 16, got ${o.blockSize}`;
  }
  if (o.accuracyLevel !== undefined && ![0, 1, 2, 3, 4].includes(o.accuracyLevel)) return `accuracy_level must be 0–4, got ${o.accuracyLevel}`;
  return undefined;
}

/** A MatMul-like node whose weight is a constant 2-D float tensor: what a rewrite needs to know. */
interface Candidate {
  graph: GraphProto;
  node: NodeProto;
  op: 'MatMul' | 'Gemm';
  input: string;
  weightName: string;
  /** W as [K, N] row-major (Gemm's transB and alpha applied). */
  w: Float32Array;
  k: number;
  n: number;
  /** Gemm's C (beta applied), when present. */
  bias?: { name: string; values?: Float32Array; n: number };
  /** How W was read (op, transB, alpha): two nodes with the same weight and variant share one quantized copy. */
  variant: string;
}

function lookupConstant(chain: GraphProto[], name: string): TensorProto | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const c = findConstant(chain[i], name);
    if (c) return c.tensor;
    // A name produced by a node or declared as an input in a nearer graph shadows outer constants.
    if (chain[i].node.some((n) => n.output.includes(name)) || chain[i].input.some((v) => v.name === name)) return undefined;
  }
  return undefined;
}

/** Graphs with their enclosing chain (outer first), so subgraph nodes can see outer constants. */
function* graphChains(g: GraphProto, chain: GraphProto[] = []): Generator<GraphProto[]> {
  const here = [...chain, g];
  yield here;
  for (const n of g.node) for (const a of n.attribute) for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) yield* graphChains(sub, here);
}

// float32 only: DynamicQuantizeLinear and MatMulNBits' A here are float32 (a float16 model keeps its MatMuls).
const FLOAT_TYPES = new Set<number>([DataType.FLOAT]);

function candidates(model: ModelProto, minElements: number, skipped: QuantizeSummary['skipped']): Candidate[] {
  const out: Candidate[] = [];
  for (const chain of graphChains(model.graph)) {
    const g = chain[chain.length - 1];
    for (const node of g.node) {
      if ((node.domain ?? '') !== '' || (node.op_type !== 'MatMul' && node.op_type !== 'Gemm')) continue;
      const label = node.name || node.output[0];
      const skip = (reason: string) => skipped.push({ node: label, op: node.op_type!, reason });
      const wName = node.input[1];
      const t = wName ? lookupConstant(chain, wName) : undefined;
      if (!t) {
        skip('its weight is not a constant');
        continue;
      }
      if (!FLOAT_TYPES.has(t.data_type ?? 0)) {
        skip(`its weight is not float32 (data type ${t.data_type})`);
        continue;
      }
      if (t.data_location === 1) {
        skip('its weight is in external data');
        continue;
      }
      const dims = dimsOf(t);
      if (dims.length !== 2) {
        skip(`its weight has ${dims.length} dimensions (2 needed)`);
        continue;
      }
      if (dims[0] * dims[1] < minElements) {
        skip(`its weight is small (${dims[0]}×${dims[1]})`);
        continue;
      }
      if (lookupConstant(chain, node.input[0])) {
        skip('both inputs are constants');
        continue;
      }
      let w = floatValues(t);
      let [k, n] = dims;
      let bias: Candidate['bias'];
      if (node.op_type === 'Gemm') {
        if (attrNumber(node, 'transA', 0) !== 0) {
          skip('Gemm with transA');
          continue;
        }
        const alpha = attrNumber(node, 'alpha', 1);
        const beta = attrNumber(node, 'beta', 1);
        if (attrNumber(node, 'transB', 0) !== 0) {
          [k, n] = [dims[1], dims[0]];
          w = transpose(w, dims[0], dims[1]);
        } else w = Float32Array.from(w);
        if (alpha !== 1) for (let i = 0; i < w.length; i++) w[i] *= alpha;
        const c = node.input[2];
        if (c) {
          const ct = lookupConstant(chain, c);
          const cd = ct ? dimsOf(ct) : [];
          const size = cd.reduce((a, b) => a * b, 1);
          if (!ct || size !== n || (cd.length > 1 && cd[cd.length - 1] !== n)) {
            skip("Gemm whose bias is not a constant of the output's width");
            continue;
          }
          const values = floatValues(ct);
          if (beta !== 1) for (let i = 0; i < values.length; i++) values[i] *= beta;
          bias = { name: c, values, n };
        }
      }
      const variant = node.op_type === 'Gemm' ? `gemm:${attrNumber(node, 'transB', 0)}:${attrNumber(node, 'alpha', 1)}` : 'matmul';
      out.push({ graph: g, node, op: node.op_type as 'MatMul' | 'Gemm', input: node.input[0], weightName: wName, w, k, n, bias, variant });
    }
  }
  return out;
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/** Symmetric int8 quantization of W [K, N]: one scale, or one per column (scale = 2·absmax/254). */
export function quantizeInt8(w: Float32Array, k: number, n: number, perChannel: boolean): { q: Int8Array; scales: Float32Array } {
  const absmax = new Float32Array(perChannel ? n : 1);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const a = Math.abs(w[r * n + c]);
      const j = perChannel ? c : 0;
      if (a > absmax[j]) absmax[j] = a;
    }
  }
  const scales = absmax.map((m) => (m > 0 ? (2 * m) / 254 : 1));
  const q = new Int8Array(k * n);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const s = scales[perChannel ? c : 0];
      q[r * n + c] = Math.max(-127, Math.min(127, Math.round(w[r * n + c] / s)));
    }
  }
  return { q, scales: Float32Array.from(scales) };
}

/** Rewrite the model in place. Returns what was done; `rewritten` empty means nothing changed. */
export function quantizeModel(model: ModelProto, o: QuantizeOptions): QuantizeSummary {
  const bad = checkQuantizeOptions(o);
  if (bad) throw new Error(bad);
  const skipped: QuantizeSummary['skipped'] = [];
  const found = candidates(model, o.minElements ?? DEFAULT_MIN_ELEMENTS, skipped);
  const name = uniqueNamer(model.graph);
  const opsetsBefore = new Set(model.opset_import.map((x) => `${x.domain ?? ''}`));
  const defaultOpset = opsetOf(model, '') ?? 0;
  let layout: string;
  if (o.to === 'int4') layout = 'MatMulNBits';
  else if (o.format === 'standard') {
    if (defaultOpset < 11) throw new Error(`the standard int8 layout needs ai.onnx opset ≥ 11 (DynamicQuantizeLinear); this model imports ${defaultOpset}`);
    layout = 'standard';
  } else if (o.format === 'com.microsoft') layout = 'com.microsoft';
  else layout = defaultOpset >= 11 ? 'standard' : 'com.microsoft';

  const summary: QuantizeSummary = { to: o.to, layout, rewritten: [], skipped, bytesRemoved: 0, bytesAdded: 0, opsetsAdded: [], sharedInputs: 0 };
  if (!found.length) return summary;

  // One DynamicQuantizeLinear per (graph, input) in the standard layout.
  const quantizedInputs = new Map<GraphProto, Map<string, [string, string, string]>>();
  const uses = new Map<GraphProto, Map<string, number>>();
  for (const c of found) {
    const m = uses.get(c.graph) ?? new Map<string, number>();
    m.set(c.input, (m.get(c.input) ?? 0) + 1);
    uses.set(c.graph, m);
  }
  const added = (t: TensorProto) => (summary.bytesAdded += t.raw_data?.byteLength ?? 0);
  // A weight read by several nodes of one graph (tied weights) is quantized once.
  const quantizedWeights = new Map<GraphProto, Map<string, string[]>>();
  const shared = (c: Candidate, make: () => string[]): string[] => {
    const perGraph = quantizedWeights.get(c.graph) ?? new Map<string, string[]>();
    quantizedWeights.set(c.graph, perGraph);
    const key = `${c.weightName}\n${c.variant}`;
    let names = perGraph.get(key);
    if (!names) {
      names = make();
      perGraph.set(key, names);
    }
    return names;
  };

  for (const c of found) {
    const g = c.graph;
    const base = c.node.name || c.weightName;
    const y = c.node.output[0];
    const newNodes: NodeProto[] = [];
    const newInits: TensorProto[] = [];
    if (o.to === 'int4') {
      const [bName, sName, zName] = shared(c, () => {
        const p: PackedNBits = packNBits(c.w, c.k, c.n, { blockSize: o.blockSize ?? DEFAULT_BLOCK_SIZE, symmetric: o.symmetric ?? true });
        const names = [name(`${c.weightName}_Q4`), name(`${c.weightName}_scales`)];
        newInits.push(makeTensor(names[0], [c.n, p.kBlocks, p.blobSize], p.packed, DataType.UINT8));
        newInits.push(makeTensor(names[1], [c.n * p.kBlocks], p.scales));
        if (p.zeroPoints) {
          names.push(name(`${c.weightName}_zero_points`));
          newInits.push(makeTensor(names[2], [c.n, p.zpCols], p.zeroPoints, DataType.UINT8));
        }
        return names;
      });
      const inputs = [c.input, bName, sName, ...(zName ? [zName] : [])];
      const mm = c.bias ? name(`${base}_MatMulNBits_out`) : y;
      newNodes.push(
        makeNode('MatMulNBits', inputs, [mm], {
          name: name(`${base}_Q4`),
          domain: 'com.microsoft',
          attrs: { K: c.k, N: c.n, bits: 4, block_size: o.blockSize ?? DEFAULT_BLOCK_SIZE, accuracy_level: o.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL },
        }),
      );
      if (c.bias) newNodes.push(biasAdd(c, mm, y, name, newInits));
    } else {
      const [qName, sName, zName] = shared(c, () => {
        const perCh = o.perChannel ?? false;
        const { q, scales } = quantizeInt8(c.w, c.k, c.n, perCh);
        const names = [name(`${c.weightName}_quantized`), name(`${c.weightName}_scale`), name(`${c.weightName}_zero_point`)];
        newInits.push(makeTensor(names[0], [c.k, c.n], q));
        newInits.push(makeTensor(names[1], perCh ? [c.n] : [], scales));
        newInits.push(makeTensor(names[2], perCh ? [c.n] : [], new Int8Array(perCh ? c.n : 1)));
        return names;
      });
      if (layout === 'com.microsoft') {
        const inputs = [c.input, qName, sName, zName];
        let out = y;
        // MatMul → Add(constant [N]): the bias goes into DynamicQuantizeMatMul (ORT fuses that itself
        // only for its own layout); Gemm's C likewise.
        const folded = c.bias ? undefined : foldableBias(model, g, c, y);
        const biasValues = c.bias?.values ?? folded?.values;
        if (biasValues) {
          const bName = name(`${base}_bias`);
          newInits.push(makeTensor(bName, [c.n], biasValues));
          inputs.push(bName);
        }
        if (folded) {
          out = folded.add.output[0];
          g.node.splice(g.node.indexOf(folded.add), 1);
        }
        newNodes.push(makeNode('DynamicQuantizeMatMul', inputs, [out], { name: name(`${base}_quant`), domain: 'com.microsoft' }));
      } else {
        const perGraph = quantizedInputs.get(g) ?? new Map<string, [string, string, string]>();
        quantizedInputs.set(g, perGraph);
        let xq = perGraph.get(c.input);
        if (!xq) {
          xq = [name(`${c.input}_quantized`), name(`${c.input}_scale`), name(`${c.input}_zero_point`)];
          perGraph.set(c.input, xq);
          newNodes.push(makeNode('DynamicQuantizeLinear', [c.input], xq, { name: name(`${c.input}_QuantizeLinear`) }));
          if ((uses.get(g)?.get(c.input) ?? 0) > 1) summary.sharedInputs++;
        }
        const yi = name(`${y}_MatMulInteger_out`);
        const yf = name(`${y}_cast_out`);
        const s = name(`${base}_scales_mul_out`);
        const out = c.bias ? name(`${y}_quant_scaled`) : y;
        newNodes.push(makeNode('MatMulInteger', [xq[0], qName, xq[2], zName], [yi], { name: name(`${base}_quant`) }));
        newNodes.push(makeNode('Cast', [yi], [yf], { name: name(`${base}_cast`), attrs: { to: DataType.FLOAT } }));
        newNodes.push(makeNode('Mul', [xq[1], sName], [s], { name: name(`${base}_scales_mul`) }));
        newNodes.push(makeNode('Mul', [yf, s], [out], { name: name(`${base}_output_mul`) }));
        if (c.bias) newNodes.push(biasAdd(c, out, y, name, newInits));
      }
    }
    for (const t of newInits) added(t);
    g.initializer.push(...newInits);
    const at = g.node.indexOf(c.node);
    g.node.splice(at, 1, ...newNodes);
    summary.rewritten.push({ node: c.node.name || y, op: c.op, weight: c.weightName, k: c.k, n: c.n, graph: g === model.graph ? '' : g.name ?? '' });
  }

  if (o.to === 'int4' || layout === 'com.microsoft') ensureOpset(model, 'com.microsoft', 1);
  for (const x of model.opset_import) if (!opsetsBefore.has(x.domain ?? '')) summary.opsetsAdded.push(`${x.domain}@${Number(x.version)}`);
  summary.bytesRemoved = removeUnused(model);
  sortAll(model);
  return summary;
}

/** An Add that only adds a constant [N] float vector to a MatMul's output nobody else reads. */
function foldableBias(model: ModelProto, g: GraphProto, c: Candidate, y: string): { add: NodeProto; values: Float32Array } | undefined {
  if (g.output.some((o) => o.name === y)) return undefined;
  let readers = 0;
  for (const sub of allGraphs(model.graph)) for (const n of sub.node) for (const i of n.input) if (i === y) readers++;
  if (readers !== 1) return undefined;
  const add = g.node.find((n) => n.op_type === 'Add' && (n.domain ?? '') === '' && n.input.includes(y));
  if (!add || add.input.length !== 2) return undefined;
  const other = add.input[0] === y ? add.input[1] : add.input[0];
  const t = findConstant(g, other)?.tensor;
  if (!t || t.data_type !== DataType.FLOAT) return undefined;
  const d = dimsOf(t);
  if (d.length !== 1 || d[0] !== c.n) return undefined; // a higher-rank constant could broadcast the rank up
  return { add, values: floatValues(t) };
}

/** Gemm's bias: Add(out, C) with C as a [N] constant (an input of the rewritten node's graph). */
function biasAdd(c: Candidate, from: string, to: string, name: (b: string) => string, inits: TensorProto[]): NodeProto {
  const bName = name(`${c.weightName}_bias`);
  inits.push(makeTensor(bName, [c.n], c.bias!.values!));
  return makeNode('Add', [from, bName], [to], { name: name(`${c.node.name || c.weightName}_bias_add`) });
}

/** Re-sort every graph (the inserted nodes sit where the old one was; a shared quantize may not). */
function sortAll(model: ModelProto): void {
  const visit = (g: GraphProto, outer: Set<string>) => {
    topoSort(g, outer);
    const inner = new Set(outer);
    for (const i of g.input) if (i.name) inner.add(i.name);
    for (const t of g.initializer) if (t.name) inner.add(t.name);
    for (const n of g.node) for (const o of n.output) inner.add(o);
    for (const n of g.node) for (const a of n.attribute) for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) visit(sub, inner);
  };
  visit(model.graph, new Set());
}

/** Count of MatMul/Gemm nodes in every graph (for reports). */
export function matmulCount(model: ModelProto): number {
  let n = 0;
  for (const g of allGraphs(model.graph)) n += g.node.filter((x) => (x.domain ?? '') === '' && (x.op_type === 'MatMul' || x.op_type === 'Gemm')).length;
  return n;
}

