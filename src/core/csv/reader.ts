/**
 * A streaming RFC 4180 CSV reader that keeps the position of every field.
 *
 * Text is pushed in chunks (`write`) and records come out through a callback, so memory stays
 * bounded by the longest record (and every field is capped at `maxFieldChars`). Positions follow
 * the diagnostics contract: 1-based lines and UTF-16 columns, end column exclusive. CR, LF and
 * CRLF all end a line (in and outside quotes), as in the editor.
 *
 * Most records have no quotes; they take a fast path (one native `split`) and their field
 * positions are derived from the field lengths on demand instead of being stored.
 */
import { open } from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { firstInvalidUtf8, invalidUtf8Message, unfinishedUtf8Tail } from '../utf8';
import { binaryKindMessage, binaryKindOf } from '../binaryKind';
import { fileDiagnostic } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { BYTE_TAIL_MAX, type ByteScanner } from './bytescan';

export interface CsvRecord {
  /** Field values with quotes removed and doubled quotes unescaped. */
  fields: string[];
  /** 0-based index of the record in the file (header included). */
  index: number;
  /** Line of the first character of the record. */
  line: number;
  /** Line of the last character of the record (differs when a quoted field holds a newline). */
  endLine: number;
  /** True for an empty line (one empty unquoted field). */
  blank: boolean;
  /** True when the record ran to the end of input inside an unclosed quote: its fields are not meaningful. */
  unterminated?: boolean;
  /** Range of field `i` in the source, quotes included. Past the last field: the end of the record. */
  range(i: number): Range;
  /** Range of the whole record. */
  recordRange(): Range;
  /** True when field `i` was written in quotes. */
  quoted(i: number): boolean;
}

export interface CsvReaderOptions {
  /** Longest field kept, in UTF-16 code units; longer fields are reported and truncated. */
  maxFieldChars?: number;
  /** Most fields kept per record; further fields are reported and dropped. */
  maxFields?: number;
  /** The text continues a file from a record start (a range read by a worker): no BOM check. */
  continuation?: boolean;
  /**
   * The text was decoded from bytes known to be valid UTF-8, so a U+FFFD in it is a character of
   * the file, not a byte that could not be decoded. (`readCsvFile` reads the bytes and reports
   * invalid ones itself.)
   */
  textIsUtf8?: boolean;
}

export interface CsvReaderHandlers {
  onRecord(record: CsvRecord): void;
  onDiagnostic(diagnostic: Diagnostic): void;
}

export const DEFAULT_MAX_FIELD_CHARS = 1 << 22; // 4 Mi code units (8 MB of string memory)
export const DEFAULT_MAX_FIELDS = 100_000;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** A record without quotes on one line: positions follow from the field lengths. */
class SimpleRecord implements CsvRecord {
  private starts: number[] | undefined;
  readonly blank: boolean;
  get endLine(): number {
    return this.line;
  }
  constructor(
    readonly fields: string[],
    readonly index: number,
    readonly line: number,
  ) {
    this.blank = fields.length === 1 && fields[0] === '';
  }
  private columns(): number[] {
    if (!this.starts) {
      const s: number[] = new Array(this.fields.length + 1);
      let col = 1;
      for (let i = 0; i < this.fields.length; i++) {
        s[i] = col;
        col += this.fields[i].length + 1;
      }
      s[this.fields.length] = col;
      this.starts = s;
    }
    return this.starts;
  }
  range(i: number): Range {
    const s = this.columns();
    if (i >= this.fields.length) {
      const end = s[this.fields.length] - 1;
      return { line: this.line, column: end, endLine: this.line, endColumn: end + 1 };
    }
    return { line: this.line, column: s[i], endLine: this.line, endColumn: s[i] + this.fields[i].length };
  }
  recordRange(): Range {
    const s = this.columns();
    return { line: this.line, column: 1, endLine: this.line, endColumn: Math.max(2, s[this.fields.length] - 1) };
  }
  quoted(): boolean {
    return false;
  }
}

