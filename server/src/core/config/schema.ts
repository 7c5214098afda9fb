/**
 * The JSON schema (schemas/ttc.schema.json) is the one table of keys, types, ranges and docs: ajv
 * checks structure with it, hover shows its descriptions, completion offers its keys and enums.
 * TTC-specific annotations: `x-approaches` (strategy params: which approaches use them), `x-ref`
 * (the value names a model), `x-path` (a file path; allowed extensions), `x-unit` (a unit string),
 * `enumDescriptions` (docs per enum value, as VS Code's JSON support reads them).
 */
import schemaJson from '../../../../schemas/ttc.schema.json';
import type { Path } from './yamlAst';
import type { UnitKind } from './units';

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  enumDescriptions?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  pattern?: string;
  $ref?: string;
  'x-approaches'?: string[];
  'x-ref'?: 'model';
  'x-path'?: string[];
  'x-unit'?: UnitKind;
  'x-names'?: string;
}

export const SCHEMA = schemaJson as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

/** Follow a local `$ref`. */
export function deref(n: SchemaNode | undefined): SchemaNode | undefined {
  let cur = n;
  for (let i = 0; cur?.$ref && i < 10; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(cur.$ref);
    cur = m ? SCHEMA.definitions[m[1]] : undefined;
  }
  return cur;
}

/** The schema that governs the value at `path`, if the path is known to the schema. */
export function schemaAt(path: Path): SchemaNode | undefined {
  let cur: SchemaNode | undefined = SCHEMA;
  for (const seg of path) {
    cur = deref(cur);
    if (!cur) return undefined;
    if (typeof seg === 'number') {
      cur = cur.items;
      continue;
    }
    if (cur.properties && Object.prototype.hasOwnProperty.call(cur.properties, seg)) cur = cur.properties[seg];
    else if (typeof cur.additionalProperties === 'object') cur = cur.additionalProperties;
    else if (cur.items && /^\d+$/.test(seg)) cur = cur.items;
    else return undefined;
  }
  return deref(cur);
}

/** The keys a mapping at `path` may have (empty for free-form maps such as `models`). */
export function keysAt(path: Path): string[] {
  const s = schemaAt(path);
  return s?.properties ? Object.keys(s.properties) : [];
}

/** Human words for a JSON type. */
export function typeWords(t: string | string[] | undefined): string {
  const one = (x: string) =>
    ({ integer: 'a whole number', number: 'a number', string: 'text', object: 'a mapping (key: value)', array: 'a list', boolean: 'true or false', null: 'nothing' })[x] ?? x;
  if (Array.isArray(t)) return t.map(one).join(' or ');
  return t ? one(t) : 'a value';
}

/** Bounds of a numeric schema as text, e.g. `between 0 and 1`, `> 0 and ≤ 1`, `at least 1`. */
export function boundsWords(s: SchemaNode): string {
  const lo = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined ? `≥ ${s.minimum}` : undefined;
  const hi = s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : s.maximum !== undefined ? `≤ ${s.maximum}` : undefined;
  if (s.minimum !== undefined && s.maximum !== undefined) return `between ${s.minimum} and ${s.maximum}`;
  return [lo, hi].filter(Boolean).join(' and ');
}
