import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { validateCsvFile, validateCsvText } from '../../../src/core/csv/validate';

const DIR = join(__dirname, '../../fixtures/csv/positional');

/** [code, severity, line, column, endLine, endColumn] */
type Expected = [string, string, number, number, number, number];

function shape(r: { diagnostics: { code: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[] }): Expected[] {
  return r.diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.endLine, d.endColumn]);
}

const VALID: [string, FormatId][] = [
  ['image-single-valid.csv', 'image-classification-single-label'],
  ['image-multi-valid.csv', 'image-classification-multi-label'],
  ['bbox-valid.csv', 'image-bounding-box'],
  ['text-valid.csv', 'text-classification-single-label'],
  ['text-multi-valid.csv', 'text-classification-multi-label'],
  ['sentiment-valid.csv', 'text-sentiment'],
  ['video-classification-valid.csv', 'video-classification'],
  ['video-action-recognition-valid.csv', 'video-action-recognition'],
  ['video-object-tracking-valid.csv', 'video-object-tracking'],
];

const INVALID: { file: string; format: FormatId; expected: Expected[] }[] = [
  {
    file: 'image-invalid.csv',
    format: 'image-classification-single-label',
    expected: [
      ['mlUse.invalid', 'error', 1, 1, 1, 6],
      ['value.gcsUri', 'error', 2, 1, 2, 24],
      ['value.gcsUri', 'error', 3, 1, 3, 50],
      ['label.csvName', 'error', 4, 25, 4, 34],
      ['value.mediaType', 'warning', 5, 1, 5, 24],
      ['csv.columnCount', 'error', 6, 31, 6, 35],
      ['label.csvName', 'error', 7, 25, 7, 35],
      ['mlUse.unassigned', 'error', 8, 1, 8, 11],
    ],
  },
  {
    file: 'bbox-invalid.csv',
    format: 'image-bounding-box',
    expected: [
      ['box.minMax', 'error', 1, 32, 1, 35],
      ['box.outOfRange', 'error', 1, 32, 1, 35],
      ['box.minMax', 'error', 2, 32, 2, 35],
      ['box.vertices', 'error', 3, 32, 3, 54],
      ['box.outOfRange', 'error', 4, 32, 4, 34],
      ['box.outOfRange', 'error', 4, 35, 4, 37],
      ['box.outOfRange', 'error', 4, 40, 4, 43],
      ['box.outOfRange', 'error', 4, 44, 4, 47],
      ['csv.columnCount', 'error', 5, 25, 5, 43],
      ['box.notAxisAligned', 'warning', 6, 40, 6, 63],
      ['value.number', 'error', 7, 32, 7, 35],
      ['label.empty', 'error', 8, 25, 8, 26],
    ],
  },
  {
    file: 'sentiment-invalid.csv',
    format: 'text-sentiment',
    expected: [
      ['sentiment.range', 'error', 1, 9, 1, 10],
      ['value.integer', 'error', 2, 8, 2, 11],
      ['sentiment.range', 'error', 3, 9, 3, 11],
      // Text and video CSV layouts are known only from Google samples: layout findings are warnings.
      ['csv.columnCount', 'warning', 4, 9, 4, 10],
    ],
  },
  {
    file: 'video-classification-invalid.csv',
    format: 'video-classification',
    expected: [
      ['mlUse.videoValidation', 'error', 1, 1, 1, 11],
      ['time.order', 'error', 2, 31, 2, 32],
      ['time.format', 'error', 3, 29, 3, 33],
      ['time.format', 'error', 4, 29, 4, 31],
    ],
  },
  {
    file: 'video-object-tracking-invalid.csv',
    format: 'video-object-tracking',
    expected: [
      ['tracking.instanceId', 'error', 1, 32, 1, 36],
      ['box.minMax', 'error', 2, 38, 2, 41],
      ['box.outOfRange', 'error', 2, 50, 2, 53],
    ],
  },
];

