import { strict as assert } from 'node:assert';
import { explain } from '../../../server/src/worker/eps';

describe('worker/eps (explanations)', () => {
  it('tells how to install the CUDA binaries when they are missing', () => {
    const r = explain('cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library', false);
    assert.match(r, /CUDA binaries not installed/);
    assert.match(r, /ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
    assert.match(explain('tensorrt', 'Failed to load shared library', false), /TensorRT 10/);
  });

  it('explains missing backends and missing GPU adapters', () => {
    assert.match(explain('dml', 'no available backend found. ERR: [dml] backend not found.', false), /not available in onnxruntime-node on/);
    assert.match(explain('webgpu', 'Failed to get a WebGPU adapter: No supported adapters', true), /no WebGPU adapter/);
    assert.equal(explain('cpu', 'Error: [ONNXRuntimeError] : 1 : FAIL : odd', true), 'odd');
  });
});
