/**
 * Coupling analysis for structured pruning (pure; no runtime): which hidden units (FFN columns, conv
 * output channels) can be removed, and every tensor that must be sliced with them.
 *
 * A *site* is a connected region of tensors that all carry the same U units on one axis. It starts at
 * producers (MatMul/Gemm with a constant weight: the units are its output columns; Conv with group 1:
 * its output channels), runs through ops that treat each unit on its own (elementwise activations,
 * per-unit constants, BatchNormalization, pools, depthwise convs, Transpose, Squeeze/Unsqueeze,
 * Flatten after a global pool, Reshape whose constant carries the width), and ends at consumers that contract the units away
 * (the next MatMul/Gemm's rows, the next Conv's input channels). A tensor that another op combines with
 * the units (a gated FFN's `up` branch, a residual branch) joins the region and its producer must be
 * understood too, so a SwiGLU's gate and up projections are sliced together and a residual Add either
 * ends at producers of the same width on both sides or the site is refused.
 *
 * Anything the analysis does not understand — a graph input or output carrying the units, an op that
 * mixes them (Softmax, LayerNormalization, Concat, a Reshape that splits them into heads), a grouped
 * conv, a non-constant operand that is not itself a product of the units — refuses the whole site with
 * the node and the reason, never a guess. Only the main graph is analysed; a region tensor read by a
 * subgraph refuses its site.
 */
import { ATTR, attrNumber, consumers, dimsOf, num, producers, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './model';
import { DataType } from '../onnx/schema';

export type SiteKind = 'ffn' | 'conv';

/** How a sliced constant enters the unit score. */
export type ParamRole = 'producer' | 'consumer' | 'gain' | 'bn' | 'other';

/** A constant input of a node that carries the units on `axis`. */
export interface CoupledParam {
  node: NodeProto;
  input: number;
  name: string;
  axis: number;
  role: ParamRole;
}

/** A Reshape shape constant whose element `index` is the unit count. */
export interface ShapeFix {
  node: NodeProto;
  input: number;
  name: string;
  index: number;
}

export interface Site {
  /** The producer nodes' names (or first outputs), joined with '+'. */
  id: string;
  kind: SiteKind;
  units: number;
  producers: NodeProto[];
  consumers: NodeProto[];
  params: CoupledParam[];
  shapeFixes: ShapeFix[];
  /** Depthwise convs inside the region (their `group` becomes the kept count). */
  depthwise: NodeProto[];
  /** Every tensor of the region with its unit axis counted from the end. */
  tensors: Map<string, number>;
}

export interface Refusal {
  site: string;
  kind: SiteKind;
  node: string;
  op: string;
  reason: string;
}

export interface CouplingAnalysis {
  sites: Site[];
  refused: Refusal[];
}

/** The unit axis of a region tensor: counted from the end; rank when known; whether every later axis is 1. */
interface Axis {
  fromEnd: number;
  rank?: number;
  ones?: boolean;
}

const UNARY = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Erf', 'Gelu', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Softplus', 'Softsign',
  'LeakyRelu', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish', 'ThresholdedRelu', 'Mish', 'Sin', 'Cos', 'Floor',
  'Ceil', 'Round', 'Sign', 'Identity', 'Dropout', 'Cast', 'Clip', 'FastGelu', 'QuickGelu', 'BiasGelu',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'PRelu']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceL2', 'ReduceL1', 'ReduceProd', 'ReduceSumSquare', 'ReduceLogSumExp']);

class Refused extends Error {
  constructor(readonly node: NodeProto | undefined, readonly reason: string) {
    super(reason);
  }
}

export function nodeLabel(n: NodeProto | undefined): string {
  if (!n) return '';
  return n.name || n.output[0] || n.op_type || '';
}

/** A constant's dims (and its tensor when it is a `value` tensor) in the main graph. */
interface ConstInfo {
  dims: number[];
  tensor?: TensorProto;
}

