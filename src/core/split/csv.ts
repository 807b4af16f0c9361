import type { FormatId, MlUse } from '../formats';
import type { Adapter, NonItem } from './adapter';
import { bomAt, note, parseTimestamp, readMlUse } from './adapter';
import type { OutputSink } from './sink';
import type { CollectorNeeds, RecordFacts } from './table';

const COMMA = 44;
const NO_FACTS: RecordFacts = Object.freeze({});
const QUOTE = 34;

/**
 * Field spans of the CSV record [start, end): spans[2k], spans[2k+1] are the raw bytes of field k
 * (quotes included). Returns the number of fields (an empty record has one empty field).
 */
export function fieldSpans(buf: Buffer, start: number, end: number, spans: number[]): number {
  spans.length = 0;
  let fs = start;
  let inQuotes = false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === COMMA && !inQuotes) {
      spans.push(fs, i);
      fs = i + 1;
    }
  }
  spans.push(fs, end);
  return spans.length >> 1;
}

/** Number of fields of the record [start, end) (commas outside quotes + 1). */
export function countFields(buf: Buffer, start: number, end: number): number {
  let n = 1;
  let inQuotes = false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === COMMA) {
      if (!inQuotes) n++;
    } else if (c === QUOTE) inQuotes = !inQuotes;
  }
  return n;
}

