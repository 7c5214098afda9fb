/**
 * Shape propagation over a graph (and its subgraphs): types of every tensor from the graph inputs
 * (with symbolic dims bound where the caller says so), initializers and Constant nodes, node by node
 * in the graph's (topological) order, using the shape rules gathered in registry.ts.
 */
import type { AttributeInfo, Dim, GraphInfo, NodeInfo, TensorInfo, ValueInfo } from './reader';
import type { GraphResult, NodeResult, OpContext, TType } from './rules';
import { SHAPE_RULES } from './registry';
import { isNum, sym, type SymDim } from './expr';
import { DataType } from './schema';

export type { GraphResult, NodeResult } from './rules';

const INT_INPUTS = new Set([DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.BOOL]);

export interface InferOptions {
  /** Symbolic dimension bindings applied to graph inputs. */
  bind?: Record<string, number>;
  /** Fall back to the model's value_info / declared output types when a rule gives no shape. Default true. */
  useDeclared?: boolean;
}

/** A graph input's symbolic dims as expressions; unnamed unknown dims get a name `input[i]`. */
export function inputDims(v: ValueInfo, bind: Record<string, number> = {}): SymDim[] | undefined {
  return v.shape?.map((d: Dim, i) => {
    const name = d === null ? `${v.name}[${i}]` : typeof d === 'string' ? d : undefined;
    if (name === undefined) return d as number;
    return name in bind ? bind[name] : sym(name);
  });
}

function declared(v: ValueInfo): TType {
  return { dtype: v.dtype, shape: v.shape?.map((d) => (typeof d === 'string' ? sym(d) : d)) };
}

export function tensorType(t: TensorInfo): TType {
  return { dtype: t.dtype, shape: t.dims, value: t.values };
}

function attrLookup(n: NodeInfo): (name: string) => AttributeInfo | undefined {
  return (name) => n.attributes.find((a) => a.name === name);
}

function makeContext(n: NodeInfo, opset: number, inputs: Array<TType | undefined>): OpContext {
  const attr = attrLookup(n);
  return {
    node: n,
    opset,
    inputs,
    attr,
    int: (name, def) => attr(name)?.i ?? def,
    ints: (name) => attr(name)?.ints,
    float: (name, def) => attr(name)?.f ?? def,
    str: (name, def) => attr(name)?.s ?? def,
    nums: (i) => {
      const v = inputs[i]?.value;
      return v && v.every(isNum) ? (v as number[]) : undefined;
    },
  };
}

/** Rules on odd input may leave holes (undefined dims, NaN): make those unknown rather than wrong. */
function sanitize(t: TType | undefined): TType | undefined {
  if (!t) return t;
  const ok = (d: SymDim | undefined): d is SymDim => d !== undefined && (typeof d !== 'number' || (Number.isSafeInteger(d) && d >= 0));
  const shape = t.shape && Array.isArray(t.shape) ? t.shape.map((d) => (ok(d) ? d : null)) : undefined;
  const value = t.value && Array.isArray(t.value) ? t.value.map((d) => (d === undefined || (typeof d === 'number' && !Number.isFinite(d)) ? null : d)) : undefined;
  return { dtype: typeof t.dtype === 'number' ? t.dtype : undefined, shape, value };
}

function mergeTypes(a: TType | undefined, b: TType | undefined): TType | undefined {
  if (!a || !b) return a ?? b;
  const dtype = a.dtype ?? b.dtype;
  if (!a.shape || !b.shape || a.shape.length !== b.shape.length) return { dtype };
  return { dtype, shape: a.shape.map((d, i) => (isNum(d) && d === b.shape![i] ? d : JSON.stringify(d) === JSON.stringify(b.shape![i]) ? d : null)) };
}

/**
 * The graph's nodes in an order where producers come first: the file's order when it already is
 * (ONNX requires it), else a stable Kahn sort (some exporters and hand edits leave graphs unsorted).
 * Nodes in a cycle keep their file order at the end.
 */
export function topoOrder(g: GraphInfo): NodeInfo[] {
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const sorted = g.nodes.every((n, i) => n.inputs.every((x) => !x || (producer.get(x) ?? -1) < i));
  if (sorted) return g.nodes;
  const indeg = new Array<number>(g.nodes.length).fill(0);
  const users: number[][] = g.nodes.map(() => []);
  g.nodes.forEach((n, i) => {
    for (const x of new Set(n.inputs)) {
      const p = x ? producer.get(x) : undefined;
      if (p !== undefined && p !== i) {
        indeg[i]++;
        users[p].push(i);
      }
    }
  });
  const out: NodeInfo[] = [];
  const done = new Array<boolean>(g.nodes.length).fill(false);
  // Smallest index first keeps the order stable.
  const ready: number[] = [];
  indeg.forEach((d, i) => d === 0 && ready.push(i));
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    done[i] = true;
    out.push(g.nodes[i]);
    for (const u of users[i]) if (--indeg[u] === 0) ready.push(u);
  }
  g.nodes.forEach((n, i) => !done[i] && out.push(n));
  return out;
}