/** A record that needed the full state machine: positions are stored per field. */
class FullRecord implements CsvRecord {
  readonly blank: boolean;
  unterminated?: boolean;
  constructor(
    readonly fields: string[],
    readonly index: number,
    readonly line: number,
    readonly endLine: number,
    /** Flat [line, column, endLine, endColumn] per field. */
    private readonly pos: number[],
    private readonly quotes: boolean[],
  ) {
    this.blank = fields.length === 1 && fields[0] === '' && !quotes[0];
  }
  range(i: number): Range {
    const p = this.pos;
    if (i >= this.fields.length) {
      const k = (this.fields.length - 1) * 4;
      return { line: p[k + 2], column: p[k + 3], endLine: p[k + 2], endColumn: p[k + 3] + 1 };
    }
    const k = i * 4;
    return { line: p[k], column: p[k + 1], endLine: p[k + 2], endColumn: p[k + 3] };
  }
  recordRange(): Range {
    const p = this.pos;
    const k = (this.fields.length - 1) * 4;
    const end = p[k + 3];
    return { line: p[0], column: 1, endLine: p[k + 2], endColumn: p[k + 2] === p[0] ? Math.max(2, end) : end };
  }
  quoted(i: number): boolean {
    return this.quotes[i] === true;
  }
}

