/**
 * The TextMate grammar, checked without VS Code: every regex compiles, every schema key is a known
 * key, and a small single-line tokenizer that follows TextMate's rule (earliest match wins, ties go
 * to the first pattern) gives the expected scopes. The real tokenizer runs in the e2e UI test.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  match?: string;
  begin?: string;
  name?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, { name: string }>;
}
const root = join(__dirname, '../../..');
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes/ttc.tmLanguage.json'), 'utf8')) as { scopeName: string; patterns: Rule[]; repository: Record<string, Rule> };
const schema = JSON.parse(readFileSync(join(root, 'schemas/ttc.schema.json'), 'utf8'));

/** Flatten includes into the ordered list of single-line `match` rules. */
function flatten(rules: Rule[]): Rule[] {
  return rules.flatMap((r) => {
    if (r.include) return flatten([grammar.repository[r.include.slice(1)]]);
    if (r.patterns) return flatten(r.patterns);
    return r.match ? [r] : [];
  });
}
const rules = flatten(grammar.patterns).map((r) => ({ rule: r, re: new RegExp(r.match!, 'g') }));

/** Tokens of one line as [text, scope] pairs (scope = last name of the capture or the match). */
function tokenize(line: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  while (pos < line.length) {
    let best: { m: RegExpExecArray; rule: Rule } | undefined;
    for (const { rule, re } of rules) {
      re.lastIndex = pos;
      const m = re.exec(line);
      if (m && m[0].length > 0 && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) break;
    const { m, rule } = best;
    if (rule.captures && !rule.name) {
      let at = m.index;
      for (let g = 1; g < m.length; g++) {
        if (m[g] === undefined || m[g] === '') continue;
        const start = line.indexOf(m[g], at);
        at = start + m[g].length;
        const name = rule.captures[String(g)]?.name;
        if (name) out.push([m[g], name.split(' ').pop()!]);
      }
    } else out.push([m[0], rule.name!.split(' ').pop()!]);
    pos = m.index + m[0].length;
  }
  return out;
}
const scopeOf = (line: string, text: string) => tokenize(line).find(([t]) => t === text)?.[1];

describe('syntaxes/ttc.tmLanguage.json', () => {
  it('is the source.ttc grammar and every regex compiles', () => {
    assert.equal(grammar.scopeName, 'source.ttc');
    const all: string[] = [];
    (function walk(o: unknown) {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object')
        for (const [k, v] of Object.entries(o)) {
          if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') all.push(v);
          else walk(v);
        }
    })(grammar);
    assert.ok(all.length > 15);
    for (const src of all) assert.doesNotThrow(() => new RegExp(src), src);
  });

  it('knows every key of the schema, and nothing else, as a TTC key', () => {
    const keys = new Set<string>();
    (function walk(o: unknown) {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object')
        for (const [k, v] of Object.entries(o)) {
          if (k === 'properties' && v && typeof v === 'object') Object.keys(v).forEach((n) => keys.add(n));
          walk(v);
        }
    })(schema);
    for (const k of keys) assert.equal(scopeOf(`  ${k}: 1`, k), 'support.type.property-name.ttc', k);
    assert.equal(scopeOf('  temprature: 0.8', 'temprature'), 'entity.name.tag.yaml');
  });

  it('highlights sections, strategies, providers and precisions', () => {
    assert.equal(scopeOf('strategy:', 'strategy'), 'keyword.other.section.ttc');
    for (const a of schema.definitions.strategy.properties.approach.enum as string[]) assert.equal(scopeOf(`  approach: ${a}`, a), 'support.type.strategy.ttc', a);
    assert.equal(scopeOf('  provider: cuda  # GPU', 'cuda'), 'support.constant.provider.ttc');
    assert.equal(scopeOf('    precision: int8', 'int8'), 'support.constant.precision.ttc');
    // A strategy name inside a longer scalar is just text.
    assert.equal(scopeOf('  note: dvts please', 'dvts please'), 'string.unquoted.plain.out.yaml');
  });

  it('highlights units: durations, sizes and money', () => {
    assert.deepEqual(tokenize('    p50: 800ms').slice(-2), [['800', 'constant.numeric.duration.ttc'], ['ms', 'keyword.other.unit.time.ttc']]);
    assert.deepEqual(tokenize('    p95: 2s').slice(-2), [['2', 'constant.numeric.duration.ttc'], ['s', 'keyword.other.unit.time.ttc']]);
    assert.deepEqual(tokenize('  memory: 8GiB').slice(-2), [['8', 'constant.numeric.size.ttc'], ['GiB', 'keyword.other.unit.ttc']]);
    assert.deepEqual(tokenize('  cost_per_1k: $0.40').slice(-2), [['$', 'keyword.other.unit.currency.ttc'], ['0.40', 'constant.numeric.currency.ttc']]);
    assert.equal(scopeOf('  n: 16', '16'), 'constant.numeric.yaml');
  });

  it('highlights model paths, quoted or not, and leaves comments alone', () => {
    assert.equal(scopeOf('    path: models/decoder-tiny.onnx', 'models/decoder-tiny.onnx'), 'markup.underline.link.ttc');
    assert.equal(scopeOf('    path: "my models/prm.onnx"', 'my models/prm.onnx'), 'markup.underline.link.ttc');
    assert.equal(scopeOf('  - x.onnx', 'x.onnx'), 'markup.underline.link.ttc');
    assert.equal(scopeOf("    config: 'genai_config.json'", 'genai_config.json'), 'markup.underline.link.ttc');
    assert.deepEqual(tokenize('# path: x.onnx'), [['# path: x.onnx', 'comment.line.number-sign.yaml']]);
    assert.equal(scopeOf('  n: 8 # samples', '# samples'), 'comment.line.number-sign.yaml');
  });

  it('tokenizes sequence items and flow collections', () => {
    const t = tokenize('    - model: small');
    assert.deepEqual(t, [['-', 'punctuation.definition.block.sequence.item.yaml'], ['model', 'support.type.property-name.ttc'], [':', 'punctuation.separator.key-value.mapping.yaml'], ['small', 'string.unquoted.plain.out.yaml']]);
    assert.equal(scopeOf('  models: [a, b]', '['), 'punctuation.definition.mapping.yaml');
  });
});
