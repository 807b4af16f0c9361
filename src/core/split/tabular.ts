import type { Adapter, NonItem } from './adapter';
import { note, parseTimestamp, readMlUse } from './adapter';
import type { CsvOptions } from './csv';
import { csvQuote, fieldSpans, fieldValue, isBlank } from './csv';
import { SplitError } from './errors';
import { GrowInt32 } from './grow';
import { KEY_SEED_A, KEY_SEED_B } from './keys';
import { hashAsciiBytes, hashString } from './prng';
import { Framer } from './records';
import type { ChunkHandler } from './records';
import type { OutputSink } from './sink';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';
import { NO_ML_USE } from './table';
import type { ItemCollector, RecordFacts } from './table';
import { daysInMonth } from '../rules/timestamp';

const COMMA = 44;
const NL = 10;
const NO_FACTS: RecordFacts = Object.freeze({});
/** 'g': the prefix of group keys in the item collector. */
const GROUP_PREFIX = 103;

/**
 * Tabular CSVs: a header row, then one item per row. The split goes into a named column,
 * replaced where it exists and appended (header and rows) where it does not. A row shorter than
 * the split column's position is padded with empty fields so the value lands in that column; a
 * row longer than the header cannot take an appended column in the right place and is refused.
 *
 * Besides the per-record `read`/`write` (the general path), `fastPass1`/`fastPass2` below handle
 * whole chunks for large files and fall back to them for any record they do not handle.
 */
export class TabularCsvAdapter implements Adapter {
  readonly csv = true;
  readonly notes: Adapter['notes'] = new Map();
  private readonly spans: number[] = [];
  /** 1-based number of the record being read or written (header and blank rows included). */
  record = 0;
  header = false;
  width = 0;
  splitAt = -1;
  byAt = -1;
  timeAt = -1;
  /**
   * Rows found short in pass 1 (fewer fields than the split column's position + 1): pairs of
   * (record number, field count), in record order. Pass 2's fast path pads them from this list.
   */
  readonly shortRows = new GrowInt32(16);

  readonly hints: SplitHints;

  constructor(readonly opts: CsvOptions) {
    this.hints = opts.hints ?? CLI_HINTS;
  }

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

  /** Where the split value goes: the existing column, or one past the header's last. */
  get valueAt(): number {
    return this.splitAt >= 0 ? this.splitAt : this.width;
  }

  /** Pass 1 check of a data row with `n` fields: refuses rows the column cannot line up in, notes short ones. */
  checkWidth(n: number): void {
    if (this.splitAt < 0 && n > this.width) {
      throw new SplitError(
        `record ${this.record} has ${n} fields but the header has ${this.width} columns, so an appended '${this.opts.splitColumn}' column ` +
          `would not line up with the header; remove the extra fields or name them in the header (${this.hints.rowsListed})`,
      );
    }
    if (n < (this.splitAt >= 0 ? this.splitAt + 1 : this.width)) {
      this.shortRows.push(this.record);
      this.shortRows.push(n);
    }
  }

