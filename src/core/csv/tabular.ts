/**
 * Tabular (classification, regression) and forecasting CSV sources: header rules, column and row
 * limits, field counts, target / weight / split / time / series columns, and the per-column
 * profile. Facts: vertex-import-spec.md §2.1-§2.4.
 */
import type { Diagnostic, Range } from '../diagnostics';
import type { MlUse } from '../formats';
import { CLI_VALIDATION_HINTS, type ValidationHints } from '../validationHints';
import type { ItemFacts } from '../items';
import { isRfc3339Utc, parseTimestamp, TIMESTAMP_FORMATS_HINT } from '../rules/timestamp';
import { checkMlUse, ML_USE_VALUES } from '../rules/values';
import { cellRange, type CsvRecord } from './reader';
import { ColumnProfiler, DISTINCT_CAP, unquote, type ColumnProfile, type ProfileState } from './profile';
import { describeInterval, isSupportedGranularity, sameInterval, SeriesTracker, type Interval, type SeriesReport } from './series';

export type TabularObjective = 'classification' | 'regression' | 'forecasting';

export interface TabularOptions {
  target?: string;
  weight?: string;
  /** Predefined split column; defaults to `ml_use` when the header has it. */
  splitColumn?: string;
  /** Timestamp split column: RFC 3339 date-times with `Z`. */
  timestampSplitColumn?: string;
  objective?: TabularObjective;
  /** Forecasting: the time column and the time series identifier column. */
  timeColumn?: string;
  seriesColumn?: string;
  /**
   * Findings that only block training (too few rows: Vertex still imports the file) are errors
   * instead of warnings (the CLI's `--strict`).
   */
  strict?: boolean;
  /** What advice in messages names (default: the command line's options). */
  hints?: ValidationHints;
}

export const TABULAR_LIMITS = {
  minColumns: 2,
  maxColumns: 1000,
  forecastingMinColumns: 3,
  forecastingMaxColumns: 100,
  minRows: 1000,
  maxRows: 100_000_000,
  minClasses: 2,
  maxClasses: 500,
  minWeight: 0,
  maxWeight: 10_000,
  maxSeriesSteps: 3000,
  /** Forecasting: at least this many time series are recommended. */
  recommendedSeries: 10,
} as const;

/** Series ids tracked for the 3,000-step warning; more distinct series than this are not tracked. */
const MAX_TRACKED_SERIES = 1_000_000;
/** Series with uneven times marked one by one; the rest are counted in one finding. */
const MAX_LISTED_SERIES = 20;

export interface TabularSummary {
  header: string[];
  columns: number;
  /** Data rows (header and blank lines excluded). */
  rows: number;
  objective?: TabularObjective;
  target?: string;
  weight?: string;
  splitColumn?: string;
  timestampSplitColumn?: string;
  timeColumn?: string;
  seriesColumn?: string;
  /** Forecasting: the interval shared by the series, when they have one (e.g. "1 day"). */
  granularity?: string;
  /** Distinct series ids (forecasting), exact unless `seriesCapped`. */
  series?: number;
  seriesCapped?: boolean;
  profile: ColumnProfile[];
}

/** What a worker thread's checker hands back (see `TabularChecker.part`). */
export interface TabularPart {
  rows: number;
  profile?: ProfileState;
}

const COLUMN_NAME = /^[A-Za-z0-9][A-Za-z0-9_]*$/;

export function isValidColumnName(name: string): boolean {
  return COLUMN_NAME.test(name);
}

type Report = (d: Diagnostic) => void;

/** A column whose per-row check depends on its value alone; `passed` marks distinct values that passed. */
export interface ValueRole {
  kind: 'target' | 'weight' | 'split' | 'timestampSplit' | 'time';
  index: number;
  passed: Uint8Array;
}

function diag(range: Range, severity: Diagnostic['severity'], code: string, message: string, data?: Diagnostic['data']): Diagnostic {
  const d: Diagnostic = { ...range, severity, code, message };
  if (data) d.data = data;
  return d;
}

function quote(s: string): string {
  const t = s.length > 60 ? s.slice(0, 57) + '...' : s;
  return `'${t}'`;
}

