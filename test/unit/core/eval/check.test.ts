import assert from 'node:assert/strict';
import { parseConfig } from '../../../../server/src/core/config/parse';
import { checkSetting, ownSetting } from '../../../../server/src/core/eval/check';
import type { PointRow } from '../../../../server/src/core/eval/report';
import { buildQualityModel } from '../../../../server/src/core/quality/model';

const cfg = (strategy: string) => parseConfig(`version: 1\nmodels: { rec: { path: r.onnx } }\nstrategy: ${strategy}\n`).config;

const point = (accuracy: number, problems = 80): PointRow => ({ strategy: 'tta', n: 2, accuracy, problems, latency_p50_ms: 90, latency_p95_ms: 120, latency_mean_ms: 95, cer: 0.02, views_mean: 2, helped: 0, hurt: 0 });

describe('core/eval/check', () => {
  it("names the config's own setting, or why the eval cannot run it", () => {
    assert.deepEqual(ownSetting(cfg('{ approach: tta, model: rec, views: 2 }'), 8), { strategy: 'tta', n: 2 });
    assert.deepEqual(ownSetting(cfg('{ approach: tta, model: rec, views: 1 }'), 8), { strategy: 'single', n: 1 });
    assert.deepEqual(ownSetting(cfg('{ approach: early_exit, model: rec, max_n: 4 }'), 8), { strategy: 'early_exit', n: 4 });
    assert.match((ownSetting(cfg('{ approach: tta, model: rec, views: 16 }'), 8) as { error: string }).error, /needs 16 views; the eval defines 8/);
    assert.match((ownSetting(cfg('{ approach: cascade, stages: [{ model: rec }] }'), 8) as { error: string }).error, /cascade is not one/);
  });

  it('compares the measured accuracy with the band of the fitted curve', () => {
    const model = buildQualityModel('exact_match', {
      points: [
        { strategy: 'tta', n: 2, accuracy: 0.82, problems: 80 },
        { strategy: 'tta', n: 4, accuracy: 0.84, problems: 80 },
        { strategy: 'tta', n: 8, accuracy: 0.85, problems: 80 },
      ],
    }, { bootstrap: 200 });
    const inside = checkSetting({ strategy: 'tta', n: 2 }, model, point(0.83), true);
    assert.ok(inside.predicted && inside.predicted.lo < 0.83 && inside.predicted.hi > 0.83, JSON.stringify(inside.predicted));
    assert.equal(inside.within, true);
    assert.match(inside.predicted!.curve, /^tta \(/);
    assert.ok(Math.abs(inside.samplingSd! - Math.sqrt((inside.predicted!.accuracy * (1 - inside.predicted!.accuracy)) / 80)) < 1e-12);
    assert.deepEqual(inside.notes, []);
    const outside = checkSetting({ strategy: 'tta', n: 2 }, model, point(0.4), false);
    assert.equal(outside.within, false);
    assert.ok(outside.notes.some((n) => /not an independent one/.test(n)));
    const none = checkSetting({ strategy: 'early_exit', n: 2 }, model, point(0.8), true);
    assert.equal(none.within, undefined);
    assert.ok(none.notes.some((n) => /no curve for early_exit/.test(n)));
  });
});
