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
import { DatasetAccumulator, type DatasetStats } from '../core/dataset';
import type { ItemFacts } from '../core/items';
import { validateJsonlText } from '../core/jsonl/validate';
import type { Detection, ValidationResult } from '../core/validate';
import type { FormatResolver, FormatSource } from './formatChoice';
import type { Settings } from './settings';

export const SOURCE = 'vertex-datasets';
/** VS Code does not sync documents above this size to extensions. */
const MAX_SYNCED_CHARS = 50 * 1024 * 1024;
/** Non-blank lines the core samples to detect a format (edits there may change the detected format). */
const DETECTION_LINES = 50;
/** Findings about the file as a whole that an incremental run cannot keep: they force a full run. */
const FULL_RUN_CODES = new Set(['file.empty', 'jsonl.notJsonl', 'report.truncated']);

export interface DocumentReport {
  uri: vscode.Uri;
  version: number;
  /** Undefined when the file is not treated as an import file. */
  format?: FormatId;
  source?: FormatSource;
  detection?: Detection;
  items: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Everything published: line findings, then dataset findings. */
  diagnostics: CoreDiagnostic[];
  /** Findings about single lines (kept across incremental runs for lines above the edit). */
  lineDiagnostics: CoreDiagnostic[];
  /** Normalized facts of the items that parsed, in line order. */
  facts: ItemFacts[];
  /** Dataset statistics (labels, splits, distributions), when dataset checks are on. */
  stats?: DatasetStats;
  /** True when this report came from an incremental run (`fromLine` > 1). */
  incremental: boolean;
  fromLine: number;
  durationMs: number;
}

export interface ValidationDeps {
  log: vscode.LogOutputChannel;
  settings: Settings;
  formats: FormatResolver;
  debounceMs?: number;
}

interface Pending {
  timer?: ReturnType<typeof setTimeout>;
  cts: vscode.CancellationTokenSource;
  /** 1-based first changed line since the last run; 1 = full run. */
  fromLine: number;
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

  /** Schedules a debounced run; `fromLine` (1-based) narrows it to lines from there on. */
  schedule(doc: vscode.TextDocument, fromLine = 1, delayMs = this.debounceMs): void {
    if (!isImportCandidate(doc) && !this.deps.formats.explicit(doc)) return;
    const key = doc.uri.toString();
    const prev = this.pending.get(key);
    if (prev) {
      clearTimeout(prev.timer);
      prev.cts.cancel();
      prev.cts.dispose();
    }
    const p: Pending = { cts: new vscode.CancellationTokenSource(), fromLine: Math.min(fromLine, prev?.fromLine ?? fromLine) };
    this.pending.set(key, p);
    p.timer = setTimeout(() => {
      this.run(doc, p.fromLine, p.cts.token).then(
        () => undefined,
        (e) => this.deps.log.error(`validation of ${doc.uri.fsPath} failed`, e),
      ).finally(() => {
        if (this.pending.get(key) === p) {
          this.pending.delete(key);
          p.cts.dispose();
        }
      });
    }, delayMs);
  }

  /** Validates now (no debounce), e.g. on open or on command; resolves with the published report. */
  async validateNow(doc: vscode.TextDocument): Promise<DocumentReport | undefined> {
    this.cancel(doc.uri);
    const cts = new vscode.CancellationTokenSource();
    try {
      return await this.run(doc, 1, cts.token);
    } finally {
      cts.dispose();
    }
  }

  clear(uri: vscode.Uri): void {
    this.cancel(uri);
    this.collection.delete(uri);
    if (this.reports.delete(uri.toString())) {
      this.validated.fire({ ...emptyReport(uri, -1) });
    }
  }

  private cancel(uri: vscode.Uri): void {
    const p = this.pending.get(uri.toString());
    if (!p) return;
    clearTimeout(p.timer);
    p.cts.cancel();
    p.cts.dispose();
    this.pending.delete(uri.toString());
  }