function suggestColumn(name: string, header: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return header.find((h) => h.toLowerCase() === lower) ?? header.find((h) => h.toLowerCase().replace(/_/g, '') === lower.replace(/[_\s-]/g, ''));
}

export class TabularChecker {
  private header: string[] = [];
  private headerRecord?: CsvRecord;
  private profiler?: ColumnProfiler;
  private rows = 0;
  private targetIndex = -1;
  private weightIndex = -1;
  private splitIndex = -1;
  private timeIndex = -1;
  private seriesIndex = -1;
  private timestampSplitIndex = -1;
  private readonly objective?: TabularObjective;
  private readonly series = new SeriesTracker(MAX_TRACKED_SERIES);
  private splitColumn?: string;

  constructor(
    private readonly options: TabularOptions,
    private report: Report,
    private readonly onItem?: (item: ItemFacts) => void,
  ) {
    this.objective = options.objective;
  }

  /** Sends later findings elsewhere (the files of a multi-file source each have their own list). */
  redirect(report: Report): void {
    this.report = report;
  }

  get headerRange(): Range | undefined {
    return this.headerRecord?.recordRange();
  }

  get columnCount(): number {
    return this.header.length;
  }

  get headerFields(): readonly string[] {
    return this.header;
  }

  /**
   * The rows a worker thread checks after the header, for `merge` into the checker that read the
   * header. Forecasting's per-series state does not merge: those sources are read on one thread.
   */
  part(): TabularPart {
    return { rows: this.rows, profile: this.profiler ? this.profiler.state() : undefined };
  }

  /** Adds the rows of a part that follows the rows seen so far (same header and options). */
  merge(part: TabularPart): void {
    this.rows += part.rows;
    if (part.profile) this.profiler?.merge(part.profile);
  }

  /** The first record of the (first) file. */
  setHeader(record: CsvRecord): void {
    this.headerRecord = record;
    const header = (this.header = record.fields);
    const forecasting = this.objective === 'forecasting';
    const min = forecasting ? TABULAR_LIMITS.forecastingMinColumns : TABULAR_LIMITS.minColumns;
    const max = forecasting ? TABULAR_LIMITS.forecastingMaxColumns : TABULAR_LIMITS.maxColumns;
    const kind = forecasting ? 'Forecasting' : 'Tabular';
    if (header.length < min || header.length > max) {
      this.report(
        diag(
          record.recordRange(),
          'error',
          header.length < min ? 'tabular.columns.tooFew' : 'tabular.columns.tooMany',
          `${kind} data needs ${min}-${max.toLocaleString('en-US')} columns (target included); this header has ${header.length.toLocaleString('en-US')}.`,
        ),
      );
    }
    const seen = new Map<string, number>();
    let numericCells = 0;
    for (let i = 0; i < header.length; i++) {
      const name = header[i];
      const range = record.range(i);
      if (name.length === 0) {
        this.report(diag(range.endColumn > range.column ? range : { ...range, endColumn: range.column + 1 }, 'error', 'tabular.header.empty', `Column ${i + 1} has no name. Every column needs a unique name of letters, digits and underscores.`));
        continue;
      }
      if (/^[+-]?\d+(\.\d+)?$/.test(name)) numericCells++;
      if (!COLUMN_NAME.test(name)) {
        const fixed = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
        this.report(
          diag(
            range,
            'error',
            'tabular.header.invalidName',
            name.startsWith('_')
              ? `Column name ${quote(name)} starts with an underscore, which Vertex AI does not allow. Column names use letters, digits and underscores and must not start with '_'.`
              : `Column name ${quote(name)} contains characters other than letters, digits and underscores.`,
            fixed.length > 0 ? { replacement: fixed } : undefined,
          ),
        );
      }
      const first = seen.get(name);
      if (first !== undefined) {
        this.report({
          ...diag(range, 'error', 'tabular.header.duplicate', `Column name ${quote(name)} is used twice (also column ${first + 1}); column names must be unique.`),
          related: [{ ...record.range(first), message: 'first use of the name' }],
        });
      } else {
        seen.set(name, i);
      }
    }
    if (header.length > 1 && numericCells === header.length) {
      this.report(
        diag(record.recordRange(), 'warning', 'tabular.header.missing', 'The first line holds only numbers, so it looks like data rather than a header. A tabular CSV must start with a header line naming the columns.'),
      );
    }
    this.profiler = new ColumnProfiler(header);
    this.targetIndex = this.resolve(this.options.target, 'target', true);
    this.weightIndex = this.resolve(this.options.weight, 'weight', false);
    if (this.options.splitColumn !== undefined) {
      this.splitIndex = this.resolve(this.options.splitColumn, 'split', false);
      this.splitColumn = this.options.splitColumn;
    } else if (seen.has('ml_use')) {
      this.splitIndex = seen.get('ml_use')!;
      this.splitColumn = 'ml_use';
    }
    this.timestampSplitIndex = this.resolve(this.options.timestampSplitColumn, 'timestampSplit', false);
    if (forecasting) {
      this.timeIndex = this.resolve(this.options.timeColumn, 'time', true);
      this.seriesIndex = this.resolve(this.options.seriesColumn, 'series', true);
    }
  }

