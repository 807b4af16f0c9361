/**
 * Timestamps in tabular data (forecasting time columns, timestamp split columns): civil dates and
 * date-times in the ISO 8601 / RFC 3339 family, and Unix epoch numbers. Facts:
 * vertex-import-spec.md §2.3 (time column parseable in every row), §2.4 (RFC 3339, unix-*).
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s?(Z|z|UTC|[+-]\d{2}:?\d{2}))?)?$/;

/**
 * Whether `v` is a date or date-time `parseTimestamp` accepts, for profiling every cell of a
 * column: the common shapes (`2024-03-01`, `2024-03-01 13:45`, `2024-03-01T13:45:00`, the same
 * with `Z`) are checked character by character; anything else goes to `parseTimestamp`.
 */
export function looksLikeTimestamp(v: string): boolean {
  const n = v.length;
  if (n < 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || !isDigit(v.charCodeAt(0)) || !isDigit(v.charCodeAt(5)) || !isDigit(v.charCodeAt(8))) return false;
  const simple = simpleDateTime(v);
  return simple !== undefined ? simple : parseTimestamp(v) !== undefined;
}

/** Digits at v[i], v[i + 1] as a number, or -1. */
function twoDigits(v: string, i: number): number {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >>> 0 <= 9 && b >>> 0 <= 9 ? a * 10 + b : -1;
}

/**
 * `dddd-dd-dd`, then optionally `[T ]dd:dd`, `:dd` and `Z`/`z`: whether it is a real date and
 * time; undefined for any other shape (the dashes at 4 and 7 are already checked).
 */
function simpleDateTime(v: string): boolean | undefined {
  const n = v.length;
  if (n !== 10 && n !== 16 && n !== 19 && n !== 20) return undefined;
  const hi = twoDigits(v, 0);
  const lo = twoDigits(v, 2);
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  if (hi < 0 || lo < 0 || month < 0 || day < 0) return undefined;
  if (n > 10) {
    const sep = v.charCodeAt(10);
    if ((sep !== 84 && sep !== 32) || v.charCodeAt(13) !== 58) return undefined;
    const hour = twoDigits(v, 11);
    const minute = twoDigits(v, 14);
    if (hour < 0 || minute < 0) return undefined;
    if (n >= 19) {
      if (v.charCodeAt(16) !== 58) return undefined;
      const second = twoDigits(v, 17);
      if (second < 0) return undefined;
      if (n === 20 && v.charCodeAt(19) !== 90 && v.charCodeAt(19) !== 122) return undefined;
      if (second > 60) return false;
    }
    if (hour > 23 || minute > 59) return false;
  }
  const year = hi * 100 + lo;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month 1-12 of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1];
}

/**
 * Milliseconds since the epoch for a date, date-time or Unix-seconds value; undefined when the
 * value is not a timestamp (or names an impossible date such as 2023-02-30).
 */
export function parseTimestamp(v: string): number | undefined {
  const m = DATE_TIME.exec(v);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (hour > 23 || minute > 59 || second > 60) return undefined;
    const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    let t = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    const zone = m[8];
    if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
      if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2)) > 59) return undefined;
      t -= sign * offset * 60_000;
    }
    return t;
  }
  if (/^-?\d{1,19}(?:\.\d+)?$/.test(v)) {
    const x = Number(v);
    return Number.isFinite(x) ? x * 1000 : undefined;
  }
  return undefined;
}

const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?[Zz]$/;

/**
 * An RFC 3339 date-time with a `Z` offset (`1985-04-12T23:20:50.52Z`), as a timestamp split
 * column needs (§2.4): a real calendar date, hours 00-23, minutes 00-59, seconds 00-60 (leap second).
 */
export function isRfc3339Utc(v: string): boolean {
  const m = RFC3339_UTC.exec(v);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 60;
}

export const TIMESTAMP_FORMATS_HINT =
  'a date or date-time like 2024-03-01, 2024-03-01 13:45:00 or 2024-03-01T13:45:00Z (RFC 3339), or Unix seconds';
