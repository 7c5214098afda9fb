/**
 * `ttc-lens eval`'s engine, in the profiler process (a crash or a hang costs the request, never the
 * CLI or the language server): a CTC text recognizer (PaddleOCR's PP-OCR rec models) or an image
 * classifier (PaddleOCR's text-direction classifier) over labelled lines at each test-time-compute setting of core/eval/protocol.ts. Every line of every setting is
 * timed end to end — view preprocessing, every session run, CTC decoding and the vote — after one
 * warm-up line at the largest batch; settings take turns line by line, so load drift is shared. Images are decoded before any timing (file reading is not the
 * model's cost). The labels never reach this process.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { failure } from '../core/profile/failures';
import { majorityPosterior } from '../core/estimate/plan';
import { ctcGreedy, loadDictionary, type Decoded } from '../core/eval/ctc';
import { topClass } from '../core/eval/classify';
import { applyView, CLS_WIDTH, decodePng, REC_MIN_WIDTH, toBatch, VIEWS, type RgbImage } from '../core/eval/image';
import { normalize, quantile, vote } from '../core/eval/score';
import type { EvalRequestOptions, EvalRunResult, EvalSetting, LineRun, SettingRun } from '../core/eval/protocol';
import { MeasureError } from './measure';
import { floatTensor } from './runtime';
import { environment, loadAverage, Sessions, type OpenSession } from './sessions';
import type { Progress } from './timing';

function invalid(message: string): MeasureError {
  return new MeasureError(failure('invalid-input', message));
}

/**
 * Views `from`..`to`−1 of one image, resized to height 48 (at most `maxWidth` wide), padded to the
 * batch width (at least `minWidth`) and run as one batch: the model's first output.
 */
async function runViews(s: OpenSession, img: RgbImage, from: number, to: number, minWidth: number, maxWidth?: number): Promise<{ n: number; data: Float32Array; dims: readonly number[] }> {
  const resized = VIEWS.slice(from, to).map((v) => applyView(img, v, maxWidth));
  const b = toBatch(resized, minWidth);
  const out = await s.session.run({ [s.inputs[0].name]: floatTensor(b.data, b.dims) });
  const y = out[s.outputs[0].name];
  return { n: resized.length, data: y.data as Float32Array, dims: y.dims };
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
    const { n, data, dims } = await runViews(this.s, img, from, to, this.minWidth);
    return Array.from({ length: n }, (_, i) => ctcGreedy(data, dims, i, this.chars));
  }
}

/** A classifier [N, 3, 48, W] → [N, classes]: each view's answer is its most probable class. */
class Classifier {
  constructor(
    private readonly s: OpenSession,
    private readonly classes: string[],
    private readonly width: number,
  ) {
    if (s.inputs.length !== 1 || s.outputs.length < 1) throw invalid(`${path.basename(s.path)} is not an image classifier: it needs one image input [N, 3, 48, W] and a [N, classes] output`);
  }

  async views(img: RgbImage, from: number, to: number): Promise<Decoded[]> {
    const { n, data, dims } = await runViews(this.s, img, from, to, this.width, this.width);
    const C = dims[dims.length - 1];
    if (C !== this.classes.length) throw invalid(`${path.basename(this.s.path)} has ${C} classes, quality.eval.classes names ${this.classes.length}`);
    return Array.from({ length: n }, (_, i) => topClass(data, i, this.classes));
  }
}

type Reader = Recognizer | Classifier;

const now = () => performance.now();