const enum State {
  RecordStart,
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvReader {
  /**
   * Optional consumer of lines (without CR) given as s[from, to) without splitting them; it
   * returns false for anything it does not take (quotes it cannot handle, a quoted field running
   * on to the next line...), which then goes the usual way. Tabular validation profiles lines in place.
   * `quoteAt` is the position of the first quote at or after `from` (at or past `to` when the line has none).
   */
  lineHook?: (s: string, from: number, to: number, line: number, quoteAt: number) => boolean;
  /**
   * Optional consumer of one-line records as bytes (`readCsvFile` gives it ASCII chunks), taking
   * what `lineHook` would take; the lines it takes are counted with `skipLines`.
   */
  byteScanner?: ByteScanner;
  /** Set when the input comes from `readCsvFile`, which can feed a byte scanner. */
  readsBytes = false;
  private readonly maxFieldChars: number;
  private readonly maxFields: number;
  private leftover = '';
  private started = false;
  private ended = false;
  private stopped = false;
  /** Line of the next unread character, and the absolute offset where that line starts. */
  private line = 1;
  private lineStart = 0;
  /** Absolute offset of the first character of the current chunk (`leftover` included). */
  private base = 0;
  private pendingCr = false;
  private recordIndex = 0;

  private state: State = State.RecordStart;
  private fields: string[] = [];
  private pos: number[] = [];
  private quotes: boolean[] = [];
  private recordLine = 1;
  private field = '';
  private fieldLen = 0;
  private fieldTruncated = false;
  private fieldsDropped = 0;
  private fieldLine = 1;
  private fieldCol = 1;
  private fieldQuoted = false;
  private firstNulReported = false;
  private firstReplacementReported = false;
  private readonly continuation: boolean;
  /** U+FFFD is a character (see CsvReaderOptions.textIsUtf8); set by `readCsvFile` too. */
  textIsUtf8: boolean;

  constructor(
    private readonly handlers: CsvReaderHandlers,
    options: CsvReaderOptions = {},
  ) {
    this.maxFieldChars = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    this.maxFields = options.maxFields ?? DEFAULT_MAX_FIELDS;
    this.continuation = options.continuation === true;
    this.textIsUtf8 = options.textIsUtf8 === true;
  }

  /** True when all input so far ended exactly at a record boundary (nothing half read). */
  get atRecordStart(): boolean {
    return this.state === State.RecordStart && this.leftover.length === 0 && !this.pendingCr && !this.pendingCrQuoted;
  }

  /** A NUL (binary data) / invalid UTF-8 was reported. */
  get sawBinary(): boolean {
    return this.firstNulReported;
  }
  get sawInvalidUtf8(): boolean {
    return this.firstReplacementReported;
  }

  /** Number of lines seen so far (after `end`: lines in the input; a final line break starts no new line). */
  get lines(): number {
    if (!this.started) return 0;
    return this.ended && this.line > 1 && this.lineStart === this.base && !this.stopped ? this.line - 1 : this.line;
  }

  /** Records emitted so far. */
  get records(): number {
    return this.recordIndex;
  }

  get maxLineChars(): number {
    return this.maxFieldChars;
  }

  /**
   * Counts `lines` one-line records of `chars` characters (line breaks included) that the byte
   * scanner took at a record start, as if `lineHook` had taken them.
   */
  skipLines(chars: number, lines: number): void {
    this.started = true;
    this.base += chars;
    this.line += lines;
    this.lineStart = this.base;
    this.recordIndex += lines;
  }

  /** Reports the whole file as binary data (`file.binary` on its first character) and stops. */
  rejectBinary(message: string): void {
    if (this.stopped || this.ended) return;
    this.handlers.onDiagnostic(fileDiagnostic('error', 'file.binary', message));
    this.stop();
  }

  /** Stops reading: later input is ignored (binary data, a consumer that has seen enough). */
  stop(): void {
    this.stopped = true;
    this.leftover = '';
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Reads the next piece of text. `invalid` (from a reader of bytes): the first byte of the input
   * that is not UTF-8 was decoded as the U+FFFD at `invalid.at` of `chunk`.
   */
  write(chunk: string, invalid?: { at: number; byte: number }): void {
    if (this.stopped || this.ended) return;
    if (!this.started) {
      if (chunk.length === 0) return;
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff && !this.continuation) {
        chunk = chunk.slice(1);
        if (invalid) invalid = { at: invalid.at - 1, byte: invalid.byte };
        this.handlers.onDiagnostic(fileDiagnostic('warning', 'encoding.bom', 'The file starts with a UTF-8 byte order mark (BOM), which spreadsheet programs add. Save it as UTF-8 without BOM; otherwise the first column name or path may carry an invisible character.'));
      }
    }
    this.scanSpecial(chunk, invalid);
    if (this.stopped) return;
    if (this.leftover.length > 0) {
      // Finish the carried-over line on its own, then go on in the chunk itself: joining the
      // leftover to the whole chunk, or slicing the chunk, would make a string that is slower to
      // scan character by character than the flat chunk.
      const k = chunk.indexOf('\n');
      if (k >= 0 && k + 1 < chunk.length) {
        const head = this.leftover + chunk.slice(0, k + 1);
        this.leftover = '';
        this.process(head, false);
        if (this.stopped) return;
        // Offsets in `chunk` start k + 1 characters before the first unread one.
        this.base -= k + 1;
        this.process(chunk, false, k + 1);
        return;
      }
      const s = this.leftover + chunk;
      this.leftover = '';
      this.process(s, false);
      return;
    }
    this.process(chunk, false);
  }

  end(): void {
    if (this.ended) return;
    if (!this.stopped) {
      const s = this.leftover;
      this.leftover = '';
      this.process(s, true);
      this.finishAtEof();
    }
    this.ended = true;
  }

  /**
   * NUL characters mean binary data. Invalid UTF-8: the byte `invalid` names, or (text not known
   * to be valid UTF-8, such as an editor's buffer) the first U+FFFD.
   */
  private scanSpecial(chunk: string, invalid: { at: number; byte: number } | undefined): void {
    if (!this.firstNulReported) {
      const nul = chunk.indexOf('\u0000');
      if (nul >= 0) {
        this.firstNulReported = true;
        const at = this.positionInChunk(chunk, nul);
        this.handlers.onDiagnostic({
          ...at,
          severity: 'error',
          code: 'file.binary',
          message:
            'The file contains a NUL byte, so it is binary data, not CSV text. An import CSV must be UTF-8 text; check that you picked the right file.',
        });
        this.stop();
        return;
      }
    }
    if (!this.firstReplacementReported) {
      const bad = invalid ? invalid.at : this.textIsUtf8 ? -1 : chunk.indexOf('\ufffd');
      if (bad >= 0) {
        this.firstReplacementReported = true;
        const at = this.positionInChunk(chunk, bad);
        this.handlers.onDiagnostic({
          ...at,
          severity: 'error',
          code: 'encoding.utf8',
          message: invalid
            ? invalidUtf8Message(invalid.byte)
            : 'Invalid UTF-8 (decoded as the replacement character U+FFFD). Import files must be UTF-8: re-save the file as UTF-8.',
        });
      }
    }
  }

  /** Position of offset `k` of a chunk about to be appended after the leftover (computed without consuming). */
  private positionInChunk(chunk: string, k: number): Range {
    let line = this.line;
    let lineStart = this.lineStart;
    // Lines already counted stop at the unprocessed leftover; count from there.
    const text = this.leftover + chunk.slice(0, k);
    const base = this.base;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
        line++;
        lineStart = base + i + 1;
      }
    }
    const column = base + text.length - lineStart + 1;
    return { line, column, endLine: line, endColumn: column + 1 };
  }

  private newline(absEnd: number): void {
    this.line++;
    this.lineStart = absEnd;
  }

  /** Processes s[start...]; `base` is the absolute offset of s[0] (not of s[start]). */
  private process(s: string, final: boolean, start = 0): void {
    const n = s.length;
    let i = start;
    this.chunkStart = start;
    this.crCarry = this.pendingCrQuoted;
    this.pendingCrQuoted = false;
    if (this.pendingCr && n > start) {
      // A CR ended the previous chunk: a following LF belongs to the same line break.
      this.pendingCr = false;
      if (s.charCodeAt(start) === LF) {
        i = start + 1;
        this.lineStart = this.base + start + 1;
      }
    }
    // Next quote and next CR at or after `i`, found once per stretch of text rather than per line.
    let quoteAt = -1;
    let crAt = -1;
    while (i < n && !this.stopped) {
      if (this.state === State.RecordStart) {
        // Fast path: a whole line without quotes or stray CRs.
        const e = s.indexOf('\n', i);
        if (e < 0 && !final) break;
        const lineEnd = e < 0 ? n : e;
        let contentEnd = lineEnd;
        if (contentEnd > i && s.charCodeAt(contentEnd - 1) === CR) contentEnd--;
        if (crAt < i) {
          crAt = s.indexOf('\r', i);
          if (crAt < 0) crAt = n;
        }
        const noCr = crAt >= contentEnd;
        if (noCr && this.lineHook !== undefined && contentEnd - i <= this.maxFieldChars) {
          if (quoteAt < i) {
            quoteAt = s.indexOf('"', i);
            if (quoteAt < 0) quoteAt = n;
          }
          if (this.lineHook(s, i, contentEnd, this.line, quoteAt)) {
            this.recordIndex++;
            if (e < 0) i = n;
            else {
              i = e + 1;
              this.newline(this.base + i);
            }
            continue;
          }
        }
        if (noCr && contentEnd - i <= this.maxFieldChars) {
          const text = s.slice(i, contentEnd);
          if (text.indexOf('"') < 0) {
            const fields = text.split(',');
            if (fields.length <= this.maxFields) {
              this.handlers.onRecord(new SimpleRecord(fields, this.recordIndex++, this.line));
              if (e < 0) {
                i = n;
              } else {
                i = e + 1;
                this.newline(this.base + i);
              }
              continue;
            }
          }
        }
        this.beginRecord();
        this.state = State.FieldStart;
      }
      i = this.slowRecord(s, i, n);
    }
    if (!final) {
      if (i < n) {
        // Keep the unfinished part. Only the RecordStart state leaves text unconsumed.
        this.leftover = s.slice(i);
        this.base += i;
        if (this.leftover.length > this.maxFieldChars * 2 + 65536) {
          // A huge line with no line break: push it through the slow path now so the field cap applies.
          const rest = this.leftover;
          this.leftover = '';
          this.beginRecord();
          this.state = State.FieldStart;
          const j = this.slowRecord(rest, 0, rest.length);
          this.base += j;
          this.leftover = rest.slice(j);
        }
      } else {
        this.base += n;
      }
    } else {
      this.base += i;
    }
  }

  private beginRecord(): void {
    this.fields = [];
    this.pos = [];
    this.quotes = [];
    this.fieldsDropped = 0;
    this.recordLine = this.line;
  }

  private startField(abs: number): void {
    this.field = '';
    this.fieldLen = 0;
    this.fieldTruncated = false;
    this.fieldLine = this.line;
    this.fieldCol = abs - this.lineStart + 1;
    this.fieldQuoted = false;
  }

  private append(text: string): void {
    if (text.length === 0) return;
    if (this.fieldTruncated) {
      this.fieldLen += text.length;
      return;
    }
    if (this.fieldLen + text.length > this.maxFieldChars) {
      const keep = this.maxFieldChars - this.fieldLen;
      this.field += text.slice(0, keep);
      this.fieldLen += text.length;
      this.fieldTruncated = true;
      this.handlers.onDiagnostic({
        line: this.fieldLine,
        column: this.fieldCol,
        endLine: this.fieldLine,
        endColumn: this.fieldCol + 1,
        severity: 'error',
        code: 'csv.fieldTooLong',
        message: `This field is longer than ${this.maxFieldChars.toLocaleString('en-US')} characters; the reader keeps only the start of it. Check for a quote that is never closed, or keep long text in a file referenced by a gs:// path.`,
      });
      return;
    }
    this.field += text;
    this.fieldLen += text.length;
  }

  /** Appends quoted text, counting the line breaks inside it. */
  private appendQuoted(s: string, from: number, to: number): void {
    const text = s.slice(from, to);
    // Searching the slice, not the chunk, keeps this linear in the field length.
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0 && !this.crCarry) {
      this.append(text);
      return;
    }
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      if (c === LF) {
        if (k === this.chunkStart && this.crCarry) {
          // The LF of a CRLF split across chunks: the line break was already counted.
          this.lineStart = this.base + k + 1;
        } else {
          this.newline(this.base + k + 1);
        }
      } else if (c === CR) {
        if (k + 1 < s.length) {
          if (s.charCodeAt(k + 1) !== LF) this.newline(this.base + k + 1);
          // CRLF: the LF (next iteration, or the next chunk) counts the break.
        } else {
          this.newline(this.base + k + 1);
          this.pendingCrQuoted = true;
        }
      }
    }
    this.crCarry = false;
    this.append(text);
  }

  private pendingCrQuoted = false;
  private crCarry = false;
  /** Where the text being processed starts in its string. */
  private chunkStart = 0;

  private endField(absEnd: number): void {
    if (this.fields.length >= this.maxFields) {
      if (this.fieldsDropped === 0) {
        this.handlers.onDiagnostic({
          line: this.fieldLine,
          column: this.fieldCol,
          endLine: this.fieldLine,
          endColumn: this.fieldCol + 1,
          severity: 'error',
          code: 'csv.tooManyFields',
          message: `This record has more than ${this.maxFields.toLocaleString('en-US')} fields; the rest are ignored.`,
        });
      }
      this.fieldsDropped++;
      return;
    }
    this.fields.push(this.field);
    this.quotes.push(this.fieldQuoted);
    this.pos.push(this.fieldLine, this.fieldCol, this.line, absEnd - this.lineStart + 1);
    this.field = '';
    this.fieldLen = 0;
  }

  private unterminatedRecord = false;

  private emitRecord(): void {
    const record = new FullRecord(this.fields, this.recordIndex++, this.recordLine, this.pos[this.pos.length - 2], this.pos, this.quotes);
    if (this.unterminatedRecord) record.unterminated = true;
    this.handlers.onRecord(record);
    this.state = State.RecordStart;
  }

  /** Runs the state machine from `i`; returns where it stopped (record done, or chunk exhausted). */
  private slowRecord(s: string, i: number, n: number): number {
    const base = this.base;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          this.startField(base + i);
          if (s.charCodeAt(i) === QUOTE) {
            this.fieldQuoted = true;
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = s.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
            j++;
          }
          this.append(s.slice(i, j));
          if (j >= n) return n;
          if (c === QUOTE) {
            this.strayQuote(base + j, 'A quote inside an unquoted field');
            this.append('"');
            i = j + 1;
            break;
          }
          i = this.delimiter(s, j, n);
          if (this.recordDone()) return i;
          break;
        }
        case State.Quoted: {
          const j = s.indexOf('"', i);
          if (j < 0) {
            this.appendQuoted(s, i, n);
            return n;
          }
          this.appendQuoted(s, i, j);
          this.state = State.QuoteInQuoted;
          i = j + 1;
          break;
        }
        case State.QuoteInQuoted: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            this.append('"');
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA || c === LF || c === CR) {
            i = this.delimiter(s, i, n);
            if (this.recordDone()) return i;
          } else {
            this.strayQuote(base + i - 1, 'Text after the closing quote of a quoted field');
            this.state = State.Unquoted;
          }
          break;
        }
        default:
          return i;
      }
    }
    return i;
  }

  /** Handles the comma or line break at `j` that ends the current field. */
  private delimiter(s: string, j: number, n: number): number {
    const c = s.charCodeAt(j);
    this.endField(this.base + j);
    if (c === COMMA) {
      this.state = State.FieldStart;
      return j + 1;
    }
    this.emitRecord();
    if (c === CR) {
      if (j + 1 < n) {
        if (s.charCodeAt(j + 1) === LF) {
          this.newline(this.base + j + 2);
          return j + 2;
        }
      } else {
        this.pendingCr = true;
      }
    }
    this.newline(this.base + j + 1);
    return j + 1;
  }

  private recordDone(): boolean {
    return this.state === State.RecordStart;
  }

  private strayQuote(abs: number, what: string): void {
    const column = abs - this.lineStart + 1;
    this.handlers.onDiagnostic({
      line: this.line,
      column,
      endLine: this.line,
      endColumn: column + 1,
      severity: 'error',
      code: 'csv.strayQuote',
      message: `${what}. In CSV a field that contains quotes must be enclosed in quotes, with each quote inside doubled: "say ""hi""".`,
    });
  }

  private finishAtEof(): void {
    switch (this.state) {
      case State.RecordStart:
        return;
      case State.FieldStart:
        // A comma just before the end of input: the record ends with an empty field.
        this.startField(this.base);
        this.endField(this.base);
        this.emitRecord();
        return;
      case State.Unquoted:
      case State.QuoteInQuoted:
        this.endField(this.base);
        this.emitRecord();
        return;
      case State.Quoted: {
        // A final line break starts no line of its own.
        const lastLine = this.lineStart === this.base && this.line > this.fieldLine ? this.line - 1 : this.line;
        this.handlers.onDiagnostic({
          line: this.fieldLine,
          column: this.fieldCol,
          endLine: this.fieldLine,
          endColumn: this.fieldCol + 1,
          severity: 'error',
          code: 'csv.unterminatedQuote',
          message: `This quoted field is never closed: the quote runs to the end of the file, taking in ${lastLine - this.fieldLine + 1} line${lastLine === this.fieldLine ? '' : 's'}. Add the closing quote, and double any quote that is part of the text ("").`,
        });
        this.endField(this.base);
        this.unterminatedRecord = true;
        this.emitRecord();
        return;
      }
    }
  }
}