describe('csv positional layouts', () => {
  for (const [file, format] of VALID) {
    it(`${file}: valid as ${format}, detected without --format`, async () => {
      const explicit = await validateCsvFile(join(DIR, file), { format });
      assert.deepEqual(shape(explicit), []);
      const detected = await validateCsvFile(join(DIR, file));
      assert.equal(detected.format, format);
      // Single-label files also fit multi-label; detection says so instead of guessing silently.
      const expected = format.endsWith('single-label') ? [['format.ambiguous', 'warning', 1, 1, 1, 2]] : [];
      assert.deepEqual(shape(detected), expected);
    });
  }

  for (const { file, format, expected } of INVALID) {
    it(`${file}: every problem with its code and exact range`, async () => {
      const r = await validateCsvFile(join(DIR, file), { format });
      assert.deepEqual(shape(r), expected);
    });
  }

  it('accepts the official bounding box example row and emits box facts', () => {
    const items: ItemFacts[] = [];
    const r = validateCsvText('test,gs://bucket-name/filename1.jpeg,Tomato,0.3,0.3,,,0.7,0.6,,\n', { format: 'image-bounding-box', onItem: (i) => items.push(i) });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(items, [
      {
        line: 1,
        anchor: { line: 1, column: 6, endLine: 1, endColumn: 37 },
        hasMlUse: true,
        mlUse: 'test',
        mediaUri: 'gs://bucket-name/filename1.jpeg',
        annotations: [{ kind: 'box', label: 'Tomato', xMin: 0.3, yMin: 0.3, xMax: 0.7, yMax: 0.6 }],
      },
    ]);
  });

  it('emits item facts for every row of every layout', async () => {
    const collect = async (file: string, format: FormatId) => {
      const items: ItemFacts[] = [];
      await validateCsvFile(join(DIR, file), { format, onItem: (i) => items.push(i) });
      return items;
    };
    const single = await collect('image-single-valid.csv', 'image-classification-single-label');
    assert.deepEqual(
      single.map((i) => [i.line, i.mediaUri, i.mlUse, i.annotations]),
      [
        [1, 'gs://flowers-data/daisy/1.jpg', undefined, [{ kind: 'classification', label: 'daisy' }]],
        [2, 'gs://flowers-data/tulip/2.png', 'test', [{ kind: 'classification', label: 'tulip' }]],
        [3, 'gs://flowers-data/rose/3.jpeg', 'training', [{ kind: 'classification', label: 'rose' }]],
        [4, 'gs://flowers-data/unlabeled/4.jpg', 'validation', []],
      ],
    );
    const text = await collect('text-valid.csv', 'text-classification-single-label');
    assert.deepEqual(text.map((i) => [i.mediaUri, i.textLength, i.mlUse]), [
      [undefined, 22, 'training'],
      [undefined, 21, undefined],
      ['gs://reviews-data/r1.txt', undefined, undefined],
      ['gs://reviews-data/r2.txt', undefined, 'test'],
    ]);
    const sentiment = await collect('sentiment-valid.csv', 'text-sentiment');
    assert.deepEqual(sentiment.map((i) => i.annotations), [
      [{ kind: 'sentiment', sentiment: 4, sentimentMax: 4 }],
      [{ kind: 'sentiment', sentiment: 0, sentimentMax: 4 }],
      [{ kind: 'sentiment', sentiment: 2, sentimentMax: 4 }],
    ]);
    const video = await collect('video-classification-valid.csv', 'video-classification');
    assert.deepEqual(video.map((i) => i.annotations), [
      [{ kind: 'timeSegment', label: 'cartwheel', start: 0, end: 12.5 }],
      [{ kind: 'timeSegment', label: 'jump', start: 5, end: Infinity }],
      [],
    ]);
    const actions = await collect('video-action-recognition-valid.csv', 'video-action-recognition');
    assert.deepEqual(actions.map((i) => i.annotations), [
      [{ kind: 'timeSegment', label: 'jump', start: 4.5, end: 4.5 }],
      [{ kind: 'timeSegment', label: 'swing', start: 10, end: 12 }],
      [],
    ]);
    const tracking = await collect('video-object-tracking-valid.csv', 'video-object-tracking');
    assert.deepEqual(tracking.map((i) => i.annotations), [
      [{ kind: 'trackedBox', label: 'car', time: 4, instanceId: '1', xMin: 0.1, yMin: 0.2, xMax: 0.4, yMax: 0.5 }],
      [{ kind: 'trackedBox', label: 'car', time: 4.5, instanceId: '1', xMin: 0.15, yMin: 0.2, xMax: 0.45, yMax: 0.5 }],
      [{ kind: 'trackedBox', label: 'bike', time: 1, instanceId: undefined, xMin: 0.1, yMin: 0.1, xMax: 0.3, yMax: 0.3 }],
    ]);
  });

  it('accepts upper-case ml_use in CSV but not legacy values, and video takes no validation split', () => {
    const ok = validateCsvText('TEST,gs://flowers-data/1.jpg,daisy\nVALIDATION,gs://flowers-data/2.jpg,rose\n', { format: 'image-classification-single-label' });
    assert.deepEqual(shape(ok), []);
    const video = validateCsvText('VALIDATION,gs://gym-videos/v.mp4,jump,0,1\n', { format: 'video-classification' });
    assert.deepEqual(shape(video), [['mlUse.videoValidation', 'error', 1, 1, 1, 11]]);
    const legacy = validateCsvText('VALIDATE,gs://flowers-data/1.jpg,daisy\n', { format: 'image-classification-single-label' });
    assert.equal(legacy.diagnostics[0].code, 'mlUse.invalid');
    assert.equal(legacy.diagnostics[0].data?.replacement, 'validation');
  });

  it('uses the same value rules as JSONL (shared messages)', () => {
    const r = validateCsvText('gs://flowers-data/a.jpg,daisy,rose,daisy\ngs://flowers-data/b.jpg,,rose\n', { format: 'image-classification-multi-label' });
    assert.deepEqual(shape(r), [
      ['label.duplicate', 'warning', 1, 36, 1, 41],
      ['label.empty', 'warning', 2, 25, 2, 26],
    ]);
  });

  it('an empty label column between labels is marked for removal (the editor\'s quick fix); a missing required label is not', () => {
    const r = validateCsvText('gs://flowers-data/a.jpg,daisy,"",rose\n', { format: 'image-classification-multi-label' });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.column, d.endColumn, d.data]), [['label.empty', 'warning', 31, 33, { removeCell: true }]]);
    const box = validateCsvText('gs://flowers-data/a.jpg,,0.1,0.1,,,0.5,0.5,,\n', { format: 'image-bounding-box' });
    const missing = box.diagnostics.find((d) => d.code === 'label.empty');
    assert.equal(missing?.severity, 'error');
    assert.equal(missing?.data, undefined);
  });
});
