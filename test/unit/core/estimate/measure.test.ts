import { strict as assert } from 'node:assert';
import { BUSY_SHARE, takenWhileBusy } from '../../../../server/src/core/estimate/measure';

describe('core/estimate/measure: points taken while the machine was busy', () => {
  it('are measured again once the machine is quiet, and only then', () => {
    const cores = 2, limit = BUSY_SHARE * cores;
    assert.equal(takenWhileBusy({ load: [8.1, 7.6] }, cores, 0.4), true, 'cached at load 8, quiet now');
    assert.equal(takenWhileBusy({ load: [8.1, 7.6] }, cores, 6), false, 'still busy: measuring again would not be better');
    assert.equal(takenWhileBusy({ load: [0.3, limit + 0.1] }, cores, 0.2), true, 'busy by the end of the measurement');
    assert.equal(takenWhileBusy({ load: [0.3, 0.9] }, cores, 0.2), false, 'taken quiet: kept');
    assert.equal(takenWhileBusy({}, cores, 0.2), false, 'no load recorded: kept');
    assert.equal(takenWhileBusy(undefined, cores, 0.2), false);
  });
});
