import type { MlUse } from './formats';
import type { Range } from './diagnostics';

/**
 * The normalized facts of one data item, produced by the JSONL and CSV validators alike and
 * consumed by dataset-level checks, statistics and split. Plain data; no raw JSON.
 *
 * A CSV item may span several rows (one box or one label per row): the CSV layer emits one
 * ItemFacts per row and dataset checks merge rows that share a media URI.
 */
export interface ItemFacts {
  /** 1-based first line of the item in its file. */
  line: number;
  /** Range of the media URI (or the whole line when there is none), for anchoring findings. */
  anchor: Range;
  /** `imageGcsUri` / `textGcsUri` / `videoGcsUri`, or the CSV path column. */
  mediaUri?: string;
  /** Length in Unicode code points of inline `textContent`. */
  textLength?: number;
  /** Inline text (JSONL `textContent`, CSV text cell): equal texts are one data item to Vertex. */
  textContent?: string;
  /** Normalized split, when the item has a valid one. */
  mlUse?: MlUse;
  /** True when the item carried an ml_use value at all (valid or not). */
  hasMlUse: boolean;
  annotations: AnnotationFacts[];
  /**
   * True when the line (CSV: the row) has a line-level error: Vertex drops such a line at import,
   * so the dataset checks and statistics leave it out (they count it in `excludedRows`).
   */
  lineError?: boolean;
  /**
   * Set when `anchor` is computed on first read (then it always sits on `line`): a consumer that
   * keeps only line numbers can find the anchors of those lines again later with `resolve`.
   */
  readonly deferred?: AnchorSource;
}

/** Finds the anchors of items again, by line, after the items themselves are gone (e.g. by re-reading their file). */
export interface AnchorSource {
  /** The anchor of each given line that holds an item; lines that do not are left out. */
  resolve(lines: readonly number[]): Map<number, Range>;
}

export type AnnotationFacts =
  | { kind: 'classification'; label: string }
  | { kind: 'box'; label: string; xMin: number; yMin: number; xMax: number; yMax: number }
  | { kind: 'textSegment'; label: string; startOffset: number; endOffset: number }
  | { kind: 'sentiment'; sentiment: number; sentimentMax: number }
  | { kind: 'timeSegment'; label: string; start: number; end: number }
  | {
      kind: 'trackedBox';
      label: string;
      time: number;
      instanceId?: string;
      xMin: number;
      yMin: number;
      xMax: number;
      yMax: number;
    }
  | { kind: 'segmentation'; maskUri?: string; labels: string[] };

/** The label an annotation contributes to per-label counts (sentiment values count as labels). */
/**
 * A label that is empty or only spaces, which the line validators report (`label.empty`): Vertex
 * cannot name a label so, so the dataset checks do not count it as one.
 */
export function isBlankLabel(name: string): boolean {
  const n = name.length;
  if (n > 0 && name.charCodeAt(0) > 32 && name.charCodeAt(n - 1) > 32) return false;
  return name.trim().length === 0;
}

export function annotationLabels(a: AnnotationFacts): string[] {
  switch (a.kind) {
    case 'sentiment':
      return [String(a.sentiment)];
    case 'segmentation':
      return a.labels;
    default:
      return [a.label];
  }
}

/**
 * Takes the facts of the commonest items without an ItemFacts object per line: the JSONL
 * validator's fast path for single-label classification lines read with deferred anchors (the
 * CLI's dataset checks). `single(...)` stands for exactly the ItemFacts `onItem` would get: the
 * given fields, `deferred` as its anchor source, and as annotations one classification of `label`
 * (none when `label` is undefined), and `lineError`.
 */
export interface SingleItemSink {
  single(
    line: number,
    deferred: AnchorSource,
    mediaUri: string | undefined,
    textContent: string | undefined,
    textLength: number | undefined,
    label: string | undefined,
    mlUse: MlUse | undefined,
    hasMlUse: boolean,
    lineError: boolean,
  ): void;
}

/**
 * Takes the facts of single-label classification CSV rows without an ItemFacts object per row: the
 * CSV layout checker's path for the dataset checks. `single(...)` stands for exactly the ItemFacts
 * `onItem` would get: `line`, an anchor of the given line and columns (`anchorLine`, `column`,
 * `endLine`, `endColumn`; no deferred anchor source), the given fields, as annotations one
 * classification of `label` (none when `label` is undefined), and `lineError`.
 */
export interface AnchoredSingleItemSink {
  single(
    line: number,
    anchorLine: number,
    column: number,
    endLine: number,
    endColumn: number,
    mediaUri: string | undefined,
    textContent: string | undefined,
    textLength: number | undefined,
    label: string | undefined,
    mlUse: MlUse | undefined,
    hasMlUse: boolean,
    lineError: boolean,
  ): void;
}

/**
 * Takes the facts of bounding-box CSV rows without an ItemFacts object or an annotation object:
 * the CSV layout checker's path for the dataset checks. While a row is checked, the box that would
 * become its `box` annotation (if any) is given to `box`; `boxItem(...)` then stands for exactly the
 * ItemFacts `onItem` would get: `line`, an anchor of the given line and columns (no deferred anchor
 * source), the given fields, and as annotations the boxes given since the previous `boxItem`.
 */
export interface AnchoredBoxItemSink {
  box(label: string, xMin: number, yMin: number, xMax: number, yMax: number): void;
  boxItem(
    line: number,
    anchorLine: number,
    column: number,
    endLine: number,
    endColumn: number,
    mediaUri: string | undefined,
    mlUse: MlUse | undefined,
    hasMlUse: boolean,
    lineError: boolean,
  ): void;
}

/** Where the CSV rows of the formats that have a column path go instead of the item consumer. */
export interface CsvRowSinks {
  /** Single-label classification rows (image and text). */
  single?: AnchoredSingleItemSink;
  /** Bounding-box rows. */
  boxes?: AnchoredBoxItemSink;
}

/**
 * Takes the facts of bounding-box lines without an ItemFacts object or an annotation object per
 * box: the JSONL validator's fast path for `image-bounding-box` lines read with deferred anchors.
 * While a line is checked, each box that would become a `box` annotation is given to `box` in the
 * order of the line; `boxItem(...)` then stands for exactly the ItemFacts `onItem` would get: the
 * given fields, `deferred` as its anchor source, and as annotations those boxes (given since the
 * previous `boxItem`).
 */
export interface BoxItemSink {
  box(label: string, xMin: number, yMin: number, xMax: number, yMax: number): void;
  boxItem(line: number, deferred: AnchorSource, mediaUri: string | undefined, mlUse: MlUse | undefined, hasMlUse: boolean, lineError: boolean): void;
}
