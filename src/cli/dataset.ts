/**
 * Validation of a whole dataset for the CLI: every file given (or found in a folder) is validated
 * line by line, and in the same streaming pass its item facts feed one dataset accumulator per
 * import format, so several files of one format are checked and counted as one dataset.
 */
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics';
import { DatasetAccumulator, mergeMedia, parseMediaSidecar, SIDECAR_SUFFIXES, type DatasetResult, type MediaTable } from '../core/dataset';
import { severityOf } from '../core/dataset/codes';
import { collectImportFiles, fileKind, sidecarSchemaPath, sniffDetection, sniffJsonlFormat, validateFile } from '../core/files';
import type { FormatId } from '../core/formats';
import { UsageError } from '../core/jsonl/validate';
import type { ItemFacts } from '../core/items';
import type { ValidationOptions } from '../core/validate';
import { validateTabularFiles, type CsvValidationResult } from '../core/csv/validate';
import type { TabularSummary } from '../core/csv/tabular';
import { displayPath, SeverityCounter, type FileReport } from './output/report';
import { DiagnosticSpool } from './output/spool';

export interface DatasetRunOptions {
  format?: FormatId;
  customSchema?: object;
  maxDiagnostics?: number;
  /** Training-only dataset findings become errors. */
  strict?: boolean;
  /** Explicit media sidecars (image sizes, video durations); `<file>.media.json|csv` are found automatically. */
  mediaFiles?: string[];
  /** False: line checks only. */
  datasetChecks?: boolean;
  /** Threads per large JSONL file (line checks only). */
  jobs?: number;
  /** Tabular CSV options (target, weight, split, objective, forecasting columns). */
  tabular?: TabularRunOptions;
  /** Spool each file's line diagnostics to disk (reports with millions of findings). */
  spool?: boolean;
  /** Count each file's line diagnostics instead of keeping them (statistics): exact counts in bounded memory. */
  countOnly?: boolean;
}

export type TabularRunOptions = Pick<ValidationOptions, 'target' | 'weight' | 'splitColumn' | 'timestampSplitColumn' | 'objective' | 'timeColumn' | 'seriesColumn'>;

export interface DatasetGroup {
  format: FormatId;
  files: string[];
  result: DatasetResult;
}

export interface DatasetRun {
  reports: FileReport[];
  /** Usage and I/O problems (exit 2), one line each. */
  problems: string[];
  datasets: DatasetGroup[];
  /** Tabular CSV sources: header, row count and per-column profile (one per source). */
  tabular: { files: string[]; summary: TabularSummary }[];
}

const SIDECAR_RE = /\.media\.(json|csv)$/i;
async function loadSidecar(path: string, reports: FileReport[]): Promise<MediaTable> {
  const text = await readFile(path, 'utf8');
  const { media, problems } = parseMediaSidecar(text, path);
  if (problems.length) {
    const severity = severityOf('sidecar.invalid', false);
    reports.push({
      path,
      // Media rows are no data items: only the findings count.
      items: 0,
      diagnostics: problems.map((p) => ({ line: p.line, column: 1, endLine: p.line, endColumn: 2, severity, code: 'sidecar.invalid', message: p.message })),
    });
  }
  return media;
}

