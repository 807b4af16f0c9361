import * as assert from 'node:assert/strict';
import { cellsOfLine, csvCellRole, csvColumnAt, csvLabelsInRow, quotedFieldOpenAt, tabularColumnAt } from '../../src/core/csv/cells';

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
    // Action recognition: two segment times come before the label (the validator's layout).
    ['video-action-recognition', 'gs://b/v.mp4,0,10,run,5', 1, 'other'],
    ['video-action-recognition', 'gs://b/v.mp4,0,10,run,5', 3, 'label'],
    ['video-action-recognition', 'test,gs://b/v.mp4,0,inf,jump,3,4', 2, 'other'],
    ['video-action-recognition', 'test,gs://b/v.mp4,0,inf,jump,3,4', 4, 'label'],
    ['video-object-tracking', 'gs://b/v.mp4,car,1,2.5,0.1,0.1,0.5,0.5', 1, 'label'],
    ['video-object-tracking', 'gs://b/v.mp4,car,1,2.5,0.1,0.1,0.5,0.5', 2, 'other'],
  ];
  for (const [format, line, i, role] of table) {
    it(`${format}: cell ${i} of "${line}" is ${role}`, () => {
      assert.equal(csvCellRole(format as never, cellsOfLine(line), i), role);
    });
  }

  it('names and describes each column as the validator reads the layout', () => {
    const col = (format: string, line: string, i: number) => csvColumnAt(format as never, cellsOfLine(line), i);
    // Video takes only training and test.
    assert.match(col('video-classification', 'test,gs://b/v.mp4,run,0,inf', 0).description ?? '', /training or test;/);
    assert.match(col('image-bounding-box', 'test,gs://b/a.jpg,cat,0.1,0.1,,,0.3,0.3,,', 0).description ?? '', /training, validation or test;/);
    const box = 'test,gs://b/a.jpg,cat,0.1,0.2,,,0.3,0.4,,';
    assert.deepEqual([3, 4, 5, 6, 7, 8, 9, 10].map((i) => col('image-bounding-box', box, i).name), ['X_MIN', 'Y_MIN', 'X_MAX', 'Y_MIN', 'X_MAX', 'Y_MAX', 'X_MIN', 'Y_MAX']);
    assert.match(col('image-bounding-box', box, 3).description ?? '', /Left edge .*image width/);
    assert.match(col('image-bounding-box', box, 8).description ?? '', /Bottom edge .*image height/);
    const ar = 'gs://b/v.mp4,,,run,5,6';
    assert.deepEqual([1, 2, 3, 4, 5].map((i) => col('video-action-recognition', ar, i).name), ['SEGMENT_START', 'SEGMENT_END', 'LABEL', 'TIME_SECONDS', 'END_SECONDS']);
    const track = 'gs://b/v.mp4,car,1,2.5,0.1,0.1,0.5,0.5';
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((i) => col('video-object-tracking', track, i).name), ['LABEL', 'INSTANCE_ID', 'TIME_SECONDS', 'X_MIN', 'Y_MIN', 'X_MAX', 'Y_MAX']);
    // The legacy vertex form of a tracking row: X_MIN,Y_MIN,,,X_MAX,Y_MAX,,
    assert.equal(col('video-object-tracking', 'gs://b/v.mp4,car,1,2.5,0.1,0.1,,,0.5,0.5,,', 8).name, 'X_MAX');
    assert.deepEqual([1, 2].map((i) => col('text-sentiment', 'gs://b/a.txt,3,4', i).name), ['SENTIMENT', 'SENTIMENT_MAX']);
    assert.match(col('text-classification-single-label', '"a review",neg', 0).description ?? '', /^Text of the document/);
    assert.match(col('image-classification-single-label', 'gs://b/a.jpg,cat', 0).description ?? '', /URI of the image/);
    assert.equal(col('tabular', 'a,b,c', 1).description, undefined);
  });

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

describe('core/csv/cells: tabular columns', () => {
  const header = cellsOfLine('customer,age,plan,label,w');
  it('names a data cell\'s column from the header and gives its role from the tabular settings', () => {
    const roles = { target: 'label', weight: 'w', objective: 'classification' as const };
    assert.deepEqual(tabularColumnAt(header, 3, false, roles), { role: 'other', header: 'label', description: 'The target column (vertexDatasets.tabular.target): the value to predict, never empty.' });
    assert.match(tabularColumnAt(header, 3, false, { target: 'label', objective: 'regression' }).description ?? '', /never empty, a number\.$/);
    assert.match(tabularColumnAt(header, 4, false, roles).description ?? '', /^The weight column .*0 to 10,000/);
    assert.deepEqual(tabularColumnAt(header, 1, false, roles), { role: 'other', header: 'age', description: 'A feature column.' });
    assert.match(tabularColumnAt(header, 7, false, roles).description ?? '', /more cells than the header has columns \(5\)/);
    // The split column takes ml_use values: completion offers them there.
    assert.deepEqual(tabularColumnAt(header, 2, false, { splitColumn: 'plan' }).role, 'mlUse');
    assert.deepEqual(tabularColumnAt(header, 2, false, {}).role, 'other');
  });
  it('on the header line, gives the rule for column names', () => {
    assert.match(tabularColumnAt(header, 0, true, {}).description ?? '', /^Column name: letters, digits and underscores, not starting with an underscore/);
  });
});

describe('core/csv/cells: labels already on a multi-label row', () => {
  it('are left out of the label completion of its other label cells', () => {
    const cells = cellsOfLine('training,gs://b/a.jpg,cat,dog,');
    assert.deepEqual([...csvLabelsInRow('image-classification-multi-label', cells, 4)].sort(), ['cat', 'dog']);
    // The cell being edited keeps its own value among the choices.
    assert.deepEqual([...csvLabelsInRow('image-classification-multi-label', cells, 2)], ['dog']);
    // Single-label rows have one label cell: nothing to leave out (the ml_use and path cells are no labels).
    assert.deepEqual([...csvLabelsInRow('image-classification-single-label', cellsOfLine('test,gs://b/a.jpg,cat'), 2)], []);
  });
});
