import * as assert from 'node:assert/strict';
import { validateCsvText } from '../../src/core/csv/validate';
import { DatasetAccumulator } from '../../src/core/dataset/accumulator';
import { FORMATS, type FormatId } from '../../src/core/formats';
import type { ItemFacts } from '../../src/core/items';
import { statsHeadline, statsSummary } from '../../src/webview/summary';
import { cls, item } from './dataset/helpers';

function payload(text: string, format: FormatId) {
  const facts: ItemFacts[] = [];
  const r = validateCsvText(text, { format, onItem: (f) => facts.push(f) });
  const acc = new DatasetAccumulator(format, { csv: true });
  for (const f of facts) acc.add(f);
  const stats = acc.finish().stats;
  return { file: 'x.csv', formatTitle: FORMATS[format].title, items: r.items, errors: 1, warnings: 2, stats };
}

describe('statistics view: heading and summary', () => {
  it('counts distinct items from the lines, as the CLI stats does: three box rows of one image are one item', () => {
    const p = payload('gs://bkt/a.jpg,cat,0.1,0.1,,,0.5,0.5,,\ngs://bkt/a.jpg,dog,0.2,0.2,,,0.6,0.6,,\ngs://bkt/a.jpg,dog,0.3,0.3,,,0.7,0.7,,\n', 'image-bounding-box');
    assert.equal(statsHeadline(p), 'Image object detection (bounding boxes) · 1 item from 3 lines · 1 error · 2 warnings');
    assert.deepEqual(statsSummary(p.stats), ['2 labels · 1 labeled · 3 annotations · imbalance 1.0× (most / least frequent label)']);
  });

  it('says how many lines with errors no figure counts', () => {
    const p = payload('training,gs://bkt/a.jpg,cat\nTRAIN,gs://bkt/b.jpg,cat\ntset,gs://bkt/c.jpg,dog\n', 'image-classification-single-label');
    assert.equal(statsHeadline(p), 'Image classification (single-label) · 1 item from 3 lines · 1 error · 2 warnings');
    assert.deepEqual(statsSummary(p.stats), [
      '1 label · 1 labeled · 1 annotation',
      'Not counted: 2 lines with errors (Vertex AI drops such lines at import; the figures describe the other lines).',
    ]);
  });

  it('words duplicate lines as the CLI does: annotations split over JSONL lines apart from conflicts', () => {
    const acc = new DatasetAccumulator('image-classification-multi-label', { csv: false });
    for (const [line, uri, label] of [[1, 'gs://b/1.jpg', 'cat'], [2, 'gs://b/1.jpg', 'dog'], [3, 'gs://b/2.jpg', 'cat'], [4, 'gs://b/2.jpg', 'cat']] as const) acc.add(item(line, uri, [cls(label)]), 'data.jsonl');
    const stats = acc.finish().stats;
    assert.deepEqual(statsSummary(stats), ['2 labels · 2 labeled · 3 annotations · imbalance 2.0× (most / least frequent label) · duplicates: 1 repeated, 0 conflicting, 1 with annotations split over lines']);
  });

  it('without statistics (dataset checks off) counts the lines as items', () => {
    assert.equal(statsHeadline({ file: 'x.csv', formatTitle: 'Tabular', items: 1, errors: 0, warnings: 1 }), 'Tabular · 1 item · 0 errors · 1 warning');
  });
});
