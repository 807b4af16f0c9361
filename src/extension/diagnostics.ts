/**
 * Live diagnostics: validates open import files with the core and publishes the findings to the
 * Problems panel. Per document: debounced, stale runs dropped (document version and a cancellation
 * token checked after every await), cleared on close, re-run when settings or the file's format
 * choice change. After an edit only lines from the first changed line on are re-validated; the
 * findings above it are kept (the core's `fromLine`).
 */
import * as vscode from 'vscode';
import { countSeverities, type Diagnostic as CoreDiagnostic } from '../core/diagnostics';
import { codeDocUrl } from '../core/docs';
import { FORMATS, type FormatId } from '../core/formats';
import { validateCsvText } from '../core/csv/validate';
import { EDITOR_VALIDATION_HINTS } from '../core/validationHints';
import { DatasetAccumulator, type DatasetResult, type DatasetStats } from '../core/dataset';
import { annotationLabels, type ItemFacts } from '../core/items';
import { join } from 'node:path';
import { DiskValidationCancelled, validateInWorker, type DiskResult } from '../core/diskValidation';
import { loadSchemaFile, sidecarSchemaPath } from '../core/files';
import { validateJsonlText } from '../core/jsonl/validate';
import type { Detection, UnlistedCounts, ValidationResult } from '../core/validate';
import type { FormatResolver, FormatSource } from './formatChoice';
import { DatasetSync } from './datasetSync';
import { LineCache } from './lineCache';
import type { MediaSidecars } from './mediaSidecars';
import type { LineEnds } from './lineEnds';
import type { MediaTable } from '../core/dataset/media';
import type { Settings } from './settings';

export const SOURCE = 'vertex-datasets';
/** VS Code does not sync documents above this size to extensions. */
const MAX_SYNCED_CHARS = 50 * 1024 * 1024;
/** Non-blank lines the core samples to detect a format (edits there may change the detected format). */
const DETECTION_LINES = 50;
/**
 * An import file opened in a tab whose document has not reached the extension yet is validated
 * from disk meanwhile when it is at least this big (VS Code takes seconds to load and sync a file
 * of tens of MB; a small file arrives before a worker would have started).
 */
const EARLY_DISK_MIN_BYTES = 4 * 1024 * 1024;
/** Findings about the file as a whole that an incremental run cannot keep: they force a full run. */
const FULL_RUN_CODES = new Set(['file.empty', 'jsonl.notJsonl', 'report.truncated']);
/**
 * The dataset step waits for a short pause after the line findings are out instead of interrupting
 * typing: after an edit it costs little (the changed items), but after a full run it builds the
 * incremental dataset from every item's facts (a few hundred ms on 100,000 lines).
 */
const DATASET_DELAY_MS = 400;
/** Findings the core makes about a whole text, meaningless for a slice of changed lines. */
const FILE_LEVEL_CODES = new Set([...FULL_RUN_CODES, 'format.ambiguous', 'encoding.bom', 'encoding.document']);
/**
 * A JSONL document opened with more lines than this is validated in two steps: first the lines an
 * editor shows (the head, and any visible range), published at once, then the whole text.
 */
const VISIBLE_FIRST_MIN_LINES = 5_000;
/** Lines validated first from the top: more than a screen, and more than detection samples. */
const HEAD_LINES = 1_000;

export interface DocumentReport {
  uri: vscode.Uri;
  version: number;
  /** Undefined when the file is not treated as an import file. */
  format?: FormatId;
  source?: FormatSource;
  detection?: Detection;
  items: number;
  /** Errors and warnings found, listed or not (`unlisted`: over `vertexDatasets.maxProblems`). */
  errors: number;
  warnings: number;
  infos: number;
  unlisted?: UnlistedCounts;
  /** Everything published: file findings, line findings, then dataset findings. */
  diagnostics: CoreDiagnostic[];
  /** Dataset statistics (labels, splits, distributions), when dataset checks are on. */
  stats?: DatasetStats;
  /**
   * True when line findings are published and the dataset findings and statistics (which follow
   * right after) still come from the previous run.
   */
  datasetPending: boolean;
  /** True when only the lines changed since the last run were validated again. */
  incremental: boolean;
  /** True when the findings come from the file on disk (no document for it had reached the extension). */
  fromDisk?: boolean;
  /** 1-based first line validated again. */
  fromLine: number;
  /** Time of the line validation run. */
  durationMs: number;
  /** `performance.now()` when the run started (timelines in benchmarks and logs). */
  startedAt?: number;
  /**
   * True for the first findings of a large document: only the lines an editor shows first were
   * validated; the findings of the whole document follow in the next report.
   */
  partial?: boolean;
  /** Time of the dataset step (when it has run for this version). */
  datasetMs?: number;
}

export interface ValidationDeps {
  log: vscode.LogOutputChannel;
  settings: Settings;
  formats: FormatResolver;
  debounceMs?: number;
  /** The bundled disk validation worker (default: validationWorker.js beside the extension bundle). */
  workerPath?: string;
  /** Image sizes and video durations from the file's media sidecars, for the dataset checks that need them. */
  media?: MediaSidecars;
  /** Lone carriage returns in JSONL files on disk, which the editor shows as line breaks. */
  lineEnds?: LineEnds;
}

interface Pending {
  timer?: ReturnType<typeof setTimeout>;
  cts: vscode.CancellationTokenSource;
}

