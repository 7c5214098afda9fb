/**
 * The typed model of a `*.ttc.yaml` config (language version 1), after parsing and unit normalisation.
 * Units are normalised: times in milliseconds, sizes in bytes, money in US dollars.
 * Every field that came from the document can be traced back to its source range through `ranges`
 * (see parse.ts), so diagnostics and quick-fixes can point at the exact text.
 */

export const PRECISIONS = ['fp32', 'fp16', 'bf16', 'int8', 'int4'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'rocm', 'openvino', 'qnn'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const APPROACHES = [
  'single',
  'best_of_n',
  'self_consistency',
  'beam_search',
  'dvts',
  'revisions',
  'budget_forcing',
  'early_exit',
  'cascade',
  'tta',
  'ensemble',
] as const;
export type Approach = (typeof APPROACHES)[number];

/** A named model: an ONNX file, or only its shape (HF `config.json` / ORT GenAI `genai_config.json`). */
export interface ModelEntry {
  name: string;
  /** ONNX file, relative to the config file in the document; absolute after `resolvePaths`. */
  path?: string;
  /** Shape-only description (config.json or genai_config.json), relative to the config file. */
  config?: string;
  precision?: Precision;
  /** Bindings for symbolic dimensions, e.g. `{ batch: 1, sequence: 512 }`. */
  dims?: Record<string, number>;
  /** Explicit input shapes by input name (override the model's own, after dims are bound). */
  inputs?: Record<string, number[]>;
  /** Sample inputs used for profiling and fidelity checks (path relative to the config file). */
  samples?: string;
  /** Shape-only decoders: measure 1- and 3-layer proxies with the real widths and scale by depth. */
  proxy?: boolean;
}

export interface CascadeStage {
  model: string;
  /** Fraction of queries passed on to the next stage (0..1). */
  escalate?: number;
}

export interface Strategy {
  approach: Approach;
  /** The generating / main model (a key of `models`). */
  model?: string;
  /** Process reward model or outcome verifier (a key of `models`). */
  verifier?: string;
  n?: number;
  beam_width?: number;
  num_iterations?: number;
  lookahead?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  /** Cap on generated tokens per sample (search-and-learn / vLLM `max_tokens`). */
  max_tokens?: number;
  seed?: number;
  /** How many samples run as one batch (defaults to n). */
  parallel?: number;
  agg_strategy?: 'last' | 'min' | 'prod';
  /** revisions */
  rounds?: number;
  /** budget_forcing */
  max_tokens_thinking?: number;
  num_ignore?: number;
  /** early_exit (adaptive consistency): sample in waves until the vote is decided */
  max_n?: number;
  wave?: number;
  threshold?: number;
  /** cascade */
  stages?: CascadeStage[];
  /** tta: number of augmented views */
  views?: number;
  /** ensemble: member models */
  models?: string[];
}

export interface TokenCount {
  mean: number;
  p95?: number;
}

export interface Workload {
  prompt_tokens?: number;
  output_tokens?: TokenCount;
  step_tokens?: number;
  qps?: number;
  /** Batch size of a single query for non-generative models. */
  batch?: number;
  /** early_exit: chance that a sample agrees with the leading answer (default 0.7). */
  agreement?: number;
}

export interface Hardware {
  provider?: Provider;
  threads?: number;
  price_per_hour?: number;
  /** What-if peak compute, FLOP/s. */
  peak_flops?: number;
  /** What-if memory bandwidth, bytes/s. */
  memory_bandwidth?: number;
  memory?: number;
}

export interface Budget {
  latency_p50_ms?: number;
  latency_p95_ms?: number;
  memory_bytes?: number;
  cost_per_1k_usd?: number;
}

/** One measured accuracy (`quality.points[]`): a strategy at N samples. */
export interface QualityPoint {
  strategy: Approach;
  n: number;
  /** Fraction 0..1. */
  accuracy: number;
  /** Problems it was measured on (sets the confidence interval). */
  problems?: number;
}

/** The built-in eval metrics; anything else in `quality.eval.metric` is a scoring script's path. */
export const EVAL_METRICS = ['exact_match', 'top1', 'cer'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** `quality.eval`: what `ttc-lens eval` runs (paths relative to the config file). */
export interface QualityEval {
  inputs?: string;
  labels?: string;
  /** A built-in metric or a scoring script's path (`.mjs`/`.js`). */
  metric?: string;
  n?: number[];
}

/** `quality`: accuracy data for the strategy (paths relative to the config file). */
export interface Quality {
  /** Label of the accuracy measure for reports. */
  metric?: string;
  points?: QualityPoint[];
  /** `points` written as a path: JSON Lines of `{strategy, n, accuracy, problems?}` (what `ttc-lens eval` writes). */
  points_file?: string;
  /** Per-problem JSONL `{id, correct, total, difficulty?}`. */
  problems?: string;
  /** HF search-and-learn output JSONL. */
  search_and_learn?: string;
  eval?: QualityEval;
}

export interface TtcConfig {
  version: number;
  models: Record<string, ModelEntry>;
  strategy?: Strategy;
  workload: Workload;
  hardware: Hardware;
  budget: Budget;
  quality?: Quality;
}

/** Approaches that run a classifier-style model per query or stage rather than generating tokens. */
const NON_GENERATIVE: readonly Approach[] = ['cascade', 'tta', 'ensemble'];
/** Approaches that generate tokens with a decoder. */
export const GENERATIVE_APPROACHES: readonly Approach[] = APPROACHES.filter((a) => !NON_GENERATIVE.includes(a));

/** Approaches that need a process reward model / verifier to score partial solutions. */
export const VERIFIER_REQUIRED: readonly Approach[] = ['beam_search', 'dvts'];
