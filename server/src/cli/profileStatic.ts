/**
 * `ttc-lens profile <model.onnx> --static [--bind name=value…] [--json] [--nodes]`: static analysis of
 * an ONNX model (parameters, FLOPs with coverage, peak activation memory, KV cache per token) without
 * running it. Reads only the model's structure, never its weights.
 */
import { analyzeModel, formatSummaryText, inputSymbols, OnnxReadError, readModel } from '../core/onnx/index';
import { formatCount } from '../core/onnx/format';
import * as nodePath from 'node:path';
import { readSmallTextFile } from '../core/model/files';
import { describeShapeOnly } from '../core/model/format';
import { PRECISION_BYTES } from '../core/model/geometry';
import { parseBindings, parseDim } from '../core/bindings';
import { countMainGraphNodes } from '../core/onnx/count';
import { isDescriptionFile } from '../core/model/reference';

const HELP = `Usage: ttc-lens profile <model.onnx | config.json | genai_config.json> --static [options]

Static analysis of an ONNX model: parameters, weight bytes, FLOPs (with coverage), peak activation
memory, operator histogram, KV cache bytes per token for decoders. Nothing is executed.
A shape-only description (Hugging Face config.json or ONNX Runtime GenAI genai_config.json) gives the
geometry, parameters, weight bytes, KV cache bytes per token and FLOPs per token.

Options:
  --bind name=value   Bind a symbolic dimension (repeatable; also name=value,name2=value2).
                      Unbound dims use defaults that are reported as assumptions.
  --json              Print the summary as JSON.
  --nodes             Include per-node FLOPs (text: top 20; JSON: all).
  --precision P       Weight precision of a .json description: fp32, fp16, bf16, int8, int4
                      (default: its torch_dtype, else fp16).
  --max-nodes N       Analyse models of up to N nodes (default 250000; larger ones are refused
                      at once with their node count).
  -h, --help          Show this help.

Exit codes: 0 ok, 1 the model could not be read, 2 bad arguments.`;

export interface StaticArgs {
  file?: string;
  bind: Record<string, number>;
  json: boolean;
  nodes: boolean;
  help: boolean;
  precision?: string;
  maxNodes: number;
  error?: string;
}

/** Default node limit, as in the editor (core/onnx/analysisHost.ts): past it, reading takes many seconds. */
export const DEFAULT_MAX_NODES = 250_000;

/** Parse the arguments (exported for tests). */
export function parseArgs(args: string[]): StaticArgs {
  const out: StaticArgs = { bind: {}, json: false, nodes: false, help: false, maxNodes: DEFAULT_MAX_NODES };
  const addBind = (spec: string): void => {
    const err = parseBindings(spec, out.bind);
    if (err) out.error = err;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--nodes') out.nodes = true;
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--precision' || a.startsWith('--precision=')) {
      const v = a === '--precision' ? args[++i] : a.slice('--precision='.length);
      if (v === undefined || !(v in PRECISION_BYTES)) out.error = `--precision expects one of ${Object.keys(PRECISION_BYTES).join(', ')}${v === undefined ? '' : `, got '${v}'`}`;
      else out.precision = v;
    }
    else if (a === '--max-nodes' || a.startsWith('--max-nodes=')) {
      const v = a === '--max-nodes' ? args[++i] : a.slice('--max-nodes='.length);
      const d = parseDim(v);
      if ('error' in d) out.error = `--max-nodes ${d.error}`;
      else out.maxNodes = d.value;
    } else if (a === '--bind' || a === '-b') {
      const v = args[++i];
      if (v === undefined) out.error = '--bind needs name=value';
      else addBind(v);
    } else if (a.startsWith('--bind=')) addBind(a.slice('--bind='.length));
    else if (a.startsWith('-')) out.error = `unknown option '${a}'`;
    else if (out.file) out.error = `one model at a time (got '${out.file}' and '${a}')`;
    else out.file = a;
  }
  if (!out.file && !out.help && !out.error) out.error = 'missing model path';
  return out;
}

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args);
  if (a.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (a.error) {
    process.stderr.write(`ttc-lens profile --static: ${a.error}\n\n${HELP}\n`);
    return 2;
  }
  if (isDescriptionFile(a.file!)) return shapeOnly(a);
  let model;
  const t0 = performance.now();
  try {
    // Count first (a tag walk): a model past the limit is refused in a moment, not read for minutes.
    const count = countMainGraphNodes(a.file!, 100_000_000);
    if (count !== undefined && count > a.maxNodes) {
      throw new OnnxReadError(`too large to analyse here (${count.toLocaleString('en-US')} nodes; the limit is ${a.maxNodes.toLocaleString('en-US')}: pass --max-nodes ${count} to analyse it anyway)`);
    }
    model = readModel(a.file!, { maxNodes: Math.max(a.maxNodes, 1) });
  } catch (e) {
    const msg = e instanceof OnnxReadError ? e.message : e instanceof Error ? e.message : String(e);
    if (a.json) process.stdout.write(JSON.stringify({ path: a.file, error: msg }, null, 2) + '\n');
    process.stderr.write(`ttc-lens profile --static: ${a.file}: ${msg}\n`);
    return 1;
  }
  const readMs = performance.now() - t0;
  const { summary, nodes } = analyzeModel(model, { bind: a.bind, details: a.nodes });
  summary.analysisMs += readMs;
  const known = new Set(inputSymbols(model));
  const unknownBinds = Object.keys(a.bind).filter((k) => !known.has(k));
  if (a.json) {
    process.stdout.write(JSON.stringify(a.nodes ? { ...summary, nodeFlops: nodes } : summary, null, 2) + '\n');
  } else {
    process.stdout.write(formatSummaryText(summary) + '\n');
    if (a.nodes && nodes) {
      const top = nodes.filter((n) => n.flops).sort((x, y) => (y.flops ?? 0) - (x.flops ?? 0)).slice(0, 20);
      process.stdout.write('\nTop nodes by FLOPs:\n');
      for (const n of top) process.stdout.write(`  ${formatCount(n.flops!).padStart(10)}  ${n.op.padEnd(20)} ${n.graph}${n.name || n.outputs[0]}\n`);
    }
  }
  for (const k of unknownBinds) process.stderr.write(`warning: --bind ${k}: no graph input uses this dimension\n`);
  return 0;
}

/** A shape-only description: geometry and what it implies (core/model). */
function shapeOnly(a: StaticArgs): number {
  const abs = nodePath.resolve(a.file!);
  const r = describeShapeOnly(abs, readSmallTextFile(abs), a.precision, nodePath.basename(abs), '--precision');
  if (r.error || !r.summary) {
    if (a.json) process.stdout.write(JSON.stringify({ path: a.file, error: r.error }, null, 2) + '\n');
    process.stderr.write(`ttc-lens profile --static: ${a.file}: ${r.error}\n`);
    return 1;
  }
  if (a.json) process.stdout.write(JSON.stringify(r.summary, null, 2) + '\n');
  else process.stdout.write(r.text + '\n');
  if (Object.keys(a.bind).length) process.stderr.write('warning: --bind does not apply to a shape-only description\n');
  return 0;
}
