import { open } from 'node:fs/promises';

/**
 * Byte-level record streaming: JSONL lines, or CSV records (a newline inside a quoted field does
 * not end the record). Works on raw bytes so that every byte the split does not change is copied
 * as is, whatever the encoding, and so that multi-GB files stream in fixed-size chunks.
 */

/**
 * Called once per record: bytes [start, contentEnd) are the record, [contentEnd, end) its line
 * terminator ("\n", "\r\n", or nothing on a last line without one). `buf` is only valid during the call.
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
 * Scans complete records in view[pos..]; returns where the unconsumed tail starts. For CSV the
 * position of the next quote is remembered between records: searching for it afresh per record
 * would rescan the whole rest of a quote-free chunk every time.
 */
function scan(view: Buffer, pos: number, csv: boolean, eof: boolean, cb: RecordCallback): number {
  const len = view.length;
  let q = csv ? view.indexOf(QUOTE, pos) : -1;
  while (pos < len) {
    let nl: number;
    if (!csv || q === -1) nl = view.indexOf(NL, pos);
    else {
      // Skip quoted sections (a doubled quote closes and reopens, which parity handles).
      let from = pos;
      for (;;) {
        nl = view.indexOf(NL, from);
        if (q === -1 || (nl !== -1 && nl < q)) break;
        const close = view.indexOf(QUOTE, q + 1);
        if (close === -1) {
          nl = -1;
          q = -1;
          break;
        }
        from = close + 1;
        q = view.indexOf(QUOTE, from);
      }
    }
    if (nl === -1) {
      if (!eof) return pos;
      cb(view, pos, len, len);
      return len;
    }
    const contentEnd = nl > pos && view[nl - 1] === CR ? nl - 1 : nl;
    cb(view, pos, contentEnd, nl + 1);
    pos = nl + 1;
  }
  return pos;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const e = new Error('split cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

export async function forEachRecord(source: Source, csv: boolean, cb: RecordCallback, opts: StreamOptions = {}): Promise<void> {
  if ('bytes' in source && opts.chunkSize === undefined) {
    checkAbort(opts.signal);
    scan(source.bytes, 0, csv, true, cb);
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
      const rest = scan(view, 0, csv, eof, cb);
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
