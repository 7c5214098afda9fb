/**
 * Finding which model the user means for "Show Model Summary" and which config for "Profile Models",
 * and the words of Profile Models' toast. Pure helpers (no `vscode` import).
 */

/**
 * The `.onnx` path under `character` on `line`, if any: a YAML scalar (quoted or plain) that ends in
 * `.onnx`, e.g. `path: models/prm.onnx` or `- "a b/c.onnx"`.
 */
export function onnxPathAt(line: string, character: number): string | undefined {
  const re = /"([^"]*\.onnx)"|'([^']*\.onnx)'|([^\s"'#:,[\]{}][^\s#,[\]{}]*\.onnx)(?=$|[\s,\]}#])/gi;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const start = m.index;
    const end = start + m[0].length;
    if (character >= start && character <= end) return m[1] ?? m[2] ?? m[3];
  }
  return undefined;
}

export interface ModelEntry {
  name: string;
  path: string;
  configUri: string;
}

/** Quick-pick rows: one per distinct (config, path), labelled by model name. */
export function modelPickItems(models: ModelEntry[], relative: (uri: string) => string): Array<{ label: string; description: string; detail: string; model: ModelEntry }> {
  const seen = new Set<string>();
  const out: Array<{ label: string; description: string; detail: string; model: ModelEntry }> = [];
  for (const m of models) {
    const key = `${m.configUri}\u0000${m.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label: m.name, description: m.path, detail: relative(m.configUri), model: m });
  }
  return out.sort((a, b) => a.detail.localeCompare(b.detail) || a.label.localeCompare(b.label));
}

/** A file name for the virtual Markdown document that shows a model summary. */
export function summaryDocName(modelPath: string): string {
  const base = modelPath.split(/[\\/]/).pop() || 'model.onnx';
  return `${base.replace(/[^\w.-]+/g, '_')} summary.md`;
}


/** Quick-pick rows for Profile Models: one per config (open or in the workspace), with its models. */
export function configPickItems(configUris: string[], models: ModelEntry[], relative: (uri: string) => string): Array<{ label: string; description: string; uri: string }> {
  const seen = new Set<string>();
  const out: Array<{ label: string; description: string; uri: string }> = [];
  for (const u of configUris) {
    if (seen.has(u)) continue;
    seen.add(u);
    const names = models.filter((m) => m.configUri === u).map((m) => m.name);
    out.push({ label: relative(u), description: names.length ? names.join(', ') : 'no models', uri: u });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** A file name for the virtual Markdown document holding a Profile Models report. */
export function reportDocName(configs: string[]): string {
  const base = configs.length === 1 ? configs[0] : configs.length ? `${configs.length} configs` : 'models';
  return `Profile report ${base.replace(/[^\w.-]+/g, '_')}.md`;
}

interface ProfileOutcome {
  profiled: Array<{ model: string; ok: boolean; message: string }>;
  skipped?: Array<{ model: string; kind: string; reason: string }>;
  configs?: string[];
}

const KIND_WORDS: Record<string, string> = { 'shape-only': 'shape-only, nothing to run', missing: 'file missing', untrusted: 'untrusted workspace', 'not-onnx': 'not an ONNX file' };

/**
 * The toast at the end of Profile Models: how many models of which config were measured, which
 * failed, and which cannot be measured and why (short words; the report has the sentences).
 */
export function profileToast(r: ProfileOutcome): { message: string; warn: boolean } {
  const of = r.configs?.length === 1 ? ` of ${r.configs[0]}` : r.configs?.length ? ` of ${r.configs.length} configs` : '';
  const failed = r.profiled.filter((p) => !p.ok);
  const skipped = r.skipped ?? [];
  const total = r.profiled.length + skipped.length;
  if (!total) return { message: `TTC Lens: no models to profile in ${r.configs?.length ? r.configs.join(', ') : 'the open configs'}.`, warn: false };
  const parts = [`TTC Lens: profiled ${r.profiled.length - failed.length} of ${total} model(s)${of}`];
  if (failed.length) parts.push(`${failed.length} failed (${failed.map((f) => f.model).join(', ')})`);
  if (skipped.length) parts.push(`cannot measure ${skipped.map((x) => `${x.model} (${KIND_WORDS[x.kind] ?? x.kind})`).join(', ')}`);
  return { message: `${parts.join('; ')}.`, warn: failed.length > 0 || skipped.length > 0 };
}
