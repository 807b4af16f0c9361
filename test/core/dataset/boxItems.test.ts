// Bounding-box lines reach the dataset accumulator as columns (BoxItemSink: labels and coordinates,
// no ItemFacts or annotation object per box) instead of as ItemFacts objects. Whatever the lines
// hold (exact repeats with the boxes in another order, conflicts, tiny, swapped, out-of-range and
// quoted coordinates, missing or odd labels and ml_use, lines over the per-image box limit, broken
// and blank lines, several files, files taken for CSV, known image sizes), the dataset result is
// the one the ItemFacts path gives: every finding with its anchors and related locations, in the
// same order, and the statistics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateJsonlFile } from '../../../src/core/jsonl/validate';
import { DatasetAccumulator, type DatasetOptions } from '../../../src/core/dataset/accumulator';
import type { MediaTable } from '../../../src/core/dataset/media';
import type { BoxItemSink, ItemFacts } from '../../../src/core/items';

const ML_USE = 'aiplatform.googleapis.com/ml_use';
const FORMAT = 'image-bounding-box';

const COORDS: Record<string, unknown[]> = {
  plain: [0.1, 0.2, 0.5, 0.6],
  other: [0.3, 0.1, 0.9, 0.4],
  tiny: [0.1, 0.1, 0.105, 0.5],
  edge: [0.1, 0.1, 0.11, 0.11],
  small: [0.5, 0.5, 0.503, 0.52],
  swapped: [0.5, 0.2, 0.1, 0.6],
  outside: [0.1, 0.2, 1.5, 0.6],
  pixels: [10, 20, 300, 400],
  quoted: ['0.1', 0.2, '0.5', 0.6],
  missing: [0.1, 0.2, 0.5, undefined],
  text: [0.1, 'x', 0.5, 0.6],
  negativeZero: [-0, 0, 1, 1],
};

const boxArb = fc.record({
  label: fc.oneof(fc.constantFrom('cat', 'dog', 'dög', '😀', '', ' ', 'Cat', 'x'.repeat(130)), fc.constant(undefined), fc.constant(7)),
  coords: fc.constantFrom(...Object.keys(COORDS)),
  entry: fc.constantFrom('object', 'object', 'object', 'object', 'object', 'number', 'extraKey'),
});

const lineArb = fc.record({
  key: fc.integer({ min: 0, max: 12 }),
  source: fc.constantFrom('uri', 'uri', 'uri', 'none', 'emptyUri'),
  boxes: fc.array(boxArb, { minLength: 0, maxLength: 4 }),
  /** Repeat an earlier line (by index from the end), its boxes in another order. */
  repeat: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 3 }),
  /** Over the per-image limit of 500 boxes. */
  many: fc.option(fc.integer({ min: 1, max: 30 }), { freq: 30 }),
  mlUse: fc.oneof(fc.constantFrom('training', 'validation', 'test', 'TRAINING', 'tst', ''), fc.constant(undefined), fc.constant(3)),
  other: fc.constantFrom('none', 'none', 'none', 'broken', 'blank', 'array', 'extraKey', 'boxesObject', 'noBoxes'),
});
type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;
type Box = typeof boxArb extends fc.Arbitrary<infer T> ? T : never;

function renderBox(b: Box, i: number): unknown {
  if (b.entry === 'number') return 5;
  const [xMin, yMin, xMax, yMax] = COORDS[b.coords];
  const box: Record<string, unknown> = {};
  if (b.label !== undefined) box.displayName = b.label;
  if (xMin !== undefined) box.xMin = xMin;
  if (yMin !== undefined) box.yMin = yMin;
  if (xMax !== undefined) box.xMax = xMax;
  if (yMax !== undefined) box.yMax = yMax;
  if (b.entry === 'extraKey') box.note = i;
  return box;
}

function renderAll(lines: Line[]): string {
  const objects: (Record<string, unknown> | undefined)[] = [];
  const out: string[] = [];
  for (const l of lines) {
    if (l.other === 'broken') out.push(`{"imageGcsUri":"gs://bkt/${l.key}.jpg",`);
    else if (l.other === 'blank') out.push('');
    else if (l.other === 'array') out.push('[1,2]');
    else {
      const earlier = l.repeat !== null ? objects[objects.length - l.repeat] : undefined;
      let item: Record<string, unknown>;
      if (earlier) {
        // The same item with its boxes rotated and reversed: the same multiset of annotations.
        item = { ...earlier };
        const boxes = earlier.boundingBoxAnnotations;
        if (Array.isArray(boxes)) item.boundingBoxAnnotations = [...boxes.slice(1), ...boxes.slice(0, 1)].reverse();
      } else {
        item = {};
        if (l.source === 'uri') item.imageGcsUri = `gs://bkt/images/${l.key}.jpg`;
        else if (l.source === 'emptyUri') item.imageGcsUri = '';
        if (l.other === 'boxesObject') item.boundingBoxAnnotations = { displayName: 'cat' };
        else if (l.other !== 'noBoxes') {
          const boxes = l.boxes.map(renderBox);
          if (l.many !== null) for (let k = 0; k < 500 + l.many; k++) boxes.push({ displayName: k % 3 ? 'cat' : 'dog', xMin: (k % 50) / 100, yMin: 0.1, xMax: (k % 50) / 100 + 0.2, yMax: 0.5 });
          item.boundingBoxAnnotations = boxes;
        }
        if (l.mlUse !== undefined) item.dataItemResourceLabels = { [ML_USE]: l.mlUse };
        if (l.other === 'extraKey') item.note = 'x';
      }
      objects.push(item);
      out.push(JSON.stringify(item));
    }
  }
  return out.join('\n');
}