/** What the service keeps per open document between runs. */
interface DocState {
  /** JSONL only: per-line results, kept in step with edits. */
  cache?: LineCache;
  /** Findings about the whole file (format notes, not-JSONL): recomputed by full runs only. */
  fileDiagnostics: CoreDiagnostic[];
  lineDiagnostics: CoreDiagnostic[];
  /** CSV only: facts of the last full run (JSONL facts live in the cache). */
  facts?: ItemFacts[];
  datasetDiagnostics: CoreDiagnostic[];
  stats?: DatasetStats;
  /** A `name.schema.json` beside the file makes it a custom dataset (as in the CLI). */
  customSchema?: object;
  /** JSONL only: the dataset over the cache's facts, updated with the facts edits changed. */
  dataset?: DatasetSync;
  /** Problems the last full run found over `vertexDatasets.maxProblems`: counted, not listed. */
  unlisted?: UnlistedCounts;
  /** The document's encoding at the last full run (its findings depend on it). */
  encoding?: string;
  /** Whether the last full run knew the file's bytes to be valid UTF-8 (U+FFFD findings depend on it). */
  textIsUtf8?: boolean;
}

/** VS Code's encoding of a document (older hosts have no such property: UTF-8 then). */
const encodingOf = (doc: vscode.TextDocument): string => (doc as { encoding?: string }).encoding ?? 'utf8';

/**
 * An import document read as UTF-8 from a file whose bytes are valid UTF-8: its U+FFFD characters
 * are the file's own (as the command line, reading the bytes, sees them), not decoding failures.
 */
function textIsUtf8(doc: vscode.TextDocument, lineEnds: LineEnds | undefined): boolean {
  const encoding = encodingOf(doc);
  return (encoding === 'utf8' || encoding === 'utf8bom') && lineEnds?.isUtf8OnDisk(doc.uri) === true;
}

/**
 * A CSV document that is its file (unedited) whose bytes are not UTF-8: the U+FFFD of the validator's
 * `text` that the first bad byte became. The CSV reader reports that one, as the command line does;
 * a genuine U+FFFD before it is a character.
 */
function invalidUtf8In(doc: vscode.TextDocument, text: string, lineEnds: LineEnds | undefined): { at: number; byte: number } | undefined {
  const encoding = encodingOf(doc);
  const bad = !doc.isDirty && (encoding === 'utf8' || encoding === 'utf8bom') ? lineEnds?.firstInvalidUtf8(doc.uri) : undefined;
  if (!bad || bad.line >= doc.lineCount) return undefined;
  const at = (encoding === 'utf8bom' ? 1 : 0) + doc.offsetAt(new vscode.Position(bad.line, bad.character));
  // The file changed since it was read (the document not reloaded yet): the next read tells.
  return text.charCodeAt(at) === 0xfffd ? { at, byte: bad.byte } : undefined;
}

/**
 * The text the validator reads for a document: VS Code keeps a UTF-8 byte order mark out of the
 * text (it is written back on save), so it is put back for the validator to report, as the CLI
 * reading the file does.
 */
function validatorText(doc: vscode.TextDocument): string {
  return encodingOf(doc) === 'utf8bom' ? '\ufeff' + doc.getText() : doc.getText();
}

/**
 * A document VS Code decodes with another encoding than UTF-8 (chosen, or guessed with
 * `files.autoGuessEncoding`) is saved in it: Vertex AI reads import files as UTF-8, so any
 * character beyond ASCII (with UTF-16, every character) would import as something else. Reported
 * on the first such character.
 */
function documentEncodingDiagnostic(doc: vscode.TextDocument, text: string): CoreDiagnostic | undefined {
  const encoding = encodingOf(doc);
  if (encoding === 'utf8' || encoding === 'utf8bom') return undefined;
  // UTF-16 changes every character's bytes (the CLI reads such a file as binary); others only those beyond ASCII.
  const utf16 = encoding.startsWith('utf16');
  const at = utf16 ? 0 : text.search(/[^\x00-\x7f]/);
  if (at < 0) return undefined;
  const pos = doc.positionAt(at);
  return {
    line: pos.line + 1,
    column: pos.character + 1,
    endLine: pos.line + 1,
    endColumn: pos.character + 2,
    severity: 'error',
    code: 'encoding.document',
    message: `This file is saved as ${encoding}, not UTF-8: Vertex AI reads import files as UTF-8, so ${utf16 ? 'it cannot read this one' : 'characters beyond ASCII would import wrong'}. Save it as UTF-8 (Save with Encoding).`,
  };
}

export function fileKindOf(doc: vscode.TextDocument): 'jsonl' | 'csv' {
  return doc.languageId === 'csv' || /\.csv$/i.test(doc.uri.path) ? 'csv' : 'jsonl';
}

export function isImportCandidate(doc: vscode.TextDocument): boolean {
  return ['jsonl', 'csv'].includes(doc.languageId) || /\.(jsonl|csv)$/i.test(doc.uri.path);
}

export function toVsDiagnostic(d: CoreDiagnostic, uri: vscode.Uri): vscode.Diagnostic {
  const range = new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, d.endColumn - 1);
  const severity =
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const out = new vscode.Diagnostic(range, d.message, severity);
  out.source = SOURCE;
  out.code = { value: d.code, target: vscode.Uri.parse(codeDocUrl(d.code)) };
  if (d.related?.length) {
    out.relatedInformation = d.related
      .filter((r) => r.path === undefined)
      .map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1)), r.message));
  }
  return out;
}