/** Reads a whole string (tests, editor buffers). */
export function readCsvText(text: string, handlers: CsvReaderHandlers, options?: CsvReaderOptions): CsvReader {
  const reader = new CsvReader(handlers, options);
  reader.write(text);
  reader.end();
  return reader;
}

/** Range of field `i` for a diagnostic: an empty field gets one column, so editors can show it. */
export function cellRange(record: CsvRecord, i: number): Range {
  const r = record.range(i);
  return r.endLine === r.line && r.endColumn <= r.column ? { ...r, endColumn: r.column + 1 } : r;
}

/** Spare bytes before each chunk read from a file (room for an unfinished UTF-8 character). */
const UTF8_HEAD = 4;

/** Bytes read per chunk when streaming a file. */
export const FILE_CHUNK_BYTES = 1 << 20;

export interface CsvFileOptions extends CsvReaderOptions {
  onStart?: (reader: CsvReader) => void;
  /** Checked before each chunk: once aborted, reading stops and the promise rejects with CsvReadCancelled. */
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Reads only the bytes [start, end) (a range split at a line start; default: the whole file). */
  start?: number;
  end?: number;
  /** Called after the last chunk and before the end of input is processed (a range's state at its end). */
  beforeEnd?: (reader: CsvReader) => void;
  /** Bytes read per chunk (tests make it small; default FILE_CHUNK_BYTES). */
  chunkBytes?: number;
}

