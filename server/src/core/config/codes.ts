const CODES = {
  'yaml-syntax': 'The file is not valid YAML.',
  'duplicate-key': 'A key appears twice in the same mapping.',
  'too-large': 'The file is too large to be a TTC config.',
  'unknown-key': 'A key the config language does not know (with the closest valid key).',
  'missing-key': 'A required key is missing.',
  'wrong-type': 'A value has the wrong type (e.g. text where a number goes).',
  'out-of-range': 'A number or list length outside its valid range.',
  'invalid-value': 'A value that is not one of the allowed values.',
  'invalid-unit': 'A duration, size, amount, bandwidth or compute rate that cannot be read.',
  'invalid-name': 'A model name with characters other than letters, digits, _ . -.',
  'unsupported-version': 'A config language version this TTC Lens does not understand.',
  'unknown-approach': 'A strategy approach that does not exist (with the valid ones).',
  'undefined-model': 'A reference to a model that is not defined under `models`.',
  'missing-model': 'The strategy does not name the model(s) its approach needs.',
  'verifier-required': 'beam_search and dvts need a verifier (process reward model).',
  'dvts-divisibility': 'For dvts, n must be a multiple of beam_width.',
  'param-not-applicable': 'A strategy parameter that the chosen approach ignores.',
  'model-source': 'A model with neither `path` nor `config`.',
  'not-onnx': 'A model `path` that does not name an .onnx file.',
  'file-not-found': 'A model, model description, sample or quality data file that does not exist.',
  'outside-workspace': 'A model file, description, samples or quality data file that resolves outside the workspace folders; the editor does not read it.',
  'model-file-invalid': 'A model `path` that is not a regular, readable ONNX file (a folder, a FIFO or device, a truncated or corrupt model).',
  'model-config-invalid': 'A model description (`config:` config.json / genai_config.json) that is not JSON or lacks the decoder geometry.',
  'quality-data-invalid': 'A quality data file (per-problem results, search-and-learn output, eval labels) with malformed lines, or a path that is not a regular file.',
  inconsistent: 'Values that contradict each other (p50 above p95, a wave above max_n…).',
  unreadable: 'The file could not be read.',
  internal: 'TTC Lens failed while checking (a bug; please report it).',
} as const satisfies Record<string, string>;

/** A problem's stable identifier. */
export type ProblemCode = keyof typeof CODES;

/** Every problem code with a one-line description (SARIF rules, docs/config.md); any string may be looked up. */
export const PROBLEM_CODES: Readonly<Record<ProblemCode, string>> & { readonly [code: string]: string | undefined } = CODES;

/** The codes in documentation order. */
export const PROBLEM_CODE_LIST = Object.keys(CODES) as ProblemCode[];