export async function runDataset(paths: readonly string[], options: DatasetRunOptions, cwd: string): Promise<DatasetRun> {
  const checks = options.datasetChecks !== false;
  const collected = await collectImportFiles(paths.map((p) => resolve(cwd, p)));
  const files = collected.files.filter((f) => !SIDECAR_RE.test(f));
  const problems = collected.missing.map((m) => `${displayPath(m, cwd)}: no such file or folder`);
  const reports: FileReport[] = [];
  const sidecarReports: FileReport[] = [];

  let media: MediaTable | undefined;
  if (checks) {
    const tables: MediaTable[] = [];
    // Once each: a sidecar beside a file may also be given with --media.
    const sidecars = [...new Set([...files.flatMap((f) => SIDECAR_SUFFIXES.map((s) => resolve(f + s))), ...(options.mediaFiles ?? []).map((m) => resolve(cwd, m))])];
    const explicit = new Set((options.mediaFiles ?? []).map((m) => resolve(cwd, m)));
    for (const s of sidecars) {
      try {
        tables.push(await loadSidecar(s, sidecarReports));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (explicit.has(s)) problems.push(`${displayPath(s, cwd)}: cannot read media sidecar (${code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
      }
    }
    if (tables.length) media = mergeMedia(tables);
  }

  // Room for the URIs up front: the lines each file holds, from its size and the length of its
  // first lines. Too little room means growing (rehashing) the URI index, too much means touching
  // a larger table than needed.
  let expectedItems = 0;
  for (const f of files) expectedItems += await estimateLines(f);
  expectedItems = Math.min(expectedItems, 4_000_000);
  const accumulators = new Map<FormatId, { acc: DatasetAccumulator; files: string[] }>();
  const accumulatorFor = (format: FormatId) => {
    let entry = accumulators.get(format);
    if (!entry) {
      const acc = new DatasetAccumulator(format, { strict: options.strict, media, describePath: (p) => displayPath(p, cwd), expectedItems });
      accumulators.set(format, (entry = { acc, files: [] }));
    }
    return entry;
  };

  // The CSV files of one tabular source share a header, one profile and the source-wide checks.
  const tabular: DatasetRun['tabular'] = [];
  const tabularSource = options.format === 'tabular' ? files.filter((f) => fileKind(f) === 'csv') : [];
  if (tabularSource.length > 1) {
    try {
      const run = await validateTabularFiles(tabularSource, { ...options.tabular, format: 'tabular', maxDiagnostics: options.maxDiagnostics, strict: options.strict });
      for (const { path, result } of run.files) reports.push({ path, format: result.format, items: result.items, diagnostics: result.diagnostics, unlisted: result.unlisted });
      if (run.summary) tabular.push({ files: run.files.map((f) => f.path), summary: run.summary });
    } catch (e) {
      if (e instanceof UsageError) problems.push(e.message);
      else throw e;
    }
  }

  const siblings = await formatsFromSiblings(files, options);
  let spool: DiagnosticSpool | undefined;
  for (const path of files) {
    if (tabularSource.length > 1 && tabularSource.includes(path)) continue;
    try {
      let route: FormatId | undefined = options.customSchema ? 'custom' : (options.format ?? siblings.get(path));
      if (!route && fileKind(path) === 'jsonl') route = sidecarSchemaPath(path) ? 'custom' : await sniffJsonlFormat(path);
      // Tabular sources get their source-wide checks from the CSV tabular validator, not the item accumulator.
      const entry = checks && route && route !== 'tabular' ? accumulatorFor(route) : undefined;
      const onItem = entry ? (item: ItemFacts) => entry.acc.add(item, path) : undefined;
      entry?.acc.addFile(path);
      // A format known only once the file is read (a CSV file, an ambiguous JSONL file): the
      // validator asks for the items' consumer when it knows, so the checks take the same pass.
      let asked: ReturnType<typeof accumulatorFor> | undefined;
      const itemsFor =
        checks && !entry && route !== 'tabular'
          ? (format: FormatId) => {
              if (format === 'tabular') return undefined;
              const late = (asked = accumulatorFor(format));
              late.acc.addFile(path);
              return (item: ItemFacts) => late.acc.add(item, path);
            }
          : undefined;
      spool = options.spool ? new DiagnosticSpool() : undefined;
      const counter = options.countOnly && !spool ? new SeverityCounter() : undefined;
      const result = await validateFile(path, {
        format: route === 'custom' ? undefined : route,
        customSchema: options.customSchema,
        // Counting needs no cap: nothing is kept.
        maxDiagnostics: counter ? undefined : options.maxDiagnostics,
        onItem,
        itemsFor,
        // The accumulator keeps only line numbers per URI and re-reads the lines its findings sit on.
        lazyAnchors: true,
        singleItems: entry?.acc.singleSink(path),
        // CSV rows go to the accumulator that takes the file's items (given up front, or asked for by itemsFor).
        rowSinksFor: checks && route !== 'tabular' ? (format: FormatId) => {
          const taker = entry ?? asked;
          return taker !== undefined && taker.acc.format === format ? taker.acc.csvRowSinks(path) : undefined;
        } : undefined,
        boxItems: entry?.acc.boxSink(path),
        jobs: options.jobs,
        diagnosticStore: spool ?? counter,
        ...options.tabular,
        strict: options.strict,
      });
      if (!result.format && result.diagnostics.length === 0 && !spool?.count && !counter?.count) {
        spool?.dispose();
        problems.push(`${displayPath(path, cwd)}: cannot tell the import format (${result.detection.reason}); pass --format ID or --schema FILE`);
        continue;
      }
      if (asked && asked === accumulators.get(result.format as FormatId)) asked.files.push(path);
      else if (checks && !entry && result.format && result.format !== 'tabular') {
        // The format was only known after reading the file, and the validator did not ask for the
        // items when it knew (see itemsFor): a second pass feeds the dataset checks.
        const late = accumulatorFor(result.format);
        late.acc.addFile(path);
        late.files.push(path);
        await validateFile(path, { format: result.format, customSchema: options.customSchema, maxDiagnostics: 1, onItem: (item) => late.acc.add(item, path) });
      } else entry?.files.push(path);
      reports.push({ path, format: result.format, items: result.items, diagnostics: result.diagnostics, spool, counted: counter, unlisted: result.unlisted });
      spool = undefined;
      const summary = (result as CsvValidationResult).tabular;
      if (summary) tabular.push({ files: [path], summary });
    } catch (e) {
      spool?.dispose();
      if (e instanceof UsageError) problems.push(e.message.startsWith(path) ? displayPath(path, cwd) + e.message.slice(path.length) : `${displayPath(path, cwd)}: ${e.message}`);
      else throw e;
    }
  }

  const datasets: DatasetGroup[] = [];
  const byPath = new Map(reports.map((r) => [r.path, r]));
  for (const [format, { acc, files: groupFiles }] of accumulators) {
    if (groupFiles.length === 0) continue;
    const result = acc.finish();
    datasets.push({ format, files: groupFiles, result });
    for (const d of result.diagnostics) {
      const report = d.path !== undefined ? byPath.get(d.path) : undefined;
      if (!report) continue;
      const { path: _omit, ...diagnostic } = d;
      void _omit;
      report.diagnostics.push(diagnostic as Diagnostic);
      // Findings over the per-code cap are not listed but count in the totals, like --max-problems.
      if (d.code === 'dataset.truncated' && typeof d.data?.count === 'number') {
        const unlisted = (report.unlisted ??= { errors: 0, warnings: 0 });
        if (d.data.severity === 'error') unlisted.errors += d.data.count;
        else if (d.data.severity === 'warning') unlisted.warnings += d.data.count;
      }
    }
  }
  reports.push(...sidecarReports);
  return { reports, problems, datasets, tabular };
}

/**
 * Files given together are one dataset, so a file whose content fits several formats (unlabeled
 * images; one label per row, single- or multi-label) takes the format of the files that are certain
 * of theirs, when exactly one of its candidates is such a format. Otherwise each file would be
 * validated as its own likeliest format and counted as a dataset of its own.
 */
async function formatsFromSiblings(files: readonly string[], options: DatasetRunOptions): Promise<Map<string, FormatId>> {
  const chosen = new Map<string, FormatId>();
  const tabularOptions = Object.values(options.tabular ?? {}).some((v) => v !== undefined);
  if (files.length < 2 || options.format || options.customSchema || tabularOptions) return chosen;
  const ambiguous: [string, FormatId[]][] = [];
  const certain = new Set<FormatId>();
  for (const f of files) {
    if (fileKind(f) === 'jsonl' && sidecarSchemaPath(f)) continue;
    const d = await sniffDetection(f);
    if (d?.confidence === 'certain' && d.format) certain.add(d.format);
    else if (d?.confidence === 'ambiguous' && d.candidates.length > 1) ambiguous.push([f, d.candidates]);
  }
  for (const [f, candidates] of ambiguous) {
    const fits = candidates.filter((c) => certain.has(c));
    if (fits.length === 1) chosen.set(f, fits[0]);
  }
  return chosen;
}

/** About how many lines a file holds (its size over the mean length of the lines in its first 64 KiB). */
async function estimateLines(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const head = Buffer.allocUnsafe(Math.min(size, 1 << 16));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let lines = 0;
    for (let at = head.indexOf(10, 0); at >= 0 && at < bytesRead; at = head.indexOf(10, at + 1)) lines++;
    if (lines === 0) return 1;
    return Math.ceil((size / bytesRead) * lines);
  } catch {
    return 0;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
