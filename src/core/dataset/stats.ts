/**
 * Dataset statistics: plain JSON (no Maps, no Infinity) so the CLI prints it and the editor's
 * statistics view renders the same numbers. The shape is documented in the README.
 */
import type { FormatId, MlUse } from '../formats';

export interface SplitCounts {
  training: number;
  validation: number;
  test: number;
  /** Items without a valid ml_use (Vertex assigns these itself). */
  unassigned: number;
}

export interface LabelStats {
  name: string;
  /** Distinct data items using the label. */
  items: number;
  /** Annotations carrying the label (boxes, segments, entity spans...). */
  annotations: number;
  /** Items per split. */
  splits: SplitCounts;
}

export interface HistogramBucket {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge; null for the open last bucket. */
  to: number | null;
  count: number;
}

export interface Histogram {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  buckets: HistogramBucket[];
}

export interface DatasetStats {
  format: FormatId;
  /** Files of the dataset in the order they were read. */
  files: string[];
  /** Item facts read (JSONL lines, CSV rows). */
  rows: number;
  /**
   * Of `rows`: rows left out of every other count and of the dataset checks because they have a
   * line-level error (Vertex drops such lines at import). Absent when there are none.
   */
  excludedRows?: number;
  /** Distinct data items: media URIs and inline texts (equal texts are one item, as Vertex deduplicates by content). */
  items: number;
  /** Items with at least one annotation. */
  labeledItems: number;
  annotations: number;
  /** Labels, most items first (sentiment: one entry per sentiment value). */
  labels: LabelStats[];
  /** Items per split. */
  splits: SplitCounts;
  /** True when any item carries ml_use. */
  mlUseUsed: boolean;
  /** Items of the most frequent label over items of the least frequent one; null with fewer than 2 labels. */
  imbalanceRatio: number | null;
  /**
   * Lines (CSV: rows) of an item already given: `repeats` add nothing (duplicate.repeat,
   * duplicate.textRepeat), `conflicts` disagree on ml_use or on a single label (duplicate.conflict,
   * duplicate.textConflict), `annotationsSplit` add other annotations to an item that takes several
   * (duplicate.annotationsSplit): they add up, so they are no conflict.
   */
  duplicates: { repeats: number; conflicts: number; annotationsSplit: number };
  /** Bounding boxes (object detection). Sizes are normalized to the image side (0..1). */
  boxes?: { count: number; perImage: Histogram; width: Histogram; height: Histogram; area: Histogram };
  /** Inline textContent length in Unicode code points. */
  textLength?: Histogram;
  /** Time segment durations in seconds (open-ended segments only when the video duration is known). */
  videoSegments?: { count: number; duration: Histogram };
  /** Object tracking. */
  tracking?: { boxes: number; frames: number; instances: number };
  /** Text sentiment: the sentimentMax values used and how many items gave each. */
  sentimentMax?: { value: number; items: number }[];
}

export const SPLITS: readonly MlUse[] = ['training', 'validation', 'test'];

/** The duplicates figure in words, as the CLI's text output and the editor's statistics view show it. */
export function duplicatesText(d: DatasetStats['duplicates']): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const split = d.annotationsSplit > 0 ? `, ${n(d.annotationsSplit)} with annotations split over lines` : '';
  return `${n(d.repeats)} repeated, ${n(d.conflicts)} conflicting${split}`;
}

export function emptySplits(): SplitCounts {
  return { training: 0, validation: 0, test: 0, unassigned: 0 };
}

/**
 * How far below a bucket edge a value still counts as on it: the dataset checks compare sizes and
 * times with the same tolerance (`EPSILON` in accumulator.ts), so a box 0.11 - 0.1 wide (in floating
 * point 0.00999...) that passes the 1% check is counted from 0.01, not below it.
 */
const EDGE_TOLERANCE = 1e-9;

/** The bucket of `value`: the last edge at or below it (within `EDGE_TOLERANCE`). */
export function bucketOf(edges: readonly number[], value: number): number {
  let i = edges.length - 1;
  while (i > 0 && value < edges[i] - EDGE_TOLERANCE) i--;
  return i;
}

/** A streaming histogram over fixed bucket edges: constant memory. */
export class HistogramBuilder {
  private readonly counts: number[];
  /** `edges[i] - EDGE_TOLERANCE`, the values `bucketOf` compares with (the same doubles). */
  private readonly lower: Float64Array;
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly edges: readonly number[]) {
    this.counts = new Array<number>(edges.length).fill(0);
    this.lower = Float64Array.from(edges, (e) => e - EDGE_TOLERANCE);
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n++;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    const lower = this.lower;
    let i = lower.length - 1;
    while (i > 0 && value < lower[i]) i--;
    this.counts[i]++;
  }

  /**
   * `add(value)` `times` times, for a whole number `value`: sums of whole numbers below 2^53 are
   * exact, so the result is the same as adding them one by one.
   */
  addTimes(value: number, times: number): void {
    if (times === 0 || !Number.isFinite(value)) return;
    this.n += times;
    this.sum += value * times;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    this.counts[bucketOf(this.edges, value)] += times;
  }

  get count(): number {
    return this.n;
  }

  toJSON(): Histogram {
    const buckets = this.edges.map((from, i) => ({
      from,
      to: i + 1 < this.edges.length ? this.edges[i + 1] : null,
      count: this.counts[i],
    }));
    return {
      count: this.n,
      min: this.n ? this.lo : null,
      max: this.n ? this.hi : null,
      mean: this.n ? this.sum / this.n : null,
      buckets,
    };
  }
}

export const BOX_SIZE_EDGES = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1];
export const BOX_AREA_EDGES = [0, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1];
export const BOXES_PER_IMAGE_EDGES = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 501];
export const TEXT_LENGTH_EDGES = [0, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000, 100000];
export const SEGMENT_SECONDS_EDGES = [0, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 1800, 3600];
