/**
 * Structured pruning (pure: model in, model edited in place and a report out; no I/O, no runtime).
 *
 * Every site the coupling analysis (coupling.ts) proves prunable loses the `ratio` of its units with
 * the lowest score, the product of the unit's weight norms over every coupled producer and consumer
 * (‖W1[:,j]‖·‖W2[j,:]‖ for an FFN, the output filter times the next conv's input slice for convs; the
 * gate and up columns both count in a gated FFN; a per-unit Mul constant or BatchNormalization scale
 * counts with its magnitude). Every coupled tensor is sliced (weights in initializers or Constant
 * nodes, biases, per-channel parameters, depthwise filters and their `group`, Reshape constants that
 * spell the width, `value_info` shapes); a constant also read elsewhere is copied rather than changed;
 * what nothing reads any more is removed. At ratio 0 nothing is edited.
 *
 * Unstructured (magnitude) pruning is not offered: see `unstructuredPruning()`.
 */
import { analyzeCoupling, type Refusal, type Site, type SiteKind } from './coupling';
import { allGraphs, ATTR, consumers, decodeModel, encodeModel, findConstant, num, removeUnused, uniqueNamer, type ModelProto, type NodeProto, type TensorProto } from './model';
import { setElements, sliceTensor, tensorSize, unitNorms } from './pruneTensor';
import { onnxRoot } from '../onnx/writer';

export interface PruneOptions {
  /** Fraction of each site's units to remove, 0 ≤ ratio < 1. */
  ratio: number;
  /** Which sites: FFN hidden units, conv output channels, both (default), or site ids from `analyzeCoupling`. */
  scope?: 'ffn' | 'conv' | 'all' | string[];
}

export interface PrunedSite {
  id: string;
  kind: SiteKind;
  unitsBefore: number;
  unitsAfter: number;
}

export interface PruneReport {
  ratio: number;
  sites: PrunedSite[];
  refused: Refusal[];
  parametersBefore: number;
  parametersAfter: number;
  parametersRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesRemoved: number;
  /** Plain-language caveats (e.g. subgraphs not analysed). */
  notes: string[];
}

/** Why unstructured pruning is not offered (for the CLI and code actions to show when asked for it). */
export function unstructuredPruning(): { offered: false; reason: string } {
  return {
    offered: false,
    reason:
      'Unstructured (magnitude) pruning only zeroes weights. ONNX Runtime on CPU stores and multiplies them as dense ' +
      'tensors (it densifies sparse_initializer too), so the model gets neither smaller nor faster (measured ≈1.0×). ' +
      'Use structured pruning (`ttc-lens prune --ratio R`), which removes whole hidden units, or int8/int4 quantization.',
  };
}

/** Prune `model` in place. Throws on a ratio outside [0, 1). */
export function pruneModel(model: ModelProto, opts: PruneOptions): PruneReport {
  const ratio = opts.ratio;
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`prune ratio must be at least 0 and below 1 (got ${ratio})`);
  const before = sizeOf(model);
  const analysis = analyzeCoupling(model);
  const scope = opts.scope ?? 'all';
  const inScope = (id: string, kind: SiteKind) => (Array.isArray(scope) ? scope.includes(id) : scope === 'all' || scope === kind);
  const sites = analysis.sites.filter((s) => inScope(s.id, s.kind));
  const refused = analysis.refused.filter((r) => inScope(r.site, r.kind));
  const notes: string[] = [];
  if ([...allGraphs(model.graph)].length > 1) notes.push('subgraphs (If/Loop/Scan bodies) are not analysed; their units are left as they are');
  if (Array.isArray(scope)) {
    const known = new Set([...analysis.sites, ...analysis.refused.map((r) => ({ id: r.site }))].map((s) => s.id));
    for (const id of scope) if (!known.has(id)) notes.push(`no site '${id}' in this model`);
  }

  const edits = new Edits(model);
  const report: PrunedSite[] = [];
  for (const site of sites) {
    const keep = keptUnits(model, site, ratio);
    report.push({ id: site.id, kind: site.kind, unitsBefore: site.units, unitsAfter: keep.length });
    if (keep.length === site.units) continue;
    for (const p of site.params) edits.slice(p.node, p.input, p.name, p.axis, keep);
    for (const f of site.shapeFixes) edits.set(f.node, f.input, f.name, f.index, keep.length);
    for (const n of site.depthwise) {
      const a = n.attribute.find((x) => x.name === 'group')!;
      a.i = keep.length;
    }
    updateValueInfo(model, site, keep.length);
  }
  edits.apply();
  removeUnused(model);
  const after = sizeOf(model);
  return {
    ratio,
    sites: report,
    refused,
    parametersBefore: before.parameters,
    parametersAfter: after.parameters,
    parametersRemoved: before.parameters - after.parameters,
    bytesBefore: before.bytes,
    bytesAfter: after.bytes,
    bytesRemoved: before.bytes - after.bytes,
    notes,
  };
}