  read(buf: Buffer, start: number, end: number): RecordFacts | NonItem {
    this.record++;
    if (isBlank(buf, start, end)) return 'blank';
    if (!this.header) {
      this.readHeader(buf, start, end);
      return 'header';
    }
    const s = this.spans;
    const n = fieldSpans(buf, start, end, s);
    this.checkWidth(n);
    if (this.splitAt < 0 && this.byAt < 0 && this.timeAt < 0) return NO_FACTS;
    const facts: RecordFacts = {};
    const get = (k: number): string | undefined => (k >= 0 && k < n ? fieldValue(buf, s[2 * k], s[2 * k + 1]) : undefined);
    if (this.splitAt >= 0 && !this.opts.ignoreExisting) {
      const raw = get(this.splitAt);
      if (raw !== undefined) facts.mlUse = this.mlUse(raw);
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

  /** The split index of an existing split-column value (noting invalid ones). */
  mlUse(raw: string): number {
    const m = readMlUse(raw, this.opts.splits);
    if (m.index === -2) note(this, `split column value '${raw.trim()}' is not valid; the split replaced it`, this.record);
    return m.index;
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
    const at = this.valueAt;
    const s = this.spans;
    const n = fieldSpans(buf, start, contentEnd, s);
    if (this.splitAt >= 0 && n > at) {
      sink.put(buf, start, s[2 * at]);
      sink.putAscii(value);
      sink.put(buf, s[2 * at + 1], end);
      return;
    }
    // Pass 1 refused these; a plan made elsewhere must not write a misaligned row either.
    if (n > at) this.checkWidth(n);
    // Short rows are padded with empty fields up to the split column; full rows gain one field.
    sink.put(buf, start, contentEnd);
    sink.putAscii(','.repeat(at - n + 1) + value);
    sink.put(buf, contentEnd, end);
  }
}

/** Where pass 1 sends what it reads (see planSplit). */
export interface Pass1Sink {
  nonItem(): void;
  facts(f: RecordFacts): void;
  /** A row reduced to numbers: see ItemCollector.addRow. */
  row(mlUse: number, label: number, time: number, hasGroup: boolean, groupA: number, groupB: number, groupRank: number): void;
}

/** ASCII whitespace as String#trim sees it (other trimmed characters are not ASCII). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Whether bytes [s, e) are non-empty ASCII without leading or trailing whitespace: the string is the bytes, trimmed. */
function plainAscii(b: Buffer, s: number, e: number): boolean {
  if (e <= s || isSpace(b[s]) || isSpace(b[e - 1])) return false;
  for (let i = s; i < e; i++) if (b[i] > 127) return false;
  return true;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (day 1 of month m = 1..12). */
function daysFromCivil(y: number, m: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(b: Buffer, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

let lastMonth = -1;
let lastMonthDays = 0;

/**
 * parseTimestamp of the bytes [s, e) for the common exact forms (Unix seconds as digits,
 * YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS with an optional Z); undefined for anything else, which the
 * caller parses as text. Same results as parseTimestamp (tested against it).
 */
export function fastTimestamp(b: Buffer, s: number, e: number): number | undefined {
  const len = e - s;
  if (len >= 1 && len <= 15) {
    const v = digits(b, s, len);
    if (v >= 0) return Math.abs(v) > 1e11 ? v : v * 1000;
  }
  if (len !== 10 && len !== 19 && len !== 20) return undefined;
  if (b[s + 4] !== 45 || b[s + 7] !== 45) return undefined;
  const y = digits(b, s, 4);
  const mo = digits(b, s + 5, 2);
  const d = digits(b, s + 8, 2);
  // Years below 1000 take the text path (Date.UTC reads 0..99 as 1900..1999).
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  // Days past the 28th and times out of range are parseTimestamp's to judge (it refuses 2023-02-29).
  if (d > 28 && d > daysInMonth(y, mo)) return undefined;
  // Timestamps of one file mostly share their month with the previous row's.
  const ym = y * 16 + mo;
  if (ym !== lastMonth) {
    lastMonth = ym;
    lastMonthDays = daysFromCivil(y, mo);
  }
  let t = (lastMonthDays + d - 1) * 86400000;
  if (len === 10) return t;
  const sep = b[s + 10];
  if ((sep !== 84 && sep !== 116 && sep !== 32) || b[s + 13] !== 58 || b[s + 16] !== 58) return undefined;
  if (len === 20 && b[s + 19] !== 90 && b[s + 19] !== 122) return undefined;
  const h = digits(b, s + 11, 2);
  const mi = digits(b, s + 14, 2);
  const sec = digits(b, s + 17, 2);
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59) return undefined;
  t += h * 3600000 + mi * 60000 + sec * 1000;
  return t;
}

/**
 * Commas in b[s, e), four bytes at a time where `w` (b as 32-bit words, or null when b is not
 * 4-byte aligned) allows: a byte-at-a-time loop would cost more than the rest of pass 1.
 */
export function countCommas(b: Uint8Array, w: Int32Array | null, s: number, e: number): number {
  let c = 0;
  let i = s;
  const a = (s + 3) & ~3;
  const z = e & ~3;
  if (w === null || a >= z) {
    for (; i < e; i++) if (b[i] === COMMA) c++;
    return c;
  }
  for (; i < a; i++) if (b[i] === COMMA) c++;
  for (let k = a >> 2, ke = z >> 2; k < ke; k++) {
    // Exact zero-byte test on (word XOR ",,,,"): 0x80 in every byte that was a comma.
    const x = w[k] ^ 0x2c2c2c2c;
    const y = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
    if (y !== 0) c += Math.imul((y >>> 7) & 0x01010101, 0x01010101) >>> 24;
  }
  for (i = z; i < e; i++) if (b[i] === COMMA) c++;
  return c;
}

/** Byte strings → label ids, so that a label seen before costs a hash and a compare, not a string. */
class LabelIds {
  private readonly byHash = new Map<number, { key: Buffer; id: number }>();

  constructor(private readonly collector: ItemCollector) {}

  get(b: Buffer, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
    const hit = this.byHash.get(h);
    if (hit !== undefined && hit.key.length === e - s) {
      const k = hit.key;
      let same = true;
      for (let i = 0; i < k.length; i++) if (k[i] !== b[s + i]) same = false;
      if (same) return hit.id;
    }
    const id = this.collector.labelId(b.toString('latin1', s, e));
    if (hit === undefined) this.byHash.set(h, { key: Buffer.from(b.subarray(s, e)), id });
    return id;
  }
}

/**
 * Pass 1 over whole chunks: rows without quotes (nearly all) have their fields found by one byte
 * loop and only the needed columns read, as bytes; every other record (header, blank, quoted)
 * goes through `read`. The results are the same as `read` on every record (tested).
 */
export function fastPass1(ad: TabularCsvAdapter, sink: Pass1Sink, collector: ItemCollector | null): ChunkHandler {
  const framer = new Framer(true);
  let commas = new Int32Array(64);
  const labels = collector ? new LabelIds(collector) : null;
  const splits = ad.opts.splits;
  const words = splits.map((w) => Buffer.from(w, 'latin1'));
  let last = -2;
  return (view, pos, eof) => {
    const len = view.length;
    const words32 = (view.byteOffset & 3) === 0 ? new Int32Array(view.buffer, view.byteOffset, view.length >> 2) : null;
    framer.begin(view, pos);
    let clear = framer.clearUntil(view, pos);
    while (pos < len) {
      let ce: number;
      let end: number;
      let quoted = false;
      const nl = pos < clear ? view.indexOf(NL, pos) : -1;
      if (nl !== -1 && nl < clear) {
        ce = nl;
        end = nl + 1;
      } else {
        if (!framer.next(view, pos, eof)) return pos;
        ce = framer.contentEnd;
        end = framer.end;
        quoted = framer.quoted;
        clear = framer.clearUntil(view, end);
      }
      const c0 = view[pos];
      if (last === -2 && ad.header) {
        // The last column pass 1 reads (-1: none, only the field count matters).
        last = Math.max(ad.opts.ignoreExisting ? -1 : ad.splitAt, ad.byAt, ad.timeAt);
        if (last >= commas.length) commas = new Int32Array(last + 1);
      }
      if (!ad.header || quoted || ce === pos || c0 === 32 || c0 === 9) {
        const f = ad.read(view, pos, ce);
        if (typeof f === 'string') sink.nonItem();
        else sink.facts(f);
        pos = end;
        continue;
      }
      ad.record++;
      // Comma positions up to the last column read, then only a count: n commas, n + 1 fields;
      // field k <= last is [k ? commas[k-1] + 1 : pos, k < n ? commas[k] : ce).
      let n = 0;
      let i = pos;
      if (last >= 0) {
        for (; i < ce; i++) {
          if (view[i] === COMMA) {
            commas[n++] = i;
            if (n > last) {
              i++;
              break;
            }
          }
        }
      }
      n += countCommas(view, words32, i, ce);
      ad.checkWidth(n + 1);
      let mlUse = NO_ML_USE;
      let label = -1;
      let time = NaN;
      let hasGroup = false;
      let ga = 0;
      let gb = 0;
      let gr = 0;
      const at = ad.splitAt;
      if (at >= 0 && at <= n && !ad.opts.ignoreExisting) {
        const s = at ? commas[at - 1] + 1 : pos;
        const e = at < n ? commas[at] : ce;
        mlUse = -9;
        for (let w = 0; w < words.length && mlUse === -9; w++) {
          const word = words[w];
          if (word.length !== e - s) continue;
          let same = true;
          for (let i = 0; i < word.length; i++) if (word[i] !== view[s + i]) same = false;
          if (same) mlUse = w;
        }
        if (mlUse === -9) mlUse = e === s ? NO_ML_USE : ad.mlUse(view.toString('utf8', s, e));
      }
      const by = ad.byAt;
      if (by >= 0 && by <= n && collector) {
        const s = by ? commas[by - 1] + 1 : pos;
        const e = by < n ? commas[by] : ce;
        if (ad.opts.needs.groups) {
          if (plainAscii(view, s, e)) {
            hasGroup = true;
            ga = hashAsciiBytes(KEY_SEED_A, GROUP_PREFIX, view, s, e);
            gb = hashAsciiBytes(KEY_SEED_B, GROUP_PREFIX, view, s, e);
            gr = hashAsciiBytes(collector.groupSeed, GROUP_PREFIX, view, s, e);
          } else {
            const v = view.toString('utf8', s, e);
            if (v.trim() !== '') {
              const key = 'g' + v;
              hasGroup = true;
              ga = hashString(KEY_SEED_A, key);
              gb = hashString(KEY_SEED_B, key);
              gr = hashString(collector.groupSeed, key);
            }
          }
        } else if (ad.opts.needs.labels) {
          if (plainAscii(view, s, e)) label = labels!.get(view, s, e);
          else {
            const v = view.toString('utf8', s, e).trim();
            if (v !== '') label = collector.labelId(v);
          }
        }
      }
      const ta = ad.timeAt;
      if (ta >= 0 && ta <= n) {
        const s = ta ? commas[ta - 1] + 1 : pos;
        const e = ta < n ? commas[ta] : ce;
        time = fastTimestamp(view, s, e) ?? parseTimestamp(view.toString('utf8', s, e));
      }
      sink.row(mlUse, label, time, hasGroup, ga, gb, gr);
      pos = end;
    }
    return pos;
  };
}

/** Staged input bytes per window: rows are moved from here to the output area with copyWithin. */
const STAGE = 1 << 20;
const OUT = 2 << 20;

/**
 * Pass 2 over whole chunks into one output: each item row is moved with one native copy (input
 * and output share a buffer, so `copyWithin` needs no view objects) and gets its value spliced in
 * as bytes; header, blank and non-item records, quoted rows whose existing column must be
 * replaced, and huge rows go through `write`. Output bytes equal `write`'s on every record (tested).
 */
export function fastPass2(ad: TabularCsvAdapter, nonItems: Int32Array, fill: (out: Uint8Array) => number, values: readonly string[], sink: OutputSink): ChunkHandler {
  const batch = new Uint8Array(4096);
  let batchAt = 0;
  let batchLen = 0;
  const framer = new Framer(true);
  const bytes = values.map((v) => Buffer.from(v, 'utf8'));
  const work = Buffer.allocUnsafe(STAGE + OUT);
  const short = ad.shortRows.data;
  const shortLen = ad.shortRows.length;
  let nextShort = 0;
  let nextNon = 0;
  let record = 0;
  return (view, pos, eof) => {
    const len = view.length;
    framer.begin(view, pos);
    // The input window [ws, we) staged at work[0..); output at work[STAGE + ..o).
    let ws = 0;
    let we = 0;
    let o = STAGE;
    const flush = (): void => {
      if (o > STAGE) sink.put(work, STAGE, o);
      o = STAGE;
    };
    const append = ad.splitAt < 0;
    let clear = framer.clearUntil(view, pos);
    while (pos < len) {
      let ce: number;
      let end: number;
      let quoted = false;
      const nl = pos < clear ? view.indexOf(NL, pos) : -1;
      if (nl !== -1 && nl < clear) {
        ce = nl;
        end = nl + 1;
      } else {
        if (!framer.next(view, pos, eof)) break;
        ce = framer.contentEnd;
        end = framer.end;
        quoted = framer.quoted;
        clear = framer.clearUntil(view, end);
      }
      if (nextNon < nonItems.length && nonItems[nextNon] === record) {
        nextNon++;
        flush();
        ad.write(view, pos, ce, end, null, sink);
      } else {
        if (batchAt === batchLen) {
          batchLen = fill(batch);
          batchAt = 0;
          if (batchLen === 0) throw new SplitError('the file has more items than when the split was planned (did it change?); run the split again', 2);
        }
        const b = batch[batchAt++];
        const r = ad.record + 1;
        let fields = -1;
        if (nextShort < shortLen && short[nextShort] === r) {
          fields = short[nextShort + 1];
          nextShort += 2;
        }
        const v = bytes[b];
        const at = ad.valueAt;
        const pad = fields >= 0 ? at - fields : 0;
        if (end - pos > STAGE || pad + v.length >= OUT - STAGE || (!append && fields < 0 && quoted)) {
          flush();
          ad.write(view, pos, ce, end, values[b], sink);
        } else {
          ad.record = r;
          if (end > we) {
            we = Math.min(len, pos + STAGE);
            ws = pos;
            view.copy(work, 0, ws, we);
          }
          if (o + (end - pos) + pad + 1 + v.length > work.length) flush();
          if (append || fields >= 0) {
            work.copyWithin(o, pos - ws, ce - ws);
            o += ce - pos;
            for (let k = 0; k <= pad; k++) work[o++] = COMMA;
          } else {
            // The existing column: field `at` of a row without quotes.
            let c = 0;
            let fs = pos;
            let fe = ce;
            for (let i = pos; i < ce; i++) {
              if (view[i] === COMMA) {
                if (c === at) {
                  fe = i;
                  break;
                }
                c++;
                fs = i + 1;
              }
            }
            work.copyWithin(o, pos - ws, fs - ws);
            o += fs - pos;
            for (let k = 0; k < v.length; k++) work[o++] = v[k];
            work.copyWithin(o, fe - ws, end - ws);
            o += end - fe;
            record++;
            pos = end;
            continue;
          }
          for (let k = 0; k < v.length; k++) work[o++] = v[k];
          for (let i = ce; i < end; i++) work[o++] = view[i];
        }
      }
      record++;
      pos = end;
    }
    flush();
    return pos;
  };
}