function constants(graph: GraphProto): Map<string, ConstInfo> {
  const m = new Map<string, ConstInfo>();
  for (const t of graph.initializer) if (t.name) m.set(t.name, { dims: dimsOf(t), tensor: t });
  for (const n of graph.node) {
    if (n.op_type !== 'Constant' || (n.domain ?? '') !== '') continue;
    const a = n.attribute[0];
    if (!a) continue;
    if (a.t) m.set(n.output[0], { dims: dimsOf(a.t), tensor: a.t });
    else if (a.name === 'value_float' || a.name === 'value_int') m.set(n.output[0], { dims: [] });
    else if (a.name === 'value_floats') m.set(n.output[0], { dims: [(a.floats ?? []).length] });
    else if (a.name === 'value_ints') m.set(n.output[0], { dims: [(a.ints ?? []).length] });
  }
  return m;
}

/** Integer values of a small int64/int32 constant tensor. */
export function intValues(t: TensorProto): number[] {
  const count = dimsOf(t).reduce((a, b) => a * b, 1);
  const raw = t.raw_data && t.raw_data.byteLength > 0 ? new Uint8Array(t.raw_data) : undefined;
  if (t.data_type === DataType.INT64) {
    if (raw) return Array.from(new BigInt64Array(raw.buffer, 0, count), Number);
    return (t.int64_data ?? []).map(num);
  }
  if (t.data_type === DataType.INT32) {
    if (raw) return Array.from(new Int32Array(raw.buffer, 0, count));
    return (t.int32_data ?? []).slice();
  }
  throw new Error(`tensor '${t.name}' is not an integer tensor`);
}

function attrInts(n: NodeProto, name: string): number[] | undefined {
  const a = n.attribute.find((x) => x.name === name);
  return a && a.type === ATTR.INTS ? (a.ints ?? []).map(num) : undefined;
}

