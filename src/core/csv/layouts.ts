/**
 * Positional CSV import layouts (no header; the optional first column is ml_use):
 *   image classification   [ML_USE,]GCS_FILE_PATH[,LABEL...]
 *   image bounding box     [ML_USE,]GCS_FILE_PATH[,LABEL,X_MIN,Y_MIN,X_MAX,Y_MIN,X_MAX,Y_MAX,X_MIN,Y_MAX]
 *   text classification    [ML_USE,]TEXT_OR_GCS_PATH[,LABEL...]
 *   text sentiment         [ML_USE,]TEXT_OR_GCS_PATH,SENTIMENT,SENTIMENT_MAX
 *   video classification   [ML_USE,]GCS_PATH[,LABEL,START,END]
 *   video action recog.    [ML_USE,]GCS_PATH,SEGMENT_START,SEGMENT_END[,LABEL,TIME[,END_TIME]]
 *   video object tracking  [ML_USE,]GCS_PATH[,LABEL,INSTANCE_ID,TIME,X_MIN,Y_MIN,X_MAX,Y_MAX]
 * Facts: vertex-import-spec.md §1.1-§1.11. The image layouts are confirmed, so layout problems
 * there are errors; the text and video layouts come from Google samples only, so layout problems
 * there are warnings (ruling 1). Value checks are the shared rules the JSONL validator uses.
 */
import type { Diagnostic, Range } from '../diagnostics';
import { FORMATS, type FormatId, type MlUse } from '../formats';
import type { AnchoredBoxItemSink, AnchoredSingleItemSink, AnnotationFacts, CsvRowSinks, ItemFacts } from '../items';
import { boxProblems, instanceIdProblem, sentimentProblems, timeOrderProblem, type BoxKey } from '../rules/annotations';
import { checkMlUse, codePointLength, csvLabelProblem, gcsUriProblem, mediaTypeProblem, NUMERIC, truncate, type Problem } from '../rules/values';
import { cellRange, type CsvRecord } from './reader';

export interface RowChecker {
  row(record: CsvRecord): void;
  finish?(): void;
}

type Report = (d: Diagnostic) => void;

const ML_USE_WORD = /^(training|validation|test|train|validate|unassigned)$/i;

/** The layout of one format after the ml_use and media columns. */
interface Layout {
  /** Human-readable column list for messages. */
  columns: string;
  /** Severity of layout problems (column counts): confirmed layouts are errors. */
  layoutSeverity: 'error' | 'warning';
  /** Whether the media column may hold inline text instead of a gs:// path. */
  inlineText: boolean;
}

const LAYOUTS: Partial<Record<FormatId, Layout>> = {
  'image-classification-single-label': { columns: '[ML_USE,]GCS_FILE_PATH[,LABEL]', layoutSeverity: 'error', inlineText: false },
  'image-classification-multi-label': { columns: '[ML_USE,]GCS_FILE_PATH[,LABEL1,LABEL2,...]', layoutSeverity: 'error', inlineText: false },
  'image-bounding-box': { columns: '[ML_USE,]GCS_FILE_PATH[,LABEL,X_MIN,Y_MIN,X_MAX,Y_MIN,X_MAX,Y_MAX,X_MIN,Y_MAX]', layoutSeverity: 'error', inlineText: false },
  'text-classification-single-label': { columns: '[ML_USE,]TEXT_OR_GCS_PATH[,LABEL]', layoutSeverity: 'warning', inlineText: true },
  'text-classification-multi-label': { columns: '[ML_USE,]TEXT_OR_GCS_PATH[,LABEL1,LABEL2,...]', layoutSeverity: 'warning', inlineText: true },
  'text-sentiment': { columns: '[ML_USE,]TEXT_OR_GCS_PATH,SENTIMENT,SENTIMENT_MAX', layoutSeverity: 'warning', inlineText: true },
  'video-classification': { columns: '[ML_USE,]VIDEO_GCS_PATH[,LABEL,START_SECONDS,END_SECONDS]', layoutSeverity: 'warning', inlineText: false },
  'video-action-recognition': { columns: '[ML_USE,]VIDEO_GCS_PATH,SEGMENT_START,SEGMENT_END[,LABEL,TIME_SECONDS[,END_SECONDS]]', layoutSeverity: 'warning', inlineText: false },
  'video-object-tracking': { columns: '[ML_USE,]VIDEO_GCS_PATH[,LABEL,INSTANCE_ID,TIME_SECONDS,X_MIN,Y_MIN,X_MAX,Y_MAX]', layoutSeverity: 'warning', inlineText: false },
};