  private async run(doc: vscode.TextDocument, fromLine: number, token: vscode.CancellationToken): Promise<DocumentReport | undefined> {
    const version = doc.version;
    const explicit = this.deps.formats.explicit(doc);
    const chosen = explicit?.format;
    if (chosen === 'none' || doc.isClosed) {
      this.clear(doc.uri);
      return undefined;
    }
    const prev = this.reports.get(doc.uri.toString());
    // Yield so that a burst of events for this document can cancel this run before it starts.
    await Promise.resolve();
    if (token.isCancellationRequested || doc.version !== version) return undefined;

    const started = performance.now();
    const kind = fileKindOf(doc);
    const format = chosen ?? (prev?.source === 'detected' ? prev.format : undefined);
    const text = doc.getText();
    if (text.length > MAX_SYNCED_CHARS) return undefined;
    // CSV records may span lines (quoted newlines), so CSV always re-reads the whole file.
    const incremental =
      kind === 'jsonl' &&
      fromLine > 1 &&
      prev !== undefined &&
      prev.format !== undefined &&
      format === prev.format &&
      !prev.lineDiagnostics.some((d) => FULL_RUN_CODES.has(d.code)) &&
      (prev.source !== 'detected' || detectionUnchanged(doc, prev));
    const from = incremental ? fromLine : 1;
    const facts: ItemFacts[] = incremental && prev ? prev.facts.filter((f) => f.line < from) : [];
    let result: ValidationResult;
    try {
      const validate = kind === 'csv' ? validateCsvText : validateJsonlText;
      result = validate(text, {
        format: incremental ? format : chosen,
        fromLine: from,
        maxDiagnostics: this.deps.settings.maxProblems(doc.uri),
        onItem: (item: ItemFacts) => facts.push(item),
      });
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
    const notImport = !result.format || result.detection.confidence === 'none' || (kind === 'csv' && !chosen && result.format === 'tabular');
    if (notImport) {
      this.collection.delete(doc.uri);
      const report: DocumentReport = { ...emptyReport(doc.uri, version), detection: result.detection, durationMs: performance.now() - started };
      this.reports.set(doc.uri.toString(), report);
      this.validated.fire(report);
      return report;
    }
    const resultFormat = result.format as FormatId;
    let lineDiagnostics = result.diagnostics;
    let items = result.items;
    if (incremental && prev) {
      lineDiagnostics = [...prev.lineDiagnostics.filter((d) => d.line < from), ...lineDiagnostics];
      for (let i = 0; i < from - 1 && i < doc.lineCount; i++) if (!doc.lineAt(i).isEmptyOrWhitespace) items++;
    }
    // Dataset-level findings and statistics come from the item facts: after an edit only the
    // changed lines were parsed again, and the facts of the others are reused.
    let datasetDiagnostics: CoreDiagnostic[] = [];
    let stats: DatasetStats | undefined;
    if (this.deps.settings.datasetChecks(doc.uri)) {
      const acc = new DatasetAccumulator(resultFormat, { csv: kind === 'csv' });
      for (const f of facts) acc.add(f);
      const dataset = acc.finish();
      datasetDiagnostics = dataset.diagnostics.filter((d) => d.path === undefined || d.path === '');
      stats = dataset.stats;
    }
    if (token.isCancellationRequested || doc.version !== version || doc.isClosed) return undefined;
    const diagnostics = [...lineDiagnostics, ...datasetDiagnostics];
    const counts = countSeverities(diagnostics);
    const report: DocumentReport = {
      uri: doc.uri,
      version,
      format: resultFormat,
      source: explicit?.source ?? 'detected',
      // An incremental run validated with the previous format: keep how that format was found.
      detection: incremental && prev?.detection ? prev.detection : result.detection,
      items,
      errors: counts.errors,
      warnings: counts.warnings,
      infos: counts.infos,
      diagnostics,
      lineDiagnostics,
      facts,
      stats,
      incremental,
      fromLine: from,
      durationMs: performance.now() - started,
    };
    this.collection.set(doc.uri, diagnostics.map((d) => toVsDiagnostic(d, doc.uri)));
    this.reports.set(doc.uri.toString(), report);
    this.deps.log.debug(
      `validated ${vscode.workspace.asRelativePath(doc.uri)} v${version} as ${resultFormat} (${report.source}) from line ${from}: ` +
        `${items} items, ${counts.errors} errors, ${counts.warnings} warnings in ${report.durationMs.toFixed(1)} ms`,
    );
    this.validated.fire(report);
    return report;
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(vscode.Uri.parse(uri));
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * True when detection on the sampled head of the document still gives the previous format with the
 * same confidence, so an incremental run may reuse it (and keep a `format.ambiguous` note).
 */
function detectionUnchanged(doc: vscode.TextDocument, prev: DocumentReport): boolean {
  const head: string[] = [];
  for (let i = 0, nonBlank = 0; i < doc.lineCount && nonBlank < DETECTION_LINES; i++) {
    const t = doc.lineAt(i).text;
    head.push(t);
    if (t.trim()) nonBlank++;
  }
  const detection = validateJsonlText(head.join('\n'), { maxDiagnostics: 0 }).detection;
  return detection.format === prev.format && detection.confidence === prev.detection?.confidence;
}

function emptyReport(uri: vscode.Uri, version: number): DocumentReport {
  return { uri, version, items: 0, errors: 0, warnings: 0, infos: 0, diagnostics: [], lineDiagnostics: [], facts: [], incremental: false, fromLine: 1, durationMs: 0 };
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

export function registerDiagnostics(service: ValidationService, deps: ValidationDeps): vscode.Disposable {
  const revalidateAll = () => {
    for (const doc of vscode.workspace.textDocuments) {
      if (isImportCandidate(doc) || deps.formats.explicit(doc)) service.schedule(doc, 1, 0);
      else service.clear(doc.uri);
    }
  };
  const subscriptions = [
    vscode.workspace.onDidOpenTextDocument((doc) => service.schedule(doc, 1, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      const first = Math.min(...e.contentChanges.map((c) => c.range.start.line)) + 1;
      service.schedule(e.document, first);
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
        if (doc && !service.report(doc.uri)) service.schedule(doc, 1, 0);
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
        service.schedule(doc, 1, 0);
      }
    }),
  ];
  for (const doc of vscode.workspace.textDocuments) service.schedule(doc, 1, 0);
  return vscode.Disposable.from(...subscriptions);
}
