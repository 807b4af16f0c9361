/**
 * The CSV validation entry: one pass over CSV text or a streamed file, with format detection,
 * positional import layouts (image, text, video) and tabular sources. Same options, result and
 * diagnostics as the JSONL validator.
 */
import { basename } from 'node:path';
import { open } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { compareDiagnostics, type Diagnostic, type Range } from '../diagnostics';
import { FORMATS, type FormatId } from '../formats';
import type { Detection, UnlistedCounts, ValidationOptions, ValidationResult } from '../validate';
import { CLI_VALIDATION_HINTS } from '../validationHints';
import { lineStartAfter, runInWorker, UsageError } from '../jsonl/validate';
import { byteScannerFor } from './bytescan';
import { CsvReadCancelled, CsvReader, FILE_CHUNK_BYTES, readCsvFile, recordOfFields, type CsvFileOptions, type CsvReaderOptions, type CsvRecord } from './reader';
import { CSV_FORMAT_IDS, detectCsvFormat, looksLikeJsonl } from './detect';
import { createLayoutChecker, type RowChecker } from './layouts';
import { TabularChecker, type TabularPart, type TabularSummary } from './tabular';

export interface CsvValidationResult extends ValidationResult {
  /** Tabular sources: header, row count and the per-column profile. */
  tabular?: TabularSummary;
}

/** Records buffered for format detection (and at most this many characters of them). */
const SNIFF_RECORDS = 50;
const SNIFF_CHARS = 1 << 20;

const FIRST_LINE: Range = { line: 1, column: 1, endLine: 1, endColumn: 2 };

/**
 * Collects diagnostics under the caller's limit and line filter; with a store (the CLI's spool)
 * they go there as they are found instead of being held in memory.
 */
class Collector {
  readonly diagnostics: Diagnostic[] = [];
  /** Diagnostics over the limit (counted, not kept), and of those the errors and warnings. */
  omitted = 0;
  omittedErrors = 0;
  omittedWarnings = 0;
  private kept = 0;
  constructor(private readonly options: ValidationOptions) {}
  readonly report = (d: Diagnostic): void => {
    if (this.options.fromLine !== undefined && d.endLine < this.options.fromLine) return;
    if (this.options.maxDiagnostics !== undefined && this.kept >= this.options.maxDiagnostics) {
      this.omitted++;
      if (d.severity === 'error') this.omittedErrors++;
      else if (d.severity === 'warning') this.omittedWarnings++;
      return;
    }
    this.kept++;
    const store = this.options.diagnosticStore;
    if (store) store.push(d);
    else this.diagnostics.push(d);
  };
  /** The problems over the limit by severity, or undefined when none were. */
  get unlisted(): UnlistedCounts | undefined {
    return this.omitted > 0 ? { errors: this.omittedErrors, warnings: this.omittedWarnings } : undefined;
  }
  finish(lines: number): Diagnostic[] {
    this.diagnostics.sort(compareDiagnostics);
    if (this.omitted > 0) {
      this.diagnostics.push({
        line: lines,
        column: 1,
        endLine: lines,
        endColumn: 2,
        severity: 'info',
        code: 'report.truncated',
        message: `${this.omitted.toLocaleString('en-US')} more ${this.omitted === 1 ? 'problem was' : 'problems were'} not listed (limit ${this.options.maxDiagnostics}).`,
      });
    }
    return this.diagnostics;
  }
}

/**
 * Drives one file: buffers the first records until the format is known, then feeds the
 * positional or tabular checker. `tabular` may be shared across the files of one source.
 */
class CsvValidation {
  readonly collector: Collector;
  private detection: Detection;
  private format?: FormatId;
  private pending: CsvRecord[] | null = null;
  private pendingChars = 0;
  private checker?: RowChecker;
  private tabular?: TabularChecker;
  private items = 0;
  private firstRecord = true;
  reader?: CsvReader;
  private headerDone = false;
  private halted = false;

  /** Called once the tabular header is known (a parallel read starts its workers then). */
  onHeader?: (fields: string[]) => void;

