/**
 * Which import format a CSV file is, from its first records. Positional layouts are told apart by
 * where the gs:// path sits, its media extension and the columns after it; tabular files start
 * with a header of column names. When several formats fit, the result says so and lists them.
 */
import type { FormatId } from '../formats';
import type { Detection } from '../validate';
import type { CsvRecord } from './reader';

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|bmp|tiff?|ico)$/i;
const VIDEO_EXT = /\.(mp4|mov|avi|mpe?g4?|m4v)$/i;
const TEXT_EXT = /\.txt$/i;
const ML_USE_LIKE = /^(training|validation|test|train|validate|unassigned)?$/i;
const NUMBERISH = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$|^\s*(inf|infinity)\s*$/i;
/** Header cells: short identifier-like names (invalid ones such as `_id` included, the tabular rules report them). */
const HEADER_CELL = /^[A-Za-z_][A-Za-z0-9_ .-]{0,63}$/;

export const CSV_FORMAT_IDS: readonly FormatId[] = [
  'image-classification-single-label',
  'image-classification-multi-label',
  'image-bounding-box',
  'text-classification-single-label',
  'text-classification-multi-label',
  'text-sentiment',
  'video-classification',
  'video-action-recognition',
  'video-object-tracking',
  'tabular',
];

/** True when the first record looks like JSON Lines rather than CSV. */
export function looksLikeJsonl(first: CsvRecord): boolean {
  const f = first.fields[0] ?? '';
  return /^\s*[{[]/.test(f) && (f.includes('"') || first.fields.join(',').trim().startsWith('{"'));
}

function isNum(s: string): boolean {
  return NUMBERISH.test(s);
}

/** Column index of the media path in a positional row (0, or 1 after an ml_use column), or -1. */
function pathIndex(fields: readonly string[]): number {
  if (fields[0]?.startsWith('gs://')) return 0;
  // A gs:// path second is the media column after an ml_use column, even a misspelled one ("TRN"):
  // inline text cannot be followed by a label that starts with gs://, and the validator and split
  // read such rows so.
  if (fields.length > 1 && fields[1].startsWith('gs://')) return 1;
  return -1;
}

export function detectCsvFormat(records: readonly CsvRecord[]): Detection {
  const rows = records.filter((r) => !r.blank);
  if (rows.length === 0) return { confidence: 'none', candidates: [], reason: 'the file has no records' };
  const first = rows[0];
  if (looksLikeJsonl(first)) return { confidence: 'none', candidates: [], reason: 'the file holds JSON Lines, not CSV' };

  const withPath = rows.filter((r) => pathIndex(r.fields) >= 0);
  const headerLike =
    first.fields.length >= 2 &&
    first.fields.every((f) => HEADER_CELL.test(f) && !ML_USE_LIKE.test(f)) &&
    (first.fields.length >= 3 || rows.slice(1).some((r) => r.fields.some((x) => isNum(x))));
  if (withPath.length === 0) {
    if (headerLike) {
      return { confidence: 'certain', format: 'tabular', candidates: ['tabular'], reason: 'the first line is a header of column names' };
    }
    // Inline text: [ml_use,]text,label or [ml_use,]text,sentiment,max.
    const sentiment = rows.every((r) => {
      const n = r.fields.length;
      return n >= 3 && /^\d+$/.test(r.fields[n - 2].trim()) && /^\d+$/.test(r.fields[n - 1].trim());
    });
    if (sentiment) return { confidence: 'certain', format: 'text-sentiment', candidates: ['text-sentiment'], reason: 'rows end with a sentiment and a maximum sentiment' };
    const labelled = rows.every((r) => r.fields.length >= 2 && r.fields.slice(1).some((x) => x !== '' && !isNum(x)));
    if (labelled) return textClassification(rows, 'rows hold inline text followed by labels');
    return { confidence: 'none', candidates: [], reason: 'no gs:// path and no header of column names in the first lines' };
  }

  const kinds = new Set<string>();
  for (const r of withPath) {
    const p = r.fields[pathIndex(r.fields)];
    kinds.add(IMAGE_EXT.test(p) ? 'image' : VIDEO_EXT.test(p) ? 'video' : TEXT_EXT.test(p) ? 'text' : 'other');
  }
  kinds.delete('other');
  if (kinds.size > 1) return { confidence: 'ambiguous', candidates: [], reason: `the paths mix ${[...kinds].join(' and ')} files` };
  const kind = [...kinds][0];
  const after = withPath.map((r) => r.fields.slice(pathIndex(r.fields) + 1));
  const trimmed = after.map((a) => {
    let n = a.length;
    while (n > 0 && a[n - 1] === '') n--;
    return a.slice(0, n);
  });

  if (kind === 'video') {
    // Column counts after the path decide; a label is a cell that is not a number.
    const label = (x: string | undefined) => x !== undefined && x !== '' && !isNum(x);
    const cls = trimmed.every((a) => a.length === 0 || (after[trimmed.indexOf(a)].length === 3 && label(a[0])));
    const ar = after.every((a, i) => trimmed[i].length === 0 || a.length === 2 || ((a.length === 4 || a.length === 5) && label(a[2])));
    const ot = after.every((a, i) => trimmed[i].length === 0 || ((a.length === 7 || a.length === 11) && label(a[0])));
    const fits: FormatId[] = [];
    if (cls) fits.push('video-classification');
    if (ar) fits.push('video-action-recognition');
    if (ot) fits.push('video-object-tracking');
    return verdict(fits, 'video paths', ['video-classification', 'video-action-recognition', 'video-object-tracking']);
  }
  if (kind === 'text') {
    const sentiment = after.every((a) => a.length === 2 && /^\d+$/.test(a[0].trim()) && /^\d+$/.test(a[1].trim()));
    if (sentiment) return { confidence: 'certain', format: 'text-sentiment', candidates: ['text-sentiment'], reason: '.txt paths followed by a sentiment and a maximum' };
    return textClassification(rows, 'rows hold text (inline or .txt paths) followed by labels');
  }
  if (kind === 'image' || kind === undefined) {
    const boxes = after.some((a) => a.length === 9 && a.slice(1).some((x) => x !== '') && a.slice(1).every((x) => x === '' || isNum(x)));
    if (boxes) return { confidence: 'certain', format: 'image-bounding-box', candidates: ['image-bounding-box'], reason: 'rows carry a label and 8 box coordinate columns' };
    if (trimmed.some((a) => a.length >= 2)) {
      return { confidence: 'certain', format: 'image-classification-multi-label', candidates: ['image-classification-multi-label'], reason: 'some rows carry several labels' };
    }
    return {
      confidence: 'ambiguous',
      format: 'image-classification-single-label',
      candidates: ['image-classification-single-label', 'image-classification-multi-label'],
      reason: 'every row has at most one label, which fits both single-label and multi-label image classification',
    };
  }
  return { confidence: 'none', candidates: [], reason: 'unrecognized layout' };
}

function textClassification(rows: readonly (CsvRecord | { fields: string[] })[], reason: string): Detection {
  const multi = rows.some((r) => {
    const f = r.fields;
    const start = pathIndex(f) >= 0 ? pathIndex(f) + 1 : ML_USE_LIKE.test(f[0]) && f.length > 2 && f[0] !== '' ? 2 : 1;
    return f.slice(start).filter((x) => x !== '').length >= 2;
  });
  if (multi) return { confidence: 'certain', format: 'text-classification-multi-label', candidates: ['text-classification-multi-label'], reason: `${reason}; some rows carry several labels` };
  return {
    confidence: 'ambiguous',
    format: 'text-classification-single-label',
    candidates: ['text-classification-single-label', 'text-classification-multi-label'],
    reason: `${reason}; every row has one label, which fits single-label and multi-label text classification`,
  };
}

function verdict(fits: FormatId[], what: string, all: FormatId[]): Detection {
  if (fits.length === 1) return { confidence: 'certain', format: fits[0], candidates: fits, reason: `${what} with the ${fits[0]} column layout` };
  if (fits.length > 1) return { confidence: 'ambiguous', format: fits[0], candidates: fits, reason: `${what}; the columns fit several layouts` };
  return { confidence: 'ambiguous', candidates: all, reason: `${what}, but the columns after the path match no known layout` };
}