  private resolve(name: string | undefined, role: 'target' | 'weight' | 'split' | 'timestampSplit' | 'time' | 'series', required: boolean): number {
    const record = this.headerRecord!;
    const option = (this.options.hints ?? CLI_VALIDATION_HINTS).tabularColumn[role];
    const what = {
      target: 'target column',
      weight: 'weight column',
      split: 'split column',
      timestampSplit: 'timestamp split column',
      time: 'time column',
      series: 'time series identifier column',
    }[role];
    if (name === undefined || name === '') {
      if (required) {
        this.report(
          diag(
            record.recordRange(),
            role === 'target' ? 'info' : 'error',
            `tabular.${role}.unset`,
            role === 'target'
              ? `No target column given, so the target checks (no nulls; classification 2-500 classes) were skipped. Name it with ${option}.`
              : `Forecasting needs a ${what}; name it with ${option}.`,
          ),
        );
      }
      return -1;
    }
    const index = this.header.indexOf(name);
    if (index < 0) {
      const guess = suggestColumn(name, this.header);
      this.report(
        diag(
          record.recordRange(),
          'error',
          `tabular.${role}.missing`,
          `The ${what} ${quote(name)} is not in the header.${guess ? ` Did you mean ${quote(guess)}?` : ''}`,
          guess ? { suggestion: guess } : undefined,
        ),
      );
    }
    return index;
  }

  /** True when `record` (the first record of a further file) repeats the header. */
  isHeaderRepeat(record: CsvRecord): boolean {
    const f = record.fields;
    if (f.length !== this.header.length) return false;
    for (let i = 0; i < f.length; i++) if (f[i] !== this.header[i]) return false;
    return true;
  }

  /** Whether the first record of a further file looks like a (different) header rather than data. */
  looksLikeHeader(record: CsvRecord): boolean {
    const f = record.fields;
    let names = 0;
    for (const v of f) if (COLUMN_NAME.test(v) && !/^[+-]?\d/.test(v)) names++;
    const shared = f.filter((v) => this.header.includes(v)).length;
    return shared > 0 && names === f.length;
  }

  row(record: CsvRecord): void {
    const f = record.fields;
    if (record.blank && this.header.length > 1) {
      this.report(diag(record.recordRange(), 'warning', 'csv.blankLine', 'Blank line in a tabular CSV; remove it (it is not a data row).'));
      return;
    }
    this.rows++;
    const expected = this.header.length;
    if (f.length !== expected) {
      const range = f.length > expected ? { ...record.range(expected), column: record.range(expected).column } : record.range(f.length);
      if (f.length > expected) {
        const last = record.range(f.length - 1);
        range.endLine = last.endLine;
        range.endColumn = last.endColumn;
      }
      this.report(
        diag(
          range,
          'error',
          'csv.raggedRow',
          `This row has ${f.length.toLocaleString('en-US')} field${f.length === 1 ? '' : 's'} but the header has ${expected.toLocaleString('en-US')}. Every row needs exactly one value per column (use an empty value for a missing one, and quote values that contain commas).`,
        ),
      );
    }
    this.profiler!.add(f);
    this.checkRow(
      f.length,
      (i) => f[i],
      (i) => cellRange(record, i),
      record.line,
      () => record.recordRange(),
    );
  }

