import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plural } from '../../src/core/plural';
import type { RenderedEvent } from '../../src/extension/statsView';
import { activateExtension, closeAllEditors, openFixture, screenshot, settled, uiClick, waitForReport, workspaceFile, type TestApi } from './util';

function nextRender(api: TestApi, uri: vscode.Uri, accept: (e: RenderedEvent) => boolean, timeoutMs = 30_000, what = 'render'): Promise<RenderedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the statistics view did not ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = api.onDidRenderStatistics((e) => {
      if (e.uri.toString() !== uri.toString() || !accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Resolves when the active editor shows `uri` with the cursor on 0-based `line`. */
function cursorOn(uri: vscode.Uri, line: number, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const e = vscode.window.activeTextEditor;
      if (e?.document.uri.toString() !== uri.toString() || e.selection.active.line !== line) return false;
      clearTimeout(timer);
      subs.forEach((s) => s.dispose());
      resolve();
      return true;
    };
    const timer = setTimeout(() => {
      subs.forEach((s) => s.dispose());
      const e = vscode.window.activeTextEditor;
      reject(new Error(`the cursor did not reach line ${line + 1} of ${uri.fsPath}; active: ${e?.document.uri.fsPath}:${(e?.selection.active.line ?? -1) + 1}`));
    }, timeoutMs);
    const subs = [vscode.window.onDidChangeTextEditorSelection(() => check()), vscode.window.onDidChangeActiveTextEditor(() => check())];
    check();
  });
}

