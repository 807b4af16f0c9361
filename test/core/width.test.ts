import * as assert from 'node:assert/strict';
import { displayWidth, padEndDisplay } from '../../src/core/width';
import { formatReport } from '../../src/core/split/report';

describe('display width of table cells', () => {
  it('counts wide characters and emoji as two columns, combining marks and zero-width characters as none', () => {
    assert.equal(displayWidth('cat'), 3);
    assert.equal(displayWidth('猫'), 2);
    assert.equal(displayWidth('猫猫 cat'), 8);
    assert.equal(displayWidth('고양이'), 6);
    assert.equal(displayWidth('ねこ'), 4);
    assert.equal(displayWidth('ＡＢ'), 4);
    assert.equal(displayWidth('cafe\u0301'), 4);
    assert.equal(displayWidth('café'), 4);
    assert.equal(displayWidth('🐈'), 2);
    assert.equal(displayWidth('a\u200bb'), 2);
    assert.equal(displayWidth('𠀀'), 2);
    assert.equal(displayWidth(''), 0);
    assert.equal(padEndDisplay('猫', 5), '猫   ');
    assert.equal(padEndDisplay('toolong', 3), 'toolong');
  });

  it('lines up the split report label table when labels are CJK or decomposed', () => {
    const text = formatReport({
      items: 6,
      records: 6,
      buckets: ['training', 'validation', 'test'],
      counts: [4, 1, 1],
      labels: [
        { label: '猫猫', counts: [2, 0, 1] },
        { label: 'cafe\u0301', counts: [2, 1, 0] },
      ],
      unlabeled: [0, 0, 0],
      existingKept: 0,
      existingChanged: 0,
      notes: [],
    } as unknown as Parameters<typeof formatReport>[0]);
    const rows = text.split('\n').filter((l) => /^(label|猫猫|cafe)/.test(l));
    assert.equal(rows.length, 3);
    // The first count column ends at the same display column on every row.
    const ends = rows.map((r) => displayWidth(r.slice(0, r.indexOf('training') >= 0 ? r.indexOf('training') + 'training'.length : r.search(/\d/) + 1)));
    assert.deepEqual(new Set(ends).size, 1, text);
  });
  it('lines up the (none) row of unlabeled items when every label is shorter than it', () => {
    const text = formatReport({
      items: 12,
      records: 12,
      buckets: ['training', 'validation', 'test'],
      counts: [10, 1, 1],
      labels: [
        { label: 'cat', counts: [5, 1, 1] },
        { label: 'dog', counts: [3, 0, 0] },
      ],
      unlabeled: [2, 0, 0],
      existingKept: 0,
      existingChanged: 0,
      notes: [],
    } as unknown as Parameters<typeof formatReport>[0]);
    const rows = text.split('\n').filter((l) => /^(label|cat|dog|\(none\))/.test(l));
    assert.equal(rows.length, 4, text);
    // Every row of the table has the same length: its last column ends at the same place.
    assert.equal(new Set(rows.map((r) => r.length)).size, 1, text);
    assert.ok(rows.includes('(none)         2           0         0'), text);
  });
});