let boxCalls = 0;

async function datasetOf(paths: string[], options: DatasetOptions, columns: boolean) {
  const acc = new DatasetAccumulator(FORMAT, options);
  for (const path of paths) {
    acc.addFile(path);
    const sink: BoxItemSink | undefined = columns ? acc.boxSink(path) : undefined;
    const counted: BoxItemSink | undefined = sink && {
      box: (...args) => sink.box(...args),
      boxItem: (...args) => {
        boxCalls++;
        sink.boxItem(...args);
      },
    };
    const onItem = (item: ItemFacts) => acc.add(item, path);
    await validateJsonlFile(path, { format: FORMAT, onItem, lazyAnchors: true, boxItems: counted });
  }
  return acc.finish();
}

describe('bounding-box items handed over as columns', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-boxes-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the ItemFacts path's findings and statistics", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(lineArb, { minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (files, csv, strict, sizes) => {
          const paths = files.map((lines, f) => {
            const path = join(dir, `f${f}.jsonl`);
            writeFileSync(path, renderAll(lines));
            return path;
          });
          const media: MediaTable | undefined = sizes
            ? new Map([
                ['gs://bkt/images/1.jpg', { width: 400, height: 300 }],
                ['gs://bkt/images/2.jpg', { width: 4000, height: 3000 }],
                ['gs://bkt/images/3.jpg', { width: 100, height: 100 }],
              ])
            : undefined;
          const options: DatasetOptions = { csv: csv ? true : undefined, strict, maxRelated: 3, media, maxPerCode: 5 };
          const general = await datasetOf(paths, options, false);
          const columns = await datasetOf(paths, options, true);
          assert.deepEqual(columns, general);
        },
      ),
      { numRuns: 200 },
    );
    assert.ok(boxCalls > 1000, `the column path was taken (${boxCalls} items)`);
  });

  it('gives a batch of more boxes than the columns first hold, and repeats across batches', async () => {
    // 600 lines of 3-5 boxes fill several batches and outgrow the first box columns; every 7th line
    // repeats an earlier one (boxes reversed), some of them in another batch.
    const lines: string[] = [];
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < 600; i++) {
      let item: Record<string, unknown>;
      if (i % 7 === 6) {
        const earlier = items[(i * 13) % items.length];
        item = { ...earlier, boundingBoxAnnotations: [...(earlier.boundingBoxAnnotations as unknown[])].reverse() };
      } else {
        const boxes = Array.from({ length: 3 + (i % 3) }, (_, k) => ({ displayName: `l${(i + k) % 11}`, xMin: k / 10, yMin: 0.1, xMax: k / 10 + 0.05 + (i % 5) / 1000, yMax: 0.9 }));
        item = { imageGcsUri: `gs://bkt/images/${i % 500}.jpg`, boundingBoxAnnotations: boxes };
      }
      items.push(item);
      lines.push(JSON.stringify(item));
    }
    const path = join(dir, 'batches.jsonl');
    writeFileSync(path, lines.join('\n'));
    const general = await datasetOf([path], {}, false);
    const columns = await datasetOf([path], {}, true);
    assert.deepEqual(columns, general);
    assert.ok(general.stats.duplicates.repeats > 0 && general.stats.duplicates.annotationsSplit > 0, 'repeats and annotations split over lines were made');
  });

  it('is used for the bounding-box format only, and only with deferred anchors', async () => {
    const path = join(dir, 'one.jsonl');
    const calls: number[] = [];
    const boxes: string[] = [];
    const sink: BoxItemSink = { box: (label) => boxes.push(label), boxItem: (line) => calls.push(line) };
    const items: ItemFacts[] = [];
    writeFileSync(path, '{"imageGcsUri":"gs://bkt/1.jpg","boundingBoxAnnotations":[{"displayName":"a","xMin":0,"yMin":0,"xMax":1,"yMax":1}]}\n');
    await validateJsonlFile(path, { format: FORMAT, onItem: (f) => items.push(f), boxItems: sink });
    assert.deepEqual([calls.length, items.length], [0, 1], 'eager anchors: ItemFacts');
    await validateJsonlFile(path, { format: FORMAT, onItem: (f) => items.push(f), lazyAnchors: true, boxItems: sink });
    assert.deepEqual([calls, boxes, items.length], [[1], ['a'], 1]);
    await validateJsonlFile(path, { format: 'image-classification-single-label', onItem: (f) => items.push(f), lazyAnchors: true, boxItems: sink });
    assert.deepEqual([calls.length, items.length], [1, 2]);
  });
});
