/**
 * Forecasting time series, tracked in one streaming pass: steps per series and whether the times
 * of each series are evenly spaced (the data granularity). Facts: vertex-import-spec.md §2.3
 * (consistent interval between rows; granularity units minute x1/5/10/15/30, hour, day, week,
 * month, year).
 *
 * Rows need not be sorted. A series whose times t_1..t_n are evenly spaced with interval g and no
 * repeats has span (max - min) = (n - 1) g, and every difference t_k - t_1 is a multiple of g, so g
 * is the greatest common divisor of those differences: the check keeps only the first time, the
 * minimum, the maximum and that divisor per series. Months and years have no fixed length, so the
 * same test runs on month numbers too, for series whose times all sit at the same offset from the
 * start (or the end) of their month.
 */
import type { Range } from '../diagnostics';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** A series' interval: milliseconds, or calendar months. */
export type Interval = { unit: 'ms'; size: number } | { unit: 'month'; size: number };

export type SeriesVerdict =
  | { kind: 'single' }
  | { kind: 'regular'; interval: Interval }
  /** All times equal, or some times repeat. */
  | { kind: 'repeats'; steps: number; distinct: number }
  /** Times not evenly spaced (gaps or irregular steps). */
  | { kind: 'irregular'; steps: number; span: number };

export interface SeriesReport {
  id: string;
  steps: number;
  verdict: SeriesVerdict;
  /** The time cell of the series' first row. */
  firstCell: Range;
  min: number;
  max: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** Per-series numbers in parallel typed arrays (a series costs tens of bytes, not an object). */
export class SeriesTracker {
  private readonly index = new Map<string, number>();
  private size = 0;
  private capacity = 0;
  private steps = new Float64Array(0);
  private first = new Float64Array(0);
  private min = new Float64Array(0);
  private max = new Float64Array(0);
  private div = new Float64Array(0);
  /** Month track: first month number, min, max, divisor, offset from month start / end (ms), flags. */
  private m0 = new Int32Array(0);
  private mMin = new Int32Array(0);
  private mMax = new Int32Array(0);
  private mDiv = new Int32Array(0);
  private fromStart = new Float64Array(0);
  private fromEnd = new Float64Array(0);
  /** Bit 1: same offset from the month start so far; bit 2: same offset from the month end. */
  private aligned = new Uint8Array(0);
  /** 1 when a row of the series has no time that parses (reported there; the series gets no verdict). */
  private untimed = new Uint8Array(0);
  /** The first row's time cell: line, column, end column. */
  private cell = new Int32Array(0);
  /** True once more distinct series were seen than `maxSeries` (later ones are not tracked). */
  capped = false;

  constructor(private readonly maxSeries: number) {}

  get count(): number {
    return this.size;
  }

  /** Steps of series `id` so far, including this row; 0 when the series is past the cap. */
  add(id: string, time: number | undefined, cell: () => Range): number {
    let k = this.index.get(id);
    if (k === undefined) {
      if (this.size >= this.maxSeries) {
        this.capped = true;
        return 0;
      }
      k = this.size++;
      if (k >= this.capacity) this.grow();
      this.index.set(id, k);
      const r = cell();
      this.cell[k * 3] = r.line;
      this.cell[k * 3 + 1] = r.column;
      this.cell[k * 3 + 2] = r.endColumn;
      this.first[k] = NaN;
    }
    const steps = ++this.steps[k];
    if (time !== undefined) this.time(k, Math.round(time));
    else this.untimed[k] = 1;
    return steps;
  }

