/**
 * `model-source`, `file-not-found`, `outside-workspace` and `model-file-invalid`: each model needs a
 * `path` or a `config`; the files it names must exist (relative to the config file; existence comes
 * from the host), lie inside the workspace when the host says what is outside, and a model file must
 * be a regular, readable ONNX file when the host can tell (`modelFileProblem`).
 */
import * as nodePath from 'node:path';
import { resolveModelPath, type Problem } from '../../core/config/parse';
import { closest } from '../../core/config/suggest';
import { suggestionFix } from '../../core/config/problem';
import type { Rule, RuleDoc } from './rule';
import { isOnnxFile } from '../../core/model/reference';

/** Missing files that get a "did you mean" per document (each costs a folder listing and a fuzzy match). */
const MAX_SUGGESTIONS = 20;

/** A file next to the missing one with a close name (`decoder_tiny.onnx` for `decoder-tiny.onnx`); folders listed once per document. */
function nearby(doc: RuleDoc, written: string, abs: string, listed: Map<string, string[] | undefined>): string | undefined {
  if (!doc.listDir) return undefined;
  const dir = nodePath.dirname(abs);
  if (!listed.has(dir)) {
    let names: string[] | undefined;
    try {
      names = doc.listDir(dir);
    } catch {
      names = undefined;
    }
    listed.set(dir, names);
  }
  const names = listed.get(dir);
  if (!names) return undefined;
  const hit = closest(nodePath.basename(abs), names);
  if (!hit) return undefined;
  const slash = Math.max(written.lastIndexOf('/'), written.lastIndexOf('\\'));
  return written.slice(0, slash + 1) + hit;
}

const KIND: Record<string, string> = { path: 'Model file', config: 'Model description', samples: 'Sample inputs' };

export const rule: Rule = {
  id: 'file-not-found',
  validate(doc, parsed) {
    const out: Problem[] = [];
    const listed = new Map<string, string[] | undefined>();
    let suggestions = 0;
    const rawModels = (parsed.raw as { models?: Record<string, unknown> } | null)?.models;
    for (const [name, m] of Object.entries(parsed.config.models)) {
      const raw = rawModels?.[name];
      if (!m.path && !m.config) {
        // A wrong-typed path/config was reported by the schema already.
        if (raw && typeof raw === 'object' && ('path' in raw || 'config' in raw)) continue;
        const range = parsed.keyRangeOf(['models', name]);
        if (range)
          out.push({
            message: `Model '${name}' needs a \`path\` (an ONNX file) or a \`config\` (a config.json / genai_config.json describing its shape).`,
            severity: 'error',
            range,
            code: 'model-source',
            data: { model: name },
          });
        continue;
      }
      if (m.path && !isOnnxFile(m.path)) {
        const range = parsed.rangeOf(['models', name, 'path']);
        if (range) out.push({ message: `'${m.path}' does not end in .onnx; \`path\` expects an ONNX model (use \`config\` for a config.json).`, severity: 'warning', range, code: 'not-onnx', data: { model: name } });
      }
      if (!doc.fsPath || !doc.fileExists) continue;
      for (const key of ['path', 'config', 'samples'] as const) {
        const p = m[key];
        if (!p) continue;
        const abs = resolveModelPath(doc.fsPath, p);
        if (doc.outside?.(abs)) {
          // Never opened, not even checked for existence: the config may come from anyone.
          const range = parsed.rangeOf(['models', name, key]);
          if (range)
            out.push({
              message: `${KIND[key]} '${p}' resolves outside the workspace folders (${abs}); TTC Lens does not read it. Move it into the workspace, or allow it with the setting ttcLens.files.allowOutsideWorkspace.`,
              severity: 'warning',
              range,
              code: 'outside-workspace',
              data: { model: name, key, path: p, absPath: abs },
            });
          continue;
        }
        if (doc.fileExists(abs)) {
          const problem = key === 'path' ? doc.modelFileProblem?.(abs) : undefined;
          const range = problem ? parsed.rangeOf(['models', name, key]) : undefined;
          if (problem && range) out.push({ message: `Model file '${p}': ${problem}`, severity: 'error', range, code: 'model-file-invalid', data: { model: name, key, path: p, absPath: abs } });
          continue;
        }
        const range = parsed.rangeOf(['models', name, key]);
        if (!range) continue;
        // A config naming thousands of missing files must not cost thousands of fuzzy matches.
        const suggestion = suggestions++ < MAX_SUGGESTIONS ? nearby(doc, p, abs, listed) : undefined;
        out.push({
          message: `${KIND[key]} not found: '${p}' (looked for ${abs}). ${suggestion ? `Did you mean '${suggestion}'? ` : ''}Paths are relative to this config file.`,
          severity: 'error',
          range,
          code: 'file-not-found',
          data: { model: name, key, path: p, absPath: abs, ...(suggestion ? { suggestion } : {}) },
        });
      }
    }
    return out;
  },
  fixes: {
    // A file next to the missing one with a close name.
    'file-not-found': (p) => suggestionFix('Change to', p.data?.suggestion),
  },
};
