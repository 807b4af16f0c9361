/**
 * Dataset checks and statistics over items that change one at a time (the editor: an edit replaces
 * the facts of a few lines). `add`, `remove` and `replace` cost the size of the items sharing a
 * media URI with the changed ones (they are evaluated again together, as the accumulator would see
 * them) plus sorted-array updates per label (a splice: linear in the label's lines, a memory
 * move); `result` costs the size of the findings and statistics (labels, findings, their
 * locations), not the number of items, except for a rescan of all items when the first item or
 * the last copy of a histogram's minimum or maximum was removed. The result equals a
 * `DatasetAccumulator` fed the current items in order (a property test holds the two together):
 * the end-of-dataset checks and all messages are the accumulator's own (`finishFrom`).
 */
import { formatInfo, type FormatId } from '../formats';
import type { AnnotationFacts, ItemFacts } from '../items';
import { annotationLabels, isBlankLabel } from '../items';
import {
  annotationsHash,
  bump,
  DatasetAccumulator,
  EPSILON,
  overlappingSegments,
  splitCode,
  splitsAnnotations,
  type DatasetOptions,
  type DatasetResult,
  type FinishedState,
  type HistogramSink,
  type Loc,
} from './accumulator';
import { DATASET_LIMITS, type DatasetLimits } from './limits';
import {
  BOX_AREA_EDGES,
  BOX_SIZE_EDGES,
  BOXES_PER_IMAGE_EDGES,
  bucketOf,
  emptySplits,
  SEGMENT_SECONDS_EDGES,
  TEXT_LENGTH_EDGES,
  type Histogram,
  type SplitCounts,
} from './stats';

type Finding = (acc: DatasetAccumulator) => void;

interface Row {
  facts: ItemFacts;
  file: number;
  /** Place among the items of its file (ascending). */
  order: number;
  group: Group;
  /** From the last evaluation of the group: per-item findings in the order the accumulator emits them. */
  findings?: Finding[];
}

/** Where a label first appears among a row's annotations (labels first used on one row rank in this order). */
function labelPlace(row: Row, name: string): number {
  let place = 0;
  for (const a of row.facts.annotations) {
    for (const label of annotationLabels(a)) {
      if (label === name) return place;
      place++;
    }
  }
  return place;
}

interface LabelUse {
  name: string;
  items: number;
  annotations: number;
  splits: SplitCounts;
  rows: Row[];
}

interface Overlap {
  label: string;
  seg: { start: number; end: number; row: Row };
  holder: { start: number; end: number; row: Row };
}

/** What one group (the items of one media URI, or one item without a URI) adds to the dataset. */
interface GroupEval {
  split: number;
  labeled: number;
  repeats: number;
  conflicts: number;
  annotationsSplit: number;
  annotations: number;
  labels: LabelUse[];
  // Values for the histograms; absent when none (most groups are one item with one kind of value).
  textLength?: number[];
  /** Width, height and area of each box. */
  boxes?: number[];
  segmentSeconds?: number[];
  boxCount: number;
  /** The row on which the image went over the per-image box limit. */
  crowdedAt?: Row;
  /** The row the item's URI findings sit on, when not its first row (see `evaluate`). */
  anchorRow?: Row;
  segmentCount: number;
  firstSegmentRow?: Row;
  overlaps?: Overlap[];
  trackedBoxes: number;
  frames: number;
  instances: number;
  sentiment?: Map<number, Row[]>;
  findingRows?: Row[];
}

/** Per-video state while a group is evaluated (made when first needed). */
interface VideoState {
  segments?: { label: number; start: number; end: number; row: Row }[];
  segmentLabels?: string[];
  instances?: Map<string, { label: string; row: Row }>;
  frames?: Set<number>;
  seen?: Set<string>;
}

interface Group {
  /** The media URI, or undefined for inline text (`text`) and for an item with neither. */
  uri?: string;
  /** Keyed by the inline text (equal texts are one data item). */
  text: boolean;
  rows: Row[];
  eval?: GroupEval;
}

interface GlobalLabel {
  items: number;
  annotations: number;
  splits: SplitCounts;
  rows: Row[];
}