  /**
   * `continueAfter`: this validation reads a range of a file of the given format that starts at a
   * record start after the first record (a worker thread of `validate --jobs`); for tabular
   * sources, the fields of the file's header.
   */
  constructor(
    private readonly options: ValidationOptions,
    private readonly shared?: { tabular: TabularChecker; headerFrom?: string; headerRange?: Range },
    continueAfter?: string[],
  ) {
    this.collector = new Collector(options);
    if (continueAfter && options.format) {
      this.format = options.format;
      this.detection = { confidence: 'explicit', format: options.format, candidates: [options.format], reason: 'format given by the caller' };
      if (options.format === 'tabular') {
        const tabular = (this.tabular = new TabularChecker(tabularOptions(options), () => undefined));
        // The header's findings are the first range's to report.
        tabular.setHeader(recordOfFields(continueAfter));
        tabular.redirect(this.collector.report);
      } else {
        this.checker = createLayoutChecker(options.format, this.collector.report, undefined);
      }
      this.headerDone = true;
      this.firstRecord = false;
      this.early = null;
      this.sawContent = true;
    } else if (options.format) {
      this.format = options.format;
      this.detection = { confidence: 'explicit', format: options.format, candidates: [options.format], reason: 'format given by the caller' };
      if (!FORMATS[options.format]?.csv) {
        throw new UsageError(
          `format "${options.format}" has no CSV import layout${FORMATS[options.format]?.jsonl ? ' (write it as JSON Lines, .jsonl)' : ''}; CSV formats: ${CSV_FORMAT_IDS.join(', ')}`,
        );
      }
      this.start();
    } else {
      this.detection = { confidence: 'none', candidates: [], reason: 'no records yet' };
      this.pending = [];
    }
  }

  private start(): void {
    const format = this.format!;
    if (format === 'tabular') {
      this.tabular = this.shared?.tabular ?? new TabularChecker(tabularOptions(this.options), this.collector.report, this.options.onItem ?? this.options.itemsFor?.('tabular'));
      if (this.shared) this.headerDone = this.shared.tabular.columnCount > 0;
    } else {
      const onItem = this.options.onItem ?? this.options.itemsFor?.(format);
      this.checker = createLayoutChecker(format, this.collector.report, onItem, onItem !== undefined ? this.options.rowSinksFor?.(format) : undefined);
    }
  }

  /** Reader findings before the first record: dropped if the file turns out to be JSON Lines. */
  private early: Diagnostic[] | null = [];

  readonly onDiagnostic = (d: Diagnostic): void => {
    if (d.code === 'file.binary') {
      // The reader stopped: nothing else can be said about the content.
      this.early = null;
      this.pending = null;
      this.halted = true;
      this.collector.report(d);
      return;
    }
    if (this.early) this.early.push(d);
    else this.collector.report(d);
  };

  private flushEarly(keep: boolean): void {
    const early = this.early;
    this.early = null;
    if (keep && early) for (const d of early) this.collector.report(d);
  }

  private sawContent = false;

  readonly onRecord = (record: CsvRecord): void => {
    if (!record.blank) this.sawContent = true;
    if (this.halted) return;
    if (this.firstRecord && !record.blank) {
      this.firstRecord = false;
      const jsonl = looksLikeJsonl(record);
      this.flushEarly(!jsonl || record.index > 0);
      if (jsonl) {
        this.collector.report({
          ...record.recordRange(),
          severity: 'error',
          code: 'csv.looksLikeJsonl',
          message: 'This file holds JSON Lines (one JSON object per line), not CSV. Give it a .jsonl extension, or validate it with a JSONL format.',
        });
        this.halt();
        return;
      }
    }
    if (this.pending) {
      this.pending.push(record);
      for (const f of record.fields) this.pendingChars += f.length;
      if (this.pending.length >= SNIFF_RECORDS || this.pendingChars >= SNIFF_CHARS) this.decide();
      return;
    }
    this.feed(record);
  };

  private halt(): void {
    this.halted = true;
    this.pending = null;
    this.reader?.stop();
  }

