/**
 * Finding which model the user means for "Show Model Summary". Pure helpers (no `vscode` import).
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

