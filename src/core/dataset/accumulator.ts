/**
 * Dataset-level checks and statistics, computed in the same streaming pass as validation: the
 * validators hand every item's normalized facts to `add`, and `finish` returns the findings and the
 * statistics. Memory grows with distinct media URIs (a few typed-array slots each) and distinct
 * labels, not with file size; video segment and tracking checks keep per-annotation records, which
 * Vertex bounds (≤1,000,000 boxes per dataset).
 */
import type { Diagnostic, Range, RelatedLocation } from '../diagnostics';
import { compareDiagnostics } from '../diagnostics';
import { formatInfo, type FormatId, type MlUse } from '../formats';
import type { AnchoredBoxItemSink, AnchoredSingleItemSink, AnchorSource, AnnotationFacts, BoxItemSink, CsvRowSinks, ItemFacts, SingleItemSink } from '../items';
import { annotationLabels, isBlankLabel } from '../items';
import { PairSet } from './pairSet';
import { StringTable } from './stringTable';
import { KeyKind, UriIndex } from './uriIndex';
import { datasetCodeInfo, severityOf, type DatasetCode } from './codes';
import { DATASET_LIMITS, type DatasetLimits } from './limits';
import type { MediaTable } from './media';
import {
  BOX_AREA_EDGES,
  BOX_SIZE_EDGES,
  BOXES_PER_IMAGE_EDGES,
  emptySplits,
  HistogramBuilder,
  SEGMENT_SECONDS_EDGES,
  SPLITS,
  TEXT_LENGTH_EDGES,
  type DatasetStats,
  type Histogram,
  type LabelStats,
  type SplitCounts,
} from './stats';

export interface DatasetOptions {
  /** Turn findings that only block training (minimums, imbalance, split coverage) into errors. */
  strict?: boolean;
  /** Image sizes and video durations by media URI (see `parseMediaSidecar`). */
  media?: MediaTable;
  /** Related locations listed per finding (default 20); the message gives the full count. */
  maxRelated?: number;
  /** Findings kept per code (default 1,000); a `dataset.truncated` info says how many were left out. */
  maxPerCode?: number;
  /**
   * Whether items come from CSV, where several rows of one media URI are one item (one box or one
   * label per row). Default: decided per file by a `.csv` extension.
   */
  csv?: boolean;
  /** Roughly how many media URIs to expect (e.g. from file sizes): room is made up front. */
  expectedItems?: number;
  /** How file paths read in messages (e.g. relative to the working folder); default as given. */
  describePath?: (path: string) => string;
}

/** A dataset finding; `path` is the file it sits in (absent when items were added without a file). */
export interface DatasetDiagnostic extends Diagnostic {
  path?: string;
}

export interface DatasetResult {
  diagnostics: DatasetDiagnostic[];
  stats: DatasetStats;
}

/** @internal A location in the dataset: a range in file number `file` (in the order files were added). */
export interface Loc extends Range {
  file: number;
}

interface LabelState {
  id: number;
  name: string;
  items: number;
  annotations: number;
  splits: SplitCounts;
  first: Loc;
  related: Loc[];
  /** Further lines using the label beyond `related`. */
  more: number;
  lastFile: number;
  lastLine: number;
  /** The last row (add call) that counted the label, so a label counts once per row. */
  lastRow: number;
  /** `annotationsHash` of a line whose one annotation is a classification with this label. */
  classificationHash: number;
  /** The label's share of the hash of a box with this label (`boxLabelHash`). */
  boxHash: number;
}

/** @internal */
export interface Segment {
  label: number;
  start: number;
  end: number;
  loc: Loc;
}

interface TrackState {
  instances: Map<string, TrackedInstance>;
  frames: Set<number>;
}

/** An object instance of one video: its first label and where, and the times it was boxed at. */
interface TrackedInstance {
  label: number;
  loc: Loc;
  /** A list while short, a set past TIMES_LIST (times compare as SameValueZero, as set members do). */
  times: number[] | Set<number>;
}

const TIMES_LIST = 32;

const NO_SPLIT = 0;
/** In a single item's flags, beside its split code: the item carried an ml_use value. */
const HAS_ML_USE = 4;
/** In a single item's flags: a bounding-box item (its boxes in the box columns), not a single-label one. */
const BOX_ITEM = 8;
/** In a single item's flags: the line has a line-level error (`ItemFacts.lineError`). */
const LINE_ERROR = 16;
const SPLIT_NAME = ['unassigned', 'training', 'validation', 'test'] as const;
const DEFAULT_FRACTIONS: Record<MlUse, number> = { training: 0.8, validation: 0.1, test: 0.1 };
// Plain comparisons and fixed property names: these run for every line.
/** @internal */
export function splitCode(mlUse: MlUse | undefined): number {
  return mlUse === undefined ? NO_SPLIT : mlUse === 'training' ? 1 : mlUse === 'validation' ? 2 : mlUse === 'test' ? 3 : NO_SPLIT;
}

/** @internal */
export function bump(counts: SplitCounts, code: number): void {
  if (code === 1) counts.training++;
  else if (code === 2) counts.validation++;
  else if (code === 3) counts.test++;
  else counts.unassigned++;
}

/** What the statistics read from a histogram (`HistogramBuilder`, or one that also takes values out). */
export interface HistogramSink {
  readonly count: number;
  add(value: number): void;
  toJSON(): Histogram;
}

/**
 * @internal The state `finish` reads, kept elsewhere (the incremental dataset): labels in the order
 * of their first use, locations resolved, per-item findings replayed in item order by `rowFindings`.
 */
export interface FinishedState {
  files: string[];
  datasetAnchor?: Loc;
  rows: number;
  excludedRows: number;
  items: number;
  labeledItems: number;
  annotations: number;
  splits: SplitCounts;
  mlUseUsed: boolean;
  repeats: number;
  conflicts: number;
  annotationsSplit: number;
  labels: { name: string; items: number; annotations: number; splits: SplitCounts; first: Loc; related: Loc[]; more: number }[];
  boxCount: number;
  trackedBoxes: number;
  segmentCount: number;
  frames: number;
  instances: number;
  boxWidth: HistogramSink;
  boxHeight: HistogramSink;
  boxArea: HistogramSink;
  textLength: HistogramSink;
  segmentSeconds: HistogramSink;
  boxesPerImage: HistogramSink;
  sentimentMax: [number, { items: number; loc: Loc }][];
  crowded: { uri: string; count: number; loc: Loc }[];
  rowFindings(acc: DatasetAccumulator): void;
  overlaps(acc: DatasetAccumulator): void;
}

/**
 * @internal Pairs [segment, earlier overlapping segment] of one video's segments; sorts `list` by
 * label, start and end (labels compare by `label`, which must follow the order of first use).
 */
export function overlappingSegments<S extends { label: number; start: number; end: number }>(list: S[]): [S, S][] {
  list.sort((a, b) => a.label - b.label || a.start - b.start || a.end - b.end);
  const out: [S, S][] = [];
  let holder: S | undefined;
  for (const seg of list) {
    if (!holder || holder.label !== seg.label) {
      holder = seg;
      continue;
    }
    const same = seg.start === holder.start && seg.end === holder.end;
    if (seg.start < holder.end || same) out.push([seg, holder]);
    if (seg.end > holder.end) holder = seg;
  }
  return out;
}

const BATCH = 256;

/** An array for one batch's values, at full size up front (filled by index, it never grows). */
function newBatch<T>(): T[] {
  return new Array<T>(BATCH);
}
const FRACTION_TOLERANCE = 0.1;
/** @internal Tolerance of threshold comparisons on floating-point sizes and times. */
export const EPSILON = 1e-9;


/** 32-bit FNV-1a continuing from `h`. */
function hashMore(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function hashNumber(h: number, x: number): number {
  f64[0] = x;
  return Math.imul(Math.imul(h ^ u32[0], 0x01000193) ^ u32[1], 0x01000193);
}

/** Fingerprint of one annotation, without building strings (this runs for every line). */
function annotationHash(a: AnnotationFacts): number {
  let h: number;
  switch (a.kind) {
    case 'classification':
      return hashMore(0x811c9dc5 ^ 0x63, a.label) >>> 0;
    case 'box':
      h = hashMore(0x811c9dc5 ^ 0x62, a.label);
      return hashNumber(hashNumber(hashNumber(hashNumber(h, a.xMin), a.yMin), a.xMax), a.yMax) >>> 0;
    case 'textSegment':
      return hashNumber(hashNumber(hashMore(0x811c9dc5 ^ 0x74, a.label), a.startOffset), a.endOffset) >>> 0;
    case 'sentiment':
      return hashNumber(hashNumber(0x811c9dc5 ^ 0x73, a.sentiment), a.sentimentMax) >>> 0;
    case 'timeSegment':
      return hashNumber(hashNumber(hashMore(0x811c9dc5 ^ 0x76, a.label), a.start), a.end) >>> 0;
    case 'trackedBox':
      h = hashMore(hashMore(0x811c9dc5 ^ 0x6b, a.label), a.instanceId ?? '\u0000');
      h = hashNumber(hashNumber(hashNumber(hashNumber(hashNumber(h, a.time), a.xMin), a.yMin), a.xMax), a.yMax);
      return h >>> 0;
    case 'segmentation':
      return hashMore(hashMore(0x811c9dc5 ^ 0x6d, a.maskUri ?? ''), a.labels.join('\u0000')) >>> 0;
  }
}

/** `annotationsHash` of one classification annotation. */
function classificationHash(label: string): number {
  return hashMore(0x811c9dc5 ^ 0x63, label) >>> 0 || 1;
}

/** @internal Order-insensitive fingerprint of a line's annotations (a multiset hash). */
/**
 * Whether two JSONL lines of one item with different annotations are annotations split over lines
 * (duplicate.annotationsSplit: an item of several annotations, they add up) rather than a conflict.
 */
export function splitsAnnotations(limits: DatasetLimits): boolean {
  return !limits.singleLabel;
}

export function annotationsHash(annotations: readonly AnnotationFacts[]): number {
  if (annotations.length === 0) return 0;
  if (annotations.length === 1) return annotationHash(annotations[0]) || 1;
  let sum = annotations.length;
  for (const a of annotations) {
    const h = annotationHash(a);
    sum = (sum + Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)) | 0;
  }
  return sum >>> 0 || 1;
}

/** The label's share of a box's `annotationHash`. */
function boxLabelHash(label: string): number {
  return hashMore(0x811c9dc5 ^ 0x62, label);
}

/** Growable Int32 column (struct-of-arrays storage per media URI). */
class Column {
  data: Int32Array;
  constructor(initial = 1024) {
    this.data = new Int32Array(initial);
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = new Int32Array(size);
    next.set(this.data);
    this.data = next;
  }
}