/**
 * `sinks`: with `onItem`, take the facts of single-label classification and bounding-box rows
 * instead of `onItem` (see `CsvRowSinks`); other formats' rows go to `onItem`.
 */
export function createLayoutChecker(format: FormatId, report: Report, onItem?: (item: ItemFacts) => void, sinks?: CsvRowSinks): RowChecker {
  const layout = LAYOUTS[format];
  if (!layout) throw new Error(`${format} has no CSV layout`);
  const given = onItem !== undefined ? sinks : undefined;
  const single = format === 'image-classification-single-label' || format === 'text-classification-single-label' ? given?.single : undefined;
  const boxes = format === 'image-bounding-box' ? given?.boxes : undefined;
  return new LayoutChecker(format, layout, report, onItem, single, boxes);
}

class LayoutChecker implements RowChecker {
  private readonly allowed: readonly MlUse[];
  private readonly dataType: 'image' | 'text' | 'video';

  constructor(
    private readonly format: FormatId,
    private readonly layout: Layout,
    private readonly report: Report,
    private readonly onItem?: (item: ItemFacts) => void,
    private readonly single?: AnchoredSingleItemSink,
    private readonly boxes?: AnchoredBoxItemSink,
  ) {
    this.allowed = FORMATS[format].mlUseValues;
    this.dataType = FORMATS[format].dataType as 'image' | 'text' | 'video';
  }

  /** Whether the row being checked has an error (see `ItemFacts.lineError`). */
  private rowError = false;

  private problem(range: Range, p: Problem): void {
    if (p.severity === 'error') this.rowError = true;
    const d: Diagnostic = { ...range, severity: p.severity, code: p.code, message: p.message };
    if (p.replacement !== undefined || p.data) d.data = { ...(p.data ?? {}), ...(p.replacement !== undefined ? { replacement: p.replacement } : {}) };
    this.report(d);
  }

  private say(range: Range, severity: Diagnostic['severity'], code: string, message: string): void {
    if (severity === 'error') this.rowError = true;
    this.report({ ...range, severity, code, message });
  }

  /** Index of the media column: 1 when the row starts with an ml_use column. */
  private mediaIndex(f: readonly string[]): number {
    if (f.length < 2) return 0;
    if (this.layout.inlineText) {
      if (f[0].startsWith('gs://')) return 0;
      if (f[1].startsWith('gs://')) return 1;
      // Inline text could itself be a word like "test": only a row long enough for ml_use has one.
      const withMlUse = this.format === 'text-sentiment' ? 4 : 3;
      return (ML_USE_WORD.test(f[0].trim()) && f.length >= withMlUse) || (f[0] === '' && f.length >= withMlUse - 1) ? 1 : 0;
    }
    if (f[0].startsWith('gs://')) return 0;
    if (f[1].startsWith('gs://') || ML_USE_WORD.test(f[0].trim()) || f[0] === '') return 1;
    return 0;
  }

