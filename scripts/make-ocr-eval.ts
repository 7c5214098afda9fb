/**
 * Regenerates examples/ocr-eval/: text lines rendered by ImageMagick with noise, blur, skew, rotation,
 * low resolution and low contrast, each labelled by construction (the text that was rendered).
 *
 *   npx tsx scripts/make-ocr-eval.ts [--count 80] [--seed 15] [--out examples/ocr-eval]
 *
 * Needs ImageMagick's `convert` (6.9; `apt-get install imagemagick`) and the DejaVu and Liberation
 * fonts. Every random choice — the text, the font, every distortion and ImageMagick's own noise
 * (`-seed`) — comes from the project's seeded generator (server/src/core/random.ts), and the PNGs
 * carry no time chunks, so the same ImageMagick and fonts give the same bytes. Writes
 * `inputs/<id>.png` and `labels.jsonl` ({"id", "file" (in inputs/), "text", "severity"} per line).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../server/src/core/random';

const { values } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
const COUNT = Number(values.count ?? 80);
const SEED = Number(values.seed ?? 15);
const OUT = path.resolve(values.out ?? path.join(__dirname, '..', 'examples', 'ocr-eval'));

const FONTS = ['DejaVu-Sans', 'DejaVu-Serif', 'DejaVu-Sans-Mono', 'DejaVu-Sans-Condensed', 'Liberation-Sans', 'Liberation-Serif', 'Liberation-Mono', 'Liberation-Sans-Narrow'];
const WORDS = (
  'invoice total amount paid due balance order number date ship to from account customer item ' +
  'quantity price tax discount receipt station platform gate arrival departure delayed cancelled ' +
  'north south east west street avenue road suite floor room office warehouse parcel tracking ' +
  'express standard return refund payment card cash change open closed monday friday weekend ' +
  'coffee bread milk water apple orange battery cable charger label sample batch lot serial model'
).split(' ');

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: Rng, n: number) => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
const cap = (w: string) => w[0].toUpperCase() + w.slice(1);

/** One line of text: words, numbers, codes, prices, dates — the kinds of line OCR reads off documents. */
function makeText(r: Rng): string {
  switch (int(r, 0, 6)) {
    case 0:
      return `${cap(pick(r, WORDS))} ${pick(r, WORDS)} ${pick(r, WORDS)}`;
    case 1:
      return `${cap(pick(r, WORDS))}: ${digits(r, int(r, 3, 6))}`;
    case 2:
      return `${pick(r, ['INV', 'ORD', 'REF', 'SKU', 'PO'])}-${digits(r, 4)}-${digits(r, int(r, 2, 4))}`;
    case 3:
      return `${cap(pick(r, WORDS))} $${int(r, 1, 999)}.${digits(r, 2)}`;
    case 4:
      return `${String(int(r, 1, 28)).padStart(2, '0')}/${String(int(r, 1, 12)).padStart(2, '0')}/20${digits(r, 2)} ${String(int(r, 0, 23)).padStart(2, '0')}:${digits(r, 1)}${int(r, 0, 9)}`;
    case 5:
      return `${int(r, 1, 999)} ${cap(pick(r, WORDS))} ${pick(r, ['St', 'Ave', 'Rd', 'Blvd'])}`;
    default:
      return `${pick(r, WORDS)} ${pick(r, WORDS)} ${int(r, 1, 99)}%`;
  }
}

function fmt(x: number): string {
  return x.toFixed(2);
}

/** ImageMagick arguments for one line at a given severity in [0, 1]. */
function renderArgs(r: Rng, text: string, severity: number, file: string, imSeed: number): string[] {
  const s = severity;
  const font = pick(r, FONTS);
  const pointsize = Math.round(30 - 16 * s * r()); // small type is low resolution
  const ink = int(r, 0, Math.round(40 + 110 * s)); // grey ink on a light paper: low contrast
  const paper = int(r, Math.round(255 - 60 * s), 255);
  const shear = (r() * 2 - 1) * 18 * s; // degrees, italic-like skew
  const rotate = (r() * 2 - 1) * 4 * s;
  const blur = 1.6 * s * r();
  const noise = 0.2 + 1.3 * s * r();
  const scaleDown = s > 0.6 && r() < 0.5 ? int(r, 45, 70) : 100; // rendered then shrunk and enlarged again
  const g = (v: number) => `rgb(${v},${v},${v})`;
  const args = ['-seed', String(imSeed), '-background', g(paper), '-fill', g(ink), '-font', font, '-pointsize', String(pointsize), `label:${text}`];
  args.push('-bordercolor', g(paper), '-border', `${int(r, 3, 10)}x${int(r, 3, 8)}`);
  if (Math.abs(shear) > 0.5) args.push('-shear', `${fmt(shear)}x0`);
  if (Math.abs(rotate) > 0.2) args.push('-rotate', fmt(rotate));
  if (scaleDown < 100) args.push('-resize', `${scaleDown}%`, '-resize', `${Math.round((100 * 100) / scaleDown)}%`);
  if (blur > 0.05) args.push('-blur', `0x${fmt(blur)}`);
  args.push('-attenuate', fmt(noise), '+noise', 'Gaussian');
  args.push('-colorspace', 'Gray', '-depth', '8', '-strip', '-define', 'png:exclude-chunks=date,time', `png8:${file}`);
  return args;
}

function main(): void {
  mkdirSync(path.join(OUT, 'inputs'), { recursive: true });
  for (const f of readdirSync(path.join(OUT, 'inputs'))) if (f.endsWith('.png')) rmSync(path.join(OUT, 'inputs', f));
  const r = mulberry32(SEED);
  const labels: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const id = `line-${String(i).padStart(3, '0')}`;
    const text = makeText(r);
    // Severity spreads from clean to hard, so that some lines are easy, some need extra compute, and
    // some stay wrong whatever is spent on them.
    const severity = Math.min(1, Math.max(0, (i % 10) / 9 + (r() - 0.5) * 0.1));
    const file = path.join(OUT, 'inputs', `${id}.png`);
    execFileSync('convert', renderArgs(r, text, severity, file, int(r, 1, 2 ** 30)), { stdio: ['ignore', 'ignore', 'inherit'] });
    labels.push(JSON.stringify({ id, file: `${id}.png`, text, severity: Number(severity.toFixed(2)) }));
  }
  writeFileSync(path.join(OUT, 'labels.jsonl'), labels.join('\n') + '\n');
  process.stdout.write(`wrote ${COUNT} lines to ${path.relative(process.cwd(), OUT)}\n`);
}

main();
