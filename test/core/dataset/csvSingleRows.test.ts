// Single-label classification CSV rows reach the dataset accumulator field by field, with their
// anchor as numbers (AnchoredSingleItemSink), instead of as ItemFacts objects. Whatever the rows
// hold (repeats and conflicts, ml_use columns valid or not, quoted fields running over several
// lines, empty, extra or odd labels, inline texts and text URIs, blank lines, several files), the
// validation and the dataset result are the ones the ItemFacts path gives: every finding with its
// anchors and related locations, and the statistics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateCsvFile } from '../../../src/core/csv/validate';
import { DatasetAccumulator, type DatasetOptions } from '../../../src/core/dataset/accumulator';
import type { FormatId } from '../../../src/core/formats';
import type { AnchoredSingleItemSink, ItemFacts } from '../../../src/core/items';

const rowArb = fc.record({
  key: fc.integer({ min: 0, max: 12 }),
  source: fc.constantFrom('uri', 'text', 'emptyText', 'badUri', 'multiLineUri', 'quotedText'),
  label: fc.constantFrom('cat', 'dog', 'dög', '😀', 'Bad-Label', '', undefined),
  extra: fc.constantFrom('none', 'none', 'none', 'trailing', 'trailing2', 'second', 'emptyThenLabel'),
  mlUse: fc.constantFrom('training', 'validation', 'test', 'TRAIN', 'bogus', '', '"test\n"', undefined, undefined),
  blankAfter: fc.boolean(),
});
type Row = typeof rowArb extends fc.Arbitrary<infer T> ? T : never;

function render(r: Row, text: boolean): string {
  let media: string;
  const path = text ? `gs://bkt-x/docs/${r.key}.txt` : `gs://bkt-x/images/${r.key}.jpg`;
  switch (r.source) {
    case 'text':
      media = text ? `document ${r.key} ✓` : path;
      break;
    case 'quotedText':
      media = text ? `"doc, ""${r.key}""\nmore"` : `"${path}"`;
      break;
    case 'emptyText':
      media = text ? '  ' : '';
      break;
    case 'badUri':
      media = `gs://b/${r.key}.jpg`;
      break;
    case 'multiLineUri':
      media = `"gs://bkt-x/\n${r.key}.${text ? 'txt' : 'jpg'}"`;
      break;
    default:
      media = path;
  }
  const cells = r.mlUse === undefined ? [media] : [r.mlUse, media];
  if (r.extra === 'emptyThenLabel') cells.push('', 'cat');
  else if (r.label !== undefined) cells.push(r.label);
  if (r.extra === 'trailing') cells.push('');
  if (r.extra === 'trailing2') cells.push('', '');
  if (r.extra === 'second') cells.push('dog');
  return cells.join(',') + (r.blankAfter ? '\n' : '');
}

let sinkCalls = 0;

/** Validates the files (format given, or detected and asked for through itemsFor) and returns what the validator and the accumulator say. */
async function run(format: FormatId, paths: string[], options: DatasetOptions, rows: boolean, given: boolean) {
  let acc: DatasetAccumulator | undefined = given ? new DatasetAccumulator(format, options) : undefined;
  const results = [];
  for (const path of paths) {
    acc?.addFile(path);
    const singleRowsFor = rows
      ? (f: FormatId): AnchoredSingleItemSink | undefined => {
          const sink = acc?.format === f ? acc.anchoredSingleSink(path) : undefined;
          return (
            sink && {
              single: (...args) => {
                sinkCalls++;
                sink.single(...args);
              },
            }
          );
        }
      : undefined;
    const result = await validateCsvFile(path, {
      format: given ? format : undefined,
      onItem: given ? (item: ItemFacts) => acc?.add(item, path) : undefined,
      itemsFor: given
        ? undefined
        : (f) => {
            acc ??= new DatasetAccumulator(f, options);
            const taker = acc;
            taker.addFile(path);
            return taker.format === f ? (item: ItemFacts) => taker.add(item, path) : undefined;
          },
      singleRowsFor,
    });
    results.push(result);
  }
  return { results, dataset: acc?.finish() };
}

describe('single-label CSV rows handed over field by field', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-csvsingle-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['image-classification-single-label', 'text-classification-single-label'] as const) {
    it(`gives the ItemFacts path's findings, anchors and statistics (${format})`, async () => {
      sinkCalls = 0;
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(rowArb, { minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.boolean(),
          async (files, strict, given) => {
            const paths = files.map((rows, f) => {
              const path = join(dir, `f${f}.csv`);
              writeFileSync(path, rows.map((r) => render(r, format.startsWith('text'))).join('\n'));
              return path;
            });
            const options: DatasetOptions = { strict, maxRelated: 3 };
            const general = await run(format, paths, options, false, given);
            const single = await run(format, paths, options, true, given);
            assert.deepEqual(single, general);
            for (const d of single.dataset?.diagnostics ?? []) if (d.related?.length) codes.add(d.code);
          },
        ),
        { numRuns: 150 },
      );
      assert.ok(sinkCalls > 500, `the column path was taken (${sinkCalls} rows)`);
      // Findings that list other rows were among those compared.
      assert.ok(codes.has('label.tooFewItems'), 'a label.tooFewItems finding with related locations');
      assert.ok([...codes].some((c) => c.startsWith('duplicate.')), `a duplicate finding with related locations (${[...codes].join(', ')})`);
    });
  }

  it('takes single-label rows only, and only beside an item consumer', async () => {
    const path = join(dir, 'one.csv');
    writeFileSync(path, 'training,gs://bkt-x/1.jpg,cat\ntest,gs://bkt-x/2.jpg,dog\n');
    const calls: number[][] = [];
    const sink: AnchoredSingleItemSink = { single: (line, anchorLine, column, endLine, endColumn) => calls.push([line, anchorLine, column, endLine, endColumn]) };
    const items: ItemFacts[] = [];
    await validateCsvFile(path, { format: 'image-classification-multi-label', onItem: (f) => items.push(f), singleRowsFor: () => sink });
    assert.deepEqual([calls.length, items.length], [0, 2], 'multi-label rows: ItemFacts');
    await validateCsvFile(path, { format: 'image-classification-single-label', singleRowsFor: () => sink });
    assert.deepEqual([calls.length, items.length], [0, 2], 'no consumer: nothing');
    await validateCsvFile(path, { itemsFor: () => (f) => items.push(f), singleRowsFor: () => sink });
    assert.deepEqual([calls, items.length], [[[1, 1, 10, 1, 26], [2, 2, 6, 2, 22]], 2], 'detected single-label rows: the sink, with their anchors');
  });
});
