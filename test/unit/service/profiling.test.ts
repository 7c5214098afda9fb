import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import type { MeasuredProfile } from '../../../server/src/core/profile/protocol';
import { MeasurementStore } from '../../../server/src/core/profile/store';
import { getLanguageService, type MeasurementHost } from '../../../server/src/service/languageService';
import { measuredHover, measuredSummary } from '../../../server/src/service/profiling';

const fsPath = path.join(path.sep, 'ws', 'a.ttc.yaml');
const gen = path.join(path.sep, 'ws', 'models', 'gen.onnx');
const prm = path.join(path.sep, 'ws', 'models', 'prm.onnx');
const TEXT = `version: 1
models:
  gen:
    path: models/gen.onnx
    dims: {batch: 2}
  prm:
    path: models/prm.onnx
  shape:
    config: models/config.json
`;
const stats = { runs: 20, warmupRuns: 3, p50: 1.5, p90: 1.7, p99: 1.9, mean: 1.55, stdev: 0.1, cv: 0.06, min: 1.4, max: 2, ci95: [1.45, 1.55] as [number, number], ciRelHalfWidth: 0.03, stoppedBy: 'ci' as const };
const profile: MeasuredProfile = {
  modelPath: '/ws/models/gen.onnx',
  modelBytes: 1234,
  inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 2] }],
  fed: [{ name: 'x', dtype: 'float32', dims: [2, 4], source: 'generated' }],
  assumptions: [],
  warnings: [],
  loadMs: 3,
  stats,
  env: { ep: 'cpu', threads: 2, graphOptimizationLevel: 'all', ortVersion: '1.30.0', machine: { cpuModel: 'cpu', logicalCores: 2, physicalCores: 2, memoryBytes: 2 ** 33, os: 'Linux', arch: 'x64', id: 'm1' } },
  measuredAt: '2026-01-01T00:00:00.000Z',
};

/** A host over a MeasurementStore, as the language server builds it (lsp/host.ts). */
function hostOf(store: MeasurementStore, trusted = true, cached?: MeasuredProfile): MeasurementHost {
  return { modelFacts: (p, bind) => ({ ...store.modelFacts(p, bind), trusted }), cachedMeasurement: async () => (cached ? { profile: cached, cached: true } : undefined) };
}

describe('service/profiling (measurement facts rendered as LSP data)', () => {
  it('a failed measurement is a diagnostic on the model path, from the store, parsed through the service', () => {
    const store = new MeasurementStore();
    const service = getLanguageService({ measurements: hostOf(store) });
    const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, TEXT);
    assert.deepEqual(service.profilingDiagnostics(doc, { fsPath }), []);
    store.setFailure(prm, { kind: 'unsupported-operator', message: 'ORT has no kernel for Foo' });
    store.setFailure(gen, { kind: 'timeout', message: 'took too long' });
    const d = service.profilingDiagnostics(doc, { fsPath });
    assert.deepEqual(
      d.map((x) => [x.code, x.severity, x.source, x.message, doc.getText(x.range), x.data]),
      [
        ['profile-timeout', 2, 'ttc-lens profiler', 'took too long', 'models/gen.onnx', { kind: 'timeout', modelPath: gen }],
        ['profile-unsupported-operator', 1, 'ttc-lens profiler', 'ORT has no kernel for Foo', 'models/prm.onnx', { kind: 'unsupported-operator', modelPath: prm }],
      ],
    );
    // No file path (an unsaved document) or no measurements host: nothing.
    assert.deepEqual(service.profilingDiagnostics(doc), []);
    assert.deepEqual(getLanguageService({}).profilingDiagnostics(doc, { fsPath }), []);
  });

  it('the hover on a model path appends the measured numbers after the describeModel sections', async () => {
    const store = new MeasurementStore();
    const service = getLanguageService({ fileExists: () => true, describeModel: async () => ['**Static analysis**'], measurements: hostOf(store) });
    const doc = TextDocument.create('file:///ws/a.ttc.yaml', 'ttc', 1, TEXT);
    const hoverAt = async (needle: string) => ((await service.hover(doc, doc.positionAt(TEXT.indexOf(needle) + 2), { fsPath }))!.contents as MarkupContent).value;
    assert.match(await hoverAt('models/gen.onnx'), /\*\*Static analysis\*\*\n\n_Latency not measured yet: run \*\*TTC Lens: Profile Models\*\*\._$/);
    store.setMeasured(gen, { batch: 2 }, { profile, cached: false });
    const v = await hoverAt('models/gen.onnx');
    assert.match(v, /\*\*Static analysis\*\*\n\n\*\*Measured on this machine\*\*/);
    // A shape-only description gets no measured part.
    assert.doesNotMatch(await hoverAt('models/config.json'), /Latency|Measured/);
  });

  it('measuredHover: measured, failed, cached after a restart, not measured (trusted or not), not ONNX', async () => {
    const store = new MeasurementStore();
    assert.equal(await measuredHover(gen, {}, hostOf(store)), '_Latency not measured yet: run **TTC Lens: Profile Models**._');
    assert.equal(await measuredHover(gen, {}, hostOf(store, false)), '_Latency is not measured in an untrusted workspace._');
    assert.match((await measuredHover(gen, {}, hostOf(store, true, profile)))!, /Measured on this machine.*· cached/);
    assert.equal(await measuredHover(path.join(path.sep, 'ws', 'config.json'), {}, hostOf(store)), undefined);
    store.setFailure(gen, { kind: 'crashed', message: 'the process died' });
    assert.equal(await measuredHover(gen, {}, hostOf(store)), '**Profiling failed:** the process died');
    store.setMeasured(gen, {}, { profile, cached: false });
    assert.match((await measuredHover(gen, {}, hostOf(store)))!, /^\*\*Measured on this machine\*\*/);
  });

  it('measuredSummary: every measurement as a section, else the failure or what to do; nothing for other files', () => {
    assert.equal(measuredSummary(path.join(path.sep, 'ws', 'config.json'), [], undefined, true), undefined);
    assert.equal(measuredSummary(gen, [], { kind: 'crashed', message: 'died' }, true), '## Measured on this machine\n\nProfiling failed: died');
    assert.match(measuredSummary(gen, [], undefined, true)!, /_Not measured yet/);
    assert.equal(measuredSummary(gen, [], undefined, false), undefined);
    const two = measuredSummary(gen, [{ profile, cached: false }, { profile, cached: true }], { kind: 'crashed', message: 'died' }, true)!;
    assert.equal(two.match(/^## Measured on this machine/gm)?.length, 2);
    assert.doesNotMatch(two, /died/);
  });
});
