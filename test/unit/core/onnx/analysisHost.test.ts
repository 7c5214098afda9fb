/**
 * core/onnx/analysisHost.ts (issue 9, point 3): static analysis in a worker thread, bounded in time,
 * memory and size, with a cache capped by bytes. Real models, the real worker (TypeScript source
 * through tsx).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AnalysisError, StaticAnalyzer } from '../../../../server/src/core/onnx/analysisHost';
import { tempDir } from './helpers';
import { writeManyNodeModel } from './manyNodes';

const EXAMPLES = path.join(__dirname, '../../../../examples/models');

describe('core/onnx/analysisHost (static analysis off the main thread)', function () {
  this.timeout(120_000);
  const t = tempDir('ttc-analysis-');
  const p = (n: string) => path.join(t.dir, n);
  before(() => {
    copyFileSync(path.join(EXAMPLES, 'decoder-tiny.onnx'), p('decoder.onnx'));
    copyFileSync(path.join(EXAMPLES, 'classifier-small.onnx'), p('small.onnx'));
    writeManyNodeModel(p('many.onnx'), 200_000);
    writeManyNodeModel(p('huge.onnx'), 400_000);
    writeFileSync(p('truncated.onnx'), Buffer.from([0x08, 0x08, 0x3a, 0x80, 0x01, 0x0a]));
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [p('fifo.onnx')]);
      symlinkSync('/dev/zero', p('zero.onnx'));
    }
  });
  after(() => t.cleanup());

  it('answers summaries from the worker, caches them (peek), and reports bad files as AnalysisError', async () => {
    const a = new StaticAnalyzer();
    try {
      assert.equal(a.peek(p('decoder.onnx')), undefined);
      const s = await a.get(p('decoder.onnx'), { batch: 1, sequence: 64 });
      assert.equal(s.nodes, 146);
      assert.equal(a.peek(p('decoder.onnx'), { batch: 1, sequence: 64 })?.nodes, 146);
      await a.get(p('decoder.onnx'), { batch: 1, sequence: 64 });
      assert.equal(a.counts.hits, 1);
      await assert.rejects(a.get(p('truncated.onnx')), (e: unknown) => e instanceof AnalysisError && /truncated|end of file|remain/.test(e.message));
      await assert.rejects(a.get(p('gone.onnx')), /model file not found/);
      if (process.platform !== 'win32') {
        await assert.rejects(a.get(p('fifo.onnx')), /FIFO/);
        await assert.rejects(a.get(p('zero.onnx')), /special \(kernel or device\) file/);
      }
    } finally {
      await a.dispose();
    }
  });

  it('refuses a model past the node limit after a quick count: "too large to analyse here (N nodes)"', async () => {
    const a = new StaticAnalyzer({ maxNodes: 250_000 });
    try {
      const t0 = Date.now();
      await assert.rejects(a.get(p('huge.onnx')), (e: unknown) => e instanceof AnalysisError && e.tooLarge === 400_000 && /too large to analyse here \(400,000 nodes; the limit is 250,000\)/.test(e.message));
      // Reading 400,000 nodes takes many seconds here; counting them does not.
      assert.ok(Date.now() - t0 < 5_000, `${Date.now() - t0} ms`);
    } finally {
      await a.dispose();
    }
  });

  it('a request past its time limit stops the thread; the next request gets a fresh one', async () => {
    const a = new StaticAnalyzer({ timeoutMs: 100 });
    try {
      await assert.rejects(a.get(p('many.onnx')), /took longer than 100 ms and was stopped/);
      assert.equal(a.counts.timeouts, 1);
      const s = await new StaticAnalyzer().get(p('small.onnx'));
      assert.ok(s.nodes > 0);
      // The same analyser recovers too (a new thread), given the time.
      a.opts.timeoutMs = 30_000;
      assert.ok((await a.get(p('small.onnx'))).nodes > 0);
      assert.equal(a.counts.restarts, 1);
    } finally {
      await a.dispose();
    }
  });

  it('a model that needs more memory than the thread may have fails alone (resourceLimits)', async () => {
    const a = new StaticAnalyzer({ maxHeapMb: 24 });
    try {
      await assert.rejects(a.get(p('many.onnx')), /ran out of memory \(limit 24 MB\)/);
      const b = new StaticAnalyzer();
      assert.ok((await b.get(p('small.onnx'))).nodes > 0);
      await b.dispose();
    } finally {
      await a.dispose();
    }
  });

  it('caps the cache by bytes, not entries', async () => {
    const a = new StaticAnalyzer({ maxCacheBytes: 64 * 1024 });
    try {
      for (let b = 1; b <= 40; b++) await a.get(p('decoder.onnx'), { batch: b, sequence: 16 });
      assert.ok(a.cachedBytes <= 64 * 1024, `${a.cachedBytes} bytes cached`);
      assert.ok(a.cachedBytes > 0);
      // The oldest went first.
      assert.equal(a.peek(p('decoder.onnx'), { batch: 1, sequence: 16 }), undefined);
      assert.ok(a.peek(p('decoder.onnx'), { batch: 40, sequence: 16 }));
    } finally {
      await a.dispose();
    }
  });
});