  row(record: CsvRecord): void {
    this.rowError = false;
    const f = record.fields;
    const m = this.mediaIndex(f);
    let mlUse: MlUse | undefined;
    let hasMlUse = false;
    if (m === 1) {
      const raw = f[0];
      if (raw.length > 0) {
        hasMlUse = true;
        const check = checkMlUse(raw, this.allowed, true);
        // UNASSIGNED: an empty ml_use cell lets Vertex AI assign the split (the fix empties the cell, keeping the column).
        if (check.problem) this.problem(cellRange(record, 0), check.problem.code === 'mlUse.unassigned' ? { ...check.problem, replacement: '' } : check.problem);
        mlUse = check.value;
      }
    }
    const media = f[m] ?? '';
    const mediaRange = cellRange(record, m);
    const inline = this.mediaChecks(media, mediaRange);
    const rest = m + 1;
    const single = this.single;
    if (single !== undefined) {
      // The facts of the ItemFacts below, without the object (see `AnchoredSingleItemSink`).
      const label = this.singleLabel(record, rest);
      const r = mediaRange;
      if (inline) single.single(record.line, r.line, r.column, r.endLine, r.endColumn, undefined, media, codePointLength(media), label, mlUse, hasMlUse, this.rowError);
      else single.single(record.line, r.line, r.column, r.endLine, r.endColumn, media, undefined, undefined, label, mlUse, hasMlUse, this.rowError);
      return;
    }
    const boxes = this.boxes;
    if (boxes !== undefined) {
      // The facts of the ItemFacts below, without the object (see `AnchoredBoxItemSink`): the row's box goes to `boxes.box`.
      this.boundingBox(record, rest, undefined);
      const r = mediaRange;
      boxes.boxItem(record.line, r.line, r.column, r.endLine, r.endColumn, media, mlUse, hasMlUse, this.rowError);
      return;
    }
    const item: ItemFacts = { line: record.line, anchor: mediaRange, hasMlUse, annotations: [] };
    if (mlUse) item.mlUse = mlUse;
    if (inline) {
      item.textLength = codePointLength(media);
      item.textContent = media;
    } else item.mediaUri = media;
    switch (this.format) {
      case 'image-classification-single-label':
      case 'text-classification-single-label':
      case 'image-classification-multi-label':
      case 'text-classification-multi-label':
        this.labels(record, rest, item.annotations, this.format.endsWith('single-label'));
        break;
      case 'image-bounding-box':
        this.boundingBox(record, rest, item.annotations);
        break;
      case 'text-sentiment':
        this.sentiment(record, rest, item.annotations);
        break;
      case 'video-classification':
        this.videoClassification(record, rest, item.annotations);
        break;
      case 'video-action-recognition':
        this.actionRecognition(record, rest, item.annotations);
        break;
      case 'video-object-tracking':
        this.objectTracking(record, rest, item.annotations);
        break;
    }
    if (this.rowError) item.lineError = true;
    this.onItem?.(item);
  }

  /** Checks the media column; returns true when it holds inline text (else a path). */
  private mediaChecks(media: string, mediaRange: Range): boolean {
    if (this.layout.inlineText && !media.startsWith('gs://')) {
      if (media.trim().length === 0) {
        this.say(mediaRange, 'error', 'text.empty', 'The text column is empty; a document needs inline text or a gs:// path to a .txt file.');
      }
      return true;
    }
    const what = this.dataType === 'text' ? 'text file path' : `${this.dataType} path`;
    const p = gcsUriProblem(media, what);
    if (p) this.problem(mediaRange, p);
    else {
      const t = mediaTypeProblem(media, this.dataType);
      if (t) this.problem(mediaRange, t);
    }
    return false;
  }

  private columnCount(record: CsvRecord, from: number, what: string): void {
    const last = record.range(record.fields.length - 1);
    const first = record.range(Math.min(from, record.fields.length));
    const range: Range = from < record.fields.length ? { line: first.line, column: first.column, endLine: last.endLine, endColumn: Math.max(last.endColumn, first.column + 1) } : first;
    this.say(range, this.layout.layoutSeverity, 'csv.columnCount', `${what} Expected ${FORMATS[this.format].title} rows as ${this.layout.columns}.`);
  }

  private label(record: CsvRecord, i: number, out: AnnotationFacts[]): string | undefined {
    const v = this.checkLabel(record, i);
    if (v !== undefined) out.push({ kind: 'classification', label: v });
    return v;
  }

  /** The label in column `i`, or undefined (reported) when it is not one. */
  private checkLabel(record: CsvRecord, i: number): string | undefined {
    const v = record.fields[i];
    const p = csvLabelProblem(v);
    if (p) {
      this.problem(cellRange(record, i), v.length === 0 ? { code: 'label.empty', severity: 'error', message: 'The label is empty; CSV labels start with a letter and use letters, digits and underscores.' } : p);
      // A warned label (letters beyond ASCII) may well be imported: it still counts as a label.
      if (p.severity === 'error' || v.length === 0) return undefined;
    }
    return v;
  }

