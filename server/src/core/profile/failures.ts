/**
 * Turns runtime errors into classified failures (the vscode-eslint "chain of error handlers" idea):
 * each classifier looks at the message (and the process's stderr tail) and the first match wins.
 */
import type { FailureKind, ProfileFailure } from './protocol';

type Classifier = (text: string, phase: 'load' | 'run' | 'process') => FailureKind | undefined;

const CLASSIFIERS: Classifier[] = [
  (t) =>
    /cannot find module ['"]onnxruntime|onnxruntime_binding\.node|libonnxruntime[^ ]*: cannot open shared object|invalid ELF header|NODE_MODULE_VERSION|was compiled against a different Node\.js version/i.test(t)
      ? 'runtime-load'
      : undefined,
  (t) => (/ENOENT|no such file or directory|does not exist/i.test(t) ? 'model-missing' : undefined),
  (t) => (/bad_alloc|out of memory|failed to allocate|allocation failed|ENOMEM|heap out of memory/i.test(t) ? 'out-of-memory' : undefined),
  (t) =>
    /could not find an implementation for|is not a registered function\/op|not_implemented|unrecognized attribute|opset .* (is )?not supported|No Op registered for|Unsupported (data )?type/i.test(t)
      ? 'unsupported-operator'
      : undefined,
  (t) => (/INVALID_PROTOBUF|protobuf parsing failed|INVALID_GRAPH|Type Error|ShapeInferenceError|model_load|Load model .* failed/i.test(t) ? 'invalid-model' : undefined),
  (_t, phase) => (phase === 'load' ? 'invalid-model' : phase === 'run' ? 'run-failed' : 'crashed'),
];

const HEADLINES: Record<FailureKind, string> = {
  untrusted: 'Models are not executed in an untrusted workspace',
  'model-missing': 'Model file not found',
  'runtime-load': 'ONNX Runtime failed to load',
  'unsupported-operator': 'Operator not supported by ONNX Runtime',
  'invalid-model': 'ONNX Runtime rejected the model',
  'invalid-input': 'Could not build the model inputs',
  'out-of-memory': 'Out of memory while running the model',
  'run-failed': 'The model failed while running',
  timeout: 'Profiling timed out',
  crashed: 'The profiler process crashed',
  cancelled: 'Profiling cancelled',
};

/** Short first line of a runtime message, without ORT's "[ONNXRuntimeError] : 1 : FAIL :" prefix. */
export function cleanRuntimeMessage(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.replace(/^Error:\s*/, '').replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/, '').trim().slice(0, 400);
}

/** Classify an error raised while loading or running a model (or by the process dying). */
export function classifyFailure(error: unknown, phase: 'load' | 'run' | 'process', stderrTail = ''): ProfileFailure {
  const text = error instanceof Error ? error.message : String(error);
  const all = `${text}\n${stderrTail}`;
  let kind: FailureKind = 'crashed';
  for (const c of CLASSIFIERS) {
    const k = c(all, phase);
    if (k) {
      kind = k;
      break;
    }
  }
  const clean = cleanRuntimeMessage(text);
  return { kind, message: `${HEADLINES[kind]}: ${clean}`, detail: stderrTail ? `${text}\n--- stderr ---\n${stderrTail}` : text };
}

/** A failure of a known kind with a message of our own. */
export function failure(kind: FailureKind, message: string, detail?: string): ProfileFailure {
  return { kind, message: `${HEADLINES[kind]}: ${message}`, ...(detail ? { detail } : {}) };
}

export function failureHeadline(kind: FailureKind): string {
  return HEADLINES[kind];
}
