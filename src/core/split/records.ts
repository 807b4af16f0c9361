import { open } from 'node:fs/promises';

/**
 * Byte-level record streaming: JSONL lines, or CSV records (a newline inside a quoted field does
 * not end the record). Works on raw bytes so that every byte the split does not change is copied
 * as is, whatever the encoding, and so that multi-GB files stream in fixed-size chunks.
 */

/**
 * Called once per record: bytes [start, contentEnd) are the record, [contentEnd, end) its line
 * terminator ("\n", "\r\n", a lone "\r" in CSV, or nothing on a last line without one). `buf` is only valid during the call.
 */
export type RecordCallback = (buf: Buffer, start: number, contentEnd: number, end: number) => void;

export type Source = { path: string } | { bytes: Buffer };

export interface StreamOptions {
  /** Cancels between chunks; the promise rejects with an AbortError-like error. */
  signal?: AbortSignal;
  /** Bytes read so far, after each chunk. */
  onProgress?: (bytesRead: number) => void;
  /** Awaited after each chunk (pass 2 flushes its output here). */
  afterChunk?: () => Promise<void>;
  chunkSize?: number;
}

const NL = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Finds record boundaries in a buffer: JSONL records end at LF (a CR before it is part of the
 * terminator); CSV records end at LF, CRLF or a lone CR outside quotes, as in the CSV reader and
 * the editor. The positions of the next quote and the next CR are remembered between records:
 * searching for them afresh per record would rescan the whole rest of a chunk every time.
 */
export class Framer {
  /** The record found by `next`: [start, contentEnd) content, [contentEnd, end) its terminator. */
  contentEnd = 0;
  end = 0;
  /** Whether the record contains a quote (CSV): its fields need the quote-aware path. */
  quoted = false;
  private q = -1;
  private cr = -1;

  constructor(readonly csv: boolean) {}

  /** Call before the first `next` on a buffer (positions cached from another buffer are void). */
  begin(view: Buffer, pos: number): void {
    this.q = this.csv ? view.indexOf(QUOTE, pos) : -1;
    this.cr = this.csv ? view.indexOf(CR, pos) : -1;
  }

  /**
   * The first quote or CR at or after `pos` (view.length when none): a record whose line feed
   * comes before it is plain, [pos, LF) with terminator "\n", and needs no other search.
   */
  clearUntil(view: Buffer, pos: number): number {
    const len = view.length;
    if (!this.csv) return len;
    if (this.q !== -1 && this.q < pos) this.q = view.indexOf(QUOTE, pos);
    if (this.cr !== -1 && this.cr < pos) this.cr = view.indexOf(CR, pos);
    return Math.min(this.q === -1 ? len : this.q, this.cr === -1 ? len : this.cr);
  }

  /**
   * Frames the record starting at `pos` (< view.length). False when it may continue past the
   * buffer's end and more input is coming (`eof` false): the caller keeps view[pos..] for later.
   */
  next(view: Buffer, pos: number, eof: boolean): boolean {
    const len = view.length;
    if (!this.csv) {
      const nl = view.indexOf(NL, pos);
      if (nl === -1) {
        if (!eof) return false;
        this.contentEnd = this.end = len;
        return true;
      }
      this.contentEnd = nl > pos && view[nl - 1] === CR ? nl - 1 : nl;
      this.end = nl + 1;
      return true;
    }
    let from = pos;
    let quoted = false;
    let brk: number;
    for (;;) {
      brk = view.indexOf(NL, from);
      let cr = this.cr;
      if (cr !== -1 && cr < from) cr = this.cr = view.indexOf(CR, from);
      if (cr !== -1 && (brk === -1 || cr < brk)) brk = cr;
      let q = this.q;
      if (q !== -1 && q < from) q = this.q = view.indexOf(QUOTE, from);
      if (q === -1 || (brk !== -1 && brk < q)) break;
      // A quoted section: line breaks inside it do not end the record (a doubled quote closes and
      // reopens, which parity handles).
      quoted = true;
      const close = view.indexOf(QUOTE, q + 1);
      if (close === -1) {
        brk = -1;
        break;
      }
      from = close + 1;
      this.q = view.indexOf(QUOTE, from);
    }
    this.quoted = quoted;
    if (brk === -1) {
      if (!eof) return false;
      this.contentEnd = this.end = len;
      return true;
    }
    this.contentEnd = brk;
    if (view[brk] === CR) {
      if (brk + 1 === len) {
        // CR or CRLF: the next chunk decides.
        if (!eof) return false;
        this.end = len;
      } else this.end = view[brk + 1] === NL ? brk + 2 : brk + 1;
    } else this.end = brk + 1;
    return true;
  }
}

