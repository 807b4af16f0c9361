/**
 * Lone carriage returns (a CR not followed by LF) in a JSON Lines file on disk. VS Code shows each
 * as a line break (it normalizes a file's line endings when it opens it), but Vertex AI reads
 * newline-delimited JSON, where only LF (or CRLF) ends a line: to it, as to the command line, the
 * text on both sides of a lone CR is one line, and not valid JSON. The editor reads the file's
 * bytes when it is opened or saved, and again when another program changes it while it is open and
 * unedited, and reports each lone CR on the line it ends, until the file on disk has none (saving
 * from the editor writes the editor's line endings). The same read tells whether the bytes are
 * valid UTF-8, which the editor's text cannot show (VS Code decodes a bad byte as U+FFFD), and
 * where the first bad byte is; CSV files are read for that alone (a lone CR ends a CSV record).
 */
import { isUtf8 } from 'node:buffer';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { codeDocUrl } from '../core/docs';
import { invalidUtf8Position, type InvalidUtf8 } from '../core/utf8';

/** Most lone carriage returns reported per file; the first finding gives the total. */
const MAX_REPORTED = 100;

/** Writes come in bursts (a tool rewriting a file): one read after the burst. */
const SETTLE_MS = 300;

export const CONVERT_COMMAND = 'vertexDatasets.convertLoneCarriageReturns';

/**
 * The 0-based line (as the editor numbers lines: CR, LF and CRLF each end one) each lone CR ends.
 * A lone CR with nothing but JSON whitespace on one side of it up to the LF-delimited line's ends
 * (one at the end of an item, before the next LF or the end of the file) is left out: to Vertex AI
 * and the command line it is whitespace around the item, which stays valid JSON.
 */
export function loneCarriageReturnLines(bytes: Uint8Array): number[] {
  const lines: number[] = [];
  // Most files have no CR or only CRLFs: found with native searches, without counting lines.
  let lone = false;
  for (let i = bytes.indexOf(13); i >= 0 && !lone; i = bytes.indexOf(13, i + 1)) lone = bytes[i + 1] !== 10;
  if (!lone) return lines;
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10) {
      line++;
      lineStart = i + 1;
    } else if (b === 13) {
      if (bytes[i + 1] === 10) {
        i++;
        lineStart = i + 1;
      } else if (!blankUpTo(bytes, lineStart, i) && !blankUpTo(bytes, i + 1, lineEnd(bytes, i + 1))) lines.push(line);
      line++;
    }
  }
  return lines;
}

/** Where the LF-delimited line holding `from` ends (its LF, or the CR of its CRLF, or the end of the bytes). */
function lineEnd(bytes: Uint8Array, from: number): number {
  const lf = bytes.indexOf(10, from);
  if (lf < 0) return bytes.length;
  return lf > from && bytes[lf - 1] === 13 ? lf - 1 : lf;
}

/** Whether bytes[from, to) are all JSON whitespace (space, tab, CR). */
function blankUpTo(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 32 && bytes[i] !== 9 && bytes[i] !== 13) return false;
  return true;
}

/** The file's bytes with each lone CR replaced by LF (CRLF and LF kept). */
export function withLoneCarriageReturnsAsLf(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  for (let i = out.indexOf(13); i >= 0; i = out.indexOf(13, i + 1)) if (out[i + 1] !== 10) out[i] = 10;
  return out;
}

