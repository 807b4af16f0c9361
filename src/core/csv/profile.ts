/**
 * Per-column profile of a tabular CSV, built in one streaming pass: inferred type, nulls,
 * distinct values (counted exactly up to a cap), numeric min/max and value lengths. The tabular
 * checks (target classes...) and `vertex-datasets stats` read it.
 *
 * Two ways in: `add(fields)` for records the reader split, and `addLine(...)` for quote-free lines,
 * which are profiled straight from the chunk text without creating a string per cell. Distinct
 * values live in a hash table per column (hash of the UTF-16 code units, entries verified against
 * the text), so a value seen before is neither copied nor parsed again: its type evidence and
 * numeric value count once, when it is first seen (the type flags and min/max do not depend on how
 * often a value occurs).
 */
import { looksLikeTimestamp } from '../rules/timestamp';

export type ColumnType = 'empty' | 'numeric' | 'boolean' | 'timestamp' | 'categorical' | 'text';

export interface ColumnProfile {
  name: string;
  /** 0-based column index. */
  index: number;
  /** Non-null values. */
  count: number;
  /** Empty cells. */
  nulls: number;
  inferredType: ColumnType;
  /** Distinct non-null values, exact while `distinctCapped` is false (then at least this many). */
  distinct: number;
  distinctCapped: boolean;
  /** Numeric columns: smallest and largest value. */
  min?: number;
  max?: number;
  /** Longest value and mean value length, in UTF-16 code units. */
  maxLength: number;
  meanLength: number;
  /** Up to 20 most frequent values (while the distinct count is below the cap). */
  topValues?: { value: string; count: number }[];
}

/** Distinct values are counted exactly up to this many per column. */
export const DISTINCT_CAP = 1000;

const TRUE_FALSE = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);
/** Mean length above which a high-cardinality string column is free text rather than a category. */
const TEXT_MEAN_LENGTH = 30;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const KIND_OTHER = 0;
const KIND_NUMBER = 1;
const KIND_TIMESTAMP = 2;
const KIND_BOOLEAN = 3;

/** How a scanned line's cell is looked at: by distinct value, as a number, as a string, or not at all. */
const MODE_HASH = 0;
const MODE_NUMBER = 1;
const MODE_STRING = 2;
const MODE_SKIP = 3;

/**
 * What addLine recorded for a cell: nothing to take back, an occurrence (argument: the table slot),
 * a null, a length (argument; the longest length before it is kept too), a number and its length
 * (the minimum and maximum before it are kept too).
 */
const UNDO_NONE = 0;
const UNDO_HIT = 1;
const UNDO_NULL = 2;
const UNDO_LENGTH = 3;
const UNDO_NUMBER = 4;


/**
 * Distinct values of one column: open addressing over two independent 32-bit hashes, the second
 * mixed with the value's length (a false match needs both to collide). A slot is four adjacent
 * ints (hash, hash, entry, occurrences), so a lookup and its count touch one cache line; the table
 * starts small and doubles, so a column with a handful of values stays in the fastest cache.
 * Entries are numbered in insertion order; `values` is indexed by entry number.
 */