/** Reading stopped because the caller's abort signal fired. */
export class CsvReadCancelled extends Error {
  constructor() {
    super('Validation cancelled');
  }
}

/**
 * Streams a file through a reader in constant memory. Resolves with the reader (its `lines` and
 * `records` counts) once the file is read or the reader was stopped. I/O errors reject, and so
 * does an abort (CsvReadCancelled).
 */
export async function readCsvFile(path: string, handlers: CsvReaderHandlers, options?: CsvFileOptions): Promise<CsvReader> {
  const reader = new CsvReader(handlers, options);
  reader.readsBytes = true;
  // The bytes are checked here: a U+FFFD in the text is then the file's own character.
  reader.textIsUtf8 = true;
  options?.onStart?.(reader);
  const signal = options?.signal;
  const onProgress = options?.onProgress;
  if (signal?.aborted) throw new CsvReadCancelled();
  const file = await open(path, 'r');
  const total = onProgress ? (await file.stat()).size : 0;
  let position = options?.start ?? 0;
  const end = options?.end ?? Infinity;
  const chunkBytes = options?.chunkBytes ?? FILE_CHUNK_BYTES;
  // Chunks are read behind UTF8_HEAD spare bytes, where the unfinished character that ended the
  // previous chunk is put back.
  const readAt = (buffer: Buffer) => file.read(buffer, UTF8_HEAD, Math.max(0, Math.min(chunkBytes, end - position)), position);
  // Two buffers: the next chunk is read while this one is parsed, so the parser does not wait
  // for the disk (or for the thread pool on a busy machine) between chunks.
  const buffers = [Buffer.allocUnsafe(UTF8_HEAD + chunkBytes), Buffer.allocUnsafe(UTF8_HEAD + chunkBytes)];
  /** The bytes of a character the last chunk ended in the middle of (0 to 3). */
  let unfinished = Buffer.alloc(0);
  let invalidSeen = false;
  /** The text of `piece[0, to)`, and where the first byte in it that is not UTF-8 went (once per file). */
  const decode = (piece: Buffer, to: number, lead: string): [string, { at: number; byte: number } | undefined] => {
    const text = piece.toString('utf8', 0, to);
    if (invalidSeen || isUtf8(piece.subarray(0, to))) return [text, undefined];
    invalidSeen = true;
    const bad = firstInvalidUtf8(piece.subarray(0, to));
    // The bytes before it are valid UTF-8, so their text is exactly the text before its U+FFFD.
    return [text, { at: lead.length + piece.toString('utf8', 0, bad).length, byte: piece[bad] }];
  };
  let current = 0;
  let atFileStart = !options?.start;
  const bytes = new ByteFeed(reader);
  let next: Promise<{ bytesRead: number }> | undefined = readAt(buffers[0]);
  try {
    for (;;) {
      const { bytesRead } = await next;
      next = undefined;
      if (signal?.aborted) throw new CsvReadCancelled();
      if (bytesRead === 0) break;
      position += bytesRead;
      const buffer = buffers[current];
      current ^= 1;
      next = readAt(buffers[current]);
      const chunk = buffer.subarray(UTF8_HEAD, UTF8_HEAD + bytesRead);
      if (atFileStart) {
        // The file's first bytes: UTF-16 text or a compressed file is named as such.
        atFileStart = false;
        const kind = binaryKindOf(chunk);
        if (kind) {
          reader.rejectBinary(binaryKindMessage(kind, 'a CSV import file'));
          break;
        }
      }
      // ASCII is its own UTF-8 and Latin-1 decoding, and the Latin-1 decoder is several times
      // faster. It is used while no character is left unfinished.
      if (unfinished.length === 0 && isAscii(chunk)) {
        // A NUL stops the reader before it reads any of the chunk: such a chunk goes to it whole.
        if (!bytes.feed(chunk)) reader.write(bytes.takeTail() + chunk.toString('latin1'));
      } else {
        unfinished.copy(buffer, UTF8_HEAD - unfinished.length);
        const piece = buffer.subarray(UTF8_HEAD - unfinished.length, UTF8_HEAD + bytesRead);
        const to = piece.length - unfinishedUtf8Tail(piece);
        const lead = bytes.takeTail();
        const [text, invalid] = decode(piece, to, lead);
        // Copied: the buffer is read into again.
        unfinished = Buffer.from(piece.subarray(to));
        reader.write(lead + text, invalid);
      }
      onProgress?.(position, Math.max(total, position));
      if (reader.isStopped) break;
    }
    if (!reader.isStopped) {
      // A character unfinished at the end of the input is not UTF-8.
      const lead = bytes.takeTail();
      const [text, invalid] = unfinished.length ? decode(unfinished, unfinished.length, lead) : ['', undefined];
      reader.write(lead + text, invalid);
    }
    options?.beforeEnd?.(reader);
    reader.end();
  } finally {
    // A read still in flight (the reader stopped early, or parsing threw) must finish before the close.
    if (next) await next.catch(() => undefined);
    await file.close();
  }
  return reader;
}

