// Single-label classification lines reach the dataset accumulator field by field (SingleItemSink)
// instead of as ItemFacts objects. Whatever the lines hold (repeats and conflicts, missing or odd
// labels and ml_use, inline texts and text URIs, broken and blank lines, several files, files taken
// for CSV), the dataset result is the one the ItemFacts path gives: every finding with its
// anchors and related locations, and the statistics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateJsonlFile } from '../../../src/core/jsonl/validate';
import { DatasetAccumulator, type DatasetOptions } from '../../../src/core/dataset/accumulator';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts, SingleItemSink } from '../../../src/core/items';

const ML_USE = 'aiplatform.googleapis.com/ml_use';

const lineArb = fc.record({
  key: fc.integer({ min: 0, max: 12 }),
  source: fc.constantFrom('uri', 'text', 'both', 'none', 'emptyUri', 'emptyText'),
  label: fc.oneof(fc.constantFrom('cat', 'dog', 'dög', '😀', ''), fc.constant(undefined), fc.constant(7), fc.constant('missing')),
  mlUse: fc.oneof(fc.constantFrom('training', 'validation', 'test', 'TRAINING', 'tst', ''), fc.constant(undefined), fc.constant(3)),
  other: fc.constantFrom('none', 'broken', 'blank', 'array', 'extraKey', 'annotationArray'),
});
type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

function render(l: Line, text: boolean): string {
  if (l.other === 'broken') return `{"imageGcsUri":"gs://bkt/${l.key}.jpg",`;
  if (l.other === 'blank') return '';
  if (l.other === 'array') return '[1,2]';
  const item: Record<string, unknown> = {};
  const uri = text ? `gs://bkt/docs/${l.key}.txt` : `gs://bkt/images/${l.key}.jpg`;
  if (text) {
    if (l.source === 'text' || l.source === 'both') item.textContent = `document ${l.key} ✓`;
    if (l.source === 'uri' || l.source === 'both') item.textGcsUri = uri;
    if (l.source === 'emptyText') item.textContent = '';
    if (l.source === 'emptyUri') item.textGcsUri = '';
  } else if (l.source !== 'none') item.imageGcsUri = l.source === 'emptyUri' ? '' : uri;
  if (l.other === 'annotationArray') item.classificationAnnotation = [{ displayName: 'cat' }];
  else if (l.label === 'missing') item.classificationAnnotation = {};
  else if (l.label !== undefined) item.classificationAnnotation = { displayName: l.label };
  if (l.mlUse !== undefined) item.dataItemResourceLabels = { [ML_USE]: l.mlUse };
  if (l.other === 'extraKey') item.note = 'x';
  return JSON.stringify(item);
}

async function datasetOf(format: FormatId, paths: string[], options: DatasetOptions, single: boolean) {
  const acc = new DatasetAccumulator(format, options);
  for (const path of paths) {
    acc.addFile(path);
    const sink: SingleItemSink | undefined = single ? acc.singleSink(path) : undefined;
    const counted: SingleItemSink | undefined = sink && {
      single: (...args) => {
        singleCalls++;
        sink.single(...args);
      },
    };
    const onItem = (item: ItemFacts) => acc.add(item, path);
    await validateJsonlFile(path, { format: format as never, onItem, lazyAnchors: true, singleItems: counted });
  }
  return acc.finish();
}

let singleCalls = 0;

describe('single-label items handed over field by field', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-single-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['image-classification-single-label', 'text-classification-single-label'] as const) {
    it(`gives the ItemFacts path's findings and statistics (${format})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(lineArb, { minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.boolean(),
          async (files, csv, strict) => {
            const paths = files.map((lines, f) => {
              const path = join(dir, `f${f}.jsonl`);
              writeFileSync(path, lines.map((l) => render(l, format.startsWith('text'))).join('\n'));
              return path;
            });
            const options: DatasetOptions = { csv: csv ? true : undefined, strict, maxRelated: 3 };
            const general = await datasetOf(format, paths, options, false);
            const single = await datasetOf(format, paths, options, true);
            assert.deepEqual(single, general);
          },
        ),
        { numRuns: 150 },
      );
      assert.ok(singleCalls > 100, `the single path was taken (${singleCalls} items)`);
      singleCalls = 0;
    });
  }

  it('is used for single-label formats only, and only with deferred anchors', async () => {
    const path = join(dir, 'multi.jsonl');
    const calls: number[] = [];
    const sink: SingleItemSink = { single: (line) => calls.push(line) };
    const items: ItemFacts[] = [];
    writeFileSync(path, '{"imageGcsUri":"gs://bkt/1.jpg","classificationAnnotations":[{"displayName":"a"}]}\n');
    await validateJsonlFile(path, { format: 'image-classification-multi-label', onItem: (f) => items.push(f), lazyAnchors: true, singleItems: sink });
    assert.deepEqual([calls.length, items.length], [0, 1]);
    writeFileSync(path, '{"imageGcsUri":"gs://bkt/1.jpg","classificationAnnotation":{"displayName":"a"}}\n');
    await validateJsonlFile(path, { format: 'image-classification-single-label', onItem: (f) => items.push(f), singleItems: sink });
    assert.deepEqual([calls.length, items.length], [0, 2], 'eager anchors: ItemFacts');
    await validateJsonlFile(path, { format: 'image-classification-single-label', onItem: (f) => items.push(f), lazyAnchors: true, singleItems: sink });
    assert.deepEqual([calls, items.length], [[1], 2]);
  });
});
