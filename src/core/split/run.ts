import { FORMATS, isJsonlFormatId } from '../formats';
import type { FormatId, MlUse } from '../formats';
import type { Adapter } from './adapter';
import { CSV_FORMAT_IDS } from '../csv/detect';
import { PositionalCsvAdapter } from './csv';
import { SplitError } from './errors';
import { TabularCsvAdapter, fastPass1, fastPass2 } from './tabular';
import { wasmGroupKernel, wasmPass1, wasmPass2, wasmPass2Usable, wasmStratifyKernel, wasmTieKernel } from './wasm';
import type { Pass1Sink } from './tabular';
import { detect } from './detect';
import type { Detected, FileKind } from './detect';
import { ALL_SPLITS, VIDEO_SPLITS, allocate, parseFractions } from './fractions';
import { JsonlAdapter, factsLabels } from './jsonl';
import type { JsonObject } from './jsonl';
import { normalizeSeed } from './prng';
import { forEachChunk, forEachRecord } from './records';
import type { Source } from './records';
import { buildReport, countsReport } from './report';
import type { SplitReport } from './report';
import { FileDestination, MemoryDestination } from './sink';
import type { Destination } from './sink';
import {
  StreamingAssigner,
  gatherGroups,
  groupBuckets,
  kfoldSplit,
  manualSplit,
  randomSplit,
  stratifiedKfoldSplit,
  stratifiedSplit,
  temporalSplit,
} from './strategies';
import type { GroupBuckets, StratifyKernel, Tally } from './strategies';
import { ItemCollector } from './table';
import type { CollectorNeeds, ItemTable } from './table';
import { plural } from '../plural';
import { CLI_HINTS, type SplitHints } from './hints';

export type StrategyName = 'random' | 'stratified' | 'manual' | 'temporal' | 'kfold' | 'stratified-kfold' | 'group';
export const STRATEGIES: readonly StrategyName[] = ['random', 'stratified', 'manual', 'temporal', 'kfold', 'stratified-kfold', 'group'];

export interface SplitOptions {
  strategy: StrategyName;
  /**
   * One per split of the format (3, or 2 for video); default 80/10/10 (80/20 for video). Text
   * ("0.8,0.1,0.1") is parsed once the format, and so the number of splits, is known.
   */
  fractions?: number[] | string;
  seed?: number;
  /** Explicit format id; detected from the content otherwise. */
  format?: FormatId;
  /**
   * Group key (group strategy; default the media URI), or for tabular CSVs the label column
   * (stratified strategies). JSONL: a dotted field path.
   */
  by?: string;
  /** Timestamp field (JSONL dotted path) or column (CSV), for the temporal strategy. */
  timeField?: string;
  /** Temporal cut-offs (ms since the epoch, ascending): one less than the number of splits. */
  cutoffs?: number[];
  /** Number of folds for the k-fold strategies. */
  k?: number;
  /** Tabular CSVs: the column receiving the split. Default `ml_use`. */
  splitColumn?: string;
  /** Tabular CSVs, k-fold: the column receiving the fold number (1..k). Default `fold`. */
  foldColumn?: string;
  /** Labels of a JSONL item (the normalized item facts); a built-in reader otherwise. */
  labelsOf?: (obj: JsonObject) => string[];
  signal?: AbortSignal;
  /** Read size of the streaming passes (tests use tiny chunks to exercise records across chunks). */
  chunkSize?: number;
  /**
   * false: every record through the general per-record path, never the chunk-level fast path of
   * tabular CSVs; 'js': the fast path in JavaScript, not WebAssembly (all give the same bytes;
   * tests compare them).
   */
  fastPath?: boolean | 'js';
  /** Advice in notes and errors for where they are shown; default the command line's. */
  hints?: SplitHints;
  /** Progress: pass 1 or 2, bytes read in that pass, total bytes (when known). */
  onProgress?: (pass: 1 | 2, bytes: number, total: number) => void;
}

export { SplitError };

