// `npm run bench -- ocrEval`: `ttc-lens eval examples/ocr-eval.ttc.yaml` (PaddleOCR's PP-OCRv4
// recognizer on the 80 committed lines; dist/ from `npm run bench`'s build) and the facts it should
// keep: no test-time-compute setting reads fewer lines exactly than the single pass, TTA helps at
// some n, and the cascade's median latency stays near the single pass's. Prints one JSON object.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'eval', join(root, 'examples', 'ocr-eval.ttc.yaml'), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const j = JSON.parse(r.stdout);
const single = j.points.find((p) => p.strategy === 'single');
const rows = j.points.map((p) => ({ setting: `${p.strategy} n=${p.n}`, accuracy: p.accuracy, cer: p.cer, p50_ms: p.latency_p50_ms, p95_ms: p.latency_p95_ms, views: p.views_mean, helped: p.helped, hurt: p.hurt }));
const facts = {
  noSettingBelowSinglePass: j.points.every((p) => p.accuracy >= single.accuracy),
  ttaHelpsAtSomeN: j.points.some((p) => p.strategy === 'tta' && p.accuracy > single.accuracy),
  cascadeP50WithinTwiceSingle: j.points.filter((p) => p.strategy === 'cascade').every((p) => p.latency_p50_ms <= 2 * single.latency_p50_ms),
};
process.stdout.write(JSON.stringify({ lines: single.problems, loadAverage: j.load_average, threads: j.env.threads, rows, facts, helped: j.problems.filter((p) => p.helped_by.length).map((p) => ({ id: p.id, by: p.helped_by })) }) + '\n');
process.exitCode = Object.values(facts).every(Boolean) ? 0 : 1;
