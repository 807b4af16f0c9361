import type { MlUse } from '../formats';
import type { OutputSink } from './sink';
import type { SplitHints } from './hints';
import { INVALID_ML_USE, NO_ML_USE } from './table';
import type { RecordFacts } from './table';
import { daysInMonth } from '../rules/timestamp';

/** What pass 1 makes of a record that is not a data item. */
export type NonItem = 'blank' | 'header' | 'invalid';

/**
 * One file format's view of records: pass 1 reads facts, pass 2 rewrites the record with its new
 * ml_use (or fold) value, copying every other byte unchanged.
 */
export interface Adapter {
  /** CSV framing (quoted newlines) rather than one record per line. */
  readonly csv: boolean;
  read(buf: Buffer, start: number, end: number): RecordFacts | NonItem;
  /** `value` is null for records pass 1 classified as non-items. */
  write(buf: Buffer, start: number, contentEnd: number, end: number, value: string | null, sink: OutputSink): void;
  /** Called before each pass (adapters with a header keep state across records). */
  reset(): void;
  /** Problems worth telling the user (counted, with the first record number). */
  notes: Map<string, { count: number; firstRecord: number }>;
  /** Advice in notes names what the place showing them offers. */
  readonly hints: SplitHints;
}

/** Distinct note messages kept; further ones are counted under one line (memory stays bounded). */
const MAX_NOTES = 50;

export function note(adapter: Pick<Adapter, 'notes' | 'hints'>, message: string, record: number): void {
  const notes = adapter.notes;
  if (!notes.has(message) && notes.size >= MAX_NOTES) message = `further problems of the kinds above (${adapter.hints.further})`;
  const n = notes.get(message);
  if (n) n.count++;
  else notes.set(message, { count: 1, firstRecord: record });
}

const LEGACY: Record<string, MlUse | null> = {
  training: 'training',
  train: 'training',
  validation: 'validation',
  validate: 'validation',
  test: 'test',
  unassigned: null,
  '': null,
};

/**
 * Reads an existing ml_use value: the split index when it names one of `splits` (case-insensitive;
 * legacy TRAIN/VALIDATE/TEST mapped), NO_ML_USE when empty or UNASSIGNED, else INVALID_ML_USE.
 * `canonical` tells whether the text was already the exact lowercase value.
 */
export function readMlUse(raw: string, splits: readonly MlUse[]): { index: number; canonical: boolean } {
  const t = raw.trim();
  const key = t.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(LEGACY, key)) return { index: INVALID_ML_USE, canonical: false };
  const m = LEGACY[key];
  if (m === null) return { index: NO_ML_USE, canonical: t === '' };
  const index = splits.indexOf(m);
  return { index: index >= 0 ? index : INVALID_ML_USE, canonical: t === m };
}

/**
 * Timestamps: RFC 3339 / ISO 8601 dates and date-times (no offset = UTC), or Unix time as a number
 * (seconds; values above 1e11 are taken as milliseconds). Parsed by hand so the result never
 * depends on the platform's Date.parse heuristics. Returns ms since the epoch, NaN if unreadable.
 */
export function parseTimestamp(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? (Math.abs(value) > 1e11 ? value : value * 1000) : NaN;
  if (typeof value !== 'string') return NaN;
  const s = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  const month = Number(mo);
  const day = Number(d);
  // An impossible date or time (2023-02-29, 24:00, minute 60) is unreadable rather than rolled over
  // into the next day or hour, as validate reads it; second 60 is a leap second.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return NaN;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 60) return NaN;
  let t = Date.UTC(Number(y), month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0));
  if (frac) t += Math.round(Number(frac) * 1000);
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2)) > 59) return NaN;
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return t;
}

/** Length of a UTF-8 byte order mark at `start` (0 or 3): it stays in front of whatever is written. */
export function bomAt(buf: Buffer, start: number, end: number): number {
  return end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? 3 : 0;
}
