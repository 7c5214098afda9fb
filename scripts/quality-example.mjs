// Writes examples/results/math-per-problem.jsonl: synthetic per-problem counts for the quality example
// (`node scripts/quality-example.mjs`). Not a real eval: 200 problems whose success rates are drawn
// from a mix of an easy Beta(4, 2) (45%) and a hard Beta(0.3, 3) (55%): pass@1 ≈ 0.35, about a 1B model on MATH-500, each sampled 16 times (no
// `difficulty`: optimize estimates it from the counts). Seeded (mulberry32, as server/src/core/random.ts).
import { writeFileSync } from 'node:fs';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(15);
const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
function gamma(k) {
  if (k < 1) return gamma(k + 1) * Math.pow(Math.max(rng(), 1e-300), 1 / k);
  const d = k - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do { x = normal(); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    if (Math.log(rng()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const beta = (a, b) => { const x = gamma(a), y = gamma(b); return x / (x + y); };
const lines = [];
for (let i = 0; i < 200; i++) {
  const p = rng() < 0.45 ? beta(4, 2) : beta(0.3, 3);
  let correct = 0;
  for (let j = 0; j < 16; j++) if (rng() < p) correct++;
  lines.push(JSON.stringify({ id: `math-${String(i).padStart(3, '0')}`, correct, total: 16 }));
}
writeFileSync(new URL('../examples/results/math-per-problem.jsonl', import.meta.url), lines.join('\n') + '\n');
