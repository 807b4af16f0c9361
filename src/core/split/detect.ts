import { open } from 'node:fs/promises';
import { FORMATS } from '../formats';
import type { FormatId } from '../formats';
import { fieldSpans, fieldValue } from './csv';
import type { Source } from './records';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';
import { detectJsonlFormat } from '../jsonl/detect';
import { binaryKindMessage, binaryKindOf } from '../binaryKind';
import { looksBinary } from '../jsonl/validate';
import { basename } from 'node:path';
import { SplitError } from './errors';
import { detectCsvFormat } from '../csv/detect';
import { readCsvText, recordOfFields, type CsvRecord } from '../csv/reader';

export type FileKind = 'jsonl' | 'positional-csv' | 'tabular-csv';

export interface Detected {
  kind: FileKind;
  format: FormatId;
  /** True when the format was named or the content matched exactly one format. */
  certain: boolean;
  /** How the format was decided, for the report. */
  reason: string;
}

const SNIFF = 1 << 16;

async function head(source: Source): Promise<Buffer> {
  if ('bytes' in source) return source.bytes.subarray(0, SNIFF);
  const fh = await open(source.path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF);
    const { bytesRead } = await fh.read(buf, 0, SNIFF, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function firstLine(buf: Buffer): [number, number] | undefined {
  let pos = 0;
  while (pos < buf.length) {
    // LF, CRLF or a lone CR ends a line, as in the CSV reader.
    let nl = buf.indexOf(10, pos);
    if (nl === -1) nl = buf.length;
    const cr = buf.indexOf(13, pos);
    if (cr !== -1 && cr < nl) nl = cr;
    const text = buf.toString('utf8', pos, nl).trim();
    if (text !== '') return [pos, nl];
    pos = nl + 1;
  }
  return undefined;
}

/** Line number (1-based) of the first of the next lines of `buf` after `from` with a gs:// path in its first two fields; 0 when none. */
function laterPathLine(buf: Buffer, from: number): number {
  let lineNo = 1 + countLineBreaks(buf, 0, from);
  let pos = from;
  const spans: number[] = [];
  for (let k = 0; k < 50 && pos < buf.length; k++) {
    // Past the line break (CRLF counts once).
    pos += buf[pos] === 13 && buf[pos + 1] === 10 ? 2 : 1;
    lineNo++;
    let end = buf.indexOf(10, pos);
    if (end === -1) end = buf.length;
    const cr = buf.indexOf(13, pos);
    if (cr !== -1 && cr < end) end = cr;
    const n = fieldSpans(buf, pos, end, spans);
    for (let f = 0; f < Math.min(n, 2); f++) if (fieldValue(buf, spans[2 * f], spans[2 * f + 1]).trim().startsWith('gs://')) return lineNo;
    pos = end;
  }
  return 0;
}

/** The first records of the head as the CSV reader reads them, without the one the head cuts off. */
function headRecords(buf: Buffer, from: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  readCsvText(buf.toString('utf8', from), {
    onRecord: (r) => {
      if (records.length <= 50) records.push(recordOfFields([...r.fields]));
    },
    onDiagnostic: () => undefined,
  });
  // A full head may end inside a record (even inside a quoted line break).
  if (buf.length === SNIFF && records.length > 1) records.pop();
  return records.slice(0, 50);
}

function countLineBreaks(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (buf[i] === 10 || (buf[i] === 13 && buf[i + 1] !== 10)) n++;
  return n;
}

const VIDEO_EXT = /\.(mp4|m4v|avi|mov|mpe?g4?|mkv|webm)$/i;
const TEXT_EXT = /\.txt$/i;
const NUMBER = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * Decides how to read a file: JSONL when the path ends in .jsonl or the first non-blank line is a
 * JSON object; a positional (image/text/video) CSV when one of the first two fields of the first
 * row is a gs:// URI; otherwise a tabular CSV with a header. An explicit format always wins for
 * the data type; the kind still follows the file's content.
 */
export async function detect(source: Source, explicit: FormatId | undefined, pathHint?: string, hints: SplitHints = CLI_HINTS): Promise<Detected> {
  const buf = await head(source);
  const line = firstLine(buf);
  const firstText = line ? buf.toString('utf8', line[0], line[1]).replace(/^\uFEFF/, '').trim() : '';
  const jsonl = (pathHint !== undefined && /\.jsonl$/i.test(pathHint)) || firstText.startsWith('{');
  // Binary as the validator sees it (file.binary): rewriting a gzip or UTF-16 file would corrupt it.
  const kind = binaryKindOf(buf);
  if (kind || (jsonl ? looksBinary(buf) : buf.indexOf(0) !== -1)) {
    const name = pathHint !== undefined ? basename(pathHint) : 'the file';
    if (kind) throw new SplitError(`${name}: ${binaryKindMessage(kind, jsonl ? 'a JSON Lines import file' : 'a CSV import file')}`, 2);
    throw new SplitError(`${name} holds binary data (NUL bytes), not UTF-8 text: an import file must be UTF-8 JSON Lines or CSV (re-save it as UTF-8)`, 2);
  }
  if (jsonl) {
    if (explicit) return { kind: 'jsonl', format: explicit, certain: true, reason: 'format given' };
    const samples: Record<string, unknown>[] = [];
    const broken: string[] = [];
    for (const l of buf.toString('utf8').split('\n').slice(0, 200)) {
      try {
        const v: unknown = JSON.parse(l);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) samples.push(v as Record<string, unknown>);
      } catch {
        // Blank, cut at the sniff boundary, or broken: pass 1 reports broken lines. Their key names
        // are a guess only when no line parses (as in validate).
        if (l.trim() !== '') broken.push(l);
      }
    }
    const d = detectJsonlFormat(samples, broken);
    if (d.format) return { kind: 'jsonl', format: d.format, certain: d.confidence === 'certain', reason: d.reason };
    return { kind: 'jsonl', format: 'image-classification-single-label', certain: false, reason: `JSON Lines; ${d.reason}` };
  }
  const spans: number[] = [];
  const n = line ? fieldSpans(buf, line[0], buf[line[1] - 1] === 13 ? line[1] - 1 : line[1], spans) : 0;
  const fields = Array.from({ length: n }, (_, k) => (line ? fieldValue(buf, spans[2 * k], spans[2 * k + 1]).trim() : ''));
  const mediaAt = fields.slice(0, 2).findIndex((f) => f.startsWith('gs://'));
  if (explicit) {
    return { kind: explicit === 'tabular' ? 'tabular-csv' : 'positional-csv', format: explicit, certain: true, reason: 'format given' };
  }
  if (mediaAt < 0) {
    const later = line ? laterPathLine(buf, line[1]) : 0;
    if (later > 0) {
      // The validator reads such a file as an image/text/video CSV with a bad first row; as a
      // tabular CSV every row would gain an ml_use column that Vertex reads as a label.
      throw new SplitError(
        `the first row${pathHint !== undefined ? ` of ${basename(pathHint)}` : ''} has no gs:// path but row ${later} has one: an image/text/video CSV has no header row ` +
          `(remove it; ${hints.headerReported}), and a tabular CSV with paths in its first two columns ${hints.tabularChoice}`,
        2,
      );
    }
    // Inline text needs no gs:// path: decided as the validator decides, so that a text CSV is not
    // given a header and an ml_use column.
    const text = detectCsvFormat(headRecords(buf, line ? line[0] : 0));
    if (text.format !== undefined && FORMATS[text.format].dataType === 'text') {
      return { kind: 'positional-csv', format: text.format, certain: text.confidence === 'certain', reason: `CSV of inline text: ${text.reason}` };
    }
    return { kind: 'tabular-csv', format: 'tabular', certain: false, reason: 'CSV without a gs:// path in the first two columns: tabular with a header' };
  }
  const media = fields[mediaAt];
  const after = fields.slice(mediaAt + 1);
  let format: FormatId;
  if (VIDEO_EXT.test(media)) format = after.length > 0 && NUMBER.test(after[0]) ? 'video-action-recognition' : 'video-classification';
  else if (TEXT_EXT.test(media)) format = 'text-classification-single-label';
  else format = after.length > 1 && after.slice(1).some((f) => NUMBER.test(f)) ? 'image-bounding-box' : 'image-classification-single-label';
  return { kind: 'positional-csv', format, certain: false, reason: `CSV with gs:// paths: ${FORMATS[format].title}` };
}
