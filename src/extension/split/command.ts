import { open, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { FORMATS } from '../../core/formats';
import { EDITOR_HINTS, SplitError, bucketPath, formatReport, outputPaths, parseTimestamp, planSplit, writeFiles, writeTexts, writesFoldFiles } from '../../core/split';
import type { SplitOptions, SplitPlan, SplitReport } from '../../core/split';
import type { SplitUi, WizardContext } from './ui';
import { detect } from '../../core/split/detect';
import { plural } from '../../core/plural';

/** Larger files are split on disk into new files instead of being edited in the editor. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export interface SplitCommandResult {
  report: SplitReport;
  /** 'document': one WorkspaceEdit was applied; 'files': new files were written. */
  applied: 'document' | 'files';
  files: string[];
}

async function headerColumns(text: string, path: string): Promise<string[]> {
  // Only a tabular CSV has named columns; the split's own detection says which kind this is
  // (an inline-text CSV's first row is data, not a header).
  try {
    if ((await detect({ bytes: Buffer.from(text, 'utf8') }, undefined, path, EDITOR_HINTS)).kind !== 'tabular-csv') return [];
  } catch {
    return [];
  }
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return first.replace(/^\uFEFF/, '').split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

async function headOfFile(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Runs a core pass under a cancellable progress notification. */
function withProgress<T>(title: string, work: (signal: AbortSignal, report: (pass: 1 | 2, bytes: number, total: number) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    let shown = 0;
    const report = (pass: 1 | 2, bytes: number, total: number): void => {
      if (total <= 0) return;
      // Two passes: the first half of the bar is pass 1, the second half pass 2.
      const pct = Math.min(100, ((pass - 1) * total + bytes) / (2 * total) * 100);
      if (pct - shown >= 1) {
        progress.report({ increment: pct - shown, message: pass === 1 ? 'reading' : 'writing' });
        shown = pct;
      }
    };
    return work(ac.signal, report).finally(() => sub.dispose());
  });
}

/**
 * "Split Dataset…": asks for the strategy and its settings, shows the counts per split and label,
 * then applies the split to the open document as one undoable edit, or writes new files (one per
 * split, or one per fold) when the user picks that or the file is too large to edit.
 */
export async function splitDataset(ui: SplitUi, uriArg?: vscode.Uri): Promise<SplitCommandResult | undefined> {
  const uri = uriArg ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new Error('open a JSONL or CSV import file first');
  if (uri.scheme !== 'file') throw new Error('only files on disk can be split');
  const path = uri.fsPath;
  const size = (await stat(path)).size;
  let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc && size <= MAX_DOCUMENT_BYTES) doc = await vscode.workspace.openTextDocument(uri);
  const editable = doc !== undefined && Buffer.byteLength(doc.getText(), 'utf8') <= MAX_DOCUMENT_BYTES;
  const head = doc ? doc.getText(new vscode.Range(0, 0, 50, 0)) : await headOfFile(path);
  const kind: 'jsonl' | 'csv' = /\.csv$/i.test(path) ? 'csv' : 'jsonl';
  const ctx: WizardContext = {
    fileName: vscode.workspace.asRelativePath(uri),
    kind,
    columns: kind === 'csv' ? await headerColumns(head, path) : [],
    video: /videoGcsUri|\.(mp4|avi|mov)\b/i.test(head),
  };
  const choices = await ui.choose(ctx);
  if (!choices) return undefined;
  const options: SplitOptions = {
    strategy: choices.strategy,
    fractions: choices.fractions,
    seed: choices.seed,
    by: choices.by,
    timeField: choices.timeField,
    k: choices.k,
    hints: EDITOR_HINTS,
  };
  if (choices.cutoffs) {
    options.cutoffs = choices.cutoffs.split(',').map((c) => parseTimestamp(c.trim()));
  }
  const text = editable && doc ? doc.getText() : undefined;
  let plan: SplitPlan;
  try {
    plan = await withProgress(`Splitting ${ctx.fileName}`, (signal, report) =>
      planSplit(text !== undefined ? { bytes: Buffer.from(text, 'utf8') } : { path }, { ...options, signal, onProgress: report }, path, size),
    );
  } catch (e) {
    if ((e as Error).name === 'AbortError') return undefined;
    if (e instanceof SplitError) throw new Error(e.message);
    throw e;
  }
  const foldFiles = writesFoldFiles(plan);
  const kfold = plan.buckets[0].startsWith('fold');
  // K-fold of a tabular file adds a fold column: its new file sits beside the original.
  const newFiles = kfold && !foldFiles ? [bucketPath(path, 'folds')] : outputPaths(plan, path, !kfold);
  const answer = await ui.review(plan.report, formatReport(plan.report, undefined, EDITOR_HINTS), { canApplyToDocument: text !== undefined && !foldFiles, newFiles });
  if (!answer) return undefined;
  if (answer === 'document') {
    if (!doc || text === undefined) throw new Error('the document is not open for editing');
    if (doc.getText() !== text) throw new Error('the document changed while the split was being prepared; run Split Dataset again');
    const [next] = await writeTexts(plan);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the edit');
    return { report: plan.report, applied: 'document', files: [] };
  }
  if (!vscode.workspace.isTrusted) throw new Error('writing files needs a trusted workspace');
  try {
    const written = await withProgress(`Writing ${plural(newFiles.length, 'file')}`, async (signal, report) => {
      plan.options.signal = signal;
      plan.options.onProgress = report;
      return writeFiles(plan, path, newFiles, size, !kfold);
    });
    void vscode.window.showInformationMessage(`Split ${ctx.fileName} (${FORMATS[plan.format].title}) into ${written.map((f) => vscode.workspace.asRelativePath(f)).join(', ')}`);
    return { report: plan.report, applied: 'files', files: written };
  } catch (e) {
    if ((e as Error).name === 'AbortError') return undefined;
    throw e;
  }
}
