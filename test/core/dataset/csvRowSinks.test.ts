// Single-label classification and bounding-box CSV rows reach the dataset accumulator field by
// field, with their anchor as numbers (CsvRowSinks), instead of as ItemFacts objects. Whatever the
// rows hold (repeats and conflicts, ml_use columns valid or not, quoted fields running over several
// lines, empty, extra or odd labels, inline texts and text URIs, boxes of every shape, blank lines,
// several files), the validation and the dataset result are the ones the ItemFacts path gives:
// every finding with its anchors and related locations, and the statistics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateCsvFile } from '../../../src/core/csv/validate';
import { DatasetAccumulator, type DatasetOptions } from '../../../src/core/dataset/accumulator';
import type { FormatId } from '../../../src/core/formats';
import type { AnchoredBoxItemSink, AnchoredSingleItemSink, CsvRowSinks, ItemFacts } from '../../../src/core/items';

const rowArb = fc.record({
  key: fc.integer({ min: 0, max: 12 }),
  source: fc.constantFrom('uri', 'uri', 'text', 'emptyText', 'badUri', 'multiLineUri', 'quotedText'),
  label: fc.constantFrom('cat', 'dog', 'dög', '😀', 'Bad-Label', '', undefined),
  extra: fc.constantFrom('none', 'none', 'none', 'trailing', 'trailing2', 'second', 'emptyThenLabel'),
  mlUse: fc.constantFrom('training', 'validation', 'test', 'TRAIN', 'bogus', '', '"test\n"', undefined, undefined),
  box: fc.constantFrom('two', 'two', 'four', 'skewed', 'tiny', 'outside', 'inverted', 'word', 'missing', 'short', 'long', 'none'),
  at: fc.constantFrom(0.1, 0.25, 0.5),
  blankAfter: fc.boolean(),
});
type Row = typeof rowArb extends fc.Arbitrary<infer T> ? T : never;

function media(r: Row, text: boolean): string {
  const path = text ? `gs://bkt-x/docs/${r.key}.txt` : `gs://bkt-x/images/${r.key}.jpg`;
  switch (r.source) {
    case 'text':
      return text ? `document ${r.key} ✓` : path;
    case 'quotedText':
      return text ? `"doc, ""${r.key}""\nmore"` : `"${path}"`;
    case 'emptyText':
      return text ? '  ' : '';
    case 'badUri':
      return `gs://b/${r.key}.jpg`;
    case 'multiLineUri':
      return `"gs://bkt-x/\n${r.key}.${text ? 'txt' : 'jpg'}"`;
    default:
      return path;
  }
}

function classificationRow(r: Row, text: boolean): string {
  const m = media(r, text);
  const cells = r.mlUse === undefined ? [m] : [r.mlUse, m];
  if (r.extra === 'emptyThenLabel') cells.push('', 'cat');
  else if (r.label !== undefined) cells.push(r.label);
  if (r.extra === 'trailing') cells.push('');
  if (r.extra === 'trailing2') cells.push('', '');
  if (r.extra === 'second') cells.push('dog');
  return cells.join(',') + (r.blankAfter ? '\n' : '');
}

function boxRow(r: Row): string {
  const m = media(r, false);
  const cells = r.mlUse === undefined ? [m] : [r.mlUse, m];
  const a = r.at;
  const b = a + 0.3;
  if (r.box !== 'none') cells.push(r.label ?? 'cat');
  switch (r.box) {
    case 'two':
      cells.push(`${a}`, `${a}`, '', '', `${b}`, `${b}`, '', '');
      break;
    case 'four':
      cells.push(`${a}`, `${a}`, `${b}`, `${a}`, `${b}`, `${b}`, `${a}`, `${b}`);
      break;
    case 'skewed':
      cells.push(`${a}`, `${a}`, `${b}`, `${a + 0.1}`, `${b}`, `${b}`, `${a}`, `${b}`);
      break;
    case 'tiny':
      cells.push(`${a}`, `${a}`, '', '', `${a + 0.005}`, `${a + 0.2}`, '', '');
      break;
    case 'outside':
      cells.push(`${a}`, `${a}`, '', '', '1.5', `${b}`, '', '');
      break;
    case 'inverted':
      cells.push(`${b}`, `${b}`, '', '', `${a}`, `${a}`, '', '');
      break;
    case 'word':
      cells.push('x', `${a}`, '', '', `${b}`, `${b}`, '', '');
      break;
    case 'missing':
      cells.push(`${a}`, '', '', '', `${b}`, `${b}`, '', '');
      break;
    case 'short':
      cells.push(`${a}`, `${a}`, `${b}`, `${b}`);
      break;
    case 'long':
      cells.push(`${a}`, `${a}`, '', '', `${b}`, `${b}`, '', '', '');
      break;
  }
  if (r.extra === 'trailing' && r.box === 'none') cells.push('');
  return cells.join(',') + (r.blankAfter ? '\n' : '');
}

const REPEATED: Row = { key: 1, source: 'uri', label: 'cat', extra: 'none', mlUse: 'training', box: 'two', at: 0.1, blankAfter: false };
const REPEATS: Row[] = [REPEATED, REPEATED, { ...REPEATED, mlUse: 'test' }, { ...REPEATED, label: 'dog' }, { ...REPEATED, key: 2 }];

let singleCalls = 0;
let boxItemCalls = 0;
let boxCalls = 0;