  private decide(): void {
    const records = this.pending!;
    this.pending = null;
    this.detection = wantsTabular(this.options)
      ? { confidence: 'certain', format: 'tabular', candidates: ['tabular'], reason: 'tabular options (target, weight, objective...) were given' }
      : detectCsvFormat(records);
    const d = this.detection;
    if (d.confidence === 'ambiguous' && d.candidates.length > 0 && d.format) {
      this.collector.report({
        ...FIRST_LINE,
        severity: 'warning',
        code: 'format.ambiguous',
        message: `The format is not certain: ${d.reason}. Candidates: ${d.candidates.join(', ')}${d.format ? `; validated as ${d.format}` : ''}. Choose one with ${(this.options.hints ?? CLI_VALIDATION_HINTS).chooseFormat}.`,
        data: { candidates: d.candidates },
      });
    }
    if (!d.format) {
      if (records.some((r) => !r.blank)) {
        this.collector.report({
          ...FIRST_LINE,
          severity: 'error',
          code: 'format.unknown',
          message: `Could not tell which import format this CSV is (${d.reason}). Name it with ${(this.options.hints ?? CLI_VALIDATION_HINTS).nameFormat}: ${CSV_FORMAT_IDS.join(', ')}.`,
          data: { candidates: d.candidates },
        });
      }
      this.halt();
      return;
    }
    this.format = d.format;
    this.start();
    for (const r of records) this.feed(r);
  }

  private feed(record: CsvRecord): void {
    // The reader reported the unclosed quote; the swallowed text is no row to check.
    if (record.unterminated) {
      this.items++;
      return;
    }
    if (this.tabular) {
      if (!this.headerDone) {
        if (record.blank) return;
        this.headerDone = true;
        this.tabular.setHeader(record);
        this.onHeader?.(record.fields);
        return;
      }
      if (this.shared && this.items === 0 && !this.sawFirstData) {
        this.sawFirstData = true;
        if (this.tabular.isHeaderRepeat(record)) return;
        if (this.tabular.looksLikeHeader(record)) {
          this.collector.report({
            ...record.recordRange(),
            severity: 'error',
            code: 'tabular.header.mismatch',
            message: `This file's header differs from the header of ${this.shared.headerFrom ? basename(this.shared.headerFrom) : 'the first file'}. Files of one tabular source must repeat the identical header or have none.`,
            related: this.shared.headerRange ? [{ ...this.shared.headerRange, path: this.shared.headerFrom, message: 'the header every file must match' }] : undefined,
          });
          return;
        }
      }
      if (!record.blank) this.items++;
      this.tabular.row(record);
      this.enableFastPath();
      return;
    }
    if (record.blank) return;
    this.items++;
    this.checker!.row(record);
  }
  private sawFirstData = false;

  /** Once the header is known, quote-free lines go straight to the tabular profiler. */
  enableFastPath(): void {
    const reader = this.reader;
    const tabular = this.tabular;
    if (!reader || !tabular || reader.lineHook || this.halted || this.pending) return;
    reader.lineHook = (s, from, to, line, quoteAt) => {
      if (!tabular.fastLine(s, from, to, line, quoteAt)) return false;
      this.items++;
      return true;
    };
    const scanner = reader.readsBytes ? byteScannerFor(tabular, FILE_CHUNK_BYTES, reader.maxLineChars) : undefined;
    if (scanner) {
      scanner.onTaken = (rows) => (this.items += rows);
      reader.byteScanner = scanner;
    }
  }

  /** The first non-blank record was seen (the checks made on it alone are done). */
  get sawFirstRecord(): boolean {
    return !this.firstRecord;
  }

  get itemCount(): number {
    return this.items;
  }

  /** Nothing else can be said after the stop (binary data, JSON Lines, no format). */
  get isHalted(): boolean {
    return this.halted;
  }

  /** Adds the items of a range read by a worker thread. */
  addItems(n: number): void {
    this.items += n;
  }

  get tabularChecker(): TabularChecker | undefined {
    return this.tabular;
  }

  get headerRange(): Range | undefined {
    return this.tabular?.headerRange;
  }