  private labels(record: CsvRecord, from: number, out: AnnotationFacts[], single: boolean): void {
    if (single) {
      const label = this.singleLabel(record, from);
      if (label !== undefined) out.push({ kind: 'classification', label });
      return;
    }
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end < f.length) this.trailingEmptyLabels(record, end, end > from, false);
    // A row of one label has nothing to repeat: no set to build or hash into.
    const seen = end - from > 1 ? new Set<string>() : undefined;
    for (let i = from; i < end; i++) {
      if (f[i] === '') {
        // `removeCell`: deleting the cell with the comma before it fixes the row (the editor's quick fix).
        this.problem(cellRange(record, i), { code: 'label.empty', severity: 'warning', message: 'Empty label column between labels; remove the extra comma.', data: { removeCell: true } });
        continue;
      }
      if (seen !== undefined) {
        if (seen.has(f[i])) {
          this.say(cellRange(record, i), 'warning', 'label.duplicate', `Label "${truncate(f[i], 40)}" appears twice in this row.`);
          continue;
        }
        seen.add(f[i]);
      }
      this.label(record, i, out);
    }
  }

  /** The label columns of a single-label row from `from` checked (as `labels` does): its label, if it has a valid one. */
  private singleLabel(record: CsvRecord, from: number): string | undefined {
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end < f.length) this.trailingEmptyLabels(record, end, end > from, true);
    if (end - from > 1) {
      this.columnCount(record, from + 1, `This row has ${end - from} labels, but a single-label row has at most one.`);
      end = from + 1;
    }
    if (end === from) return undefined;
    if (f[from] === '') {
      // `removeCell`: deleting the cell with the comma before it fixes the row (the editor's quick fix).
      this.problem(cellRange(record, from), { code: 'label.empty', severity: 'warning', message: 'Empty label column between labels; remove the extra comma.', data: { removeCell: true } });
      return undefined;
    }
    return this.checkLabel(record, from);
  }

  /**
   * Empty label columns from `first` to the end of a row (`gs://b/a.jpg,cat,,`, as a spreadsheet
   * pads rows to its widest): every column after the path is a label (a single-label row has one),
   * and Vertex AI's format has no empty ones (an unlabeled row is the path alone), so what it makes
   * of them is not documented. One finding per row covers the commas and empty cells to remove
   * (`removeTrailing`).
   */
  private trailingEmptyLabels(record: CsvRecord, first: number, labeled: boolean, single: boolean): void {
    const n = record.fields.length - first;
    const start = record.range(first);
    const last = record.range(record.fields.length - 1);
    const range: Range = { line: start.line, column: start.column - 1, endLine: last.endLine, endColumn: Math.max(last.endColumn, start.column) };
    const columns = n === 1 ? 'An empty label column ends' : `${n} empty label columns end`;
    const commas = n === 1 ? 'the trailing comma' : 'the trailing commas';
    const what = labeled
      ? single
        ? `${columns} this row (${commas.slice(4)}). A single-label row is the path and one label in Vertex AI's format, which has no empty labels; remove ${commas}.`
        : `${columns} this row (${commas.slice(4)}). In a multi-label CSV every column after the path is a label, and Vertex AI's format has no empty labels; remove ${commas}.`
      : `${columns} this row (${commas.slice(4)}) and it has no label. An unlabeled row is the path alone in Vertex AI's format, which has no empty labels; remove ${commas}.`;
    this.problem(range, { code: 'label.empty', severity: 'warning', message: what, data: { removeTrailing: true } });
  }

  private number(record: CsvRecord, i: number, what: string, opts: { integer?: boolean; infinity?: boolean; time?: boolean } = {}): number | undefined {
    const v = record.fields[i];
    if (opts.infinity && /^\s*(inf|infinity)\s*$/i.test(v)) return Infinity;
    if (!NUMERIC.test(v)) {
      const code = opts.time ? 'time.format' : 'value.number';
      this.say(cellRange(record, i), 'error', code, `${what} must be a number${opts.time ? ' of seconds (like 1.5)' : ''}${opts.infinity ? ' or "inf"' : ''}, found "${truncate(v, 30)}".`);
      return undefined;
    }
    const n = Number(v);
    if (opts.integer && !Number.isInteger(n)) {
      this.say(cellRange(record, i), 'error', 'value.integer', `${what} must be a whole number, found ${n}.`);
      return undefined;
    }
    if (opts.time && n < 0) {
      this.say(cellRange(record, i), 'error', 'time.format', `${what} cannot be negative, found ${n}.`);
      return undefined;
    }
    return n;
  }

  /** `out`: where the row's box annotation goes (undefined: to the box sink). */
  private boundingBox(record: CsvRecord, from: number, out: AnnotationFacts[] | undefined): void {
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end === from) return; // An unlabeled image.
    if (f.length - from !== 9) {
      this.columnCount(record, from, `A box row needs a label and 8 coordinate columns after the path; this row has ${columns(f.length - from)} there.`);
      if (f.length - from < 9) return;
    }
    const label = f[from] === '' ? undefined : this.checkLabel(record, from);
    if (f[from] === '') this.say(cellRange(record, from), 'error', 'label.empty', 'A box needs a label before its coordinates.');
    const c = from + 1;
    const given = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => f[c + k].trim() !== '');
    const twoVertex = given[0] && given[1] && !given[2] && !given[3] && given[4] && given[5] && !given[6] && !given[7];
    const fourVertex = given.every(Boolean);
    if (!twoVertex && !fourVertex) {
      const r0 = record.range(c);
      const r7 = record.range(c + 7);
      this.say(
        { line: r0.line, column: r0.column, endLine: r7.endLine, endColumn: Math.max(r7.endColumn, r0.column + 1) },
        'error',
        'box.vertices',
        'Give the box as two vertices, X_MIN,Y_MIN,,,X_MAX,Y_MAX,, (top-left and bottom-right), or as all four vertices X_MIN,Y_MIN,X_MAX,Y_MIN,X_MAX,Y_MAX,X_MIN,Y_MAX.',
      );
      return;
    }
    const v: (number | undefined)[] = [];
    for (let k = 0; k < 8; k++) v.push(given[k] ? this.number(record, c + k, 'A box coordinate') : undefined);
    // Vertex A is (X_MIN, Y_MIN) and vertex C is (X_MAX, Y_MAX).
    const box: Partial<Record<BoxKey, number>> = { xMin: v[0], yMin: v[1], xMax: v[4], yMax: v[5] };
    const cellOf: Record<BoxKey, number> = { xMin: c, yMin: c + 1, xMax: c + 4, yMax: c + 5 };
    if (fourVertex && v.every((x) => x !== undefined)) {
      const [ax, ay, bx, by, cx, cy, dx, dy] = v as number[];
      if (bx !== cx || by !== ay || dx !== ax || dy !== cy) {
        const xs = [ax, bx, cx, dx];
        const ys = [ay, by, cy, dy];
        this.say(
          { ...record.range(c + 2), endColumn: record.range(c + 7).endColumn, endLine: record.range(c + 7).endLine },
          'warning',
          'box.notAxisAligned',
          `The four vertices do not form an axis-aligned box (expected B = (X_MAX, Y_MIN) and D = (X_MIN, Y_MAX)); Vertex AI replaces it by the enclosing box ${Math.min(...xs)},${Math.min(...ys)} - ${Math.max(...xs)},${Math.max(...ys)}.`,
        );
        box.xMin = Math.min(...xs);
        box.yMin = Math.min(...ys);
        box.xMax = Math.max(...xs);
        box.yMax = Math.max(...ys);
      }
    }
    let ok = true;
    let pixelCells: CsvPixelCell[] | undefined;
    for (const { key, problem, swap } of boxProblems(box)) {
      // Swapped min and max: in the four-vertex form B and D carry the same coordinates as C and A.
      const pairs = swap && (swap[0] === 'xMin' ? [[c, c + 4], ...(fourVertex ? [[c + 2, c + 6]] : [])] : [[c + 1, c + 5], ...(fourVertex ? [[c + 3, c + 7]] : [])]);
      // Pixels: the editor divides every coordinate cell of the box by the image's size when a media sidecar gives it.
      if (problem.data?.pixels === true) {
        pixelCells ??= boxCells(record, c, given);
        this.problem(cellRange(record, cellOf[key]), { ...problem, data: { ...problem.data, uri: f[from - 1], pixelCells } });
      } else this.problem(cellRange(record, cellOf[key]), pairs ? withSwap(problem, record, pairs) : problem);
      if (problem.severity === 'error') ok = false;
    }
    if (ok && label !== undefined && box.xMin !== undefined && box.yMin !== undefined && box.xMax !== undefined && box.yMax !== undefined) {
      if (out === undefined) (this.boxes as AnchoredBoxItemSink).box(label, box.xMin, box.yMin, box.xMax, box.yMax);
      else out.push({ kind: 'box', label, xMin: box.xMin, yMin: box.yMin, xMax: box.xMax, yMax: box.yMax });
    }
  }

  private sentiment(record: CsvRecord, from: number, out: AnnotationFacts[]): void {
    const f = record.fields;
    if (f.length - from !== 2) {
      this.columnCount(record, from, `A sentiment row needs a sentiment and a maximum sentiment after the text; this row has ${columns(f.length - from)} there.`);
      if (f.length - from < 2) return;
    }
    const s = this.number(record, from, 'The sentiment', { integer: true });
    const max = this.number(record, from + 1, 'The maximum sentiment', { integer: true });
    const problems = sentimentProblems(s, max);
    for (const { key, problem } of problems) this.problem(cellRange(record, key === 'sentiment' ? from : from + 1), problem);
    if (s !== undefined && max !== undefined && problems.length === 0) out.push({ kind: 'sentiment', sentiment: s, sentimentMax: max });
  }

  private videoClassification(record: CsvRecord, from: number, out: AnnotationFacts[]): void {
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end === from) return;
    if (f.length - from !== 3) {
      this.columnCount(record, from, `A labeled video row needs a label, a start and an end time after the path; this row has ${columns(f.length - from)} there.`);
      if (f.length - from < 3) return;
    }
    const label = this.checkLabel(record, from);
    const start = this.number(record, from + 1, 'The start time', { time: true });
    const endTime = this.number(record, from + 2, 'The end time', { time: true, infinity: true });
    if (start !== undefined && endTime !== undefined) {
      const p = timeOrderProblem(start, endTime, false, 'The end time', 'the start time');
      if (p) this.problem(cellRange(record, from + 2), p);
      else if (label !== undefined) out.push({ kind: 'timeSegment', label, start, end: endTime });
    }
  }

  private actionRecognition(record: CsvRecord, from: number, out: AnnotationFacts[]): void {
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end === from) return;
    const n = f.length - from;
    if (n !== 4 && n !== 5 && n !== 2) {
      this.columnCount(record, from, `An action recognition row has a segment start and end, then a label with one time (key frame) or two (segment); this row has ${columns(n)} after the path.`);
      if (n < 2) return;
    }
    const segStart = f[from].trim() === '' ? 0 : this.number(record, from, 'The segment start', { time: true });
    const segEnd = f[from + 1].trim() === '' ? Infinity : this.number(record, from + 1, 'The segment end', { time: true, infinity: true });
    if (segStart !== undefined && segEnd !== undefined) {
      const p = timeOrderProblem(segStart, segEnd, false, 'The segment end', 'the segment start');
      if (p) this.problem(cellRange(record, from + 1), p);
    }
    if (n < 4) return;
    const label = this.checkLabel(record, from + 2);
    const t1 = this.number(record, from + 3, 'The action time', { time: true });
    const t2 = n >= 5 && f[from + 4].trim() !== '' ? this.number(record, from + 4, 'The action end time', { time: true, infinity: true }) : t1;
    if (t1 !== undefined && t2 !== undefined) {
      const p = timeOrderProblem(t1, t2, true, 'The action end time', 'the action time');
      if (p) this.problem(cellRange(record, from + 4), p);
      else if (label !== undefined) out.push({ kind: 'timeSegment', label, start: t1, end: t2 });
    }
  }

  private objectTracking(record: CsvRecord, from: number, out: AnnotationFacts[]): void {
    const f = record.fields;
    let end = f.length;
    while (end > from && f[end - 1] === '') end--;
    if (end === from) return;
    const n = f.length - from;
    if (n !== 7 && n !== 11) {
      this.columnCount(record, from, `A tracking row needs a label, an instance id (may be empty), a time and X_MIN,Y_MIN,X_MAX,Y_MAX after the path; this row has ${columns(n)} there.`);
      if (n < 7) return;
    }
    const label = this.checkLabel(record, from);
    let instanceId: string | undefined;
    if (f[from + 1].trim() !== '') {
      const raw = f[from + 1].trim();
      const id = NUMERIC.test(raw) ? Number(raw) : undefined;
      const p = instanceIdProblem(id, `"${truncate(raw, 30)}"`);
      if (p) this.problem(cellRange(record, from + 1), p);
      else instanceId = String(id);
    }
    const time = this.number(record, from + 2, 'The time offset', { time: true });
    const c = from + 3;
    // Legacy 8-column vertex form: X_MIN,Y_MIN,,,X_MAX,Y_MAX,, (vertices A and C).
    const cols: Record<BoxKey, number> = n === 11 ? { xMin: c, yMin: c + 1, xMax: c + 4, yMax: c + 5 } : { xMin: c, yMin: c + 1, xMax: c + 2, yMax: c + 3 };
    const box: Partial<Record<BoxKey, number>> = {};
    for (const key of ['xMin', 'yMin', 'xMax', 'yMax'] as BoxKey[]) box[key] = this.number(record, cols[key], `${key}`);
    let ok = true;
    for (const { key, problem, swap } of boxProblems(box)) {
      this.problem(cellRange(record, cols[key]), swap ? withSwap(problem, record, [[cols[swap[0]], cols[swap[1]]]]) : problem);
      if (problem.severity === 'error') ok = false;
    }
    if (ok && label !== undefined && time !== undefined && box.xMin !== undefined && box.yMin !== undefined && box.xMax !== undefined && box.yMax !== undefined) {
      out.push({ kind: 'trackedBox', label, time, instanceId, xMin: box.xMin, yMin: box.yMin, xMax: box.xMax, yMax: box.yMax });
    }
  }
}