function compareRows(a: Row, b: Row): number {
  return a.file - b.file || a.order - b.order;
}

/** Index of `row` in sorted `list`, or where it would go (binary search). */
function search(list: readonly Row[], row: Row): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareRows(list[mid], row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: Row[], row: Row): void {
  const n = list.length;
  if (n === 0 || compareRows(list[n - 1], row) < 0) list.push(row);
  else list.splice(search(list, row), 0, row);
}

function removeSorted(list: Row[], row: Row): void {
  let i = search(list, row);
  while (i < list.length && list[i] !== row && compareRows(list[i], row) === 0) i++;
  if (list[i] === row) list.splice(i, 1);
}

function addSplits(to: SplitCounts, from: SplitCounts, sign: number): void {
  to.training += sign * from.training;
  to.validation += sign * from.validation;
  to.test += sign * from.test;
  to.unassigned += sign * from.unassigned;
}

/**
 * A histogram that also takes values out: the same buckets, count, mean, min and max as
 * `HistogramBuilder` over the values it holds (the mean may differ in the last bits, as floating-
 * point sums do when added in another order). When the last copy of the minimum or maximum is
 * taken out, the extremes are found again from `values` (all values held), when next read.
 */
export class MultisetHistogram implements HistogramSink {
  private readonly counts: number[];
  private n = 0;
  /** Compensated (Neumaier) sum: taking values out again must not leave rounding residue behind. */
  private sum = 0;
  private carry = 0;
  private lo = Infinity;
  private hi = -Infinity;
  /** How many held values equal `lo` and `hi`. */
  private atLo = 0;
  private atHi = 0;
  private stale = false;

  constructor(
    private readonly edges: readonly number[],
    private readonly values: () => Iterable<number>,
  ) {
    this.counts = new Array<number>(edges.length).fill(0);
  }

  get count(): number {
    return this.n;
  }

  private bucket(value: number): number {
    return bucketOf(this.edges, value);
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n++;
    this.addToSum(value);
    this.counts[this.bucket(value)]++;
    if (this.stale) return;
    if (value < this.lo) (this.lo = value), (this.atLo = 1);
    else if (value === this.lo) this.atLo++;
    if (value > this.hi) (this.hi = value), (this.atHi = 1);
    else if (value === this.hi) this.atHi++;
  }

  delete(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n--;
    if (this.n === 0) this.sum = this.carry = 0;
    else this.addToSum(-value);
    this.counts[this.bucket(value)]--;
    if (value === this.lo && --this.atLo === 0) this.stale = true;
    if (value === this.hi && --this.atHi === 0) this.stale = true;
  }

  /** Tracks the extremes of a value already counted. */
  private add0(value: number): void {
    if (value < this.lo) (this.lo = value), (this.atLo = 1);
    else if (value === this.lo) this.atLo++;
    if (value > this.hi) (this.hi = value), (this.atHi = 1);
    else if (value === this.hi) this.atHi++;
  }

  private addToSum(value: number): void {
    const t = this.sum + value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - t + value : value - t + this.sum;
    this.sum = t;
  }

  toJSON(): Histogram {
    if (this.stale) {
      this.lo = Infinity;
      this.hi = -Infinity;
      this.stale = false;
      for (const v of this.values()) if (Number.isFinite(v)) this.add0(v);
    }
    const buckets = this.edges.map((from, i) => ({ from, to: i + 1 < this.edges.length ? this.edges[i + 1] : null, count: this.counts[i] }));
    return { count: this.n, min: this.n ? this.lo : null, max: this.n ? this.hi : null, mean: this.n ? (this.sum + this.carry) / this.n : null, buckets };
  }
}

export class IncrementalDataset {
  readonly format: FormatId;
  private readonly options: DatasetOptions;
  private readonly limits: DatasetLimits;
  private readonly video: boolean;
  private readonly maxRelated: number;

  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly csvFile: boolean[] = [];
  /** Per file: items in it, plus one when `addFile` registered it (a file counts while either holds). */
  private readonly fileUses: number[] = [];