export class LineEnds implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('vertex-datasets-line-ends');
  /** Bumped by `clear` and by each read, so that only the latest read publishes. */
  private readonly epochs = new Map<string, number>();
  /** Per checked file: a watcher of its folder, so that a change by another program is read again. */
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];
  /** Per checked file: whether its bytes on disk were valid UTF-8 at the last read. */
  private readonly utf8 = new Map<string, boolean>();
  /** Checked files read for their encoding alone (CSV), also when read again after a change. */
  private readonly utf8Only = new Set<string>();
  /** Per checked file whose bytes are not UTF-8: where the first bad byte is. */
  private readonly invalid = new Map<string, InvalidUtf8>();
  private readonly utf8Changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when a read finds a file's bytes valid UTF-8 where they were not (or the reverse), or its first bad byte elsewhere. */
  readonly onDidChangeUtf8 = this.utf8Changed.event;
  /** Per checked file with lone CRs: the lines they end (as `loneCarriageReturnLines` gives them). */
  private readonly lone = new Map<string, readonly number[]>();
  private readonly loneChanged = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when a read finds other lone CRs in a file than the last one did (none counts as none). */
  readonly onDidChangeLoneLines = this.loneChanged.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      vscode.commands.registerCommand(CONVERT_COMMAND, (uri: vscode.Uri) => this.convert(uri)),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, { provideCodeActions: (doc, _range, context) => this.actions(doc, context) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    ];
  }

  /**
   * Reads `doc`'s file from disk and reports its lone carriage returns (none: clears them); with
   * `loneCrs` false (a CSV file), only whether its bytes are UTF-8.
   */
  async check(doc: vscode.TextDocument, loneCrs?: boolean): Promise<void> {
    if (doc.uri.scheme !== 'file') return;
    const key = doc.uri.toString();
    if (loneCrs === undefined) loneCrs = !this.utf8Only.has(key);
    else if (loneCrs) this.utf8Only.delete(key);
    else this.utf8Only.add(key);
    const epoch = (this.epochs.get(key) ?? 0) + 1;
    this.epochs.set(key, epoch);
    this.follow(doc);
    let lines: number[];
    let utf8: boolean | undefined;
    let invalid: InvalidUtf8 | undefined;
    try {
      const bytes = await readFile(doc.uri.fsPath);
      lines = loneCrs ? loneCarriageReturnLines(bytes) : [];
      utf8 = isUtf8(bytes);
      if (!utf8) invalid = invalidUtf8Position(bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`cannot read ${doc.uri.fsPath} for its line endings: ${(e as Error).message}`);
      lines = [];
    }
    if (this.epochs.get(key) !== epoch || doc.isClosed) return;
    this.collection.set(doc.uri, lines.slice(0, MAX_REPORTED).map((line, i) => this.diagnostic(doc, line, i === 0 ? lines.length : 0)));
    const before = this.lone.get(key) ?? [];
    if (lines.length) this.lone.set(key, lines);
    else this.lone.delete(key);
    if (lines.length !== before.length || lines.some((l, i) => l !== before[i])) this.loneChanged.fire(doc);
    const was = this.invalid.get(key);
    if (invalid) this.invalid.set(key, invalid);
    else this.invalid.delete(key);
    if (utf8 !== this.utf8.get(key) || JSON.stringify(invalid) !== JSON.stringify(was)) {
      if (utf8 === undefined) this.utf8.delete(key);
      else this.utf8.set(key, utf8);
      this.utf8Changed.fire(doc);
    }
  }

  /**
   * The 0-based lines of the document that a lone CR in the file on disk ends, with item text on
   * both sides: to Vertex AI and the command line each such line and the next are one line.
   */
  loneLines(uri: vscode.Uri): readonly number[] {
    return this.lone.get(uri.toString()) ?? [];
  }

  /**
   * True when the file's bytes on disk were valid UTF-8 at the last read: a U+FFFD the editor shows
   * is then a character of the file (or typed), not a byte VS Code could not decode. Undefined
   * before the first read.
   */
  isUtf8OnDisk(uri: vscode.Uri): boolean | undefined {
    return this.utf8.get(uri.toString());
  }

  /** The first byte of the file on disk that is not UTF-8 at the last read (undefined: none, or not read). */
  firstInvalidUtf8(uri: vscode.Uri): InvalidUtf8 | undefined {
    return this.invalid.get(uri.toString());
  }

  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
    this.collection.delete(uri);
    this.utf8.delete(key);
    this.invalid.delete(key);
    this.utf8Only.delete(key);
    this.lone.delete(key);
    this.watchers.get(key)?.dispose();
    this.watchers.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /**
   * Reads the file again when another program changes it while its document is open and unedited.
   * VS Code reloads such a document itself, but a line feed turned into a lone CR (or back) leaves
   * its text unchanged (the editor normalizes line breaks), so no document event says so. The
   * folder is watched, not the file's name, which may hold glob characters.
   */
  private follow(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.watchers.has(key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(doc.uri, '..'), '*'), false, false, true);
    const changed = (uri: vscode.Uri) => {
      if (uri.toString() !== key) return;
      clearTimeout(this.timers.get(key));
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          if (this.watchers.has(key) && !doc.isClosed && !doc.isDirty) void this.check(doc);
        }, SETTLE_MS),
      );
    };
    this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed)));
  }

  private diagnostic(doc: vscode.TextDocument, line: number, total: number): vscode.Diagnostic {
    const at = Math.min(line, doc.lineCount - 1);
    const end = doc.lineAt(at).range.end;
    const range = new vscode.Range(end.translate(0, -Math.min(1, end.character)), end);
    const others = total > 1 ? ` The file has ${total.toLocaleString('en-US')} lone carriage returns${total > MAX_REPORTED ? ` (the first ${MAX_REPORTED} are marked)` : ''}.` : '';
    const d = new vscode.Diagnostic(
      range,
      'This line ends with a carriage return (CR) without a line feed in the file on disk. The editor shows it as a line break, but Vertex AI reads ' +
        'newline-delimited JSON, where only LF (or CRLF) ends a line: to Vertex AI this line and the next are one line, which is not valid JSON. ' +
        `Convert the line endings to LF (quick fix).${others}`,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = 'vertex-datasets';
    d.code = { value: 'jsonl.syntax', target: vscode.Uri.parse(codeDocUrl('jsonl.syntax')) };
    return d;
  }

  private actions(doc: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const published = this.collection.get(doc.uri) ?? [];
    const ours = context.diagnostics.filter((d) => published.some((p) => p.message === d.message && p.range.isEqual(d.range)));
    if (ours.length === 0) return [];
    const action = new vscode.CodeAction('Convert lone carriage returns to LF line endings', vscode.CodeActionKind.QuickFix);
    action.command = { title: action.title, command: CONVERT_COMMAND, arguments: [doc.uri] };
    action.diagnostics = ours;
    action.isPreferred = true;
    return [action];
  }

  /**
   * An edited document is saved (the editor writes its own line endings). An unedited one is not
   * dirty, so saving would not write it: its file's lone CRs become LFs in a new file renamed into
   * place, every other byte kept.
   */
  private async convert(uri: vscode.Uri): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) {
      if (!(await doc.save())) throw new Error(`could not save ${vscode.workspace.asRelativePath(uri)}`);
    } else {
      const bytes = await readFile(uri.fsPath);
      const tmp = `${uri.fsPath}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, withLoneCarriageReturnsAsLf(bytes), { mode: (await stat(uri.fsPath)).mode });
      await rename(tmp, uri.fsPath);
    }
    if (doc && !doc.isClosed) await this.check(doc);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const w of this.watchers.values()) w.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.utf8Changed.dispose();
    this.loneChanged.dispose();
    this.collection.dispose();
  }
}
