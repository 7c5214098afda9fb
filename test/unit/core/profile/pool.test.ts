import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import * as path from 'node:path';
import { ProfilerPool } from '../../../../server/src/core/profile/pool';

const fake = (name = 'fakeWorker.js') => ({ workerPath: path.join(__dirname, 'fixtures', name) });
const req = (modelPath: string) => ({ type: 'measure' as const, options: { modelPath } });

describe('core/profile/pool', () => {
  it('answers requests in order on one process', async () => {
    const pool = new ProfilerPool(fake());
    try {
      const [a, b] = await Promise.all([pool.request<{ echo: string; pid: number }>(req('a')), pool.request<{ echo: string; pid: number }>(req('b'))]);
      assert.ok(a.ok && b.ok);
      assert.equal(a.value.echo, 'a');
      assert.equal(b.value.echo, 'b');
      assert.equal(a.value.pid, b.value.pid);
      assert.equal(pool.started, 1);
    } finally {
      await pool.dispose();
    }
  });

  it('a hang becomes a timeout, the process is replaced and the next request works', async () => {
    const pool = new ProfilerPool(fake());
    try {
      const progress: string[] = [];
      const r = await pool.request(req('hang'), { timeoutMs: 1000, onProgress: (m) => progress.push(m) });
      assert.ok(!r.ok);
      assert.equal(r.failure.kind, 'timeout');
      assert.deepEqual(progress, ['hanging']);
      const next = await pool.request<{ echo: string }>(req('ok'));
      assert.ok(next.ok && next.value.echo === 'ok');
      assert.equal(pool.started, 2);
    } finally {
      await pool.dispose();
    }
  });

  it('a dying process fails only its request, classified from its stderr', async () => {
    const pool = new ProfilerPool(fake());
    try {
      const oom = await pool.request(req('oom'));
      assert.ok(!oom.ok);
      assert.equal(oom.failure.kind, 'out-of-memory');
      const abort = await pool.request(req('abort'));
      assert.ok(!abort.ok);
      assert.equal(abort.failure.kind, 'crashed');
      assert.match(abort.failure.message, /SIGABRT/);
      const next = await pool.request<{ echo: string }>(req('fine'));
      assert.ok(next.ok);
    } finally {
      await pool.dispose();
    }
  });

  it('cancellation kills the running process; a queued request is dropped', async () => {
    const pool = new ProfilerPool(fake());
    try {
      const ac = new AbortController();
      const ac2 = new AbortController();
      const running = pool.request(req('hang'), { signal: ac.signal, onProgress: () => ac.abort() });
      const queued = pool.request(req('never'), { signal: ac2.signal });
      ac2.abort();
      const [r, q] = await Promise.all([running, queued]);
      assert.ok(!r.ok && r.failure.kind === 'cancelled');
      assert.ok(!q.ok && q.failure.kind === 'cancelled');
      const already = new AbortController();
      already.abort();
      const pre = await pool.request(req('x'), { signal: already.signal });
      assert.ok(!pre.ok && pre.failure.kind === 'cancelled');
      assert.ok((await pool.request(req('after'))).ok);
    } finally {
      await pool.dispose();
    }
  });

  it('a long-lived signal keeps no listener of finished requests (a CLI run sends dozens under one)', async () => {
    const pool = new ProfilerPool(fake());
    try {
      const ac = new AbortController();
      for (let i = 0; i < 15; i++) assert.ok((await pool.request(req(`r${i}`), { signal: ac.signal })).ok);
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    } finally {
      await pool.dispose();
    }
  });

  it('a runtime that cannot load is reported as runtime-load', async () => {
    const pool = new ProfilerPool(fake('brokenRuntimeWorker.js'));
    try {
      const r = await pool.request(req('x'));
      assert.ok(!r.ok);
      assert.equal(r.failure.kind, 'runtime-load');
    } finally {
      await pool.dispose();
    }
  });

  it('dispose fails pending work and refuses new work', async () => {
    const pool = new ProfilerPool(fake());
    const running = pool.request(req('hang'));
    await pool.dispose();
    const r = await running;
    assert.ok(!r.ok && r.failure.kind === 'cancelled');
    const after = await pool.request(req('x'));
    assert.ok(!after.ok && after.failure.kind === 'cancelled');
  });
});
