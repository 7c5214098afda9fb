/** Human-readable renderings of a ModelSummary: a compact Markdown table (hover, command) and numbers. */
import type { ModelSummary } from './analyze';

/** `1.30 × 10^24`: for numbers past the named prefixes (absurd sizes from hostile or broken models). */
function scientific(n: number, unit = ''): string {
  if (!Number.isFinite(n)) return `${n > 0 ? '' : '−'}∞${unit}`;
  const [m, e] = n.toExponential(2).split('e');
  return `${m} × 10^${Number(e)}${unit}`;
}

export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (!(a < 1e15)) return scientific(n);
  if (a >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function formatBytes(n: number): string {
  const a = Math.abs(n);
  if (!(a < 2 ** 50)) return scientific(n, ' B');
  if (a >= 2 ** 40) return `${(n / 2 ** 40).toFixed(2)} TiB`;
  if (a >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (a >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (a >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

function shapeText(t: ModelSummary['inputs'][number]): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}

function esc(s: string): string {
  return s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** Coverage line: "97% of nodes costed; 3 Loop nodes not". */
export function coverageText(s: ModelSummary): string {
  const pct = Math.floor(s.flops.coverage * 1000) / 10;
  const missing = [...Object.entries(s.flops.uncosted), ...Object.entries(s.flops.unknownShape).map(([k, v]) => [`${k} (shape unknown)`, v] as const)];
  const tail = missing.length ? `; not costed: ${missing.map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
  return `${pct}% of ${s.flops.countedNodes} nodes costed${tail}`;
}

function bindingsText(s: ModelSummary): string {
  const parts = [
    ...Object.entries(s.bindings.given).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(s.bindings.assumed).map(([k, v]) => `${k}=${v} (assumed)`),
  ];
  return parts.join(', ');
}

/** A compact Markdown summary (a two-column table plus inputs/outputs). */
export function formatSummaryMarkdown(s: ModelSummary, options: { title?: string; maxOps?: number } = {}): string {
  const rows: Array<[string, string]> = [];
  rows.push(['Parameters', `${formatCount(s.parameters)} (${formatBytes(s.weightBytes)}${Object.keys(s.weightsByDtype).length ? `: ${Object.entries(s.weightsByDtype).map(([k, v]) => `${k} ${formatBytes(v.bytes)}`).join(', ')}` : ''})`]);
  rows.push(['File', `${formatBytes(s.fileSize)}${s.externalData.bytes ? ` + ${formatBytes(s.externalData.bytes)} external` : ''}`]);
  rows.push(['FLOPs / run', `${formatCount(s.flops.total)} (${coverageText(s)})`]);
  rows.push(['Peak activations', `${formatBytes(s.memory.peakActivationBytes)}${s.memory.unknownTensors ? ` (+${s.memory.unknownTensors} tensors of unknown size)` : ''}`]);
  if (s.decoder) {
    const d = s.decoder;
    const kv = d.kvBytesPerToken !== undefined ? `, KV cache ${formatBytes(d.kvBytesPerToken)}/token` : '';
    const extra = [d.hidden ? `hidden ${d.hidden}` : '', d.vocab ? `vocab ${d.vocab}` : ''].filter(Boolean).join(', ');
    rows.push(['Decoder', `${d.layers} layers, ${d.kvHeads ?? '?'} KV heads × ${d.headSize ?? '?'} (${d.kvDtype})${kv}${extra ? `; ${extra}` : ''}`]);
  }
  const maxOps = options.maxOps ?? 6;
  const ops = Object.entries(s.ops);
  rows.push(['Ops', `${s.nodes} nodes${s.subgraphs ? ` (${s.subgraphs} subgraphs)` : ''}: ${ops.slice(0, maxOps).map(([k, v]) => `${k} ${v}`).join(', ')}${ops.length > maxOps ? ', …' : ''}`]);
  rows.push(['Opsets', Object.entries(s.opsets).map(([k, v]) => `${k} ${v}`).join(', ') + ` · IR ${s.irVersion}`]);
  const b = bindingsText(s);
  if (b) rows.push(['Bindings', b]);
  const lines: string[] = [];
  if (options.title) lines.push(`**${esc(options.title)}**`, '');
  lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${esc(v)} |`));
  const io = (label: string, ts: ModelSummary['inputs']): string[] => {
    const shown = ts.slice(0, 4).map((t) => `\`${t.name}\` ${esc(shapeText(t))}`);
    if (ts.length > 4) shown.push(`… ${ts.length - 4} more`);
    return shown.length ? [`${label}: ${shown.join(', ')}`] : [];
  };
  lines.push('', ...io('Inputs', s.inputs), '', ...io('Outputs', s.outputs));
  return lines.join('\n').trim();
}

/** Plain-text report for the CLI. */
export function formatSummaryText(s: ModelSummary): string {
  const lines: string[] = [];
  const kv = (k: string, v: string) => lines.push(`${k.padEnd(18)} ${v}`);
  if (s.path) kv('Model', s.path);
  kv('Parameters', `${formatCount(s.parameters)} (${s.parameters})${s.embeddingParameters ? `; ${formatCount(s.embeddingParameters)} in embedding tables` : ''}`);
  kv('Weights', `${formatBytes(s.weightBytes)} ${Object.entries(s.weightsByDtype).map(([k, v]) => `${k}: ${formatCount(v.parameters)} / ${formatBytes(v.bytes)}`).join(', ')}`);
  if (s.constantWeights.nodes) kv('  in Constants', `${s.constantWeights.nodes} nodes, ${formatCount(s.constantWeights.parameters)}`);
  kv('File size', formatBytes(s.fileSize));
  if (s.externalData.files.length) {
    kv('External data', `${formatBytes(s.externalData.bytes)} in ${s.externalData.files.map((f) => `${f.location}${f.exists ? '' : ' (missing)'}`).join(', ')}`);
  }
  kv('FLOPs', `${formatCount(s.flops.total)} (${s.flops.total})`);
  kv('Coverage', coverageText(s));
  kv('Peak activations', `${formatBytes(s.memory.peakActivationBytes)}${s.memory.unknownTensors ? ` (${s.memory.unknownTensors} tensors of unknown size excluded)` : ''}`);
  if (s.decoder) {
    const d = s.decoder;
    kv('Decoder', `${d.layers} layers, ${d.kvHeads ?? '?'} KV heads, head size ${d.headSize ?? '?'}, ${d.kvDtype}${d.hidden ? `, hidden ${d.hidden}` : ''}${d.vocab ? `, vocab ${d.vocab}` : ''}`);
    if (d.kvBytesPerToken !== undefined) kv('KV cache', `${formatBytes(d.kvBytesPerToken)} per token per sequence`);
  }
  kv('Nodes', `${s.nodes}${s.subgraphs ? ` in ${s.subgraphs + 1} graphs` : ''}`);
  kv('Ops', Object.entries(s.ops).map(([k, v]) => `${k} ${v}`).join(', '));
  kv('Opsets', `${Object.entries(s.opsets).map(([k, v]) => `${k} ${v}`).join(', ')}; IR ${s.irVersion}`);
  if (s.producer) kv('Producer', s.producer);
  for (const t of s.inputs) kv('Input', `${t.name} ${shapeText(t)}${t.bound ? ` → [${t.bound.join(', ')}]` : ''}`);
  for (const t of s.outputs) kv('Output', `${t.name} ${shapeText(t)}${t.bound ? ` → [${t.bound.join(', ')}]` : ''}`);
  const b = bindingsText(s);
  if (b) kv('Bindings', b);
  kv('Read', `${formatBytes(s.bytesRead)} of ${formatBytes(s.fileSize)} in ${s.analysisMs.toFixed(1)} ms analysis`);
  return lines.join('\n');
}
