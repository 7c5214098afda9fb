/**
 * The JSON schema of a cached profile entry, checked by ajv on every read: a cache file is data from
 * disk (edited by hand, truncated, written by another version, planted), and everything that shows a
 * profile (CLI text and JSON, the hover, Profile Models) dereferences these fields. An entry that
 * does not match is dropped, never shown.
 */
import Ajv, { type ValidateFunction } from 'ajv';

const num = { type: 'number' };
const nonNeg = { type: 'number', minimum: 0 };
const int = (minimum = 0) => ({ type: 'integer', minimum });
const str = { type: 'string' };
const strings = { type: 'array', items: str };

const STATS = {
  type: 'object',
  required: ['runs', 'warmupRuns', 'p50', 'p90', 'p99', 'mean', 'stdev', 'cv', 'min', 'max', 'stoppedBy'],
  properties: {
    runs: int(1),
    warmupRuns: int(0),
    p50: nonNeg,
    p90: nonNeg,
    p99: nonNeg,
    mean: nonNeg,
    stdev: nonNeg,
    cv: nonNeg,
    min: nonNeg,
    max: nonNeg,
    ci95: { type: 'array', items: num, minItems: 2, maxItems: 2 },
    ciRelHalfWidth: nonNeg,
    stoppedBy: { enum: ['ci', 'time', 'runs'] },
  },
};

const TENSOR = {
  type: 'object',
  required: ['name', 'dtype', 'shape'],
  properties: { name: str, dtype: str, shape: { type: 'array', items: { type: ['number', 'string'] } } },
};

const FIT = {
  type: 'object',
  required: ['a', 'b', 'd', 'maxRelError', 'r2'],
  properties: { a: num, b: num, d: num, maxRelError: num, r2: num, rmse: num, points: num, coef: { type: 'array', items: num } },
};

const PROFILE = {
  type: 'object',
  required: ['modelPath', 'modelBytes', 'inputs', 'outputs', 'fed', 'assumptions', 'warnings', 'loadMs', 'stats', 'env', 'measuredAt'],
  properties: {
    modelPath: str,
    modelBytes: nonNeg,
    inputs: { type: 'array', items: TENSOR },
    outputs: { type: 'array', items: TENSOR },
    fed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'dtype', 'dims', 'source'],
        properties: { name: str, dtype: str, dims: { type: 'array', items: int(0) }, source: { enum: ['generated', 'samples'] } },
      },
    },
    assumptions: strings,
    warnings: strings,
    loadMs: nonNeg,
    stats: STATS,
    ops: {
      type: 'object',
      required: ['top', 'nodeMsPerRun', 'runs'],
      properties: {
        top: {
          type: 'array',
          items: { type: 'object', required: ['op', 'ms', 'share', 'calls'], properties: { op: str, ms: nonNeg, share: nonNeg, calls: nonNeg } },
        },
        nodeMsPerRun: nonNeg,
        runs: nonNeg,
      },
    },
    sweeps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'name', 'points'],
        properties: {
          kind: { enum: ['batch', 'dim'] },
          name: str,
          error: str,
          points: { type: 'array', items: { type: 'object', required: ['value', 'stats'], properties: { value: num, stats: STATS } } },
        },
      },
    },
    decoder: {
      type: 'object',
      required: ['layout', 'prefill', 'decode', 'notes'],
      properties: {
        layout: { type: 'object', required: ['pastInputs', 'presentOutputs'], properties: { pastInputs: strings, presentOutputs: strings } },
        prefill: { type: 'array', items: { type: 'object', required: ['prompt', 'stats'], properties: { prompt: num, stats: STATS } } },
        decode: { type: 'array', items: { type: 'object', required: ['batch', 'context', 'stats'], properties: { batch: num, context: num, stats: STATS } } },
        prefillFit: FIT,
        decodeFit: FIT,
        notes: strings,
      },
    },
    env: {
      type: 'object',
      required: ['ep', 'threads', 'graphOptimizationLevel', 'ortVersion', 'machine'],
      properties: {
        ep: str,
        threads: int(1),
        graphOptimizationLevel: { enum: ['disabled', 'basic', 'extended', 'all'] },
        ortVersion: str,
        machine: {
          type: 'object',
          required: ['cpuModel', 'logicalCores', 'physicalCores', 'memoryBytes', 'os', 'arch', 'id'],
          properties: { cpuModel: str, logicalCores: int(1), physicalCores: int(1), memoryBytes: nonNeg, os: str, arch: str, id: str },
        },
      },
    },
    measuredAt: str,
  },
};

/** A cache file: `{schema, key, parts, savedAt, profile}`. */
export const CACHE_ENTRY_SCHEMA = {
  type: 'object',
  required: ['schema', 'key', 'profile'],
  properties: { schema: { type: 'integer' }, key: str, savedAt: str, parts: { type: 'object' }, profile: PROFILE },
};

let validator: ValidateFunction | undefined;

/** Does `v` have every field a profile's readers use, with the right types? (ajv, compiled once.) */
export function isValidCacheEntry(v: unknown): boolean {
  validator ??= new Ajv({ allErrors: false, strict: false, allowUnionTypes: true }).compile(CACHE_ENTRY_SCHEMA);
  return validator(v) as boolean;
}