/** Infer every tensor's type in `g`. `outer` resolves names from enclosing graphs. */
export function inferGraph(
  g: GraphInfo,
  opsets: Map<string, number>,
  options: InferOptions = {},
  outer?: (name: string) => TType | undefined,
  path = '',
): GraphResult {
  const bind = options.bind ?? {};
  const useDeclared = options.useDeclared ?? true;
  const types = new Map<string, TType>();
  const lookup = (name: string): TType | undefined => types.get(name) ?? outer?.(name);
  for (const t of g.initializers) types.set(t.name, tensorType(t));
  for (const v of g.inputs) {
    if (types.has(v.name)) continue;
    const t: TType = { dtype: v.dtype, shape: inputDims(v, bind) };
    // A scalar integer input (a sample rate, a step count) can be bound by name to a value.
    if (v.name in bind && t.shape && t.shape.length <= 1 && t.shape.every((d) => d === 1) && v.dtype !== undefined && INT_INPUTS.has(v.dtype)) {
      t.value = [bind[v.name]];
    }
    types.set(v.name, t);
  }
  const declaredTypes = new Map<string, ValueInfo>();
  if (useDeclared) for (const v of [...g.valueInfo, ...g.outputs]) declaredTypes.set(v.name, v);

  const nodes: NodeResult[] = [];
  for (const n of topoOrder(g)) {
    const opset = opsets.get(n.domain) ?? (n.domain === '' ? 21 : 1);
    const inputs = n.inputs.map((name) => (name ? lookup(name) : undefined));
    const rule = (n.domain === '' ? SHAPE_RULES[`ai.onnx:${n.opType}`] : undefined) ?? SHAPE_RULES[n.opType];
    const res: NodeResult = { node: n, graph: path, opset, inputs, outputs: [], hasRule: !!rule };
    let outs: Array<TType | undefined> | undefined;
    const subs = n.attributes.filter((a) => a.g || a.graphs);
    if (subs.length) {
      res.subgraphs = [];
      for (const a of subs) {
        for (const [k, sg] of (a.g ? [a.g] : a.graphs!).entries()) {
          const sub = inferGraph(sg, opsets, options, lookup, `${path}${n.name || n.opType}/${a.name}${a.graphs ? `[${k}]` : ''}/`);
          res.subgraphs.push({ attr: a.name, result: sub });
        }
      }
      if (n.opType === 'If') {
        const branch = (name: string) => res.subgraphs!.find((s) => s.attr === name)?.result;
        const t = branch('then_branch'), e = branch('else_branch');
        const cond = inputs[0]?.value?.length === 1 ? inputs[0].value[0] : null;
        if (t && e && isNum(cond)) {
          // A condition known statically (shape checks in exported models) selects its branch.
          const b = cond !== 0 ? t : e;
          outs = n.outputs.map((_, i) => b.graph.outputs[i] && b.types.get(b.graph.outputs[i].name));
          res.hasRule = true;
          res.taken = cond !== 0 ? 'then_branch' : 'else_branch';
        } else if (t && e) {
          outs = n.outputs.map((_, i) => {
            const a = t.graph.outputs[i] && t.types.get(t.graph.outputs[i].name);
            const b = e.graph.outputs[i] && e.types.get(e.graph.outputs[i].name);
            return mergeTypes(a, b);
          });
          res.hasRule = true;
        }
      }
    }
    if (rule) {
      try {
        outs = rule(makeContext(n, opset, inputs));
      } catch {
        outs = undefined; // A rule must never take the analysis down on odd input.
      }
    }
    res.outputs = n.outputs.map((name, i) => {
      let t = sanitize(outs?.[i]);
      const d = declaredTypes.get(name);
      if (d && (!t || !t.shape || t.shape.some((x) => x === null))) {
        const dt = declared(d);
        if (dt.shape && (!t?.shape || t.shape.length === dt.shape.length)) t = { ...t, dtype: t?.dtype ?? dt.dtype, shape: dt.shape.map((x, j) => (t?.shape?.[j] ?? null) !== null ? t!.shape![j] : x) };
        else if (!t) t = dt;
      }
      return t;
    });
    n.outputs.forEach((name, i) => {
      if (name && res.outputs[i]) types.set(name, res.outputs[i]!);
    });
    nodes.push(res);
  }
  return { graph: g, types, nodes };
}