  finish(lines: number, ownsTabular: boolean): CsvValidationResult {
    this.flushEarly(true);
    if (!this.sawContent) this.pending = null;
    if (this.pending) this.decide();
    let tabular: TabularSummary | undefined;
    if (this.tabular && ownsTabular && !this.halted) tabular = this.tabular.finish();
    this.checker?.finish?.();
    if (!this.sawContent && !this.halted && this.format !== 'tabular') {
      this.collector.report({ ...FIRST_LINE, severity: 'error', code: 'file.empty', message: 'The file is empty: a CSV import file needs one row per data item (tabular: a header line and data rows).' });
    } else if (!this.halted && this.items === 0 && !this.tabular && this.format) {
      this.collector.report({ ...FIRST_LINE, severity: 'error', code: 'file.empty', message: 'The file has no data rows: a CSV import file needs one row per data item (or annotation).' });
    }
    const result: CsvValidationResult = {
      format: this.format,
      detection: this.detection,
      items: this.items,
      lines,
      diagnostics: this.collector.finish(lines),
    };
    const unlisted = this.collector.unlisted;
    if (unlisted) result.unlisted = unlisted;
    if (tabular) result.tabular = tabular;
    return result;
  }
}

function wantsTabular(o: ValidationOptions): boolean {
  if (o.tabularIfDetected) return false;
  return [o.target, o.weight, o.splitColumn, o.objective, o.timeColumn, o.seriesColumn, o.timestampSplitColumn].some((v) => v !== undefined);
}

function tabularOptions(o: ValidationOptions) {
  return {
    target: o.target,
    weight: o.weight,
    splitColumn: o.splitColumn,
    objective: o.objective,
    timeColumn: o.timeColumn,
    seriesColumn: o.seriesColumn,
    timestampSplitColumn: o.timestampSplitColumn,
    strict: o.strict,
    hints: o.hints,
  };
}

function readerOptions(o: ValidationOptions): CsvReaderOptions {
  const r: CsvReaderOptions = o.maxFieldChars !== undefined ? { maxFieldChars: o.maxFieldChars } : {};
  if (o.textIsUtf8) r.textIsUtf8 = true;
  return r;
}

export function validateCsvText(text: string, options: ValidationOptions = {}): CsvValidationResult {
  const v = new CsvValidation(options);
  const reader = new CsvReader(v, readerOptions(options));
  v.reader = reader;
  reader.write(text, options.invalidUtf8);
  reader.end();
  return v.finish(reader.lines, true);
}

/** File validation: also honours an abort signal (rejects with Error('Validation cancelled')) and reports progress in bytes. */
export interface CsvFileValidationOptions extends ValidationOptions {
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Threads for one large CSV file of a given format (default 1): record-aligned byte ranges are
   * read in worker threads and merged into exactly the one-thread result. Detected formats,
   * forecasting sources, item consumers (`onItem`: dataset checks of positional layouts) and
   * incremental revalidation (`fromLine`) always use one thread.
   */
  jobs?: number;
  /** Smallest file read with more than one thread (tests lower it). */
  parallelMinBytes?: number;
  /** Told how many ranges the file was read in (1: one thread, after a fallback too). */
  onRanges?: (ranges: number) => void;
  /** Bytes read per chunk (tests vary it; default FILE_CHUNK_BYTES). */
  chunkBytes?: number;
}

export async function validateCsvFile(path: string, options: CsvFileValidationOptions = {}): Promise<CsvValidationResult> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const format = options.format;
  const rangeable = format === 'tabular' ? options.objective !== 'forecasting' : format !== undefined && FORMATS[format]?.csv !== undefined;
  if (jobs > 1 && rangeable && !options.onItem && options.fromLine === undefined && !options.onProgress) {
    const parallel = await validateInParallel(path, jobs, options);
    if (parallel) return parallel;
  }
  options.onRanges?.(1);
  const v = new CsvValidation(options);
  const reader = await readFile(path, v, options);
  return v.finish(reader.lines, true);
}