/** The outcome of pass 1 and the strategy: everything needed to write and to report. */
export interface SplitPlan {
  kind: FileKind;
  format: FormatId;
  formatReason: string;
  splits: readonly MlUse[];
  /** Bucket names: the splits, or `fold1..foldK`. */
  buckets: string[];
  fractions?: number[];
  /** Per-item facts and buckets; absent when the split streams (see `streaming`). */
  table?: ItemTable;
  /** Each item's bucket (built on first read when `groups` gives them). */
  assignment?: Uint8Array;
  /** The group split's buckets per group: pass 2 reads an item's through its group. */
  groups?: GroupBuckets;
  /**
   * Random split or k-fold of a file whose records are all separate items with nothing to read
   * (a tabular CSV without the split column): only the item count is kept, and pass 2 draws
   * each item's bucket in turn, exactly as the in-memory strategy would.
   */
  streaming?: { count: number; seed: number; quotas: number[] };
  recordItem: Int32Array | null;
  /** Record indexes (0-based) that are not items: blank lines, the header, unreadable lines. */
  nonItems: Int32Array;
  records: number;
  report: SplitReport;
  adapter: Adapter;
  source: Source;
  options: SplitOptions;
}

function validate(opts: SplitOptions, kind: FileKind, splits: readonly MlUse[]): number[] {
  const S = splits.length;
  let fractions: number[];
  if (typeof opts.fractions === 'string' || opts.fractions === undefined) {
    const r = parseFractions(opts.fractions, splits, opts.hints);
    if (!r.fractions) throw new SplitError(r.error ?? 'bad fractions', 2);
    fractions = r.fractions;
  } else {
    fractions = opts.fractions;
    if (fractions.length !== S) throw new SplitError(`expected ${S} fractions (${splits.join(', ')}), got ${fractions.length}`, 2);
  }
  if (opts.strategy === 'kfold' || opts.strategy === 'stratified-kfold') {
    const k = opts.k ?? 5;
    if (!Number.isInteger(k) || k < 2 || k > 100) throw new SplitError(`--k must be an integer from 2 to 100, got ${opts.k}`, 2);
  }
  if (opts.strategy === 'temporal') {
    if (!opts.timeField) throw new SplitError('the temporal strategy needs --time-field (a JSONL field path or a CSV column with the timestamp)', 2);
    if (kind === 'positional-csv') throw new SplitError('image/text/video CSVs have no timestamp column; use a JSONL file or a tabular CSV for a temporal split', 2);
    if (opts.cutoffs) {
      if (opts.cutoffs.length !== S - 1) {
        throw new SplitError(`expected ${plural(S - 1, 'cut-off date')} for ${S} splits (${splits.join(', ')}), got ${opts.cutoffs.length}`, 2);
      }
      for (let i = 1; i < opts.cutoffs.length; i++) {
        if (!(opts.cutoffs[i] > opts.cutoffs[i - 1])) throw new SplitError('cut-off dates must be in ascending order', 2);
      }
    }
  }
  if ((opts.strategy === 'stratified' || opts.strategy === 'stratified-kfold') && kind === 'tabular-csv' && !opts.by) {
    throw new SplitError('stratifying a tabular CSV needs --by COLUMN (the label or target column)', 2);
  }
  if (opts.by !== undefined && kind === 'positional-csv' && (opts.strategy === 'group' || opts.strategy === 'stratified' || opts.strategy === 'stratified-kfold')) {
    throw new SplitError(
      '--by names a column, but an image/text/video CSV has no header: its rows are grouped by their media URI and stratified by their labels; leave out --by',
      2,
    );
  }
  if (opts.strategy === 'group' && kind === 'tabular-csv' && !opts.by) {
    throw new SplitError('a group split of a tabular CSV needs --by COLUMN (the column whose equal values must stay together)', 2);
  }
  return fractions;
}

/**
 * K-fold needs an item to test on in every fold: more folds than items would write folds with an
 * empty test set. Known only after pass 1 has counted the items.
 */
