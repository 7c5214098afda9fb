import * as assert from 'node:assert/strict';
import { parseStatus, statusPresentation } from '../../../client/src/status';

describe('client/status', () => {
  it('shows a spinner while the process starts, whatever the server said last', () => {
    const p = statusPresentation('starting', 'ok', 'ready');
    assert.match(p.text, /^\$\(loading~spin\) TTC Lens$/);
    assert.equal(p.background, undefined);
  });

  it('maps each server state to an icon and a background', () => {
    assert.match(statusPresentation('running', 'ok', 'ready').text, /\$\(check\)/);
    assert.match(statusPresentation('running', 'busy', 'profiling').text, /\$\(sync~spin\)/);
    const warn = statusPresentation('running', 'warning', 'model missing');
    assert.match(warn.text, /\$\(warning\)/);
    assert.equal(warn.background, 'statusBarItem.warningBackground');
    assert.match(warn.tooltip, /model missing/);
    const err = statusPresentation('running', 'error', 'runtime failed to load');
    assert.equal(err.background, 'statusBarItem.errorBackground');
    assert.match(err.tooltip, /runtime failed to load/);
  });

  it('says how to recover when the server is stopped', () => {
    const p = statusPresentation('stopped', undefined, 'spawn ENOENT');
    assert.match(p.text, /circle-slash/);
    assert.match(p.tooltip, /stopped: spawn ENOENT/);
    assert.match(p.tooltip, /Restart Server/);
  });

  it('treats a running server that has not reported yet as starting', () => {
    assert.match(statusPresentation('running', undefined, undefined).text, /loading~spin/);
  });

  it('accepts only well-formed status notifications', () => {
    assert.deepEqual(parseStatus({ state: 'busy', message: 'profiling 2 models' }), { state: 'busy', message: 'profiling 2 models' });
    assert.deepEqual(parseStatus({ state: 'ok' }), { state: 'ok', message: '' });
    assert.equal(parseStatus({ state: 'exploded', message: 'x' }), undefined);
    assert.equal(parseStatus(null), undefined);
    assert.equal(parseStatus('ok'), undefined);
    assert.equal(parseStatus({ state: 3 }), undefined);
  });
});