class ValueTable {
  /** Per slot: [h1, h2 mixed with the length, entry number or -1 when free, occurrences not yet flushed]. */
  keys: Int32Array;
  readonly values: string[] = [];
  /** Occurrences moved out of the slots, by entry (a slot counts up to COUNT_FLUSH, then flushes here). */
  private readonly flushed: Float64Array;
  private mask: number;
  /** Where the slots live when they are shared with the byte scanner (fixed, sized for the largest table). */
  private region?: Int32Array;
  /** The byte scanner's copy of the mask (entry `maskSlot`). */
  private maskOut?: Int32Array;
  private maskSlot = 0;
  constructor(private readonly cap: number) {
    this.mask = 15;
    this.keys = new Int32Array(16 * 4).fill(-1);
    this.flushed = new Float64Array(cap);
  }
  /** The slot (index into `keys`) holding the value, or ~slot of the free slot where it would go. */
  find(a: number, b: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = a & mask;
    for (;;) {
      const k = i << 2;
      if (keys[k + 2] < 0) return ~k;
      if (keys[k] === a && keys[k + 1] === b) return k;
      i = (i + 1) & mask;
    }
  }
  /** Counts one more occurrence of the value in slot `k`. */
  hit(k: number): void {
    const keys = this.keys;
    const c = keys[k + 3] + 1;
    if (c < COUNT_FLUSH) keys[k + 3] = c;
    else this.flush(k, c);
  }
  flush(k: number, c: number): void {
    this.flushed[this.keys[k + 2]] += c;
    this.keys[k + 3] = 0;
  }
  /** Adds a value at the free slot `k` with `occurrences` occurrences (merging profiles). */
  insertCounted(k: number, a: number, b: number, value: string, occurrences: number): void {
    const e = this.insert(k, a, b, value);
    this.flushed[e] += occurrences - 1;
  }
  /** Adds occurrences to the value in slot `k`. */
  addCount(k: number, occurrences: number): void {
    this.flushed[this.keys[k + 2]] += occurrences;
  }
  /** Adds a value at the free slot `k` (from a missed `find`) with one occurrence; returns its entry number. */
  insert(k: number, a: number, b: number, value: string): number {
    const e = this.values.length;
    const keys = this.keys;
    keys[k] = a;
    keys[k + 1] = b;
    keys[k + 2] = e;
    keys[k + 3] = 1;
    this.values.push(value);
    // Keep the load at most one half (the cap is never exceeded, so neither is 2 x cap slots).
    if ((e + 1) * 2 > this.mask + 1 && e + 1 < this.cap) this.grow();
    return e;
  }
  /**
   * Moves the slots into `region` (at least `maxTableInts(cap)` ints), where they stay as the table
   * grows, and publishes the mask in `maskOut[maskSlot]`.
   */
  moveTo(region: Int32Array, maskOut: Int32Array, maskSlot: number): void {
    region.set(this.keys);
    this.keys = region.subarray(0, this.keys.length);
    this.region = region;
    this.maskOut = maskOut;
    this.maskSlot = maskSlot;
    maskOut[maskSlot] = this.mask;
  }
  private grow(): void {
    const region = this.region;
    const old = region ? this.keys.slice() : this.keys;
    const size = (this.mask + 1) * 2;
    const keys = region ? region.subarray(0, size * 4).fill(-1) : new Int32Array(size * 4).fill(-1);
    const mask = size - 1;
    for (let k = 0; k < old.length; k += 4) {
      if (old[k + 2] < 0) continue;
      let i = old[k] & mask;
      while (keys[(i << 2) + 2] >= 0) i = (i + 1) & mask;
      const t = i << 2;
      keys[t] = old[k];
      keys[t + 1] = old[k + 1];
      keys[t + 2] = old[k + 2];
      keys[t + 3] = old[k + 3];
    }
    this.keys = keys;
    this.mask = mask;
    if (this.maskOut) this.maskOut[this.maskSlot] = mask;
  }
  get size(): number {
    return this.values.length;
  }
  /** Occurrences of each entry. */
  counts(): Float64Array {
    const out = this.flushed.slice(0, this.values.length);
    const keys = this.keys;
    for (let k = 0; k < keys.length; k += 4) if (keys[k + 2] >= 0) out[keys[k + 2]] += keys[k + 3];
    return out;
  }
  /** Sum and maximum of the value lengths over all occurrences. */
  lengths(): { sum: number; max: number } {
    const counts = this.counts();
    let sum = 0;
    let max = 0;
    for (let e = 0; e < this.values.length; e++) {
      const len = this.values[e].length;
      sum += len * counts[e];
      if (len > max) max = len;
    }
    return { sum, max };
  }
}

/** Ints a table of distinct values of a column with this cap can ever use (4 per slot). */
export function maxTableInts(cap: number): number {
  let size = 16;
  for (let e = 0; e + 1 < cap; e++) if ((e + 1) * 2 > size) size *= 2;
  return size * 4;
}

/** A slot's occurrence count is flushed to a double before it could overflow its int. */
const COUNT_FLUSH = 0x40000000;

/** The second hash of a value of length `len`, mixed with the length. */
function withLength(h2: number, len: number): number {
  return h2 ^ Math.imul(len, 0x9e3779b1);
}