export async function runEval(o: EvalRequestOptions, progress: Progress): Promise<EvalRunResult> {
  if (!o || !o.model?.path || !Array.isArray(o.inputs) || !Array.isArray(o.settings) || (!o.dictionary && !o.classes?.length)) throw invalid('an eval request needs a model, a dictionary (a recognizer) or classes (a classifier), inputs and settings');
  const maxN = Math.max(1, ...o.settings.map((s) => s.n));
  if (maxN > VIEWS.length) throw invalid(`at most ${VIEWS.length} views are defined; n ${maxN} asks for more`);
  const threshold = o.threshold ?? 0.95;
  const wave = Math.max(1, Math.floor(o.wave ?? 1));
  const escalate = Math.min(1, Math.max(0, o.escalate ?? 0.25));
  const load0 = loadAverage();
  let chars: string[] = [];
  if (!o.classes?.length) {
    try {
      chars = loadDictionary(readFileSync(o.dictionary!, 'utf8'));
    } catch (e) {
      throw invalid(`dictionary ${o.dictionary}: ${e instanceof Error ? e.message : String(e)}`);
    }
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
    const reader = (s: OpenSession): Reader => (o.classes?.length ? new Classifier(s, o.classes, o.width ?? CLS_WIDTH) : new Recognizer(s, chars, minWidth));
    const rec = reader(main);
    const cheap = sameModel ? rec : reader(cheapSession);
    const loadMs: Record<string, number> = { [main.path]: main.loadMs, [cheapSession.path]: cheapSession.loadMs };

    progress('warm-up', 0);
    const w0 = now();
    if (images.length) {
      await rec.views(images[0], 0, maxN);
      await rec.views(images[0], 0, 1);
      if (!sameModel) await cheap.views(images[0], 0, 1);
    }
    const warmupMs = now() - w0;

    // The cascade's escalation threshold: the `escalate` quantile of the first-pass confidences over
    // the whole set, from an untimed calibration pass (a deployment fixes its threshold beforehand).
    let escalateBelow = -Infinity;
    if (o.settings.some((s) => s.strategy === 'cascade') && escalate > 0) {
      progress('cascade: calibrating the escalation threshold', 0);
      const conf: number[] = [];
      for (const img of images) conf.push((await cheap.views(img, 0, 1))[0].confidence);
      escalateBelow = quantile(conf, escalate);
    }
    const settings = o.settings.map((s) => ({ strategy: s.strategy, n: Math.max(1, Math.floor(s.n)) }));
    const lines: LineRun[][] = settings.map(() => []);
    // Line by line, every setting in turn (starting one setting further on each line), so that a
    // change of the machine's load over the run weighs on every setting alike.
    for (const [i, img] of images.entries()) {
      for (let k = 0; k < settings.length; k++) {
        const j = (i + k) % settings.length;
        lines[j][i] = await runLine(settings[j], img);
      }
      progress(`line ${i + 1}/${images.length}`, (i + 1) / Math.max(1, images.length));
    }
    const runs: SettingRun[] = settings.map((setting, j) => ({ setting, lines: lines[j], ...(setting.strategy === 'cascade' && Number.isFinite(escalateBelow) ? { escalateBelow } : {}) }));

    async function runLine(setting: EvalSetting, img: RgbImage): Promise<LineRun> {
      const n = setting.n;
      const t0 = now();
      switch (setting.strategy) {
        case 'single':
        case 'tta': {
          const ds = await rec.views(img, 0, setting.strategy === 'single' ? 1 : n);
          const v = vote(ds);
          return { text: v.text, confidence: v.confidence, views: ds.length, ms: now() - t0, ...(setting.strategy === 'tta' ? { answers: ds.map((d) => normalize(d.text)) } : {}) };
        }
        case 'early_exit': {
          const ds: Decoded[] = [];
          let v = vote([]);
          while (ds.length < n) {
            ds.push(...(await rec.views(img, ds.length, Math.min(n, ds.length + wave))));
            v = vote(ds);
            if (majorityPosterior(v.votes, ds.length - v.votes) >= threshold) break;
          }
          return { text: v.text, confidence: v.confidence, views: ds.length, ms: now() - t0 };
        }
        case 'cascade': {
          const [first] = await cheap.views(img, 0, 1);
          if (n <= 1 || first.confidence >= escalateBelow) return { text: normalize(first.text), confidence: first.confidence, views: 1, ms: now() - t0 };
          // Escalated: n views on the model; when it is the first stage's model, view 0 is the first pass.
          const ds = sameModel ? [first, ...(await rec.views(img, 1, n))] : await rec.views(img, 0, n);
          const v = vote(ds);
          return { text: v.text, confidence: v.confidence, views: (sameModel ? 0 : 1) + ds.length, ms: now() - t0, escalated: true };
        }
        default:
          throw invalid(`unknown eval strategy '${(setting as { strategy: string }).strategy}'`);
      }
    }
    return { runs, loadMs, warmupMs, env: environment(sessions.spec), load: [load0, loadAverage()] };
  } finally {
    await sessions.releaseAll();
  }
}