/** Validates the files (format given, or detected and asked for through itemsFor) and returns what the validator and the accumulator say. */
async function run(format: FormatId, paths: string[], options: DatasetOptions, sinks: boolean, given: boolean) {
  let acc: DatasetAccumulator | undefined = given ? new DatasetAccumulator(format, options) : undefined;
  const results = [];
  for (const path of paths) {
    acc?.addFile(path);
    const rowSinksFor = sinks
      ? (f: FormatId): CsvRowSinks | undefined => {
          if (acc?.format !== f) return undefined;
          const { single, boxes } = acc.csvRowSinks(path) as Required<CsvRowSinks>;
          return {
            single: {
              single: (...args) => {
                singleCalls++;
                single.single(...args);
              },
            },
            boxes: {
              box: (...args) => {
                boxCalls++;
                boxes.box(...args);
              },
              boxItem: (...args) => {
                boxItemCalls++;
                boxes.boxItem(...args);
              },
            },
          };
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
      rowSinksFor,
    });
    results.push(result);
  }
  return { results, dataset: acc?.finish() };
}

describe('single-label and bounding-box CSV rows handed over field by field', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-csvrows-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['image-classification-single-label', 'text-classification-single-label', 'image-bounding-box'] as const) {
    it(`gives the ItemFacts path's findings, anchors and statistics (${format})`, async () => {
      singleCalls = boxItemCalls = boxCalls = 0;
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(rowArb, { minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          fc.boolean(),
          async (files, strict, given) => {
            const paths = files.map((rows, f) => {
              const path = join(dir, `f${f}.csv`);
              const text = rows.map((r) => (format === 'image-bounding-box' ? boxRow(r) : classificationRow(r, format.startsWith('text')))).join('\n');
              writeFileSync(path, text);
              return path;
            });
            const options: DatasetOptions = { strict, maxRelated: 3, maxPerCode: 5 };
            const general = await run(format, paths, options, false, given);
            const columns = await run(format, paths, options, true, given);
            assert.deepEqual(columns, general);
            for (const d of columns.dataset?.diagnostics ?? []) if (d.related?.length) codes.add(d.code);
          },
        ),
        // Always among the runs: a row repeated exactly, then on another split, then with another label.
        { numRuns: 150, examples: [[[REPEATS], false, true], [[REPEATS, REPEATS], true, false]] },
      );
      if (format === 'image-bounding-box') {
        assert.ok(boxItemCalls > 500 && boxCalls > 200, `the column path was taken (${boxItemCalls} rows, ${boxCalls} boxes)`);
      } else assert.ok(singleCalls > 500, `the column path was taken (${singleCalls} rows)`);
      // Findings that list other rows were among those compared.
      assert.ok(codes.has('label.tooFewItems'), 'a label.tooFewItems finding with related locations');
      assert.ok([...codes].some((c) => c.startsWith('duplicate.')), `a duplicate finding with related locations (${[...codes].join(', ')})`);
    });
  }

  it('takes single-label and bounding-box rows only, and only beside an item consumer', async () => {
    const path = join(dir, 'one.csv');
    writeFileSync(path, 'training,gs://bkt-x/1.jpg,cat\ntest,gs://bkt-x/2.jpg,dog\n');
    const calls: number[][] = [];
    const single: AnchoredSingleItemSink = { single: (line, anchorLine, column, endLine, endColumn) => calls.push([line, anchorLine, column, endLine, endColumn]) };
    const boxes: AnchoredBoxItemSink = { box: () => calls.push([0]), boxItem: (line, anchorLine, column, endLine, endColumn) => calls.push([line, anchorLine, column, endLine, endColumn]) };
    const items: ItemFacts[] = [];
    await validateCsvFile(path, { format: 'image-classification-multi-label', onItem: (f) => items.push(f), rowSinksFor: () => ({ single, boxes }) });
    assert.deepEqual([calls.length, items.length], [0, 2], 'multi-label rows: ItemFacts');
    await validateCsvFile(path, { format: 'image-classification-single-label', rowSinksFor: () => ({ single, boxes }) });
    assert.deepEqual([calls.length, items.length], [0, 2], 'no consumer: nothing');
    await validateCsvFile(path, { itemsFor: () => (f) => items.push(f), rowSinksFor: () => ({ boxes }) });
    assert.deepEqual([calls.length, items.length], [0, 4], 'no single-label sink: ItemFacts');
    await validateCsvFile(path, { itemsFor: () => (f) => items.push(f), rowSinksFor: () => ({ single, boxes }) });
    assert.deepEqual([calls, items.length], [[[1, 1, 10, 1, 26], [2, 2, 6, 2, 22]], 4], 'detected single-label rows: the sink, with their anchors');
    calls.length = 0;
    writeFileSync(path, 'gs://bkt-x/1.jpg,cat,0.1,0.1,,,0.5,0.5,,\n"gs://bkt-x/\n2.jpg",dog,0.1,0.1,,,0.5,0.5,,\n');
    await validateCsvFile(path, { format: 'image-bounding-box', onItem: (f) => items.push(f), rowSinksFor: () => ({ single, boxes }) });
    assert.deepEqual([calls, items.length], [[[0], [1, 1, 1, 1, 17], [0], [2, 2, 1, 3, 7]], 4], 'bounding-box rows: box, then the item with its anchor');
  });
});
