/**
 * `model-config-invalid`: a model's `config:` file (Hugging Face config.json or ONNX Runtime GenAI
 * genai_config.json) must be JSON describing a decoder's geometry. The file comes from the host's
 * `readFile` (capped at 1 MB); a missing file is `file-not-found`'s business, not this rule's.
 */
import { resolveModelPath, type Problem } from '../../core/config/parse';
import { MAX_DESCRIPTION_BYTES } from '../../core/model/files';
import { parseGeometryText } from '../../core/model/geometry';
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'model-config-invalid',
  validate(doc, parsed) {
    const out: Problem[] = [];
    if (!doc.fsPath || !doc.readFile) return out;
    for (const [name, m] of Object.entries(parsed.config.models)) {
      if (!m.config) continue;
      const range = parsed.rangeOf(['models', name, 'config']);
      if (!range) continue;
      const abs = resolveModelPath(doc.fsPath, m.config);
      // Outside the workspace: `outside-workspace` says so, the file is not read.
      if (doc.outside?.(abs)) continue;
      if (doc.fileExists && !doc.fileExists(abs)) continue;
      const text = doc.readFile(abs);
      const data = { model: name, path: m.config, absPath: abs };
      if (text === undefined) {
        // Without an existence check, an unread file may simply be missing: say nothing.
        if (doc.fileExists)
          out.push({
            message: `Model description '${m.config}' could not be read: it is not a regular file, not readable, or larger than ${MAX_DESCRIPTION_BYTES / 1024 / 1024} MB (a config.json is a few KB).`,
            severity: 'error',
            range,
            code: 'model-config-invalid',
            data,
          });
        continue;
      }
      for (const p of parseGeometryText(text).problems.slice(0, 5))
        out.push({ message: `Model description '${m.config}': ${p}`, severity: 'error', range, code: 'model-config-invalid', data });
    }
    return out;
  },
};