async function readFile(path: string, v: CsvValidation, options: CsvFileValidationOptions, range?: CsvFileOptions): Promise<CsvReader> {
  try {
    return await readCsvFile(path, v, { ...readerOptions(options), onStart: (r) => (v.reader = r), signal: options.signal, onProgress: options.onProgress, chunkBytes: options.chunkBytes, ...range });
  } catch (e) {
    if (e instanceof CsvReadCancelled) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`cannot read ${path}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${path} is a directory`);
    if (code) throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
    throw e;
  }
}

/**
 * A tabular source made of several CSV files: the lexicographically first file gives the header;
 * the others repeat it exactly or have none. One profile and one set of dataset checks cover all
 * files; dataset-level findings are reported on the first file.
 */
export async function validateTabularFiles(
  paths: readonly string[],
  options: CsvFileValidationOptions = {},
): Promise<{ files: { path: string; result: CsvValidationResult }[]; summary?: TabularSummary }> {
  const sorted = [...paths].sort();
  const files: { path: string; result: CsvValidationResult }[] = [];
  if (sorted.length === 0) return { files };
  const opts: CsvFileValidationOptions = { ...options, format: 'tabular' };
  const firstValidation = new CsvValidation(opts);
  const firstReader = await readFile(sorted[0], firstValidation, opts);
  const tabular = firstValidation.tabularChecker;
  const rest: { path: string; v: CsvValidation; lines: number }[] = [];
  for (const path of sorted.slice(1)) {
    if (!tabular) break;
    const v = new CsvValidation(opts, { tabular, headerFrom: sorted[0], headerRange: firstValidation.headerRange });
    // Dataset-level findings of later files go to their own collector while they are read.
    tabular.redirect(v.collector.report);
    const reader = await readFile(path, v, opts);
    rest.push({ path, v, lines: reader.lines });
  }
  tabular?.redirect(firstValidation.collector.report);
  const first = firstValidation.finish(firstReader.lines, true);
  files.push({ path: sorted[0], result: first });
  for (const r of rest) files.push({ path: r.path, result: r.v.finish(r.lines, false) });
  return { files, summary: first.tabular };
}

/** Smaller files are read on one thread whatever `jobs` says (worker start-up costs more). */
const PARALLEL_MIN_BYTES = 8 << 20;

/** One byte range of a CSV file of a known format for a worker thread (src/core/worker.ts). */
export interface CsvRangeTask {
  kind: 'csv';
  path: string;
  from: number;
  to: number;
  /** The header's fields; when absent, the worker waits for them in a message (it starts before the header is read). */
  header?: string[];
  options: ValidationOptions;
}

/** A range's findings, with lines numbered from 1 inside the range, in the order they were found. */
export interface CsvRangeResult {
  diagnostics: Diagnostic[];
  omitted: number;
  omittedErrors: number;
  omittedWarnings: number;
  items: number;
  lines: number;
  /** The range ended at a record boundary (its end was not inside a quoted field). */
  clean: boolean;
  binary: boolean;
  invalidUtf8: boolean;
  /** Tabular sources: the rows and profile to merge. */
  part?: TabularPart;
}

/** Reads one range of a file after its first record (the worker thread's job). */
export async function validateCsvRange(task: CsvRangeTask & { header: string[] }): Promise<CsvRangeResult> {
  const v = new CsvValidation(task.options, undefined, task.header);
  let clean = false;
  const reader = await readFile(task.path, v, task.options, {
    start: task.from,
    end: task.to,
    continuation: true,
    onStart: (r) => {
      v.reader = r;
      v.enableFastPath();
    },
    beforeEnd: (r) => (clean = r.atRecordStart),
  });
  return {
    diagnostics: v.collector.diagnostics,
    omitted: v.collector.omitted,
    omittedErrors: v.collector.omittedErrors,
    omittedWarnings: v.collector.omittedWarnings,
    items: v.itemCount,
    lines: reader.lines,
    clean,
    binary: reader.sawBinary,
    invalidUtf8: reader.sawInvalidUtf8,
    part: v.tabularChecker?.part(),
  };
}

