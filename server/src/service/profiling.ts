/**
 * Measurements in the editor, as LSP data (pure: the facts come in from the host's MeasurementStore,
 * core/profile/store.ts): the measurement each model entry of a config asks for, a diagnostic on a
 * model entry whose measurement failed, the measured section of the hover on a model path, and the
 * measured section of Show Model Summary.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { resolveModelPath, type ParsedConfig } from '../core/config/parse';
import type { TtcConfig } from '../core/config/types';
import { validBindings } from '../core/bindings';
import type { TtcSettings } from './settings';
import { isOnnxFile } from '../core/model/reference';
import { formatMarkdown } from '../core/profile/format';
import type { MeasureOptions, ProfileFailure } from '../core/profile/protocol';
import { measuredSection } from '../core/profile/report';
import type { Measurement, StoredModelFacts } from '../core/profile/store';

/** What the host knows about a model's measurements: the store's facts plus whether models may run here. */
export interface MeasuredFacts extends StoredModelFacts {
  /** Models may be executed (a trusted workspace). */
  trusted: boolean;
}

/** Measurement facts the host hands to the service. */
export interface MeasurementHost {
  /** The facts about a model file under these bindings (sync: what the host holds in memory). */
  modelFacts(absPath: string, bind: Record<string, number>): MeasuredFacts;
  /** A measurement found elsewhere (the profile cache after a restart), asked only when the facts hold none. */
  cachedMeasurement?(absPath: string, bind: Record<string, number>): Promise<Measurement | undefined>;
}

export interface ProfileJob {
  model: string;
  options: MeasureOptions;
}

/** The measurement each model entry of a config asks for (pure; exported for tests). */
export function jobsForConfig(config: TtcConfig, configFsPath: string, settings: TtcSettings): ProfileJob[] {
  const jobs: ProfileJob[] = [];
  for (const [name, m] of Object.entries(config.models ?? {})) {
    if (!m?.path || !isOnnxFile(m.path)) continue;
    const threads = config.hardware?.threads ?? settings.profiler.threads;
    jobs.push({
      model: name,
      options: {
        modelPath: resolveModelPath(configFsPath, m.path),
        bind: { ...settings.defaultDims, ...validBindings(m.dims) },
        ...(m.inputs ? { inputShapes: m.inputs } : {}),
        ...(m.samples ? { samplesPath: resolveModelPath(configFsPath, m.samples) } : {}),
        ep: config.hardware?.provider ?? 'cpu',
        ...(threads ? { threads } : {}),
        targetCi: settings.profiler.targetCi,
        maxTimeMs: settings.profiler.maxTimeMs,
        ...(settings.profiler.maxMemoryMB > 0 ? { maxMemoryBytes: settings.profiler.maxMemoryMB * 2 ** 20 } : {}),
      },
    });
  }
  return jobs;
}

/** A failed measurement on each model entry whose file failed (on `path`, else on the entry). */
export function profilingDiagnostics(doc: TextDocument, parsed: ParsedConfig, fsPath: string, failureOf: (absPath: string) => ProfileFailure | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, m] of Object.entries(parsed.config.models ?? {})) {
    if (!m?.path) continue;
    const modelPath = resolveModelPath(fsPath, m.path);
    const f = failureOf(modelPath);
    if (!f) continue;
    const range = parsed.rangeOf(['models', name, 'path']) ?? parsed.rangeOf(['models', name]);
    if (!range) continue;
    out.push({
      range: { start: doc.positionAt(range.start), end: doc.positionAt(range.end) },
      severity: f.kind === 'timeout' || f.kind === 'crashed' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: 'ttc-lens profiler',
      code: `profile-${f.kind}`,
      message: f.message,
      data: { kind: f.kind, modelPath },
    });
  }
  return out;
}

/** The measured part of the hover on a model path: the numbers, the failure, or what to do; nothing for files that are not ONNX. */
export async function measuredHover(absPath: string, bind: Record<string, number>, host: MeasurementHost): Promise<string | undefined> {
  const facts = host.modelFacts(absPath, bind);
  if (facts.measured) return formatMarkdown(facts.measured.profile, facts.measured.cached);
  if (facts.failure) return `**Profiling failed:** ${facts.failure.message}`;
  if (!isOnnxFile(absPath)) return undefined;
  const hit = await host.cachedMeasurement?.(absPath, bind);
  if (hit) return formatMarkdown(hit.profile, true);
  return facts.trusted ? '_Latency not measured yet: run **TTC Lens: Profile Models**._' : '_Latency is not measured in an untrusted workspace._';
}

/**
 * Show Model Summary's measured section: every measurement of the model (its tables), else the
 * failure or what to do; nothing for files that are not ONNX.
 */
export function measuredSummary(absPath: string, measurements: Measurement[], failure: ProfileFailure | undefined, trusted: boolean): string | undefined {
  if (!isOnnxFile(absPath)) return undefined;
  if (!measurements.length) {
    if (failure) return `## Measured on this machine\n\nProfiling failed: ${failure.message}`;
    return trusted ? '## Measured on this machine\n\n_Not measured yet: run **TTC Lens: Profile Models** on a config that uses this model._' : undefined;
  }
  return measurements.map((m) => measuredSection(m.profile, { cached: m.cached, level: 3, title: 'Measured on this machine' }).replace(/^### /, '## ')).join('\n\n');
}
