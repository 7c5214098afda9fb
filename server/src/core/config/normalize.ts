/**
 * From the document's JS value to the typed TtcConfig, leniently: a field with the wrong type or an
 * unparseable unit is left out (checkStructure has already reported it), so consumers can trust every
 * field that is present.
 */
import { APPROACHES, PRECISIONS, PROVIDERS, type Approach, type Budget, type CascadeStage, type Hardware, type ModelEntry, type Quality, type QualityPoint, type Strategy, type TtcConfig, type Workload } from './types';
import { parseUnit } from './units';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const int = (v: unknown): number | undefined => (Number.isInteger(v) ? (v as number) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const oneOf = <T extends string>(v: unknown, options: readonly T[]): T | undefined => (options.includes(v as T) ? (v as T) : undefined);

/** Drop undefined fields so `deepEqual` in tests and JSON output stay clean. */
function clean<T extends object>(o: T): T {
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- own keys of an object literal built here
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function intMap(v: unknown): Record<string, number> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) if (int(x) !== undefined && (x as number) > 0) out[k] = x as number;
  return out;
}

function model(name: string, v: unknown): ModelEntry {
  const o = obj(v) ?? {};
  let inputs: Record<string, number[]> | undefined;
  const io = obj(o.inputs);
  if (io) {
    inputs = {};
    for (const [k, x] of Object.entries(io)) if (Array.isArray(x) && x.every((d) => int(d) !== undefined)) inputs[k] = x as number[];
  }
  return clean({ name, path: str(o.path), config: str(o.config), precision: oneOf(o.precision, PRECISIONS), dims: intMap(o.dims), inputs, samples: str(o.samples), proxy: typeof o.proxy === 'boolean' ? o.proxy : undefined });
}

function strategy(v: unknown): Strategy | undefined {
  const o = obj(v);
  const approach = o && oneOf(o.approach, APPROACHES);
  if (!o || !approach) return undefined;
  const stages: CascadeStage[] | undefined = Array.isArray(o.stages)
    ? o.stages.flatMap((s) => {
        const so = obj(s);
        const m = so && str(so.model);
        return m ? [clean({ model: m, escalate: num(so.escalate) })] : [];
      })
    : undefined;
  return clean<Strategy>({
    approach: approach as Approach,
    model: str(o.model),
    verifier: str(o.verifier),
    n: int(o.n),
    beam_width: int(o.beam_width),
    num_iterations: int(o.num_iterations),
    lookahead: int(o.lookahead),
    temperature: num(o.temperature),
    top_p: num(o.top_p),
    top_k: int(o.top_k),
    max_tokens: int(o.max_tokens),
    seed: int(o.seed),
    parallel: int(o.parallel),
    agg_strategy: oneOf(o.agg_strategy, ['last', 'min', 'prod'] as const),
    rounds: int(o.rounds),
    max_tokens_thinking: int(o.max_tokens_thinking),
    num_ignore: int(o.num_ignore),
    max_n: int(o.max_n),
    wave: int(o.wave),
    threshold: num(o.threshold),
    stages,
    views: int(o.views),
    models: Array.isArray(o.models) ? o.models.filter((m): m is string => typeof m === 'string') : undefined,
  });
}

function workload(v: unknown): Workload {
  const o = obj(v) ?? {};
  const ot = o.output_tokens;
  const oto = obj(ot);
  const output_tokens = int(ot) !== undefined ? { mean: ot as number } : oto && int(oto.mean) !== undefined ? clean({ mean: oto.mean as number, p95: int(oto.p95) }) : undefined;
  return clean({ prompt_tokens: int(o.prompt_tokens), output_tokens, step_tokens: int(o.step_tokens), qps: num(o.qps), batch: int(o.batch), agreement: num(o.agreement) });
}

function hardware(v: unknown): Hardware {
  const o = obj(v) ?? {};
  return clean({
    provider: oneOf(o.provider, PROVIDERS),
    threads: int(o.threads),
    price_per_hour: parseUnit('money', o.price_per_hour),
    peak_flops: parseUnit('flops', o.peak_flops),
    memory_bandwidth: parseUnit('bandwidth', o.memory_bandwidth),
    memory: parseUnit('bytes', o.memory),
  });
}

function budget(v: unknown): Budget {
  const o = obj(v) ?? {};
  const lat = obj(o.latency) ?? {};
  return clean({
    latency_p50_ms: parseUnit('duration', lat.p50),
    latency_p95_ms: parseUnit('duration', lat.p95),
    memory_bytes: parseUnit('bytes', o.memory),
    cost_per_1k_usd: parseUnit('money', o.cost_per_1k),
  });
}

/** `quality`, leniently: a point lacking its strategy, a whole n ≥ 1 or an accuracy in 0..1 is dropped. */
function quality(v: unknown): Quality | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const points: QualityPoint[] | undefined = Array.isArray(o.points)
    ? o.points.flatMap((p) => {
        const po = obj(p);
        const strategy = po && oneOf(po.strategy, APPROACHES);
        const n = po && int(po.n);
        const accuracy = po && num(po.accuracy);
        if (!po || !strategy || n === undefined || n < 1 || accuracy === undefined || accuracy < 0 || accuracy > 1) return [];
        const problems = int(po.problems);
        return [clean<QualityPoint>({ strategy, n, accuracy, problems: problems !== undefined && problems >= 1 ? problems : undefined })];
      })
    : undefined;
  const eo = obj(o.eval);
  const ns = eo && Array.isArray(eo.n) ? eo.n.filter((x): x is number => int(x) !== undefined && (x as number) >= 1) : undefined;
  return clean<Quality>({
    metric: str(o.metric),
    points,
    points_file: str(o.points),
    problems: str(o.problems),
    search_and_learn: str(o.search_and_learn),
    eval: eo ? clean({ inputs: str(eo.inputs), labels: str(eo.labels), metric: str(eo.metric), n: ns }) : undefined,
  });
}

/** The typed config for a document value (anything: null, a string, a list… gives an empty config). */
export function normalize(raw: unknown): TtcConfig {
  const o = obj(raw) ?? {};
  const models: Record<string, ModelEntry> = {};
  const mo = obj(o.models);
  if (mo) for (const [name, v] of Object.entries(mo)) models[name] = model(name, v);
  return clean({
    version: int(o.version) ?? 1,
    models,
    strategy: strategy(o.strategy),
    workload: workload(o.workload),
    hardware: hardware(o.hardware),
    budget: budget(o.budget),
    quality: quality(o.quality),
  });
}