/**
 * `jobs` threads over one CSV file of a known format (tabular, or a positional layout). The file
 * is cut at line starts into ranges; this thread reads the first (the header or first record
 * included) and a worker per further range reads the rest, tabular ones once the header is known. A cut is only guessed to be a record start (a quoted field may hold line breaks): the
 * range before it confirms it when it ends at a record boundary. The ranges' findings are merged
 * in file order with line numbers shifted and the diagnostic limit applied as one thread would,
 * and the profiles are merged. Returns undefined (read it on one thread) when the file is small,
 * a cut fell inside a quoted field, or a range saw what stops or is said once per file (binary
 * data, invalid UTF-8 in two ranges).
 */
async function validateInParallel(path: string, jobs: number, options: CsvFileValidationOptions): Promise<CsvValidationResult | undefined> {
  let bounds: number[];
  try {
    const handle = await open(path, 'r');
    try {
      const total = (await handle.stat()).size;
      if (total < (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)) return undefined;
      bounds = [0];
      for (let k = 1; k < jobs; k++) {
        const b = await lineStartAfter(handle, Math.max(bounds[bounds.length - 1] + 1, Math.floor((total * k) / jobs)), total);
        if (b > bounds[bounds.length - 1] && b < total) bounds.push(b);
      }
      bounds.push(total);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // The one-thread read reports what is wrong with the file.
  }
  if (bounds.length < 3) return undefined;
  const v = new CsvValidation(options);
  const workers: { result: Promise<CsvRangeResult>; worker: Worker }[] = [];
  const tabularSource = options.format === 'tabular';
  const rangeOptions: ValidationOptions = { ...tabularOptions(options), format: options.format, maxDiagnostics: options.maxDiagnostics, maxFieldChars: options.maxFieldChars };
  // Workers start now and get the header once this thread has read it: their start-up (loading
  // the bundle) overlaps the reading of the first range.
  for (let k = 1; k < bounds.length - 1; k++) {
    // Positional layouts have no header: their workers start at once.
    const header = tabularSource ? undefined : [];
    workers.push(runInWorker<CsvRangeResult>({ kind: 'csv', path, from: bounds[k], to: bounds[k + 1], header, options: rangeOptions } satisfies CsvRangeTask));
  }
  let headerSent = false;
  v.onHeader = (header) => {
    headerSent = true;
    for (const { worker } of workers) worker.postMessage(header);
  };
  try {
    let clean = false;
    const reader = await readFile(path, v, options, { end: bounds[1], beforeEnd: (r) => (clean = r.atRecordStart) });
    const tabular = v.tabularChecker;
    if (!clean || v.isHalted || !v.sawFirstRecord || (tabularSource && (!tabular || !headerSent))) return undefined;
    let results: CsvRangeResult[];
    try {
      results = await Promise.all(workers.map((w) => w.result));
    } catch {
      return undefined;
    }
    let invalidUtf8 = reader.sawInvalidUtf8 ? 1 : 0;
    for (let k = 0; k < results.length; k++) {
      const r = results[k];
      if ((!r.clean && k < results.length - 1) || r.binary) return undefined;
      if (r.invalidUtf8) invalidUtf8++;
    }
    if (invalidUtf8 > 1) return undefined;
    let lineOffset = reader.lines;
    for (const r of results) {
      for (const d of r.diagnostics) v.collector.report(shiftLines(d, lineOffset));
      v.collector.omitted += r.omitted;
      v.collector.omittedErrors += r.omittedErrors;
      v.collector.omittedWarnings += r.omittedWarnings;
      v.addItems(r.items);
      if (tabular && r.part) tabular.merge(r.part);
      lineOffset += r.lines;
    }
    options.onRanges?.(results.length + 1);
    return v.finish(lineOffset, true);
  } finally {
    for (const { worker } of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
}

function shiftLines(d: Diagnostic, by: number): Diagnostic {
  d.line += by;
  d.endLine += by;
  if (d.related) for (const r of d.related) if (r.path === undefined) {
    r.line += by;
    r.endLine += by;
  }
  return d;
}
