import * as assert from 'node:assert/strict';
import { validateCsvText } from '../../../src/core/csv/validate';
import type { CsvCellEdit } from '../../../src/core/csv/layouts';
import type { ItemFacts } from '../../../src/core/items';
import type { FormatId } from '../../../src/core/formats';

/** Applies the cell edits of every box.minMax finding, as the editor's "fix all" does (quoted cells stay quoted). */
function fixAll(text: string, format: FormatId): string {
  const r = validateCsvText(text, { format });
  const edits = r.diagnostics.filter((d) => d.code === 'box.minMax').flatMap((d) => ((d.data as { cellEdits?: CsvCellEdit[] } | undefined)?.cellEdits ?? []));
  const lines = text.split('\n');
  // Right to left within a line, so earlier columns stay valid.
  edits.sort((a, b) => b.line - a.line || b.column - a.column);
  for (const e of edits) {
    assert.equal(e.line, e.endLine);
    const l = lines[e.line - 1];
    const old = l.slice(e.column - 1, e.endColumn - 1);
    const value = old.startsWith('"') ? `"${e.value.replace(/"/g, '""')}"` : e.value;
    lines[e.line - 1] = l.slice(0, e.column - 1) + value + l.slice(e.endColumn - 1);
  }
  return lines.join('\n');
}

const boxes = (text: string, format: FormatId) => {
  const items: ItemFacts[] = [];
  const r = validateCsvText(text, { format, onItem: (f) => items.push(f) });
  return { codes: r.diagnostics.map((d) => d.code), boxes: items.flatMap((i) => i.annotations) };
};

describe('CSV swapped box corners: the quick fix', () => {
  it('exchanges the min and max cells in the two-vertex and four-vertex forms, keeping each value as written', () => {
    const text = [
      'gs://bkt/a.jpg,cat,0.90,0.2,,,0.1,0.8,,',
      'test,gs://bkt/b.jpg,cat,0.9,0.80,,,0.1,0.2,,\r',
      'gs://bkt/c.jpg,cat,0.9,0.8,0.1,0.8,0.1,0.2,0.9,0.2',
      'gs://bkt/d.jpg,dog,"0.7","0.1",,,"0.2","0.6",,',
    ].join('\n') + '\n';
    const fixed = fixAll(text, 'image-bounding-box');
    assert.equal(
      fixed,
      [
        'gs://bkt/a.jpg,cat,0.1,0.2,,,0.90,0.8,,',
        'test,gs://bkt/b.jpg,cat,0.1,0.2,,,0.9,0.80,,\r',
        'gs://bkt/c.jpg,cat,0.1,0.2,0.9,0.2,0.9,0.8,0.1,0.8',
        'gs://bkt/d.jpg,dog,"0.2","0.1",,,"0.7","0.6",,',
      ].join('\n') + '\n',
    );
    const after = boxes(fixed, 'image-bounding-box');
    assert.ok(!after.codes.includes('box.minMax') && !after.codes.includes('box.notAxisAligned'), after.codes.join());
    assert.deepEqual(after.boxes.map((b) => (b.kind === 'box' ? [b.xMin, b.yMin, b.xMax, b.yMax] : [])), [
      [0.1, 0.2, 0.9, 0.8],
      [0.1, 0.2, 0.9, 0.8],
      [0.1, 0.2, 0.9, 0.8],
      [0.2, 0.1, 0.7, 0.6],
    ]);
  });

  it('exchanges the cells of a tracking row, in the four-column and the vertex forms', () => {
    const text = 'gs://bkt/v.mp4,car,1,2.5,0.9,0.1,0.5,0.5\ngs://bkt/v.mp4,car,1,3,0.1,0.9,,,0.5,0.5,,\n';
    const fixed = fixAll(text, 'video-object-tracking');
    assert.equal(fixed, 'gs://bkt/v.mp4,car,1,2.5,0.5,0.1,0.9,0.5\ngs://bkt/v.mp4,car,1,3,0.1,0.5,,,0.5,0.9,,\n');
    assert.ok(!boxes(fixed, 'video-object-tracking').codes.includes('box.minMax'));
  });

  it('offers no swap for a box whose min equals its max', () => {
    const r = validateCsvText('gs://bkt/a.jpg,cat,0.5,0.2,,,0.5,0.8,,\n', { format: 'image-bounding-box' });
    const d = r.diagnostics.find((x) => x.code === 'box.minMax');
    assert.ok(d);
    assert.equal((d.data as { cellEdits?: unknown } | undefined)?.cellEdits, undefined);
  });
});
