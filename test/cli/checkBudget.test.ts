/**
 * `ttc-lens check` fails a config whose estimate breaches its budget (CI), from cached measurements or
 * the roofline — nothing runs — and `--no-budget` turns that off.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../unit/core/onnx/helpers';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
const DECODER = path.join(ROOT, 'examples', 'models', 'decoder-tiny.onnx');

const cli = (args: string[]) => runCli(['check', ...args], { timeout: 60_000 });

describe('cli: ttc-lens check — budgets', function () {
  this.timeout(60_000);

  it('a breached budget is an error on the budget and on the driving value; --no-budget skips it', async () => {
    const t = tempDir('ttc-check-budget-');
    try {
      const file = path.join(t.dir, 'tight.ttc.yaml');
      writeFileSync(file, `version: 1\nmodels: { g: { path: ${DECODER} } }\nstrategy: { approach: best_of_n, model: g, n: 16 }\nworkload: { prompt_tokens: 64, output_tokens: 64 }\nbudget: { latency: { p95: 1ms } }\n`);
      const cache = path.join(t.dir, 'cache');
      const r = await cli([file, '--format', 'json', '--cache-dir', cache]);
      assert.equal(r.code, 1, r.stderr);
      const findings = JSON.parse(r.stdout) as Array<{ code: string; line: number; message: string }>;
      const budget = findings.filter((f) => f.code === 'budget-latency-p95');
      assert.deepEqual(budget.map((f) => f.line).sort(), [3, 5]);
      assert.match(budget[0].message, /p95 latency ≈ .* exceeds the budget of 1\.0 ms \(\d+% over\)/);
      const off = await cli([file, '--no-budget', '--cache-dir', cache]);
      assert.equal(off.code, 0, off.stdout + off.stderr);
      const fits = path.join(t.dir, 'fits.ttc.yaml');
      writeFileSync(fits, `version: 1\nmodels: { g: { path: ${DECODER} } }\nstrategy: { approach: single, model: g }\nworkload: { prompt_tokens: 16, output_tokens: 8 }\nbudget: { latency: { p95: 60s } }\n`);
      assert.equal((await cli([fits, '--cache-dir', cache])).code, 0);
    } finally {
      t.cleanup();
    }
  });
});