export class ValidationService implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly pending = new Map<string, Pending>();
  private readonly pendingDataset = new Map<string, Pending>();
  private readonly states = new Map<string, DocState>();
  /** Runs from disk in a worker, per file; aborting one terminates its worker. */
  private readonly diskRuns = new Map<string, AbortController>();
  private readonly reports = new Map<string, DocumentReport>();
  private readonly validated = new vscode.EventEmitter<DocumentReport>();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.validated];
  /** Fires after each published run (and with an empty report when a document is cleared). */
  readonly onDidValidate = this.validated.event;
  private readonly debounceMs: number;

  constructor(private readonly deps: ValidationDeps) {
    this.debounceMs = deps.debounceMs ?? 300;
  }

  report(uri: vscode.Uri): DocumentReport | undefined {
    return this.reports.get(uri.toString());
  }

  /** Keeps the per-line cache in step with an edit, then schedules a debounced run. */
  noteChange(e: vscode.TextDocumentChangeEvent): void {
    const state = this.states.get(e.document.uri.toString());
    const cache = state?.cache;
    if (state && cache) {
      let ok = cache.version === e.document.version - 1;
      for (const c of e.contentChanges) {
        if (!ok) break;
        let breaks = 0;
        for (let i = c.text.indexOf('\n'); i >= 0; i = c.text.indexOf('\n', i + 1)) breaks++;
        ok = cache.applyEdit({ startLine: c.range.start.line, endLine: c.range.end.line, insertedBreaks: breaks });
      }
      if (ok && cache.lineCount === e.document.lineCount) cache.version = e.document.version;
      else state.cache = undefined;
    }
    this.schedule(e.document);
  }

  /** Schedules a debounced run (line findings first, then dataset findings). */
  schedule(doc: vscode.TextDocument, delayMs = this.debounceMs): void {
    if (!isImportCandidate(doc) && !this.deps.formats.explicit(doc)) return;
    const key = doc.uri.toString();
    this.cancel(doc.uri);
    const p: Pending = { cts: new vscode.CancellationTokenSource() };
    this.pending.set(key, p);
    p.timer = setTimeout(() => {
      this.run(doc, p.cts.token)
        .then(
          () => undefined,
          (e) => this.deps.log.error(`validation of ${doc.uri.fsPath} failed`, e),
        )
        .finally(() => {
          if (this.pending.get(key) === p) {
            this.pending.delete(key);
            p.cts.dispose();
          }
        });
    }, delayMs);
  }

  /** Forgets cached results so the next run re-reads the whole document (format or settings changed, file saved). */
  /**
   * A lone CR in the file on disk joins two lines the editor shows apart: to Vertex AI and the
   * command line they are one line, one item that does not parse. While the document is the file
   * (unedited), its items and dataset count them so; saving writes the editor's line breaks.
   */
  private joinLoneCrLines(doc: vscode.TextDocument, cache: LineCache): void {
    const lines = this.deps.lineEnds?.loneLines(doc.uri);
    if (lines?.length && !doc.isDirty) cache.joinLines(lines);
  }

  /** Records what the file's bytes say about U+FFFD for a document that holds none (its findings stand). */
  noteTextIsUtf8(doc: vscode.TextDocument): void {
    const state = this.states.get(doc.uri.toString());
    if (state) state.textIsUtf8 = textIsUtf8(doc, this.deps.lineEnds);
  }

  invalidate(uri: vscode.Uri): void {
    const state = this.states.get(uri.toString());
    if (state) state.cache = undefined;
  }

  /** Validates now (no debounce) from scratch; resolves with the report including dataset findings. */
  async validateNow(doc: vscode.TextDocument): Promise<DocumentReport | undefined> {
    this.cancel(doc.uri);
    this.invalidate(doc.uri);
    const cts = new vscode.CancellationTokenSource();
    try {
      const r = await this.run(doc, cts.token, false);
      if (!r?.format) return r;
      return this.runDataset(doc, cts.token);
    } finally {
      cts.dispose();
    }
  }

  clear(uri: vscode.Uri): void {
    this.cancel(uri);
    this.diskRuns.get(uri.toString())?.abort();
    this.collection.delete(uri);
    this.deps.media?.release(uri);
    this.deps.lineEnds?.clear(uri);
    this.states.delete(uri.toString());
    if (this.reports.delete(uri.toString())) {
      this.validated.fire({ ...emptyReport(uri, -1) });
    }
  }

  private cancel(uri: vscode.Uri): void {
    for (const map of [this.pending, this.pendingDataset]) {
      const p = map.get(uri.toString());
      if (!p) continue;
      clearTimeout(p.timer);
      p.cts.cancel();
      p.cts.dispose();
      map.delete(uri.toString());
    }
  }

  private async run(doc: vscode.TextDocument, token: vscode.CancellationToken, scheduleDataset = true): Promise<DocumentReport | undefined> {
    const version = doc.version;
    const key = doc.uri.toString();
    const explicit = this.deps.formats.explicit(doc);
    const chosen = explicit?.format;
    if (chosen === 'none' || doc.isClosed) {
      this.clear(doc.uri);
      return undefined;
    }
    // Yield so that a burst of events for this document can cancel this run before it starts.
    await Promise.resolve();
    if (token.isCancellationRequested || doc.version !== version) return undefined;

    const started = performance.now();
    const kind = fileKindOf(doc);
    const prev = this.reports.get(key);
    const state = this.states.get(key);
    const maxProblems = this.deps.settings.maxProblems(doc.uri);
    const format = chosen ?? (prev?.source === 'detected' ? prev.format : undefined);
    const cache = state?.cache;
    let incremental =
      kind === 'jsonl' &&
      cache !== undefined &&
      prev?.format !== undefined &&
      cache.version === version &&
      cache.lineCount === doc.lineCount &&
      cache.format === format &&
      state!.encoding === encodingOf(doc) &&
      state!.textIsUtf8 === textIsUtf8(doc, this.deps.lineEnds) &&
      // encoding.document sits on the first character beyond ASCII, which any edit may move: full runs keep it true.
      (state!.encoding === 'utf8' || state!.encoding === 'utf8bom') &&
      !state!.fileDiagnostics.some((d) => FULL_RUN_CODES.has(d.code)) &&
      (prev.source !== 'detected' || detectionUnchanged(doc, cache, prev));
    let fromLine = 1;
    if (cache && !incremental) {
      this.deps.log.debug(
        `full run of ${vscode.workspace.asRelativePath(doc.uri)}: cache v${cache.version}/${cache.lineCount} lines, document v${version}/${doc.lineCount} lines, ` +
          `format ${cache.format}/${format ?? 'none'}`,
      );
    }

    if (incremental && state && cache) {
      const ranges = cache.dirtyRanges();
      fromLine = ranges.length ? ranges[0][0] + 1 : doc.lineCount + 1;
      for (const [a, b] of ranges) {
        const lines: string[] = [];
        for (let i = a; i <= b; i++) lines.push(doc.lineAt(i).text);
        const facts: ItemFacts[] = [];
        const r = validateJsonlText(lines.join('\n'), { format: cache.format, customSchema: state.customSchema, onItem: (f) => facts.push(f), textIsUtf8: state.textIsUtf8 });
        // The changed lines read as one JSON document spread over lines (say, a blank line and an
        // object): the core judges the whole text then, so only a full run gives the true findings.
        if (r.diagnostics.some((d) => FULL_RUN_CODES.has(d.code) && d.code !== 'file.empty')) {
          cache.version = -1;
          incremental = false;
          break;
        }
        for (const f of facts) shiftFacts(f, a);
        const ds = r.diagnostics.filter((d) => !FILE_LEVEL_CODES.has(d.code));
        for (const d of ds) shiftDiagnostic(d, a);
        cache.update(a, b, ds, facts, (i) => !doc.lineAt(i).isEmptyOrWhitespace);
      }
      if (incremental) {
        this.joinLoneCrLines(doc, cache);
        state.lineDiagnostics = cache.lineDiagnostics();
        if (state.lineDiagnostics.length > maxProblems) incremental = false;
      }
    }

    let detection = prev?.detection;
    let resultFormat = prev?.format;
    // Findings from disk (the file was validated while VS Code loaded it) are complete: they stay
    // up until the document's own run replaces them, instead of the visible lines alone.
    if (!incremental && kind === 'jsonl' && !state && doc.lineCount > VISIBLE_FIRST_MIN_LINES && !prev?.fromDisk) {
      this.publishVisibleFirst(doc, version, explicit?.source ?? 'detected', chosen, maxProblems, started);
      // Let the first findings reach the editor before the full run takes the thread.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (token.isCancellationRequested || doc.version !== version || doc.isClosed) return undefined;
    }
    if (!incremental) {
      const text = validatorText(doc);
      if (text.length > MAX_SYNCED_CHARS) return undefined;
      const facts: ItemFacts[] = [];
      let result: ValidationResult;
      let customSchema: object | undefined;
      // Read once: the findings and the state that keeps them must agree on it.
      const utf8 = textIsUtf8(doc, this.deps.lineEnds);
      try {
        const sidecar = kind === 'jsonl' && !chosen && doc.uri.scheme === 'file' ? sidecarSchemaPath(doc.uri.fsPath) : undefined;
        customSchema = sidecar ? loadSchemaFile(sidecar) : undefined;
        const validate = kind === 'csv' ? validateCsvText : validateJsonlText;
        // The tabular settings name columns; they make a CSV tabular only if it is one (chosen, or a plain table).
        const tabular = kind === 'csv' ? { ...this.deps.settings.tabular(doc.uri), tabularIfDetected: !chosen } : {};
        const invalidUtf8 = kind === 'csv' ? invalidUtf8In(doc, text, this.deps.lineEnds) : undefined;
        result = validate(text, { format: chosen, customSchema, maxDiagnostics: maxProblems, onItem: (item: ItemFacts) => facts.push(item), ...tabular, strict: this.deps.settings.strict(doc.uri), hints: EDITOR_VALIDATION_HINTS, textIsUtf8: utf8, invalidUtf8 });
      } catch (e) {
        this.deps.log.error(`could not validate ${doc.uri.fsPath}: ${(e as Error).message}`);
        this.collection.set(doc.uri, [
          toVsDiagnostic({ line: 1, column: 1, endLine: 1, endColumn: 2, severity: 'error', code: 'format.unknown', message: (e as Error).message }, doc.uri),
        ]);
        return undefined;
      }
      if (token.isCancellationRequested || doc.version !== version || doc.isClosed) return undefined;
      // No Vertex media keys (detection `none`), or a CSV that only looks like a plain table (any CSV
      // with a header does): not an import file unless the user says so. No findings then.
      if (!result.format || result.detection.confidence === 'none' || (kind === 'csv' && !chosen && result.format === 'tabular' && !this.deps.settings.tabular(doc.uri).target)) {
        this.collection.delete(doc.uri);
        this.states.delete(key);
        const report: DocumentReport = { ...emptyReport(doc.uri, version), detection: result.detection, durationMs: performance.now() - started };
        this.reports.set(key, report);
        this.validated.fire(report);
        return report;
      }
      resultFormat = result.format;
      detection = result.detection;
      const encodingProblem = documentEncodingDiagnostic(doc, text);
      if (encodingProblem) result.diagnostics.unshift(encodingProblem);
      const fileDiagnostics = kind === 'jsonl' ? result.diagnostics.filter((d) => FILE_LEVEL_CODES.has(d.code)) : [];
      const lineDiagnostics = kind === 'jsonl' ? result.diagnostics.filter((d) => !FILE_LEVEL_CODES.has(d.code)) : result.diagnostics;
      const next: DocState = {
        fileDiagnostics,
        lineDiagnostics,
        datasetDiagnostics: state?.datasetDiagnostics ?? [],
        stats: state?.stats,
        facts: kind === 'csv' ? facts : undefined,
        customSchema,
        unlisted: result.unlisted,
        encoding: encodingOf(doc),
        // Without a U+FFFD the findings do not depend on it: take what is known now (the bytes may
        // have been read during this run), so the next edit is not a full run for nothing.
        textIsUtf8: text.includes('\ufffd') ? utf8 : textIsUtf8(doc, this.deps.lineEnds),
        cache:
          kind === 'jsonl' && !fileDiagnostics.some((d) => FULL_RUN_CODES.has(d.code))
            ? new LineCache(result.format, version, doc.lineCount, lineDiagnostics, facts, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
            : undefined,
      };
      this.states.set(key, next);
      if (next.cache) this.joinLoneCrLines(doc, next.cache);
      incremental = false;
      fromLine = 1;
      if (kind === 'csv' || !next.cache) next.facts = facts;
      return this.publish(doc, version, explicit?.source ?? 'detected', resultFormat, detection, kind === 'jsonl' && next.cache ? next.cache.items : result.items, false, 1, started, scheduleDataset);
    }
    return this.publish(doc, version, explicit?.source ?? 'detected', resultFormat!, detection, cache!.items, true, fromLine, started, scheduleDataset);
  }

  /**
   * The first findings of a large document before the whole text is validated: the head (which
   * also decides the detected format, as detection samples the first lines) and the ranges visible
   * editors show. Publishes nothing when the head alone cannot decide (no format, not JSON Lines).
   */
  private publishVisibleFirst(doc: vscode.TextDocument, version: number, source: FormatSource, chosen: FormatId | undefined, maxProblems: number, started: number): void {
    const ranges: [number, number][] = [[0, Math.min(doc.lineCount, HEAD_LINES) - 1]];
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== doc) continue;
      for (const r of editor.visibleRanges) ranges.push([r.start.line, Math.min(doc.lineCount - 1, r.end.line)]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    const sidecar = !chosen && doc.uri.scheme === 'file' ? sidecarSchemaPath(doc.uri.fsPath) : undefined;
    let customSchema: object | undefined;
    try {
      customSchema = sidecar ? loadSchemaFile(sidecar) : undefined;
    } catch {
      return; // the full run reports the unreadable schema
    }
    let format = chosen;
    let detection: Detection | undefined;
    const diagnostics: CoreDiagnostic[] = [];
    for (const [a, b] of merged) {
      const lines: string[] = [];
      for (let i = a; i <= b; i++) lines.push(doc.lineAt(i).text);
      const r = validateJsonlText(lines.join('\n'), { format, customSchema, maxDiagnostics: maxProblems, textIsUtf8: textIsUtf8(doc, this.deps.lineEnds) });
      if (a === 0) {
        if (!r.format || r.detection.confidence === 'none' || r.diagnostics.some((d) => FULL_RUN_CODES.has(d.code) && d.code !== 'file.empty')) return;
        format = r.format;
        detection = r.detection;
      }
      for (const d of r.diagnostics) {
        if (FILE_LEVEL_CODES.has(d.code)) continue;
        shiftDiagnostic(d, a);
        diagnostics.push(d);
      }
    }
    if (!format || diagnostics.length > maxProblems) return;
    const counts = countSeverities(diagnostics);
    const report: DocumentReport = {
      ...emptyReport(doc.uri, version),
      format,
      source,
      detection,
      errors: counts.errors,
      warnings: counts.warnings,
      infos: counts.infos,
      diagnostics,
      datasetPending: true,
      partial: true,
      durationMs: performance.now() - started,
      startedAt: started,
    };
    this.collection.set(doc.uri, diagnostics.map((d) => toVsDiagnostic(d, doc.uri)));
    this.reports.set(doc.uri.toString(), report);
    this.deps.log.debug(
      `validated lines ${merged.map(([a, b]) => `${a + 1}-${b + 1}`).join(', ')} of ${vscode.workspace.asRelativePath(doc.uri)} v${version} first (${doc.lineCount} lines) in ${report.durationMs.toFixed(1)} ms`,
    );
    this.validated.fire(report);
  }

  private publish(
    doc: vscode.TextDocument,
    version: number,
    source: FormatSource,
    format: FormatId,
    detection: Detection | undefined,
    items: number,
    incremental: boolean,
    fromLine: number,
    started: number,
    scheduleDataset: boolean,
  ): DocumentReport {
    const key = doc.uri.toString();
    const state = this.states.get(key)!;
    const datasetOn = this.deps.settings.datasetChecks(doc.uri);
    if (!datasetOn) {
      state.datasetDiagnostics = [];
      state.stats = undefined;
    }
    const diagnostics = [...state.fileDiagnostics, ...state.lineDiagnostics, ...state.datasetDiagnostics];
    const counts = countSeverities(diagnostics, state.unlisted);
    const report: DocumentReport = {
      uri: doc.uri,
      version,
      format,
      source,
      detection,
      items,
      errors: counts.errors,
      warnings: counts.warnings,
      infos: counts.infos,
      unlisted: state.unlisted,
      diagnostics,
      stats: state.stats,
      datasetPending: datasetOn,
      incremental,
      fromLine,
      durationMs: performance.now() - started,
      startedAt: started,
    };
    this.collection.set(doc.uri, diagnostics.map((d) => toVsDiagnostic(d, doc.uri)));
    this.reports.set(key, report);
    this.deps.log.debug(
      `validated ${vscode.workspace.asRelativePath(doc.uri)} v${version} as ${format} (${source}) ${incremental ? `lines from ${fromLine}` : 'in full'}: ` +
        `${items} items, ${counts.errors} errors, ${counts.warnings} warnings in ${report.durationMs.toFixed(1)} ms`,
    );
    this.validated.fire(report);
    if (datasetOn && scheduleDataset) this.scheduleDataset(doc);
    return report;
  }

  private scheduleDataset(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const prev = this.pendingDataset.get(key);
    if (prev) {
      clearTimeout(prev.timer);
      prev.cts.cancel();
      prev.cts.dispose();
    }
    const p: Pending = { cts: new vscode.CancellationTokenSource() };
    this.pendingDataset.set(key, p);
    p.timer = setTimeout(() => {
      this.runDataset(doc, p.cts.token)
        .catch((e) => this.deps.log.error(`dataset checks of ${doc.uri.fsPath} failed`, e))
        .finally(() => {
          if (this.pendingDataset.get(key) === p) {
            this.pendingDataset.delete(key);
            p.cts.dispose();
          }
        });
    }, DATASET_DELAY_MS);
  }

  /**
   * Dataset-level findings and statistics from the item facts: after an edit only the changed
   * lines were parsed again, and only their items are taken out of and put into the dataset.
   */
  private async runDataset(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<DocumentReport | undefined> {
    await Promise.resolve();
    const key = doc.uri.toString();
    const report = this.reports.get(key);
    const state = this.states.get(key);
    if (token.isCancellationRequested || !report?.format || !state || report.version !== doc.version) return undefined;
    const media = await this.deps.media?.forFile(doc.uri);
    if (token.isCancellationRequested || report.version !== doc.version || this.reports.get(key) !== report) return undefined;
    const started = performance.now();
    const dataset = this.datasetResult(key, state, report.format, fileKindOf(doc) === 'csv', this.deps.settings.strict(doc.uri), media);
    if (token.isCancellationRequested || report.version !== doc.version || this.reports.get(key) !== report) return undefined;
    state.datasetDiagnostics = dataset.diagnostics.filter((d) => d.path === undefined || d.path === '');
    state.stats = dataset.stats;
    const diagnostics = [...state.fileDiagnostics, ...state.lineDiagnostics, ...state.datasetDiagnostics];
    const counts = countSeverities(diagnostics, state.unlisted);
    const next: DocumentReport = {
      ...report,
      diagnostics,
      errors: counts.errors,
      warnings: counts.warnings,
      infos: counts.infos,
      stats: dataset.stats,
      datasetPending: false,
      datasetMs: performance.now() - started,
    };
    this.collection.set(doc.uri, diagnostics.map((d) => toVsDiagnostic(d, doc.uri)));
    this.reports.set(key, next);
    this.validated.fire(next);
    return next;
  }

  /**
   * JSONL: the incremental dataset takes the facts edits dropped and added since the last run
   * (cost: the changed items and the findings, not the file). After a full run (new cache) or a
   * change of format or strictness it is built again, in slices between other work; meanwhile the
   * results come from an accumulator over all facts, as they always did for CSV (validated in full
   * on every run).
   */
  private datasetResult(key: string, state: DocState, format: FormatId, csv: boolean, strict: boolean, media: MediaTable | undefined): DatasetResult {
    const cache = state.cache;
    if (!cache) {
      state.dataset = undefined;
      const acc = new DatasetAccumulator(format, { csv, strict, media });
      for (const f of state.facts ?? []) acc.add(f);
      return acc.finish();
    }
    let sync = state.dataset;
    if (!sync || sync.cache !== cache || sync.format !== format || sync.strict !== strict || sync.media !== media) {
      const next = (sync = state.dataset = new DatasetSync(cache, format, strict, media));
      const step = () => {
        if (this.states.get(key) !== state || state.dataset !== next) return;
        if (!next.step()) setTimeout(step, 0);
      };
      setTimeout(step, 0);
    }
    return sync.result();
  }

  /**
   * Validates a file from disk in a worker thread (no size limit, off the extension host thread)
   * and shows its findings in the Problems panel: closed files, and files above what VS Code syncs
   * to extensions. Files detection does not recognise (and plain-table CSVs) get no findings, as
   * in the editor. Resolves undefined when cancelled, when the user chose no format, or when the
   * file was opened in an editor meanwhile (the buffer's findings win).
   */
  async validateFromDisk(
    uri: vscode.Uri,
    options: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void } = {},
  ): Promise<DocumentReport | undefined> {
    const key = uri.toString();
    const kind = /\.csv$/i.test(uri.path) ? 'csv' : 'jsonl';
    const probe = { uri, languageId: kind } as vscode.TextDocument;
    const explicit = this.deps.formats.explicit(probe);
    if (explicit?.format === 'none') {
      this.clear(uri);
      return undefined;
    }
    this.diskRuns.get(key)?.abort();
    const abort = new AbortController();
    this.diskRuns.set(key, abort);
    const onOuterAbort = () => abort.abort();
    options.signal?.addEventListener('abort', onOuterAbort);
    const started = performance.now();
    let result: DiskResult;
    try {
      result = await validateInWorker(
        this.deps.workerPath ?? join(__dirname, 'validationWorker.js'),
        {
          path: uri.fsPath,
          format: explicit?.format,
          maxDiagnostics: this.deps.settings.maxProblems(uri),
          datasetChecks: this.deps.settings.datasetChecks(uri),
          strict: this.deps.settings.strict(uri),
          tabular: kind === 'csv' ? this.deps.settings.tabular(uri) : undefined,
          hints: EDITOR_VALIDATION_HINTS,
        },
        { signal: abort.signal, onProgress: options.onProgress },
      );
    } catch (e) {
      if (e instanceof DiskValidationCancelled) return undefined;
      throw e;
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      if (this.diskRuns.get(key) === abort) this.diskRuns.delete(key);
    }
    if (abort.signal.aborted || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return undefined;
    // The worker read the media sidecars for the dataset checks; their unreadable rows are published here.
    if (this.deps.settings.datasetChecks(uri)) await this.deps.media?.forFile(uri);
    const durationMs = performance.now() - started;
    if (!result.format || result.detection.confidence === 'none' || (kind === 'csv' && !explicit && result.format === 'tabular' && !this.deps.settings.tabular(uri).target)) {
      this.collection.delete(uri);
      const report: DocumentReport = { ...emptyReport(uri, 0), detection: result.detection, durationMs };
      this.reports.set(key, report);
      this.validated.fire(report);
      return report;
    }
    const counts = countSeverities(result.diagnostics, result.unlisted);
    const report: DocumentReport = {
      uri,
      version: 0,
      format: result.format,
      source: explicit?.source ?? 'detected',
      detection: result.detection,
      items: result.items,
      errors: counts.errors,
      warnings: counts.warnings,
      infos: counts.infos,
      unlisted: result.unlisted,
      diagnostics: result.diagnostics,
      stats: result.stats,
      datasetPending: false,
      incremental: false,
      fromDisk: true,
      fromLine: 1,
      durationMs,
      startedAt: started,
    };
    this.collection.set(uri, result.diagnostics.map((d) => toVsDiagnostic(d, uri)));
    this.reports.set(key, report);
    this.deps.log.info(`validated ${vscode.workspace.asRelativePath(uri)} from disk (${(result.bytes / 1048576).toFixed(1)} MB) as ${result.format}: ${result.items} items, ${counts.errors} errors, ${counts.warnings} warnings in ${durationMs.toFixed(0)} ms`);
    this.validated.fire(report);
    return report;
  }

  /**
   * A file too large for VS Code to sync was opened: validates it from disk with a cancellable
   * progress notification (percentage from the bytes read).
   */
  validateLargeFile(uri: vscode.Uri): Thenable<DocumentReport | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Validating ${vscode.workspace.asRelativePath(uri)} from disk (too large for the editor)`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          return await this.validateFromDisk(uri, {
            signal: abort.signal,
            onProgress: (bytes, total) => {
              const pct = total > 0 ? Math.floor((bytes / total) * 100) : 100;
              if (pct > reported) {
                progress.report({ increment: pct - reported, message: `${pct}%` });
                reported = pct;
              }
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
  }

  /** Stops a run from disk of `uri` (its document arrived: the buffer's findings win). */
  abortDiskRun(uri: vscode.Uri): void {
    this.diskRuns.get(uri.toString())?.abort();
  }

  /**
   * Labels used in the file with their item counts, most used first: from the dataset statistics,
   * or, with `vertexDatasets.datasetChecks` off (no statistics), counted from the items' facts.
   */
  labelCounts(uri: vscode.Uri): [string, number][] {
    const counts = new Map<string, number>();
    const stats = this.reports.get(uri.toString())?.stats;
    if (stats) for (const l of stats.labels) counts.set(l.name, l.items);
    else {
      const state = this.states.get(uri.toString());
      for (const f of state?.cache ? state.cache.itemFacts() : (state?.facts ?? [])) {
        for (const label of new Set(f.annotations.flatMap(annotationLabels))) counts.set(label, (counts.get(label) ?? 0) + 1);
      }
    }
    for (const name of [...counts.keys()]) if (!name.trim()) counts.delete(name);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  /** 1-based line of the first item using `label`, from the cached facts. */
  firstLineOfLabel(uri: vscode.Uri, label: string): number | undefined {
    const state = this.states.get(uri.toString());
    const facts = state?.cache ? state.cache.itemFacts() : (state?.facts ?? []);
    return facts.find((f) => f.annotations.some((a) => annotationLabels(a).includes(label)))?.line;
  }

  dispose(): void {
    for (const uri of [...this.pending.keys(), ...this.pendingDataset.keys()]) this.cancel(vscode.Uri.parse(uri));
    for (const run of this.diskRuns.values()) run.abort();
    for (const d of this.disposables) d.dispose();
  }
}

function shiftDiagnostic(d: CoreDiagnostic, by: number): void {
  d.line += by;
  d.endLine += by;
  for (const r of d.related ?? []) if (r.path === undefined) ((r.line += by), (r.endLine += by));
}

function shiftFacts(f: ItemFacts, by: number): void {
  f.line += by;
  f.anchor.line += by;
  f.anchor.endLine += by;
}

/**
 * For a detected format: edits inside the lines detection samples may change the format. True when
 * they did not (no dirty line there, or detection on the head still gives the same answer).
 */
function detectionUnchanged(doc: vscode.TextDocument, cache: LineCache, prev: DocumentReport): boolean {
  const head: string[] = [];
  let end = 0;
  for (let nonBlank = 0; end < doc.lineCount && nonBlank < DETECTION_LINES; end++) {
    const t = doc.lineAt(end).text;
    head.push(t);
    if (t.trim()) nonBlank++;
  }
  const ranges = cache.dirtyRanges();
  if (ranges.length === 0 || ranges[0][0] >= end) return true;
  const detection = validateJsonlText(head.join('\n'), { maxDiagnostics: 0 }).detection;
  return detection.format === prev.format && detection.confidence === prev.detection?.confidence;
}

function emptyReport(uri: vscode.Uri, version: number): DocumentReport {
  return { uri, version, items: 0, errors: 0, warnings: 0, infos: 0, diagnostics: [], datasetPending: false, incremental: false, fromLine: 1, durationMs: 0 };
}

/** The title shown for a format (status bar, pickers). */
export function formatTitle(format: FormatId): string {
  return FORMATS[format].title;
}

/**
 * Wires the service to the workspace: open documents are validated at once, edits after the
 * debounce from the first changed line, closed documents are cleared, and settings or format
 * choices re-run the affected documents.
 */
function openTabUris(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : []));
}

/**
 * A tab whose document the extension host never got: VS Code does not sync files above 50 MB. Such
 * import files are validated from disk in a worker instead (smaller ones arrive as documents).
 */
/** True for a file on disk that VS Code will not sync to extensions (no document for it exists). */
export async function tooLargeToSync(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file' || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return false;
  return (await vscode.workspace.fs.stat(uri)).size > MAX_SYNCED_CHARS;
}

/**
 * A tab shows a file whose document the extension does not have: above 50 MB it never will (validated
 * from disk with progress); a large file's document is still being loaded by VS Code, so it is
 * validated from disk meanwhile and the document's own findings replace these when it arrives.
 */
async function validateBeforeDocument(service: ValidationService, deps: ValidationDeps, uri: vscode.Uri): Promise<void> {
  if (uri.scheme !== 'file' || !/\.(jsonl|ndjson|csv)$/i.test(uri.path) || service.report(uri)) return;
  const hasDocument = () => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    if (hasDocument()) return;
    if (size > MAX_SYNCED_CHARS) await service.validateLargeFile(uri);
    else if (size >= EARLY_DISK_MIN_BYTES) await service.validateFromDisk(uri);
  } catch (e) {
    deps.log.error(`could not validate ${uri.fsPath} from disk: ${(e as Error).message}`);
  }
}

export function registerDiagnostics(service: ValidationService, deps: ValidationDeps): vscode.Disposable {
  // The file on disk is what Vertex AI reads: read when an import file is opened or saved (JSONL:
  // lone CRs and UTF-8; CSV, where a lone CR ends a record: UTF-8).
  const checkLineEnds = (doc: vscode.TextDocument) => {
    if (!deps.lineEnds || doc.uri.scheme !== 'file') return;
    const explicit = deps.formats.explicit(doc);
    if (explicit?.format === 'none' || (!explicit && !isImportCandidate(doc))) return;
    void deps.lineEnds.check(doc, fileKindOf(doc) === 'jsonl');
  };
  const revalidateAll = () => {
    for (const doc of vscode.workspace.textDocuments) {
      service.invalidate(doc.uri);
      if (isImportCandidate(doc) || deps.formats.explicit(doc)) service.schedule(doc, 0);
      else service.clear(doc.uri);
      checkLineEnds(doc);
    }
  };
  const subscriptions = [
    // Reading the file told whether its bytes are valid UTF-8: U+FFFD findings may change.
    ...(deps.lineEnds
      ? [
          // Other lone CRs: the items they join change (a full run counts them again).
          deps.lineEnds.onDidChangeLoneLines((doc) => {
            if (doc.isClosed) return;
            service.invalidate(doc.uri);
            service.schedule(doc, 0);
          }),
          deps.lineEnds.onDidChangeUtf8((doc) => {
            if (doc.isClosed) return;
            // Without a U+FFFD no finding depends on it: the next edit stays incremental.
            if (!doc.getText().includes('\ufffd')) return service.noteTextIsUtf8(doc);
            service.invalidate(doc.uri);
            service.schedule(doc, 0);
          }),
        ]
      : []),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      service.abortDiskRun(doc.uri);
      service.schedule(doc, 0);
      checkLineEnds(doc);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) service.noteChange(e);
      // Unedited and changed: reloaded from disk after another program wrote it; its lines moved.
      if (e.contentChanges.length > 0 && !e.document.isDirty) checkLineEnds(e.document);
    }),
    // A full run on save restores what slices of changed lines cannot see (blank-line notes).
    vscode.workspace.onDidSaveTextDocument((doc) => {
      service.invalidate(doc.uri);
      service.schedule(doc, 0);
      checkLineEnds(doc);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => service.clear(doc.uri)),
    // A document outlives its last editor tab for a while; the Problems panel should not.
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      const open = new Set(openTabUris());
      for (const tab of e.closed) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        if (uri && !open.has(uri.toString())) service.clear(uri);
      }
      for (const tab of e.opened) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc && !service.report(doc.uri)) {
          service.schedule(doc, 0);
          checkLineEnds(doc);
        } else if (uri && !doc) void validateBeforeDocument(service, deps, uri);
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (deps.settings.affected(e)) deps.formats.settingsChanged();
    }),
    deps.formats.onDidChange((uri) => {
      if (!uri) return revalidateAll();
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) {
        service.clear(doc.uri);
        service.schedule(doc, 0);
        checkLineEnds(doc);
      } else if (service.report(uri) || openTabUris().includes(uri.toString())) {
        // Validated from disk (too large for the editor, or by Validate Workspace): again from disk.
        void tooLargeToSync(uri)
          .then((large) => (large ? service.validateLargeFile(uri) : service.validateFromDisk(uri)))
          .then(undefined, (e) => deps.log.error(`could not validate ${uri.fsPath} from disk: ${(e as Error).message}`));
      }
    }),
  ];
  // A media sidecar (image sizes, video durations) changes the dataset findings of its import file.
  const sidecars = vscode.workspace.createFileSystemWatcher('**/*.media.{json,csv}');
  const sidecarChanged = (sidecar: vscode.Uri) => {
    const target = sidecar.path.replace(/\.media\.(json|csv)$/i, '');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === sidecar.scheme && d.uri.path === target);
    if (doc) {
      service.invalidate(doc.uri);
      service.schedule(doc, 0);
    }
  };
  subscriptions.push(sidecars, sidecars.onDidChange(sidecarChanged), sidecars.onDidCreate(sidecarChanged), sidecars.onDidDelete(sidecarChanged));
  for (const doc of vscode.workspace.textDocuments) {
    service.schedule(doc, 0);
    checkLineEnds(doc);
  }
  // Large files already open in tabs when the extension starts (restored editors).
  for (const uri of openTabUris()) {
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) void validateBeforeDocument(service, deps, vscode.Uri.parse(uri));
  }
  return vscode.Disposable.from(...subscriptions);
}