function checkFolds(opts: SplitOptions, items: number): void {
  if (opts.strategy !== 'kfold' && opts.strategy !== 'stratified-kfold') return;
  const k = opts.k ?? 5;
  if (k <= items) return;
  throw new SplitError(
    `${k} folds need at least ${k} data items (one to test on in each fold), but the file has ${plural(items, 'data item')}: ${items >= 2 ? `${(opts.hints ?? CLI_HINTS).fewerFolds(items)}, or add data` : 'add data'}`,
    2,
  );
}

/** Why there is nothing to split: the first kind of record that could not be read, if any. */
function noItems(adapter: Adapter): string {
  const first = [...adapter.notes][0];
  return `the file has no data items to split${first ? `: ${first[0]} (${plural(first[1].count, 'record')}, first: record ${first[1].firstRecord})` : ''}`;
}

function needsOf(strategy: StrategyName): CollectorNeeds {
  return {
    // Per-label counts are part of every report, not only of stratified splits.
    labels: true,
    time: strategy === 'temporal',
    groups: strategy === 'group',
  };
}

function makeAdapter(det: Detected, splits: readonly MlUse[], opts: SplitOptions, needs: CollectorNeeds): Adapter {
  const { kind, format } = det;
  const kfold = opts.strategy === 'kfold' || opts.strategy === 'stratified-kfold';
  if (kind === 'jsonl') {
    const labelsOf = opts.labelsOf ?? (det.certain && isJsonlFormatId(format) ? factsLabels(format) : undefined);
    return new JsonlAdapter({ splits, needs, byField: opts.by, timeField: opts.timeField, labelsOf, hints: opts.hints });
  }
  if (kind === 'positional-csv') return new PositionalCsvAdapter({ format, splits, needs, splitColumn: '', hints: opts.hints });
  return new TabularCsvAdapter({
    format,
    splits,
    needs,
    byColumn: opts.by,
    timeColumn: opts.strategy === 'temporal' ? opts.timeField : undefined,
    splitColumn: kfold ? (opts.foldColumn ?? 'fold') : (opts.splitColumn ?? 'ml_use'),
    ignoreExisting: kfold,
    hints: opts.hints,
  });
}

