import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { ValidationOptions } from '../../../src/core/validate';
import { validateCsvFile, validateCsvText } from '../../../src/core/csv/validate';
import { isRfc3339Utc } from '../../../src/core/rules/timestamp';
import { describeInterval, isSupportedGranularity } from '../../../src/core/csv/series';
import { main } from '../../../src/cli/main';

const DIR = join(__dirname, '../../fixtures/csv/tabular');
const FC = join(DIR, 'forecasting');
const FORECAST: ValidationOptions = { objective: 'forecasting', target: 'sales', timeColumn: 'date', seriesColumn: 'store' };

/** The findings of the given codes, as [code, severity, line, column, endLine, endColumn]. */
async function findings(file: string, codes: string[], options: ValidationOptions = FORECAST) {
  const r = await validateCsvFile(join(FC, file), options);
  return {
    r,
    shape: r.diagnostics.filter((d) => codes.includes(d.code)).map((d) => [d.code, d.severity, d.line, d.column, d.endLine, d.endColumn]),
  };
}

const SERIES_CODES = ['tabular.series.few', 'tabular.series.interval', 'tabular.time.granularity', 'tabular.time.granularityUnsupported'];

describe('forecasting series checks', () => {
  it('recommends at least 10 series: 9 warn, 10 do not', async () => {
    const nine = await findings('series-9.csv', SERIES_CODES);
    assert.deepEqual(nine.shape, [['tabular.series.few', 'warning', 1, 6, 1, 11]]);
    assert.match(nine.r.diagnostics.find((d) => d.code === 'tabular.series.few')!.message, /9 time series.*at least 10/);
    const ten = await findings('series-10.csv', SERIES_CODES);
    assert.deepEqual(ten.shape, []);
    assert.equal(ten.r.tabular?.series, 10);
    assert.equal(ten.r.tabular?.granularity, '1 day');
  });

  it('a series with a missing time step is marked at its first row; the regular series are not', async () => {
    const { shape, r } = await findings('gap.csv', ['tabular.series.interval']);
    // s1 starts on line 7 (after the header and s0's 5 rows).
    assert.deepEqual(shape, [['tabular.series.interval', 'error', 7, 1, 7, 11]]);
    const d = r.diagnostics.find((x) => x.code === 'tabular.series.interval')!;
    assert.match(d.message, /'s1' are not evenly spaced: 4 rows from 2024-01-01T00:00:00.000Z to 2024-01-05T00:00:00.000Z/);
  });

  it('a series with a repeated time is marked; rows need not be sorted', async () => {
    const rep = await findings('repeats.csv', ['tabular.series.interval']);
    assert.deepEqual(rep.shape, [['tabular.series.interval', 'error', 6, 1, 6, 11]]);
    assert.match(rep.r.diagnostics.find((x) => x.code === 'tabular.series.interval')!.message, /5 rows but only 4 distinct evenly spaced times.*repeat/);
    const shuffled = await findings('unsorted.csv', SERIES_CODES.filter((c) => c !== 'tabular.series.few'));
    assert.deepEqual(shuffled.shape, []);
    assert.equal(shuffled.r.tabular?.granularity, '1 day');
  });

  it('months and years are intervals too (month starts, month ends, same day each year)', async () => {
    const monthly = await findings('monthly.csv', SERIES_CODES.filter((c) => c !== 'tabular.series.few'));
    assert.deepEqual(monthly.shape, []);
    assert.equal(monthly.r.tabular?.granularity, '1 month');
    const yearly = await findings('yearly.csv', SERIES_CODES.filter((c) => c !== 'tabular.series.few'));
    assert.deepEqual(yearly.shape, []);
    assert.equal(yearly.r.tabular?.granularity, '1 year');
  });

  it('series with different intervals are one error at the time column', async () => {
    const { shape, r } = await findings('mixed.csv', SERIES_CODES.filter((c) => c !== 'tabular.series.few'));
    assert.deepEqual(shape, [['tabular.time.granularity', 'error', 1, 1, 1, 5]]);
    assert.match(r.diagnostics.find((d) => d.code === 'tabular.time.granularity')!.message, /1 hour \(2 series, e\.g\. 's1'\), 1 day \(1 series, e\.g\. 's0'\)/);
    assert.equal(r.tabular?.granularity, undefined);
  });

  it('an interval that is no Vertex data granularity warns: 15 minutes and 1 day pass, 20 minutes and 2 days warn', async () => {
    const codes = ['tabular.time.granularityUnsupported'];
    assert.deepEqual((await findings('every-15-minutes.csv', codes)).shape, []);
    assert.deepEqual((await findings('every-20-minutes.csv', codes)).shape, [['tabular.time.granularityUnsupported', 'warning', 1, 1, 1, 5]]);
    const two = await findings('every-2-days.csv', codes);
    assert.deepEqual(two.shape, [['tabular.time.granularityUnsupported', 'warning', 1, 1, 1, 5]]);
    assert.match(two.r.diagnostics.find((d) => d.code === 'tabular.time.granularityUnsupported')!.message, /step by 2 days/);
    assert.equal(two.r.tabular?.granularity, '2 days');
  });

  it('past 20 series with uneven times, the rest are counted in one finding', () => {
    const rows = ['date,store,sales'];
    for (let s = 0; s < 25; s++) for (const day of [1, 2, 4]) rows.push(`2024-01-0${day},s${s},1`);
    const r = validateCsvText(rows.join('\n') + '\n', FORECAST);
    const marked = r.diagnostics.filter((d) => d.code === 'tabular.series.interval');
    assert.equal(marked.length, 21);
    assert.deepEqual(
      marked.filter((d) => d.line === 1).map((d) => d.message),
      ['5 more time series have times that are not evenly spaced (the first 20 are marked at their first row).'],
    );
  });

  it('granularity helpers', () => {
    assert.equal(describeInterval({ unit: 'ms', size: 15 * 60_000 }), '15 minutes');
    assert.equal(describeInterval({ unit: 'ms', size: 7 * 86_400_000 }), '1 week');
    assert.equal(describeInterval({ unit: 'ms', size: 90_000 }), '90 seconds');
    assert.equal(describeInterval({ unit: 'month', size: 24 }), '2 years');
    for (const m of [1, 5, 10, 15, 30]) assert.ok(isSupportedGranularity({ unit: 'ms', size: m * 60_000 }), `${m} minutes`);
    assert.ok(!isSupportedGranularity({ unit: 'ms', size: 2 * 3_600_000 }));
    assert.ok(isSupportedGranularity({ unit: 'month', size: 12 }));
    assert.ok(!isSupportedGranularity({ unit: 'month', size: 3 }));
  });
});

