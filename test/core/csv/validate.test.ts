import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { validateCsvFile, validateCsvText } from '../../../src/core/csv/validate';
import { validateFile } from '../../../src/core/files';
import { UsageError } from '../../../src/core/jsonl/validate';
import { cli } from '../support/cli';
import type { ValidationOptions } from '../../../src/core/validate';
import { CLI_VALIDATION_HINTS, EDITOR_VALIDATION_HINTS, type ValidationHints } from '../../../src/core/validationHints';

const HOSTILE = join(__dirname, '../../fixtures/csv/hostile');
const TABULAR = join(__dirname, '../../fixtures/csv/tabular');

type Expected = [string, string, number, number, number, number];

function shape(r: { diagnostics: { code: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[] }): Expected[] {
  return r.diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.endLine, d.endColumn]);
}

describe('csv validation entry', () => {
  describe('hostile files', () => {
    const single = { format: 'image-classification-single-label' as const };

    it('an unterminated quote is reported once at the opening quote; the swallowed text is not checked', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'unterminated-quote.csv'), single);
      assert.deepEqual(shape(r), [['csv.unterminatedQuote', 'error', 2, 25, 2, 26]]);
      assert.match(r.diagnostics[0].message, /taking in 2 line/);
    });

    it('stray quotes are reported where they are', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'stray-quote.csv'), single);
      assert.deepEqual(
        shape(r).filter((d) => d[0] === 'csv.strayQuote'),
        [
          ['csv.strayQuote', 'error', 1, 27, 1, 28],
          ['csv.strayQuote', 'error', 2, 31, 2, 32],
        ],
      );
    });

    it('mixed line endings keep line numbers right', async () => {
      const lines: number[] = [];
      const r = await validateCsvFile(join(HOSTILE, 'mixed-eol.csv'), { format: 'image-classification-multi-label', onItem: (i) => lines.push(i.line) });
      assert.deepEqual(lines, [1, 2, 3, 4]);
      assert.equal(r.lines, 5);
      // The quoted label spans lines 4-5 and is not a valid CSV label.
      assert.deepEqual(shape(r), [['label.csvName', 'error', 4, 25, 5, 6]]);
    });

    it('a BOM is stripped with a warning', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'bom.csv'), single);
      assert.deepEqual(shape(r), [['encoding.bom', 'warning', 1, 1, 1, 2]]);
      assert.equal(r.items, 2);
    });

    it('binary data stops the read with one clear error', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'binary.csv'));
      assert.deepEqual(shape(r), [['file.binary', 'error', 1, 1, 1, 2]]);
      assert.equal(r.format, undefined);
    });

    it('invalid UTF-8 is located', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'invalid-utf8.csv'), { format: 'image-classification-multi-label' });
      assert.deepEqual(shape(r).filter((d) => d[0] === 'encoding.utf8'), [['encoding.utf8', 'error', 2, 28, 2, 29]]);
    });

    it('a file that is actually JSONL says so, without a flood of CSV errors', async () => {
      const r = await validateCsvFile(join(HOSTILE, 'actually.csv'));
      assert.deepEqual(shape(r), [['csv.looksLikeJsonl', 'error', 1, 1, 1, 93]]);
      const explicit = await validateCsvFile(join(HOSTILE, 'actually.csv'), { format: 'tabular', target: 'x' });
      assert.deepEqual(shape(explicit), [['csv.looksLikeJsonl', 'error', 1, 1, 1, 93]]);
    });

    it('a header-only tabular file and 1,001 columns', async () => {
      const header = await validateCsvFile(join(HOSTILE, 'header-only.csv'), { target: 'label' });
      assert.deepEqual(shape(header), [['tabular.rows.tooFew', 'warning', 1, 1, 1, 17]]);
      const wide = await validateCsvFile(join(HOSTILE, 'columns-1001.csv'), { target: 'c0' });
      assert.deepEqual(
        shape(wide).map((d) => d[0]),
        ['tabular.columns.tooMany', 'tabular.rows.tooFew'],
      );
      assert.match(wide.diagnostics[0].message, /2-1,000 columns.*1,001/);
    });

    it('an empty file is an error', () => {
      assert.deepEqual(shape(validateCsvText('')), [['file.empty', 'error', 1, 1, 1, 2]]);
    });
  });

  describe('format detection', () => {
    it('is certain when the layout tells, and lists candidates when not', () => {
      const boxes = validateCsvText('gs://bucket-name/a.jpg,cat,0.1,0.1,,,0.5,0.5,,\n');
      assert.equal(boxes.detection.confidence, 'certain');
      assert.equal(boxes.format, 'image-bounding-box');
      const single = validateCsvText('gs://bucket-name/a.jpg,cat\n');
      assert.equal(single.detection.confidence, 'ambiguous');
      assert.deepEqual(single.detection.candidates, ['image-classification-single-label', 'image-classification-multi-label']);
      const tabular = validateCsvText('age,income,label\n1,2,x\n');
      assert.equal(tabular.format, 'tabular');
    });

    it('says when it cannot tell', () => {
      const r = validateCsvText('1,2\n3,4\n');
      assert.equal(r.format, undefined);
      assert.deepEqual(shape(r), [['format.unknown', 'error', 1, 1, 1, 2]]);
    });

    it('the advice names --format on the command line and the editor\'s command and setting in the editor', async () => {
      const ids = 'image-classification-single-label, image-classification-multi-label, image-bounding-box, text-classification-single-label, text-classification-multi-label, text-sentiment, video-classification, video-action-recognition, video-object-tracking, tabular';
      const unknown = (hints?: ValidationHints) => validateCsvText('1,2\n3,4\n', { hints }).diagnostics[0].message;
      const ambiguous = (hints?: ValidationHints) => validateCsvText('gs://bucket-name/a.jpg,cat\n', { hints }).diagnostics[0].message;
      const cliUnknown = `Could not tell which import format this CSV is (no gs:// path and no header of column names in the first lines). Name it with --format: ${ids}.`;
      const cliAmbiguous =
        'The format is not certain: every row has at most one label, which fits both single-label and multi-label image classification. Candidates: image-classification-single-label, image-classification-multi-label; validated as image-classification-single-label. Choose one with --format.';
      assert.equal(unknown(), cliUnknown);
      assert.equal(unknown(CLI_VALIDATION_HINTS), cliUnknown);
      assert.equal(ambiguous(), cliAmbiguous);
      assert.equal(ambiguous(CLI_VALIDATION_HINTS), cliAmbiguous);
      assert.equal(
        unknown(EDITOR_VALIDATION_HINTS),
        `Could not tell which import format this CSV is (no gs:// path and no header of column names in the first lines). Name it with "Choose Import Format for This File" (or the vertexDatasets.formats setting): ${ids}.`,
      );
      assert.equal(ambiguous(EDITOR_VALIDATION_HINTS), cliAmbiguous.replace('--format', '"Choose Import Format for This File" (or the vertexDatasets.formats setting)'));
      // The command line reads no editor settings: its advice names none.
      for (const m of [unknown(), ambiguous()]) assert.doesNotMatch(m, /vertexDatasets/);
      for (const m of [unknown(EDITOR_VALIDATION_HINTS), ambiguous(EDITOR_VALIDATION_HINTS)]) assert.doesNotMatch(m, /--/);
      // The command line's output keeps its wording.
      const dir = mkdtempSync(join(tmpdir(), 'vd-hints-'));
      try {
        writeFileSync(join(dir, 'x.csv'), '1,2\n3,4\n');
        writeFileSync(join(dir, 'y.csv'), 'gs://bucket-name/a.jpg,cat\n');
        const r = await cli(['validate', 'x.csv', 'y.csv'], dir);
        assert.ok(r.out.includes(`x.csv:1:1: error format.unknown: ${cliUnknown}\n`), r.out);
        assert.ok(r.out.includes(`y.csv:1:1: warning format.ambiguous: ${cliAmbiguous}\n`), r.out);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('tabular advice names the command line\'s options, or the editor\'s vertexDatasets.tabular.* settings', () => {
      const messages = (text: string, o: ValidationOptions) => validateCsvText(text, o).diagnostics.filter((d) => d.code !== 'tabular.rows.tooFew').map((d) => d.message);
      const numeric = ['id,y', ...Array.from({ length: 1000 }, (_, i) => `${i},${i}`)].join('\n');
      const unset = 'No target column given, so the target checks (no nulls; classification 2-500 classes) were skipped. Name it with ';
      const classes = "The target column 'y' has 1,000 distinct values; classification supports 2-500. For a numeric target ";
      for (const hints of [undefined, CLI_VALIDATION_HINTS]) {
        assert.deepEqual(messages('a,b\n1,2\n', { format: 'tabular', hints }), [`${unset}--target NAME.`]);
        assert.deepEqual(messages('a,b,c\n1,2,3\n', { objective: 'forecasting', target: 'c', hints }), [
          'Forecasting needs a time series identifier column; name it with --series-column NAME.',
          'Forecasting needs a time column; name it with --time-column NAME.',
        ]);
        assert.deepEqual(messages(numeric, { target: 'y', objective: 'classification', hints }), [`${classes}use --objective regression.`]);
      }
      const hints = EDITOR_VALIDATION_HINTS;
      assert.deepEqual(messages('a,b\n1,2\n', { format: 'tabular', hints }), [`${unset}the vertexDatasets.tabular.target setting.`]);
      assert.deepEqual(messages('a,b,c\n1,2,3\n', { objective: 'forecasting', target: 'c', hints }), [
        'Forecasting needs a time series identifier column; name it with the vertexDatasets.tabular.seriesColumn setting.',
        'Forecasting needs a time column; name it with the vertexDatasets.tabular.timeColumn setting.',
      ]);
      assert.deepEqual(messages(numeric, { target: 'y', objective: 'classification', hints }), [`${classes}set vertexDatasets.tabular.objective to regression.`]);
    });

    it('a format without a CSV layout is a usage error', () => {
      assert.throws(() => validateCsvText('a,b\n', { format: 'text-extraction' }), UsageError);
    });
  });

  describe('options', () => {
    it('maxDiagnostics caps the list and says how many were left out', () => {
      const text = Array.from({ length: 20 }, (_, i) => `gs://bucket-name/${i}.jpg,1bad`).join('\n');
      const r = validateCsvText(text, { format: 'image-classification-single-label', maxDiagnostics: 5 });
      assert.equal(r.diagnostics.length, 6);
      assert.equal(r.diagnostics[5].code, 'report.truncated');
      assert.match(r.diagnostics[5].message, /15 more/);
    });

    it('fromLine drops findings above the line', () => {
      const text = 'gs://bucket-name/1.jpg,1bad\ngs://bucket-name/2.jpg,2bad\n';
      const r = validateCsvText(text, { format: 'image-classification-single-label', fromLine: 2 });
      assert.deepEqual(shape(r), [['label.csvName', 'error', 2, 24, 2, 28]]);
    });

    it('validateFile dispatches .csv files and unreadable paths are usage errors', async () => {
      const r = await validateFile(join(TABULAR, 'valid.csv'), { target: 'label' });
      assert.equal(r.format, 'tabular');
      await assert.rejects(validateCsvFile(join(HOSTILE, 'no-such-file.csv')), UsageError);
    });
  });

  describe('cli', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'csv-cli-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('validate --target/--weight/--split-column/--objective on a tabular CSV, with json output', async () => {
      const lines = ['id,y,w,fold'];
      for (let i = 0; i < 1000; i++) lines.push(`${i},${i % 3 ? 'a' : 'b'},${i === 7 ? 20000 : 1},${i === 9 ? 'TRAIN' : 'training'}`);
      writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
      const r = await cli(['validate', '--no-dataset-checks', '--target', 'y', '--weight', 'w', '--split-column', 'fold', '--objective', 'classification', '--output', 'json', 'data.csv'], dir);
      assert.equal(r.code, 1, r.err);
      const json = JSON.parse(r.out);
      assert.deepEqual(
        json.files[0].diagnostics.map((d: { code: string; line: number; column: number }) => [d.code, d.line, d.column]),
        [
          ['tabular.weight.invalid', 9, 5],
          ['mlUse.invalid', 11, 7],
        ],
      );
      assert.equal(json.files[0].format, 'tabular');
      assert.equal(json.files[0].items, 1000);
    });

    it('forecasting options and usage errors', async () => {
      writeFileSync(join(dir, 'f.csv'), 'day,store,sales\n2024-01-01,s1,3\n2024-01-32,s1,4\n');
      const r = await cli(['validate', '--objective', 'forecasting', '--target', 'sales', '--time-column', 'day', '--series-column', 'store', 'f.csv'], dir);
      assert.equal(r.code, 1);
      assert.match(r.out, /f\.csv:3:1: error tabular\.time\.invalid/);
      const bad = await cli(['validate', '--objective', 'clustering', 'f.csv'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--objective must be classification, regression or forecasting/);
      const clash = await cli(['validate', '--format', 'image-bounding-box', '--target', 'y', 'f.csv'], dir);
      assert.equal(clash.code, 2);
    });

    it('several CSV files with --target form one tabular source', async () => {
      const header = 'id,y';
      writeFileSync(join(dir, 'p1.csv'), [header, ...Array.from({ length: 600 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`)].join('\n') + '\n');
      writeFileSync(join(dir, 'p2.csv'), [header, ...Array.from({ length: 600 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`)].join('\n') + '\n');
      const r = await cli(['validate', '--target', 'y', 'p1.csv', 'p2.csv'], dir);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /2 files, 1,200 items: 0 errors/);
    });

    it('positional CSV through the same validate command', async () => {
      writeFileSync(join(dir, 'boxes.csv'), 'test,gs://bucket-name/a.jpeg,Tomato,0.3,0.3,,,1.7,0.6,,\n');
      const r = await cli(['validate', 'boxes.csv'], dir);
      assert.equal(r.code, 1);
      assert.match(r.out, /boxes\.csv:1:47: error box\.outOfRange: xMax = 1\.7 is outside 0\.\.1/);
    });
  });
});

