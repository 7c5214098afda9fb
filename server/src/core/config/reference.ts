/**
 * The key reference of docs/config.md, rendered from the JSON schema and the problem-code table so
 * the docs are written once (test/unit/core/config/reference.test.ts keeps the file in sync).
 */
import { PROBLEM_CODE_LIST, PROBLEM_CODES } from './codes';
import { boundsWords, deref, schemaAt, typeWords, type SchemaNode } from './schema';
import { UNIT_EXAMPLES } from './units';
import type { Path } from './yamlAst';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

function valid(s: SchemaNode): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (s['x-unit']) return UNIT_EXAMPLES[s['x-unit']];
  if (s['x-ref']) return 'a model name';
  if (s['x-path']) return s['x-path'].length ? `a path to a ${s['x-path'].join('/')} file` : 'a path';
  const b = boundsWords(s);
  return b || '';
}

function table(path: Path, title: string): string[] {
  const node = schemaAt(path)!;
  const out = [`### ${title}`, '', node.description ?? '', '', '| Key | Type | Valid values | Description |', '|---|---|---|---|'];
  for (const [key, sub0] of Object.entries(node.properties ?? {})) {
    const sub = deref(sub0)!;
    const req = (node.required ?? []).includes(key) ? ' (required)' : '';
    const applies = sub['x-approaches'] ? ` Used by: ${sub['x-approaches'].map((a) => `\`${a}\``).join(', ')}.` : '';
    const type = sub['x-unit'] ? 'text or number' : typeWords(sub.type);
    out.push(`| \`${key}\`${req} | ${type} | ${cell(valid(sub))} | ${cell((sub.description ?? '') + applies)} |`);
  }
  return [...out, ''];
}

/** The generated part of docs/config.md. */
export function renderReference(): string {
  const approach = schemaAt(['strategy', 'approach'])!;
  const params = Object.entries(schemaAt(['strategy'])!.properties ?? {});
  const lines = [
    '## Approaches',
    '',
    '| Approach | What it does | Parameters |',
    '|---|---|---|',
    ...(approach.enum ?? []).map((a, i) => {
      const ps = params.filter(([, s]) => s['x-approaches']?.includes(String(a))).map(([k]) => `\`${k}\``);
      return `| \`${String(a)}\` | ${cell(approach.enumDescriptions?.[i] ?? '')} | ${ps.join(', ')} |`;
    }),
    '',
    '## Keys',
    '',
    ...table([], 'Top level'),
    ...table(['models', '_'], 'A model (`models.<name>`)'),
    ...table(['strategy'], '`strategy`'),
    ...table(['strategy', 'stages', 0], 'A cascade stage (`strategy.stages[]`)'),
    ...table(['workload'], '`workload`'),
    ...table(['workload', 'output_tokens'], '`workload.output_tokens` (mapping form)'),
    ...table(['hardware'], '`hardware`'),
    ...table(['budget'], '`budget`'),
    ...table(['budget', 'latency'], '`budget.latency`'),
    ...table(['quality'], '`quality`'),
    ...table(['quality', 'points', 0], 'A measured point (`quality.points[]`)'),
    ...table(['quality', 'eval'], '`quality.eval`'),
    '## Problem codes',
    '',
    'Every diagnostic carries one of these codes (also the SARIF rule ids of `ttc-lens check --format sarif`).',
    '',
    '| Code | Meaning |',
    '|---|---|',
    ...PROBLEM_CODE_LIST.map((code) => `| <a id="${code}"></a>\`${code}\` | ${cell(PROBLEM_CODES[code])} |`),
    '',
  ];
  return lines.join('\n');
}

export const BEGIN = '<!-- BEGIN GENERATED REFERENCE (from schemas/ttc.schema.json; do not edit by hand) -->';
export const END = '<!-- END GENERATED REFERENCE -->';

/** `doc` with the text between the markers replaced by the current reference. */
export function withReference(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return `${doc.trimEnd()}\n\n${BEGIN}\n${renderReference()}${END}\n`;
  return `${doc.slice(0, a)}${BEGIN}\n${renderReference()}${doc.slice(b)}`;
}
