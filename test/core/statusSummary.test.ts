import * as assert from 'node:assert/strict';
import { statusCounts } from '../../src/extension/statusSummary';

describe('status bar tooltip and format picker texts', () => {
  it('counts in the singular where the count is 1', () => {
    assert.equal(statusCounts(1, 1, 1), '1 item, 1 error, 1 warning');
    assert.equal(statusCounts(0, 2, 0), '0 items, 2 errors, 0 warnings');
  });
});
