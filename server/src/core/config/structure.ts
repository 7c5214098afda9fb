/**
 * Structure checks: ajv validates the parsed value against the JSON schema; each ajv error becomes a
 * Problem worded for people (what is wrong, what would be valid) at the exact key or value range.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Document } from 'yaml';
import { SCHEMA, boundsWords, keysAt, schemaAt, typeWords } from './schema';
import { closestOf, didYouMean, listOf } from './suggest';
import { UNIT_EXAMPLES } from './units';
import { keyRange, valueRange, type OffsetRange, type Path } from './yamlAst';
import { suggestionFix, type FixTable, type Problem } from './problem';

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    validator = ajv.compile(SCHEMA);
  }
  return validator;
}

/** `models.gen.path`, `strategy.stages[1].model`, or `the top level`. */
export function pathWords(path: Path): string {
  if (path.length === 0) return 'the top level';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

/** What a value is, for messages: `"four"`, `a list`, `nothing`. */
export function valueWords(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 40 ? `"${v.slice(0, 40)}…"` : `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function pointerToPath(pointer: string, root: unknown): Path {
  if (!pointer) return [];
  const out: Path = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const s of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

/** Structure problems of `raw` (the document's JS value); `doc` supplies the ranges. */
export function checkStructure(raw: unknown, doc: Document, fallback: OffsetRange): Problem[] {
  const validate = getValidator();
  if (validate(raw)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  // Far more than anyone reads; describing tens of thousands (a pasted data file) would only cost time.
  const errors = ((validate.errors ?? []) as ErrorObject[]).slice(0, 1000);
  // One message per value: a wrong type makes enum/range/pattern errors on the same value noise.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath) && e.keyword !== 'additionalProperties' && e.keyword !== 'required') continue;
    // propertyNames reports an inner `pattern` error too; the outer one is enough.
    if ((e as { propertyName?: string }).propertyName !== undefined && e.keyword !== 'propertyNames') continue;
    const path = pointerToPath(e.instancePath, raw);
    const p = describe(e, path, raw, doc, fallback);
    if (!p) continue;
    const id = `${p.code}@${p.range.start}:${p.range.end}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems;
}

function describe(e: ErrorObject, path: Path, raw: unknown, doc: Document, fallback: OffsetRange): Problem | undefined {
  const where = pathWords(path);
  const value = valueAt(raw, path);
  const vRange = valueRange(doc, path) ?? fallback;
  const name = path.length ? String(path[path.length - 1]) : 'config';
  const s = schemaAt(path) ?? {};
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const all = keysAt(path);
      const hint = didYouMean(key, all);
      // For the strategy, list only what the chosen approach uses: the full list is long.
      const approach = path.length === 1 && path[0] === 'strategy' ? (value as Record<string, unknown> | undefined)?.approach : undefined;
      const valid = typeof approach === 'string' && (schemaAt(['strategy', 'approach'])?.enum ?? []).includes(approach)
        ? all.filter((k) => { const a = schemaAt(['strategy', k])?.['x-approaches']; return !a || a.includes(approach); })
        : all;
      const range = keyRange(doc, [...path, key]) ?? vRange;
      return {
        message: `Unknown key '${key}' in ${where}. ${hint}Valid keys${valid === all ? '' : ` for ${String(approach)}`}: ${listOf(valid, 30)}.`,
        severity: 'error',
        range,
        code: 'unknown-key',
        data: { path: [...path, key], suggestion: closestOf(hint) },
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const sub = schemaAt([...path, key]);
      const range = path.length ? keyRange(doc, path) ?? fallback : fallback;
      const options = sub?.enum ? ` (one of ${listOf(sub.enum.map(String), 20)})` : '';
      return {
        message: `${path.length ? `'${where}'` : 'The config'} is missing the required key '${key}'${options}.`,
        severity: 'error',
        range,
        code: 'missing-key',
        data: { path, key },
      };
    }
    case 'type': {
      if (path.length === 0)
        return { message: 'A TTC config must be a YAML mapping starting with `version: 1` and a `models:` section.', severity: 'error', range: fallback, code: 'wrong-type' };
      const what = value === null || value === undefined ? 'is empty' : `is ${valueWords(value)}`;
      if (path.length === 2 && path[0] === 'models' && typeof value === 'string')
        return { message: `Model '${name}' must be a mapping: write \`${name}: { path: ${value} }\` (or \`config:\` for a config.json).`, severity: 'error', range: vRange, code: 'wrong-type', data: { path } };
      const keys = s.type === 'object' ? keysAt(path) : [];
      const withKeys = keys.length ? ` with ${listOf(keys)}` : s.enum ? `: one of ${listOf(s.enum.map(String), 20)}` : '';
      return { message: `'${where}' ${what}; expected ${typeWords(s.type ?? (params.type as string))}${withKeys}.`, severity: 'error', range: vRange, code: 'wrong-type', data: { path } };
    }
    case 'enum': {
      const valid = (s.enum ?? (params.allowedValues as unknown[]) ?? []).map(String);
      if (path.length === 1 && path[0] === 'version')
        return { message: `Unsupported version ${valueWords(value)}: this TTC Lens understands version 1.`, severity: 'error', range: vRange, code: 'unsupported-version' };
      const hint = typeof value === 'string' ? didYouMean(value, valid) : '';
      const got = typeof value === 'string' ? `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'` : valueWords(value);
      const isApproach = path.length === 2 && path[0] === 'strategy' && path[1] === 'approach';
      return {
        message: isApproach
          ? `Unknown approach ${got}. ${hint}Valid approaches: ${listOf(valid, 20)}.`
          : `'${where}' is ${got}. ${hint}Valid values: ${listOf(valid, 20)}.`,
        severity: 'error',
        range: vRange,
        code: isApproach ? 'unknown-approach' : 'invalid-value',
        data: { path, suggestion: closestOf(hint), valid },
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `'${where}' is ${valueWords(value)}; it must be ${boundsWords(s)}.`, severity: 'error', range: vRange, code: 'out-of-range', data: { path } };
    case 'minItems':
      return { message: `'${where}' needs at least ${String(params.limit)} entries.`, severity: 'error', range: vRange, code: 'out-of-range', data: { path } };
    case 'maxItems':
      return { message: `'${where}' has more than ${String(params.limit)} entries.`, severity: 'error', range: vRange, code: 'out-of-range', data: { path } };
    case 'minLength':
      return { message: `'${where}' must not be empty.`, severity: 'error', range: vRange, code: 'invalid-value', data: { path } };
    case 'pattern': {
      const unit = s['x-unit'];
      const expected = unit ? UNIT_EXAMPLES[unit] : `text matching ${String(params.pattern)}`;
      return { message: `'${where}' is ${valueWords(value)}; expected ${expected}.`, severity: 'error', range: vRange, code: unit ? 'invalid-unit' : 'invalid-value', data: { path } };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      return {
        message: `'${key}' is not a valid ${name === 'models' ? 'model ' : ''}name: start with a letter or '_' and use letters, digits, '_', '.' or '-'.`,
        severity: 'error',
        range: keyRange(doc, [...path, key]) ?? vRange,
        code: 'invalid-name',
        data: { path: [...path, key] },
      };
    }
    default:
      return { message: `'${where}': ${e.message ?? 'invalid value'}.`, severity: 'error', range: vRange, code: 'invalid-value', data: { path } };
  }
}

/** Quick-fixes for the schema's problems: a misspelt key or value becomes the suggestion. */
export const STRUCTURE_FIXES: FixTable = {
  'unknown-key': (p) => suggestionFix('Rename to', p.data?.suggestion),
  'invalid-value': (p) => suggestionFix('Change to', p.data?.suggestion),
  'unknown-approach': (p) => suggestionFix('Change to', p.data?.suggestion),
};