  private time(k: number, t: number): void {
    const date = new Date(t);
    const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    if (this.first[k] !== this.first[k]) {
      this.first[k] = t;
      this.min[k] = t;
      this.max[k] = t;
      this.div[k] = 0;
      this.m0[k] = month;
      this.mMin[k] = month;
      this.mMax[k] = month;
      this.mDiv[k] = 0;
      this.fromStart[k] = t - start;
      this.fromEnd[k] = end - t;
      this.aligned[k] = 3;
      return;
    }
    if (t < this.min[k]) this.min[k] = t;
    if (t > this.max[k]) this.max[k] = t;
    this.div[k] = gcd(this.div[k], Math.abs(t - this.first[k]));
    if (t - start !== this.fromStart[k]) this.aligned[k] &= ~1;
    if (end - t !== this.fromEnd[k]) this.aligned[k] &= ~2;
    if (month < this.mMin[k]) this.mMin[k] = month;
    if (month > this.mMax[k]) this.mMax[k] = month;
    this.mDiv[k] = gcd(this.mDiv[k], Math.abs(month - this.m0[k]));
  }

  private grow(): void {
    const n = Math.max(1024, this.capacity * 2);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, per = 1) => {
      const b = new Int32Array(n * per);
      b.set(a);
      return b;
    };
    this.steps = f64(this.steps);
    this.first = f64(this.first);
    this.min = f64(this.min);
    this.max = f64(this.max);
    this.div = f64(this.div);
    this.fromStart = f64(this.fromStart);
    this.fromEnd = f64(this.fromEnd);
    this.m0 = i32(this.m0);
    this.mMin = i32(this.mMin);
    this.mMax = i32(this.mMax);
    this.mDiv = i32(this.mDiv);
    this.cell = i32(this.cell, 3);
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.aligned = u8(this.aligned);
    this.untimed = u8(this.untimed);
    this.capacity = n;
  }

  /** The verdict on each tracked series whose times all parse, in first-seen order. */
  *reports(): Generator<SeriesReport> {
    for (const [id, k] of this.index) {
      if (this.first[k] !== this.first[k] || this.untimed[k] === 1) continue;
      const steps = this.steps[k];
      const line = this.cell[k * 3];
      const firstCell: Range = { line, column: this.cell[k * 3 + 1], endLine: line, endColumn: this.cell[k * 3 + 2] };
      yield { id, steps, verdict: this.verdict(k, steps), firstCell, min: this.min[k], max: this.max[k] };
    }
  }

  private verdict(k: number, steps: number): SeriesVerdict {
    if (steps < 2) return { kind: 'single' };
    const span = this.max[k] - this.min[k];
    const g = this.div[k];
    if (g === 0) return { kind: 'repeats', steps, distinct: 1 };
    const expected = span / g + 1;
    if (expected === steps) return { kind: 'regular', interval: { unit: 'ms', size: g } };
    const mg = this.mDiv[k];
    if (this.aligned[k] !== 0 && mg > 0 && (this.mMax[k] - this.mMin[k]) / mg + 1 === steps) {
      return { kind: 'regular', interval: { unit: 'month', size: mg } };
    }
    // Fewer grid points than rows: some times repeat (or the spacing is irregular as well).
    if (expected < steps) return { kind: 'repeats', steps, distinct: expected };
    return { kind: 'irregular', steps, span };
  }
}

/** Whether Vertex AI forecasting has a data granularity for this interval (§2.3). */
export function isSupportedGranularity(i: Interval): boolean {
  if (i.unit === 'month') return i.size === 1 || i.size === 12;
  return [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, DAY, WEEK].includes(i.size);
}

export function sameInterval(a: Interval, b: Interval): boolean {
  return a.unit === b.unit && a.size === b.size;
}

/** "1 day", "15 minutes", "1 year", "90 seconds"... */
export function describeInterval(i: Interval): string {
  const plural = (n: number, unit: string) => `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
  if (i.unit === 'month') return i.size % 12 === 0 ? plural(i.size / 12, 'year') : plural(i.size, 'month');
  const units: [number, string][] = [
    [WEEK, 'week'],
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
    [1000, 'second'],
  ];
  for (const [ms, unit] of units) if (i.size % ms === 0) return plural(i.size / ms, unit);
  return plural(i.size, 'millisecond');
}