describe('timestamp split column', () => {
  const OPTIONS: ValidationOptions = { target: 'label', timestampSplitColumn: 'event_time' };

  it('RFC 3339 date-times with Z pass; offsets, missing Z, dates, impossible times and empty cells are errors', async () => {
    const r = await validateCsvFile(join(DIR, 'timestamp-split.csv'), OPTIONS);
    const bad = r.diagnostics.filter((d) => d.code === 'tabular.timestampSplit.invalid');
    // Lines 2-6 hold the valid values, 7-14 the invalid ones.
    assert.deepEqual(
      bad.map((d) => [d.line, d.column, d.endColumn, d.severity]),
      [
        [7, 3, 28, 'error'],
        [8, 3, 22, 'error'],
        [9, 3, 13, 'error'],
        [10, 3, 23, 'error'],
        [11, 3, 23, 'error'],
        [12, 4, 5, 'error'],
        [13, 4, 24, 'error'],
        [14, 4, 14, 'error'],
      ],
    );
    assert.match(bad[5].message, /timestamp split column 'event_time' is empty/);
    assert.match(bad[0].message, /is not an RFC 3339 date-time in UTC.*2024-03-01T13:45:00Z/);
    assert.equal(r.tabular?.timestampSplitColumn, 'event_time');
  });

  it('a timestamp split column missing from the header is reported with a suggestion', () => {
    const r = validateCsvText('id,Event_Time,label\n1,2024-03-01T00:00:00Z,a\n', OPTIONS);
    const d = r.diagnostics.find((x) => x.code === 'tabular.timestampSplit.missing');
    assert.ok(d);
    assert.deepEqual(d.data, { suggestion: 'Event_Time' });
  });

  it('the CLI takes --timestamp-split-column (and it implies tabular)', async () => {
    let out = '';
    const code = await main(['validate', '--timestamp-split-column', 'event_time', '--output', 'json', join(DIR, 'timestamp-split.csv')], { out: (t) => (out += t), err: () => undefined, cwd: process.cwd() });
    assert.equal(code, 1);
    const report = JSON.parse(out);
    assert.equal(report.files[0].format, 'tabular');
    assert.equal(report.files[0].diagnostics.filter((d: { code: string }) => d.code === 'tabular.timestampSplit.invalid').length, 8);
  });

  it('isRfc3339Utc', () => {
    for (const v of ['2024-03-01T13:45:00Z', '1985-04-12T23:20:50.52Z', '2016-12-31T23:59:60Z', '2024-02-29t00:00:00z']) assert.ok(isRfc3339Utc(v), v);
    for (const v of ['2024-03-01T13:45Z', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-03-01T00:60:00Z', '2024-03-01T00:00:00.Z', ' 2024-03-01T00:00:00Z']) assert.ok(!isRfc3339Utc(v), v);
  });
});
