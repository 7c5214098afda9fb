/**
 * `ttc-lens profile` (measured) run as a real process from source through tsx, on generated models.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../../server/src/cli/profileMeasured';
import { writeTestModels, type TestModels } from '../unit/worker/models';
import { runCli } from './run';


const cli = (args: string[]) => runCli(['profile', ...args], { timeout: 90_000 });

describe('cli: ttc-lens profile (measured)', function () {
  this.timeout(120_000);
  let m: TestModels;
  let cacheDir: string;
  before(async () => {
    m = await writeTestModels();
    cacheDir = path.join(m.dir, 'cli-cache');
  });
  after(() => m?.cleanup());

  it('parses options and rejects bad ones', () => {
    const p = parseArgs(['m.onnx', '--bind', 'batch=4', '--bind', 'sequence=16', '--threads', '1', '--ep', 'CPU', '--max-time', '300', '--sweep-batch', '1,2', '--sweep-dim', 'sequence=8,16', '--no-ops', '--json']);
    assert.equal(p.model, 'm.onnx');
    assert.deepEqual(p.opts.bind, { batch: 4, sequence: 16 });
    assert.equal(p.opts.ep, 'cpu');
    assert.deepEqual(p.opts.sweep, { batch: [1, 2], dim: { name: 'sequence', values: [8, 16] } });
    assert.equal(p.opts.opProfile, false);
    assert.ok(p.json);
    assert.throws(() => parseArgs(['--bind', 'batch']), /name=value/);
    assert.throws(() => parseArgs(['--threads', '0']), /≥ 1/);
    assert.throws(() => parseArgs(['--sweep-batch', '1,x']), /positive integers/);
    assert.throws(() => parseArgs(['a.onnx', 'b.onnx']), /one model at a time/);
    assert.throws(() => parseArgs(['--frobnicate']), /unknown option/);
  });

  it('measures a model, prints JSON, caches it, and measures again with --no-cache', async () => {
    const args = [m.mlp, '--max-time', '300', '--bind', 'batch=2', '--json', '--cache-dir', cacheDir];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    const j = JSON.parse(first.stdout);
    assert.equal(j.ok, true);
    assert.equal(j.cached, false);
    assert.deepEqual(j.profile.fed[0].dims, [2, 32]);
    assert.ok(j.profile.stats.p50 > 0);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith('.json')).length, 1);
    const second = await cli(args);
    assert.equal(JSON.parse(second.stdout).cached, true);
    const third = await cli([...args, '--no-cache']);
    assert.equal(JSON.parse(third.stdout).cached, false);
  });

  it('prints a readable report with the fingerprint', async () => {
    const r = await cli([m.conv, '--max-time', '200', '--sweep-batch', '1,2', '--cache-dir', cacheDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /latency\s+p50 [\d.]+ ms, p90/);
    assert.match(r.stdout, /operators\s+\w+ \d/);
    assert.match(r.stdout, /sweep\s+batch: 1 → [\d.]+ ms, 2 → /);
    assert.match(r.stdout, /machine\s+.*ONNX Runtime 1\.\d+\.\d+, EP cpu, \d+ threads?, graph optimization all/);
  });

  it('an unusable EP falls back to CPU with the reason', async () => {
    const r = await cli([m.mlp, '--ep', 'tensorrt', '--max-time', '200', '--no-ops', '--cache-dir', cacheDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning\s+tensorrt is not usable on this machine \(.+\); measured on CPU instead/);
  });

  it('reports failures with exit code 1 and usage errors with 2', async () => {
    const bad = await cli([m.badOp, '--cache-dir', cacheDir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Operator not supported by ONNX Runtime: .*DefinitelyNotAnOnnxOp/);
    const missing = await cli([path.join(m.dir, 'nope.onnx'), '--cache-dir', cacheDir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Model file not found/);
    const usage = await cli([]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /which model\?/);
  });

  it('lists execution providers', async () => {
    const r = await cli(['--eps', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const eps = JSON.parse(r.stdout).eps as Array<{ name: string; usable: boolean }>;
    assert.ok(eps.find((e) => e.name === 'cpu')?.usable);
  });
});
