// Helpers for the in-host suites: everything waits on VS Code events with a deadline, never a sleep.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from '../../src/extension/api';

export const EXTENSION_ID = 'vertexDatasets.vertex-datasets';
export const SOURCE = 'vertex-datasets';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace has no folder open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, ...parts));
}

/** Activates the extension under test and returns its exported API. */
export async function activateExtension<T = unknown>(): Promise<T> {
  const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  return ext.activate();
}

export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/**
 * Resolves with this extension's diagnostics for `uri` as soon as `accept` returns true for them,
 * checking now and on every onDidChangeDiagnostics for that uri; rejects after `timeoutMs` with
 * what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    let sub: vscode.Disposable | undefined;
    const timer = setTimeout(() => {
      sub?.dispose();
      const seen = ourDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(typeof d.code === 'object' ? d.code.value : d.code)} ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics on ${uri.fsPath}; last seen: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const check = (): boolean => {
      const current = ourDiagnostics(uri);
      if (!accept(current)) return false;
      clearTimeout(timer);
      sub?.dispose();
      resolve(current);
      return true;
    };
    if (check()) return;
    sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
  });
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** The extension's exported API (what activate() returns). */
export type TestApi = VertexDatasetsApi;

type Report = NonNullable<ReturnType<TestApi['report']>>;

/** Resolves with the extension's report for `uri` once `accept` holds (checked now and on every validation). */
export function waitForReport(api: TestApi, uri: vscode.Uri, accept: (r: Report) => boolean, timeoutMs = 15_000): Promise<Report> {
  return new Promise((resolve, reject) => {
    let sub: vscode.Disposable | undefined;
    const timer = setTimeout(() => {
      sub?.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a validation report on ${uri.fsPath}; last: ${JSON.stringify(api.report(uri))}`));
    }, timeoutMs);
    const check = (): boolean => {
      const r = api.report(uri);
      if (!r || !accept(r)) return false;
      clearTimeout(timer);
      sub?.dispose();
      resolve(r);
      return true;
    };
    if (check()) return;
    sub = api.onDidValidate((r) => {
      if (r.uri.toString() === uri.toString()) check();
    });
  });
}

/** Opens a fixture in an editor, fresh from disk (reverting edits an earlier test left in memory). */
export async function openFixture(...parts: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(...parts));
  const editor = await vscode.window.showTextDocument(doc);
  if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
  return editor;
}

/**
 * Reverts every dirty fixture document, whichever editor is active (a suite of another feature
 * may have moved the focus), so no edit leaks into later tests or onto disk when editors close.
 */
export async function revertAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.isUntitled) continue;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}

export async function closeAllEditors(): Promise<void> {
  await revertAll();
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isUntitled && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export const errorsOf = (ds: vscode.Diagnostic[]): vscode.Diagnostic[] => ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

/** Accepts the report of the document's current version once its dataset findings are in too. */
export const settled = (doc: vscode.TextDocument) => (r: { version: number; datasetPending: boolean }): boolean => r.version === doc.version && !r.datasetPending;

/**
 * Asks the launcher (scripts/host/run-tests.mjs) for a screenshot of the workbench, saved as
 * <artifacts>/<name>.png. Resolves with its path, or undefined under launchers that cannot take one.
 */
export function screenshot(name: string, timeoutMs = 30_000): Promise<string | undefined> {
  const dir = process.env.VERTEX_DATASETS_TEST_ARTIFACTS;
  if (!dir || process.env.VERTEX_DATASETS_TEST_SCREENSHOTS !== '1') return Promise.resolve(undefined);
  fs.mkdirSync(dir, { recursive: true });
  const done = path.join(dir, `${name}.done`);
  fs.rmSync(done, { force: true });
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(dir, () => check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`no screenshot ${name} after ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      if (!fs.existsSync(done)) return;
      clearTimeout(timer);
      watcher.close();
      const error = path.join(dir, `${name}.error`);
      if (fs.existsSync(error)) reject(new Error(fs.readFileSync(error, 'utf8')));
      else resolve(path.join(dir, `${name}.png`));
    };
    fs.writeFileSync(path.join(dir, `${name}.screenshot-request`), '');
    check();
  });
}

/**
 * Asks the launcher (scripts/host/run-tests.mjs) to click `selector` in the workbench (or, with
 * `webview`, inside a webview) as a user would. Resolves true once clicked, false under launchers
 * that cannot click (callers skip then); rejects with the launcher's reason when the click failed.
 */
export function uiClick(name: string, selector: string, options: { webview?: boolean; timeoutMs?: number } = {}): Promise<boolean> {
  const dir = process.env.VERTEX_DATASETS_TEST_ARTIFACTS;
  if (!dir || process.env.VERTEX_DATASETS_TEST_SCREENSHOTS !== '1') return Promise.resolve(false);
  const timeoutMs = options.timeoutMs ?? 30_000;
  fs.mkdirSync(dir, { recursive: true });
  const done = path.join(dir, `${name}.done`);
  const error = path.join(dir, `${name}.error`);
  fs.rmSync(done, { force: true });
  fs.rmSync(error, { force: true });
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(dir, () => check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`the launcher did not click ${selector} within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      if (!fs.existsSync(done)) return;
      clearTimeout(timer);
      watcher.close();
      if (fs.existsSync(error)) reject(new Error(`could not click ${selector}: ${fs.readFileSync(error, 'utf8')}`));
      else resolve(true);
    };
    const tmp = path.join(dir, `${name}.ui-request.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ selector, webview: options.webview ?? false, timeoutMs: timeoutMs - 2_000 }));
    fs.renameSync(tmp, path.join(dir, `${name}.ui-request`));
    check();
  });
}

/**
 * Writes `text` to workspace file `name`, marks it as `format`, opens it, waits for its report and
 * returns the document with its findings of `code` in position order: `count` of them, or at least
 * one when no count is given.
 */
export async function openWithFindings(
  api: TestApi,
  name: string,
  text: string,
  format: string,
  code: string,
  count?: number,
): Promise<{ doc: vscode.TextDocument; found: vscode.Diagnostic[] }> {
  const uri = workspaceFile(name);
  fs.writeFileSync(uri.fsPath, text);
  await vscode.commands.executeCommand('vertexDatasets.selectFormat', uri, format);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  await waitForReport(api, uri, (r) => r.version === doc.version && r.format === format && !r.datasetPending);
  const of = (ds: readonly vscode.Diagnostic[]) => ds.filter((d) => codeOf(d) === code);
  const found = await waitForDiagnostics(uri, (ds) => (count === undefined ? of(ds).length > 0 : of(ds).length === count));
  return { doc, found: of(found).sort((a, b) => a.range.start.compareTo(b.range.start)) };
}

/** The code actions VS Code offers for `range` of `doc`. */
export async function actionsAt(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range)) ?? [];
}

/**
 * Runs `run` with vscode.window.showErrorMessage capturing its messages (pushed to `shown`) instead
 * of showing them; the extension shares this API object, so its commands' errors land here.
 */
export async function capturingErrors<T>(shown: string[], run: () => Thenable<T> | Promise<T>): Promise<T> {
  const window = vscode.window as { showErrorMessage: (message: string, ...rest: unknown[]) => Thenable<unknown> };
  const original = window.showErrorMessage;
  window.showErrorMessage = (message: string) => {
    shown.push(message);
    return Promise.resolve(undefined);
  };
  try {
    return await run();
  } finally {
    window.showErrorMessage = original;
  }
}
