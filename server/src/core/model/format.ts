/** Human-readable renderings of a shape-only model (geometry.ts): a Markdown table (hover, Show Model Summary) and text (CLI). */
import { formatBytes, formatCount } from '../onnx/format';
import { modelStats, parseGeometryText, PRECISION_BYTES, type ModelGeometry, type ModelStats, type Precision } from './geometry';

/** "1,235,814,400". */
export function exact(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** FLOPs with a unit: "2.47 GFLOP", "65.5 KFLOP". */
export function formatFlops(n: number): string {
  const c = formatCount(n);
  return /[KMGT]$/.test(c) ? `${c}FLOP` : `${c} FLOP`;
}

function mdEsc(s: string): string {
  return s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** Rendering options: `precisionFrom` names where a given precision came from (default: the TTC config). */
export interface GeometryFormatOptions {
  title?: string;
  precisionFrom?: string;
}

/** One label/value pair per row, shared by the Markdown and text renderings. */
export function summaryRows(g: ModelGeometry, s: ModelStats, opts: GeometryFormatOptions = {}): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const kind = g.format === 'genai' ? 'ONNX Runtime GenAI config' : 'Hugging Face config';
  rows.push(['Model', `${g.modelType ? `${g.modelType} — ` : ''}${kind}, shape only`]);
  const gqa = g.kvHeads !== g.heads ? `, ${g.kvHeads} KV heads (GQA)` : '';
  rows.push(['Geometry', `${g.layers} layers, d=${g.hiddenSize}, ${g.heads} heads × ${g.headDim}${gqa}${g.intermediateSize ? `, MLP ${g.intermediateSize}${g.gatedMlp ? ' (gated)' : ''}` : ''}`]);
  const tail = [g.vocabSize ? `vocab ${exact(g.vocabSize)}` : undefined, g.contextLength ? `context ${exact(g.contextLength)}` : undefined].filter(Boolean);
  if (tail.length) rows.push(['Vocabulary / context', tail.join(', ')]);
  if (s.parameters !== undefined) {
    const moe = s.activeParameters !== undefined && s.activeParameters !== s.parameters ? `; ${formatCount(s.activeParameters)} active per token` : '';
    rows.push(['Parameters', `${formatCount(s.parameters)} (${exact(s.parameters)}; ${formatCount(s.nonEmbeddingParameters!)} non-embedding${g.tiedEmbeddings ? ', tied LM head' : ''}${moe})`]);
  } else {
    rows.push(['Parameters', g.format === 'genai' ? 'unknown: a genai_config.json has no MLP width (use the model\'s config.json or ONNX file)' : 'unknown: this file has no MLP width (intermediate_size)']);
  }
  if (s.weightBytes) {
    const src = s.precisionSource === 'config' ? opts.precisionFrom ?? 'config' : s.precisionSource === 'torch_dtype' ? 'torch_dtype' : 'assumed';
    const others = (['int8', 'int4'] as const).filter((p) => p !== s.precision).map((p) => `${p} ${formatBytes(s.weightBytes![p])}`);
    rows.push(['Weights', `${formatBytes(s.weightBytes.precision)} at ${s.precision} (${src})${others.length ? `; ${others.join(', ')}` : ''}`]);
  }
  rows.push(['KV cache', `${formatBytes(s.kvBytesPerToken)}/token at 16-bit${s.kvBytesAtContext !== undefined ? `; ${formatBytes(s.kvBytesAtContext)} at the full context` : ''}`]);
  const f = s.flopsPerToken;
  if (f.fixed !== undefined) rows.push(['FLOPs/token', `≈ ${formatFlops(f.fixed)} + ${formatFlops(f.perContextToken)} × context`]);
  else rows.push(['FLOPs/token', `unknown fixed part${f.head !== undefined ? ` (LM head alone ${formatFlops(f.head)})` : ''} + ${formatFlops(f.perContextToken)} × context (attention)`]);
  return rows;
}

export function formatGeometryMarkdown(g: ModelGeometry, s: ModelStats, opts: GeometryFormatOptions = {}): string {
  const lines = [`**${mdEsc(opts.title ?? 'Model description')}**`, '', '| | |', '|---|---|'];
  for (const [k, v] of summaryRows(g, s, opts)) lines.push(`| ${k} | ${mdEsc(v)} |`);
  if (g.assumptions.length) lines.push('', ...g.assumptions.map((a) => `_${a.replace(/_/g, '\\_')}_`));
  lines.push('', '_FLOPs per token after Kaplan et al. 2020: 2·N + 2·d·V (LM head) + 2·L·d\\_attn per context token._');
  return lines.join('\n');
}

export function formatGeometryText(g: ModelGeometry, s: ModelStats, opts: GeometryFormatOptions = {}): string {
  const rows = summaryRows(g, s, opts);
  const w = Math.max(...rows.map(([k]) => k.length));
  const out = [...(opts.title ? [opts.title] : []), ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`)];
  if (g.assumptions.length) out.push('', 'Assumptions:', ...g.assumptions.map((a) => `  - ${a.replace(/`/g, '')}`));
  return out.join('\n');
}

/** A shape-only model's machine-readable summary: its geometry plus everything it implies. */
export interface ShapeOnlySummary {
  kind: 'shape-only';
  path: string;
  geometry: ModelGeometry;
  stats: ModelStats;
}

export interface ShapeOnlyResult {
  markdown: string;
  text: string;
  /** Machine-readable: geometry plus everything it implies. */
  summary?: ShapeOnlySummary;
  error?: string;
}

const isPrecision = (p: unknown): p is Precision => typeof p === 'string' && p in PRECISION_BYTES;

/**
 * A model description's text (undefined: could not be read) rendered for the hover, Show Model Summary
 * and the CLI. `precision` is the config's precision for the model (ignored unless a known one);
 * `precisionFrom` labels where it came from when not the config (the CLI: `--precision`).
 */
export function describeShapeOnly(absPath: string, text: string | undefined, precision: string | undefined, title: string, precisionFrom?: string): ShapeOnlyResult {
  if (text === undefined) {
    const error = `model description could not be read (missing, not a regular file, or larger than 1 MB): ${absPath}`;
    return { markdown: `**${mdEsc(title)} could not be read:** ${mdEsc(error)}`, text: error, error };
  }
  const r = parseGeometryText(text);
  if (!r.geometry) {
    const error = r.problems.join(' ');
    return { markdown: `**${mdEsc(title)} is not a usable model description:** ${error}`, text: error, error };
  }
  const stats = modelStats(r.geometry, isPrecision(precision) ? precision : undefined);
  return {
    markdown: formatGeometryMarkdown(r.geometry, stats, { title, precisionFrom }),
    text: formatGeometryText(r.geometry, stats, { precisionFrom }),
    summary: { kind: 'shape-only', path: absPath, geometry: r.geometry, stats },
  };
}