/** Handles complete records in view[pos..]; returns where the unconsumed tail starts. */
export type ChunkHandler = (view: Buffer, pos: number, eof: boolean) => number;

/** The per-record handler over a framer (the general path). */
export function recordHandler(csv: boolean, cb: RecordCallback): ChunkHandler {
  const f = new Framer(csv);
  return (view, pos, eof) => {
    const len = view.length;
    f.begin(view, pos);
    while (pos < len) {
      if (!f.next(view, pos, eof)) return pos;
      cb(view, pos, f.contentEnd, f.end);
      pos = f.end;
    }
    return pos;
  };
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const e = new Error('split cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

export function forEachRecord(source: Source, csv: boolean, cb: RecordCallback, opts: StreamOptions = {}): Promise<void> {
  return forEachChunk(source, recordHandler(csv, cb), opts);
}

/** Streams the source in chunks through `handler`; an unfinished record is carried into the next chunk. */
export async function forEachChunk(source: Source, handler: ChunkHandler, opts: StreamOptions = {}): Promise<void> {
  if ('bytes' in source && opts.chunkSize === undefined) {
    checkAbort(opts.signal);
    handler(source.bytes, 0, true);
    opts.onProgress?.(source.bytes.length);
    if (opts.afterChunk) await opts.afterChunk();
    return;
  }
  const chunk = opts.chunkSize ?? 1 << 20;
  let read: (buf: Buffer) => Promise<number>;
  let close = async (): Promise<void> => undefined;
  if ('bytes' in source) {
    let at = 0;
    read = async (buf) => {
      const n = source.bytes.copy(buf, 0, at, Math.min(at + buf.length, source.bytes.length));
      at += n;
      return n;
    };
  } else {
    const fh = await open(source.path, 'r');
    read = async (buf) => (await fh.read(buf, 0, buf.length, null)).bytesRead;
    close = () => fh.close();
  }
  // The next chunk is read (into the other of two buffers) while the current one is scanned and
  // its output written, so disk reads, processing and writes overlap as in a plain stream copy.
  const buffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
  const fetch = (b: Buffer): Promise<Buffer> => read(b).then((n) => b.subarray(0, n));
  let work = Buffer.allocUnsafe(0);
  let pending: Promise<Buffer> | undefined;
  try {
    let tail = 0;
    let total = 0;
    let turn = 0;
    let next = fetch(buffers[turn]);
    pending = next;
    for (;;) {
      checkAbort(opts.signal);
      const raw = await next;
      const eof = raw.length === 0;
      turn ^= 1;
      if (!eof) {
        next = fetch(buffers[turn]);
        pending = next;
      } else pending = undefined;
      total += raw.length;
      let view = raw;
      if (tail > 0) {
        // An unfinished record from the previous chunk waits at the start of `work`.
        if (work.length < tail + raw.length) {
          const grown = Buffer.allocUnsafe(Math.max(2 * work.length, tail + raw.length));
          work.copy(grown, 0, 0, tail);
          work = grown;
        }
        raw.copy(work, tail);
        view = work.subarray(0, tail + raw.length);
      }
      const rest = handler(view, 0, eof);
      tail = view.length - rest;
      if (tail > 0) {
        if (work.length < tail) work = Buffer.allocUnsafe(Math.max(tail, chunk * 2));
        // copy() handles the overlap when `view` is `work` itself.
        view.copy(work, 0, rest, view.length);
      }
      opts.onProgress?.(total);
      if (opts.afterChunk) await opts.afterChunk();
      if (eof) break;
    }
  } finally {
    // A read still in flight (cancel, error) must settle before the file is closed.
    await pending?.catch(() => undefined);
    await close();
  }
}
