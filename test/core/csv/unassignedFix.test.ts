import * as assert from 'node:assert/strict';
import { validateCsvText } from '../../../src/core/csv/validate';
import type { ItemFacts } from '../../../src/core/items';

describe('CSV ml_use UNASSIGNED: the fix', () => {
  it('empties the cell, keeping the column: the row then lets Vertex AI assign the split', () => {
    for (const [format, row, fixed] of [
      ['image-classification-single-label', 'UNASSIGNED,gs://bkt/a.jpg,cat', ',gs://bkt/a.jpg,cat'],
      ['video-classification', 'unassigned,gs://bkt/a.mp4,run,0,inf', ',gs://bkt/a.mp4,run,0,inf'],
      ['text-classification-single-label', 'UNASSIGNED,"a fine review",pos', ',"a fine review",pos'],
    ] as const) {
      const d = validateCsvText(row + '\n', { format }).diagnostics.find((x) => x.code === 'mlUse.unassigned');
      assert.ok(d, row);
      assert.equal(d.data?.replacement, '', row);
      assert.equal(row.slice(0, d.column - 1) + '' + row.slice(d.endColumn - 1), fixed);
      const items: ItemFacts[] = [];
      const after = validateCsvText(fixed + '\n', { format, onItem: (f) => items.push(f) });
      assert.deepEqual(after.diagnostics.filter((x) => x.code.startsWith('mlUse') || x.code === 'csv.columnCount'), [], fixed);
      assert.equal(items[0].hasMlUse, false);
      assert.ok(items[0].annotations.length > 0, fixed);
    }
  });
});
