/**
 * Test models written with the project's own ONNX writer/builders into a temp folder: a small MLP, a
 * conv classifier, a decoder with KV cache, a model with an operator ORT does not know (fails at
 * load) and one whose Reshape fails only at run time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConvClassifier, buildDecoder, buildMlp } from '../../../server/src/core/onnx/builders';
import { DataType, writeModel, type ModelSpec } from '../../../server/src/core/onnx/writer';

export interface TestModels {
  dir: string;
  mlp: string;
  conv: string;
  decoder: string;
  /** A decoder whose position table holds only 64 positions (longer contexts fail at run time). */
  decoderShort: string;
  badOp: string;
  runFail: string;
  cleanup(): void;
}

function badOpModel(): ModelSpec {
  return {
    opsets: { '': 17 },
    graph: {
      name: 'bad_op',
      nodes: [{ op: 'DefinitelyNotAnOnnxOp', inputs: ['x'], outputs: ['y'] }],
      inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: ['batch', 4] }],
      outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: ['batch', 4] }],
    },
  };
}

/** Reshape [batch, 4] to [7]: valid to load, fails when run (4·batch elements never equal 7). */
function runFailModel(): ModelSpec {
  return {
    opsets: { '': 17 },
    graph: {
      name: 'run_fail',
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
      inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: ['batch', 4] }],
      outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [7] }],
      initializers: [{ name: 'shape', dtype: DataType.INT64, dims: [1], data: new BigInt64Array([7n]) }],
    },
  };
}

export async function writeTestModels(): Promise<TestModels> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ttc-prof-models-'));
  const p = (n: string) => path.join(dir, n);
  await writeModel(p('mlp.onnx'), buildMlp({ layers: 2, hidden: 64, inputs: 32, outputs: 10 }));
  await writeModel(p('conv.onnx'), buildConvClassifier({ channels: [8, 16], imageSize: 16 }));
  await writeModel(p('decoder.onnx'), buildDecoder({ layers: 2, hidden: 32, heads: 4, kvHeads: 2, vocab: 64, maxPositions: 256 }));
  await writeModel(p('decoder-short.onnx'), buildDecoder({ layers: 1, hidden: 16, heads: 2, vocab: 32, maxPositions: 64, seed: 5 }));
  await writeModel(p('bad-op.onnx'), badOpModel());
  await writeModel(p('run-fail.onnx'), runFailModel());
  return {
    dir,
    mlp: p('mlp.onnx'),
    conv: p('conv.onnx'),
    decoder: p('decoder.onnx'),
    decoderShort: p('decoder-short.onnx'),
    badOp: p('bad-op.onnx'),
    runFail: p('run-fail.onnx'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Pool options that run the worker's TypeScript source (no build needed). */
export const WORKER = {
  workerPath: path.join(__dirname, '../../../server/src/worker/worker.ts'),
  execArgv: ['--require', require.resolve('tsx/cjs')],
};