  private readonly rowOf = new Map<ItemFacts, Row>();
  /** Items with a line error (`ItemFacts.lineError`): rows of their file, left out of the dataset. */
  private readonly excluded = new Map<ItemFacts, { file: number; order: number }>();
  private readonly groups = new Map<string, Group>();
  private readonly textGroups = new Map<string, Group>();
  /** The first row (it anchors dataset-wide findings when it is on line 1); found again when it leaves. */
  private first?: Row;
  private firstStale = false;

  private items = 0;
  private labeledItems = 0;
  private annotations = 0;
  private readonly splits = emptySplits();
  private mlUseRows = 0;
  private repeats = 0;
  private conflicts = 0;
  private annotationsSplit = 0;
  private readonly labels = new Map<string, GlobalLabel>();
  private boxCount = 0;
  private trackedBoxes = 0;
  private segmentCount = 0;
  private frames = 0;
  private instances = 0;
  // Extremes found again (rarely: the last copy of the minimum or maximum left) from the groups.
  private readonly boxWidth = new MultisetHistogram(BOX_SIZE_EDGES, () => this.values((e) => e.boxes, 0, 3));
  private readonly boxHeight = new MultisetHistogram(BOX_SIZE_EDGES, () => this.values((e) => e.boxes, 1, 3));
  private readonly boxArea = new MultisetHistogram(BOX_AREA_EDGES, () => this.values((e) => e.boxes, 2, 3));
  private readonly textLength = new MultisetHistogram(TEXT_LENGTH_EDGES, () => this.values((e) => e.textLength));
  private readonly segmentSeconds = new MultisetHistogram(SEGMENT_SECONDS_EDGES, () => this.values((e) => e.segmentSeconds));
  private readonly boxesPerImage = new MultisetHistogram(BOXES_PER_IMAGE_EDGES, () => this.boxCounts());
  private readonly sentiment = new Map<number, { items: number; rows: Row[] }>();
  private readonly findingRows: Row[] = [];
  private readonly crowded = new Set<Group>();
  private readonly overlapping = new Set<Group>();

  constructor(format: FormatId, options: DatasetOptions = {}) {
    this.format = format;
    this.options = options;
    this.limits = DATASET_LIMITS[format];
    this.video = formatInfo(format).dataType === 'video';
    this.maxRelated = Math.max(0, options.maxRelated ?? 20);
  }

  get size(): number {
    return this.rowOf.size + this.excluded.size;
  }

  /** Registers a file so that an empty file still counts (as `DatasetAccumulator.addFile`). */
  addFile(path?: string): void {
    const f = this.fileOf(path);
    if (this.fileUses[f] === 0 || !this.registered.has(f)) {
      this.registered.add(f);
      this.fileUses[f]++;
    }
  }

  private readonly registered = new Set<number>();

  /**
   * Adds an item. `order` places it among the items of its file (ascending; the accumulator would
   * read them in that order); the item object is its handle for `remove` and `replace`. Locations
   * are read from the facts when `result` runs, so the caller may move the lines of unchanged items
   * (fix up `line` and `anchor`) without telling.
   */
  add(item: ItemFacts, order: number, file?: string): void {
    if (this.rowOf.has(item) || this.excluded.has(item)) throw new Error('the item is already in the dataset');
    if (item.lineError === true) {
      const f = this.fileOf(file);
      this.excluded.set(item, { file: f, order });
      this.fileUses[f]++;
      return;
    }
    const uri = item.mediaUri;
    const group: Group =
      uri !== undefined && uri !== '' ? this.groupOf(this.groups, uri, false) : item.textContent ? this.groupOf(this.textGroups, item.textContent, true) : { text: false, rows: [] };
    const row: Row = { facts: item, file: this.fileOf(file), order, group };
    this.rowOf.set(item, row);
    this.fileUses[row.file]++;
    if (!this.firstStale && (!this.first || compareRows(row, this.first) < 0)) this.first = row;
    if (item.hasMlUse) this.mlUseRows++;
    this.unapply(group);
    insertSorted(group.rows, row);
    this.apply(group);
  }

