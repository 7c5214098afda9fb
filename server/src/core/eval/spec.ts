/**
 * The `quality.eval` block of a config, read from the YAML itself (the typed `quality` section is the
 * quality-curves work's; this is the one function to switch over when it lands), and the labelled
 * lines it points at. Paths are relative to the config file.
 *
 *   quality:
 *     eval:
 *       inputs: ocr-eval/inputs          # a folder of PNG text lines
 *       labels: ocr-eval/labels.jsonl    # {"id": "...", "text": "..."} per line ("expected" or "label" also read)
 *       metric: exact_match              # exact_match | cer | <script.mjs>
 *       dictionary: models/ppocr/ppocr_keys_v1.txt   # the recognizer's characters (CTC)
 *       # or, for an image classifier: classes: ['0', '180'] (output order), metric: top1, width: 192
 *       n: [1, 2, 4, 8]
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { resolveModelPath } from '../config/parse';
import type { TtcConfig } from '../config/types';
import type { SessionModel } from '../estimate/protocol';
import { VIEWS } from './image';

export interface EvalSpec {
  inputs: string;
  labels: string;
  /** 'exact_match', 'cer' or the absolute path of a scoring script. */
  metric: string;
  n: number[];
  dictionary?: string;
  /** An image classifier's class names, in the order of its output (labels name one of them). */
  classes?: string[];
  /** A classifier's fixed input width (default 192, PaddleOCR's direction classifier). */
  width?: number;
}

export interface Label {
  id: string;
  expected: string;
  /** Absolute path of the input. */
  file: string;
}

const BUILTIN_METRICS = ['exact_match', 'cer', 'top1'];

/** The eval block of the config at `configFile` (text already read), or the reasons it cannot run. */
export function readEvalSpec(configFile: string, text: string): { spec?: EvalSpec; errors: string[] } {
  const errors: string[] = [];
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    return { errors: [`${configFile}: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const q = (raw as { quality?: { eval?: Record<string, unknown> } } | null)?.quality;
  const e = q?.eval;
  if (!e || typeof e !== 'object') return { errors: [`${configFile}: no quality.eval block (inputs, labels, metric, n) to run`] };
  const dir = path.dirname(configFile);
  const str = (k: string): string | undefined => {
    const v = e[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) {
      errors.push(`quality.eval.${k} must be a non-empty string`);
      return undefined;
    }
    return v;
  };
  const inputs = str('inputs');
  const labels = str('labels');
  const metric = str('metric') ?? 'exact_match';
  const dictionary = str('dictionary');
  let classes: string[] | undefined;
  if (e.classes !== undefined) {
    if (!Array.isArray(e.classes) || e.classes.length < 2 || !e.classes.every((c) => (typeof c === 'string' && c) || typeof c === 'number')) errors.push('quality.eval.classes must be a list of at least two class names, in the order of the model\'s output');
    else classes = e.classes.map(String);
    if (classes && new Set(classes).size !== classes.length) errors.push('quality.eval.classes names a class twice');
  }
  let width: number | undefined;
  if (e.width !== undefined) {
    if (!Number.isInteger(e.width) || (e.width as number) < 8 || (e.width as number) > 4096) errors.push('quality.eval.width must be a whole number of pixels from 8 to 4096');
    else width = e.width as number;
  }
  if (classes && dictionary) errors.push('quality.eval names both a dictionary (a text recognizer) and classes (a classifier): which is the model?');
  if (!inputs) errors.push('quality.eval.inputs (a folder of inputs) is required');
  if (!labels) errors.push('quality.eval.labels (a JSONL file of expected outputs) is required');
  let n = [1, 2, 4, 8];
  if (e.n !== undefined) {
    const list = Array.isArray(e.n) ? e.n : [e.n];
    if (!list.length || !list.every((x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= VIEWS.length)) errors.push(`quality.eval.n must be a whole number or a list of whole numbers from 1 to ${VIEWS.length} (the views defined)`);
    else n = [...new Set(list as number[])].sort((a, b) => a - b);
  }
  if (!BUILTIN_METRICS.includes(metric) && !/\.(mjs|js|cjs)$/.test(metric)) errors.push(`quality.eval.metric '${metric}' is not exact_match, top1, cer or a script (.mjs)`);
  if (errors.length) return { errors };
  const abs = (p: string) => path.resolve(dir, p);
  return {
    spec: {
      inputs: abs(inputs!),
      labels: abs(labels!),
      metric: BUILTIN_METRICS.includes(metric) ? metric : abs(metric),
      n,
      ...(dictionary ? { dictionary: abs(dictionary) } : {}),
      ...(classes ? { classes } : {}),
      ...(width ? { width } : {}),
    },
    errors,
  };
}

/** The labelled inputs: one JSON object per line with `id` and the expected text (`text`, `expected` or `label`; a number is read as its text, e.g. a class `180`). */
export function readLabels(spec: EvalSpec): Label[] {
  const text = readFileSync(spec.labels, 'utf8');
  const out: Label[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${spec.labels}:${i + 1}: not JSON`);
    }
    const id = o.id;
    const raw = o.text ?? o.expected ?? o.label;
    const expected = typeof raw === 'number' ? String(raw) : raw;
    if (typeof id !== 'string' || !id) throw new Error(`${spec.labels}:${i + 1}: no "id"`);
    if (typeof expected !== 'string') throw new Error(`${spec.labels}:${i + 1}: no expected text ("text", "expected" or "label")`);
    if (seen.has(id)) throw new Error(`${spec.labels}:${i + 1}: id '${id}' appears twice`);
    seen.add(id);
    const name = typeof o.file === 'string' ? path.basename(o.file) : `${id}.png`;
    const file = path.join(spec.inputs, name);
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      throw new Error(`${spec.labels}:${i + 1}: input ${path.relative(process.cwd(), file)} is missing`);
    }
    out.push({ id, expected, file });
  });
  if (!out.length) throw new Error(`${spec.labels}: no labelled inputs`);
  return out;
}

/** The recognizer the eval runs and the cascade's cheap first stage, by the config's strategy. */
export function evalModels(config: TtcConfig, configFile: string): { model?: SessionModel; cheap?: SessionModel; names: { model?: string; cheap?: string } } {
  const s = config.strategy;
  const stages = s?.approach === 'cascade' ? (s.stages ?? []) : [];
  const mainName = stages.length ? stages[stages.length - 1].model : (s?.model ?? Object.keys(config.models).find((k) => config.models[k].path));
  const cheapName = stages.length > 1 ? stages[0].model : undefined;
  const session = (name: string | undefined): SessionModel | undefined => {
    const m = name ? config.models[name] : undefined;
    return m?.path ? { path: resolveModelPath(configFile, m.path), ...(m.dims ? { bind: m.dims } : {}) } : undefined;
  };
  return { model: session(mainName), cheap: session(cheapName), names: { model: mainName, cheap: cheapName } };
}
