/**
 * Issue 9, points 5 and 11: the profiler process ends when its parent is killed, even inside a long
 * `session.run`; and ONNX Runtime writes no device id / telemetry queue anywhere.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataType, writeModel, type ModelSpec } from '../../../server/src/core/onnx/writer';

const POOL = path.join(__dirname, '../../../server/src/core/profile/pool.ts');

/** A chain of n×n MatMuls of the input with itself: one run is over 10 s of native work (2048, 48). */
function slowModel(n: number, steps: number): ModelSpec {
  const nodes = [];
  let prev = 'x';
  for (let i = 0; i < steps; i++) {
    const out = i === steps - 1 ? 'y' : `h${i}`;
    nodes.push({ op: 'MatMul', inputs: [prev, 'x'], outputs: [out] });
    prev = out;
  }
  return {
    opsets: { '': 17 },
    graph: {
      name: 'slow',
      nodes,
      inputs: [{ name: 'x', dtype: DataType.FLOAT, shape: [n, n] }],
      outputs: [{ name: 'y', dtype: DataType.FLOAT, shape: [n, n] }],
    },
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pred();
}

describe('profiler process: orphans and telemetry (issue 9)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ttc-orphan-'));
    await writeModel(path.join(dir, 'slow.onnx'), slowModel(2048, 48));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits within seconds when its parent is SIGKILLed during a long session.run, and leaves no ORT device id', async () => {
    const home = path.join(dir, 'home');
    // The parent: a pool running the worker's source, one long measurement; it prints the worker pid
    // once the measurement is under way.
    const code = `
      const { ProfilerPool } = require(${JSON.stringify(POOL)});
      const pool = new ProfilerPool();
      pool.request({ type: 'measure', options: { modelPath: ${JSON.stringify(path.join(dir, 'slow.onnx'))}, threads: 1, maxTimeMs: 600000, targetCi: 0.0001, opProfile: false, decoder: false } },
        { onProgress: (m) => { if (m === 'measuring') console.log('PID ' + pool.pids()[0]); } });
    `;
    const parent = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', code], {
      env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ORT_DISABLE_TELEMETRY: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.on('data', (d) => {
        out += d;
        const m = /PID (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.on('exit', (c) => reject(new Error(`parent exited (${c}) before measuring: ${out}`)));
    });
    assert.ok(alive(pid));
    // Let the worker get deep into a run (each run of this model is seconds of MatMul).
    await new Promise((r) => setTimeout(r, 1500));
    parent.kill('SIGKILL');
    const gone = await until(() => !alive(pid), 5000);
    if (!gone) process.kill(pid, 'SIGKILL');
    assert.ok(gone, 'the profiler process outlived its parent');
    // ORT_DISABLE_TELEMETRY was cleared in the parent's environment: the pool and the worker set it.
    const ms = path.join(home, '.cache', 'Microsoft');
    assert.equal(existsSync(ms), false, `ORT wrote ${existsSync(ms) ? readdirSync(ms, { recursive: true }).join(', ') : ''}`);
  });
});
