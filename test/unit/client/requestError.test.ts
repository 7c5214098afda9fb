import * as assert from 'node:assert/strict';
import { requestErrorMessage } from '../../../client/src/requestError';

describe('client/requestError', () => {
  it('explains a method the server does not have', () => {
    assert.match(requestErrorMessage({ code: -32601, message: 'Unhandled method ttcLens/modelSummary' })!, /does not support it \(Unhandled method ttcLens\/modelSummary\)/);
  });
  it('says nothing when the user cancelled', () => {
    assert.equal(requestErrorMessage({ code: -32800, message: 'Request cancelled' }), undefined);
    assert.equal(requestErrorMessage({ name: 'Canceled', message: 'Canceled' }), undefined);
  });
  it('tells how to recover from a stopped server', () => {
    assert.match(requestErrorMessage(new Error('Connection is closed.'))!, /Restart Server/);
    assert.match(requestErrorMessage({ code: -32802, message: 'x' })!, /try again/);
  });
  it('passes other messages through, whatever was thrown', () => {
    assert.equal(requestErrorMessage(new Error('model not found: a.onnx')), 'model not found: a.onnx');
    assert.equal(requestErrorMessage('boom'), 'boom');
    assert.equal(requestErrorMessage(undefined), 'undefined');
  });
});