describe('CSV labels with letters beyond ASCII', () => {
  it('are a warning that names an ASCII spelling, count as labels, and pass the CLI (exit 0); other characters stay errors', async () => {
    const text = ['gs://bkt/1.jpg,café', 'gs://bkt/2.jpg,東京', 'gs://bkt/3.jpg,cat', 'gs://bkt/4.jpg,café au lait', 'gs://bkt/5.jpg,naïve_2'].join('\n') + '\n';
    const labels: string[] = [];
    const r = validateCsvText(text, { format: 'image-classification-single-label', onItem: (i) => labels.push(...i.annotations.map((a) => ('label' in a ? String(a.label) : ''))) });
    assert.deepEqual(shape(r), [
      ['label.csvName', 'warning', 1, 16, 1, 20],
      ['label.csvName', 'warning', 2, 16, 2, 18],
      ['label.csvName', 'error', 4, 16, 4, 28],
      ['label.csvName', 'warning', 5, 16, 5, 23],
    ]);
    assert.match(r.diagnostics[0].message, /^CSV label "café" uses letters or digits beyond ASCII\. .*; "cafe" is safe\.$/);
    assert.doesNotMatch(r.diagnostics[1].message, /is safe/, 'no ASCII spelling of 東京');
    assert.match(r.diagnostics[2].message, /Use "cafe_au_lait"\./);
    assert.deepEqual(labels, ['café', '東京', 'cat', 'naïve_2']);
    // Leading digits carry meaning: no suggestion that drops them ("1_star" and "2_star" are not both "star").
    const digits = validateCsvText('gs://bkt/1.jpg,1_star\n', { format: 'image-classification-single-label' }).diagnostics;
    assert.deepEqual([digits[0].code, digits[0].severity, digits[0].data?.replacement], ['label.csvName', 'error', undefined]);
    const dir = mkdtempSync(join(tmpdir(), 'vd-csv-labels-'));
    try {
      writeFileSync(join(dir, 'labels.csv'), text.split('\n').filter((l) => !l.includes(' ')).join('\n'));
      const run = await cli(['validate', '--format', 'image-classification-single-label', '--no-dataset-checks', 'labels.csv'], dir);
      assert.equal(run.code, 0, run.out + run.err);
      assert.match(run.out, /labels\.csv:1:16: warning label\.csvName/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('csv tabular stats', () => {
  it('vertex-datasets stats prints the per-column profile of a tabular source (text and JSON)', async () => {
    const file = join(TABULAR, 'valid.csv');
    const text = await cli(['stats', '--target', 'label', file]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /rows 1,000; columns 7; target label \(classification\); split column ml_use/);
    assert.match(text.out, /\n {2}id {6}numeric {10}0 {5}1,000 {4}0 {5}999\n/);
    const json = await cli(['stats', '--target', 'label', '--output', 'json', file]);
    const report = JSON.parse(json.out);
    const label = report.tabular[0].profile.find((p: { name: string }) => p.name === 'label');
    assert.deepEqual([label.inferredType, label.nulls, label.distinct, label.distinctCapped], ['categorical', 0, 2, false]);
  });
});

describe('csv file validation: progress and cancellation', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'csv-cancel-'));
    path = join(dir, 'big.csv');
    // About 3 MB: several read chunks.
    const rows = ['id,city,label'];
    for (let i = 0; i < 150_000; i++) rows.push(`${i},city${i % 50},${i % 3 === 0 ? 'yes' : 'no'}`);
    writeFileSync(path, rows.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports progress per chunk, increasing, ending at the file size (through validateFile)', async () => {
    const seen: [number, number][] = [];
    const r = await validateFile(path, { format: 'tabular', target: 'label', onProgress: (b, t) => seen.push([b, t]) });
    assert.equal(r.items, 150_000);
    assert.ok(seen.length >= 3, `one call per chunk, got ${seen.length}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] > seen[i - 1][0]);
    const size = (await import('node:fs')).statSync(path).size;
    assert.deepEqual(seen[seen.length - 1], [size, size]);
  });

  it('an already aborted signal rejects before reading', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(validateFile(path, { format: 'tabular', signal: abort.signal, onProgress: () => assert.fail('nothing is read') }), /Validation cancelled/);
  });

  it('aborting while reading stops at the next chunk and rejects', async () => {
    const abort = new AbortController();
    let calls = 0;
    await assert.rejects(
      validateFile(path, {
        format: 'tabular',
        signal: abort.signal,
        onProgress: () => {
          calls++;
          abort.abort();
        },
      }),
      /Validation cancelled/,
    );
    assert.equal(calls, 1);
  });
});
