import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { ValidationOptions } from '../../../src/core/validate';
import { validateCsvFile, validateCsvText, validateTabularFiles } from '../../../src/core/csv/validate';
import { parseTimestamp } from '../../../src/core/rules/timestamp';
import { bigQueryUriProblem } from '../../../src/core/rules/values';

const DIR = join(__dirname, '../../fixtures/csv/tabular');

type Expected = [string, string, number, number, number, number];

function shape(r: { diagnostics: { code: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[] }): Expected[] {
  return r.diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.endLine, d.endColumn]);
}

const FORECAST: ValidationOptions = { objective: 'forecasting', target: 'sales', timeColumn: 'date', seriesColumn: 'store' };

/** A header and `rows` generated rows, enough to pass the 1,000-row minimum when needed. */
function table(header: string, rows: number, row: (i: number) => string): string {
  const out = [header];
  for (let i = 0; i < rows; i++) out.push(row(i));
  return out.join('\n') + '\n';
}

describe('csv tabular', () => {
  it('a valid 1,000-row source has no findings and a per-column profile', async () => {
    const r = await validateCsvFile(join(DIR, 'valid.csv'), { target: 'label', weight: 'weight' });
    assert.equal(r.format, 'tabular');
    assert.deepEqual(shape(r), []);
    assert.equal(r.items, 1000);
    const t = r.tabular!;
    assert.equal(t.rows, 1000);
    assert.equal(t.objective, 'classification');
    assert.equal(t.splitColumn, 'ml_use');
    const byName = Object.fromEntries(t.profile.map((p) => [p.name, p]));
    assert.equal(byName.id.inferredType, 'numeric');
    assert.equal(byName.id.min, 0);
    assert.equal(byName.id.max, 999);
    assert.equal(byName.id.distinct, 1000);
    assert.equal(byName.id.distinctCapped, false);
    assert.equal(byName.city.inferredType, 'categorical');
    assert.equal(byName.city.distinct, 4);
    assert.equal(byName.label.distinct, 2);
    assert.equal(byName.label.nulls, 0);
    assert.deepEqual(byName.ml_use.topValues?.map((v) => v.value).sort(), ['test', 'training', 'validation']);
  });

  it('reports header, target, weight, split and field-count problems with exact ranges', async () => {
    const r = await validateCsvFile(join(DIR, 'invalid.csv'), { target: 'label', weight: 'weight' });
    assert.deepEqual(shape(r), [
      ['tabular.header.invalidName', 'error', 1, 4, 1, 8],
      ['tabular.header.invalidName', 'error', 1, 9, 1, 18],
      ['tabular.header.duplicate', 'error', 1, 46, 1, 48],
      ['tabular.target.null', 'error', 4, 18, 4, 19],
      ['tabular.weight.invalid', 'error', 6, 21, 6, 26],
      ['mlUse.invalid', 'error', 7, 24, 7, 29],
      ['tabular.weight.invalid', 'error', 8, 22, 8, 27],
      ['csv.raggedRow', 'error', 10, 10, 10, 11],
    ]);
    const dup = r.diagnostics.find((d) => d.code === 'tabular.header.duplicate')!;
    assert.deepEqual(dup.related?.map((x) => [x.line, x.column, x.endColumn]), [[1, 1, 3]]);
    assert.equal(r.diagnostics.find((d) => d.code === 'mlUse.invalid')!.data?.replacement, 'training');
  });

  it('classification targets need 2-500 distinct values; a numeric target is regression', async () => {
    const many = await validateCsvFile(join(DIR, 'too-many-classes.csv'), { target: 'label' });
    assert.deepEqual(shape(many), [['tabular.target.classes', 'error', 1, 6, 1, 11]]);
    assert.match(many.diagnostics[0].message, /600 distinct values/);
    const one = validateCsvText(table('a,b', 1000, (i) => `${i},same`), { target: 'b' });
    assert.deepEqual(shape(one), [['tabular.target.classes', 'error', 1, 3, 1, 4]]);
    const numeric = validateCsvText(table('a,b', 1000, (i) => `x${i},${i * 1.5}`), { target: 'b' });
    assert.deepEqual(shape(numeric), []);
    assert.equal(numeric.tabular?.objective, 'regression');
    const forced = validateCsvText(table('a,b', 1000, (i) => `x${i},${i * 1.5}`), { target: 'b', objective: 'classification' });
    assert.deepEqual(shape(forced), [['tabular.target.classes', 'error', 1, 3, 1, 4]]);
    const regression = validateCsvText(table('a,b', 1000, (i) => `x${i},${i === 5 ? 'n/a' : i}`), { target: 'b', objective: 'regression' });
    assert.deepEqual(shape(regression), [['tabular.target.notNumeric', 'error', 7, 4, 7, 7]]);
  });

  it('quoted cells: values unquoted, ranges on the quotes, same findings on the fast and general paths', () => {
    const rows = table('id,"note",y,w', 1000, (i) => (i === 3 ? `${i},"a, ""b""",,"20000"` : i === 4 ? `${i},"multi\nline",b,1` : `${i},"x, y",${i % 2 ? 'a' : 'b'},1`));
    const r = validateCsvText(rows, { target: 'y', weight: 'w' });
    assert.deepEqual(shape(r), [
      ['tabular.target.null', 'error', 5, 14, 5, 15],
      ['tabular.weight.invalid', 'error', 5, 15, 5, 22],
    ]);
    const note = r.tabular!.profile.find((p) => p.name === 'note')!;
    assert.deepEqual(note.topValues?.map((v) => v.value).sort(), ['a, "b"', 'multi\nline', 'x, y']);
    assert.equal(r.items, 1000);
  });

  it('a quote inside an unquoted cell is reported on every row, as the reader reports it, and the value profiled as written', () => {
    const rows = table('id,note,y', 1000, (i) => (i === 600 ? `${i},x"y,a` : i === 700 ? `${i},"q"z,b` : `${i},n${i % 3},${i % 2 ? 'a' : 'b'}`));
    const r = validateCsvText(rows, { target: 'y' });
    assert.deepEqual(shape(r), [
      ['csv.strayQuote', 'error', 602, 6, 602, 7],
      ['csv.strayQuote', 'error', 702, 7, 702, 8],
    ]);
    const note = r.tabular!.profile.find((p) => p.name === 'note')!;
    assert.ok(note.topValues?.some((v) => v.value === 'x"y' && v.count === 1));
    assert.equal(r.items, 1000);
  });

  it('checks column names, column and row limits', () => {
    const header = validateCsvText('a,,a b,_c\n1,2,3,4\n', { format: 'tabular' });
    assert.deepEqual(
      shape(header).filter((d) => d[0].startsWith('tabular.header')),
      [
        ['tabular.header.empty', 'error', 1, 3, 1, 4],
        ['tabular.header.invalidName', 'error', 1, 4, 1, 7],
        ['tabular.header.invalidName', 'error', 1, 8, 1, 10],
      ],
    );
    assert.deepEqual(shape(validateCsvText('a,b\n1,2\n', { target: 'b' })), [['tabular.rows.tooFew', 'warning', 1, 1, 1, 4]]);
    const one = validateCsvText('only\n1\n', { format: 'tabular' });
    assert.equal(one.diagnostics[0].code, 'tabular.columns.tooFew');
    const wideForecast = validateCsvText(table(Array.from({ length: 101 }, (_, i) => `c${i}`).join(','), 3, () => Array(101).fill('1').join(',')), { objective: 'forecasting' });
    assert.ok(wideForecast.diagnostics.some((d) => d.code === 'tabular.columns.tooMany' && /3-100 columns/.test(d.message)));
  });

  it('too few rows only blocks training: a warning at 999 rows, an error with strict, nothing at 1,000', () => {
    const rows = (n: number) => table('id,label', n, (i) => `${i},${i % 2 ? 'a' : 'b'}`);
    const few = validateCsvText(rows(999), { target: 'label' });
    assert.deepEqual(shape(few), [['tabular.rows.tooFew', 'warning', 1, 1, 1, 9]]);
    assert.equal(few.diagnostics[0].message, 'Vertex AI needs 1,000-100,000,000 data rows for tabular training; this source has 999.');
    const strict = validateCsvText(rows(999), { target: 'label', strict: true });
    assert.deepEqual(shape(strict), [['tabular.rows.tooFew', 'error', 1, 1, 1, 9]]);
    assert.equal(strict.diagnostics[0].message, few.diagnostics[0].message);
    assert.deepEqual(shape(validateCsvText(rows(1000), { target: 'label' })), []);
    assert.deepEqual(shape(validateCsvText(rows(1000), { target: 'label', strict: true })), []);
  });

  it('too few rows over a multi-file source follows strict too (500 + 100 rows; 500 + 500 reach the minimum)', async () => {
    const few = async (names: string[], strict?: boolean) => {
      const r = await validateTabularFiles(names.map((f) => join(DIR, f)), { target: 'label', strict });
      return r.files.flatMap((f) => f.result.diagnostics.filter((d) => d.code === 'tabular.rows.tooFew').map((d) => [f.path.split('/').pop(), d.severity]));
    };
    assert.deepEqual(await few(['part-a.csv', 'part-c-noheader.csv']), [['part-a.csv', 'warning']]);
    assert.deepEqual(await few(['part-a.csv', 'part-c-noheader.csv'], true), [['part-a.csv', 'error']]);
    assert.deepEqual(await few(['part-a.csv', 'part-b.csv']), []);
    assert.deepEqual(await few(['part-a.csv', 'part-b.csv'], true), []);
  });

  it('names a missing target column and suggests the closest header name', () => {
    const r = validateCsvText('Age,Label\n1,a\n', { target: 'label' });
    const d = r.diagnostics.find((x) => x.code === 'tabular.target.missing')!;
    assert.match(d.message, /Did you mean 'Label'/);
    assert.deepEqual([d.line, d.column, d.endColumn], [1, 1, 10]);
  });

  it('weight must be a number from 0 to 10,000; split values training/validation/test', () => {
    const r = validateCsvText(table('f,y,w,fold', 1000, (i) => `${i},${i % 2 ? 'a' : 'b'},${i === 0 ? '-1' : i === 1 ? '' : '10000'},${i === 2 ? 'TRAINING' : i === 3 ? '' : i === 4 ? 'dev' : 'test'}`), {
      target: 'y',
      weight: 'w',
      splitColumn: 'fold',
    });
    assert.deepEqual(shape(r), [
      ['tabular.weight.invalid', 'error', 2, 5, 2, 7],
      ['tabular.weight.invalid', 'error', 3, 5, 3, 6],
      ['tabular.split.empty', 'warning', 5, 11, 5, 12],
      ['mlUse.invalid', 'error', 6, 11, 6, 14],
    ]);
  });

  it('forecasting: valid source, then time, series and target problems', async () => {
    const ok = await validateCsvFile(join(DIR, 'forecasting-valid.csv'), FORECAST);
    assert.deepEqual(shape(ok), []);
    assert.equal(ok.tabular?.series, 10);
    assert.equal(ok.tabular?.granularity, '1 day');
    const bad = await validateCsvFile(join(DIR, 'forecasting-invalid.csv'), FORECAST);
    assert.deepEqual(shape(bad), [
      ['tabular.series.few', 'warning', 1, 6, 1, 11],
      ['tabular.time.invalid', 'error', 3, 1, 3, 11],
      ['tabular.series.null', 'error', 4, 12, 4, 13],
      ['tabular.target.null', 'error', 5, 20, 5, 21],
      ['tabular.target.notNumeric', 'error', 6, 20, 6, 24],
    ]);
    const long = await validateCsvFile(join(DIR, 'forecasting-long-series.csv'), { objective: 'forecasting', target: 'y', timeColumn: 't', seriesColumn: 'series' });
    assert.deepEqual(shape(long), [
      ['tabular.series.few', 'warning', 1, 3, 1, 9],
      ['tabular.series.tooLong', 'warning', 3002, 12, 3002, 14],
    ]);
    assert.equal(long.tabular?.granularity, '1 minute');
    const unset = validateCsvText('a,b,c\n1,2,3\n', { objective: 'forecasting', target: 'c' });
    assert.deepEqual(
      unset.diagnostics.filter((d) => d.code.endsWith('.unset')).map((d) => [d.code, d.severity]),
      [
        ['tabular.series.unset', 'error'],
        ['tabular.time.unset', 'error'],
      ],
    );
  });

  it('multi-file sources: identical header or none; a different header is an error pointing at the first file', async () => {
    const files = ['part-b.csv', 'part-a.csv', 'part-c-noheader.csv', 'part-d-otherheader.csv'].map((f) => join(DIR, f));
    const { files: results, summary } = await validateTabularFiles(files, { target: 'label' });
    assert.deepEqual(results.map((f) => f.path.split('/').pop()), ['part-a.csv', 'part-b.csv', 'part-c-noheader.csv', 'part-d-otherheader.csv']);
    assert.deepEqual(shape(results[0].result), []);
    assert.deepEqual(shape(results[1].result), []);
    assert.deepEqual(shape(results[2].result), []);
    assert.deepEqual(shape(results[3].result), [['tabular.header.mismatch', 'error', 1, 1, 1, 39]]);
    assert.equal(results[3].result.diagnostics[0].related?.[0].path, join(DIR, 'part-a.csv'));
    // 500 + 500 + 100 + 10 data rows, one profile across files.
    assert.equal(summary?.rows, 1110);
    assert.equal(summary?.profile.find((p) => p.name === 'label')?.distinct, 2);
  });

  it('timestamps: dates, date-times, RFC 3339 offsets and Unix seconds; impossible dates fail', () => {
    assert.equal(parseTimestamp('2024-03-01'), Date.UTC(2024, 2, 1));
    assert.equal(parseTimestamp('2024-03-01 13:45:00'), Date.UTC(2024, 2, 1, 13, 45));
    assert.equal(parseTimestamp('1985-04-12T23:20:50.52Z'), Date.UTC(1985, 3, 12, 23, 20, 50, 520));
    assert.equal(parseTimestamp('2024-03-01T01:00:00+02:00'), Date.UTC(2024, 1, 29, 23));
    assert.equal(parseTimestamp('1600000000'), 1_600_000_000_000);
    assert.equal(parseTimestamp('2023-02-29'), undefined);
    assert.equal(parseTimestamp('2024-13-01'), undefined);
    assert.equal(parseTimestamp('yesterday'), undefined);
  });

  it('BigQuery sources use the shared rule: bq://project.dataset.table, at most 2,000 characters', () => {
    assert.equal(bigQueryUriProblem('bq://my-project.sales_data.orders_2024'), undefined);
    assert.equal(bigQueryUriProblem('bq://example.com:my-project.ds.t'), undefined);
    assert.equal(bigQueryUriProblem('bq://my-project:sales:orders')?.code, 'value.bigQueryUri');
    assert.equal(bigQueryUriProblem('bq://Bad_Project.ds.t')?.code, 'value.bigQueryUri');
    assert.equal(bigQueryUriProblem('bq://my-project.ds.' + 't'.repeat(2000))?.code, 'value.bigQueryUri');
    assert.match(bigQueryUriProblem('bq://my-project.ds.' + 't'.repeat(2000))!.message, /2,000/);
  });

  it('emits item facts with the split value for every data row', () => {
    const items: { line: number; mlUse?: string; label?: string }[] = [];
    validateCsvText('x,y,ml_use\n1,a,training\n2,b,test\n3,a,\n', {
      target: 'y',
      onItem: (i) => items.push({ line: i.line, mlUse: i.mlUse, label: i.annotations[0]?.kind === 'classification' ? i.annotations[0].label : undefined }),
    });
    assert.deepEqual(items, [
      { line: 2, mlUse: 'training', label: 'a' },
      { line: 3, mlUse: 'test', label: 'b' },
      { line: 4, mlUse: undefined, label: 'a' },
    ]);
  });
});