/** The number found by the last `classify` that returned KIND_NUMBER (no object per call). */
let classifiedNumber = 0;

function classify(v: string): number {
  const c = v.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    // Dashes at 4 and 7 (a date) never match DECIMAL: it allows a dash only first and after an exponent mark.
    if (v.length >= 10 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45) return looksLikeTimestamp(v) ? KIND_TIMESTAMP : KIND_OTHER;
    if (DECIMAL.test(v)) {
      classifiedNumber = Number(v) + 0;
      return KIND_NUMBER;
    }
    if (v.length >= 10 && looksLikeTimestamp(v)) return KIND_TIMESTAMP;
  } else if (v.length <= 5 && TRUE_FALSE.has(v)) {
    return KIND_BOOLEAN;
  }
  return KIND_OTHER;
}

/** The value of the quoted cell s[start, end) (quotes included). */
export function unquote(s: string, start: number, end: number): string {
  const inner = s.slice(start + 1, end - 1);
  return inner.indexOf('"') < 0 ? inner : inner.replace(/""/g, '"');
}

let lastH2 = 0;
/** First hash of `v`; the second is left in `lastH2` (no allocation per cell). */
function hashString(v: string): number {
  let h = 0;
  let g = 0x811c9dc5 | 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    h = (Math.imul(h, 31) + c) | 0;
    g = Math.imul(g ^ c, 0x01000193);
  }
  lastH2 = g;
  return h;
}

/**
 * Cell boundaries of the last line profiled in place (absolute offsets, quotes included). Cell i
 * starts just after the comma ending cell i - 1 (cell 0 at the start of the line).
 */
export interface LineCells {
  ends: Int32Array;
  /** Per cell: 0 unquoted, else 1 + the length of the unquoted value. */
  quoted: Int32Array;
  /** Per cell: its entry in the column's table of distinct values, or -1 (empty, or the column is past the cap). */
  entries: Int32Array;
}

/** The per-column counters of a profile, one entry per column. */
export interface ProfileColumns {
  /** Non-null cells per column (the lines profiled in place included). */
  count: Float64Array;
  nulls: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Lengths of the cells not held in a table of distinct values. */
  lengthSum: Float64Array;
  maxLength: Float64Array;
  allNumber: Uint8Array;
  allBoolean: Uint8Array;
  allTimestamp: Uint8Array;
  sawTimestamp: Uint8Array;
}

/**
 * Everything a profile knows, as plain data: a profile built over part of a file on a worker
 * thread, merged into the one of the parts before it (`ColumnProfiler.merge`).
 */
export interface ProfileState extends ProfileColumns {
  /** Per column: distinct values with their occurrences, or null past the cap. */
  tables: ({ values: string[]; counts: number[] } | null)[];
}

/** Per-column arrays in the byte scanner's memory for `ColumnProfiler.moveTo` (one entry per column). */
export interface ProfileMemory extends ProfileColumns {
  modes: Uint8Array;
  /** Per column: room for its table of distinct values (`maxTableInts(cap)` ints). */
  tables: Int32Array[];
  /** Per column: its table's mask, kept current by the table. */
  masks: Int32Array;
}

/** No quote ahead (a position past any line). */
const NO_QUOTE = 0x7fffffff;

export class ColumnProfiler {
  private readonly n: number;
  readonly names: string[];
  private count: Float64Array;
  private nulls: Float64Array;
  private min: Float64Array;
  private max: Float64Array;
  private lengthSum: Float64Array;
  private maxLength: Float64Array;
  /** Lines profiled by addLine (their non-null cells are not counted one by one). */
  private lineRows = 0;
  /** Type evidence: every value so far is a number / a boolean / a timestamp or number. */
  private allNumber: Uint8Array;
  private allBoolean: Uint8Array;
  private allTimestamp: Uint8Array;
  private sawTimestamp: Uint8Array;
  private readonly tables: (ValueTable | null)[];
  private modes: Uint8Array;
  // Scratch space for addLine.
  private readonly hashes: Int32Array;
  private readonly hashes2: Int32Array;
  private readonly cells: LineCells;
  /** Per cell of the line being profiled: what to take back if the line is rejected (UNDO_*), and its argument. */
  private readonly undo: Uint8Array;
  private readonly undoArg: Int32Array;
  /** Per cell: the column's minimum, maximum and longest length before the cell (UNDO_LENGTH, UNDO_NUMBER). */
  private readonly undoMin: Float64Array;
  private readonly undoMax: Float64Array;
  private readonly undoLongest: Float64Array;
  /** Cells of the line being profiled left for when the line is taken. */
  private readonly deferred: Int32Array;
  /** Some cell of `cells.quoted` is set (the array is cleared lazily: most lines have no quotes). */
  private quotedDirty = false;

