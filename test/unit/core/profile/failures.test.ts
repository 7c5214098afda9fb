import { strict as assert } from 'node:assert';
import { classifyFailure, cleanRuntimeMessage } from '../../../../server/src/core/profile/failures';

describe('core/profile/failures', () => {
  it('classifies runtime messages', () => {
    assert.equal(classifyFailure(new Error("Cannot find module 'onnxruntime-node'"), 'load').kind, 'runtime-load');
    assert.equal(classifyFailure(new Error('ENOENT: no such file or directory'), 'load').kind, 'model-missing');
    assert.equal(classifyFailure(new Error('Error No Op registered for Foo with domain_version of 17'), 'load').kind, 'unsupported-operator');
    assert.equal(classifyFailure(new Error('Could not find an implementation for Foo(1) node'), 'load').kind, 'unsupported-operator');
    assert.equal(classifyFailure(new Error('[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Protobuf parsing failed.'), 'load').kind, 'invalid-model');
    assert.equal(classifyFailure(new Error('std::bad_alloc'), 'run').kind, 'out-of-memory');
    assert.equal(classifyFailure(new Error('Non-zero status code returned while running Reshape node'), 'run').kind, 'run-failed');
    assert.equal(classifyFailure(new Error('exited with code 134'), 'process', 'terminate called after throwing an instance of std::bad_alloc').kind, 'out-of-memory');
    assert.equal(classifyFailure(new Error('exited with code 1'), 'process').kind, 'crashed');
  });

  it('cleans ORT prefixes and keeps one line', () => {
    assert.equal(cleanRuntimeMessage('Error: [ONNXRuntimeError] : 1 : FAIL : bad thing\nstack'), 'bad thing');
  });
});