  remove(item: ItemFacts): void {
    const row = this.rowOf.get(item);
    if (!row) {
      const out = this.excluded.get(item);
      if (out) {
        this.excluded.delete(item);
        this.fileUses[out.file]--;
      }
      return;
    }
    this.rowOf.delete(item);
    this.fileUses[row.file]--;
    if (row === this.first) {
      this.first = undefined;
      this.firstStale = true;
    }
    if (item.hasMlUse) this.mlUseRows--;
    const group = row.group;
    this.unapply(group);
    removeSorted(group.rows, row);
    if (group.rows.length > 0) this.apply(group);
    else if (group.uri !== undefined) this.groups.delete(group.uri);
    else if (group.text) this.textGroups.delete(item.textContent!);
  }

  /** Replaces an item's facts, keeping its place unless `order` is given. */
  replace(old: ItemFacts, next: ItemFacts, order?: number, file?: string): void {
    const row = this.rowOf.get(old) ?? this.excluded.get(old);
    const place = order ?? row?.order ?? 0;
    const path = file ?? (row ? this.files[row.file] : undefined);
    this.remove(old);
    this.add(next, place, path);
  }

  /** The place `add` gave an item, or undefined when the item is not in the dataset. */
  orderOf(item: ItemFacts): number | undefined {
    return this.rowOf.get(item)?.order ?? this.excluded.get(item)?.order;
  }

  /** Gives every item a new place; the new places must keep the items in the same order. */
  reorder(orderOf: (item: ItemFacts) => number): void {
    for (const row of this.rowOf.values()) row.order = orderOf(row.facts);
    for (const [item, out] of this.excluded) out.order = orderOf(item);
  }

  result(): DatasetResult {
    if (this.firstStale) {
      // The first item was removed (an edit at the top): the next one takes over.
      this.first = undefined;
      for (const row of this.rowOf.values()) if (!this.first || compareRows(row, this.first) < 0) this.first = row;
      this.firstStale = false;
    }
    const loc = (row: Row): Loc => {
      const a = row.facts.anchor;
      return { file: row.file, line: a.line, column: a.column, endLine: a.endLine, endColumn: a.endColumn };
    };
    // Labels in the order the accumulator creates them: by first use, then by place on that row.
    const named = [...this.labels].filter(([, l]) => l.rows.length > 0);
    named.sort(([an, a], [bn, b]) => compareRows(a.rows[0], b.rows[0]) || labelPlace(a.rows[0], an) - labelPlace(b.rows[0], bn));
    const rank = new Map(named.map(([name], i) => [name, i]));
    const max = this.maxRelated;
    const sentiment = [...this.sentiment].filter(([, e]) => e.rows.length > 0);
    // Values first seen on the same row: in the order of its annotations.
    const place = (value: number, row: Row) => row.facts.annotations.findIndex((a) => a.kind === 'sentiment' && a.sentimentMax === value);
    sentiment.sort(([av, a], [bv, b]) => compareRows(a.rows[0], b.rows[0]) || place(av, a.rows[0]) - place(bv, b.rows[0]));
    const crowded = [...this.crowded].sort((a, b) => compareRows(a.eval!.crowdedAt!, b.eval!.crowdedAt!));
    const overlapping = [...this.overlapping].sort((a, b) => compareRows(a.eval!.firstSegmentRow!, b.eval!.firstSegmentRow!));
    const state: FinishedState = {
      // Files nothing refers to any more drop off the end (as if their items had never been added).
      files: this.files.slice(0, this.usedFiles()),
      datasetAnchor: this.first && this.first.file === 0 && this.first.facts.line === 1 ? loc(this.first) : undefined,
      rows: this.rowOf.size + this.excluded.size,
      excludedRows: this.excluded.size,
      items: this.items,
      labeledItems: this.labeledItems,
      annotations: this.annotations,
      splits: { ...this.splits },
      mlUseUsed: this.mlUseRows > 0,
      repeats: this.repeats,
      conflicts: this.conflicts,
      annotationsSplit: this.annotationsSplit,
      labels: named.map(([name, l]) => ({
        name,
        items: l.items,
        annotations: l.annotations,
        splits: { ...l.splits },
        first: loc(l.rows[0]),
        related: l.rows.slice(1, 1 + max).map(loc),
        more: Math.max(0, l.rows.length - 1 - max),
      })),
      boxCount: this.boxCount,
      trackedBoxes: this.trackedBoxes,
      segmentCount: this.segmentCount,
      frames: this.frames,
      instances: this.instances,
      boxWidth: this.boxWidth,
      boxHeight: this.boxHeight,
      boxArea: this.boxArea,
      textLength: this.textLength,
      segmentSeconds: this.segmentSeconds,
      boxesPerImage: this.boxesPerImage,
      sentimentMax: sentiment.map(([value, e]) => [value, { items: e.items, loc: loc(e.rows[0]) }]),
      crowded: crowded.map((g) => ({ uri: g.uri!, count: g.eval!.boxCount, loc: loc(g.eval!.anchorRow ?? g.rows[0]) })),
      rowFindings: (acc) => {
        for (const row of this.findingRows) for (const f of row.findings!) f(acc);
      },
      overlaps: (acc) => {
        for (const g of overlapping) {
          const list = g.eval!.overlaps!.map((o, i) => ({ o, i, r: rank.get(o.label) ?? 0 }));
          list.sort((a, b) => a.r - b.r || a.i - b.i);
          for (const { o } of list) {
            acc.overlap(o.label, { label: 0, start: o.seg.start, end: o.seg.end, loc: loc(o.seg.row) }, { label: 0, start: o.holder.start, end: o.holder.end, loc: loc(o.holder.row) });
          }
        }
      },
    };
    return DatasetAccumulator.finishFrom(this.format, { ...this.options, expectedItems: 0 }, state);
  }

