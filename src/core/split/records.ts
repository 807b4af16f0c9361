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

/** End of the record starting at `pos` (index of its "\n"), or -1 when the buffer ends first. */
function findCsvNewline(buf: Buffer, pos: number): number {
  let q = buf.indexOf(QUOTE, pos);
  for (;;) {
    const nl = buf.indexOf(NL, pos);
    if (q === -1 || (nl !== -1 && nl < q)) return nl;
    const close = buf.indexOf(QUOTE, q + 1);
    if (close === -1) return -1;
    pos = close + 1;
    q = buf.indexOf(QUOTE, pos);
  }
}

/** Scans complete records in view[pos..]; returns where the unconsumed tail starts. */
function scan(view: Buffer, pos: number, csv: boolean, eof: boolean, cb: RecordCallback): number {
  const len = view.length;
  while (pos < len) {
    const nl = csv ? findCsvNewline(view, pos) : view.indexOf(NL, pos);
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
  let read: (buf: Buffer, offset: number, length: number) => Promise<number>;
  let close = async (): Promise<void> => undefined;
  if ('bytes' in source) {
    let at = 0;
    read = async (buf, offset, length) => {
      const n = source.bytes.copy(buf, offset, at, Math.min(at + length, source.bytes.length));
      at += n;
      return n;
    };
  } else {
    const fh = await open(source.path, 'r');
    read = async (buf, offset, length) => (await fh.read(buf, offset, length, null)).bytesRead;
    close = () => fh.close();
  }
  try {
    let buf = Buffer.allocUnsafe(chunk * 2);
    let have = 0;
    let total = 0;
    for (;;) {
      checkAbort(opts.signal);
      if (buf.length - have < chunk) {
        // A record longer than the buffer: grow so it fits (memory stays bounded by the longest record).
        const next = Buffer.allocUnsafe(Math.max(buf.length * 2, have + chunk));
        buf.copy(next, 0, 0, have);
        buf = next;
      }
      const bytesRead = await read(buf, have, chunk);
      total += bytesRead;
      const eof = bytesRead === 0;
      have += bytesRead;
      const view = buf.subarray(0, have);
      const rest = scan(view, 0, csv, eof, cb);
      if (rest < have) buf.copy(buf, 0, rest, have);
      have -= rest;
      opts.onProgress?.(total);
      if (opts.afterChunk) await opts.afterChunk();
      if (eof) break;
    }
  } finally {
    await close();
  }
}
