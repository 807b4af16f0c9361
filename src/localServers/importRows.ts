/**
 * How the local Vertex server reads one JSONL row of an ImportData file: it accepts what the
 * official import schemas accept and rejects the row otherwise, the way the service reports a
 * partial failure instead of failing the whole import. Deliberately independent of the
 * extension's validator, so the tests check the two against each other instead of against themselves.
 */
import type { Json } from './value';
import { isObject } from './value';

export interface ParsedAnnotation {
  payloadSchemaUri: string;
  payload: { [key: string]: Json };
  displayName: string;
  labels: Record<string, string>;
}

export interface ParsedRow {
  gcsUri: string;
  mimeType: string;
  labels: Record<string, string>;
  annotations: ParsedAnnotation[];
}

const ANNOTATION = 'gs://google-cloud-aiplatform/schema/dataset/annotation/';
const IOFORMAT = 'gs://google-cloud-aiplatform/schema/dataset/ioformat/';

type Kind = 'classification' | 'multiClassification' | 'box' | 'segmentation' | 'textSegment' | 'sentiment' | 'timeSegment' | 'tracking';

interface IoFormat {
  dataType: 'image' | 'text' | 'video';
  kind: Kind;
  key: string;
  payloadSchema: string;
  problemType: string;
}

export const IO_FORMATS: Record<string, IoFormat> = {
  [IOFORMAT + 'image_classification_single_label_io_format_1.0.0.yaml']: { dataType: 'image', kind: 'classification', key: 'classificationAnnotation', payloadSchema: 'image_classification_1.0.0.yaml', problemType: 'IMAGE_CLASSIFICATION_SINGLE_LABEL' },
  [IOFORMAT + 'image_classification_multi_label_io_format_1.0.0.yaml']: { dataType: 'image', kind: 'multiClassification', key: 'classificationAnnotations', payloadSchema: 'image_classification_1.0.0.yaml', problemType: 'IMAGE_CLASSIFICATION_MULTI_LABEL' },
  [IOFORMAT + 'image_bounding_box_io_format_1.0.0.yaml']: { dataType: 'image', kind: 'box', key: 'boundingBoxAnnotations', payloadSchema: 'image_bounding_box_1.0.0.yaml', problemType: 'IMAGE_BOUNDING_BOX' },
  [IOFORMAT + 'image_segmentation_io_format_1.0.0.yaml']: { dataType: 'image', kind: 'segmentation', key: 'segmentationAnnotation', payloadSchema: 'image_segmentation_1.0.0.yaml', problemType: 'IMAGE_SEGMENTATION' },
  [IOFORMAT + 'text_classification_single_label_io_format_1.0.0.yaml']: { dataType: 'text', kind: 'classification', key: 'classificationAnnotation', payloadSchema: 'text_classification_1.0.0.yaml', problemType: 'TEXT_CLASSIFICATION_SINGLE_LABEL' },
  [IOFORMAT + 'text_classification_multi_label_io_format_1.0.0.yaml']: { dataType: 'text', kind: 'multiClassification', key: 'classificationAnnotations', payloadSchema: 'text_classification_1.0.0.yaml', problemType: 'TEXT_CLASSIFICATION_MULTI_LABEL' },
  [IOFORMAT + 'text_extraction_io_format_1.0.0.yaml']: { dataType: 'text', kind: 'textSegment', key: 'textSegmentAnnotations', payloadSchema: 'text_extraction_1.0.0.yaml', problemType: 'TEXT_EXTRACTION' },
  [IOFORMAT + 'text_sentiment_io_format_1.0.0.yaml']: { dataType: 'text', kind: 'sentiment', key: 'sentimentAnnotation', payloadSchema: 'text_sentiment_1.0.0.yaml', problemType: 'TEXT_SENTIMENT' },
  [IOFORMAT + 'video_classification_io_format_1.0.0.yaml']: { dataType: 'video', kind: 'timeSegment', key: 'timeSegmentAnnotations', payloadSchema: 'video_classification_1.0.0.yaml', problemType: 'VIDEO_CLASSIFICATION' },
  [IOFORMAT + 'video_action_recognition_io_format_1.0.0.yaml']: { dataType: 'video', kind: 'timeSegment', key: 'timeSegmentAnnotations', payloadSchema: 'video_action_recognition_1.0.0.yaml', problemType: 'VIDEO_ACTION_RECOGNITION' },
  [IOFORMAT + 'video_object_tracking_io_format_1.0.0.yaml']: { dataType: 'video', kind: 'tracking', key: 'temporalBoundingBoxAnnotations', payloadSchema: 'video_object_tracking_1.0.0.yaml', problemType: 'VIDEO_OBJECT_TRACKING' },
};

