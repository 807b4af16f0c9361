import type { FormatId, MlUse } from '../formats';
import type { Adapter, NonItem } from './adapter';
import { bomAt, note, readMlUse } from './adapter';
import type { OutputSink } from './sink';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';
import type { CollectorNeeds, RecordFacts } from './table';

const COMMA = 44;
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

export function isBlank(buf: Buffer, start: number, end: number): boolean {
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
  hints?: SplitHints;
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

  readonly hints: SplitHints;

  constructor(private readonly opts: CsvOptions) {
    this.hints = opts.hints ?? CLI_HINTS;
    this.labelAt = labelOffset(opts.format);
  }

  reset(): void {
    this.record = 0;
  }

  private hasMlUseColumn(buf: Buffer, n: number): boolean {
    const s = this.spans;
    const first = fieldValue(buf, s[0], s[1]).trim();
    if (first === '') return n > 1 && s[3] > s[2];
    if (ML_USE_WORDS.has(first.toLowerCase())) return true;
    // A misspelled value (tst) before the path is still the ml_use column, as the validator reads it.
    return n > 1 && !first.startsWith('gs://') && fieldValue(buf, s[2], s[3]).trim().startsWith('gs://');
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
      if (m.index === -2) note(this, `ml_use value '${raw.trim()}' is not valid for this format; the split replaced it`, this.record);
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

export function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
