import assert from 'node:assert/strict';
import * as path from 'node:path';
import { rule } from '../../../../server/src/service/validation/modelFiles';
import { at, brief, run, VALID } from './helpers';

const fsPath = path.join(path.sep, 'ws', 'cfg.ttc.yaml');
const existing = new Set([path.join(path.sep, 'ws', 'models', 'decoder-tiny.onnx')]);
const fileExists = (p: string) => existing.has(p);

describe('service/validation/modelFiles', () => {
  it('flags model files that do not exist, relative to the config file', () => {
    const ps = run(rule, VALID, { fsPath, fileExists });
    assert.deepEqual(brief(VALID, ps), ['file-not-found@models/prm-tiny.onnx']);
    assert.deepEqual(ps[0].range, at(VALID, 'models/prm-tiny.onnx'));
    assert.equal(ps[0].message, `Model file not found: 'models/prm-tiny.onnx' (looked for ${path.join(path.sep, 'ws', 'models', 'prm-tiny.onnx')}). Paths are relative to this config file.`);
  });

  it('checks config and samples too', () => {
    const text = 'version: 1\nmodels:\n  llama:\n    config: llama/config.json\n    samples: data/\n';
    assert.deepEqual(brief(text, run(rule, text, { fsPath, fileExists })), ['file-not-found@llama/config.json', 'file-not-found@data/']);
  });

  it('skips file checks without a host or a saved file', () => {
    assert.deepEqual(run(rule, VALID), []);
    assert.deepEqual(run(rule, VALID, { fileExists }), []);
  });

  it('flags a model with neither path nor config, at its name', () => {
    const text = 'version: 1\nmodels:\n  gen:\n    precision: fp16\n';
    const ps = run(rule, text);
    assert.deepEqual(brief(text, ps), ['model-source@gen']);
  });

  it('warns when path does not name an .onnx file', () => {
    const text = 'version: 1\nmodels:\n  gen:\n    path: llama/config.json\n';
    const ps = run(rule, text);
    assert.deepEqual(brief(text, ps), ['not-onnx@llama/config.json']);
    assert.equal(ps[0].severity, 'warning');
  });
});

describe('service/validation/modelFiles suggestions', () => {
  it('suggests a file with a close name in the same folder', () => {
    const text = 'version: 1\nmodels:\n  gen:\n    path: models/decoder_tiny.onnx\n';
    const listDir = (dir: string) => (dir === path.join(path.sep, 'ws', 'models') ? ['decoder-tiny.onnx', 'prm-tiny.onnx'] : []);
    const [p] = run(rule, text, { fsPath, fileExists, listDir });
    assert.match(p.message, /Did you mean 'models\/decoder-tiny\.onnx'\? Paths are relative/);
    assert.equal((p.data as { suggestion: string }).suggestion, 'models/decoder-tiny.onnx');
    const failing = run(rule, text, { fsPath, fileExists, listDir: () => { throw new Error('EACCES'); } });
    assert.doesNotMatch(failing[0].message, /Did you mean/);
  });
});