/**
 * Hands ASCII chunks to the reader's byte scanner when it has one: the scanner takes the lines it
 * can, the reader gets the others as text, one record at a time, and the unfinished last line is
 * kept (as bytes, in the scanner's area) for the next chunk. The reader sees the same records,
 * in the same order and at the same positions, as when it reads the chunks as text.
 */
class ByteFeed {
  /** Bytes at the start of the scanner's area not yet given to anyone (an unfinished line). */
  private tail = 0;
  private scanner?: ByteScanner;
  /** Lines given to the reader one by one while there was no scanner. */
  private lead = 0;
  /** Bytes given to the reader as text in one piece when the scanner leaves most lines to it. */
  private stretch = TEXT_STRETCH;
  constructor(private readonly reader: CsvReader) {}

  /** The bytes kept back, as text (for the reader), and forgets them. */
  takeTail(): string {
    if (this.tail === 0 || !this.scanner) return '';
    const text = latin1(this.scanner.area, 0, this.tail);
    this.tail = 0;
    return text;
  }

  /** Reads the ASCII chunk through the scanner; false when it cannot (the caller gives the chunk to the reader). */
  feed(chunk: Buffer): boolean {
    const reader = this.reader;
    if (chunk.indexOf(0) >= 0) return false;
    if (!reader.byteScanner) {
      // No scanner yet (it comes once the header and a first row are read): the first lines of
      // the file go to the reader one by one, so that a scanner set up on them takes the rest of
      // this chunk.
      if (this.lead >= LEAD_LINES) return false;
      let p = 0;
      while (this.lead < LEAD_LINES && !reader.byteScanner && !reader.isStopped) {
        const lf = chunk.indexOf(10, p);
        if (lf < 0) break;
        reader.write(chunk.toString('latin1', p, lf + 1));
        p = lf + 1;
        this.lead++;
      }
      const set = reader.byteScanner as ByteScanner | undefined;
      if (!set?.active || reader.isStopped || chunk.length - p > set.area.length) {
        if (p < chunk.length && !reader.isStopped) reader.write(chunk.toString('latin1', p, chunk.length));
        return true;
      }
      chunk = chunk.subarray(p);
    }
    const scanner = reader.byteScanner;
    if (!scanner || !scanner.active || this.tail + chunk.length > scanner.area.length) return false;
    if (this.scanner !== scanner) {
      // A scanner is never replaced while it holds a tail (the reader sets it once).
      this.scanner = scanner;
      this.tail = 0;
    }
    const area = scanner.area;
    area.set(chunk, this.tail);
    const end = this.tail + chunk.length;
    this.tail = 0;
    let p = 0;
    // Lines handed over as text one by one, and lines scanned, since the last check: when most
    // lines need the text path, the next stretch goes there in one piece, then the scanner tries again.
    let handed = 0;
    let scanned = 0;
    while (p < end && !reader.isStopped) {
      if (!reader.atRecordStart) {
        // Inside a record (a quoted field over several lines) or after text without a line end:
        // the reader goes on line by line until it is at a record start again.
        const lf = area.subarray(p, end).indexOf(10);
        const stop = lf < 0 ? end : p + lf + 1;
        reader.write(latin1(area, p, stop));
        p = stop;
        continue;
      }
      if (!scanner.active) {
        reader.write(latin1(area, p, end));
        p = end;
        break;
      }
      if (handed >= 64) {
        if (handed * 4 > scanned) {
          const stretch = this.stretch;
          const lf = p + stretch < end ? area.subarray(p + stretch, end).indexOf(10) : -1;
          const stop = lf < 0 ? end : p + stretch + lf + 1;
          reader.write(latin1(area, p, stop));
          p = stop;
          // Longer stretches while the scanner keeps leaving most lines to the text path.
          this.stretch = Math.min(stretch * 2, MAX_TEXT_STRETCH);
        } else {
          this.stretch = TEXT_STRETCH;
        }
        handed = 0;
        scanned = 0;
        continue;
      }
      const status = scanner.scan(p, end);
      if (scanner.taken > 0) {
        reader.skipLines(scanner.stop - p, scanner.taken);
        scanned += scanner.taken;
      }
      p = scanner.stop;
      if (status === 0) break;
      const stop = scanner.lineEnd + 1;
      reader.write(latin1(area, p, stop));
      handed++;
      p = stop;
    }
    if (p < end && !reader.isStopped) {
      if (end - p > BYTE_TAIL_MAX) reader.write(latin1(area, p, end));
      else {
        area.copyWithin(0, p, end);
        this.tail = end - p;
      }
    }
    return true;
  }
}

/** Bytes (to the next line end) first given to the reader as text in one piece when the scanner leaves most lines to it. */
const TEXT_STRETCH = 64 << 10;
const MAX_TEXT_STRETCH = 16 << 20;

/** Lines at the start of a file given to the reader one by one, waiting for a byte scanner. */
const LEAD_LINES = 64;

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}

/** A one-line record of the given fields (a header handed to a worker thread; positions are not meaningful). */
export function recordOfFields(fields: string[]): CsvRecord {
  return new SimpleRecord(fields, 0, 1);
}