/** Prune ONNX bytes: decode, prune, encode (the input bytes are not changed). */
export function pruneBytes(bytes: Uint8Array, opts: PruneOptions): { bytes: Uint8Array; report: PruneReport } {
  const model = decodeModel(bytes);
  const report = pruneModel(model, opts);
  return { bytes: encodeModel(model), report };
}

/** The indices (ascending) of the units a site keeps at `ratio`. */
export function keptUnits(model: ModelProto, site: Site, ratio: number): number[] {
  const U = site.units;
  const k = Math.max(1, Math.round(U * (1 - ratio)));
  if (k >= U) return Array.from({ length: U }, (_, i) => i);
  const score = new Float64Array(U);
  for (const p of site.params) {
    if (p.role === 'other') continue;
    const c = findConstant(model.graph, p.name);
    if (!c) continue;
    let norms: Float64Array;
    try {
      norms = unitNorms(c.tensor, p.axis);
    } catch {
      continue; // not a float tensor: it does not score
    }
    for (let j = 0; j < U; j++) score[j] += Math.log(norms[j] || Number.MIN_VALUE);
  }
  const order = Array.from({ length: U }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}

interface Edit {
  slices: Map<number, readonly number[]>;
  sets: Map<number, number>;
}

/** Edits per constant use (node input slot); applied together so slices from two sites compose. */
class Edits {
  private readonly byName = new Map<string, Map<string, { node: NodeProto; input: number; edit: Edit }>>();
  private readonly ids = new Map<NodeProto, number>();
  constructor(private readonly model: ModelProto) {
    model.graph.node.forEach((n, i) => this.ids.set(n, i));
  }

  private key(node: NodeProto, input: number): string {
    return `${this.ids.get(node) ?? -1}:${input}`;
  }

  private use(node: NodeProto, input: number, name: string): Edit {
    let uses = this.byName.get(name);
    if (!uses) this.byName.set(name, (uses = new Map()));
    const key = this.key(node, input);
    let u = uses.get(key);
    if (!u) uses.set(key, (u = { node, input, edit: { slices: new Map(), sets: new Map() } }));
    return u.edit;
  }

  slice(node: NodeProto, input: number, name: string, axis: number, keep: readonly number[]): void {
    const e = this.use(node, input, name);
    if (e.slices.has(axis)) throw new Error(`internal: '${name}' axis ${axis} sliced twice at one use`);
    e.slices.set(axis, keep);
  }

  set(node: NodeProto, input: number, name: string, index: number, value: number): void {
    this.use(node, input, name).sets.set(index, value);
  }

  apply(): void {
    const g = this.model.graph;
    const cons = consumers(g);
    const elsewhere = new Set<string>(g.output.map((o) => o.name ?? ''));
    for (const sg of [...allGraphs(g)].slice(1)) for (const n of sg.node) for (const i of n.input) elsewhere.add(i);
    const fresh = uniqueNamer(g);
    for (const [name, uses] of this.byName) {
      const c = findConstant(g, name);
      if (!c) throw new Error(`internal: constant '${name}' not found`);
      // Group this constant's uses by the edit they need; a use with no edit keeps the original.
      const groups = new Map<string, { edit: Edit; at: Array<{ node: NodeProto; input: number }> }>();
      let untouched = elsewhere.has(name);
      for (const n of cons.get(name) ?? []) {
        n.input.forEach((x, i) => {
          if (x !== name) return;
          const u = uses.get(this.key(n, i));
          if (!u) {
            untouched = true;
            return;
          }
          const key = editKey(u.edit);
          const grp = groups.get(key);
          if (grp) grp.at.push({ node: n, input: i });
          else groups.set(key, { edit: u.edit, at: [{ node: n, input: i }] });
        });
      }
      const edited = (t: TensorProto, edit: Edit, newName: string) => {
        let out = edit.slices.size ? sliceTensor(t, edit.slices, newName) : t;
        if (edit.sets.size) out = setElements(out, edit.sets, newName);
        return out;
      };
      if (!untouched && groups.size === 1) {
        const [{ edit }] = groups.values();
        const t = edited(c.tensor, edit, c.tensor.name ?? name);
        if (c.node) c.node.attribute.find((a) => a.t)!.t = t;
        else {
          g.initializer[g.initializer.indexOf(c.tensor)] = t;
          const input = g.input.find((i) => i.name === name);
          if (input) setShape(input as ShapedValueInfo, t.dims!.map(num));
        }
        continue;
      }
      for (const { edit, at } of groups.values()) {
        const newName = fresh(`${name}.pruned`);
        const t = edited(c.tensor, edit, c.node ? (c.tensor.name ?? '') : newName);
        if (c.node) {
          const node = onnxRoot().lookupType('onnx.NodeProto').create({
            op_type: 'Constant', domain: '', input: [], output: [newName], name: fresh(`${c.node.name || name}.pruned`),
            attribute: [onnxRoot().lookupType('onnx.AttributeProto').create({ name: 'value', type: ATTR.TENSOR, t })],
          }) as unknown as NodeProto;
          g.node.splice(g.node.indexOf(c.node) + 1, 0, node);
        } else {
          g.initializer.push(t);
          if (num(this.model.ir_version) < 4) g.input.push(valueInfoFor(t));
        }
        for (const { node, input } of at) node.input[input] = newName;
      }
    }
  }
}

function editKey(e: Edit): string {
  const s = [...e.slices].sort((a, b) => a[0] - b[0]).map(([a, k]) => `${a}:${k.join(',')}`);
  const v = [...e.sets].sort((a, b) => a[0] - b[0]).map(([i, x]) => `${i}=${x}`);
  return `${s.join(';')}|${v.join(';')}`;
}

interface ShapedValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Array<{ dim_value?: number | { toNumber(): number }; dim_param?: string }> } } };
}