/** The value of a raw field: unquoted, with "" turned back into ". */
export function fieldValue(buf: Buffer, s: number, e: number): string {
  if (e - s >= 2 && buf[s] === QUOTE && buf[e - 1] === QUOTE) return buf.toString('utf8', s + 1, e - 1).replace(/""/g, '"');
  return buf.toString('utf8', s, e);
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

const ML_USE_WORDS = new Set(['training', 'validation', 'test', 'train', 'validate', 'unassigned']);

/**
 * Where the label sits relative to the media column in positional CSVs (spec §1.x): -1 means
 * every later non-empty field is a label (classification), otherwise the offset of the one label.
 */
function labelOffset(format: FormatId): number {
  switch (format) {
    case 'video-action-recognition':
      return 3;
    case 'image-bounding-box':
    case 'video-classification':
    case 'video-object-tracking':
    case 'text-sentiment':
      return 1;
    default:
      return -1;
  }
}

export interface CsvOptions {
  format: FormatId;
  splits: readonly MlUse[];
  needs: CollectorNeeds;
  /** Tabular: group column (group strategy) or label column (stratified). */
  byColumn?: string;
  timeColumn?: string;
  /** Tabular: the column receiving the split (ml_use value or fold number). */
  splitColumn: string;
  /** Tabular: the split column's current values are not ml_use values (a fold column). */
  ignoreExisting?: boolean;
}

/**
 * Image/text/video CSVs: `[ML_USE,]MEDIA,...`. A row has the ml_use column when its first field
 * is an ml_use word (any case, legacy words too) or empty with a non-empty second field; rows
 * without it get one inserted, so every row of the output carries its split.
 */
export class PositionalCsvAdapter implements Adapter {
  readonly csv = true;
  readonly notes: Adapter['notes'] = new Map();
  private readonly spans: number[] = [];
  private record = 0;
  private readonly labelAt: number;

  constructor(private readonly opts: CsvOptions) {
    this.labelAt = labelOffset(opts.format);
  }

  reset(): void {
    this.record = 0;
  }

  private hasMlUseColumn(buf: Buffer, n: number): boolean {
    const s = this.spans;
    const first = fieldValue(buf, s[0], s[1]).trim();
    if (first === '') return n > 1 && s[3] > s[2];
    return ML_USE_WORDS.has(first.toLowerCase());
  }

  read(buf: Buffer, start: number, end: number): RecordFacts | NonItem {
    this.record++;
    if (isBlank(buf, start, end)) return 'blank';
    const s = this.spans;
    const n = fieldSpans(buf, start + bomAt(buf, start, end), end, s);
    const has = this.hasMlUseColumn(buf, n);
    const media = has ? 1 : 0;
    const facts: RecordFacts = {};
    if (n > media) facts.itemKey = fieldValue(buf, s[2 * media], s[2 * media + 1]);
    if (has) {
      const raw = fieldValue(buf, s[0], s[1]);
      const m = readMlUse(raw, this.opts.splits);
      facts.mlUse = m.index;
      if (m.index === -2) note(this.notes, `ml_use value '${raw.trim()}' is not valid for this format; the split replaced it`, this.record);
    }
    if (this.opts.needs.labels) {
      const labels: string[] = [];
      if (this.labelAt < 0) {
        for (let k = media + 1; k < n; k++) {
          const v = fieldValue(buf, s[2 * k], s[2 * k + 1]).trim();
          if (v !== '') labels.push(v);
        }
      } else if (media + this.labelAt < n) {
        const k = media + this.labelAt;
        const v = fieldValue(buf, s[2 * k], s[2 * k + 1]).trim();
        if (v !== '') labels.push(v);
      }
      facts.labels = labels;
    }
    return facts;
  }

  write(buf: Buffer, start: number, contentEnd: number, end: number, value: string | null, sink: OutputSink): void {
    if (value === null) {
      sink.put(buf, start, end);
      return;
    }
    const s = this.spans;
    const bom = bomAt(buf, start, contentEnd);
    const n = fieldSpans(buf, start + bom, contentEnd, s);
    if (this.hasMlUseColumn(buf, n)) {
      sink.put(buf, start, s[0]);
      sink.putAscii(value);
      sink.put(buf, s[1], end);
    } else {
      sink.put(buf, start, start + bom);
      sink.putAscii(value + ',');
      sink.put(buf, start + bom, end);
    }
  }
}

/**
 * Tabular CSVs: a header row, then one item per row. The split goes into a named column,
 * replaced where it exists and appended (header and rows) where it does not.
 */
export class TabularCsvAdapter implements Adapter {
  readonly csv = true;
  readonly notes: Adapter['notes'] = new Map();
  private readonly spans: number[] = [];
  private record = 0;
  private header = false;
  private width = 0;
  private splitAt = -1;
  private byAt = -1;
  private timeAt = -1;

  constructor(private readonly opts: CsvOptions) {}

  reset(): void {
    this.record = 0;
    this.header = false;
    this.headerAt = null;
  }

  private headerAt: { buf: Buffer; start: number } | null = null;

  /** Column names of the header, for messages. */
  columns: string[] = [];

  private readHeader(buf: Buffer, start: number, end: number): void {
    const s = this.spans;
    const n = fieldSpans(buf, start, end, s);
    this.columns = [];
    for (let k = 0; k < n; k++) {
      let name = fieldValue(buf, s[2 * k], s[2 * k + 1]).trim();
      if (k === 0 && name.charCodeAt(0) === 0xfeff) name = name.slice(1);
      this.columns.push(name);
    }
    this.width = n;
    this.splitAt = this.columns.indexOf(this.opts.splitColumn);
    const find = (name: string | undefined, what: string): number => {
      if (name === undefined) return -1;
      const i = this.columns.indexOf(name);
      if (i < 0) throw new Error(`the header has no column '${name}' (${what}); columns: ${this.columns.join(', ')}`);
      return i;
    };
    this.byAt = find(this.opts.byColumn, this.opts.needs.groups ? 'group key' : 'label');
    this.timeAt = find(this.opts.timeColumn, 'timestamp');
    this.header = true;
  }

  /** After the header: whether the split column is new (appended) rather than replaced. */
  appendsColumn(): boolean {
    return this.header && this.splitAt < 0;
  }

  read(buf: Buffer, start: number, end: number): RecordFacts | NonItem {
    this.record++;
    if (isBlank(buf, start, end)) return 'blank';
    if (!this.header) {
      this.readHeader(buf, start, end);
      return 'header';
    }
    // Fast path: nothing to read from the row (no allocation per row).
    if (this.splitAt < 0 && this.byAt < 0 && this.timeAt < 0) return NO_FACTS;
    const facts: RecordFacts = {};
    const s = this.spans;
    const n = fieldSpans(buf, start, end, s);
    const get = (k: number): string | undefined => (k >= 0 && k < n ? fieldValue(buf, s[2 * k], s[2 * k + 1]) : undefined);
    if (this.splitAt >= 0 && !this.opts.ignoreExisting) {
      const raw = get(this.splitAt);
      if (raw !== undefined) {
        const m = readMlUse(raw, this.opts.splits);
        facts.mlUse = m.index;
        if (m.index === -2) note(this.notes, `split column value '${raw.trim()}' is not valid; the split replaced it`, this.record);
      }
    }
    if (this.byAt >= 0) {
      const v = get(this.byAt);
      if (this.opts.needs.groups) {
        if (v !== undefined && v.trim() !== '') facts.groupKey = v;
      } else if (this.opts.needs.labels) facts.labels = v !== undefined && v.trim() !== '' ? [v.trim()] : [];
    }
    if (this.timeAt >= 0) facts.time = parseTimestamp(get(this.timeAt));
    return facts;
  }

  write(buf: Buffer, start: number, contentEnd: number, end: number, value: string | null, sink: OutputSink): void {
    this.record++;
    if (value === null) {
      // The header record may be written to several outputs (one file per split): each gets it
      // with the new column.
      const again = this.headerAt !== null && this.headerAt.buf === buf && this.headerAt.start === start;
      if (again || (!this.header && !isBlank(buf, start, contentEnd))) {
        if (!again) {
          this.readHeader(buf, start, contentEnd);
          this.headerAt = { buf, start };
        }
        if (this.splitAt < 0) {
          sink.put(buf, start, contentEnd);
          sink.putAscii(',' + csvQuote(this.opts.splitColumn));
          sink.put(buf, contentEnd, end);
          return;
        }
      }
      sink.put(buf, start, end);
      return;
    }
    const at = this.splitAt >= 0 ? this.splitAt : this.width;
    if (this.splitAt >= 0) {
      const s = this.spans;
      const n = fieldSpans(buf, start, contentEnd, s);
      if (n > at) {
        sink.put(buf, start, s[2 * at]);
        sink.putAscii(value);
        sink.put(buf, s[2 * at + 1], end);
        return;
      }
      this.pad(buf, start, contentEnd, end, n, at, value, sink);
      return;
    }
    // Append mode, the hot path of large files: every row gains exactly one trailing field. Rows
    // whose field count differs from the header's are not padded or cut (that would change other
    // columns); `vertex-datasets validate` reports them. Counting fields here would cost more
    // than the whole copy.
    const extra = value.length + 1 + (end - contentEnd);
    if (!sink.ensure(contentEnd - start + extra)) {
      sink.put(buf, start, contentEnd);
      sink.putAscii(',' + value);
      sink.put(buf, contentEnd, end);
      return;
    }
    const out = sink.block;
    let o = sink.used;
    // Rows are short: a byte loop beats Buffer#copy, which allocates a view per call.
    if (contentEnd - start < 256) for (let i = start; i < contentEnd; i++) out[o++] = buf[i];
    else o += buf.copy(out, o, start, contentEnd);
    out[o++] = COMMA;
    for (let k = 0; k < value.length; k++) out[o++] = value.charCodeAt(k);
    for (let i = contentEnd; i < end; i++) out[o++] = buf[i];
    sink.advance(o - sink.used);
  }

  private pad(buf: Buffer, start: number, contentEnd: number, end: number, n: number, at: number, value: string, sink: OutputSink): void {
    sink.put(buf, start, contentEnd);
    sink.putAscii(','.repeat(Math.max(1, at - n + 1)) + value);
    sink.put(buf, contentEnd, end);
  }
}

function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
