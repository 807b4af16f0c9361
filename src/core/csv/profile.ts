/**
 * Per-column profile of a tabular CSV, built in one streaming pass: inferred type, nulls,
 * distinct values (counted exactly up to a cap), numeric min/max and string lengths. The tabular
 * checks (target distinct values, weight range...) and `vertex-datasets stats` read it.
 */
import { looksLikeTimestamp } from '../rules/timestamp';

export type ColumnType = 'empty' | 'numeric' | 'boolean' | 'timestamp' | 'categorical' | 'text';

export interface ColumnProfile {
  name: string;
  /** 0-based column index. */
  index: number;
  /** Non-null values seen. */
  count: number;
  /** Empty cells. */
  nulls: number;
  inferredType: ColumnType;
  /** Distinct non-null values, exact while `distinctCapped` is false. */
  distinct: number;
  distinctCapped: boolean;
  /** Numeric minimum/maximum over the values that parse as numbers. */
  min?: number;
  max?: number;
  /** Values that parse as numbers, timestamps, booleans. */
  numericCount: number;
  timestampCount: number;
  booleanCount: number;
  /** Longest value and mean value length, in UTF-16 code units. */
  maxLength: number;
  meanLength: number;
  /** Up to 20 most frequent values (only while the distinct count is below the cap). */
  topValues?: { value: string; count: number }[];
}

/** Distinct values are counted exactly up to this many per column. */
export const DISTINCT_CAP = 1000;

const TRUE_FALSE = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);

/** Mean length above which a high-cardinality string column is free text rather than a category. */
const TEXT_MEAN_LENGTH = 30;

const KIND_OTHER = 0;
const KIND_NUMBER = 1;
const KIND_TIMESTAMP = 2;
const KIND_BOOLEAN = 3;

interface ValueEntry {
  n: number;
  kind: number;
  x: number;
}

function classify(v: string): ValueEntry {
  const c = v.charCodeAt(0);
  // Numbers start with a digit, sign or dot; other cells skip the conversion.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    const x = +v;
    if (x - x === 0 && v.charCodeAt(v.length - 1) > 32) return { n: 1, kind: KIND_NUMBER, x };
    if (v.length >= 8 && looksLikeTimestamp(v)) return { n: 1, kind: KIND_TIMESTAMP, x: 0 };
  } else if (v.length <= 5 && TRUE_FALSE.has(v)) {
    return { n: 1, kind: KIND_BOOLEAN, x: 0 };
  }
  return { n: 1, kind: KIND_OTHER, x: 0 };
}

export class ColumnProfiler {
  private readonly n: number;
  readonly names: string[];
  private readonly count: Float64Array;
  private readonly nulls: Float64Array;
  private readonly numeric: Float64Array;
  private readonly timestamps: Float64Array;
  private readonly booleans: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly lengthSum: Float64Array;
  private readonly maxLength: Float64Array;
  private readonly values: (Map<string, ValueEntry> | null)[];

  constructor(names: readonly string[], private readonly distinctCap = DISTINCT_CAP) {
    this.names = names.slice();
    const n = (this.n = names.length);
    this.count = new Float64Array(n);
    this.nulls = new Float64Array(n);
    this.numeric = new Float64Array(n);
    this.timestamps = new Float64Array(n);
    this.booleans = new Float64Array(n);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.lengthSum = new Float64Array(n);
    this.maxLength = new Float64Array(n);
    this.values = Array.from({ length: n }, () => new Map<string, ValueEntry>());
  }

  /** Adds one row; cells past the header's width are ignored. */
  add(fields: readonly string[]): void {
    const n = Math.min(this.n, fields.length);
    for (let i = 0; i < n; i++) {
      const v = fields[i];
      const len = v.length;
      if (len === 0) {
        this.nulls[i]++;
        continue;
      }
      this.count[i]++;
      this.lengthSum[i] += len;
      if (len > this.maxLength[i]) this.maxLength[i] = len;
      const values = this.values[i];
      let entry: ValueEntry | undefined;
      if (values !== null) {
        entry = values.get(v);
        if (entry === undefined) {
          if (values.size >= this.distinctCap) this.values[i] = null;
          else values.set(v, (entry = classify(v)));
        }
      }
      // A value seen before keeps its classification: repeated categories are not parsed again.
      const e = entry ?? classify(v);
      if (entry) entry.n++;
      switch (e.kind) {
        case KIND_NUMBER:
          this.numeric[i]++;
          if (e.x < this.min[i]) this.min[i] = e.x;
          if (e.x > this.max[i]) this.max[i] = e.x;
          break;
        case KIND_TIMESTAMP:
          this.timestamps[i]++;
          break;
        case KIND_BOOLEAN:
          this.booleans[i]++;
          break;
      }
    }
  }

  /** Values of a column while its distinct count is below the cap (undefined once capped). */
  valueCounts(index: number): ReadonlyMap<string, number> | undefined {
    const values = this.values[index];
    return values ? new Map([...values].map(([k, e]) => [k, e.n])) : undefined;
  }

  result(): ColumnProfile[] {
    const out: ColumnProfile[] = [];
    for (let i = 0; i < this.n; i++) {
      const count = this.count[i];
      const values = this.values[i];
      const capped = values === null;
      const distinct = capped ? this.distinctCap : values.size;
      let inferredType: ColumnType;
      const meanLength = count > 0 ? this.lengthSum[i] / count : 0;
      if (count === 0) inferredType = 'empty';
      else if (this.numeric[i] === count) inferredType = 'numeric';
      else if (this.booleans[i] === count) inferredType = 'boolean';
      else if (this.timestamps[i] + this.numeric[i] === count && this.timestamps[i] > 0) inferredType = 'timestamp';
      else if (capped && meanLength >= TEXT_MEAN_LENGTH) inferredType = 'text';
      else inferredType = 'categorical';
      const p: ColumnProfile = {
        name: this.names[i],
        index: i,
        count,
        nulls: this.nulls[i],
        inferredType,
        distinct,
        distinctCapped: capped,
        numericCount: this.numeric[i],
        timestampCount: this.timestamps[i],
        booleanCount: this.booleans[i],
        maxLength: this.maxLength[i],
        meanLength: Math.round(meanLength * 100) / 100,
      };
      if (this.numeric[i] > 0) {
        p.min = this.min[i];
        p.max = this.max[i];
      }
      if (values) {
        p.topValues = [...values.entries()]
          .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
          .slice(0, 20)
          .map(([value, e]) => ({ value, count: e.n }));
      }
      out.push(p);
    }
    return out;
  }
}
