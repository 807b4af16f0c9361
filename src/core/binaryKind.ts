/**
 * What a file that is not UTF-8 text most likely is, from its first bytes: a user who picked the
 * wrong file, or saved the right one as UTF-16, needs to hear which, and how to fix it.
 */
export type BinaryKind =
  | 'utf16le'
  | 'utf16be'
  | 'utf32le'
  | 'utf32be'
  | 'gzip'
  | 'zip'
  | 'bzip2'
  | 'xz'
  | 'zstd'
  | 'parquet'
  | 'avro'
  | 'pdf'
  | 'png'
  | 'jpeg';

const MAGIC: [BinaryKind, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['parquet', [0x50, 0x41, 0x52, 0x31]],
  ['avro', [0x4f, 0x62, 0x6a, 0x01]],
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg', [0xff, 0xd8, 0xff]],
];

const starts = (b: Uint8Array, m: number[]): boolean => b.length >= m.length && m.every((v, i) => b[i] === v);

/**
 * The kind of a file's head, when it is one of the common non-UTF-8 forms; undefined otherwise
 * (UTF-8 text, or binary data of no kind recognised here).
 */
export function binaryKindOf(head: Uint8Array): BinaryKind | undefined {
  // UTF-32 first: its little-endian byte order mark begins with UTF-16's. A byte order mark is
  // never UTF-8 (bytes FE and FF are not); the other signs are taken only from a head with a NUL
  // byte, as a text file could begin with "PAR1" or "BZh".
  if (starts(head, [0xff, 0xfe, 0x00, 0x00])) return 'utf32le';
  if (starts(head, [0x00, 0x00, 0xfe, 0xff])) return 'utf32be';
  if (starts(head, [0xff, 0xfe])) return 'utf16le';
  if (starts(head, [0xfe, 0xff])) return 'utf16be';
  if (head.subarray(0, 8192).indexOf(0) < 0) return undefined;
  for (const [kind, magic] of MAGIC) if (starts(head, magic)) return kind;
  // UTF-16 without a byte order mark: text of mostly ASCII characters has a NUL byte in every
  // other position (the high byte of each code unit) and almost none in the others.
  const n = Math.min(head.length, 1024) & ~1;
  if (n < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= pairs * 0.7 && evenNul <= pairs * 0.05) return 'utf16le';
  if (evenNul >= pairs * 0.7 && oddNul <= pairs * 0.05) return 'utf16be';
  return undefined;
}

const TEXT_NAMES: Partial<Record<BinaryKind, [string, string]>> = {
  utf16le: ['UTF-16 (little-endian)', 'UTF-16LE'],
  utf16be: ['UTF-16 (big-endian)', 'UTF-16BE'],
  utf32le: ['UTF-32 (little-endian)', 'UTF-32LE'],
  utf32be: ['UTF-32 (big-endian)', 'UTF-32BE'],
};

const WHAT: Partial<Record<BinaryKind, string>> = {
  gzip: 'a gzip-compressed file',
  zip: 'a ZIP archive (an Excel workbook is one)',
  bzip2: 'a bzip2-compressed file',
  xz: 'an xz-compressed file',
  zstd: 'a zstd-compressed file',
  parquet: 'a Parquet file',
  avro: 'an Avro file',
  pdf: 'a PDF document',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
};

/**
 * The message of `file.binary` for a file of this kind: what the file is, that Vertex AI reads
 * import files as UTF-8 text, and how to get one. `what` names the expected file ("a JSON Lines
 * import file", "a CSV import file").
 */
export function binaryKindMessage(kind: BinaryKind, what: string): string {
  const text = TEXT_NAMES[kind];
  if (text) {
    return `This file is ${text[0]} text, not UTF-8: Vertex AI reads import files as UTF-8, so it cannot read this one. Save it as UTF-8 (in VS Code: Save with Encoding, UTF-8; or iconv -f ${text[1]} -t UTF-8).`;
  }
  const compressed = kind === 'gzip' || kind === 'bzip2' || kind === 'xz' || kind === 'zstd';
  const fix = compressed
    ? 'Decompress it and validate the file inside.'
    : kind === 'zip'
      ? 'Export the sheet as "CSV UTF-8", or unzip the archive and validate the file inside.'
      : kind === 'parquet' || kind === 'avro'
        ? 'Convert it to JSON Lines or CSV, or import it into a tabular dataset from BigQuery instead.'
        : 'Check that you picked the import file, not a file it points to.';
  return `This is ${WHAT[kind]}, not ${what} (UTF-8 text). ${fix}`;
}
