import * as assert from 'node:assert/strict';
import { cellsOfLine, csvCellRole, quotedFieldOpenAt } from '../../src/core/csv/cells';

describe('core/csv/cells', () => {
  it('splits a line into cells with content offsets, honouring quotes', () => {
    assert.deepEqual(cellsOfLine('a,"b,""c""",,d'), [
      { index: 0, start: 0, end: 1, value: 'a' },
      { index: 1, start: 3, end: 10, value: 'b,"c"' },
      { index: 2, start: 12, end: 12, value: '' },
      { index: 3, start: 13, end: 14, value: 'd' },
    ]);
    assert.deepEqual(cellsOfLine(''), [{ index: 0, start: 0, end: 0, value: '' }]);
  });

  const table: [string, string, number, string][] = [
    ['image-classification-single-label', 'training,gs://b/a.jpg,cat', 0, 'mlUse'],
    ['image-classification-single-label', 'training,gs://b/a.jpg,cat', 1, 'uri'],
    ['image-classification-single-label', 'training,gs://b/a.jpg,cat', 2, 'label'],
    ['image-classification-single-label', 'gs://b/a.jpg,cat', 1, 'label'],
    ['image-bounding-box', 'test,gs://b/a.jpg,cat,0.1,0.1,,,0.3,0.3,,', 3, 'other'],
    ['image-classification-single-label', 'tr', 0, 'mlUse'],
    ['video-classification', 'gs://b/v.mp4,run,0,inf', 1, 'label'],
    ['tabular', 'training,gs://b/a.jpg,cat', 0, 'other'],
    // Inline text after an ml_use column, as the validator reads the row.
    ['text-classification-single-label', 'test,"another review",neg', 0, 'mlUse'],
    ['text-classification-single-label', 'test,"another review",neg', 1, 'uri'],
    ['text-classification-single-label', 'test,"another review",neg', 2, 'label'],
    ['text-classification-single-label', '"a review",neg', 1, 'label'],
    ['text-sentiment', 'training,"so good",4,4', 2, 'label'],
    ['text-sentiment', '"test",4,4', 0, 'uri'],
    ['text-sentiment', 'training,"so good",4,4', 3, 'other'],
    // Multi-label rows: every column after the path is a label.
    ['image-classification-multi-label', 'training,gs://b/a.jpg,cat,dog,', 4, 'label'],
    ['text-classification-multi-label', 'gs://b/a.txt,cat,dog', 2, 'label'],
    ['image-classification-single-label', 'gs://b/a.jpg,cat,dog', 2, 'other'],
  ];
  for (const [format, line, i, role] of table) {
    it(`${format}: cell ${i} of "${line}" is ${role}`, () => {
      assert.equal(csvCellRole(format as never, cellsOfLine(line), i), role);
    });
  }

  it('finds the quoted field a position is in, as the reader reads quotes (only at a field start; "" escaped)', () => {
    const text = 'training,"a review,\nwith ""quotes"",\nover lines",pos\ngs://b/a.jpg,5" screen,x\ntest,"open';
    const open = text.indexOf('"a review');
    assert.equal(quotedFieldOpenAt(text, text.indexOf('with')), open);
    assert.equal(quotedFieldOpenAt(text, text.indexOf('over')), open);
    assert.equal(quotedFieldOpenAt(text, text.indexOf(',pos')), -1);
    assert.equal(quotedFieldOpenAt(text, text.indexOf('gs://')), -1);
    // The quote in `5" screen` is a literal character: it opens nothing.
    assert.equal(quotedFieldOpenAt(text, text.indexOf('test,')), -1);
    // A field still open at the end of the text holds what follows.
    assert.equal(quotedFieldOpenAt(text, text.length), text.lastIndexOf('"open'));
  });
});