  constructor(
    names: readonly string[],
    private readonly distinctCap = DISTINCT_CAP,
  ) {
    this.names = names.slice();
    const n = (this.n = names.length);
    this.count = new Float64Array(n);
    this.nulls = new Float64Array(n);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.lengthSum = new Float64Array(n);
    this.maxLength = new Float64Array(n);
    this.allNumber = new Uint8Array(n).fill(1);
    this.allBoolean = new Uint8Array(n).fill(1);
    this.allTimestamp = new Uint8Array(n).fill(1);
    this.sawTimestamp = new Uint8Array(n);
    this.tables = Array.from({ length: n }, () => new ValueTable(distinctCap));
    this.modes = new Uint8Array(n).fill(MODE_HASH);
    this.hashes = new Int32Array(n);
    this.hashes2 = new Int32Array(n);
    this.cells = { ends: new Int32Array(n), quoted: new Int32Array(n), entries: new Int32Array(n) };
    this.undo = new Uint8Array(n);
    this.undoArg = new Int32Array(n);
    this.undoMin = new Float64Array(n);
    this.undoMax = new Float64Array(n);
    this.undoLongest = new Float64Array(n);
    this.deferred = new Int32Array(n);
  }

  get columns(): number {
    return this.n;
  }

  /** The byte scanner shares this profile's arrays (until a merge replaces the tables). */
  private sharedWith?: ProfileMemory;

  /**
   * Moves the per-column state into `memory` (the byte scanner's, see bytescan.ts), which this
   * profile keeps using: lines the scanner takes are recorded there directly.
   */
  moveTo(memory: ProfileMemory): void {
    const move = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.count = move(this.count, memory.count);
    this.nulls = move(this.nulls, memory.nulls);
    this.min = move(this.min, memory.min);
    this.max = move(this.max, memory.max);
    this.lengthSum = move(this.lengthSum, memory.lengthSum);
    this.maxLength = move(this.maxLength, memory.maxLength);
    this.allNumber = move(this.allNumber, memory.allNumber);
    this.allBoolean = move(this.allBoolean, memory.allBoolean);
    this.allTimestamp = move(this.allTimestamp, memory.allTimestamp);
    this.sawTimestamp = move(this.sawTimestamp, memory.sawTimestamp);
    this.modes = move(this.modes, memory.modes);
    for (let i = 0; i < this.n; i++) this.tables[i]?.moveTo(memory.tables[i], memory.masks, i);
    this.sharedWith = memory;
  }

  /** Whether the byte scanner may record lines into this profile now. */
  get sharesMemory(): boolean {
    return this.sharedWith !== undefined;
  }

  /** Counts `lines` one-line records the byte scanner took (their non-null cells, as addLine does). */
  addScannedLines(lines: number): void {
    this.lineRows += lines;
  }

  get distinctLimit(): number {
    return this.distinctCap;
  }

  private kindSeen(i: number, kind: number, x: number): void {
    if (kind === KIND_NUMBER) {
      if (x < this.min[i]) this.min[i] = x;
      if (x > this.max[i]) this.max[i] = x;
      if (this.allBoolean[i] === 1) {
        this.allBoolean[i] = 0;
        this.updateMode(i);
      }
      return;
    }
    if (this.allNumber[i] === 1) {
      this.allNumber[i] = 0;
      this.updateMode(i);
    }
    if (kind !== KIND_BOOLEAN && this.allBoolean[i] === 1) {
      this.allBoolean[i] = 0;
      this.updateMode(i);
    }
    if (kind === KIND_TIMESTAMP) this.sawTimestamp[i] = 1;
    else if (this.allTimestamp[i] === 1) {
      this.allTimestamp[i] = 0;
      this.updateMode(i);
    }
  }

