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

/**
 * Models named in a config's text, found line by line: each `.onnx` path with the name of the
 * mapping that holds it (`generator:` above `path: models/gen.onnx`). Used only when the server
 * cannot list models (ListModelsRequest unsupported), so the picker still offers them.
 */
export function scanModels(text: string, configUri: string): ModelEntry[] {
  const lines = text.split(/\r?\n/);
  const out: ModelEntry[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:-\s+)?path\s*:\s*(.+?)\s*(?:#.*)?$/.exec(line);
    if (!m) return;
    const p = onnxPathAt(m[2], 0) ?? onnxPathAt(m[2], m[2].length);
    if (!p) return;
    const indent = m[1].length;
    let name = p.split(/[\\/]/).pop()!.replace(/\.onnx$/i, '');
    for (let j = i - 1; j >= 0; j--) {
      const k = /^(\s*)([^\s#:][^:#]*?)\s*:\s*(?:#.*)?$/.exec(lines[j]);
      if (k && k[1].length < indent) {
        name = k[2];
        break;
      }
      if (lines[j].trim() && !lines[j].trim().startsWith('#') && /^\s*/.exec(lines[j])![0].length < indent) break;
    }
    out.push({ name, path: p, configUri });
  });
  return out;
}
