/**
 * Accuracy against compute in the language server: reads a config's `quality` files (under the
 * workspace rules), builds the quality model once per file content (the bootstrap takes a second or
 * two) and prices the recommendation with the document's estimate (its facts and machine), once per
 * config content. service/quality.ts renders the hint and the code action.
 */
import * as fs from 'node:fs';
import { resolveModelPath } from '../core/config/parse';
import { applyStrategyChanges, type StrategyChanges } from '../core/quality/apply';
import { stableStringify } from '../core/profile/cache';
import { readRegularText } from '../core/safeFs';
import { MAX_QUALITY_FILE_BYTES, qualityInputsFromTexts, type QualityTexts } from '../core/quality/load';
import { buildQualityModel, type QualityModel } from '../core/quality/model';
import { recommendFromFacts, type Recommendation } from '../core/quality/optimize';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from './context';
import type { DocEstimate } from './estimates';
import { fileAccessFor, type FileAccess } from './fileAccess';
import { APPROACHES, type TtcConfig } from '../core/config/types';
import { parsePointsJsonl } from '../core/quality/data';
import { measuredRates } from '../core/quality/rates';
import { ratesOfPlan, type MeasuredRates } from '../core/estimate/planOptions';
import { fsPathOf } from './host';

/**
 * The rates an eval measured (early exit's agreement, a cascade's escalation) in a config's quality
 * points file, read under the workspace rules: none when the file is outside them, unreadable or
 * malformed (the quality-data rule reports that).
 */
export function ratesUnder(config: TtcConfig, fsPath: string, access: FileAccess): MeasuredRates {
  const rel = config.quality?.points_file;
  if (!rel) return {};
  const abs = resolveModelPath(fsPath, rel);
  if (!access.allowed(abs)) return {};
  try {
    const r = parsePointsJsonl(readRegularText(abs, MAX_QUALITY_FILE_BYTES, 'quality data file'), APPROACHES);
    return r.errors.length ? {} : measuredRates(r.points, rel);
  } catch {
    return {};
  }
}

const models = new WeakMap<ServerContext, Map<string, QualityModel>>();
const recs = new WeakMap<ServerContext, Map<string, { key: string; p: Promise<Recommendation | undefined> }>>();

/** The recommendation for a document's current estimate, or undefined (no quality data, unreadable files, no estimate). */
export async function recommendationFor(ctx: ServerContext, doc: TextDocument, e: DocEstimate): Promise<Recommendation | undefined> {
  const config = e.parsed.config;
  const q = config.quality;
  const fsPath = fsPathOf(doc.uri);
  if (!q || !e.result || !fsPath || !config.strategy) return undefined;
  const access = await fileAccessFor(ctx, doc.uri);
  const texts: QualityTexts = {};
  const stamps: string[] = [];
  for (const key of ['points', 'problems', 'search_and_learn'] as const) {
    const rel = key === 'points' ? q.points_file : q[key];
    if (!rel) continue;
    const abs = resolveModelPath(fsPath, rel);
    if (!access.allowed(abs)) return undefined;
    try {
      const st = fs.statSync(abs);
      stamps.push(`${abs}|${st.size}|${st.mtimeMs}`);
      texts[key] = readRegularText(abs, MAX_QUALITY_FILE_BYTES, 'quality data file');
    } catch {
      return undefined; // the quality-data rule reports it
    }
  }
  const loaded = qualityInputsFromTexts(config, texts);
  if (loaded.errors.length || (!loaded.inputs.points.length && !loaded.inputs.problems)) return undefined;
  const modelKey = stableStringify({ metric: q.metric ?? null, points: q.points ?? null, stamps });
  let byCtx = models.get(ctx);
  if (!byCtx) models.set(ctx, (byCtx = new Map()));
  let model = byCtx.get(modelKey);
  if (!model) {
    model = buildQualityModel(q.metric ?? 'accuracy', loaded.inputs);
    if (byCtx.size > 16) byCtx.clear();
    byCtx.set(modelKey, model);
  }
  const est = e.result.estimate;
  const key = `${modelKey}|${stableStringify({ s: config.strategy, b: config.budget, w: config.workload, h: config.hardware })}|${est.latency.mean_ms}|${est.provenance.overall}`;
  let m = recs.get(ctx);
  if (!m) recs.set(ctx, (m = new Map()));
  const hit = m.get(doc.uri);
  if (hit && hit.key === key) return hit.p;
  const facts = e.result.facts, machine = e.result.machine;
  const p = Promise.resolve().then(() => {
    try {
      return recommendFromFacts(config, model!, facts, machine, { rates: ratesOfPlan(e.result!.plan) });
    } catch {
      return undefined;
    }
  });
  m.set(doc.uri, { key, p });
  return p;
}

/**
 * One edit that sets `set` and removes `remove` under `strategy` (applied one after another to the
 * text, then reduced to the changed span), or undefined when any step cannot be written safely.
 */
export function strategyEdit(doc: TextDocument, set: StrategyChanges['set'], remove: StrategyChanges['remove']) {
  const original = doc.getText();
  const text = applyStrategyChanges(original, { set, remove });
  if (text === undefined) return undefined;
  if (text === original) return [];
  let a = 0;
  while (a < original.length && a < text.length && original[a] === text[a]) a++;
  let b = 0;
  while (b < original.length - a && b < text.length - a && original[original.length - 1 - b] === text[text.length - 1 - b]) b++;
  return [{ range: { start: doc.positionAt(a), end: doc.positionAt(original.length - b) }, newText: text.slice(a, text.length - b) }];
}
