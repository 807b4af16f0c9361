/**
 * Validation of one import file from disk in a worker thread, for files the editor cannot hold
 * (VS Code syncs no text above 50 MB to extensions) and for closed files. The worker streams the
 * file with the core (constant memory), runs the dataset checks on the items as they stream,
 * and posts plain messages back; the caller cancels by terminating the worker.
 */
import { Worker } from 'node:worker_threads';
import { readFile, stat } from 'node:fs/promises';
import { DatasetAccumulator, type DatasetStats } from './dataset';
import type { Diagnostic } from './diagnostics';
import { fileKind, sniffJsonlFormat, validateFile } from './files';
import type { FormatId } from './formats';
import type { ItemFacts } from './items';
import { mergeMedia, parseMediaSidecar, SIDECAR_SUFFIXES, type MediaTable } from './dataset/media';
import type { Detection, UnlistedCounts, ValidationOptions } from './validate';

export interface DiskRequest {
  path: string;
  /** The user's format choice (undefined: sidecar schema or detection decide). */
  format?: FormatId;
  /** A custom dataset's JSON Schema, when the caller has one. */
  customSchema?: object;
  maxDiagnostics?: number;
  /** Also run the dataset checks (label counts, splits) on the items. */
  datasetChecks?: boolean;
  /** Findings that only block training are errors (the CLI's `--strict`). */
  strict?: boolean;
  /** Tabular CSV columns and objective; they apply when the file is tabular (chosen, or detected). */
  tabular?: Pick<ValidationOptions, 'target' | 'weight' | 'splitColumn' | 'timestampSplitColumn' | 'objective' | 'timeColumn' | 'seriesColumn'>;
  /** What advice in messages names (the editor's commands and settings). */
  hints?: ValidationOptions['hints'];
}

export interface DiskResult {
  format?: FormatId;
  detection: Detection;
  items: number;
  lines: number;
  /** Line findings, then dataset findings about the file (none about other files). */
  diagnostics: Diagnostic[];
  /** Problems over `maxDiagnostics`, counted by severity but not listed (absent when none were). */
  unlisted?: UnlistedCounts;
  stats?: DatasetStats;
  bytes: number;
}

export type DiskMessage =
  | { type: 'progress'; bytes: number; total: number }
  | { type: 'result'; result: DiskResult }
  | { type: 'error'; message: string };

/** Progress is posted at most this often (bytes), so messages stay few on large files. */
const PROGRESS_STEP = 1 << 20;

/**
 * The file's media sidecars (`FILE.media.json`, `FILE.media.csv`), as the CLI and the editor read
 * them; a missing or unreadable sidecar is skipped (the editor reports its problems on the sidecar).
 */
async function readSidecars(path: string): Promise<MediaTable | undefined> {
  const tables: MediaTable[] = [];
  for (const suffix of SIDECAR_SUFFIXES) {
    const text = await readFile(path + suffix, 'utf8').catch(() => undefined);
    if (text !== undefined) tables.push(parseMediaSidecar(text, path + suffix).media);
  }
  return tables.length ? mergeMedia(tables) : undefined;
}

/** What the worker does with one request; also callable in-thread (tests, small files). */
export async function validateFromDisk(req: DiskRequest, post: (m: DiskMessage) => void): Promise<DiskResult> {
  const total = (await stat(req.path)).size;
  let lastPosted = 0;
  const csv = fileKind(req.path) === 'csv';
  const media = req.datasetChecks ? await readSidecars(req.path) : undefined;
  const accumulator = (format: FormatId) => new DatasetAccumulator(format, { csv, strict: req.strict, media });
  // The dataset checks take the items as they stream: from the start when the format is known up
  // front (chosen, or certain from the head of a JSONL file), else from when the validator has
  // detected it (itemsFor), in the same pass.
  const known = req.datasetChecks ? (req.format ?? (!csv && !req.customSchema ? await sniffJsonlFormat(req.path) : undefined)) : undefined;
  let acc = known ? accumulator(known) : undefined;
  let accFormat = known;
  const onItem = acc ? (f: ItemFacts) => acc!.add(f) : undefined;
  const itemsFor =
    req.datasetChecks && !acc
      ? (format: FormatId) => {
          const detected = accumulator(format);
          acc = detected;
          accFormat = format;
          return (f: ItemFacts) => detected.add(f);
        }
      : undefined;
  post({ type: 'progress', bytes: 0, total });
  const tabular = req.tabular ? { ...req.tabular, tabularIfDetected: !req.format } : {};
  const result = await validateFile(req.path, {
    format: req.format,
    customSchema: req.customSchema,
    maxDiagnostics: req.maxDiagnostics,
    ...tabular,
    strict: req.strict,
    hints: req.hints,
    onItem,
    itemsFor,
    rowSinksFor: req.datasetChecks ? (format) => (acc !== undefined && accFormat === format ? acc.csvRowSinks() : undefined) : undefined,
    onProgress: (bytes) => {
      if (bytes - lastPosted < PROGRESS_STEP) return;
      lastPosted = bytes;
      post({ type: 'progress', bytes, total });
    },
  });
  let diagnostics = result.diagnostics;
  let stats: DatasetStats | undefined;
  if (req.datasetChecks && result.format) {
    if (!acc || accFormat !== result.format) {
      // The validator did not ask for the items (a file it could not read as one stream): a second pass.
      const late = (acc = accumulator(result.format));
      await validateFile(req.path, { format: result.format, customSchema: req.customSchema, maxDiagnostics: 1, ...tabular, onItem: (f) => late.add(f) });
    }
    const dataset = acc.finish();
    diagnostics = [...diagnostics, ...dataset.diagnostics.filter((d) => d.path === undefined || d.path === '')];
    stats = dataset.stats;
  }
  post({ type: 'progress', bytes: total, total });
  return { format: result.format, detection: result.detection, items: result.items, lines: result.lines, diagnostics, ...(result.unlisted ? { unlisted: result.unlisted } : {}), stats, bytes: total };
}

/** The body of the worker entry: one request in `workerData`, messages out through `post`. */
export async function serveDiskRequest(req: DiskRequest, post: (m: DiskMessage) => void): Promise<void> {
  try {
    post({ type: 'result', result: await validateFromDisk(req, post) });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  }
}

export class DiskValidationCancelled extends Error {
  constructor() {
    super('Validation cancelled');
  }
}

/**
 * Runs one request in a new worker thread (`workerPath`: the bundled worker entry). Rejects with
 * DiskValidationCancelled when `signal` aborts (the worker is terminated at once) and with the
 * worker's message when validation fails.
 */
export function validateInWorker(
  workerPath: string,
  req: DiskRequest,
  options: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void} = {},
): Promise<DiskResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new DiskValidationCancelled());
    const worker = new Worker(workerPath, { workerData: req });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new DiskValidationCancelled()));
    options.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: DiskMessage) => {
      if (m.type === 'progress') options.onProgress?.(m.bytes, m.total);
      else if (m.type === 'result') finish(() => resolve(m.result));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the validation worker stopped (exit code ${code}) before it sent a result`))));
  });
}