  // ---- groups ----

  private fileOf(path?: string): number {
    const name = path ?? '';
    let f = this.fileIndex.get(name);
    if (f === undefined) {
      f = this.files.length;
      this.files.push(name);
      this.fileIndex.set(name, f);
      this.csvFile.push(this.options.csv ?? /\.csv$/i.test(name));
      this.fileUses.push(0);
    }
    return f;
  }

  private *groupsAll(): Iterable<Group> {
    yield* this.groups.values();
    yield* this.textGroups.values();
    for (const row of this.rowOf.values()) if (row.group.uri === undefined && !row.group.text) yield row.group;
  }

  private *values(of: (e: GroupEval) => number[] | undefined, from = 0, step = 1): Iterable<number> {
    for (const g of this.groupsAll()) {
      const list = g.eval && of(g.eval);
      if (list) for (let i = from; i < list.length; i += step) yield list[i];
    }
  }

  private *boxCounts(): Iterable<number> {
    for (const g of this.groups.values()) if (g.eval) yield g.eval.boxCount;
    for (const g of this.textGroups.values()) if (g.eval) yield g.eval.boxCount;
  }

  /** Files up to the last one still used. */
  private usedFiles(): number {
    let n = this.fileUses.length;
    while (n > 0 && this.fileUses[n - 1] === 0) n--;
    return n;
  }

