/**
 * The quality inputs of a config: its `points`, plus the files of its `quality` section read (safely:
 * regular files only, capped; see core/safeFs.ts) and parsed. `qualityInputsFromTexts` is the pure
 * half, for a host that reads the files itself (the language server, through its workspace rules).
 */
import { resolveModelPath } from '../config/parse';
import { APPROACHES, type Approach, type TtcConfig } from '../config/types';
import { readRegularText } from '../safeFs';
import { lineErrorsText, parsePointsJsonl, parseProblemsJsonl, parseSearchAndLearnJsonl, type ProblemResult } from './data';
import { configPoints, type QualityInputs } from './model';

/** Larger than any per-problem file or search-and-learn output of a few thousand problems. */
export const MAX_QUALITY_FILE_BYTES = 512 * 1024 * 1024;

export interface QualityTexts {
  /** `quality.points` when it is a path. */
  points?: string;
  problems?: string;
  search_and_learn?: string;
}

export interface LoadedQuality {
  inputs: QualityInputs;
  /** `quality.problems: …` problems that make the data unusable (missing file, malformed lines). */
  errors: string[];
  notes: string[];
}

/** The approach a search-and-learn file's verifier-selected predictions belong to. */
function searchApproach(config: TtcConfig): Approach {
  const a = config.strategy?.approach;
  return a === 'beam_search' || a === 'dvts' ? a : 'best_of_n';
}

/** Points and per-problem counts from the config and the files' texts. */
export function qualityInputsFromTexts(config: TtcConfig, texts: QualityTexts): LoadedQuality {
  const q = config.quality;
  const errors: string[] = [];
  const notes: string[] = [];
  const points = configPoints(q);
  if (texts.points !== undefined) {
    const r = parsePointsJsonl(texts.points, APPROACHES);
    if (r.errors.length) errors.push(`quality.points '${q?.points_file ?? ''}': ${lineErrorsText(r.errors)}`);
    else if (!r.points.length) errors.push(`quality.points '${q?.points_file ?? ''}' holds no points`);
    else points.push(...r.points);
  }
  let problems: ProblemResult[] | undefined;
  if (texts.problems !== undefined) {
    const r = parseProblemsJsonl(texts.problems);
    if (r.errors.length) errors.push(`quality.problems '${q?.problems ?? ''}': ${lineErrorsText(r.errors)}`);
    else if (!r.problems.length) errors.push(`quality.problems '${q?.problems ?? ''}' holds no problems`);
    else problems = r.problems;
  }
  if (texts.search_and_learn !== undefined) {
    const r = parseSearchAndLearnJsonl(texts.search_and_learn, searchApproach(config));
    if (r.errors.length) errors.push(`quality.search_and_learn '${q?.search_and_learn ?? ''}': ${lineErrorsText(r.errors)}`);
    else {
      points.push(...r.points);
      if (r.columns.length) notes.push(`search_and_learn: read ${r.columns.join(', ')}; pred_weighted/pred_naive counted as ${searchApproach(config)}`);
      if (problems && r.problems.length) notes.push('per-problem counts come from quality.problems; the search-and-learn completions are not counted again');
      else if (r.problems.length) problems = r.problems;
      if (!r.problems.length && !r.points.length) errors.push(`quality.search_and_learn '${q?.search_and_learn ?? ''}' holds no completions or pred_* columns`);
    }
  }
  return { inputs: { points, ...(problems ? { problems } : {}) }, errors, notes };
}

/** Read the files the `quality` section names (relative to the config file) and parse them. */
export function loadQualityInputs(config: TtcConfig, configPath: string): LoadedQuality {
  const q = config.quality;
  const texts: QualityTexts = {};
  const errors: string[] = [];
  for (const key of ['points', 'problems', 'search_and_learn'] as const) {
    const p = key === 'points' ? q?.points_file : q?.[key];
    if (!p) continue;
    try {
      texts[key] = readRegularText(resolveModelPath(configPath, p), MAX_QUALITY_FILE_BYTES, 'quality data file');
    } catch (e) {
      errors.push(`quality.${key} '${p}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const r = qualityInputsFromTexts(config, texts);
  return { ...r, errors: [...errors, ...r.errors] };
}
