/** UTF-8 byte helpers shared by the JSONL and CSV file readers. */
import { isUtf8 } from 'node:buffer';

/** Byte index of the first invalid UTF-8 sequence in `b` (b is known to be invalid). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return i;
    if (i + n >= b.length + (n ? 0 : 1)) return i;
    if (n > 0 && !isUtf8(b.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/**
 * How many bytes at the end of `b` begin a character that the next bytes may finish (a lead byte
 * followed by fewer continuation bytes than it announces): 0 to 3. A chunk cut there decodes as
 * the whole stream does.
 */
export function unfinishedUtf8Tail(b: Uint8Array): number {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const c = b[b.length - k];
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/** The encoding.utf8 message for a byte that is not UTF-8, as reading a file's bytes names it. */
export function invalidUtf8Message(byte: number, where = ''): string {
  return `Invalid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')}${where}). Import files must be UTF-8: re-save the file as UTF-8.`;
}

/** The first byte of a file that is not UTF-8: its line and UTF-16 column (0-based, as the document shows them) and value. */
export interface InvalidUtf8 {
  line: number;
  character: number;
  byte: number;
}

/** Where the first invalid byte of `bytes` (known not to be UTF-8) is in the document VS Code decodes from them. */
export function invalidUtf8Position(bytes: Uint8Array): InvalidUtf8 {
  const bad = firstInvalidUtf8(bytes);
  let line = 0;
  // VS Code keeps a UTF-8 byte order mark out of the document's text.
  let lineStart = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = 0; i < bad; i++) {
    const b = bytes[i];
    if (b === 10 || (b === 13 && bytes[i + 1] !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  // The bytes before it are valid UTF-8: their text is the document's.
  const character = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, Math.max(0, bad - lineStart)).toString('utf8').length;
  return { line, character, byte: bytes[bad] };
}