/** A pixel-box cell: its range, the axis it measures and its value in pixels. */
export interface CsvPixelCell extends Range {
  axis: 'x' | 'y';
  pixels: number;
}

/**
 * The given coordinate cells of a box in pixels (`data.pixelCells`, with the image in `data.uri`):
 * with the image's size from a media sidecar, the editor's fix divides each by it.
 */
function boxCells(record: CsvRecord, c: number, given: boolean[]): CsvPixelCell[] {
  const cells: CsvPixelCell[] = [];
  for (let k = 0; k < 8; k++) {
    if (given[k]) cells.push({ ...record.range(c + k), axis: k % 2 === 0 ? 'x' : 'y', pixels: Number(record.fields[c + k]) });
  }
  return cells;
}

/** One cell's new text in a CSV fix: the range of the cell as it is (quotes included) and its new value. */
export interface CsvCellEdit extends Range {
  value: string;
}

/**
 * A swapped min/max finding with the fix that exchanges the cells of each pair (`data.cellEdits`,
 * each value as the row spells it); the editor applies them together as one quick fix.
 */
function withSwap(problem: Problem, record: CsvRecord, pairs: number[][]): Problem {
  const cellEdits: CsvCellEdit[] = [];
  for (const [a, b] of pairs) {
    cellEdits.push({ ...record.range(a), value: record.fields[b] }, { ...record.range(b), value: record.fields[a] });
  }
  return { ...problem, data: { ...(problem.data ?? {}), cellEdits } };
}

function columns(n: number): string {
  return `${n} column${n === 1 ? '' : 's'}`;
}