  /**
   * The fast path for a one-line record s[from, to) on line `line`: profiled in place, values
   * sliced only for the target, weight, split, time and series columns, and only for values not
   * already known to pass. Returns false (nothing recorded) when the line needs the general path
   * (blank, the wrong number of fields, irregular quoting). `quoteAt`: see `ColumnProfiler.addLine`.
   */
  fastLine(s: string, from: number, to: number, line: number, quoteAt?: number): boolean {
    if (from === to || !this.profiler) return false;
    const cells = this.profiler.addLine(s, from, to, quoteAt);
    if (!cells) return false;
    this.rows++;
    const { ends, quoted, entries } = cells;
    if (this.onItem === undefined && this.seriesIndex < 0) {
      // Most rows repeat values already checked: a value that passed its column's checks once
      // passes them every time (the checks of these columns depend on the value alone).
      let clean = true;
      const roles = this.roles;
      for (let r = 0; r < roles.length; r++) {
        const c = roles[r].index;
        const e = entries[c];
        const passed = roles[r].passed;
        if (e >= 0 && passed[e] === 1) continue;
        if (this.valuePasses(r, cellValue(s, from, ends, quoted, c))) {
          if (e >= 0) passed[e] = 1;
        } else {
          clean = false;
        }
      }
      if (clean) return true;
    }
    const start = (i: number): number => (i === 0 ? from : ends[i - 1] + 1);
    const value = (i: number): string => cellValue(s, from, ends, quoted, i);
    this.checkRow(
      this.header.length,
      value,
      (i) => {
        const column = start(i) - from + 1;
        const end = ends[i] - from + 1;
        return { line, column, endLine: line, endColumn: end > column ? end : column + 1 };
      },
      line,
      () => ({ line, column: 1, endLine: line, endColumn: Math.max(2, to - from + 1) }),
    );
    return true;
  }

  /**
   * What the byte scanner (bytescan.ts) needs to take lines as `fastLine` does: the profile, and
   * per checked column how a value passes without a finding (`nonEmpty`, `numeric`: a plain
   * decimal number, `weight`: a plain decimal number in range, or else only a distinct value
   * marked in `role.passed`). Undefined when each line must come here (an item consumer, series
   * to track).
   */
  scanPlan(): { profiler: ColumnProfiler; roles: { role: ValueRole; check: 'nonEmpty' | 'numeric' | 'weight' | 'passed' }[] } | undefined {
    if (this.onItem !== undefined || this.seriesIndex >= 0 || !this.profiler) return undefined;
    const numericTarget = this.objective === 'forecasting' || this.objective === 'regression';
    return {
      profiler: this.profiler,
      roles: this.roles.map((role) => ({
        role,
        check: role.kind === 'target' ? (numericTarget ? 'numeric' : 'nonEmpty') : role.kind === 'weight' ? 'weight' : 'passed',
      })),
    };
  }

  /** Counts `n` rows the byte scanner took (as `fastLine` would have, without a finding). */
  addScannedRows(n: number): void {
    this.rows += n;
    this.profiler!.addScannedLines(n);
  }

  /** Columns whose per-row checks depend on the value alone, in the order checkRow reports them. */
  private rolesCache?: ValueRole[];
  private get roles(): ValueRole[] {
    if (!this.rolesCache) {
      const n = this.header.length;
      const roles: ValueRole[] = [];
      const add = (kind: ValueRole['kind'], index: number): void => {
        if (index >= 0 && index < n) roles.push({ kind, index, passed: new Uint8Array(DISTINCT_CAP) });
      };
      add('target', this.targetIndex);
      add('weight', this.weightIndex);
      add('split', this.splitIndex);
      add('timestampSplit', this.timestampSplitIndex);
      add('time', this.timeIndex);
      this.rolesCache = roles;
    }
    return this.rolesCache;
  }