function setShape(vi: ShapedValueInfo, dims: number[]): void {
  const shape = vi.type?.tensor_type?.shape;
  if (!shape?.dim || shape.dim.length !== dims.length) return;
  shape.dim.forEach((d, i) => {
    if (!d.dim_param) d.dim_value = dims[i];
  });
}

function valueInfoFor(t: TensorProto) {
  return onnxRoot().lookupType('onnx.ValueInfoProto').create({
    name: t.name,
    type: { tensor_type: { elem_type: t.data_type, shape: { dim: (t.dims ?? []).map((d) => ({ dim_value: num(d) })) } } },
  }) as never;
}

/** value_info (and graph input/output) shapes of a site's tensors: the unit dim becomes `kept`. */
function updateValueInfo(model: ModelProto, site: Site, kept: number): void {
  const g = model.graph;
  for (const vi of g.value_info as ShapedValueInfo[]) {
    const fromEnd = site.tensors.get(vi.name ?? '');
    if (fromEnd === undefined) continue;
    const dim = vi.type?.tensor_type?.shape?.dim;
    if (!dim) continue;
    const d = dim[dim.length - 1 - fromEnd];
    if (d && !d.dim_param && num(d.dim_value) === site.units) d.dim_value = kept;
  }
}

function sizeOf(model: ModelProto): { parameters: number; bytes: number } {
  let parameters = 0;
  let bytes = 0;
  const add = (t: TensorProto) => {
    const s = tensorSize(t);
    bytes += s.bytes;
    if (s.float) parameters += s.elements;
  };
  for (const g of allGraphs(model.graph)) {
    for (const t of g.initializer) add(t);
    for (const n of g.node) if (n.op_type === 'Constant') for (const a of n.attribute) if (a.t) add(a.t);
  }
  return { parameters, bytes };
}

/** A short plain-text account of a prune report, one line each (for the CLI and code-action messages). */
export function describePruneReport(r: PruneReport): string[] {
  const pruned = r.sites.filter((s) => s.unitsAfter < s.unitsBefore);
  const pct = r.parametersBefore ? ` (${((100 * r.parametersRemoved) / r.parametersBefore).toFixed(1)}%)` : '';
  const lines = [`Pruned ${pruned.length} of ${r.sites.length} prunable site(s) at ratio ${r.ratio}: ${r.parametersRemoved.toLocaleString('en-US')} parameters${pct}, ${(r.bytesRemoved / 1048576).toFixed(2)} MiB removed.`];
  for (const s of r.sites) lines.push(`  ${s.kind} ${s.id}: ${s.unitsBefore} → ${s.unitsAfter} units`);
  if (r.refused.length) lines.push(`Left as they are (${r.refused.length}):`);
  for (const x of r.refused) lines.push(`  ${x.site}: ${x.op ? `${x.op} '${x.node}': ` : ''}${x.reason}`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines;
}
