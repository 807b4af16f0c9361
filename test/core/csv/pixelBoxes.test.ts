import * as assert from 'node:assert/strict';
import { csvPixelBoxFix } from '../../../src/core/csv/pixelBoxes';
import { validateCsvText } from '../../../src/core/csv/validate';
import { parseMediaSidecar } from '../../../src/core/dataset/media';
import type { ItemFacts } from '../../../src/core/items';

const media = parseMediaSidecar(JSON.stringify({ 'gs://bkt/a.jpg': { width: 640, height: 480 }, 'gs://bkt/b.jpg': { width: 100, height: 100 } }), 'x.media.json').media;

/** Applies the pixel fixes of every box.outOfRange finding, each box once, as the editor's "fix all" does. */
function fixAll(text: string): string {
  const r = validateCsvText(text, { format: 'image-bounding-box' });
  const lines = text.split('\n');
  const seen = new Set<string>();
  const edits = r.diagnostics
    .filter((d) => d.code === 'box.outOfRange')
    .flatMap((d) => csvPixelBoxFix(d.data, media)?.edits ?? [])
    .filter((e) => !seen.has(`${e.line}:${e.column}`) && !!seen.add(`${e.line}:${e.column}`))
    .sort((a, b) => b.line - a.line || b.column - a.column);
  for (const e of edits) {
    const l = lines[e.line - 1];
    const old = l.slice(e.column - 1, e.endColumn - 1);
    lines[e.line - 1] = l.slice(0, e.column - 1) + (old.startsWith('"') ? `"${e.value}"` : e.value) + l.slice(e.endColumn - 1);
  }
  return lines.join('\n');
}

describe('CSV boxes in pixels: the fix with a media sidecar', () => {
  it('divides each coordinate cell by the image width or height, in the two- and four-vertex forms', () => {
    const text = 'gs://bkt/a.jpg,cat,64,48,,,320,240,,\ntest,gs://bkt/a.jpg,dog,"160",120,480,120,480,360,160,360\n';
    const fixed = fixAll(text);
    assert.equal(fixed, 'gs://bkt/a.jpg,cat,0.1,0.1,,,0.5,0.5,,\ntest,gs://bkt/a.jpg,dog,"0.25",0.25,0.75,0.25,0.75,0.75,0.25,0.75\n');
    const items: ItemFacts[] = [];
    const r = validateCsvText(fixed, { format: 'image-bounding-box', onItem: (f) => items.push(f) });
    assert.deepEqual(r.diagnostics.filter((d) => d.code.startsWith('box.')), []);
    assert.deepEqual(items.flatMap((i) => i.annotations.map((a) => (a.kind === 'box' ? [a.xMin, a.yMin, a.xMax, a.yMax] : []))), [
      [0.1, 0.1, 0.5, 0.5],
      [0.25, 0.25, 0.75, 0.75],
    ]);
  });

  it('gives no fix without the image size, or for a box larger than the image', () => {
    const none = (row: string) => validateCsvText(row, { format: 'image-bounding-box' }).diagnostics.filter((d) => d.code === 'box.outOfRange').map((d) => csvPixelBoxFix(d.data, media));
    for (const row of ['gs://bkt/c.jpg,cat,10,10,,,50,50,,\n', 'gs://bkt/b.jpg,cat,10,10,,,150,50,,\n']) {
      const fixes = none(row);
      assert.equal(fixes.length, 4, row);
      assert.ok(fixes.every((f) => f === undefined), row);
    }
  });
});