  /** True when checkRow reports nothing for value `v` in the column of role `r`. */
  private valuePasses(r: number, v: string): boolean {
    switch (this.roles[r].kind) {
      case 'target':
        return v.length > 0 && !((this.objective === 'forecasting' || this.objective === 'regression') && !isNumber(v));
      case 'weight': {
        const x = isNumber(v) ? Number(v) : NaN;
        return x >= TABULAR_LIMITS.minWeight && x <= TABULAR_LIMITS.maxWeight;
      }
      case 'split':
        return v.length > 0 && checkMlUse(v, ML_USE_VALUES, true).problem === undefined;
      case 'timestampSplit':
        return isRfc3339Utc(v);
      case 'time':
        return v.length > 0 && parseTimestamp(v) !== undefined;
    }
  }

  private checkRow(n: number, value: (i: number) => string, cell: (i: number) => Range, line: number, lineRange: () => Range): void {
    let mlUse: MlUse | undefined;
    let hasMlUse = false;
    const t = this.targetIndex;
    if (t >= 0 && t < n) {
      const v = value(t);
      if (v.length === 0) {
        this.report(diag(cell(t), 'error', 'tabular.target.null', `The target column ${quote(this.header[t])} is empty in this row; Vertex AI does not allow nulls in the target. Fill it in or drop the row.`));
      } else if ((this.objective === 'forecasting' || this.objective === 'regression') && !isNumber(v)) {
        this.report(diag(cell(t), 'error', 'tabular.target.notNumeric', `${this.objective === 'forecasting' ? 'Forecasting' : 'Regression'} needs a numeric target; ${quote(v)} is not a number.`));
      }
    }
    const w = this.weightIndex;
    if (w >= 0 && w < n) {
      const v = value(w);
      const x = isNumber(v) ? Number(v) : NaN;
      if (!(x >= TABULAR_LIMITS.minWeight && x <= TABULAR_LIMITS.maxWeight)) {
        this.report(
          diag(
            cell(w),
            'error',
            'tabular.weight.invalid',
            `${v.length === 0 ? 'The weight is empty' : `Weight ${quote(v)} is ${Number.isNaN(x) ? 'not a number' : 'out of range'}`}. A weight column holds numbers from 0 to 10,000 (0 drops the row from training).`,
          ),
        );
      }
    }
    const s = this.splitIndex;
    if (s >= 0 && s < n) {
      const v = value(s);
      hasMlUse = v.length > 0;
      if (v.length === 0) {
        this.report(
          diag(cell(s), 'warning', 'tabular.split.empty', `The split column ${quote(this.splitColumn ?? '')} is empty in this row, so a predefined split ignores the row. Use training, validation or test.`),
        );
      } else {
        const check = checkMlUse(v, ML_USE_VALUES, true);
        if (check.problem) {
          const p = check.problem;
          this.report(diag(cell(s), p.severity, p.code, `${p.message} (split column ${quote(this.splitColumn ?? '')})`, p.replacement !== undefined ? { replacement: p.replacement } : undefined));
        }
        mlUse = check.value;
      }
    }
    const ts = this.timestampSplitIndex;
    if (ts >= 0 && ts < n) {
      const v = value(ts);
      if (!isRfc3339Utc(v)) {
        this.report(
          diag(
            cell(ts),
            'error',
            'tabular.timestampSplit.invalid',
            `${v.length === 0 ? `The timestamp split column ${quote(this.header[ts])} is empty in this row` : `${quote(v)} is not an RFC 3339 date-time in UTC`}. A timestamp split column holds RFC 3339 date-times with a Z offset, like 2024-03-01T13:45:00Z or 1985-04-12T23:20:50.52Z.`,
          ),
        );
      }
    }
    let time: number | undefined;
    if (this.timeIndex >= 0 && this.timeIndex < n) {
      const v = value(this.timeIndex);
      if (v.length === 0) {
        this.report(diag(cell(this.timeIndex), 'error', 'tabular.time.null', `The time column ${quote(this.header[this.timeIndex])} is empty in this row; forecasting needs a time in every row.`));
      } else {
        time = parseTimestamp(v);
        if (time === undefined) this.report(diag(cell(this.timeIndex), 'error', 'tabular.time.invalid', `${quote(v)} is not a time. Expected ${TIMESTAMP_FORMATS_HINT}.`));
      }
    }
    if (this.seriesIndex >= 0 && this.seriesIndex < n) {
      const v = value(this.seriesIndex);
      if (v.length === 0) {
        this.report(diag(cell(this.seriesIndex), 'error', 'tabular.series.null', `The time series identifier column ${quote(this.header[this.seriesIndex])} is empty in this row; every row needs a series id.`));
      } else {
        const t = this.timeIndex;
        const timeCell = t >= 0 && t < n ? () => cell(t) : lineRange;
        const steps = this.series.add(v, time, timeCell);
        if (steps === TABULAR_LIMITS.maxSeriesSteps + 1) {
          this.report(
            diag(cell(this.seriesIndex), 'warning', 'tabular.series.tooLong', `Time series ${quote(v)} has more than 3,000 time steps (this row is step 3,001). Vertex AI forecasting supports at most 3,000 steps per series; split it or coarsen the granularity.`),
          );
        }
      }
    }
    if (this.onItem) {
      const label = t >= 0 && t < n && value(t).length > 0 ? value(t) : undefined;
      this.onItem({
        line,
        anchor: lineRange(),
        mlUse,
        hasMlUse,
        annotations: label !== undefined && this.objective !== 'regression' && this.objective !== 'forecasting' ? [{ kind: 'classification', label }] : [],
      });
    }
  }