  private groupOf(groups: Map<string, Group>, key: string, text: boolean): Group {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = text ? { text, rows: [] } : { uri: key, text, rows: [] }));
    return g;
  }

  /** Takes a group's contribution out of the totals. */
  private unapply(group: Group): void {
    const e = group.eval;
    if (!e) return;
    group.eval = undefined;
    this.merge(group, e, -1);
    for (const row of group.rows) {
      row.findings = undefined;
    }
  }

  /** Evaluates a group's rows in order and adds the contribution to the totals. */
  private apply(group: Group): void {
    const e = this.evaluate(group);
    group.eval = e;
    this.merge(group, e, 1);
  }

  private merge(group: Group, e: GroupEval, sign: 1 | -1): void {
    this.items += sign;
    const one = emptySplits();
    bump(one, e.split);
    addSplits(this.splits, one, sign);
    this.labeledItems += sign * e.labeled;
    this.repeats += sign * e.repeats;
    this.conflicts += sign * e.conflicts;
    this.annotationsSplit += sign * e.annotationsSplit;
    this.annotations += sign * e.annotations;
    for (const use of e.labels) {
      const name = use.name;
      let l = this.labels.get(name);
      if (!l) this.labels.set(name, (l = { items: 0, annotations: 0, splits: emptySplits(), rows: [] }));
      l.items += sign * use.items;
      l.annotations += sign * use.annotations;
      addSplits(l.splits, use.splits, sign);
      for (const row of use.rows) (sign > 0 ? insertSorted : removeSorted)(l.rows, row);
      if (l.rows.length === 0) this.labels.delete(name);
    }
    const hist = (h: MultisetHistogram, values: number[] | undefined, from = 0, step = 1) => {
      if (values) for (let i = from; i < values.length; i += step) sign > 0 ? h.add(values[i]) : h.delete(values[i]);
    };
    hist(this.textLength, e.textLength);
    hist(this.boxWidth, e.boxes, 0, 3);
    hist(this.boxHeight, e.boxes, 1, 3);
    hist(this.boxArea, e.boxes, 2, 3);
    hist(this.segmentSeconds, e.segmentSeconds);
    // The accumulator counts boxes per keyed item (URI or text), none for items without a key.
    if (group.uri !== undefined || group.text) sign > 0 ? this.boxesPerImage.add(e.boxCount) : this.boxesPerImage.delete(e.boxCount);
    this.boxCount += sign * e.boxCount;
    this.segmentCount += sign * e.segmentCount;
    this.trackedBoxes += sign * e.trackedBoxes;
    this.frames += sign * e.frames;
    this.instances += sign * e.instances;
    for (const [value, rows] of e.sentiment ?? []) {
      let s = this.sentiment.get(value);
      if (!s) this.sentiment.set(value, (s = { items: 0, rows: [] }));
      s.items += sign * rows.length;
      for (const row of rows) (sign > 0 ? insertSorted : removeSorted)(s.rows, row);
      if (s.rows.length === 0) this.sentiment.delete(value);
    }
    for (const row of e.findingRows ?? []) (sign > 0 ? insertSorted : removeSorted)(this.findingRows, row);
    if (e.crowdedAt && sign > 0) this.crowded.add(group);
    else this.crowded.delete(group);
    if (e.overlaps && sign > 0) this.overlapping.add(group);
    else this.overlapping.delete(group);
  }

  /**
   * The accumulator's per-item work for one group's rows, in order (see `DatasetAccumulator.addNow`):
   * the first row makes the item, later rows are exact repeats (skipped) or conflicts (counted).
   */
  private evaluate(group: Group): GroupEval {
    const e: GroupEval = {
      split: 0,
      labeled: 0,
      repeats: 0,
      conflicts: 0,
      annotationsSplit: 0,
      annotations: 0,
      labels: [],
      boxCount: 0,
      segmentCount: 0,
      trackedBoxes: 0,
      frames: 0,
      instances: 0,
    };
    const L = this.limits;
    const media = this.options.media;
    const uri = group.uri;
    const keyed = uri !== undefined || group.text;
    // The row later rows are compared with: the first, or the first annotated one after a first without annotations.
    let first = group.rows[0];
    let firstHash = 0;
    let moreRows: number[] | undefined;
    let firstLabel: string | undefined;
    let moreLabels: string[] | undefined;
    const video: VideoState = {};
    const emit = (row: Row, f: Finding) => {
      if (!row.findings) (e.findingRows ??= []).push(row), (row.findings = []);
      row.findings.push(f);
    };

    for (let r = 0; r < group.rows.length; r++) {
      const row = group.rows[r];
      const item = row.facts;
      const split = splitCode(item.mlUse);
      const annotations = item.annotations;
      let itemSplit = split;
      const seenBefore = r > 0;
      if (!seenBefore) {
        e.split = split;
        if (keyed) firstHash = annotationsHash(annotations);
        if (uri !== undefined) {
          const duration = media?.get(uri)?.duration;
          const max = L.maxVideoSeconds;
          if (this.video && duration !== undefined && max !== undefined && duration > max) emit(row, (acc) => acc.videoTooLong(this.loc(row), uri, duration));
        }
      } else {
        itemSplit = e.split;
        const hash = annotationsHash(annotations);
        const here = () => this.loc(row);
        // Findings are made later (when read): each keeps the row it was compared with.
        const anchor = first;
        const firstSplit = e.split;
        if (split !== firstSplit) {
          e.conflicts++;
          emit(row, (acc) => acc.splitConflict(here(), uri, this.loc(anchor), firstSplit, split));
        } else if (!this.csvFile[row.file]) {
          if (hash === firstHash) {
            e.repeats++;
            emit(row, (acc) => acc.repeat(here(), uri, this.loc(anchor), false));
            continue;
          }
          if (hash === 0) {
            e.repeats++;
            emit(row, (acc) => acc.unannotatedRepeat(here(), uri, this.loc(anchor), true));
            continue;
          }
          if (firstHash === 0) {
            firstHash = hash;
            e.repeats++;
            emit(row, (acc) => acc.unannotatedRepeat(here(), uri, this.loc(anchor), false));
            first = row;
            e.anchorRow = row;
          } else {
            if (splitsAnnotations(L)) e.annotationsSplit++;
            else e.conflicts++;
            emit(row, (acc) => acc.annotationConflict(here(), uri, this.loc(anchor)));
          }
        } else if (hash === firstHash || moreRows?.includes(hash)) {
          e.repeats++;
          emit(row, (acc) => acc.repeat(here(), uri, this.loc(anchor), true));
          continue;
        } else {
          (moreRows ??= []).push(hash);
          if (L.singleLabel && annotations.length > 0 && firstLabel !== undefined) {
            const existing = firstLabel;
            if (annotations.flatMap(annotationLabels).some((n) => n !== existing)) {
              e.conflicts++;
              emit(row, (acc) => acc.singleLabelConflict(here(), uri, this.loc(anchor), existing));
            }
          }
        }
      }
      if (item.textLength !== undefined) (e.textLength ??= []).push(item.textLength);
      e.annotations += annotations.length;
      let rowLabeled = false;
      const countLabel = (name: string) => {
        if (isBlankLabel(name)) return;
        let use: LabelUse | undefined;
        for (const u of e.labels) if (u.name === name) use = u;
        if (!use) e.labels.push((use = { name, items: 0, annotations: 0, splits: emptySplits(), rows: [] }));
        use.annotations++;
        if (use.rows[use.rows.length - 1] === row) return;
        use.rows.push(row);
        // DatasetAccumulator.itemTakesLabel, by label name.
        let takes: boolean;
        if (!keyed || !seenBefore) {
          if (!rowLabeled) {
            rowLabeled = true;
            e.labeled++;
          }
          if (keyed) {
            if (firstLabel === undefined) firstLabel = name;
            else if (this.csvFile[row.file]) (moreLabels ??= []).push(name);
          }
          takes = true;
        } else if (firstLabel === name) takes = false;
        else if (firstLabel === undefined) {
          firstLabel = name;
          e.labeled++;
          takes = true;
        } else if (moreLabels?.includes(name)) takes = false;
        else {
          (moreLabels ??= []).push(name);
          takes = true;
        }
        if (!takes) return;
        use.items++;
        bump(use.splits, itemSplit);
      };
      for (const a of annotations) {
        if (a.kind === 'classification') countLabel(a.label);
        else if (a.kind === 'box') {
          countLabel(a.label);
          this.boxCheck(e, row, a, emit);
        } else {
          for (const name of annotationLabels(a)) countLabel(name);
          this.annotationChecks(e, row, a, video, emit);
        }
      }
    }
    e.frames = video.frames?.size ?? 0;
    e.instances = video.instances?.size ?? 0;
    if (video.segments) {
      for (const [seg, holder] of overlappingSegments(video.segments)) {
        (e.overlaps ??= []).push({ label: video.segmentLabels![seg.label], seg: { start: seg.start, end: seg.end, row: seg.row }, holder: { start: holder.start, end: holder.end, row: holder.row } });
      }
    }
    return e;
  }

  private boxCheck(e: GroupEval, row: Row, a: Extract<AnnotationFacts, { kind: 'box' }>, emit: (row: Row, f: Finding) => void): void {
    e.boxCount++;
    const uri = row.group.uri;
    if (uri !== undefined && e.boxCount > (this.limits.maxBoxesPerImage ?? Infinity) && !e.crowdedAt) e.crowdedAt = row;
    const w = a.xMax - a.xMin;
    const h = a.yMax - a.yMin;
    if (!Number.isFinite(w) || !Number.isFinite(h) || w <= 0 || h <= 0) return;
    (e.boxes ??= []).push(w, h, w * h);
    const minEdge = this.limits.minBoxEdge;
    if (minEdge !== undefined && (w < minEdge - EPSILON || h < minEdge - EPSILON)) {
      emit(row, (acc) => acc.boxTooSmall(this.loc(row), a.label, w, h));
      return;
    }
    const size = uri !== undefined ? this.options.media?.get(uri) : undefined;
    const minPx = this.limits.minBoxPx;
    if (minPx !== undefined && size?.width !== undefined && size.height !== undefined) {
      const { width, height } = size;
      const scale = Math.min(1, (this.limits.trainingShortSide ?? Infinity) / Math.min(width, height));
      const pw = w * width * scale;
      const ph = h * height * scale;
      if (pw < minPx - EPSILON || ph < minPx - EPSILON) emit(row, (acc) => acc.boxTooSmallPx(this.loc(row), a.label, pw, ph, width, height, scale));
    }
  }

  private annotationChecks(
    e: GroupEval,
    row: Row,
    a: AnnotationFacts,
    video: VideoState,
    emit: (row: Row, f: Finding) => void,
  ): void {
    const uri = row.group.uri;
    const duration = uri !== undefined ? this.options.media?.get(uri)?.duration : undefined;
    switch (a.kind) {
      case 'box':
        this.boxCheck(e, row, a, emit);
        break;
      case 'timeSegment': {
        e.segmentCount++;
        const { label, start, end } = a;
        const realEnd = end === Infinity && duration !== undefined ? duration : end;
        if (Number.isFinite(realEnd) && Number.isFinite(start)) (e.segmentSeconds ??= []).push(realEnd - start);
        if (duration !== undefined && (start > duration + EPSILON || (Number.isFinite(end) && end > duration + EPSILON))) {
          emit(row, (acc) => acc.segmentOutside(this.loc(row), label, start, end, duration));
        }
        const labels = (video.segmentLabels ??= []);
        let id = labels.indexOf(label);
        if (id < 0) id = labels.push(label) - 1;
        (video.segments ??= []).push({ label: id, start, end: realEnd, row });
        e.firstSegmentRow ??= row;
        break;
      }
      case 'trackedBox': {
        e.trackedBoxes++;
        (video.frames ??= new Set()).add(a.time);
        const { label, time } = a;
        if (duration !== undefined && time > duration + EPSILON) emit(row, (acc) => acc.trackOutside(this.loc(row), label, time, duration));
        const id = a.instanceId;
        if (id === undefined || id === '' || id === '-1') return;
        const instances = (video.instances ??= new Map());
        const known = instances.get(id);
        if (!known) instances.set(id, { label, row });
        else if (known.label !== label) {
          const knownLabel = known.label;
          emit(row, (acc) => acc.instanceInconsistent(this.loc(row), this.loc(known.row), id, label, knownLabel, uri));
        }
        const frameKey = `${id}@${time}`;
        const seen = (video.seen ??= new Set());
        if (seen.has(frameKey)) emit(row, (acc) => acc.instanceRepeated(this.loc(row), known ? this.loc(known.row) : undefined, id, time, uri));
        else seen.add(frameKey);
        break;
      }
      case 'sentiment': {
        const byMax = (e.sentiment ??= new Map());
        let rows = byMax.get(a.sentimentMax);
        if (!rows) byMax.set(a.sentimentMax, (rows = []));
        rows.push(row);
        break;
      }
      default:
        break;
    }
  }

  private loc(row: Row): Loc {
    const a = row.facts.anchor;
    return { file: row.file, line: a.line, column: a.column, endLine: a.endLine, endColumn: a.endColumn };
  }
}
