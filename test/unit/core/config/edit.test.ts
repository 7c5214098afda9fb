import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, removeKey, setValue, type EditValue } from '../../../../server/src/core/config/edit';
import { parseConfig, type Path } from '../../../../server/src/core/config/parse';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/** The text after setting `value` at `p`; fails when there is no edit. */
function set(text: string, p: Path, value: EditValue): string {
  const edits = setValue(text, p, value);
  assert.ok(edits, `an edit for ${p.join('.')}`);
  return applyEdits(text, edits);
}

const README = `# A config with comments everywhere
version: 1
models:
  generator: { path: models/decoder-tiny.onnx, dims: { batch: 1, sequence: 256 } }
  prm:       { path: models/prm-tiny.onnx }   # the verifier
strategy:
  approach: dvts            # single, best_of_n, …
  model: generator
  verifier: prm
  n: 16                     # dvts: n must be a multiple of beam_width
  beam_width: 4

  num_iterations: 40
workload: { prompt_tokens: 512, output_tokens: { mean: 300, p95: 900 }, step_tokens: 64 }
hardware: { provider: cpu, threads: 8, price_per_hour: 0.50 }
budget:   { latency: { p50: 2s, p95: 5s }, memory: 8GiB, cost_per_1k: $0.40 }
# the end
`;

