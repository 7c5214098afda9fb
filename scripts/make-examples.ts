/**
 * Regenerates the example models in examples/models/ (deterministic bytes; each well under 5 MB):
 *   decoder-tiny.onnx      decoder-only transformer with KV cache (4 layers, d=128, 4 heads, 2 KV heads, vocab 512)
 *   prm-tiny.onnx          reward model, same tokenizer size (2 layers), output reward [batch, sequence], no KV cache
 *   classifier-small.onnx  conv classifier, 32×32 RGB, 10 classes
 *   classifier-large.onnx  conv classifier, 64×64 RGB, 100 classes
 * Run: npx tsx scripts/make-examples.ts [outDir]
 */
import * as path from 'node:path';
import { mkdirSync } from 'node:fs';
import { buildConvClassifier, buildDecoder } from '../server/src/core/onnx/builders';
import { writeModel, type ModelSpec } from '../server/src/core/onnx/writer';

export const EXAMPLES: Record<string, () => ModelSpec> = {
  'decoder-tiny.onnx': () =>
    buildDecoder({ layers: 4, hidden: 128, heads: 4, kvHeads: 2, vocab: 512, ffn: 192, maxPositions: 4096, seed: 11, name: 'decoder_tiny' }),
  'prm-tiny.onnx': () =>
    buildDecoder({ layers: 2, hidden: 128, heads: 4, kvHeads: 2, vocab: 512, ffn: 192, maxPositions: 4096, rewardHead: true, kvCache: false, seed: 12, name: 'prm_tiny' }),
  'classifier-small.onnx': () => buildConvClassifier({ channels: [16, 32], imageSize: 32, classes: 10, seed: 13 }),
  'classifier-large.onnx': () => buildConvClassifier({ channels: [32, 64, 128, 256], imageSize: 64, classes: 100, seed: 14 }),
};

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'examples', 'models'));
  mkdirSync(outDir, { recursive: true });
  for (const [file, build] of Object.entries(EXAMPLES)) {
    const { model } = await writeModel(path.join(outDir, file), build());
    process.stdout.write(`${file.padEnd(24)} ${(model.byteLength / 1024).toFixed(0).padStart(6)} KiB\n`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
