import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rule } from '../../../../server/src/service/validation/modelConfigFile';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { validateConfig } from '../../../../server/src/service/validation';
import { at, brief, run } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const LLAMA = readFileSync(path.join(ROOT, 'examples/models/llama-3.2-1b/config.json'), 'utf8');
const fsPath = path.join(path.sep, 'ws', 'cfg.ttc.yaml');
const abs = (p: string) => path.join(path.sep, 'ws', p);

/** A host over an in-memory folder: name → content (undefined content = exists but unreadable). */
function host(files: Record<string, string | undefined>) {
  const m = new Map(Object.entries(files).map(([k, v]) => [abs(k), v]));
  return { fsPath, fileExists: (p: string) => m.has(p), readFile: (p: string) => m.get(p) };
}

const text = (file: string) => `version: 1\nmodels:\n  llama:\n    config: ${file}\n    precision: bf16\n`;

describe('service/validation/modelConfigFile', () => {
  it('accepts the Llama-3.2-1B config.json and the GenAI example', () => {
    const genai = readFileSync(path.join(ROOT, 'examples/models/qwen2.5-0.5b/genai_config.json'), 'utf8');
    assert.deepEqual(run(rule, text('llama/config.json'), host({ 'llama/config.json': LLAMA })), []);
    assert.deepEqual(run(rule, text('qwen/genai_config.json'), host({ 'qwen/genai_config.json': genai })), []);
  });

  it('reports a file that is not JSON at the config value, saying where it broke', () => {
    const t = text('llama/config.json');
    const ps = run(rule, t, host({ 'llama/config.json': '{\n  "hidden_size": 2048,\n}\n' }));
    assert.deepEqual(brief(t, ps), ['model-config-invalid@llama/config.json']);
    assert.deepEqual(ps[0].range, at(t, 'llama/config.json'));
    assert.equal(ps[0].severity, 'error');
    assert.match(ps[0].message, /^Model description 'llama\/config\.json': Not valid JSON: .*\(line 3, column 1\)\.$/);
    assert.deepEqual(ps[0].data, { model: 'llama', path: 'llama/config.json', absPath: abs('llama/config.json') });
  });

  it('names missing geometry keys and what the file looks like', () => {
    const t = text('llama/tokenizer_config.json');
    const ps = run(rule, t, host({ 'llama/tokenizer_config.json': '{"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 131072}' }));
    assert.equal(ps.length, 1);
    assert.match(ps[0].message, /looks like a tokenizer config \(tokenizer_config\.json\).*missing `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `vocab_size`/);
    const partial = run(rule, text('c.json'), host({ 'c.json': JSON.stringify({ ...JSON.parse(LLAMA), num_hidden_layers: undefined, vocab_size: undefined }) }));
    assert.match(partial[0].message, /Missing keys `num_hidden_layers`, `vocab_size`/);
  });

  it('reports heads that do not divide the width, and a non-object', () => {
    const bad = { ...JSON.parse(LLAMA), num_attention_heads: 30, head_dim: undefined };
    assert.match(run(rule, text('c.json'), host({ 'c.json': JSON.stringify(bad) }))[0].message, /`num_attention_heads` \(30\) does not divide `hidden_size` \(2048\)/);
    assert.match(run(rule, text('c.json'), host({ 'c.json': '[1, 2]' }))[0].message, /must be a JSON object/);
  });

  it('reports an existing file it could not read (too large, a folder)', () => {
    const ps = run(rule, text('big.json'), host({ 'big.json': undefined }));
    assert.equal(ps.length, 1);
    assert.match(ps[0].message, /could not be read: .*larger than 1 MB/);
  });

  it('leaves missing files to file-not-found and skips without a host or a saved file', () => {
    assert.deepEqual(run(rule, text('nope.json'), host({})), []);
    assert.deepEqual(run(rule, text('c.json')), []);
    assert.deepEqual(run(rule, text('c.json'), { readFile: () => '[' }), []);
    // Without fileExists an unread file may be missing: nothing said.
    assert.deepEqual(run(rule, text('c.json'), { fsPath, readFile: () => undefined }), []);
  });

  it('runs as part of validateConfig next to file-not-found', () => {
    const t = 'version: 1\nmodels:\n  a:\n    config: a.json\n  b:\n    config: b.json\n';
    const h = host({ 'a.json': 'not json' });
    assert.deepEqual(brief(t, validateConfig({ text: t, ...h }, parseConfig(t))), ['model-config-invalid@a.json', 'file-not-found@b.json']);
  });
});
