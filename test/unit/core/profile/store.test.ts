import * as assert from 'node:assert/strict';
import type { MeasuredProfile, ProfileFailure } from '../../../../server/src/core/profile/protocol';
import { MeasurementStore, type FactsChange } from '../../../../server/src/core/profile/store';

const profile = (p50: number) => ({ modelPath: '/m/a.onnx', stats: { p50 } }) as unknown as MeasuredProfile;
const crash: ProfileFailure = { kind: 'crashed', message: 'the profiler process exited' };

describe('core/profile/store (measurements as data, per server)', () => {
  let store: MeasurementStore;
  let events: FactsChange[];
  beforeEach(() => {
    store = new MeasurementStore();
    events = [];
    store.onDidChange((e) => events.push(e));
  });

  it('keeps a measurement per file and bindings; modelFacts answers for exactly those bindings', () => {
    assert.deepEqual(store.modelFacts('/m/a.onnx', { batch: 1 }), { measuring: false });
    store.setMeasured('/m/a.onnx', { batch: 1, seq: 8 }, { profile: profile(1), cached: false });
    store.setMeasured('/m/a.onnx', { batch: 4 }, { profile: profile(3), cached: true });
    // Key order of the bindings does not matter.
    assert.deepEqual(store.modelFacts('/m/a.onnx', { seq: 8, batch: 1 }), { measured: { profile: profile(1), cached: false }, measuring: false });
    assert.equal(store.modelFacts('/m/a.onnx', { batch: 2 }).measured, undefined);
    assert.equal(store.modelFacts('/m/b.onnx', { batch: 4 }).measured, undefined);
    assert.deepEqual(store.measurements('/m/a.onnx').map((m) => m.profile.stats.p50), [1, 3]);
    // A new measurement under the same bindings replaces the old one in place.
    store.setMeasured('/m/a.onnx', { batch: 1, seq: 8 }, { profile: profile(2), cached: false });
    assert.deepEqual(store.measurements('/m/a.onnx').map((m) => m.profile.stats.p50), [2, 3]);
    assert.deepEqual(events.map((e) => e.paths), [['/m/a.onnx'], ['/m/a.onnx'], ['/m/a.onnx']]);
  });

  it('a failure is per file, cleared by a later success; forget drops everything about a file', () => {
    store.setFailure('/m/a.onnx', crash);
    assert.equal(store.hasFailures(), true);
    assert.deepEqual(store.modelFacts('/m/a.onnx', {}), { failure: crash, measuring: false });
    assert.deepEqual(store.failure('/m/a.onnx'), crash);
    store.setMeasured('/m/a.onnx', {}, { profile: profile(1), cached: false });
    assert.equal(store.failure('/m/a.onnx'), undefined);
    assert.equal(store.hasFailures(), false);
    store.setMeasured('/m/b.onnx', {}, { profile: profile(5), cached: false });
    store.setFailure('/m/a.onnx', crash);
    store.forget('/m/a.onnx');
    assert.deepEqual(store.modelFacts('/m/a.onnx', {}), { measuring: false });
    assert.deepEqual(store.measurements('/m/a.onnx'), []);
    assert.equal(store.measurements('/m/b.onnx').length, 1, 'another file is kept');
    assert.deepEqual(events.map((e) => e.paths[0]), ['/m/a.onnx', '/m/a.onnx', '/m/b.onnx', '/m/a.onnx', '/m/a.onnx']);
  });

  it('in-flight measurements: counted per file, each end once, with a change event at start and end', () => {
    const end1 = store.begin('/m/a.onnx');
    const end2 = store.begin('/m/a.onnx');
    assert.deepEqual(store.inFlight(), ['/m/a.onnx']);
    assert.equal(store.modelFacts('/m/a.onnx', {}).measuring, true);
    end1();
    end1();
    assert.equal(store.modelFacts('/m/a.onnx', {}).measuring, true, 'one of two still runs');
    end2();
    assert.deepEqual(store.inFlight(), []);
    assert.equal(store.modelFacts('/m/a.onnx', {}).measuring, false);
    assert.equal(events.length, 4);
  });

  it('listeners can be disposed, and a throwing listener does not stop the others', () => {
    const other = new MeasurementStore();
    const seen: string[] = [];
    other.onDidChange(() => {
      throw new Error('broken');
    });
    const sub = other.onDidChange((e) => seen.push(...e.paths));
    other.setFailure('/m/a.onnx', crash);
    sub.dispose();
    other.forget('/m/a.onnx');
    assert.deepEqual(seen, ['/m/a.onnx']);
  });

  it('two stores share nothing (one per server, no module state)', () => {
    store.setFailure('/m/a.onnx', crash);
    assert.equal(new MeasurementStore().hasFailures(), false);
  });
});