  private classifySeen(i: number, v: string): void {
    const kind = classify(v);
    this.kindSeen(i, kind, kind === KIND_NUMBER ? classifiedNumber : 0);
  }

  private updateMode(i: number): void {
    if (this.tables[i] !== null) this.modes[i] = MODE_HASH;
    else if (this.allNumber[i] === 1) this.modes[i] = MODE_NUMBER;
    else if (this.allBoolean[i] === 1 || this.allTimestamp[i] === 1) this.modes[i] = MODE_STRING;
    else this.modes[i] = MODE_SKIP;
  }

  /**
   * Counts one occurrence of a non-empty value by its hashes: returns its entry, or -1 when the
   * column is (or just went) past the cap, in which case the value was classified and its length
   * counted on its own. `v` is the value, or undefined when it is s[start, start + len).
   */
  private see(i: number, a: number, b: number, v: string | undefined, s: string, start: number, len: number): number {
    const table = this.tables[i];
    if (table === null) {
      this.classifySeen(i, v ?? s.slice(start, start + len));
      this.cellLength(i, len);
      return -1;
    }
    const k = table.find(a, withLength(b, len));
    if (k >= 0) {
      table.hit(k);
      return table.keys[k + 2];
    }
    const value = v ?? s.slice(start, start + len);
    if (table.size >= this.distinctCap) {
      const { sum, max } = table.lengths();
      this.lengthSum[i] += sum;
      if (max > this.maxLength[i]) this.maxLength[i] = max;
      this.tables[i] = null;
      this.updateMode(i);
      this.classifySeen(i, value);
      this.cellLength(i, len);
      return -1;
    }
    const added = table.insert(~k, a, withLength(b, len), value);
    // A value's type evidence is the same at every occurrence: taking it once is enough.
    this.classifySeen(i, value);
    return added;
  }

  /** Length of a value not in a table of distinct values (a table knows its values' lengths and counts). */
  private cellLength(i: number, len: number): void {
    this.lengthSum[i] += len;
    if (len > this.maxLength[i]) this.maxLength[i] = len;
  }

