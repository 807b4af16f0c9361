import * as assert from 'node:assert/strict';
import { pickMarks, statusCounts } from '../../src/extension/statusSummary';

describe('status bar tooltip and format picker texts', () => {
  it('counts in the singular where the count is 1', () => {
    assert.equal(statusCounts(1, 1, 1), '1 item, 1 error, 1 warning');
    assert.equal(statusCounts(0, 2, 0), '0 items, 2 errors, 0 warnings');
  });

  it('marks detection current only when neither a choice nor a vertexDatasets.formats entry applies', () => {
    const none = pickMarks(undefined);
    assert.equal(none.detect, 'current');
    assert.equal(none.format('image-bounding-box'), 'image-bounding-box');
    assert.equal(none.none, 'do not validate this file');

    const setting = pickMarks({ format: 'image-bounding-box', source: 'setting' });
    assert.notEqual(setting.detect, 'current');
    assert.equal(setting.format('image-bounding-box'), 'image-bounding-box (current, from vertexDatasets.formats)');
    assert.equal(setting.format('tabular'), 'tabular');

    const chosen = pickMarks({ format: 'tabular', source: 'choice' });
    assert.equal(chosen.detect, undefined);
    assert.equal(chosen.format('tabular'), 'tabular (current)');
  });

  it('marks "Not an import file" when it is the file state, chosen or from the setting', () => {
    const chosen = pickMarks({ format: 'none', source: 'choice' });
    assert.equal(chosen.none, 'do not validate this file (current)');
    assert.equal(chosen.detect, undefined);
    assert.equal(pickMarks({ format: 'none', source: 'setting' }).none, 'do not validate this file (current, from vertexDatasets.formats)');
  });
});
