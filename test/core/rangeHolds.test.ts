import * as assert from 'node:assert/strict';
import { validateCsvText } from '../../src/core/csv/validate';
import { rangeHolds } from '../../src/core/diagnostics';

describe('rangeHolds: which findings a hover position is in', () => {
  it('a finding over several lines (a quoted CSV cell with a line break) holds each of its lines', () => {
    const r = validateCsvText('gs://bkt/a.jpg,cat\ngs://bkt/b.jpg,"my\nbig cat"\n', { format: 'image-classification-single-label' });
    const d = r.diagnostics.find((x) => x.code === 'label.csvName')!;
    assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [2, 16, 3, 9]);
    // First line, from the opening quote to its end; the whole second line up to the closing quote.
    for (const [line, column] of [[2, 16], [2, 18], [2, 19], [3, 1], [3, 8]]) assert.ok(rangeHolds(d, line, column), `${line}:${column}`);
    for (const [line, column] of [[2, 15], [3, 9], [1, 17], [4, 1]]) assert.ok(!rangeHolds(d, line, column), `${line}:${column}`);
  });

  it('a one-line range holds its columns, end excluded; an empty range holds its column', () => {
    const d = { line: 4, column: 3, endLine: 4, endColumn: 6 };
    assert.deepEqual([2, 3, 5, 6].map((c) => rangeHolds(d, 4, c)), [false, true, true, false]);
    assert.ok(rangeHolds({ line: 1, column: 7, endLine: 1, endColumn: 7 }, 1, 7));
  });
});