const ML_USE = 'aiplatform.googleapis.com/ml_use';

class RowError extends Error {}

function num(v: Json | undefined, what: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RowError(`${what} must be a number`);
  return n;
}

function str(v: Json | undefined, what: string): string {
  if (typeof v !== 'string' || v === '') throw new RowError(`${what} is required`);
  return v;
}

function seconds(v: Json | undefined, what: string): number {
  const s = typeof v === 'string' ? v.replace(/s$/, '') : v;
  const n = typeof s === 'string' ? Number(s) : s;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RowError(`${what} must be a duration like "1.5s"`);
  return n;
}

function labelsOf(v: Json | undefined, what: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new RowError(`${what} must be an object of string labels`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new RowError(`${what}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/vnd.microsoft.icon', txt: 'text/plain', mp4: 'video/mp4', mov: 'video/quicktime', avi: 'video/avi', mpeg: 'video/mpeg' };

/** Parses one row; throws an Error whose message is the reason Vertex would give. */
export function parseRow(line: string, schemaUri: string, annotationLabels: Record<string, string>, csv = false): ParsedRow {
  if (csv) line = csvRowToJsonLine(line, schemaUri);
  const f = IO_FORMATS[schemaUri];
  let row: Json;
  try {
    row = JSON.parse(line) as Json;
  } catch (e) {
    throw new RowError(`Invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(row)) throw new RowError('Each line must be a JSON object');
  const mediaKey = f.dataType === 'image' ? 'imageGcsUri' : f.dataType === 'video' ? 'videoGcsUri' : row.textContent !== undefined ? 'textContent' : 'textGcsUri';
  let gcsUri: string;
  if (mediaKey === 'textContent') {
    str(row.textContent, 'textContent');
    gcsUri = `inline:${Buffer.from(String(row.textContent)).toString('base64url').slice(0, 40)}`;
  } else {
    gcsUri = str(row[mediaKey], mediaKey);
    if (!/^gs:\/\/[^/]+\/.+/.test(gcsUri)) throw new RowError(`${mediaKey} '${gcsUri}' is not a Cloud Storage URI (gs://bucket/object)`);
  }
  const ext = gcsUri.split('.').pop()?.toLowerCase() ?? '';
  const labels = labelsOf(row.dataItemResourceLabels, 'dataItemResourceLabels');
  const mlUse = labels[ML_USE];
  if (mlUse !== undefined && !(f.dataType === 'video' ? ['training', 'test'] : ['training', 'validation', 'test']).includes(mlUse)) {
    throw new RowError(`Invalid value '${mlUse}' for label ${ML_USE}`);
  }
  const annotations: ParsedAnnotation[] = [];
  const add = (a: Json, payload: { [key: string]: Json }): void => {
    if (!isObject(a)) throw new RowError(`${f.key} entries must be objects`);
    const displayName = str(a.displayName, `${f.key}.displayName`);
    annotations.push({
      payloadSchemaUri: ANNOTATION + f.payloadSchema,
      payload: { displayName, ...payload },
      displayName,
      labels: { ...annotationLabels, ...labelsOf(a.annotationResourceLabels, 'annotationResourceLabels') },
    });
  };
  const value = row[f.key];
  if (value !== undefined) {
    switch (f.kind) {
      case 'classification':
      case 'segmentation':
        if (f.kind === 'segmentation') {
          if (!isObject(value)) throw new RowError(`${f.key} must be an object`);
          str(value.maskGcsUri, 'segmentationAnnotation.maskGcsUri');
          for (const a of Array.isArray(value.annotationSpecColors) ? value.annotationSpecColors : []) add(a, {});
        } else add(value, {});
        break;
      case 'multiClassification':
      case 'box':
      case 'textSegment':
      case 'timeSegment':
      case 'tracking':
        if (!Array.isArray(value)) throw new RowError(`${f.key} must be an array`);
        for (const a of value) {
          if (!isObject(a)) throw new RowError(`${f.key} entries must be objects`);
          if (f.kind === 'box' || f.kind === 'tracking') {
            const b = { xMin: num(a.xMin, 'xMin'), yMin: num(a.yMin, 'yMin'), xMax: num(a.xMax, 'xMax'), yMax: num(a.yMax, 'yMax') };
            for (const [k, v] of Object.entries(b)) if (v < 0 || v > 1) throw new RowError(`${k} ${v} is outside [0, 1]`);
            if (b.xMin >= b.xMax || b.yMin >= b.yMax) throw new RowError('bounding box has xMin >= xMax or yMin >= yMax');
            add(a, f.kind === 'tracking' ? { ...b, timeOffset: `${seconds(a.timeOffset, 'timeOffset')}s` } : b);
          } else if (f.kind === 'textSegment') {
            const s = num(a.startOffset, 'startOffset');
            const e = num(a.endOffset, 'endOffset');
            if (!(s >= 0 && e > s)) throw new RowError('textSegmentAnnotations offsets must satisfy 0 <= startOffset < endOffset');
            add(a, { textSegment: { startOffset: String(s), endOffset: String(e) } });
          } else if (f.kind === 'timeSegment') {
            const s = a.startTime === undefined ? 0 : seconds(a.startTime, 'startTime');
            const e = a.endTime === undefined ? Infinity : seconds(a.endTime, 'endTime');
            if (!(s >= 0 && e > s)) throw new RowError('timeSegmentAnnotations must satisfy 0 <= startTime < endTime');
            add(a, { timeSegment: { startTimeOffset: `${s}s`, endTimeOffset: Number.isFinite(e) ? `${e}s` : '' } });
          } else add(a, {});
        }
        break;
      case 'sentiment': {
        if (!isObject(value)) throw new RowError(`${f.key} must be an object`);
        const s = num(value.sentiment, 'sentiment');
        const max = num(value.sentimentMax, 'sentimentMax');
        if (!Number.isInteger(s) || !Number.isInteger(max) || s < 0 || s > max || max < 1 || max > 10) {
          throw new RowError(`sentiment ${s} must be an integer in [0, sentimentMax] and sentimentMax in [1, 10]`);
        }
        annotations.push({ payloadSchemaUri: ANNOTATION + f.payloadSchema, payload: { sentiment: s, sentimentMax: max, displayName: String(s) }, displayName: String(s), labels: { ...annotationLabels } });
        break;
      }
    }
  }
  return { gcsUri, mimeType: MIME[ext] ?? (f.dataType === 'text' ? 'text/plain' : 'application/octet-stream'), labels, annotations };
}

export function isRowError(e: unknown): e is Error {
  return e instanceof RowError;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

const ML_USES = new Set(['training', 'validation', 'test']);

/**
 * Turns one CSV import row (`[ml_use,]gs://uri,label...`) into the JSONL row shape, for the
 * classification and bounding-box formats; other formats' CSV layouts are rejected per row.
 */
export function csvRowToJsonLine(line: string, schemaUri: string): string {
  const f = IO_FORMATS[schemaUri];
  const cells = splitCsv(line);
  let mlUse: string | undefined;
  if (cells.length && ML_USES.has(cells[0].toLowerCase())) mlUse = cells.shift()?.toLowerCase();
  else if (cells.length && cells[0] === '') cells.shift();
  const uri = cells.shift() ?? '';
  const mediaKey = f.dataType === 'image' ? 'imageGcsUri' : f.dataType === 'video' ? 'videoGcsUri' : 'textGcsUri';
  const row: { [key: string]: Json } = { [mediaKey]: uri };
  if (mlUse) row.dataItemResourceLabels = { [ML_USE]: mlUse };
  const labels = cells.filter((c) => c !== '');
  switch (f.kind) {
    case 'classification':
      if (labels[0]) row[f.key] = { displayName: labels[0] };
      break;
    case 'multiClassification':
      if (labels.length) row[f.key] = labels.map((displayName) => ({ displayName }));
      break;
    case 'box': {
      // label, x_min, y_min, (x_max, y_min,) x_max, y_max (, x_min, y_max)
      const [label, ...nums] = cells;
      const v = nums.filter((c) => c !== '');
      if (label) row[f.key] = [{ displayName: label, xMin: v[0], yMin: v[1], xMax: v[2], yMax: v[3] }];
      break;
    }
    default:
      throw new RowError(`CSV rows for ${f.problemType} are not supported by this server; use JSONL`);
  }
  return JSON.stringify(row);
}