/** Analyse the main graph: every producer with a constant weight starts a site, prunable or refused. */
export function analyzeCoupling(model: ModelProto): CouplingAnalysis {
  const g = model.graph;
  const consts = constants(g);
  const cons = consumers(g);
  const prods = producers(g);
  const graphInputs = new Set(g.input.map((i) => i.name ?? '').filter((n) => n && !consts.has(n)));
  const graphOutputs = new Set(g.output.map((o) => o.name ?? ''));
  const subgraphReads = new Set<string>();
  for (const n of g.node) for (const a of n.attribute) for (const sg of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) for (const x of readsOf(sg)) subgraphReads.add(x);

  const isConst = (name: string) => consts.has(name);
  const done = new Set<NodeProto>();
  const sites: Site[] = [];
  const refused: Refusal[] = [];


  /** The units a node produces when it is a producer: weight, axis and count; undefined when it is not one. */
  function producerInfo(n: NodeProto): { weight: string; axis: number; units: number; out: Axis; bias?: number } | undefined {
    const d = n.domain ?? '';
    if (d !== '' && d !== 'ai.onnx') return undefined;
    if (n.op_type === 'MatMul' && isConst(n.input[1]) && !isConst(n.input[0])) {
      const w = consts.get(n.input[1])!.dims;
      if (w.length < 2) return undefined;
      return { weight: n.input[1], axis: w.length - 1, units: w[w.length - 1], out: { fromEnd: 0, ones: true } };
    }
    if (n.op_type === 'Gemm' && isConst(n.input[1]) && !isConst(n.input[0])) {
      const w = consts.get(n.input[1])!.dims;
      if (w.length !== 2) return undefined;
      const axis = attrNumber(n, 'transB', 0) ? 0 : 1;
      return { weight: n.input[1], axis, units: w[axis], out: { fromEnd: 0, rank: 2, ones: true }, bias: 2 };
    }
    if (n.op_type === 'Conv' && isConst(n.input[1]) && !isConst(n.input[0]) && attrNumber(n, 'group', 1) === 1) {
      const w = consts.get(n.input[1])!.dims;
      if (w.length < 3) return undefined;
      return { weight: n.input[1], axis: 0, units: w[0], out: { fromEnd: w.length - 2, rank: w.length, ones: false }, bias: 2 };
    }
    return undefined;
  }

  function readsOf(sg: GraphProto): string[] {
    const out: string[] = [];
    for (const n of sg.node) {
      out.push(...n.input);
      for (const a of n.attribute) for (const s of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) out.push(...readsOf(s));
    }
    return out;
  }

  class Region {
    readonly producers: NodeProto[] = [];
    readonly consumers: NodeProto[] = [];
    readonly params: CoupledParam[] = [];
    readonly shapeFixes: ShapeFix[] = [];
    readonly depthwise: NodeProto[] = [];
    readonly tensors = new Map<string, Axis>();
    private readonly interior = new Set<NodeProto>();
    private readonly queue: string[] = [];
    private units = 0;
    private conv = false;

    constructor(private readonly start: NodeProto) {}

    id(): string {
      return (this.producers.length ? this.producers : [this.start]).map(nodeLabel).join('+');
    }
    kind(): SiteKind {
      return this.conv || this.start.op_type === 'Conv' ? 'conv' : 'ffn';
    }
    site(): Site {
      const tensors = new Map<string, number>();
      for (const [k, v] of this.tensors) tensors.set(k, v.fromEnd);
      return { id: this.id(), kind: this.kind(), units: this.units, producers: this.producers, consumers: this.consumers, params: this.params, shapeFixes: this.shapeFixes, depthwise: this.depthwise, tensors };
    }

    explore(): void {
      this.addProducer(this.start);
      while (this.queue.length) {
        const t = this.queue.shift()!;
        const ax = this.tensors.get(t)!;
        if (graphOutputs.has(t)) throw new Refused(prods.get(t), `the units reach the graph output '${t}' (its shape would change)`);
        if (subgraphReads.has(t)) throw new Refused(prods.get(t), `'${t}' is read inside a subgraph, which the analysis does not follow`);
        const p = prods.get(t);
        if (!p) throw new Refused(undefined, graphInputs.has(t) ? `the units come from the graph input '${t}'` : `'${t}' has no producer the analysis can follow`);
        if (!this.interior.has(p) && !this.producers.includes(p)) this.visit(p, t, ax, 'out');
        for (const c of cons.get(t) ?? []) if (!this.interior.has(c) && !this.consumers.includes(c)) this.visit(c, t, ax, 'in');
      }
      if (!this.consumers.length) throw new Refused(this.start, 'no MatMul, Gemm or Conv consumes the units (nothing would shrink)');
    }

    private add(name: string, ax: Axis, node: NodeProto): void {
      const old = this.tensors.get(name);
      if (old) {
        if (old.fromEnd !== ax.fromEnd || (old.rank !== undefined && ax.rank !== undefined && old.rank !== ax.rank)) {
          throw new Refused(node, `'${name}' would carry the units on two different axes`);
        }
        return;
      }
      if (isConst(name)) throw new Refused(node, `the constant '${name}' would have to carry the units`);
      this.tensors.set(name, ax);
      this.queue.push(name);
    }

    private setUnits(u: number, node: NodeProto): void {
      if (this.units === 0) this.units = u;
      else if (this.units !== u) throw new Refused(node, `it has ${u} units where the rest of the site has ${this.units}`);
    }

    private addProducer(n: NodeProto): void {
      const info = producerInfo(n);
      if (!info) throw new Refused(n, `${n.op_type} produces tensors the units depend on, and it is not a MatMul/Gemm with a constant weight or an ungrouped Conv`);
      done.add(n);
      this.producers.push(n);
      if (n.op_type === 'Conv') this.conv = true;
      this.setUnits(info.units, n);
      this.params.push({ node: n, input: 1, name: n.input[1], axis: info.axis, role: 'producer' });
      if (info.bias !== undefined && n.input[info.bias]) {
        const b = n.input[info.bias];
        const bi = consts.get(b);
        if (!bi?.tensor) throw new Refused(n, `its bias '${b}' is not a constant tensor`);
        const al = bi.dims.length - 1;
        if (bi.dims.length && bi.dims[al] === info.units && info.units !== 1) this.params.push({ node: n, input: info.bias, name: b, axis: al, role: 'other' });
        else if (bi.dims.length && bi.dims[al] !== 1) throw new Refused(n, `its bias '${b}' has shape [${bi.dims}]`);
      }
      this.add(n.output[0], info.out, n);
      if (n.output.length > 1 && n.output.slice(1).some((o) => o)) throw new Refused(n, 'it has extra outputs');
    }

    /** A constant operand of an elementwise op: slice it where it is aligned with the unit axis and has U there. */
    private constOperand(n: NodeProto, i: number, ax: Axis, role: ParamRole): void {
      const name = n.input[i];
      const c = consts.get(name)!;
      const al = c.dims.length - 1 - ax.fromEnd;
      if (al < 0 || c.dims[al] === 1) return;
      if (c.dims[al] !== this.units) throw new Refused(n, `its operand '${name}' [${c.dims}] has ${c.dims[al]} on the unit axis, not ${this.units}`);
      if (!c.tensor) throw new Refused(n, `its operand '${name}' is a Constant the rewrite cannot slice`);
      this.params.push({ node: n, input: i, name, axis: al, role });
    }

    private visit(n: NodeProto, via: string, ax: Axis, side: 'in' | 'out'): void {
      const op = n.op_type ?? '';
      const d = n.domain ?? '';
      if (d !== '' && d !== 'ai.onnx' && !(d === 'com.microsoft' && UNARY.has(op))) throw new Refused(n, `${d}.${op} is an op the analysis does not know`);
      if (side === 'out' && n.output[0] === via && producerInfo(n)) {
        // A producer reached from its output: a second branch of a gated or residual site.
        this.addProducer(n);
        return;
      }
      if (side === 'in' && (op === 'MatMul' || op === 'Gemm' || (op === 'Conv' && !this.isDepthwise(n, ax)))) {
        // A consumer contracts the units away. (It may produce for this same region too; that is found from its output.)
        if (n.input[0] !== via || n.input.slice(1).includes(via)) throw new Refused(n, `the units reach ${op} as its ${n.input[0] === via ? 'both operands' : 'weight operand'}`);
        this.addConsumer(n, ax);
        return;
      }
      if (op === 'MatMul' || op === 'Gemm') throw new Refused(n, `${op} produces the units from a non-constant weight`);
      if (op === 'Conv' && !this.isDepthwise(n, ax)) throw new Refused(n, `grouped Conv (group ${attrNumber(n, 'group', 1)}) couples its channels by group`);
      this.interior.add(n);
      this.through(n, via, ax, side);
    }

    private isDepthwise(n: NodeProto, ax: Axis): boolean {
      const w = consts.get(n.input[1])?.dims;
      if (!w) return false;
      const group = attrNumber(n, 'group', 1);
      return group > 1 && w[0] === group && w[1] === 1 && ax.rank === w.length && ax.fromEnd === w.length - 2;
    }

    private addConsumer(n: NodeProto, ax: Axis): void {
      const op = n.op_type;
      const w = n.input[1];
      const wc = consts.get(w);
      if (!wc || !wc.tensor) throw new Refused(n, `its weight '${w}' is not a constant tensor`);
      let axis: number;
      if (op === 'MatMul') {
        if (ax.fromEnd !== 0) throw new Refused(n, 'the units are not on the last axis of its input');
        if (wc.dims.length < 2) throw new Refused(n, `its weight '${w}' has rank ${wc.dims.length}`);
        axis = wc.dims.length - 2;
      } else if (op === 'Gemm') {
        const contracted = attrNumber(n, 'transA', 0) ? 1 : 0;
        if (ax.fromEnd !== contracted) throw new Refused(n, 'the units are not on the axis Gemm contracts');
        axis = attrNumber(n, 'transB', 0) ? 1 : 0;
      } else {
        if (attrNumber(n, 'group', 1) !== 1) throw new Refused(n, `grouped Conv (group ${attrNumber(n, 'group', 1)}) couples its channels by group`);
        if (ax.rank !== wc.dims.length || ax.fromEnd !== wc.dims.length - 2) throw new Refused(n, 'the units are not the channel axis of its input');
        axis = 1;
      }
      if (wc.dims[axis] !== this.units) throw new Refused(n, `its weight '${w}' has ${wc.dims[axis]} on the contracted axis, not ${this.units}`);
      this.consumers.push(n);
      this.params.push({ node: n, input: 1, name: w, axis, role: 'consumer' });
    }

    /** An op inside the region: map the unit axis through it (both directions where defined). */
    private through(n: NodeProto, via: string, ax: Axis, side: 'in' | 'out'): void {
      const op = n.op_type ?? '';
      const usedOutputs = n.output.filter((o, i) => o && (i === 0 || cons.has(o) || graphOutputs.has(o)));
      if (usedOutputs.length > 1 || (usedOutputs.length === 1 && usedOutputs[0] !== n.output[0])) throw new Refused(n, `${op} has more than one output in use`);
      const dataIn = (i: number) => n.input[i] && !isConst(n.input[i]);
      const channelAxis = (a: Axis) => a.rank !== undefined && a.fromEnd === a.rank - 2;

      if (UNARY.has(op)) {
        for (let i = 1; i < n.input.length; i++) {
          if (!n.input[i]) continue;
          const c = consts.get(n.input[i]);
          if (!c) throw new Refused(n, `its input '${n.input[i]}' is not a constant`);
          if (op === 'Clip' && c.dims.some((x) => x !== 1)) throw new Refused(n, `its bound '${n.input[i]}' is not a scalar`);
          if (op !== 'Clip') this.constOperand(n, i, ax, 'other');
        }
        if (!dataIn(0)) throw new Refused(n, `${op} is computed from constants only`);
        this.add(n.input[0], ax, n);
        this.add(n.output[0], ax, n);
        return;
      }
      if (BINARY.has(op)) {
        let any = false;
        const outAx = { ...ax };
        for (let i = 0; i < n.input.length; i++) {
          if (!n.input[i]) continue;
          if (isConst(n.input[i])) {
            const c = consts.get(n.input[i])!;
            this.constOperand(n, i, ax, op === 'Mul' ? 'gain' : 'other');
            if (outAx.rank !== undefined && c.dims.length > outAx.rank) outAx.rank = c.dims.length;
            if (c.dims.slice(Math.max(0, c.dims.length - ax.fromEnd)).some((x) => x !== 1)) outAx.ones = false;
          } else {
            any = true;
            if (op === 'PRelu' && i === 1) throw new Refused(n, 'its slope is not a constant');
            this.add(n.input[i], ax, n);
          }
        }
        if (!any) throw new Refused(n, `${op} is computed from constants only`);
        this.add(n.output[0], outAx, n);
        return;
      }
      if (op === 'BatchNormalization' || op === 'InstanceNormalization') {
        if (!channelAxis(ax)) throw new Refused(n, `${op} normalizes over axis 1, which does not carry the units`);
        if (!dataIn(0) || via !== n.input[0] && via !== n.output[0]) throw new Refused(n, `${op} reads the units as a parameter`);
        const last = op === 'BatchNormalization' ? 4 : 2;
        for (let i = 1; i <= last; i++) {
          const c = consts.get(n.input[i]);
          if (!c || !c.tensor || c.dims.length !== 1 || c.dims[0] !== this.units) throw new Refused(n, `its parameter '${n.input[i]}' is not a constant of ${this.units} channels`);
          this.params.push({ node: n, input: i, name: n.input[i], axis: 0, role: op === 'BatchNormalization' && i === 1 ? 'bn' : 'other' });
        }
        this.add(n.input[0], ax, n);
        this.add(n.output[0], { ...ax, ones: false }, n);
        return;
      }
      if (op === 'Conv' && this.isDepthwise(n, ax)) {
        // Depthwise: each channel filtered on its own. Slice its filters and bias; group follows.
        if (via !== n.input[0] && via !== n.output[0]) throw new Refused(n, 'the units reach the depthwise Conv as a parameter');
        this.params.push({ node: n, input: 1, name: n.input[1], axis: 0, role: 'gain' });
        if (n.input[2]) {
          if (!consts.get(n.input[2])?.tensor) throw new Refused(n, `its bias '${n.input[2]}' is not a constant`);
          this.params.push({ node: n, input: 2, name: n.input[2], axis: 0, role: 'other' });
        }
        this.depthwise.push(n);
        this.add(n.input[0], ax, n);
        this.add(n.output[0], { ...ax, ones: false }, n);
        return;
      }
      if (POOLS.has(op) || GLOBAL_POOLS.has(op)) {
        if (op === 'MaxPool' && n.output[1] && cons.has(n.output[1])) throw new Refused(n, 'MaxPool indices are in use');
        if (!channelAxis(ax)) throw new Refused(n, `${op} pools per channel, and the units are not its channel axis`);
        if (side === 'out' && GLOBAL_POOLS.has(op)) this.add(n.input[0], { ...ax, ones: false }, n);
        else this.add(n.input[0], side === 'in' ? ax : { ...ax, ones: false }, n);
        this.add(n.output[0], { ...ax, ones: GLOBAL_POOLS.has(op) }, n);
        return;
      }
      if (REDUCE.has(op)) {
        if (side !== 'in' || ax.rank === undefined) throw new Refused(n, `${op}: the analysis follows reductions forward only, with a known rank`);
        const axes = attrInts(n, 'axes') ?? (n.input[1] && consts.get(n.input[1])?.tensor ? intValues(consts.get(n.input[1])!.tensor!) : undefined);
        if (!axes || !axes.length) throw new Refused(n, `${op} reduces over every axis, the units included`);
        if (attrNumber(n, 'keepdims', 1) !== 1) throw new Refused(n, `${op} drops axes (keepdims 0)`);
        const unit = ax.rank - 1 - ax.fromEnd;
        const norm = axes.map((a) => (a < 0 ? a + ax.rank! : a));
        if (norm.includes(unit)) throw new Refused(n, `${op} reduces over the unit axis`);
        let ones = ax.ones ?? false;
        if (!ones) ones = Array.from({ length: ax.rank - 1 - unit }, (_, k) => unit + 1 + k).every((a) => norm.includes(a));
        this.add(n.output[0], { ...ax, ones }, n);
        return;
      }
      if (op === 'Transpose') {
        const perm = attrInts(n, 'perm');
        if (!perm) throw new Refused(n, 'Transpose without perm');
        const r = perm.length;
        if (side === 'in') {
          const a = r - 1 - ax.fromEnd;
          const b = perm.indexOf(a);
          this.add(n.output[0], { fromEnd: r - 1 - b, rank: r, ones: perm.slice(b + 1).every((p) => p > a) && ax.ones }, n);
        } else {
          const b = r - 1 - ax.fromEnd;
          this.add(n.input[0], { fromEnd: r - 1 - perm[b], rank: r, ones: false }, n);
        }
        return;
      }
      if (op === 'Squeeze' || op === 'Unsqueeze') {
        if (side !== 'in' || via !== n.input[0] || ax.rank === undefined) throw new Refused(n, `the analysis follows ${op} forward only, with a known rank`);
        const ac = n.input[1] ? consts.get(n.input[1]) : undefined;
        const axes = attrInts(n, 'axes') ?? (ac?.tensor ? intValues(ac.tensor) : undefined);
        if (!axes?.length) throw new Refused(n, `${op} without constant axes`);
        const r = ax.rank;
        const a = r - 1 - ax.fromEnd;
        if (op === 'Squeeze') {
          const norm = axes.map((x) => (x < 0 ? x + r : x));
          if (norm.includes(a)) throw new Refused(n, 'Squeeze removes the unit axis');
          const outRank = r - norm.length;
          const a2 = a - norm.filter((x) => x < a).length;
          this.add(n.output[0], { fromEnd: outRank - 1 - a2, rank: outRank, ones: ax.ones }, n);
        } else {
          const outRank = r + axes.length;
          let a2 = a;
          for (const x of axes.map((v) => (v < 0 ? v + outRank : v)).sort((p, q) => p - q)) if (x <= a2) a2++;
          this.add(n.output[0], { fromEnd: outRank - 1 - a2, rank: outRank, ones: ax.ones }, n);
        }
        return;
      }
      if (op === 'Flatten') {
        if (side !== 'in') throw new Refused(n, 'the analysis follows Flatten forward only');
        const axisAttr = attrNumber(n, 'axis', 1);
        const unit = ax.rank !== undefined ? ax.rank - 1 - ax.fromEnd : undefined;
        const a = axisAttr < 0 && ax.rank !== undefined ? axisAttr + ax.rank : axisAttr;
        const ok = (ax.fromEnd === 0 && (axisAttr === -1 || (ax.rank !== undefined && a === ax.rank - 1))) || (unit !== undefined && a === unit && ax.ones);
        if (!ok) throw new Refused(n, 'Flatten merges the units with other axes (only a flatten that keeps them as the last axis, e.g. after a global pool, is followed)');
        this.add(n.output[0], { fromEnd: 0, rank: 2, ones: true }, n);
        return;
      }
      if (op === 'Reshape') {
        if (side !== 'in' || via !== n.input[0]) throw new Refused(n, 'the analysis follows Reshape forward only, from its data input');
        const sc = consts.get(n.input[1]);
        if (!sc?.tensor) throw new Refused(n, `its shape '${n.input[1]}' is computed, not a constant`);
        if (attrNumber(n, 'allowzero', 0)) throw new Refused(n, 'Reshape with allowzero');
        const shape = intValues(sc.tensor);
        const last = shape.length - 1;
        if (ax.fromEnd === 0 && shape[last] === this.units && this.units > 1) {
          this.shapeFixes.push({ node: n, input: 1, name: n.input[1], index: last });
          this.add(n.output[0], { fromEnd: 0, rank: shape.length, ones: true }, n);
          return;
        }
        const unit = ax.rank !== undefined ? ax.rank - 1 - ax.fromEnd : undefined;
        if (unit !== undefined && ax.ones && shape.length === unit + 1 && shape.slice(0, unit).every((x) => x === 0) && (shape[last] === -1 || shape[last] === this.units)) {
          if (shape[last] === this.units) this.shapeFixes.push({ node: n, input: 1, name: n.input[1], index: last });
          this.add(n.output[0], { fromEnd: 0, rank: shape.length, ones: true }, n);
          return;
        }
        throw new Refused(n, `Reshape to [${shape}] splits or merges the units with other axes`);
      }
      const why: Record<string, string> = {
        Softmax: 'Softmax normalizes across the units',
        LogSoftmax: 'LogSoftmax normalizes across the units',
        LayerNormalization: 'LayerNormalization normalizes across the units',
        Concat: 'Concat joins the units with other channels',
        Split: 'Split divides the units',
        Slice: 'Slice selects among the units',
        Gather: 'Gather indexes the units',
      };
      throw new Refused(n, why[op] ?? `${op} is not an op the analysis can follow the units through`);
    }
  }

  const refusedFrom: NodeProto[] = [];
  for (const start of g.node) {
    if (done.has(start) || !producerInfo(start)) continue;
    const r = new Region(start);
    try {
      r.explore();
      for (const p of r.producers) done.add(p);
      sites.push(r.site());
    } catch (e) {
      for (const p of r.producers) done.add(p);
      done.add(start);
      if (!(e instanceof Refused)) throw e;
      refused.push({ site: r.id(), kind: r.kind(), node: nodeLabel(e.node), op: e.node?.op_type ?? '', reason: e.reason });
      refusedFrom.push(start);
    }
  }
  // A search stopped early (e.g. at a Flatten reached from its output) may leave producers that a later,
  // complete search from another producer accepts; such a refusal is stale.
  const accepted = new Set(sites.flatMap((s) => s.producers));
  return { sites, refused: refused.filter((_, i) => !accepted.has(refusedFrom[i])) };
}