  /**
   * Forecasting checks over all series: the recommended number of series, evenly spaced times in
   * each series, one interval shared by all series, and that interval being a Vertex data granularity.
   */
  private seriesChecks(record: CsvRecord, summary: TabularSummary): void {
    const seriesHeader = record.range(this.seriesIndex);
    const count = this.series.count;
    if (count > 0 && count < TABULAR_LIMITS.recommendedSeries && !this.series.capped) {
      this.report(
        diag(
          seriesHeader,
          'warning',
          'tabular.series.few',
          `This source has ${count} time series (distinct values of ${quote(this.header[this.seriesIndex])}); Vertex AI recommends at least ${TABULAR_LIMITS.recommendedSeries} series for forecasting.`,
        ),
      );
    }
    if (this.timeIndex < 0) return;
    const timeHeader = record.range(this.timeIndex);
    const intervals: { interval: Interval; series: number; example: string }[] = [];
    let irregular = 0;
    const listed: SeriesReport[] = [];
    for (const r of this.series.reports()) {
      const v = r.verdict;
      if (v.kind === 'regular') {
        const known = intervals.find((x) => sameInterval(x.interval, v.interval));
        if (known) known.series++;
        else intervals.push({ interval: v.interval, series: 1, example: r.id });
      } else if (v.kind === 'repeats' || v.kind === 'irregular') {
        irregular++;
        if (listed.length < MAX_LISTED_SERIES) listed.push(r);
      }
    }
    for (const r of listed) {
      const v = r.verdict;
      const span = `${new Date(r.min).toISOString()} to ${new Date(r.max).toISOString()}`;
      this.report(
        diag(
          r.firstCell,
          'error',
          'tabular.series.interval',
          v.kind === 'repeats'
            ? `Time series ${quote(r.id)} has ${r.steps.toLocaleString('en-US')} rows but only ${v.distinct.toLocaleString('en-US')} distinct evenly spaced times (${span}): some times repeat. Vertex AI forecasting needs one row per time step, with a consistent interval between rows.`
            : `The times of series ${quote(r.id)} are not evenly spaced: ${r.steps.toLocaleString('en-US')} rows from ${span} with uneven gaps or missing steps. Vertex AI forecasting needs a consistent interval between rows (add the missing time steps, or use a coarser granularity).`,
        ),
      );
    }
    if (irregular > listed.length) {
      this.report(
        diag(timeHeader, 'error', 'tabular.series.interval', `${(irregular - listed.length).toLocaleString('en-US')} more time series have times that are not evenly spaced (the first ${listed.length} are marked at their first row).`),
      );
    }
    if (intervals.length > 1) {
      intervals.sort((a, b) => b.series - a.series);
      const parts = intervals.slice(0, 5).map((x) => `${describeInterval(x.interval)} (${x.series.toLocaleString('en-US')} series, e.g. ${quote(x.example)})`);
      this.report(
        diag(
          timeHeader,
          'error',
          'tabular.time.granularity',
          `The time series do not share one interval: ${parts.join(', ')}${intervals.length > 5 ? ', ...' : ''}. Forecasting uses one data granularity for all series; resample them to a common interval.`,
        ),
      );
    } else if (intervals.length === 1) {
      const interval = intervals[0].interval;
      summary.granularity = describeInterval(interval);
      if (!isSupportedGranularity(interval)) {
        this.report(
          diag(
            timeHeader,
            'warning',
            'tabular.time.granularityUnsupported',
            `The time series step by ${describeInterval(interval)}, which is not a Vertex AI forecasting data granularity (1, 5, 10, 15 or 30 minutes, 1 hour, 1 day, 1 week, 1 month or 1 year). Training needs one of these; resample the data.`,
          ),
        );
      }
    }
  }