describe('core/config/edit', () => {
  it('replaces a block value in place: comments, alignment and blank lines survive, one small edit', () => {
    const edits = setValue(README, ['strategy', 'n'], 32)!;
    assert.equal(edits.length, 1);
    assert.equal(README.slice(edits[0].range.start, edits[0].range.end), '16');
    assert.equal(applyEdits(README, edits), README.replace('  n: 16   ', '  n: 32   '));
  });

  it('edits a flow map in place', () => {
    assert.equal(set(README, ['hardware', 'threads'], 4), README.replace('threads: 8,', 'threads: 4,'));
    assert.equal(set(README, ['workload', 'output_tokens', 'p95'], 1200), README.replace('p95: 900 }', 'p95: 1200 }'));
    assert.equal(set(README, ['models', 'generator', 'dims', 'batch'], 4), README.replace('batch: 1,', 'batch: 4,'));
  });

  it('inserts into a flow map after its last entry, nesting new maps in flow style', () => {
    assert.equal(set(README, ['hardware', 'memory'], '16GiB'), README.replace('price_per_hour: 0.50 }', 'price_per_hour: 0.50, memory: 16GiB }'));
    assert.equal(set(README, ['models', 'prm', 'dims', 'batch'], 4), README.replace('prm-tiny.onnx }', 'prm-tiny.onnx, dims: { batch: 4 } }'));
    assert.equal(set('a: {}\n', ['a', 'b'], 1), 'a: { b: 1 }\n');
  });

  it('inserts into a block map at its indentation, after its last entry, creating missing maps', () => {
    const text = readFileSync(path.join(EXAMPLES, 'math-dvts.ttc.yaml'), 'utf8');
    const out = set(text, ['models', 'policy', 'precision'], 'int4');
    assert.equal(out, text.replace('    path: models/decoder-tiny.onnx\n', '    path: models/decoder-tiny.onnx\n    precision: int4\n'));
    const out2 = set(text, ['models', 'draft', 'path'], 'models/classifier-small.onnx');
    assert.equal(out2, text.replace('    path: models/prm-tiny.onnx\n', '    path: models/prm-tiny.onnx\n  draft:\n    path: models/classifier-small.onnx\n'));
    assert.equal(parseConfig(out2).config.models.draft?.path, 'models/classifier-small.onnx');
    // The last entry's trailing comment stays on its line; the blank line inside the map stays too.
    assert.equal(set(README, ['strategy', 'lookahead'], 0), README.replace('  num_iterations: 40\n', '  num_iterations: 40\n  lookahead: 0\n'));
    // A top-level key the document lacks goes after the last top-level entry.
    assert.equal(set(README, ['runtime', 'threads'], 2), README.replace('cost_per_1k: $0.40 }\n', 'cost_per_1k: $0.40 }\nruntime:\n  threads: 2\n'));
  });

  it('follows the document’s indentation step', () => {
    const text = 'strategy:\n    approach: single\n    model: gen\nmodels:\n    gen:\n        path: a.onnx\n';
    assert.equal(set(text, ['models', 'gen', 'dims', 'batch'], 2), text.replace('path: a.onnx\n', 'path: a.onnx\n        dims:\n            batch: 2\n'));
  });

  it('fills a key that has no value, keeping its comment', () => {
    assert.equal(set('strategy:\n  n:\n', ['strategy', 'n'], 8), 'strategy:\n  n: 8\n');
    assert.equal(set('models:\n  gen: # the generator\nversion: 1\n', ['models', 'gen', 'path'], 'g.onnx'), 'models:\n  gen: # the generator\n    path: g.onnx\nversion: 1\n');
    assert.equal(set('', ['strategy', 'n'], 4), 'strategy:\n  n: 4\n');
  });

  it('keeps the quotes of quoted values, and quotes a string only where plain text would read differently', () => {
    const text = 'models:\n  gen:\n    path: "models/a.onnx"   # double\n    config: \'cfg/a.json\'\n    precision: fp16\n';
    assert.equal(set(text, ['models', 'gen', 'path'], 'models/b.onnx'), text.replace('"models/a.onnx"', '"models/b.onnx"'));
    assert.equal(set(text, ['models', 'gen', 'config'], "it's.json"), text.replace("'cfg/a.json'", "'it''s.json'"));
    assert.equal(set(text, ['models', 'gen', 'precision'], 'int4'), text.replace('fp16', 'int4'));
    // A number-looking or comment-looking string is quoted; a number stays a number even where a string was quoted.
    assert.equal(set(text, ['models', 'gen', 'precision'], '8'), text.replace('fp16', '"8"'));
    assert.equal(set(text, ['models', 'gen', 'precision'], 'a #b'), text.replace('fp16', '"a #b"'));
    assert.equal(set(text, ['models', 'gen', 'path'], 3), text.replace('"models/a.onnx"', '3'));
    // In a flow map a comma needs quotes that a block value does not.
    assert.equal(set('m: { a: x }\n', ['m', 'a'], 'p, q'), 'm: { a: "p, q" }\n');
    assert.equal(set('m:\n  a: x\n', ['m', 'a'], 'p, q'), 'm:\n  a: p, q\n');
  });

  it('edits inside sequence items', () => {
    const text = readFileSync(path.join(EXAMPLES, 'vision-cascade.ttc.yaml'), 'utf8');
    assert.equal(set(text, ['strategy', 'stages', 0, 'escalate'], 0.25), text.replace('escalate: 0.15', 'escalate: 0.25'));
    const out = set(text, ['strategy', 'stages', 1, 'escalate'], 0.5);
    assert.equal(out, text.replace('    - model: large\n', '    - model: large\n      escalate: 0.5\n'));
    assert.deepEqual(parseConfig(out).problems, []);
  });

  it('writes the document’s own line breaks (CRLF) and handles a last line without one', () => {
    assert.equal(set('models:\r\n  gen:\r\n    path: a.onnx\r\n', ['models', 'gen', 'precision'], 'int8'), 'models:\r\n  gen:\r\n    path: a.onnx\r\n    precision: int8\r\n');
    assert.equal(set('a: 1', ['b', 'c'], 2), 'a: 1\nb:\n  c: 2');
  });

  it('changes nothing and returns no edit when the value is already there', () => {
    assert.deepEqual(setValue(README, ['strategy', 'n'], 16), []);
  });

  it('offers no edit where it cannot: a broken document, a path through a scalar or a missing list item, a collection value', () => {
    assert.equal(setValue('a: [1, 2\n', ['a'], 1), undefined);
    assert.equal(setValue(README, ['version', 'x'], 1), undefined);
    assert.equal(setValue(README, ['hardware', 0], 1), undefined);
    assert.equal(setValue('s:\n  - a\n', ['s', 3], 'b'), undefined);
    assert.equal(setValue(README, ['models'], 'x'), undefined);
    assert.equal(setValue(README, [], 'x'), undefined);
  });

  it('every example survives a round of edits with only the edited value changed', () => {
    for (const f of ['math-best-of-n.ttc.yaml', 'math-dvts.ttc.yaml', 'vision-cascade.ttc.yaml', 'llama-self-consistency.ttc.yaml', 'qwen-budget-forcing.ttc.yaml']) {
      const text = readFileSync(path.join(EXAMPLES, f), 'utf8');
      const before = parseConfig(text);
      const out = set(set(text, ['budget', 'memory'], '6GiB'), ['hardware', 'threads'], 3);
      const after = parseConfig(out);
      assert.deepEqual(after.problems.map((p) => p.code), before.problems.map((p) => p.code), f);
      assert.equal(after.config.hardware?.threads, 3, f);
      // Every comment line of the original is still there.
      for (const line of text.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(out.includes(line), `${f}: ${line}`);
    }
  });

  describe('removeKey', () => {
    const text = 'models:\n  g:\n    path: a.onnx\n    precision: int8 # q\n  v: { path: b.onnx, precision: int4 }\nx: 1\n';
    it('removes a block entry with its line (and comment) and a flow entry with one comma', () => {
      assert.equal(applyEdits(text, removeKey(text, ['models', 'g', 'precision'])!), 'models:\n  g:\n    path: a.onnx\n  v: { path: b.onnx, precision: int4 }\nx: 1\n');
      assert.equal(applyEdits(text, removeKey(text, ['models', 'v', 'precision'])!), 'models:\n  g:\n    path: a.onnx\n    precision: int8 # q\n  v: { path: b.onnx }\nx: 1\n');
      assert.equal(applyEdits(text, removeKey(text, ['models', 'v', 'path'])!), 'models:\n  g:\n    path: a.onnx\n    precision: int8 # q\n  v: { precision: int4 }\nx: 1\n');
    });
    it('is a no-op for an absent key and refuses collections and broken YAML', () => {
      assert.deepEqual(removeKey(text, ['models', 'g', 'nope']), []);
      assert.equal(removeKey(text, ['models', 'g']), undefined);
      assert.equal(removeKey('a: [1\n', ['a']), undefined);
    });
  });
});
