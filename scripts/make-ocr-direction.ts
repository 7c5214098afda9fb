/**
 * Regenerates examples/ocr-direction/: the OCR eval's text lines (examples/ocr-eval), about half of
 * them turned upside down, labelled by construction with the rotation ("0" or "180") — the data of
 * PaddleOCR's text-direction classifier eval (examples/ocr-direction.ttc.yaml, metric top1).
 *
 *   npx tsx scripts/make-ocr-direction.ts [--seed 21] [--from examples/ocr-eval] [--out examples/ocr-direction]
 *
 * No ImageMagick: a 180° turn is the pixel order reversed (pngjs reads and writes; 8-bit greyscale,
 * no time chunks), and which lines turn comes from the project's seeded generator.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { mulberry32 } from '../server/src/core/random';

const { values } = parseArgs({ options: { seed: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' } } });
const SEED = Number(values.seed ?? 21);
const ROOT = path.join(__dirname, '..');
const FROM = path.resolve(values.from ?? path.join(ROOT, 'examples', 'ocr-eval'));
const OUT = path.resolve(values.out ?? path.join(ROOT, 'examples', 'ocr-direction'));

function main(): void {
  mkdirSync(path.join(OUT, 'inputs'), { recursive: true });
  for (const f of readdirSync(path.join(OUT, 'inputs'))) if (f.endsWith('.png')) rmSync(path.join(OUT, 'inputs', f));
  const r = mulberry32(SEED);
  const rows: string[] = [];
  for (const line of readFileSync(path.join(FROM, 'labels.jsonl'), 'utf8').trim().split('\n')) {
    const o = JSON.parse(line) as { id: string; file: string; text: string; severity: number };
    const png = PNG.sync.read(readFileSync(path.join(FROM, 'inputs', o.file)));
    const turn = r() < 0.5;
    const { width, height } = png;
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < width * height; i++) grey[turn ? width * height - 1 - i : i] = png.data[i * 4];
    const out = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
    out.data = Buffer.from(grey);
    writeFileSync(path.join(OUT, 'inputs', o.file), PNG.sync.write(out, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 }));
    rows.push(JSON.stringify({ id: o.id, file: o.file, label: turn ? '180' : '0', transcript: o.text, severity: o.severity }));
  }
  writeFileSync(path.join(OUT, 'labels.jsonl'), rows.join('\n') + '\n');
  process.stdout.write(`wrote ${rows.length} lines to ${path.relative(process.cwd(), OUT)}\n`);
}

main();