  /** Dataset-wide checks after the last row; `anchor` is where file-level findings go (the header). */
  finish(): TabularSummary {
    const record = this.headerRecord;
    const profile = this.profiler ? this.profiler.result() : [];
    const anchor: Range = record ? record.recordRange() : { line: 1, column: 1, endLine: 1, endColumn: 2 };
    if (this.rows < TABULAR_LIMITS.minRows || this.rows > TABULAR_LIMITS.maxRows) {
      const tooFew = this.rows < TABULAR_LIMITS.minRows;
      this.report(
        diag(
          anchor,
          // Too few rows only blocks training (Vertex imports the file); too many is refused at import.
          tooFew && !this.options.strict ? 'warning' : 'error',
          tooFew ? 'tabular.rows.tooFew' : 'tabular.rows.tooMany',
          `Vertex AI needs 1,000-100,000,000 data rows for tabular training; this source has ${this.rows.toLocaleString('en-US')}.`,
        ),
      );
    }
    const t = this.targetIndex;
    let objective = this.objective;
    if (t >= 0 && record) {
      const p = profile[t];
      if (!objective && p.count > 0) objective = p.inferredType === 'numeric' ? 'regression' : 'classification';
      if (objective === 'classification' && p.count > 0) {
        const classes = p.distinct;
        if (classes < TABULAR_LIMITS.minClasses || p.distinctCapped || classes > TABULAR_LIMITS.maxClasses) {
          this.report(
            diag(
              record.range(t),
              'error',
              'tabular.target.classes',
              classes < TABULAR_LIMITS.minClasses
                ? `The target column ${quote(p.name)} has only one value (${quote(p.topValues?.[0]?.value ?? '')}); classification needs 2-500 distinct values.`
                : `The target column ${quote(p.name)} has ${p.distinctCapped ? `more than ${p.distinct.toLocaleString('en-US')}` : classes.toLocaleString('en-US')} distinct values; classification supports 2-500.${p.inferredType === 'numeric' ? ` For a numeric target ${(this.options.hints ?? CLI_VALIDATION_HINTS).regression}.` : ''}`,
            ),
          );
        }
      }
    }
    const summary: TabularSummary = { header: this.header, columns: this.header.length, rows: this.rows, profile };
    if (objective) summary.objective = objective;
    if (t >= 0) summary.target = this.header[t];
    if (this.weightIndex >= 0) summary.weight = this.header[this.weightIndex];
    if (this.splitIndex >= 0) summary.splitColumn = this.header[this.splitIndex];
    if (this.timestampSplitIndex >= 0) summary.timestampSplitColumn = this.header[this.timestampSplitIndex];
    if (this.timeIndex >= 0) summary.timeColumn = this.header[this.timeIndex];
    if (this.seriesIndex >= 0) {
      summary.seriesColumn = this.header[this.seriesIndex];
      summary.series = this.series.count;
      summary.seriesCapped = this.series.capped;
      if (record) this.seriesChecks(record, summary);
    }
    return summary;
  }
}

/** Value of cell `i` of a line profiled in place (see `LineCells`). */
function cellValue(s: string, from: number, ends: Int32Array, quoted: Int32Array, i: number): string {
  const start = i === 0 ? from : ends[i - 1] + 1;
  return quoted[i] ? unquote(s, start, ends[i]) : s.slice(start, ends[i]);
}

function isNumber(v: string): boolean {
  if (v.length === 0 || v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) return false;
  const x = Number(v);
  return Number.isFinite(x);
}