// Per-URI record fields (Int32, one 16-byte record per URI). The columns of an eager anchor are
// kept apart (`locs`): deferred anchors (the CLI) need only the line.
const R_LINE = 0;
/** File index * 4 + split code (0-3). */
const R_FILE_SPLIT = 1;
const R_HASH = 2;
/** First label id + 1 (0: none yet). */
const R_LABEL = 3;
const STRIDE = 4;

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** `count noun` with the noun singular for 1 (`1 image`, `2 images`, `1 bounding box`). */
function count(n: number, plural: string): string {
  return `${fmt(n)} ${n === 1 ? plural.replace(/xes$/, 'x').replace(/s$/, '') : plural}`;
}

function list(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const QUOTED_MAX = 80;

/** A label in a message: quoted, and cut short when it is long (the finding's `data` keeps it whole). */
function quote(label: string): string {
  if (label.length <= QUOTED_MAX) return JSON.stringify(label);
  let cut = QUOTED_MAX - 1;
  const last = label.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${JSON.stringify(label.slice(0, cut) + '…')} (${fmt([...label].length)} characters)`;
}

export class DatasetAccumulator {
  readonly format: FormatId;
  private readonly limits: DatasetLimits;
  private readonly strict: boolean;
  private readonly media?: MediaTable;
  private readonly maxRelated: number;
  private readonly maxPerCode: number;
  private readonly csvOverride?: boolean;
  private readonly describePath: (path: string) => string;
  private readonly video: boolean;
  private readonly allowedSplits: readonly MlUse[];

  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly csvFile: boolean[] = [];
  private datasetAnchor?: Loc;

  private rows = 0;
  /** Rows with a line error, left out of everything but `rows` (see `ItemFacts.lineError`). */
  private excludedRows = 0;
  private items = 0;
  private labeledItems = 0;
  private annotations = 0;
  private readonly splits = emptySplits();
  private mlUseUsed = false;
  private repeats = 0;
  private conflicts = 0;
  private annotationsSplit = 0;

  // Per media URI, indexed by the number `uris` maps the URI to (a false match of two URIs needs
  // their 64-bit hashes to collide: odds of about 1 in 10^7 among a million URIs).
  private readonly uris: UriIndex;
  /** `STRIDE` Int32 per URI. */
  private rec: Int32Array;
  /** Per URI with an eager anchor: column, end line, end column (end line 0: a deferred anchor). */
  private locs: Int32Array | undefined;
  /** URIs over the per-image box limit, reported at the end with their final count. */
  private readonly crowded = new Map<number, string>();
  /** Boxes per image (object detection), indexed like the URI records. */
  private readonly uriBoxes: Column;
  /** (URI, label id) for the labels of an item beyond its first (`R_LABEL`). */
  private readonly uriMoreLabels = new PairSet();
  /** CSV only: (URI, row fingerprint) for the rows of a URI beyond its first (`R_HASH`). */
  private readonly uriMoreRows = new PairSet();

  private readonly labels = new StringTable<LabelState>();
  /** Stands for empty labels (`label.empty` on their lines): never registered, never counted. */
  private readonly blankLabel: LabelState = {
    id: -1,
    name: '',
    items: 0,
    annotations: 0,
    splits: emptySplits(),
    first: { file: 0, line: 0, column: 0, endLine: 0, endColumn: 0 },
    related: [],
    more: 0,
    lastFile: 0,
    lastLine: 0,
    lastRow: 0,
    classificationHash: 0,
    boxHash: 0,
  };
  private readonly labelList: LabelState[] = [];

  private boxCount = 0;
  private boxWidth: HistogramSink = new HistogramBuilder(BOX_SIZE_EDGES);
  private boxHeight: HistogramSink = new HistogramBuilder(BOX_SIZE_EDGES);
  private boxArea: HistogramSink = new HistogramBuilder(BOX_AREA_EDGES);
  private textLength: HistogramSink = new HistogramBuilder(TEXT_LENGTH_EDGES);
  private segmentSeconds: HistogramSink = new HistogramBuilder(SEGMENT_SECONDS_EDGES);
  private segmentCount = 0;
  // Time segments for the overlap check at the end (segmentChecks), as columns in the order they
  // came, each with its video's group: groups are numbered in the order of their first segment.
  // (A map of segment lists per video cost 0.35 µs per segment in lookups alone at 300,000 videos.)
  private readonly sgGroup = new Column(1024);
  private readonly sgLabel = new Column(1024);
  private sgStart = new Float64Array(1024);
  private sgEnd = new Float64Array(1024);
  /** Per segment: the anchor of its row (file, line, column, end line, end column; see `here`), made a Loc only for findings. */
  private sgLoc = new Int32Array(1024 * 5);
  private sgCount = 0;
  private sgGroups = 0;
  /** Group + 1 of a URI key's segments (0: none yet). */
  private readonly sgGroupOfKey = new Column(1024);
  /** The last item without a key that got a group, and that group (its segments come together). */
  private sgAnonKey = 0;
  private sgAnonGroup = -1;
  private readonly tracks = new Map<number, TrackState>();
  private trackedBoxes = 0;
  private readonly sentimentMax = new Map<number, { items: number; loc: Loc }>();
  /** Synthetic keys for items without a media URI (negative, never clash with URI indexes). */
  private anonymous = 0;

  private readonly found: DatasetDiagnostic[] = [];
  /** Per file: where deferred anchors are found again (see `newUri`). */
  private readonly sources: (AnchorSource | undefined)[] = [];
  /** Ranges of findings still at column 0, with their file; resolved at `finish`. */
  private readonly unresolved: { at: Range; file: number }[] = [];
  private readonly perCode = new Map<string, number>();
  /** Set when the state comes from an incremental dataset instead of `add` (see `finishFrom`). */
  private injected?: FinishedState;

  constructor(format: FormatId, options: DatasetOptions = {}) {
    this.format = format;
    this.limits = DATASET_LIMITS[format];
    this.strict = options.strict ?? false;
    this.media = options.media;
    this.maxRelated = Math.max(0, options.maxRelated ?? 20);
    this.maxPerCode = Math.max(1, options.maxPerCode ?? 1000);
    this.csvOverride = options.csv;
    const expected = Math.min(options.expectedItems ?? 0, 1 << 22);
    this.uris = new UriIndex(expected);
    // Untouched pages of a large typed array cost no memory, while doubling would copy (and fault in) the records again and again.
    let room = 1024;
    while (room < expected) room *= 2;
    this.rec = new Int32Array(room * STRIDE);
    this.uriBoxes = new Column(room);
    this.describePath = options.describePath ?? ((p) => p);
    const info = formatInfo(format);
    this.video = info.dataType === 'video';
    this.allowedSplits = info.mlUseValues;
  }

  /** Rebuilds the dataset from cached per-file facts (the editor keeps them per document). */
  static fromItems(
    format: FormatId,
    sources: Iterable<{ path?: string; items: Iterable<ItemFacts> }>,
    options?: DatasetOptions,
  ): DatasetResult {
    const acc = new DatasetAccumulator(format, options);
    for (const source of sources) {
      acc.addFile(source.path);
      for (const item of source.items) acc.add(item, source.path);
    }
    return acc.finish();
  }

  /** Registers a file so that an empty file still counts and dataset-wide findings can sit on it. */
  addFile(path?: string): void {
    this.fileOf(path);
  }

  /**
   * Items are processed in batches: the URI index looks up a batch's keys in one call (see
   * uriIndex.ts). Lookups happen in item order, so the result is the same as one item at a time.
   */
  add(item: ItemFacts, file?: string): void {
    const n = this.count++;
    this.pending[n] = item;
    this.pendingFiles[n] = file;
    if (n + 1 >= BATCH) this.flush();
  }

  /**
   * The items of one file in `SingleItemSink` form (the JSONL validator's fast path): each call
   * counts exactly as `add` of the ItemFacts it stands for, in the same order as `add` calls.
   */
  singleSink(file?: string): SingleItemSink {
    return {
      single: (line, deferred, mediaUri, textContent, textLength, label, mlUse, hasMlUse, lineError) => {
        this.putSingle(this.columnRow(file, line, deferred), mediaUri, textContent, textLength, label, mlUse, hasMlUse, lineError);
      },
    };
  }

  /**
   * The rows of one CSV file in `AnchoredSingleItemSink` form (single-label classification rows):
   * each call counts exactly as `add` of the ItemFacts it stands for, in the same order as `add` calls.
   */
  anchoredSingleSink(file?: string): AnchoredSingleItemSink {
    return {
      single: (line, anchorLine, column, endLine, endColumn, mediaUri, textContent, textLength, label, mlUse, hasMlUse, lineError) => {
        const n = this.columnRow(file, line, undefined);
        this.anchorRow(n, anchorLine, column, endLine, endColumn);
        this.putSingle(n, mediaUri, textContent, textLength, label, mlUse, hasMlUse, lineError);
      },
    };
  }

  /**
   * The rows of one CSV file in `AnchoredBoxItemSink` form (bounding-box rows): each item counts
   * exactly as `add` of the ItemFacts it stands for, in the same order as `add` calls.
   */
  anchoredBoxSink(file?: string): AnchoredBoxItemSink {
    return {
      box: this.addBox,
      boxItem: (line, anchorLine, column, endLine, endColumn, mediaUri, mlUse, hasMlUse, lineError) => {
        const n = this.columnRow(file, line, undefined);
        this.anchorRow(n, anchorLine, column, endLine, endColumn);
        this.putBoxItem(n, mediaUri, mlUse, hasMlUse, lineError);
      },
    };
  }

  /** The column sinks of one CSV file (see `CsvRowSinks`). */
  csvRowSinks(file?: string): CsvRowSinks {
    return { single: this.anchoredSingleSink(file), boxes: this.anchoredBoxSink(file) };
  }

  /**
   * The items of one file in `BoxItemSink` form (the JSONL validator's fast path for bounding-box
   * lines): each item counts exactly as `add` of the ItemFacts it stands for, in the same order as
   * `add` calls.
   */
  boxSink(file?: string): BoxItemSink {
    return {
      box: this.addBox,
      boxItem: (line, deferred, mediaUri, mlUse, hasMlUse, lineError) => {
        this.putBoxItem(this.columnRow(file, line, deferred), mediaUri, mlUse, hasMlUse, lineError);
      },
    };
  }

  /** The next batch row held in the `s` columns: its file, line and deferred anchor (if any). */
  private columnRow(file: string | undefined, line: number, deferred: AnchorSource | undefined): number {
    const n = this.count++;
    this.pending[n] = null;
    this.pendingFiles[n] = file;
    this.sLine[n] = line;
    this.sDeferred[n] = deferred;
    return n;
  }

  /** Row n's anchor given as numbers (rows without a deferred anchor source). */
  private anchorRow(n: number, line: number, column: number, endLine: number, endColumn: number): void {
    const a = this.sAnchor;
    a[n * 4] = line;
    a[n * 4 + 1] = column;
    a[n * 4 + 2] = endLine;
    a[n * 4 + 3] = endColumn;
  }

  /** The rest of a single-label row n (see `SingleItemSink.single`). */
  private putSingle(n: number, mediaUri: string | undefined, textContent: string | undefined, textLength: number | undefined, label: string | undefined, mlUse: MlUse | undefined, hasMlUse: boolean, lineError: boolean | undefined): void {
    this.sFlags[n] = splitCode(mlUse) | (hasMlUse ? HAS_ML_USE : 0) | (lineError ? LINE_ERROR : 0);
    this.sTextLength[n] = textLength === undefined ? -1 : textLength;
    this.sUri[n] = mediaUri;
    this.sText[n] = textContent;
    this.sLabel[n] = label;
    if (n + 1 >= BATCH) this.flush();
  }

  /** The rest of a bounding-box item n, whose boxes went to `addBox` (see `BoxItemSink.boxItem`). */
  private putBoxItem(n: number, mediaUri: string | undefined, mlUse: MlUse | undefined, hasMlUse: boolean, lineError: boolean | undefined): void {
    this.sFlags[n] = splitCode(mlUse) | (hasMlUse ? HAS_ML_USE : 0) | BOX_ITEM | (lineError ? LINE_ERROR : 0);
    this.sUri[n] = mediaUri;
    this.sText[n] = undefined;
    this.sBoxFrom[n] = this.bItemStart;
    this.sBoxTo[n] = this.bItemStart = this.bCount;
    if (n + 1 >= BATCH) this.flush();
  }

  /** A box of the item being given to a box sink (see `BoxItemSink.box`). */
  private readonly addBox = (label: string, xMin: number, yMin: number, xMax: number, yMax: number): void => {
    const b = this.bCount++;
    if (b >= this.bLabels.length) this.growBoxes();
    this.bLabels[b] = label;
    const c = this.bCoords;
    c[b * 4] = xMin;
    c[b * 4 + 1] = yMin;
    c[b * 4 + 2] = xMax;
    c[b * 4 + 3] = yMax;
  };

  private growBoxes(): void {
    const labels = new Array<string | undefined>(this.bLabels.length * 2);
    for (let i = 0; i < this.bCount; i++) labels[i] = this.bLabels[i];
    this.bLabels = labels;
    if (this.bCoords.length < labels.length * 4) {
      const coords = new Float64Array(labels.length * 4);
      coords.set(this.bCoords);
      this.bCoords = coords;
    }
  }

  // The `count` items waiting for the next batch; null stands for a single item held in the `s`
  // columns (its boxes, for a bounding-box item, in the `b` columns). The arrays that hold objects are new for every batch (made at full size): they stay
  // young, so filling them needs no write barrier, and nothing of a batch is kept after it.
  private count = 0;
  private pending: (ItemFacts | null)[] = newBatch();
  private pendingFiles: (string | undefined)[] = newBatch();
  private readonly sLine = new Int32Array(BATCH);
  /** An item without a deferred anchor (see `anchoredSingleSink`): its anchor's line, column, end line, end column. */
  private readonly sAnchor = new Int32Array(BATCH * 4);
  /** Split code | HAS_ML_USE. */
  private readonly sFlags = new Uint8Array(BATCH);
  /** -1: none. */
  private readonly sTextLength = new Float64Array(BATCH);
  private sDeferred: (AnchorSource | undefined)[] = newBatch();
  private sUri: (string | undefined)[] = newBatch();
  private sText: (string | undefined)[] = newBatch();
  private sLabel: (string | undefined)[] = newBatch();
  /** A bounding-box item's boxes: indexes [from, to) in the box columns. */
  private readonly sBoxFrom = new Int32Array(BATCH);
  private readonly sBoxTo = new Int32Array(BATCH);
  /** Boxes given for the batch, and where the boxes of the item being read start. */
  private bCount = 0;
  private bItemStart = 0;
  private bLabels: (string | undefined)[] = new Array<string | undefined>(BATCH * 2);
  /** xMin, yMin, xMax, yMax per box (kept from batch to batch; the labels are new per batch). */
  private bCoords = new Float64Array(BATCH * 8);
  /** Label states of the boxes of the item being added (see `boxesHash`). */
  private bStates: (LabelState | undefined)[] = new Array<LabelState | undefined>(64).fill(undefined);
  /** URI indexes handed out so far (read once per batch). */
  private uriCount = 0;

  private flush(): void {
    const items = this.pending;
    const n = this.count;
    if (n === 0) return;
    const uris = this.uris;
    for (let i = 0; i < n; i++) {
      const item = items[i];
      const uri = item === null ? this.sUri[i] : item.mediaUri;
      const text = item === null ? this.sText[i] : item.textContent;
      // A line Vertex drops (line error) is no data item: its key is not registered.
      if (item === null ? (this.sFlags[i] & LINE_ERROR) !== 0 : item.lineError === true) uris.push(undefined);
      else if (uri !== undefined && uri !== '') uris.push(uri, KeyKind.Uri);
      else if (text) uris.push(text, KeyKind.Text);
      else uris.push(undefined);
    }
    uris.run();
    this.uriCount = uris.size;
    for (let i = 0; i < n; i++) {
      const item = items[i];
      const flags = this.sFlags[i];
      if (item === null ? (flags & LINE_ERROR) !== 0 : item.lineError === true) this.addExcluded(this.pendingFiles[i]);
      else if (item !== null) this.addNow(item, this.pendingFiles[i], uris.key(i), uris.added(i));
      else if ((flags & BOX_ITEM) === 0) this.addSingleNow(i, this.pendingFiles[i], uris.key(i), uris.added(i));
      else this.addBoxesNow(i, this.pendingFiles[i], uris.key(i), uris.added(i));
    }
    this.count = 0;
    this.pending = newBatch();
    this.pendingFiles = newBatch();
    this.sDeferred = newBatch();
    this.sUri = newBatch();
    this.sText = newBatch();
    this.sLabel = newBatch();
    if (this.bCount !== 0) {
      this.bCount = this.bItemStart = 0;
      this.bLabels = new Array<string | undefined>(this.bLabels.length);
    }
  }

  /** A row with a line error: counted as read, and left out of the dataset (see `ItemFacts.lineError`). */
  private addExcluded(file: string | undefined): void {
    this.fileOf(file);
    this.rows++;
    this.excludedRows++;
  }

  /**
   * The first steps of `addNow` for the row in column `i` (addSingleNow, addBoxesNow): its file,
   * line, deferred anchor and ml_use use. Returns its flags.
   */
  private enterColumnRow(i: number, file: string | undefined): number {
    const f = this.fileOf(file);
    this.rows++;
    this.curFile = f;
    this.curItem = undefined;
    const deferred = this.sDeferred[i];
    this.curDeferred = deferred;
    const line = this.sLine[i];
    if (deferred !== undefined) {
      if (this.sources[f] !== deferred) this.sources[f] = deferred;
      this.curLine = line;
    } else {
      // An anchor given with the row (CSV): it may start on a later line than the row does.
      const a = this.sAnchor;
      this.curLine = a[i * 4];
      this.curColumn = a[i * 4 + 1];
      this.curEndLine = a[i * 4 + 2];
      this.curEndColumn = a[i * 4 + 3];
    }
    this.curLoc = undefined;
    if (!this.datasetAnchor && f === 0 && line === 1) this.datasetAnchor = this.here();
    const flags = this.sFlags[i];
    if ((flags & HAS_ML_USE) !== 0) this.mlUseUsed = true;
    return flags;
  }

  /** `addNow` of the bounding-box item in column `i` (see `boxSink`): the same steps, without objects. */
  private addBoxesNow(i: number, file: string | undefined, uriKey: number, added: boolean): void {
    const flags = this.enterColumnRow(i, file);
    const f = this.curFile;
    const split = flags & 3;
    const from = this.sBoxFrom[i];
    const to = this.sBoxTo[i];
    const labels = this.bLabels;
    const coords = this.bCoords;
    let key: number;
    let itemSplit = split;
    const mediaUri = this.sUri[i];
    const uri = mediaUri === '' ? undefined : mediaUri;
    if (uriKey >= 0 && added) {
      // A new item repeats nothing: its labels are looked up (made when new) once, as they are
      // counted, and its hash (`boxesHash`) goes into its record after.
      key = uriKey;
      this.firstSight(key, uri, split, 0);
      this.annotations += to - from;
      this.rowLabeled = false;
      const n = to - from;
      const bits = u32;
      let sum = n;
      let first = 0;
      for (let b = from; b < to; b++) {
        const label = labels[b] as string;
        const state = this.labelOf(label);
        let h = state === this.blankLabel ? boxLabelHash(label) : state.boxHash;
        for (let k = b * 4, end = k + 4; k < end; k++) {
          f64[0] = coords[k];
          h = Math.imul(Math.imul(h ^ bits[0], 0x01000193) ^ bits[1], 0x01000193);
        }
        h >>>= 0;
        if (b === from) first = h;
        sum = (sum + Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)) | 0;
        this.countLabelIn(state, key, split);
        this.boxCheck(label, coords[b * 4], coords[b * 4 + 1], coords[b * 4 + 2], coords[b * 4 + 3], key, uri);
      }
      this.rec[key * STRIDE + R_HASH] = n === 0 ? 0 : n === 1 ? first || 1 : sum >>> 0 || 1;
      return;
    }
    let states = this.bStates;
    if (states.length < to - from) this.bStates = states = new Array<LabelState | undefined>(Math.max(to - from, states.length * 2)).fill(undefined);
    if (uriKey >= 0) {
      key = uriKey;
      const hash = this.boxesHash(labels, coords, from, to, states);
      if (added) {
        this.firstSight(key, uri, split, hash);
      } else {
        itemSplit = this.rec[key * STRIDE + R_FILE_SPLIT] & 3;
        const annotations: AnnotationFacts[] = [];
        for (let b = from; b < to; b++) {
          annotations.push({ kind: 'box', label: labels[b] as string, xMin: coords[b * 4], yMin: coords[b * 4 + 1], xMax: coords[b * 4 + 2], yMax: coords[b * 4 + 3] });
        }
        if (this.checkRepeat(key, uri, split, hash, annotations, f)) return;
        this.seenBefore = true;
      }
    } else {
      key = this.anonymousItem(split);
    }
    this.annotations += to - from;
    this.rowLabeled = false;
    const looked = uriKey >= 0;
    for (let b = from; b < to; b++) {
      const label = labels[b] as string;
      // Labels met first on this line were not known to `boxesHash`.
      const known = looked ? states[b - from] : undefined;
      this.countLabelIn(known !== undefined ? known : this.labelOf(label), key, itemSplit);
      this.boxCheck(label, coords[b * 4], coords[b * 4 + 1], coords[b * 4 + 2], coords[b * 4 + 3], key, uri);
    }
  }

  /**
   * `annotationsHash` of the boxes [from, to) of the box columns; each box's label state (undefined
   * for a label not known yet) goes to `states[box - from]` (room for them all). Each box's hash is
   * `annotationHash` of the box, with `hashNumber` written out (this runs for every box, and calls
   * to it were not inlined).
   */
  private boxesHash(labels: (string | undefined)[], coords: Float64Array, from: number, to: number, states: (LabelState | undefined)[]): number {
    const n = to - from;
    if (n === 0) return 0;
    let sum = n;
    const bits = u32;
    for (let b = from; b < to; b++) {
      const name = labels[b] as string;
      const known = this.labels.get(name);
      states[b - from] = known;
      let h = known !== undefined ? known.boxHash : boxLabelHash(name);
      for (let k = b * 4, end = k + 4; k < end; k++) {
        f64[0] = coords[k];
        h = Math.imul(Math.imul(h ^ bits[0], 0x01000193) ^ bits[1], 0x01000193);
      }
      h >>>= 0;
      if (n === 1) return h || 1;
      sum = (sum + Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)) | 0;
    }
    return sum >>> 0 || 1;
  }

  /** `addNow` of the single item in column `i` (see `singleSink`): the same steps, without the object. */
  private addSingleNow(i: number, file: string | undefined, uriKey: number, added: boolean): void {
    const flags = this.enterColumnRow(i, file);
    const f = this.curFile;
    const split = flags & 3;
    const label = this.sLabel[i];
    let key: number;
    let itemSplit = split;
    let single: LabelState | undefined;
    const mediaUri = this.sUri[i];
    const uri = mediaUri === '' ? undefined : mediaUri;
    if (uriKey >= 0) {
      key = uriKey;
      let hash = 0;
      if (label !== undefined) {
        single = this.labels.get(label);
        hash = single !== undefined ? single.classificationHash : classificationHash(label);
      }
      if (added) {
        this.firstSight(key, uri, split, hash);
      } else {
        itemSplit = this.rec[key * STRIDE + R_FILE_SPLIT] & 3;
        const annotations: AnnotationFacts[] = label === undefined ? [] : [{ kind: 'classification', label }];
        if (this.checkRepeat(key, uri, split, hash, annotations, f)) return;
        this.seenBefore = true;
      }
    } else {
      key = this.anonymousItem(split);
    }
    const textLength = this.sTextLength[i];
    if (textLength >= 0) this.textLength.add(textLength);
    this.rowLabeled = false;
    if (label !== undefined) {
      this.annotations++;
      this.countLabelIn(single ?? this.labelOf(label), key, itemSplit);
    }
  }

  private addNow(item: ItemFacts, file: string | undefined, uriKey: number, added: boolean): void {
    const f = this.fileOf(file);
    this.rows++;
    this.curFile = f;
    this.curItem = item;
    // A deferred anchor sits on the item's line; its columns are found at `finish` if a finding keeps it.
    const deferred = item.deferred;
    this.curDeferred = deferred;
    if (deferred !== undefined && this.sources[f] !== deferred) this.sources[f] = deferred;
    this.curLine = deferred === undefined ? item.anchor.line : item.line;
    this.curLoc = undefined;
    if (!this.datasetAnchor && f === 0 && item.line === 1) this.datasetAnchor = this.here();
    if (item.hasMlUse) this.mlUseUsed = true;
    const split = splitCode(item.mlUse);
    const annotations = item.annotations;

    let key: number;
    let itemSplit = split;
    let single: LabelState | undefined;
    // Items are keyed by media URI, or by their inline text (Vertex deduplicates by content).
    const uri = item.mediaUri === '' ? undefined : item.mediaUri;
    if (uriKey >= 0) {
      key = uriKey;
      let hash: number;
      // One classification (most lines of classification files): its hash is kept with the label.
      if (annotations.length === 1 && annotations[0].kind === 'classification') {
        single = this.labels.get(annotations[0].label);
        hash = single !== undefined ? single.classificationHash : classificationHash(annotations[0].label);
      } else hash = annotationsHash(annotations);
      if (added) {
        this.firstSight(key, uri, split, hash);
      } else {
        itemSplit = this.rec[key * STRIDE + R_FILE_SPLIT] & 3;
        // An exact repeat is imported once: it adds nothing to counts or checks.
        if (this.checkRepeat(key, uri, split, hash, annotations, f)) return;
        this.seenBefore = true;
      }
    } else {
      key = this.anonymousItem(split);
    }
    if (item.textLength !== undefined) this.textLength.add(item.textLength);
    this.annotations += annotations.length;
    this.rowLabeled = false;
    for (let i = 0; i < annotations.length; i++) {
      const a = annotations[i];
      if (a.kind === 'classification') this.countLabelIn(single ?? this.labelOf(a.label), key, itemSplit);
      else if (a.kind === 'box') {
        this.countLabel(a.label, key, itemSplit);
        this.boxCheck(a.label, a.xMin, a.yMin, a.xMax, a.yMax, key, uri);
      } else {
        for (const name of annotationLabels(a)) this.countLabel(name, key, itemSplit);
        this.annotationChecks(a, key, uri);
      }
    }
  }

  // The row being added: its Loc object is only made when something keeps it.
  private curFile = 0;
  private curItem: ItemFacts | undefined;
  private curDeferred: AnchorSource | undefined;
  private curLine = 1;
  /** The rest of the anchor of a row added from the columns without a deferred anchor (see `enterColumnRow`). */
  private curColumn = 0;
  private curEndLine = 0;
  private curEndColumn = 0;
  private curLoc: Loc | undefined;
  private seenBefore = false;
  private rowLabeled = false;

  private here(): Loc {
    if (this.curLoc) return this.curLoc;
    // Column 0 (columns start at 1): resolved at `finish` (see `resolveAnchors`).
    if (this.curDeferred !== undefined) return (this.curLoc = { file: this.curFile, line: this.curLine, column: 0, endLine: this.curLine, endColumn: 0 });
    const item = this.curItem;
    if (item === undefined) return (this.curLoc = { file: this.curFile, line: this.curLine, column: this.curColumn, endLine: this.curEndLine, endColumn: this.curEndColumn });
    const a = item.anchor;
    return (this.curLoc = { file: this.curFile, line: a.line, column: a.column, endLine: a.endLine, endColumn: a.endColumn });
  }

  private countLabel(name: string, key: number, itemSplit: number): void {
    this.countLabelIn(this.labelOf(name), key, itemSplit);
  }

  private countLabelIn(label: LabelState, key: number, itemSplit: number): void {
    if (label === this.blankLabel) return;
    label.annotations++;
    if (label.lastRow === this.rows) return;
    const fresh = label.lastRow === 0;
    label.lastRow = this.rows;
    const line = this.curLine;
    if (!fresh && (label.lastLine !== line || label.lastFile !== this.curFile)) {
      if (label.related.length < this.maxRelated) label.related.push(this.here());
      else label.more++;
    }
    label.lastLine = line;
    label.lastFile = this.curFile;
    if (!this.itemTakesLabel(key, label.id)) return;
    label.items++;
    bump(label.splits, itemSplit);
  }

  /** A new item; `split` is its split code. */
  /** The item of key `key` (a URI or text key) seen for the first time, on the current line. */
  private firstSight(key: number, uri: string | undefined, split: number, hash: number): void {
    this.newUri(key, uri, split, hash);
    this.newItem(split);
    this.seenBefore = false;
  }

  /** An item without a key (no URI or text to know it by): a key of its own. */
  private anonymousItem(split: number): number {
    const key = -++this.anonymous;
    this.newItem(split);
    this.seenBefore = false;
    return key;
  }

  private newItem(split: number): void {
    this.items++;
    bump(this.splits, split);
  }

  /**
   * @internal The end of `finish` over state an incremental dataset keeps (see incremental.ts):
   * the same dataset checks, messages and statistics as if its items had been added in order.
   */
  static finishFrom(format: FormatId, options: DatasetOptions, state: FinishedState): DatasetResult {
    const acc = new DatasetAccumulator(format, options);
    acc.injected = state;
    for (const f of state.files) acc.fileIndexOf(f);
    acc.datasetAnchor = state.datasetAnchor;
    acc.rows = state.rows;
    acc.excludedRows = state.excludedRows;
    acc.items = state.items;
    acc.labeledItems = state.labeledItems;
    acc.annotations = state.annotations;
    Object.assign(acc.splits, state.splits);
    acc.mlUseUsed = state.mlUseUsed;
    acc.repeats = state.repeats;
    acc.conflicts = state.conflicts;
    acc.annotationsSplit = state.annotationsSplit;
    for (const l of state.labels) {
      const label: LabelState = { ...l, id: acc.labelList.length, splits: { ...l.splits }, lastFile: 0, lastLine: 0, lastRow: 0, classificationHash: 0, boxHash: 0 };
      acc.labels.set(l.name, label);
      acc.labelList.push(label);
    }
    acc.boxCount = state.boxCount;
    acc.trackedBoxes = state.trackedBoxes;
    acc.segmentCount = state.segmentCount;
    acc.boxWidth = state.boxWidth;
    acc.boxHeight = state.boxHeight;
    acc.boxArea = state.boxArea;
    acc.textLength = state.textLength;
    acc.segmentSeconds = state.segmentSeconds;
    for (const [value, e] of state.sentimentMax) acc.sentimentMax.set(value, e);
    state.rowFindings(acc);
    return acc.finish();
  }

  finish(): DatasetResult {
    this.flush();
    this.datasetChecks();
    this.labelChecks();
    this.splitChecks();
    this.boxChecks();
    this.segmentChecks();
    this.sentimentChecks();
    const diagnostics = this.found.slice();
    for (const [code, n] of this.perCode) {
      if (n <= this.maxPerCode) continue;
      const unlisted = n - this.maxPerCode;
      // `data` says what was left out, so that reports can count those findings in their totals.
      diagnostics.push(
        this.make('dataset.truncated', this.anchor(), `${fmt(unlisted)} more \`${code}\` ${unlisted === 1 ? 'finding is' : 'findings are'} not listed (at most ${fmt(this.maxPerCode)} per code).`, undefined, {
          code,
          count: unlisted,
          severity: severityOf(code as DatasetCode, this.strict),
        }),
      );
    }
    this.resolveAnchors();
    const fileOrder = (d: DatasetDiagnostic) => (d.path === undefined ? -1 : (this.fileIndex.get(d.path) ?? -1));
    diagnostics.sort((a, b) => fileOrder(a) - fileOrder(b) || compareDiagnostics(a, b));
    return { diagnostics, stats: this.stats() };
  }

  // ---- per item ----

  private lastPath: string | undefined = '\u0000';
  private lastFileIndex = 0;

  private fileOf(path?: string): number {
    if (path === this.lastPath) return this.lastFileIndex;
    this.lastPath = path;
    this.lastFileIndex = this.fileIndexOf(path);
    return this.lastFileIndex;
  }

  private fileIndexOf(path?: string): number {
    const name = path ?? '';
    let f = this.fileIndex.get(name);
    if (f === undefined) {
      f = this.files.length;
      this.files.push(name);
      this.fileIndex.set(name, f);
      this.csvFile.push(this.csvOverride ?? /\.csv$/i.test(name));
    }
    return f;
  }

  private newUri(i: number, uri: string | undefined, split: number, hash: number): void {
    if ((i + 1) * STRIDE > this.rec.length) {
      const next = new Int32Array(this.rec.length * 2);
      next.set(this.rec);
      this.rec = next;
    }
    const rec = this.rec;
    const r = i * STRIDE;
    rec[r + R_LINE] = this.curDeferred !== undefined ? this.curLine : this.storeAnchor(i);
    rec[r + R_FILE_SPLIT] = (this.curFile << 2) | split;
    rec[r + R_HASH] = hash;
    if (uri === undefined) return;
    const duration = this.media?.get(uri)?.duration;
    const max = this.limits.maxVideoSeconds;
    if (this.video && duration !== undefined && max !== undefined && duration > max) this.videoTooLong(this.here(), uri, duration);
  }

  /** Anchors URI record `i` on the row being added (as `newUri` does), keeping its split. */
  private moveUriAnchor(i: number): void {
    const rec = this.rec;
    const r = i * STRIDE;
    const locs = this.locs;
    if (this.curDeferred !== undefined) {
      rec[r + R_LINE] = this.curLine;
      if (locs !== undefined && locs.length >= (i + 1) * 3) locs[i * 3 + 1] = 0;
    } else rec[r + R_LINE] = this.storeAnchor(i);
    rec[r + R_FILE_SPLIT] = (this.curFile << 2) | (rec[r + R_FILE_SPLIT] & 3);
  }

  /** Keeps the current row's anchor (column, end line, end column) for URI record `i`; returns its line. */
  private storeAnchor(i: number): number {
    let locs = this.locs;
    if (locs === undefined || locs.length < (i + 1) * 3) {
      const next = new Int32Array(Math.max(1024, (i + 1) * 6));
      if (locs !== undefined) next.set(locs);
      this.locs = locs = next;
    }
    const loc = this.curLoc ?? this.curItem?.anchor;
    if (loc === undefined) {
      locs[i * 3] = this.curColumn;
      locs[i * 3 + 1] = this.curEndLine;
      locs[i * 3 + 2] = this.curEndColumn;
      return this.curLine;
    }
    locs[i * 3] = loc.column;
    locs[i * 3 + 1] = loc.endLine;
    locs[i * 3 + 2] = loc.endColumn;
    return loc.line;
  }

  // ---- per-item findings (also replayed by the incremental dataset, so the messages are one) ----

  /** @internal */
  videoTooLong(loc: Loc, uri: string, duration: number): void {
    const max = this.limits.maxVideoSeconds ?? 0;
    this.emit('video.tooLong', loc, `${uri} is ${duration} s long; Vertex takes videos of at most ${fmt(max)} s (3 h) (${this.limits.source}). Cut it into shorter videos.`, undefined, { uri, duration, threshold: max });
  }

  // The duplicate findings below take `uri` undefined for items given as inline text: Vertex
  // deduplicates data items by content, so equal texts are one item, like equal URIs.

  /** @internal A later line of `uri` with another split than its first line (`first`). */
  splitConflict(loc: Loc, uri: string | undefined, first: Loc, firstSplit: number, split: number): void {
    const was = SPLIT_NAME[firstSplit] === 'unassigned' ? '(none)' : SPLIT_NAME[firstSplit];
    const is = SPLIT_NAME[split] === 'unassigned' ? '(none)' : SPLIT_NAME[split];
    const where = this.lineRef(first, loc.file);
    if (uri === undefined) {
      this.emit(
        'duplicate.textConflict',
        loc,
        `The same text is already on ${where} with ml_use ${was}, here ${is}; Vertex keeps one data item per distinct text, and one data item has one split. Give both lines the same ml_use, or remove one.`,
        [this.related(first, loc.file, 'first line with this text')],
        { field: 'mlUse' },
      );
      return;
    }
    this.emit(
      'duplicate.conflict',
      loc,
      `${uri} is already on ${where} with ml_use ${was}, here ${is}; one data item has one split. Give every line of this URI the same ml_use.`,
      [this.related(first, loc.file, 'first line with this URI')],
      { uri, field: 'mlUse' },
    );
  }

  /** @internal An exact repeat of a line (CSV: a row) of `uri`. */
  repeat(loc: Loc, uri: string | undefined, first: Loc, csv: boolean): void {
    const where = this.lineRef(first, loc.file);
    if (uri === undefined) {
      const what = csv ? 'row' : 'line';
      this.emit('duplicate.textRepeat', loc, `This ${what} repeats ${where} exactly (same text and annotations); Vertex imports one data item per distinct text. Remove this ${what}.`, [this.related(first, loc.file, `first ${what} with this text`)]);
    } else if (!csv) this.emit('duplicate.repeat', loc, `${uri} repeats ${where} exactly; Vertex imports it once. Remove this line.`, [this.related(first, loc.file, 'first line with this URI')], { uri });
    else this.emit('duplicate.repeat', loc, `This row repeats a row of ${uri} (${where}) exactly; Vertex imports it once. Remove this row.`, [this.related(first, loc.file, 'first row with this URI')], { uri });
  }

  /**
   * @internal A later JSONL line of `uri` where one of the two lines has no annotations: nothing
   * disagrees (the item is the annotated line), but the line without annotations is redundant.
   */
  unannotatedRepeat(loc: Loc, uri: string | undefined, first: Loc, laterEmpty: boolean): void {
    const where = this.lineRef(first, loc.file);
    const what = uri ?? 'The same text';
    const message = laterEmpty
      ? `${what} is already on ${where}; this line has no annotations, so it adds nothing to that data item. Remove this line.`
      : `${what} is already on ${where} without annotations; Vertex imports one data item, annotated as on this line. Remove ${where}.`;
    const related = [this.related(first, loc.file, uri === undefined ? 'first line with this text' : 'first line with this URI')];
    if (uri === undefined) this.emit('duplicate.textRepeat', loc, message, related);
    else this.emit('duplicate.repeat', loc, message, related, { uri });
  }

  /** @internal A later JSONL line of `uri` with other annotations. */
  annotationConflict(loc: Loc, uri: string | undefined, first: Loc): void {
    const where = this.lineRef(first, loc.file);
    if (splitsAnnotations(this.limits)) {
      // An item of several annotations: CSV rows of one item add up (documented for boxes); for
      // JSONL lines that is unverified, so a warning (ruling 1) rather than a conflict.
      const what = uri ?? 'The same text';
      this.emit(
        'duplicate.annotationsSplit',
        loc,
        `${what} is already on ${where} with other annotations. Vertex AI adds up CSV rows of one item, but does not document doing so for JSON Lines: put all annotations of this item on one line.`,
        [this.related(first, loc.file, uri === undefined ? 'first line with this text' : 'first line with this URI')],
        uri === undefined ? { field: 'annotations' } : { uri, field: 'annotations' },
      );
      return;
    }
    if (uri === undefined) {
      this.emit(
        'duplicate.textConflict',
        loc,
        `The same text is already on ${where} with different annotations; Vertex keeps one data item per distinct text, so the lines disagree. Put all annotations of this text on one line.`,
        [this.related(first, loc.file, 'first line with this text')],
        { field: 'annotations' },
      );
      return;
    }
    this.emit(
      'duplicate.conflict',
      loc,
      `${uri} is already on ${where} with different annotations; Vertex keeps one data item per media file, so the lines disagree. Put all annotations of this item on one line.`,
      [this.related(first, loc.file, 'first line with this URI')],
      { uri, field: 'annotations' },
    );
  }

  /** @internal A later CSV row of `uri` with another label, in a single-label format. */
  singleLabelConflict(loc: Loc, uri: string | undefined, first: Loc, existing: string): void {
    const title = formatInfo(this.format).title;
    const where = this.lineRef(first, loc.file);
    const has = this.format === 'text-sentiment' ? `sentiment ${existing}` : `label ${quote(existing)}`;
    const one = this.format === 'text-sentiment' ? 'one sentiment' : 'one label';
    if (uri === undefined) {
      this.emit(
        'duplicate.textConflict',
        loc,
        `The same text already has ${has} (${where}); ${title} takes ${one} per item, and equal texts are one item. Keep one of the rows.`,
        [this.related(first, loc.file, 'first row with this text')],
        { field: 'annotations' },
      );
      return;
    }
    this.emit(
      'duplicate.conflict',
      loc,
      `${uri} already has ${has} (${where}); ${title} takes ${one} per item. Keep one of the rows.`,
      [this.related(first, loc.file, 'first row with this URI')],
      { uri, field: 'annotations' },
    );
  }

  /** @internal */
  boxTooSmall(loc: Loc, label: string, w: number, h: number): void {
    const minEdge = this.limits.minBoxEdge ?? 0;
    this.emit(
      'box.tooSmall',
      loc,
      `Box ${quote(label)} is ${roundBelow(w, minEdge)} × ${roundBelow(h, minEdge)} of the image; Vertex needs both edges at least ${minEdge} of the image side (1%) (${this.limits.source}).`,
      undefined,
      { label, width: w, height: h, threshold: minEdge },
    );
  }

  /** @internal */
  boxTooSmallPx(loc: Loc, label: string, pw: number, ph: number, width: number, height: number, scale: number): void {
    const minPx = this.limits.minBoxPx ?? 0;
    const side = this.limits.trainingShortSide ?? Infinity;
    const scaled = scale < 1 ? ` after Vertex scales the ${width}×${height} image so its shorter side is ${side} px` : ` in the ${width}×${height} image`;
    this.emit(
      'box.tooSmallPx',
      loc,
      `Box ${quote(label)} is ${roundBelow(pw, minPx)} × ${roundBelow(ph, minPx)} px${scaled}; Vertex drops boxes smaller than ${minPx}×${minPx} px (${this.limits.source}).`,
      undefined,
      { label, widthPx: pw, heightPx: ph, threshold: minPx },
    );
  }

  /** @internal */
  segmentOutside(loc: Loc, label: string, start: number, end: number, duration: number): void {
    this.emit(
      'video.segmentOutside',
      loc,
      `Segment ${quote(label)} ${seconds(start)}–${seconds(end)} ${start > duration + EPSILON ? 'starts after the end of' : 'ends after'} the video (${duration} s long per the media sidecar); segments must lie within the video.`,
      undefined,
      { label, start, end, duration },
    );
  }

  /** @internal */
  trackOutside(loc: Loc, label: string, time: number, duration: number): void {
    this.emit('video.segmentOutside', loc, `Box ${quote(label)} at ${time}s is after the end of the video (${duration} s long per the media sidecar).`, undefined, { label, time, duration });
  }

  /** @internal */
  instanceInconsistent(loc: Loc, known: Loc, id: string, label: string, knownLabel: string, uri: string | undefined): void {
    this.emit(
      'tracking.instanceInconsistent',
      loc,
      `instanceId ${id} is ${quote(label)} here but ${quote(knownLabel)} on ${this.lineRef(known, loc.file)}; an instance is one object, with one label, across the frames of ${uri ?? 'this video'}.`,
      [this.related(known, loc.file, `instance ${id} first labeled here`)],
      { instanceId: id, label },
    );
  }

  /** @internal */
  instanceRepeated(loc: Loc, known: Loc | undefined, id: string, time: number, uri: string | undefined): void {
    this.emit(
      'tracking.instanceRepeated',
      loc,
      `instanceId ${id} already has a box at ${time}s in ${uri ?? 'this video'}; one object has one box per frame.`,
      [this.related(known ?? loc, loc.file, `instance ${id} first labeled here`)],
      { instanceId: id, time },
    );
  }

  private uriLoc(i: number): Loc {
    const rec = this.rec;
    const r = i * STRIDE;
    const line = rec[r + R_LINE];
    const locs = this.locs;
    const endLine = locs !== undefined && locs.length > i * 3 ? locs[i * 3 + 1] : 0;
    return {
      file: rec[r + R_FILE_SPLIT] >>> 2,
      line,
      column: endLine === 0 ? 0 : (locs as Int32Array)[i * 3],
      endLine: endLine === 0 ? line : endLine,
      endColumn: endLine === 0 ? 0 : (locs as Int32Array)[i * 3 + 2],
    };
  }

  private checkRepeat(
    key: number,
    uri: string | undefined,
    split: number,
    hash: number,
    annotations: readonly AnnotationFacts[],
    file: number,
  ): boolean {
    // The row's and the first row's locations are made only for a finding (most repeated rows of a CSV merge silently).
    const firstSplit = this.rec[key * STRIDE + R_FILE_SPLIT] & 3;
    if (split !== firstSplit) {
      this.conflicts++;
      this.splitConflict(this.here(), uri, this.uriLoc(key), firstSplit, split);
      return false;
    }
    const csv = this.csvFile[file];
    const firstHash = this.rec[key * STRIDE + R_HASH] >>> 0;
    if (!csv) {
      if (hash === firstHash) {
        this.repeats++;
        this.repeat(this.here(), uri, this.uriLoc(key), false);
        return true;
      }
      // A line without annotations (hash 0) adds nothing to the item, so it disagrees with nothing.
      if (hash === 0) {
        this.repeats++;
        this.unannotatedRepeat(this.here(), uri, this.uriLoc(key), true);
        return true;
      }
      if (firstHash === 0) {
        this.rec[key * STRIDE + R_HASH] = hash;
        this.repeats++;
        this.unannotatedRepeat(this.here(), uri, this.uriLoc(key), false);
        // Later lines of the URI are compared with this one, so their findings point here.
        this.moveUriAnchor(key);
        return false;
      }
      if (splitsAnnotations(this.limits)) this.annotationsSplit++;
      else this.conflicts++;
      this.annotationConflict(this.here(), uri, this.uriLoc(key));
      return false;
    }
    // A fingerprint not met on this URI's rows yet is kept (`add`), one met before is a repeat.
    if (hash === firstHash || !this.uriMoreRows.add(key, hash)) {
      this.repeats++;
      this.repeat(this.here(), uri, this.uriLoc(key), true);
      return true;
    }
    if (this.limits.singleLabel && annotations.length > 0) {
      const existing = this.rec[key * STRIDE + R_LABEL] - 1;
      const names = annotations.flatMap(annotationLabels);
      if (existing >= 0 && names.some((n) => this.labels.get(n)?.id !== existing)) {
        this.conflicts++;
        this.singleLabelConflict(this.here(), uri, this.uriLoc(key), this.labelList[existing].name);
      }
    }
    return false;
  }

  private labelOf(name: string): LabelState {
    let label = this.labels.get(name);
    if (!label) {
      if (isBlankLabel(name)) return this.blankLabel;
      const loc = this.here();
      label = {
        id: this.labelList.length,
        name,
        items: 0,
        annotations: 0,
        splits: emptySplits(),
        first: loc,
        related: [],
        more: 0,
        lastFile: loc.file,
        lastLine: loc.line,
        lastRow: 0,
        classificationHash: classificationHash(name),
        boxHash: boxLabelHash(name),
      };
      this.labels.set(name, label);
      this.labelList.push(label);
    }
    return label;
  }

  /**
   * Records that item `key` carries label `id` (once per row already); true when it did not before.
   * Every label of an item is kept only for CSV, whose rows add labels to an item; a JSONL line is
   * the whole item, so its first label is enough (for the single-label conflict check).
   */
  private itemTakesLabel(key: number, id: number): boolean {
    if (key < 0 || !this.seenBefore) {
      if (!this.rowLabeled) {
        this.rowLabeled = true;
        this.labeledItems++;
      }
      if (key >= 0) {
        const r = key * STRIDE + R_LABEL;
        if (this.rec[r] === 0) this.rec[r] = id + 1;
        else if (this.csvFile[this.curFile]) this.uriMoreLabels.add(key, id);
      }
      return true;
    }
    const first = this.rec[key * STRIDE + R_LABEL] - 1;
    if (first === id) return false;
    if (first < 0) {
      this.rec[key * STRIDE + R_LABEL] = id + 1;
      this.labeledItems++;
      return true;
    }
    // False when the item had the label already.
    return this.uriMoreLabels.add(key, id);
  }

  private annotationChecks(a: AnnotationFacts, key: number, uri: string | undefined): void {
    switch (a.kind) {
      case 'box':
        this.boxCheck(a.label, a.xMin, a.yMin, a.xMax, a.yMax, key, uri);
        break;
      case 'timeSegment':
        this.segmentAdd(a.label, a.start, a.end, key, uri);
        break;
      case 'trackedBox':
        this.trackAdd(a, key, uri);
        break;
      case 'sentiment': {
        const entry = this.sentimentMax.get(a.sentimentMax);
        if (entry) entry.items++;
        else this.sentimentMax.set(a.sentimentMax, { items: 1, loc: this.here() });
        break;
      }
      default:
        break;
    }
  }

  private boxCheck(label: string, xMin: number, yMin: number, xMax: number, yMax: number, key: number, uri: string | undefined): void {
    this.boxCount++;
    if (key >= 0) {
      this.uriBoxes.ensure(this.uriCount);
      if (++this.uriBoxes.data[key] > (this.limits.maxBoxesPerImage ?? Infinity) && uri !== undefined) this.crowded.set(key, uri);
    }
    const w = xMax - xMin;
    const h = yMax - yMin;
    // Swapped or empty boxes are the line validator's finding (box.minMax), not a size problem.
    if (!Number.isFinite(w) || !Number.isFinite(h) || w <= 0 || h <= 0) return;
    this.boxWidth.add(w);
    this.boxHeight.add(h);
    this.boxArea.add(w * h);
    const minEdge = this.limits.minBoxEdge;
    if (minEdge !== undefined && (w < minEdge - EPSILON || h < minEdge - EPSILON)) {
      this.boxTooSmall(this.here(), label, w, h);
      return;
    }
    const size = uri !== undefined ? this.media?.get(uri) : undefined;
    const minPx = this.limits.minBoxPx;
    if (minPx !== undefined && size?.width !== undefined && size.height !== undefined) {
      const side = this.limits.trainingShortSide ?? Infinity;
      const scale = Math.min(1, side / Math.min(size.width, size.height));
      const pw = w * size.width * scale;
      const ph = h * size.height * scale;
      if (pw < minPx - EPSILON || ph < minPx - EPSILON) this.boxTooSmallPx(this.here(), label, pw, ph, size.width, size.height, scale);
    }
  }

  private duration(uri: string | undefined): number | undefined {
    return uri !== undefined ? this.media?.get(uri)?.duration : undefined;
  }

  private segmentAdd(labelName: string, start: number, end: number, key: number, uri: string | undefined): void {
    this.segmentCount++;
    const duration = this.duration(uri);
    const realEnd = end === Infinity && duration !== undefined ? duration : end;
    if (Number.isFinite(realEnd) && Number.isFinite(start)) this.segmentSeconds.add(realEnd - start);
    if (duration !== undefined && (start > duration + EPSILON || (Number.isFinite(end) && end > duration + EPSILON))) this.segmentOutside(this.here(), labelName, start, end, duration);
    const label = this.labels.get(labelName);
    if (!label) return;
    let group: number;
    if (key >= 0) {
      const byKey = this.sgGroupOfKey;
      byKey.ensure(key + 1);
      group = byKey.data[key] - 1;
      if (group < 0) byKey.data[key] = (group = this.sgGroups++) + 1;
    } else if (key === this.sgAnonKey) group = this.sgAnonGroup;
    else {
      this.sgAnonKey = key;
      group = this.sgAnonGroup = this.sgGroups++;
    }
    const i = this.sgCount++;
    if (i === this.sgStart.length) {
      const starts = new Float64Array(i * 2);
      starts.set(this.sgStart);
      this.sgStart = starts;
      const ends = new Float64Array(i * 2);
      ends.set(this.sgEnd);
      this.sgEnd = ends;
    }
    this.sgGroup.ensure(i + 1);
    this.sgLabel.ensure(i + 1);
    this.sgGroup.data[i] = group;
    this.sgLabel.data[i] = label.id;
    this.sgStart[i] = start;
    this.sgEnd[i] = realEnd;
    let locs = this.sgLoc;
    if ((i + 1) * 5 > locs.length) {
      locs = new Int32Array(locs.length * 2);
      locs.set(this.sgLoc);
      this.sgLoc = locs;
    }
    // The numbers of `here()`, without making the object.
    const at = i * 5;
    locs[at] = this.curFile;
    const loc = this.curLoc;
    if (loc !== undefined) {
      locs[at + 1] = loc.line;
      locs[at + 2] = loc.column;
      locs[at + 3] = loc.endLine;
      locs[at + 4] = loc.endColumn;
    } else if (this.curDeferred !== undefined) {
      locs[at + 1] = locs[at + 3] = this.curLine;
      locs[at + 2] = locs[at + 4] = 0;
    } else if (this.curItem !== undefined) {
      const a = this.curItem.anchor;
      locs[at + 1] = a.line;
      locs[at + 2] = a.column;
      locs[at + 3] = a.endLine;
      locs[at + 4] = a.endColumn;
    } else {
      locs[at + 1] = this.curLine;
      locs[at + 2] = this.curColumn;
      locs[at + 3] = this.curEndLine;
      locs[at + 4] = this.curEndColumn;
    }
  }

  private trackAdd(a: Extract<AnnotationFacts, { kind: 'trackedBox' }>, key: number, uri: string | undefined): void {
    this.trackedBoxes++;
    let track = this.tracks.get(key);
    if (!track) this.tracks.set(key, (track = { instances: new Map(), frames: new Set() }));
    track.frames.add(a.time);
    const duration = this.duration(uri);
    if (duration !== undefined && a.time > duration + EPSILON) this.trackOutside(this.here(), a.label, a.time, duration);
    const id = a.instanceId;
    if (id === undefined || id === '' || id === '-1') return;
    const label = this.labels.get(a.label);
    if (!label) return;
    const known = track.instances.get(id);
    if (!known) {
      track.instances.set(id, { label: label.id, loc: this.here(), times: [a.time] });
      return;
    }
    if (known.label !== label.id) this.instanceInconsistent(this.here(), known.loc, id, a.label, this.labelList[known.label].name, uri);
    // One box per instance and time: the times of the instance so far.
    const times = known.times;
    if (Array.isArray(times) ? times.includes(a.time) : times.has(a.time)) this.instanceRepeated(this.here(), known.loc, id, a.time, uri);
    else if (!Array.isArray(times)) times.add(a.time);
    else if (times.length < TIMES_LIST) times.push(a.time);
    else known.times = new Set(times).add(a.time);
  }

  // ---- at the end ----

  private datasetChecks(): void {
    const L = this.limits;
    const title = formatInfo(this.format).title;
    const at = this.anchor();
    const labelCount = this.labelList.length;
    if (L.minItems !== undefined && this.items < L.minItems) {
      const excluded = this.excludedRows;
      const note = excluded > 0 ? ` ${count(excluded, 'lines')} with errors ${excluded === 1 ? 'is' : 'are'} not counted: Vertex drops such lines at import.` : '';
      this.emit(
        'dataset.tooFewItems',
        at,
        `The dataset has ${count(this.items, L.itemNoun)}; ${title} needs at least ${fmt(L.minItems)} (${L.source}). Add ${L.itemNoun} before training.${note}`,
        undefined,
        excluded > 0 ? { count: this.items, threshold: L.minItems, excludedRows: excluded } : { count: this.items, threshold: L.minItems },
      );
    }
    if (L.maxItems !== undefined && this.items > L.maxItems) {
      this.emit('dataset.tooManyItems', at, `The dataset has ${fmt(this.items)} ${L.itemNoun}; ${/^[aeiou]/i.test(title) ? 'an' : 'a'} ${title} dataset holds at most ${fmt(L.maxItems)} (${L.source}). Split it into several datasets.`, undefined, { count: this.items, threshold: L.maxItems });
    }
    if (L.minLabels !== undefined && labelCount < L.minLabels) {
      this.emit('dataset.tooFewLabels', at, `The dataset has ${fmt(labelCount)} distinct label${labelCount === 1 ? '' : 's'}; ${title} needs at least ${fmt(L.minLabels)} (${L.source}). Label items with ${L.minLabels === 1 ? 'at least one label' : 'more labels'}.`, undefined, { count: labelCount, threshold: L.minLabels });
    }
    if (L.maxLabels !== undefined && labelCount > L.maxLabels) {
      this.emit('dataset.tooManyLabels', at, `The dataset has ${fmt(labelCount)} distinct labels; ${title} allows at most ${fmt(L.maxLabels)} (${L.source}). Merge or drop labels.`, undefined, { count: labelCount, threshold: L.maxLabels });
    }
    if (L.minAnnotations !== undefined && this.boxCount < L.minAnnotations) {
      this.emit('dataset.tooFewAnnotations', at, `The dataset has ${count(this.boxCount, 'bounding boxes')}; ${title} needs at least ${fmt(L.minAnnotations)} annotations (${L.source}). Draw more boxes.`, undefined, { count: this.boxCount, threshold: L.minAnnotations });
    }
    const boxes = this.format === 'video-object-tracking' ? this.trackedBoxes : this.boxCount;
    if (L.maxBoxes !== undefined && boxes > L.maxBoxes) {
      this.emit('dataset.tooManyBoxes', at, `The dataset has ${fmt(boxes)} bounding boxes; a dataset holds at most ${fmt(L.maxBoxes)} (${L.source}). Split it into several datasets.`, undefined, { count: boxes, threshold: L.maxBoxes });
    }
    if (L.maxFrames !== undefined) {
      const frames = this.frameCount();
      if (frames > L.maxFrames) {
        this.emit('dataset.tooManyFrames', at, `The dataset has ${fmt(frames)} labeled frames; an object tracking dataset holds at most ${fmt(L.maxFrames)} (${L.source}). Split it into several datasets.`, undefined, { count: frames, threshold: L.maxFrames });
      }
    }
  }

  private labelChecks(): void {
    const L = this.limits;
    const noun = this.format === 'text-sentiment' ? 'sentiment value' : 'label';
    if (this.format !== 'text-sentiment') this.similarLabels();
    if (L.maxLabelLength !== undefined) {
      const max = L.maxLabelLength;
      for (const label of this.labelList) {
        if (label.name.length <= max) continue;
        const length = [...label.name].length;
        if (length <= max) continue;
        this.emit(
          'label.tooLong',
          label.first,
          `Label ${quote(label.name)} is longer than the ${max} characters Vertex allows for a label (AnnotationSpec display name), so its annotations cannot be imported; shorten it.${this.otherLines(label)}`,
          this.labelRelated(label),
          { label: label.name, length, threshold: max },
        );
      }
    }
    if (L.minItemsPerLabel !== undefined) {
      const min = L.minItemsPerLabel;
      for (const label of this.labelList) {
        if (label.items >= min) continue;
        this.emit(
          'label.tooFewItems',
          label.first,
          `${capital(noun)} ${quote(label.name)} is on ${count(label.items, L.itemNoun)}; ${formatInfo(this.format).title} needs at least ${fmt(min)} ${L.itemNoun} per ${noun} (${L.source}). Add ${L.itemNoun} with it, or drop it.${this.otherLines(label)}`,
          this.labelRelated(label),
          { label: label.name, count: label.items, threshold: min },
        );
      }
    }
    if (L.recommendedUsesPerLabel !== undefined) {
      const min = L.recommendedUsesPerLabel;
      for (const label of this.labelList) {
        if (label.annotations >= min) continue;
        this.emit(
          'label.fewUses',
          label.first,
          `Label ${quote(label.name)} is annotated ${count(label.annotations, 'times')}; Google recommends at least ${fmt(min)} uses per entity label (${L.source}). Annotate more of its occurrences.${this.otherLines(label)}`,
          this.labelRelated(label),
          { label: label.name, count: label.annotations, threshold: min },
        );
      }
    }
    if (L.maxImbalance !== undefined && this.labelList.length >= 2) {
      let top = this.labelList[0];
      for (const label of this.labelList) if (label.items > top.items) top = label;
      for (const label of this.labelList) {
        if (label.items === 0 || top.items <= L.maxImbalance * label.items) continue;
        const ratio = top.items / label.items;
        this.emit(
          'label.imbalance',
          label.first,
          `Label ${quote(label.name)} is on ${count(label.items, L.itemNoun)} and ${quote(top.name)} on ${fmt(top.items)}: ${round(ratio)}× more; keep the most/least frequent ratio at most ${L.maxImbalance}× (${L.source}).`,
          [this.related(top.first, label.first.file, `first line of the most frequent label ${quote(top.name)}`)],
          { label: label.name, ratio, mostFrequent: top.name, threshold: L.maxImbalance },
        );
      }
    }
  }

  /** Labels that are one label to a reader: equal after Unicode composition (NFC) and lower-casing. */
  private similarLabels(): void {
    const seen = new Map<string, LabelState>();
    for (const label of this.labelList) {
      const key = label.name.normalize('NFC').toLowerCase();
      const earlier = seen.get(key);
      if (!earlier) {
        seen.set(key, label);
        continue;
      }
      const how =
        label.name.toLowerCase() === earlier.name.toLowerCase()
          ? 'in letter case'
          : label.name.normalize('NFC') === earlier.name.normalize('NFC')
            ? 'in how its characters are composed (Unicode normalization)'
            : 'in letter case and in how its characters are composed (Unicode normalization)';
      this.emit(
        'label.similar',
        label.first,
        `Label ${quote(label.name)} differs from ${quote(earlier.name)} (${this.lineRef(earlier.first, label.first.file)}) only ${how}, so the dataset has two labels where one is probably meant. Use one spelling.`,
        [this.related(earlier.first, label.first.file, `first line of ${quote(earlier.name)}`)],
        { label: label.name, similarTo: earlier.name },
      );
    }
  }

  private splitChecks(): void {
    const assigned = this.splits.training + this.splits.validation + this.splits.test;
    if (assigned === 0) return;
    const at = this.anchor();
    const required = this.allowedSplits;
    for (const s of required) {
      if (this.splits[s] > 0) continue;
      this.emit(
        'split.empty',
        at,
        `ml_use puts ${count(assigned, 'items')} in splits but none in ${s}; training with this split needs items in ${required.join(', ')} (DOC-MLUSE).`,
        undefined,
        { split: s },
      );
    }
    const present = required.filter((s) => this.splits[s] > 0);
    const noun = this.format === 'text-sentiment' ? 'sentiment value' : 'label';
    for (const label of this.labelList) {
      const missing = present.filter((s) => label.splits[s] === 0);
      if (missing.length === 0) continue;
      this.emit(
        'split.missingLabel',
        label.first,
        `${capital(noun)} ${quote(label.name)} has no items in the ${list(missing)} split${missing.length > 1 ? 's' : ''} (${SPLITS.filter((s) => required.includes(s)).map((s) => `${s} ${label.splits[s]}`).join(', ')}); every label needs items in every split (DOC-MLUSE).`,
        this.labelRelated(label),
        { label: label.name, splits: missing },
      );
    }
    if (this.video) return;
    const pct = (n: number) => Math.round((100 * n) / assigned);
    const off = SPLITS.some((s) => Math.abs(this.splits[s] / assigned - DEFAULT_FRACTIONS[s]) > FRACTION_TOLERANCE + EPSILON);
    if (off) {
      this.emit(
        'split.fractions',
        at,
        `ml_use splits the items ${pct(this.splits.training)}/${pct(this.splits.validation)}/${pct(this.splits.test)} (training/validation/test), far from Vertex's default 80/10/10${this.splits.unassigned ? `; ${count(this.splits.unassigned, 'items')} ${this.splits.unassigned === 1 ? 'has' : 'have'} no ml_use` : ''} (DOC-MLUSE).`,
        undefined,
        { training: this.splits.training, validation: this.splits.validation, test: this.splits.test, unassigned: this.splits.unassigned },
      );
    }
  }

  private boxChecks(): void {
    const max = this.limits.maxBoxesPerImage;
    if (max === undefined) return;
    const counts = this.uriBoxes.data;
    const crowded = this.injected ? this.injected.crowded : [...this.crowded].map(([i, uri]) => ({ uri, count: counts[i], loc: this.uriLoc(i) }));
    for (const { uri, count, loc } of crowded) {
      this.emit('box.tooMany', loc, `${uri} has ${fmt(count)} bounding boxes; Vertex takes at most ${max} per image (${this.limits.source}). Remove boxes from this image.`, undefined, { uri, count, threshold: max });
    }
  }

  private segmentChecks(): void {
    if (this.injected) return this.injected.overlaps(this);
    const n = this.sgCount;
    const G = this.sgGroups;
    if (n === 0) return;
    // The segments of each group in the order they came (a stable counting sort), groups in the
    // order of their first segment; a video with one segment has nothing to overlap.
    const groupOf = this.sgGroup.data;
    const from = new Int32Array(G + 1);
    for (let i = 0; i < n; i++) from[groupOf[i] + 1]++;
    for (let g = 0; g < G; g++) from[g + 1] += from[g];
    const next = from.slice(0, G);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[groupOf[i]]++] = i;
    for (let g = 0; g < G; g++) {
      if (from[g + 1] - from[g] < 2) continue;
      const list: Segment[] = [];
      for (let k = from[g]; k < from[g + 1]; k++) {
        const i = order[k];
        const l = this.sgLoc;
        const loc: Loc = { file: l[i * 5], line: l[i * 5 + 1], column: l[i * 5 + 2], endLine: l[i * 5 + 3], endColumn: l[i * 5 + 4] };
        list.push({ label: this.sgLabel.data[i], start: this.sgStart[i], end: this.sgEnd[i], loc });
      }
      for (const [seg, holder] of overlappingSegments(list)) this.overlap(this.labelList[seg.label].name, seg, holder);
    }
  }

  /** @internal A time segment overlapping an earlier one (`holder`) of the same label on the same video. */
  overlap(name: string, seg: Segment, holder: Segment): void {
    this.emit(
      'video.overlap',
      seg.loc,
      `Segment ${quote(name)} ${seconds(seg.start)}–${seconds(seg.end)} overlaps ${seconds(holder.start)}–${seconds(holder.end)} of the same label (${this.lineRef(holder.loc, seg.loc.file)}); merge them into one segment.`,
      [this.related(holder.loc, seg.loc.file, 'the overlapping segment')],
      { label: name, start: seg.start, end: seg.end },
    );
  }

  private sentimentChecks(): void {
    if (!this.limits.consecutiveSentiment) return;
    const used = new Set<number>();
    for (const label of this.labelList) {
      const n = Number(label.name);
      if (Number.isInteger(n)) used.add(n);
    }
    if (used.size === 0) return;
    let top = -1;
    let topItems = -1;
    for (const [value, e] of this.sentimentMax) if (e.items > topItems) [top, topItems] = [value, e.items];
    const highest = Math.max(top, ...used);
    const missing: number[] = [];
    for (let v = 0; v <= highest && v <= 10; v++) if (!used.has(v)) missing.push(v);
    if (missing.length) {
      this.emit(
        'sentiment.notConsecutive',
        this.anchor(),
        `Sentiment value${missing.length > 1 ? 's' : ''} ${list(missing.map(String))} ${missing.length > 1 ? 'are' : 'is'} never used; values must be consecutive from 0 up to ${highest} (${this.limits.source}).`,
        undefined,
        { missing, max: highest },
      );
    }
    for (const [value, e] of this.sentimentMax) {
      if (value === top) continue;
      this.emit(
        'sentiment.maxInconsistent',
        e.loc,
        `sentimentMax is ${value} on ${fmt(e.items)} item${e.items === 1 ? '' : 's'} (first here) but ${top} on ${fmt(topItems)}; use one sentimentMax for the whole dataset (${this.limits.source}).`,
        [this.related(this.sentimentMax.get(top)!.loc, e.loc.file, `first item with sentimentMax ${top}`)],
        { value, expected: top },
      );
    }
  }

  private frameCount(): number {
    if (this.injected) return this.injected.frames;
    let frames = 0;
    for (const t of this.tracks.values()) frames += t.frames.size;
    return frames;
  }

  private stats(): DatasetStats {
    const labels: LabelStats[] = this.labelList
      .map((l) => ({ name: l.name, items: l.items, annotations: l.annotations, splits: { ...l.splits } }))
      .sort((a, b) => b.items - a.items || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const counted = labels.filter((l) => l.items > 0);
    const imbalanceRatio = counted.length >= 2 ? counted[0].items / counted[counted.length - 1].items : null;
    const stats: DatasetStats = {
      format: this.format,
      files: this.files.slice(),
      rows: this.rows,
      ...(this.excludedRows > 0 ? { excludedRows: this.excludedRows } : {}),
      items: this.items,
      labeledItems: this.labeledItems,
      annotations: this.annotations,
      labels,
      splits: { ...this.splits },
      mlUseUsed: this.mlUseUsed,
      imbalanceRatio,
      duplicates: { repeats: this.repeats, conflicts: this.conflicts, annotationsSplit: this.annotationsSplit },
    };
    if (this.boxCount > 0 || this.format === 'image-bounding-box') {
      let perImage: HistogramSink;
      if (this.injected) perImage = this.injected.boxesPerImage;
      else {
        const n = this.uris.size;
        this.uriBoxes.ensure(n);
        const counts = this.uriBoxes.data;
        // Counts are whole numbers: tallied per value, then added a value at a time (the same sums).
        const tally = new Float64Array(1024);
        const builder = new HistogramBuilder(BOXES_PER_IMAGE_EDGES);
        for (let i = 0; i < n; i++) {
          const c = counts[i];
          if (c < 1024) tally[c]++;
          else builder.add(c);
        }
        for (let c = 0; c < 1024; c++) builder.addTimes(c, tally[c]);
        perImage = builder;
      }
      stats.boxes = {
        count: this.boxCount,
        perImage: perImage.toJSON(),
        width: this.boxWidth.toJSON(),
        height: this.boxHeight.toJSON(),
        area: this.boxArea.toJSON(),
      };
    }
    if (this.textLength.count > 0) stats.textLength = this.textLength.toJSON();
    if (this.segmentCount > 0) stats.videoSegments = { count: this.segmentCount, duration: this.segmentSeconds.toJSON() };
    if (this.trackedBoxes > 0) {
      let instances = this.injected?.instances ?? 0;
      for (const t of this.tracks.values()) instances += t.instances.size;
      stats.tracking = { boxes: this.trackedBoxes, frames: this.frameCount(), instances };
    }
    if (this.sentimentMax.size > 0) {
      stats.sentimentMax = [...this.sentimentMax].map(([value, e]) => ({ value, items: e.items })).sort((a, b) => a.value - b.value);
    }
    return stats;
  }

  // ---- diagnostics ----

  private anchor(): Loc {
    return this.datasetAnchor ?? { file: 0, line: 1, column: 1, endLine: 1, endColumn: 2 };
  }

  private lineRef(loc: Loc, fromFile: number): string {
    return loc.file === fromFile || !this.files[loc.file] ? `line ${loc.line}` : `${this.describePath(this.files[loc.file])}:${loc.line}`;
  }

  private related(loc: Loc, fromFile: number, message: string): RelatedLocation {
    const r: RelatedLocation = { line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn, message };
    if (loc.file !== fromFile && this.files[loc.file]) r.path = this.files[loc.file];
    else if (loc.column === 0 && loc.file !== fromFile) {
      // In another file that has no path to name it by later (see `emit`): found now.
      const a = this.sources[loc.file]?.resolve([loc.line]).get(loc.line);
      r.column = a?.column ?? 1;
      r.endLine = a?.endLine ?? loc.line;
      r.endColumn = a?.endColumn ?? 2;
    }
    return r;
  }

  /** Fills in the deferred anchors that findings kept (one re-read per file that has any). */
  private resolveAnchors(): void {
    if (this.unresolved.length === 0) return;
    const lines = new Map<number, number[]>();
    for (const { at, file } of this.unresolved) {
      const list = lines.get(file);
      if (list) list.push(at.line);
      else lines.set(file, [at.line]);
    }
    const found = new Map<number, Map<number, Range>>();
    for (const [file, list] of lines) found.set(file, this.sources[file]?.resolve(list) ?? new Map<number, Range>());
    for (const { at, file } of this.unresolved) {
      const r = found.get(file)?.get(at.line);
      // A line that holds no item any more (the file changed since it was read): its first character.
      at.column = r?.column ?? 1;
      at.endLine = r?.endLine ?? at.line;
      at.endColumn = r?.endColumn ?? 2;
      if (r) at.line = r.line;
    }
    this.unresolved.length = 0;
  }

  private labelRelated(label: LabelState): RelatedLocation[] {
    return label.related.map((l) => this.related(l, label.first.file, `also uses ${quote(label.name)}`));
  }

  private otherLines(label: LabelState): string {
    const n = label.related.length + label.more;
    if (n === 0) return '';
    return ` ${fmt(n)} other line${n === 1 ? '' : 's'} use${n === 1 ? 's' : ''} it${label.more ? ` (the first ${fmt(label.related.length)} listed as related locations)` : ' (related locations)'}.`;
  }

  private make(code: DatasetCode, loc: Loc, message: string, related?: RelatedLocation[], data?: Record<string, unknown>): DatasetDiagnostic {
    const d: DatasetDiagnostic = {
      line: loc.line,
      column: loc.column,
      endLine: loc.endLine,
      endColumn: loc.endColumn,
      severity: severityOf(code, this.strict),
      code,
      message,
    };
    if (related && related.length) d.related = related;
    if (data) d.data = { ...data, source: datasetCodeInfo(code).source };
    const path = this.files[loc.file];
    if (path) d.path = path;
    if (loc.column === 0) this.unresolved.push({ at: d, file: loc.file });
    return d;
  }

  private emit(code: DatasetCode, loc: Loc, message: string, related?: RelatedLocation[], data?: Record<string, unknown>): void {
    const n = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, n);
    if (n > this.maxPerCode) return;
    const d = this.make(code, loc, message, related, data);
    if (d.related) {
      // A related location still at column 0 without a path is in the finding's file (see `related`).
      for (const r of d.related) if (r.column === 0) this.unresolved.push({ at: r, file: r.path === undefined ? loc.file : (this.fileIndex.get(r.path) ?? loc.file) });
    }
    this.found.push(d);
  }
}

function round(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** `round`, with more digits when 3 would show a value below `limit` as the limit itself (0.0099 as 0.01). */
function roundBelow(n: number, limit: number): string {
  if (!(n < limit - EPSILON)) return round(n);
  for (let digits = 3; digits <= 12; digits++) {
    const r = Math.round(n * 10 ** digits) / 10 ** digits;
    if (r < limit) return String(r);
  }
  return String(n);
}

/** A time in the import format's notation: `1.5s`, or `Infinity` for the end of the video. */
function seconds(t: number): string {
  return t === Infinity ? 'Infinity' : `${t}s`;
}

function capital(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
