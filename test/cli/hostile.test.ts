/**
 * Issue 9 against the real CLI (a process, from source through tsx): FIFOs, `/dev/zero`, huge and
 * truncated files, bad bindings, timer overflow, memory guard, file contents never echoed, messages.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, symlinkSync, writeFileSync, ftruncateSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs as parseMeasured } from '../../server/src/cli/profileMeasured';
import { parseArgs as parseStatic } from '../../server/src/cli/profileStatic';
import { parseBindings, validBindings } from '../../server/src/core/bindings';
import { readModelBytes } from '../../server/src/core/onnx/reader';
import { formatBytes, formatCount } from '../../server/src/core/onnx/format';
import { parseConfig } from '../../server/src/core/config/parse';
import { parseSamples } from '../../server/src/core/profile/inputs';
import { ProfilerPool } from '../../server/src/core/profile/pool';
import { tempDir } from '../unit/core/onnx/helpers';
import { writeManyNodeModel } from '../unit/core/onnx/manyNodes';
import { runCli } from './run';

const ROOT = path.join(__dirname, '..', '..');
// FIFOs (mkfifo) and /dev/zero exist only on POSIX systems: on Windows those three tests skip, since
// the hostile files they need cannot be made there (CI and this project's machines are Linux).
const posix = process.platform !== 'win32';

const cli = (args: string[], timeout = 60_000) => runCli(args, { timeout, killedCode: 124 });

describe('cli: hostile inputs (issue 9)', function () {
  this.timeout(120_000);
  const t = tempDir('ttc-cli-hostile-');
  const p = (n: string) => path.join(t.dir, n);
  before(() => {
    copyFileSync(path.join(ROOT, 'examples/models/classifier-small.onnx'), p('ok.onnx'));
    const whole = readFileSync(p('ok.onnx'));
    writeFileSync(p('truncated.onnx'), whole.subarray(0, Math.floor(whole.length / 3)));
    mkdirSync(p('folder.onnx'));
    if (posix) {
      execFileSync('mkfifo', [p('fifo.onnx')]);
      execFileSync('mkfifo', [p('fifo.ttc.yaml')]);
      symlinkSync('/dev/zero', p('zero.onnx'));
    }
    // A 3 GB config (sparse: no disk used) must be refused by its size, before any read.
    const fd = openSync(p('huge.ttc.yaml'), 'w');
    ftruncateSync(fd, 3 * 2 ** 30);
    closeSync(fd);
    for (const m of ['folder', 'fifo', 'truncated', 'ok']) writeFileSync(p(`model-${m}.ttc.yaml`), `version: 1\nmodels:\n  m: { path: ${m}.onnx }\n`);
    writeFileSync(p('secret.json'), '{"password": "SECRET-VALUE-4711", oops');
  });
  after(() => t.cleanup());

  it('profile --static on a FIFO or a /dev/zero symlink exits 1 at once, naming what the file is', async function () {
    if (!posix) this.skip();
    const fifo = await cli(['profile', p('fifo.onnx'), '--static']);
    assert.equal(fifo.code, 1, fifo.stderr);
    assert.match(fifo.stderr, /FIFO/);
    const zero = await cli(['profile', p('zero.onnx'), '--static']);
    assert.equal(zero.code, 1, zero.stderr);
    assert.match(zero.stderr, /special \(kernel or device\) file/);
    assert.doesNotMatch(zero.stderr, /empty file/);
    const mem = await cli(['profile', '/proc/self/mem', '--static']);
    assert.match(mem.stderr, /special \(kernel or device\) file/);
  });

  it('measured profile of a /dev/zero symlink or a FIFO fails fast (no endless hashing)', async function () {
    if (!posix) this.skip();
    for (const f of ['zero.onnx', 'fifo.onnx']) {
      const r = await cli(['profile', p(f), '--cache-dir', p('cache'), '--max-time', '200'], 30_000);
      assert.equal(r.code, 1, `${f}: ${r.stderr}`);
      assert.ok(r.ms < 30_000);
    }
  });

  it('profile --static and check answer a 400,000-node model at once (a count, not a read)', async () => {
    writeManyNodeModel(p('many.onnx'), 400_000);
    const r = await cli(['profile', p('many.onnx'), '--static']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /too large to analyse here \(400,000 nodes; the limit is 250,000: pass --max-nodes 400000/);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
    assert.equal(parseStatic(['m.onnx', '--max-nodes', '400000']).maxNodes, 400_000);
    assert.match(parseStatic(['m.onnx', '--max-nodes', '-3']).error!, /--max-nodes/);
    writeFileSync(p('model-many.ttc.yaml'), 'version: 1\nmodels:\n  m: { path: many.onnx }\n');
    const c = await cli(['check', p('model-many.ttc.yaml')]);
    assert.equal(c.code, 0, c.stdout);
    assert.ok(c.ms < 10_000, `${c.ms} ms`);
  });

  it('check refuses a FIFO config and a 3 GB config by type and size, without reading them', async function () {
    if (!posix) this.skip();
    const fifo = await cli(['check', p('fifo.ttc.yaml'), '--format', 'json'], 20_000);
    assert.equal(fifo.code, 1, fifo.stderr);
    assert.match(JSON.parse(fifo.stdout)[0].message, /FIFO/);
    const zero = await cli(['check', '/dev/zero', '--format', 'json'], 20_000);
    assert.equal(zero.code, 1, zero.stderr);
    assert.match(JSON.parse(zero.stdout)[0].message, /special \(kernel or device\) file/);
    const huge = await cli(['check', p('huge.ttc.yaml'), '--format', 'json'], 20_000);
    assert.equal(huge.code, 1, huge.stderr);
    const f = JSON.parse(huge.stdout)[0];
    assert.equal(f.code, 'too-large');
    assert.ok(huge.ms < 20_000);
  });

  it('check: a model that is a folder, a FIFO or a truncated file is an error (exit 1); a good one is not', async () => {
    for (const m of ['folder', 'truncated', ...(posix ? ['fifo'] : [])]) {
      const r = await cli(['check', p(`model-${m}.ttc.yaml`), '--format', 'json'], 20_000);
      assert.equal(r.code, 1, `${m}: ${r.stdout}`);
      const codes = JSON.parse(r.stdout).map((x: { code: string }) => x.code);
      assert.ok(codes.includes('model-file-invalid'), `${m}: ${codes}`);
    }
    const ok = await cli(['check', p('model-ok.ttc.yaml')], 20_000);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('one binding parser: non-positive, non-integer and absurd values are refused everywhere', async () => {
    const into: Record<string, number> = {};
    assert.equal(parseBindings('batch=4, sequence = 128', into), undefined);
    assert.deepEqual(into, { batch: 4, sequence: 128 });
    for (const bad of ['batch=-1', 'batch=0', 'batch=1.5', 'batch=1e20', 'batch=0x10', 'batch=99999999999', 'batch=', '=3', 'batch']) {
      assert.ok(parseBindings(bad, {}), bad);
      assert.ok(parseStatic(['m.onnx', '--bind', bad]).error, `--static ${bad}`);
      assert.throws(() => parseMeasured(['m.onnx', '--bind', bad]), /--bind/, `measured ${bad}`);
    }
    assert.deepEqual(validBindings({ batch: 2, seq: -1, x: 1.5, y: 'a', z: 1e20 }), { batch: 2 });
    const r = await cli(['profile', p('ok.onnx'), '--static', '--bind', 'batch=-1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /batch: the value must be a positive whole number/);
  });

  it('--max-time past Node timer range is clamped; a huge request timeout no longer fires at once', async () => {
    assert.equal(parseMeasured(['m.onnx', '--max-time', '300000000']).opts.maxTimeMs, 86_400_000);
    const pool = new ProfilerPool({ workerPath: path.join(ROOT, 'test/unit/core/profile/fixtures/fakeWorker.js') });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const r = await pool.request<{ echo: string }>({ type: 'measure', options: { modelPath: 'echo' } }, { timeoutMs: 3e9 });
      assert.ok(r.ok, JSON.stringify(r));
    } finally {
      process.off('warning', onWarning);
      await pool.dispose();
    }
    assert.ok(!warnings.includes('TimeoutOverflowWarning'), warnings.join());
  });

  it('the memory guard refuses before building inputs (--bind batch=2147483647; --max-memory)', async () => {
    const huge = await cli(['profile', p('ok.onnx'), '--bind', 'batch=2147483647', '--cache-dir', p('cache'), '--max-time', '200', '--json'], 60_000);
    assert.equal(huge.code, 1, huge.stderr);
    const j = JSON.parse(huge.stdout);
    assert.equal(j.failure.kind, 'out-of-memory');
    assert.match(j.failure.message, /would need .* more than the .* limit; bind smaller dimensions/);
    const small = await cli(['profile', p('ok.onnx'), '--bind', 'batch=100000', '--max-memory', '1', '--cache-dir', p('cache'), '--max-time', '200', '--json'], 60_000);
    assert.equal(small.code, 1, small.stderr);
    assert.match(JSON.parse(small.stdout).failure.message, /more than the 1\.0 MiB limit/);
  });

  it('never prints the contents of a file it was pointed at (--samples, a description)', async () => {
    assert.throws(() => parseSamples('root:x:0:0:SECRET-VALUE-4711:/root:/bin/bash', '/etc/passwd'), (e: Error) => !e.message.includes('SECRET') && !e.message.includes('root:x') && /not valid JSON/.test(e.message));
    const r = await cli(['profile', p('ok.onnx'), '--samples', p('secret.json'), '--cache-dir', p('cache'), '--max-time', '200'], 60_000);
    assert.equal(r.code, 1);
    assert.ok(!(r.stdout + r.stderr).includes('SECRET'), r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes('password'), r.stderr);
    const d = await cli(['profile', p('secret.json'), '--static'], 30_000);
    assert.ok(!(d.stdout + d.stderr).includes('SECRET'), d.stderr);
  });

  it('messages: no negative sizes or field numbers, "one config per file", no "1.3e+24 T"', () => {
    const err = (b: number[]) => {
      try {
        readModelBytes(Buffer.from(b));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const len = err([0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.match(len, /declares a length beyond 2\^63/);
    assert.doesNotMatch(len, /-1/);
    const tag = err([0x08, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]);
    assert.match(tag, /invalid field tag/);
    assert.doesNotMatch(tag, /field number -/);
    const multi = parseConfig('version: 1\n---\nversion: 1\n').problems.map((x) => x.message).join('\n');
    assert.match(multi, /one config per file/);
    assert.doesNotMatch(multi, /parseAllDocuments/);
    assert.equal(formatCount(1.3e24), '1.30 × 10^24');
    assert.equal(formatCount(2.5e12), '2.50 T');
    assert.equal(formatBytes(2 ** 80), '1.21 × 10^24 B');
    assert.equal(formatBytes(3 * 2 ** 40), '3.00 TiB');
  });
});
