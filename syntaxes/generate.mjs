// Generates syntaxes/ttc.tmLanguage.json: `node syntaxes/generate.mjs`. Edit the lists here, not the JSON.
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
// Key names and enum values come from the JSON schema (the one table of keys), so the grammar
// highlights exactly the keys the server accepts; an unknown key keeps YAML's plain key colour.
const schema = JSON.parse(readFileSync(new URL('../schemas/ttc.schema.json', import.meta.url), 'utf8'));
const KEYS = new Set();
const ENUMS = {};
(function walk(o, key) {
  if (Array.isArray(o)) return o.forEach((x) => walk(x, key));
  if (!o || typeof o !== 'object') return;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'properties' && v && typeof v === 'object') for (const [name, sub] of Object.entries(v)) { KEYS.add(name); walk(sub, name); }
    else if (k === 'enum' && key) ENUMS[key] = v;
    else walk(v, k === 'definitions' ? undefined : key);
  }
})(schema);
const SECTIONS = Object.keys(schema.properties);
const APPROACHES = ENUMS.approach;
const PROVIDERS = ENUMS.provider;
const PRECISIONS = ENUMS.precision;
const AGG = ENUMS.agg_strategy ?? [];
const words = (xs) => [...xs].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');
const PATH_EXT = 'onnx|ort|jsonl|json|data|npy|npz|pb|mjs';
const end = '(?=\\s*(?:#.*)?$|\\s*[,\\]}])';
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'TTC Config',
  scopeName: 'source.ttc',
  fileTypes: ['ttc.yaml', 'ttc.yml'],
  patterns: [
    { include: '#comment' },
    { include: '#document' },
    { include: '#block-scalar' },
    { include: '#key' },
    { include: '#sequence' },
    { include: '#value' },
  ],
  repository: {
    comment: { match: '(?:^|(?<=\\s))(#).*$', name: 'comment.line.number-sign.yaml', captures: { 1: { name: 'punctuation.definition.comment.yaml' } } },
    document: { match: '^(?:---|\\.\\.\\.)(?=\\s|$)', name: 'entity.other.document.yaml' },
    sequence: { match: '(?<=^|\\s|-)-(?=\\s|$)', name: 'punctuation.definition.block.sequence.item.yaml' },
    'block-scalar': {
      begin: '^(\\s*)(?:(-)\\s+)?([^\\s#:\'"][^#:]*?|"[^"]*"|\'[^\']*\')\\s*(:)\\s+([|>][-+0-9]*)\\s*(#.*)?$',
      beginCaptures: {
        2: { name: 'punctuation.definition.block.sequence.item.yaml' },
        3: { name: 'entity.name.tag.yaml' },
        4: { name: 'punctuation.separator.key-value.mapping.yaml' },
        5: { name: 'keyword.control.flow.block-scalar.yaml' },
        6: { name: 'comment.line.number-sign.yaml' },
      },
      end: '^(?!\\1\\s+\\S|\\s*$)',
      contentName: 'string.unquoted.block.yaml',
    },
    key: {
      patterns: [
        {
          match: `^(${words(SECTIONS)})\\s*(:)(?=\\s|$)`,
          captures: { 1: { name: 'entity.name.tag.yaml keyword.other.section.ttc' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
        },
        {
          match: `(?<=^|\\s|[{,])(${words(KEYS)})\\s*(:)(?=\\s|$)`,
          captures: { 1: { name: 'entity.name.tag.yaml support.type.property-name.ttc' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
        },
        {
          match: '(?<=^|\\s|[{,])([^\\s#:\'"{}\\[\\],-][^\\s#:{}\\[\\],]*|"[^"]*"|\'[^\']*\')\\s*(:)(?=\\s|$)',
          captures: { 1: { name: 'entity.name.tag.yaml' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
        },
      ],
    },
    value: {
      patterns: [
        { include: '#comment' },
        { match: '&[^\\s,\\]}]+', name: 'entity.name.type.anchor.yaml' },
        { match: '\\*[^\\s,\\]}]+', name: 'variable.other.alias.yaml' },
        { match: '[{}\\[\\],]', name: 'punctuation.definition.mapping.yaml' },
        {
          match: `(["'])([^"'\\n]*\\.(?:${PATH_EXT}))(\\1)${end}`,
          captures: { 1: { name: 'punctuation.definition.string.begin.yaml' }, 2: { name: 'string.quoted.path.ttc markup.underline.link.ttc' }, 3: { name: 'punctuation.definition.string.end.yaml' } },
        },
        {
          match: `(?<=^|[\\s\\[,:])([^\\s"'#,\\[\\]{}]+\\.(?:${PATH_EXT}))${end}`,
          captures: { 1: { name: 'string.unquoted.path.ttc markup.underline.link.ttc' } },
        },
        { match: `(?<=^|[\\s\\[,:])(${words(APPROACHES)})${end}`, name: 'support.type.strategy.ttc' },
        { match: `(?<=^|[\\s\\[,:])(${words(PROVIDERS)})${end}`, name: 'support.constant.provider.ttc' },
        { match: `(?<=^|[\\s\\[,:])(${words([...PRECISIONS, 'uint8'])})${end}`, name: 'support.constant.precision.ttc' },
        { match: `(?<=^|[\\s\\[,:])(${words(AGG)})${end}`, name: 'support.constant.aggregation.ttc' },
        { match: `(?<=^|[\\s\\[,:])(true|false|True|False|TRUE|FALSE|yes|no|null|Null|NULL|~)${end}`, name: 'constant.language.yaml' },
        {
          match: `(?<=^|[\\s\\[,:])(\\$)([0-9][0-9_]*(?:\\.[0-9]+)?)${end}`,
          captures: { 1: { name: 'keyword.other.unit.currency.ttc' }, 2: { name: 'constant.numeric.currency.ttc' } },
        },
        {
          match: `(?<=^|[\\s\\[,:])([0-9][0-9_]*(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s?(ns|us|µs|ms|s|sec|min|h)${end}`,
          captures: { 1: { name: 'constant.numeric.duration.ttc' }, 2: { name: 'keyword.other.unit.time.ttc' } },
        },
        {
          match: `(?<=^|[\\s\\[,:])([0-9][0-9_]*(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s?([kKMGTP]i?B|B|bytes|[kMGTP]?FLOP/s|[kMGTP]?B/s|tok/s|/h|/1k)${end}`,
          captures: { 1: { name: 'constant.numeric.size.ttc' }, 2: { name: 'keyword.other.unit.ttc' } },
        },
        { match: `(?<=^|[\\s\\[,:])[-+]?(?:[0-9][0-9_]*(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?%?${end}`, name: 'constant.numeric.yaml' },
        { match: '"(?:[^"\\\\]|\\\\.)*"', name: 'string.quoted.double.yaml' },
        { match: "'(?:[^']|'')*'", name: 'string.quoted.single.yaml' },
        { match: '[^\\s#,\\[\\]{}][^#,\\[\\]{}]*?(?=\\s*(?:#.*)?$|\\s*[,\\]}])', name: 'string.unquoted.plain.out.yaml' },
      ],
    },
  },
};
writeFileSync(new URL('./ttc.tmLanguage.json', import.meta.url), JSON.stringify(g, null, 2) + '\n');