  /** Adds one split row; cells past the header's width are ignored. */
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
      const a = hashString(v);
      this.see(i, a, lastH2, v, v, 0, len);
    }
  }

  /**
   * Profiles the one-line record s[from, to) in place. Returns the cell boundaries, or undefined
   * (and changes nothing) when the line does not have exactly one cell per column or its quoting
   * is not plain RFC 4180 on one line (a quote inside an unquoted cell, text after a closing
   * quote, a quote left open). `quoteAt`, when known, is the position of the first quote at or
   * after `from` (anything at or past `to` when the line has none).
   */
  addLine(s: string, from: number, to: number, quoteAt?: number): LineCells | undefined {
    const n = this.n;
    const { hashes, hashes2, modes, cells, tables, undo, undoArg, undoMin, undoMax, undoLongest, deferred, nulls, count, lengthSum, maxLength, min, max } = this;
    const { ends, quoted, entries } = cells;
    if (this.quotedDirty) {
      quoted.fill(0);
      this.quotedDirty = false;
    }
    let nextQuote = quoteAt ?? s.indexOf('"', from);
    if (nextQuote < 0) nextQuote = NO_QUOTE;
    let j = 0;
    let p = from;
    let pending = 0;
    // One pass over the cells. What can be taken back exactly (occurrence counts, nulls, length
    // sums, and min/max/longest length with their values before) is recorded at once and undone if
    // the line turns out to be one for the reader's general path. Anything else (a new distinct
    // value, a quoted cell, type evidence from a string) waits until the line is taken.
    for (;;) {
      if (j >= n) return this.reject(j);
      let q = p;
      undo[j] = UNDO_NONE;
      entries[j] = -1;
      if (p === nextQuote) {
        // A quoted cell: it must close on this line, followed by a comma or the line end, with
        // inner quotes doubled. Anything else goes to the reader's general path.
        let h = 0;
        let g = 0x811c9dc5 | 0;
        let len = 0;
        q = p + 1;
        for (;;) {
          if (q >= to) return this.reject(j);
          const c = s.charCodeAt(q);
          if (c === 34) {
            if (q + 1 < to && s.charCodeAt(q + 1) === 34) q++;
            else break;
          }
          h = (Math.imul(h, 31) + c) | 0;
          g = Math.imul(g ^ c, 0x01000193);
          len++;
          q++;
        }
        q++;
        if (q < to && s.charCodeAt(q) !== 44) return this.reject(j);
        quoted[j] = len + 1;
        this.quotedDirty = true;
        nextQuote = q < to ? s.indexOf('"', q) : NO_QUOTE;
        if (nextQuote < 0) nextQuote = NO_QUOTE;
        if (len === 0) {
          nulls[j]++;
          count[j]--;
          undo[j] = UNDO_NULL;
        } else {
          hashes[j] = h;
          hashes2[j] = g;
          deferred[pending++] = j;
        }
      } else {
        const mode = modes[j];
        if (mode === MODE_HASH) {
          let h = 0;
          let g = 0x811c9dc5 | 0;
          while (q < to) {
            const c = s.charCodeAt(q);
            if (c === 44) break;
            h = (Math.imul(h, 31) + c) | 0;
            g = Math.imul(g ^ c, 0x01000193);
            q++;
          }
          // A quote inside an unquoted cell is the reader's to report.
          if (nextQuote < q) return this.reject(j);
          if (q > p) {
            const table = tables[j]!;
            const k = table.find(h, withLength(g, q - p));
            if (k >= 0) {
              table.hit(k);
              undo[j] = UNDO_HIT;
              undoArg[j] = k;
              entries[j] = table.keys[k + 2];
            } else {
              hashes[j] = h;
              hashes2[j] = g;
              deferred[pending++] = j;
            }
          } else {
            nulls[j]++;
            count[j]--;
            undo[j] = UNDO_NULL;
          }
        } else if (mode === MODE_NUMBER) {
          // [sign] digits [. digits], up to 15 digits: the value from its mantissa and number of
          // decimals (exact: both are exact doubles and the division rounds once); anything else
          // goes to Number() once the line is taken.
          let x = NaN;
          const c0 = q < to ? s.charCodeAt(q) : 0;
          if (c0 === 45 || c0 === 43) q++;
          let m = 0;
          let d = 0;
          const d0 = q;
          while (q < to) {
            d = s.charCodeAt(q) - 48;
            if (d >>> 0 > 9) break;
            m = m * 10 + d;
            q++;
          }
          let digits = q - d0;
          let decimals = 0;
          if (q < to && d === -2) {
            q++;
            const f0 = q;
            while (q < to) {
              d = s.charCodeAt(q) - 48;
              if (d >>> 0 > 9) break;
              m = m * 10 + d;
              q++;
            }
            decimals = q - f0;
            digits += decimals;
          }
          if (q === to || s.charCodeAt(q) === 44) {
            if (digits > 0 && digits <= 15) {
              x = decimals ? m / POW10[decimals] : m;
              if (c0 === 45) x = -x;
            }
          } else {
            q = s.indexOf(',', q);
            if (q < 0 || q > to) q = to;
          }
          if (nextQuote < q) return this.reject(j);
          const len = q - p;
          if (len === 0) {
            nulls[j]++;
            count[j]--;
            undo[j] = UNDO_NULL;
          } else if (x === x) {
            if (x === 0) x = 0; // -0 reads as 0 in the profile.
            // Stores made every time: a store first reached late (a new longest value at row
            // 10,000) would send the optimized code back to the interpreter.
            const lo = min[j];
            const hi = max[j];
            const longest = maxLength[j];
            min[j] = x < lo ? x : lo;
            max[j] = x > hi ? x : hi;
            maxLength[j] = len > longest ? len : longest;
            lengthSum[j] += len;
            undo[j] = UNDO_NUMBER;
            undoArg[j] = len;
            undoMin[j] = lo;
            undoMax[j] = hi;
            undoLongest[j] = longest;
          } else {
            deferred[pending++] = j;
          }
        } else {
          q = s.indexOf(',', p);
          if (q < 0 || q > to) q = to;
          if (nextQuote < q) return this.reject(j);
          const len = q - p;
          if (len === 0) {
            nulls[j]++;
            count[j]--;
            undo[j] = UNDO_NULL;
          } else if (mode === MODE_SKIP) {
            lengthSum[j] += len;
            const longest = maxLength[j];
            maxLength[j] = len > longest ? len : longest;
            undo[j] = UNDO_LENGTH;
            undoArg[j] = len;
            undoLongest[j] = longest;
          } else {
            deferred[pending++] = j;
          }
        }
      }
      ends[j] = q;
      j++;
      if (q >= to) break;
      p = q + 1;
    }
    if (j !== n) return this.reject(j);
    for (let k = 0; k < pending; k++) this.deferredCell(s, from, deferred[k]);
    this.lineRows++;
    return cells;
  }

  /** Records cell `i` of a line taken by addLine that the scan left for later (see there). */
  private deferredCell(s: string, from: number, i: number): void {
    const { ends, quoted, entries } = this.cells;
    const cellStart = i === 0 ? from : ends[i - 1] + 1;
    const end = ends[i];
    const quotedLen = quoted[i];
    const mode = this.modes[i];
    if (quotedLen) {
      const len = quotedLen - 1;
      const v = unquote(s, cellStart, end);
      if (this.tables[i] !== null) entries[i] = this.see(i, this.hashes[i], this.hashes2[i], v, s, cellStart, len);
      else {
        if (mode !== MODE_SKIP) this.classifySeen(i, v);
        this.cellLength(i, len);
      }
    } else if (mode === MODE_HASH) {
      entries[i] = this.see(i, this.hashes[i], this.hashes2[i], undefined, s, cellStart, end - cellStart);
    } else {
      this.cellLength(i, end - cellStart);
      this.classifySeen(i, s.slice(cellStart, end));
    }
  }

  /** A line the fast path does not take: takes back what was recorded for its first `upto` cells. */
  private reject(upto: number): undefined {
    const { undo, undoArg, tables } = this;
    for (let i = 0; i < upto; i++) {
      const u = undo[i];
      if (u === UNDO_HIT) tables[i]!.keys[undoArg[i] + 3]--;
      else if (u === UNDO_NULL) {
        this.nulls[i]--;
        this.count[i]++;
      } else if (u === UNDO_LENGTH || u === UNDO_NUMBER) {
        this.lengthSum[i] -= undoArg[i];
        this.maxLength[i] = this.undoLongest[i];
        if (u === UNDO_NUMBER) {
          this.min[i] = this.undoMin[i];
          this.max[i] = this.undoMax[i];
        }
      }
      undo[i] = UNDO_NONE;
    }
    return undefined;
  }

  /** This profile as plain data (structured-clonable). */
  state(): ProfileState {
    const count = this.count.slice();
    for (let i = 0; i < this.n; i++) count[i] += this.lineRows;
    return {
      count,
      nulls: this.nulls.slice(),
      min: this.min.slice(),
      max: this.max.slice(),
      lengthSum: this.lengthSum.slice(),
      maxLength: this.maxLength.slice(),
      allNumber: this.allNumber.slice(),
      allBoolean: this.allBoolean.slice(),
      allTimestamp: this.allTimestamp.slice(),
      sawTimestamp: this.sawTimestamp.slice(),
      tables: this.tables.map((t) => (t ? { values: t.values.slice(), counts: Array.from(t.counts()) } : null)),
    };
  }

  /**
   * Adds the profile of the rows that follow this profile's rows (same header). The result is the
   * profile one pass over all rows gives: counts, sums and extremes add up; the type evidence of a
   * value does not depend on where it occurs; distinct values are united, and a column is past the
   * cap exactly when the union holds more than the cap.
   */
  merge(other: ProfileState): void {
    // Merged tables are plain arrays: the byte scanner no longer sees them.
    this.sharedWith = undefined;
    for (let i = 0; i < this.n; i++) {
      this.count[i] += other.count[i];
      this.nulls[i] += other.nulls[i];
      if (other.min[i] < this.min[i]) this.min[i] = other.min[i];
      if (other.max[i] > this.max[i]) this.max[i] = other.max[i];
      this.lengthSum[i] += other.lengthSum[i];
      if (other.maxLength[i] > this.maxLength[i]) this.maxLength[i] = other.maxLength[i];
      this.allNumber[i] &= other.allNumber[i];
      this.allBoolean[i] &= other.allBoolean[i];
      this.allTimestamp[i] &= other.allTimestamp[i];
      this.sawTimestamp[i] |= other.sawTimestamp[i];
      const mine = this.tables[i];
      const theirs = other.tables[i];
      if (mine && theirs) {
        const union = new Map(this.valueCounts(i));
        for (let e = 0; e < theirs.values.length; e++) union.set(theirs.values[e], (union.get(theirs.values[e]) ?? 0) + theirs.counts[e]);
        if (union.size > this.distinctCap) {
          this.tables[i] = null;
          for (const [v, c] of union) this.lengthOf(i, v.length, c);
        } else {
          const table = new ValueTable(this.distinctCap);
          for (const [v, c] of union) {
            const a = hashString(v);
            const b = withLength(lastH2, v.length);
            const k = table.find(a, b);
            if (k >= 0) table.addCount(k, c);
            else table.insertCounted(~k, a, b, v, c);
          }
          this.tables[i] = table;
        }
      } else if (mine) {
        this.tables[i] = null;
        const counts = mine.counts();
        for (let e = 0; e < mine.size; e++) this.lengthOf(i, mine.values[e].length, counts[e]);
      } else if (theirs) {
        for (let e = 0; e < theirs.values.length; e++) this.lengthOf(i, theirs.values[e].length, theirs.counts[e]);
      }
      this.updateMode(i);
    }
  }

  /** Counts `occurrences` cells of length `len` outside a table of distinct values. */
  private lengthOf(i: number, len: number, occurrences: number): void {
    this.lengthSum[i] += len * occurrences;
    if (occurrences > 0 && len > this.maxLength[i]) this.maxLength[i] = len;
  }

  /** Values of a column with their counts while its distinct count is below the cap. */
  valueCounts(index: number): ReadonlyMap<string, number> | undefined {
    const table = this.tables[index];
    if (!table) return undefined;
    const out = new Map<string, number>();
    const counts = table.counts();
    for (let e = 0; e < table.size; e++) out.set(table.values[e], counts[e]);
    return out;
  }

  result(): ColumnProfile[] {
    const out: ColumnProfile[] = [];
    for (let i = 0; i < this.n; i++) {
      const count = this.count[i] + this.lineRows;
      const counts = this.valueCounts(i);
      const capped = counts === undefined;
      let lengthSum = this.lengthSum[i];
      let maxLength = this.maxLength[i];
      const table = this.tables[i];
      if (table) {
        const lengths = table.lengths();
        lengthSum += lengths.sum;
        if (lengths.max > maxLength) maxLength = lengths.max;
      }
      const meanLength = count > 0 ? lengthSum / count : 0;
      let inferredType: ColumnType;
      if (count === 0) inferredType = 'empty';
      else if (this.allNumber[i]) inferredType = 'numeric';
      else if (this.allBoolean[i]) inferredType = 'boolean';
      else if (this.allTimestamp[i] && this.sawTimestamp[i]) inferredType = 'timestamp';
      else if (capped && meanLength >= TEXT_MEAN_LENGTH) inferredType = 'text';
      else inferredType = 'categorical';
      const p: ColumnProfile = {
        name: this.names[i],
        index: i,
        count,
        nulls: this.nulls[i],
        inferredType,
        distinct: capped ? this.distinctCap : counts.size,
        distinctCapped: capped,
        maxLength,
        meanLength: Math.round(meanLength * 100) / 100,
      };
      if (inferredType === 'numeric') {
        p.min = this.min[i];
        p.max = this.max[i];
      }
      if (counts) {
        p.topValues = [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 20)
          .map(([value, n]) => ({ value, count: n }));
      }
      out.push(p);
    }
    return out;
  }
}