describe('statistics view', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await closeAllEditors();
  });

  it('draws the core statistics (labels, split x label) and updates as the file changes', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    const report = await waitForReport(api, doc.uri, settled(doc));
    const stats = report.stats!;
    assert.ok(stats, 'dataset statistics expected');
    const rendered = nextRender(api, doc.uri, () => true);
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    const first = await rendered;
    assert.deepEqual(first.charts.labels.names, stats.labels.map((l) => l.name));
    assert.deepEqual(first.charts.labels.items, stats.labels.map((l) => l.items));
    assert.deepEqual(first.charts.splits.training, stats.labels.map((l) => l.splits.training));
    assert.deepEqual(first.charts.splits.unassigned, stats.labels.map((l) => l.splits.unassigned));
    // Lines 2-4 have line errors (Vertex drops them at import): only line 1's "cat" counts.
    assert.deepEqual(first.charts.labels.names, ['cat']);
    assert.deepEqual(first.charts.labels.items, [1]);
    // The page says so, and counts distinct items from the file's lines, as the CLI's stats does.
    assert.deepEqual(first.charts.text, [
      `Image classification (single-label) · 1 item from 4 lines · ${plural(report.errors, 'error')} · ${plural(report.warnings, 'warning')}`,
      '1 label · 1 labeled · 1 annotation',
      'Not counted: 3 lines with errors (Vertex AI drops such lines at import; the figures describe the other lines).',
    ]);

    const png = await screenshot('statistics-view');
    if (png) assert.ok(fs.statSync(png).size > 10_000, 'the screenshot should not be empty');

    // A new "dog" line: the view redraws with the new counts (the view stays visible beside the editor).
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    const updated = nextRender(api, doc.uri, (e) => e.charts.labels.items.join() === '1,1');
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n{"imageGcsUri": "gs://my-bucket/images/dog-009.jpg", "classificationAnnotation": {"displayName": "dog"}}'));
    const after = await updated;
    const r2 = await waitForReport(api, doc.uri, settled(doc));
    assert.deepEqual(after.charts.labels.items, r2.stats!.labels.map((l) => l.items));
  });

  it('shows the dataset of the file\'s folder (its files of that format), as `vertex-datasets stats FOLDER`, and reads it again when a file changes', async () => {
    // A folder of the fixture workspace (there before VS Code starts, so its file watcher covers
    // it): a.jsonl, b.jsonl and more/c.jsonl of one format, and boxes.csv of another, which is
    // another dataset, as for the CLI.
    const dir = workspaceFile('folder-dataset');
    const line = (n: number, label: string, split = 'training') =>
      `{"imageGcsUri": "gs://my-bucket/split/${label}-${n}.jpg", "classificationAnnotation": {"displayName": "${label}"}, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "${split}"}}\n`;
    const deepest = path.join(dir.fsPath, 'more', 'c.jsonl');
    const original = fs.readFileSync(deepest);
    try {
      const { document: doc } = await openFixture('folder-dataset', 'a.jsonl');
      const report = await waitForReport(api, doc.uri, settled(doc));
      assert.deepEqual(report.stats!.labels.map((l) => l.name), ['cat']);
      const rendered = nextRender(api, dir, () => true, 30_000, 'render the folder\'s dataset');
      await vscode.commands.executeCommand('vertexDatasets.showFolderStatistics', doc.uri);
      const view = await rendered;
      assert.deepEqual(view.charts.labels.names, ['dog', 'cat', 'bird']);
      assert.deepEqual(view.charts.labels.items, [3, 2, 1]);
      assert.deepEqual(view.charts.splits.training, [2, 1, 1]);
      assert.deepEqual(view.charts.splits.test, [0, 1, 0]);
      assert.match(view.charts.text[0], /Image classification \(single-label\) · 6 items from 6 lines/);
      // A change on disk to one of the files: the view reads the folder again.
      const again = nextRender(api, dir, (e) => e.charts.labels.names.includes('fish'), 30_000, 'render again after a file of the folder changed');
      fs.appendFileSync(deepest, line(2, 'fish'));
      const after = await again;
      assert.deepEqual(after.charts.labels.items, [3, 2, 1, 1]);
    } finally {
      await closeAllEditors();
      fs.writeFileSync(deepest, original);
    }
  });

  it('the summary counts annotations split over lines apart from conflicts, in the CLI\'s words', async () => {
    const uri = workspaceFile('split-annotations.jsonl');
    const img = (uri: string, label: string, mlUse?: string) =>
      JSON.stringify({ imageGcsUri: uri, classificationAnnotations: [{ displayName: label }], ...(mlUse ? { dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': mlUse } } : {}) });
    // 1.jpg: two lines with different labels (annotations split over lines); 2.jpg: another ml_use (a conflict); 3.jpg: repeated.
    fs.writeFileSync(uri.fsPath, [img('gs://bkt/1.jpg', 'cat'), img('gs://bkt/1.jpg', 'dog'), img('gs://bkt/2.jpg', 'cat', 'training'), img('gs://bkt/2.jpg', 'cat', 'test'), img('gs://bkt/3.jpg', 'dog'), img('gs://bkt/3.jpg', 'dog')].join('\n') + '\n');
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const report = await waitForReport(api, doc.uri, (r) => settled(doc)(r) && r.format === 'image-classification-multi-label');
      assert.deepEqual(report.stats?.duplicates, { repeats: 1, conflicts: 1, annotationsSplit: 1 });
      const rendered = nextRender(api, doc.uri, () => true);
      await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
      const view = await rendered;
      assert.match(view.charts.text[1], / · duplicates: 1 repeated, 1 conflicting, 1 with annotations split over lines$/);
    } finally {
      await closeAllEditors();
      fs.rmSync(uri.fsPath, { force: true });
    }
  });

  it('clicking a label in the view reveals its first line', async function () {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, settled(doc));
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    const rendered = nextRender(api, doc.uri, () => true);
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    await rendered;
    const revealed = cursorOn(doc.uri, 0);
    // "cat" is first used on line 1 (the cursor starts on line 4). The click is a real one, in the webview, by the launcher.
    if (!(await uiClick('stats-label-cat', 'button[data-label="cat"]', { webview: true }))) {
      revealed.catch(() => undefined);
      return this.skip();
    }
    await revealed;
  });

  it('a theme change redraws the charts in the theme\'s colours', async function () {
    this.timeout(90_000);
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, settled(doc));
    const rendered = nextRender(api, doc.uri, () => true);
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    const before = await rendered;
    const config = vscode.workspace.getConfiguration('workbench');
    const light = before.charts.theme.kind !== 'vscode-light';
    const redrawn = nextRender(api, doc.uri, (e) => e.charts.theme.kind === (light ? 'vscode-light' : 'vscode-dark'), 60_000);
    await config.update('colorTheme', light ? 'Default Light Modern' : 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    try {
      const after = await redrawn;
      assert.notEqual(after.charts.theme.foreground, before.charts.theme.foreground);
      assert.deepEqual(after.charts.labels, before.charts.labels);
    } finally {
      const back = nextRender(api, doc.uri, (e) => e.charts.theme.kind === before.charts.theme.kind, 60_000);
      await config.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
      await back;
    }
  });

  it('the status bar item opens a quick pick whose "Show Dataset Statistics" opens the view', async function () {
    this.timeout(90_000);
    await closeAllEditors();
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, settled(doc));
    assert.match(api.statusBarText() ?? '', /Image classification \(single-label\) · 4 items/);
    const rendered = nextRender(api, doc.uri, () => true, 60_000);
    if (!(await uiClick('status-bar-item', '[id$="vertexDatasets.status"]'))) {
      rendered.catch(() => undefined);
      return this.skip();
    }
    await uiClick('status-menu-stats', '.quick-input-widget .monaco-list-row:has-text("Show Dataset Statistics")');
    const view = await rendered;
    assert.deepEqual(view.charts.labels.names, ['cat']);
  });
});