/** Pass 1 and the strategy: reads the file once and decides every item's split. Writes nothing. */
export async function planSplit(source: Source, opts: SplitOptions, pathHint?: string, totalBytes = 0): Promise<SplitPlan> {
  const det = await detect(source, opts.format, pathHint ?? ('path' in source ? source.path : undefined), opts.hints);
  const info = FORMATS[det.format];
  if (det.kind === 'jsonl' && !info.jsonl) throw new SplitError(`format '${det.format}' has no JSON Lines import file`, 2);
  if (det.kind !== 'jsonl' && !CSV_FORMAT_IDS.includes(det.format)) {
    throw new SplitError(`format '${det.format}' has no CSV import layout (write it as JSON Lines, .jsonl); CSV formats: ${CSV_FORMAT_IDS.join(', ')}`, 2);
  }
  const splits = info.dataType === 'video' ? VIDEO_SPLITS : ALL_SPLITS;
  let fractions = validate(opts, det.kind, splits);
  const needs = needsOf(opts.strategy);
  const adapter = makeAdapter(det, splits, opts, needs);
  const seed = normalizeSeed(opts.seed ?? 0);
  const collector = new ItemCollector(seed, needs);
  const nonItems: number[] = [];
  let record = 0;
  // Streaming is decided at the first item, once a tabular header has been read.
  const streamable =
    det.kind === 'tabular-csv' && (opts.strategy === 'random' || opts.strategy === 'kfold') && opts.by === undefined && adapter instanceof TabularCsvAdapter;
  let streaming: boolean | undefined;
  let streamed = 0;
  adapter.reset();
  const sink: Pass1Sink = {
    nonItem() {
      nonItems.push(record++);
    },
    facts(f) {
      if (streaming === undefined) streaming = streamable && (adapter as TabularCsvAdapter).appendsColumn();
      if (streaming) streamed++;
      else collector.add(f);
      record++;
    },
    row(mlUse, label, time, hasGroup, ga, gb, gr) {
      if (streaming === undefined) streaming = streamable && (adapter as TabularCsvAdapter).appendsColumn();
      if (streaming) streamed++;
      else collector.addRow(mlUse, label, time, hasGroup, ga, gb, gr);
      record++;
    },
  };
  let reserved = false;
  const streamOpts = {
    signal: opts.signal,
    chunkSize: opts.chunkSize,
    onProgress: (b: number) => {
      if (!reserved && streaming === false && b > 0 && totalBytes > 2 * b) {
        // Records per byte of the first chunk, times the file size: the collector sizes its
        // arrays once (an overestimate costs only untouched address space).
        reserved = true;
        collector.reserve(Math.min(1 << 27, Math.ceil((record * totalBytes * 1.1) / b)));
      }
      opts.onProgress?.(1, b, totalBytes);
    },
  };
  try {
    if (adapter instanceof TabularCsvAdapter && opts.fastPath !== false && opts.fastPath !== 'js') {
      await wasmPass1(
        source,
        adapter,
        {
          nonItem: sink.nonItem,
          facts: sink.facts,
          rows(n, rows) {
            if (streaming === undefined) streaming = streamable && (adapter as TabularCsvAdapter).appendsColumn();
            if (streaming) streamed += n;
            else {
              const r = rows();
              collector.addIdRows(n, r.ml, r.label, r.time, r.group, r.newRanks, r.summary, r.timeBase);
            }
            record += n;
          },
        },
        collector,
        streamOpts,
      );
    } else if (adapter instanceof TabularCsvAdapter && opts.fastPath !== false) {
      await forEachChunk(source, fastPass1(adapter, sink, collector), streamOpts);
    } else {
      await forEachRecord(
        source,
        adapter.csv,
        (buf, start, contentEnd) => {
          const f = adapter.read(buf, start, contentEnd);
          if (typeof f === 'string') sink.nonItem();
          else sink.facts(f);
        },
        streamOpts,
      );
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    if (e instanceof SplitError) throw e;
    throw new SplitError((e as Error).message, 2);
  }
  if (streaming) {
    if (streamed === 0) throw new SplitError(noItems(adapter));
    checkFolds(opts, streamed);
    const k = opts.k ?? 5;
    const kfold = opts.strategy === 'kfold';
    const buckets = kfold ? Array.from({ length: k }, (_, i) => `fold${i + 1}`) : splits.slice();
    const fr = kfold ? new Array<number>(k).fill(1 / k) : fractions;
    const quotas = allocate(streamed, fr);
    const report = countsReport(streamed, quotas, buckets, fr);
    Object.assign(report, { format: det.format, formatReason: det.reason, strategy: opts.strategy, seed: opts.seed ?? 0, records: record });
    report.notes = [...adapter.notes].map(([message, n]) => ({ message, count: n.count, firstRecord: n.firstRecord }));
    return {
      kind: det.kind,
      format: det.format,
      formatReason: det.reason,
      splits,
      buckets,
      fractions: fr,
      streaming: { count: streamed, seed, quotas },
      recordItem: null,
      nonItems: Int32Array.from(nonItems),
      records: record,
      report,
      adapter,
      source,
      options: opts,
    };
  }
  const table = collector.finish();
  if (table.count === 0) throw new SplitError(noItems(adapter));
  checkFolds(opts, table.count);
  const k = opts.k ?? 5;
  let assignment: Uint8Array | undefined;
  let groups: GroupBuckets | undefined;
  let buckets: string[] = splits.slice();
  const bounds = opts.strategy === 'stratified' || opts.strategy === 'stratified-kfold' ? new Float64Array(table.labelNames.length) : undefined;
  const tally: Tally = {};
  switch (opts.strategy) {
    case 'random':
      assignment = randomSplit(table, fractions);
      break;
    case 'stratified':
      assignment = stratifiedSplit(table, fractions, bounds, kernelFor(opts), tally);
      break;
    case 'manual':
      assignment = manualSplit(table, fractions);
      break;
    case 'group':
      if (opts.by !== undefined && adapter instanceof JsonlAdapter && adapter.keyed === 0) {
        throw new SplitError(`no item has a value at '${opts.by}' (${adapter.hints.groupKey}); give the field's dotted path from the top of the line, e.g. dataItemResourceLabels.user`, 2);
      }
      groups = groupBuckets(table, fractions, tally, opts.fastPath === 'js' || opts.fastPath === false ? undefined : wasmGroupKernel());
      break;
    case 'temporal': {
      let missing = 0;
      let first = -1;
      // The collector counted the items without a time: the scan only runs to name the first.
      if (table.untimed !== 0) {
        const time = table.time!;
        for (let i = 0; i < table.count; i++) {
          if (Number.isNaN(time[i])) {
            missing++;
            if (first < 0) first = table.firstRecord[i];
          }
        }
      }
      if (missing > 0) {
        throw new SplitError(
          `${plural(missing, 'item')} ${missing === 1 ? 'has' : 'have'} no readable timestamp in '${opts.timeField}' (first: record ${first + 1 + countBefore(nonItems, first)}); ` +
            'expected RFC 3339 / ISO 8601 dates (2024-05-01 or 2024-05-01T10:00:00Z) or Unix seconds',
        );
      }
      assignment = temporalSplit(table, opts.cutoffs ? { cutoffs: opts.cutoffs } : { fractions }, tally, opts.fastPath === 'js' || opts.fastPath === false ? undefined : wasmTieKernel());
      if (opts.cutoffs) fractions = [];
      break;
    }
    case 'kfold':
    case 'stratified-kfold':
      assignment = opts.strategy === 'kfold' ? kfoldSplit(table, k) : stratifiedKfoldSplit(table, k, bounds, kernelFor(opts), tally);
      buckets = Array.from({ length: k }, (_, i) => `fold${i + 1}`);
      fractions = new Array<number>(k).fill(1 / k);
      break;
  }
  const g = groups;
  const itemBuckets = (): Uint8Array => (assignment ??= gatherGroups(g!, table.count));
  const report = buildReport(table, assignment ?? itemBuckets, buckets, fractions.length ? fractions : undefined, tally.counts);
  if (bounds) {
    const id = new Map(table.labelNames.map((name, l) => [name, l]));
    // Rounded up: a bound must not come out below the deviation it bounds.
    for (const l of report.labels) l.bound = Math.ceil(bounds[id.get(l.label)!] * 1e4 - 1e-6) / 1e4;
  }
  report.format = det.format;
  report.formatReason = det.reason;
  report.strategy = opts.strategy;
  report.seed = opts.seed ?? 0;
  report.records = record;
  report.notes = [...adapter.notes].map(([message, n]) => ({ message, count: n.count, firstRecord: n.firstRecord }));
  return {
    kind: det.kind,
    format: det.format,
    formatReason: det.reason,
    splits,
    buckets,
    fractions: fractions.length ? fractions : undefined,
    table,
    get assignment() {
      return itemBuckets();
    },
    groups,
    recordItem: collector.recordItems(),
    nonItems: Int32Array.from(nonItems),
    records: record,
    report,
    adapter,
    source,
    options: opts,
  };
}

/** The WebAssembly kernel of the stratified strategies unless the JavaScript reference is asked for. */
function kernelFor(opts: SplitOptions): StratifyKernel | undefined {
  return opts.fastPath === 'js' || opts.fastPath === false ? undefined : wasmStratifyKernel();
}

/** Number of non-item records before record `r` (item records are counted without them). */
function countBefore(nonItems: number[], itemRecord: number): number {
  let c = 0;
  for (const n of nonItems) if (n <= itemRecord + c) c++;
  return c;
}

/** Whether the plan writes one file per fold (k-fold on image/text/video files) or one file. */
export function writesFoldFiles(plan: SplitPlan): boolean {
  return plan.buckets.length > 0 && plan.buckets[0].startsWith('fold') && plan.kind !== 'tabular-csv';
}

/** The ml_use / fold value each output gets for an item in each bucket: table[output][bucket]. */
function valueTable(plan: SplitPlan, outputs: number): string[][] {
  const B = plan.buckets.length;
  const kfold = plan.buckets[0].startsWith('fold');
  return Array.from({ length: Math.max(outputs, B) }, (_, o) =>
    Array.from({ length: B }, (_, b) => (!kfold ? plan.splits[b] : plan.kind === 'tabular-csv' ? String(b + 1) : b === o ? 'test' : 'training')),
  );
}

/**
 * Pass 2: rewrites every record into the destinations (one, or one per fold), changing only the
 * ml_use (or fold) value. With `perBucket`, destination b receives only bucket b's items (plus
 * the header and blank lines): one file per split. On failure or cancel every destination is
 * aborted (temp files removed).
 */
export async function writeSplit(plan: SplitPlan, destinations: Destination[], totalBytes = 0, perBucket = false): Promise<void> {
  const { adapter, recordItem, streaming, groups } = plan;
  // Read only when needed: a group split builds it on first read.
  let assigned: Uint8Array | undefined;
  const assignmentOf = (): Uint8Array => (assigned ??= plan.assignment!);
  const assigner = streaming ? new StreamingAssigner(streaming.seed, streaming.count, streaming.quotas) : undefined;
  const values = valueTable(plan, destinations.length);
  const nonItems = plan.nonItems;
  let nextNon = 0;
  let record = 0;
  let item = 0;
  const outs = destinations.length;
  adapter.reset();
  const streamOpts = {
    signal: plan.options.signal,
    chunkSize: plan.options.chunkSize,
    onProgress: (b: number) => plan.options.onProgress?.(2, b, totalBytes),
    afterChunk: async () => {
      for (const d of destinations) await d.drain();
    },
  };
  try {
    if (adapter instanceof TabularCsvAdapter && plan.options.fastPath !== false && outs === 1 && !perBucket) {
      let item = 0;
      // Buckets are drawn in batches, in item order, by a loop small enough to be compiled whole.
      const fill = assigner
        ? (out: Uint8Array) => assigner.fill(out)
        : groups && !recordItem
          ? (out: Uint8Array) => {
              const { group, bucket } = groups;
              const count = Math.min(out.length, plan.table!.count - item);
              for (let k = 0; k < count; k++) out[k] = bucket[group[item + k]];
              item += count;
              return count;
            }
          : (out: Uint8Array) => {
              const assignment = assignmentOf();
              const count = Math.min(out.length, assignment.length - item);
              if (!recordItem) out.set(assignment.subarray(item, item + count));
              else for (let k = 0; k < count; k++) out[k] = assignment[recordItem[item + k]];
              item += count;
              return count;
            };
      if (plan.options.fastPath !== 'js' && wasmPass2Usable(values[0]) && (!streaming || streaming.quotas.length <= 256)) {
        // A group split's buckets are gathered through the groups in the module, which holds a
        // bucket per group: up to a million groups (1 MB), so that peak memory stays where it was.
        const inModule = groups && !recordItem && groups.bucket.length <= 1 << 20;
        const codes = streaming ?? (inModule ? { group: groups.group, bucket: groups.bucket, count: plan.table!.count } : fill);
        await wasmPass2(plan.source, adapter, nonItems, codes, values[0], destinations[0], streamOpts);
      } else await forEachChunk(plan.source, fastPass2(adapter, nonItems, fill, values[0], destinations[0].sink), streamOpts);
      for (const d of destinations) await d.commit();
      return;
    }
    await forEachRecord(
      plan.source,
      adapter.csv,
      (buf, start, contentEnd, end) => {
        if (nextNon < nonItems.length && nonItems[nextNon] === record) {
          nextNon++;
          for (let o = 0; o < outs; o++) adapter.write(buf, start, contentEnd, end, null, destinations[o].sink);
        } else {
          const b = assigner ? assigner.next() : assignmentOf()[recordItem ? recordItem[item] : item];
          if (perBucket) adapter.write(buf, start, contentEnd, end, values[b][b], destinations[b].sink);
          else for (let o = 0; o < outs; o++) adapter.write(buf, start, contentEnd, end, values[o][b], destinations[o].sink);
          item++;
        }
        record++;
      },
      streamOpts,
    );
    for (const d of destinations) await d.commit();
  } catch (e) {
    for (const d of destinations) await d.abort();
    throw e;
  }
}

export type { Destination };
export { FileDestination, MemoryDestination };
