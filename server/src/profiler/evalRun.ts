/**
 * `ttc-lens eval`'s engine, in the profiler process (a crash or a hang costs the request, never the
 * CLI or the language server): a CTC text recognizer (PaddleOCR's PP-OCR rec models) over labelled
 * lines at each test-time-compute setting of core/eval/protocol.ts. Every line of every setting is
 * timed end to end — view preprocessing, every session run, CTC decoding and the vote — after one
 * warm-up line at the largest batch. Images are decoded before any timing (file reading is not the
 * model's cost). The labels never reach this process.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { failure } from '../core/profile/failures';
import { majorityPosterior } from '../core/estimate/plan';
import { ctcGreedy, loadDictionary, type Decoded } from '../core/eval/ctc';
import { applyView, decodePng, REC_MIN_WIDTH, toBatch, VIEWS, type RgbImage } from '../core/eval/image';
import { normalize, quantile, vote } from '../core/eval/score';
import type { EvalRequestOptions, EvalRunResult, LineRun, SettingRun } from '../core/eval/protocol';
import { MeasureError } from './measure';
import { floatTensor } from './runtime';
import { environment, loadAverage, Sessions, type OpenSession } from './sessions';
import type { Progress } from './timing';

function invalid(message: string): MeasureError {
  return new MeasureError(failure('invalid-input', message));
}

class Recognizer {
  constructor(
    private readonly s: OpenSession,
    private readonly chars: string[],
    private readonly minWidth: number,
  ) {
    if (s.inputs.length !== 1 || s.outputs.length < 1) throw invalid(`${path.basename(s.path)} is not a text recognizer: it needs one image input [N, 3, 48, W] and a [N, T, classes] output`);
  }

  /** Views `from`..`to`−1 of one line in one run, decoded. */
  async views(img: RgbImage, from: number, to: number): Promise<Decoded[]> {
    const resized = VIEWS.slice(from, to).map((v) => applyView(img, v));
    const b = toBatch(resized, this.minWidth);
    const out = await this.s.session.run({ [this.s.inputs[0].name]: floatTensor(b.data, b.dims) });
    const y = out[this.s.outputs[0].name];
    const data = y.data as Float32Array;
    return resized.map((_, i) => ctcGreedy(data, y.dims, i, this.chars));
  }
}

const now = () => performance.now();

export async function runEval(o: EvalRequestOptions, progress: Progress): Promise<EvalRunResult> {
  if (!o || !o.model?.path || !Array.isArray(o.inputs) || !Array.isArray(o.settings) || !o.dictionary) throw invalid('an eval request needs a model, a dictionary, inputs and settings');
  const maxN = Math.max(1, ...o.settings.map((s) => s.n));
  if (maxN > VIEWS.length) throw invalid(`at most ${VIEWS.length} views are defined; n ${maxN} asks for more`);
  const threshold = o.threshold ?? 0.95;
  const wave = Math.max(1, Math.floor(o.wave ?? 1));
  const escalate = Math.min(1, Math.max(0, o.escalate ?? 0.25));
  const load0 = loadAverage();
  let chars: string[];
  try {
    chars = loadDictionary(readFileSync(o.dictionary, 'utf8'));
  } catch (e) {
    throw invalid(`dictionary ${o.dictionary}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const images = o.inputs.map((inp) => {
    try {
      return decodePng(readFileSync(inp.file));
    } catch (e) {
      throw invalid(`input ${inp.id} (${inp.file}): ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const sessions = new Sessions(o.session);
  try {
    progress('loading models', 0);
    const main = await sessions.get(o.model);
    const cheapSession = o.cheap?.path ? await sessions.get(o.cheap) : main;
    const sameModel = cheapSession === main;
    const minWidth = o.minWidth ?? REC_MIN_WIDTH;
    const rec = new Recognizer(main, chars, minWidth);
    const cheap = sameModel ? rec : new Recognizer(cheapSession, chars, minWidth);
    const loadMs: Record<string, number> = { [main.path]: main.loadMs, [cheapSession.path]: cheapSession.loadMs };

    progress('warm-up', 0);
    const w0 = now();
    if (images.length) {
      await rec.views(images[0], 0, maxN);
      await rec.views(images[0], 0, 1);
      if (!sameModel) await cheap.views(images[0], 0, 1);
    }
    const warmupMs = now() - w0;

    const runs: SettingRun[] = [];
    // The cascade's first pass is shared by every n (one timed run per line).
    let firstPass: Array<{ d: Decoded; ms: number }> | undefined;
    let done = 0;
    const total = o.settings.length * images.length;
    for (const setting of o.settings) {
      const lines: LineRun[] = [];
      let escalateBelow: number | undefined;
      const n = Math.max(1, Math.floor(setting.n));
      if (setting.strategy === 'cascade') {
        if (!firstPass) {
          firstPass = [];
          for (const img of images) {
            const t0 = now();
            const [d] = await cheap.views(img, 0, 1);
            firstPass.push({ d, ms: now() - t0 });
          }
        }
        escalateBelow = escalate > 0 ? quantile(firstPass.map((f) => f.d.confidence), escalate) : -Infinity;
      }
      for (const [i, img] of images.entries()) {
        const t0 = now();
        let line: LineRun;
        switch (setting.strategy) {
          case 'single':
          case 'tta': {
            const ds = await rec.views(img, 0, setting.strategy === 'single' ? 1 : n);
            const v = vote(ds);
            line = { text: v.text, confidence: v.confidence, views: ds.length, ms: now() - t0, ...(setting.strategy === 'tta' ? { answers: ds.map((d) => normalize(d.text)) } : {}) };
            break;
          }
          case 'early_exit': {
            const ds: Decoded[] = [];
            let v = vote([]);
            while (ds.length < n) {
              ds.push(...(await rec.views(img, ds.length, Math.min(n, ds.length + wave))));
              v = vote(ds);
              if (majorityPosterior(v.votes, ds.length - v.votes) >= threshold) break;
            }
            line = { text: v.text, confidence: v.confidence, views: ds.length, ms: now() - t0 };
            break;
          }
          case 'cascade': {
            const first = firstPass![i];
            if (n <= 1 || first.d.confidence >= escalateBelow!) {
              line = { text: normalize(first.d.text), confidence: first.d.confidence, views: 1, ms: first.ms };
            } else {
              const ds = sameModel ? [first.d, ...(await rec.views(img, 1, n))] : await rec.views(img, 0, n);
              const v = vote(ds);
              line = { text: v.text, confidence: v.confidence, views: (sameModel ? 0 : 1) + ds.length, ms: first.ms + (now() - t0), escalated: true };
            }
            break;
          }
          default:
            throw invalid(`unknown eval strategy '${(setting as { strategy: string }).strategy}'`);
        }
        lines.push(line);
        done++;
        progress(`${setting.strategy} n=${n}: line ${i + 1}/${images.length}`, done / Math.max(1, total));
      }
      runs.push({ setting: { strategy: setting.strategy, n }, lines, ...(escalateBelow !== undefined && Number.isFinite(escalateBelow) ? { escalateBelow } : {}) });
    }
    return { runs, loadMs, warmupMs, env: environment(sessions.spec), load: [load0, loadAverage()] };
  } finally {
    await sessions.releaseAll();
  }
}
