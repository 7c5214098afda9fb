import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderReference, withReference } from '../../../../server/src/core/config/reference';

const DOC = path.join(__dirname, '..', '..', '..', '..', 'docs', 'config.md');

describe('core/config/reference (docs/config.md)', () => {
  it('documents every key, approach and problem code', () => {
    const ref = renderReference();
    for (const s of ['`beam_width`', '`dvts`', '`cost_per_1k`', '`escalate`', '`dvts-divisibility`', '`file-not-found`']) assert.ok(ref.includes(s), s);
  });

  it('is up to date in docs/config.md (UPDATE_DOCS=1 rewrites it)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const want = withReference(doc);
    if (process.env.UPDATE_DOCS === '1' && want !== doc) {
      const tmp = `${DOC}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, want);
      fs.renameSync(tmp, DOC);
      return;
    }
    assert.equal(doc, want, 'docs/config.md is stale: run UPDATE_DOCS=1 npm run test:unit');
  });
});
