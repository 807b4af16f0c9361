import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RenderedEvent } from '../../src/extension/statsView';
import { activateExtension, closeAllEditors, codeOf, errorsOf, ourDiagnostics, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

/** Above the 50 MB VS Code syncs to extensions: the extension never gets this file's text. */
const TARGET_BYTES = 55 * 1024 * 1024;
/** 1-based lines whose ml_use is "train" (mlUse.invalid); the last one is near the end of the file. */
const BAD_LINES = [3, 150_001, 300_000];

function line(i: number, mlUse: string): string {
  return JSON.stringify({
    imageGcsUri: `gs://my-bucket/images/img-${String(i).padStart(7, '0')}.jpg`,
    classificationAnnotation: { displayName: i % 3 ? 'cat' : 'dog' },
    dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': mlUse },
  });
}

/** Writes the file in chunks; returns its line count. */
function writeLargeJsonl(path: string): number {
  const fd = fs.openSync(path, 'w');
  let bytes = 0;
  let i = 0;
  try {
    while (bytes < TARGET_BYTES || i < BAD_LINES[BAD_LINES.length - 1]) {
      const chunk: string[] = [];
      for (let k = 0; k < 10_000; k++) {
        i++;
        chunk.push(line(i, BAD_LINES.includes(i) ? 'train' : i % 10 === 0 ? 'test' : i % 10 === 1 ? 'validation' : 'training'));
      }
      const text = chunk.join('\n') + '\n';
      fs.writeSync(fd, text);
      bytes += Buffer.byteLength(text);
    }
  } finally {
    fs.closeSync(fd);
  }
  return i;
}

describe('large files (validated from disk in a worker)', () => {
  let api: TestApi;
  const uri = workspaceFile('large-generated.jsonl');
  let lines = 0;
  before(async function () {
    this.timeout(120_000);
    api = await activateExtension<TestApi>();
    lines = writeLargeJsonl(uri.fsPath);
    assert.ok(fs.statSync(uri.fsPath).size > 50 * 1024 * 1024);
  });
  after(async () => {
    await closeAllEditors();
    fs.rmSync(uri.fsPath, { force: true });
  });

  const expectFindings = (ds: vscode.Diagnostic[]) => {
    const errors = errorsOf(ds);
    assert.deepEqual(
      errors.map((d) => [d.range.start.line + 1, codeOf(d)]),
      BAD_LINES.map((n) => [n, 'mlUse.invalid']),
    );
    // The core's columns: the ml_use value's quotes included, on the bad line only.
    const text = line(BAD_LINES[0], 'train');
    const at = text.lastIndexOf('"train"');
    assert.deepEqual([errors[0].range.start.character, errors[0].range.end.character], [at, at + '"train"'.length]);
  };

  it('opening a file above 50 MB in an editor tab shows its findings in the Problems panel', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('vscode.open', uri);
    // VS Code gives the extension no document for it: the tab is all there is.
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), false);
    const ds = await waitForDiagnostics(uri, (x) => errorsOf(x).length === BAD_LINES.length, 100_000);
    expectFindings(ds);
    const r = await waitForReport(api, uri, (x) => x.format !== undefined, 5_000);
    assert.equal(r.items, lines);
    assert.equal(r.format, 'image-classification-single-label');
    // The status bar follows the active tab even though it has no text editor for extensions.
    assert.equal(api.statusBarText(), `$(database) Image classification (single-label) · ${lines} items · $(error) 3 $(warning) ${r.warnings}`);
  });

  it('choosing "not an import file" for it clears its findings; "detect" brings them back from disk', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', undefined, 'none');
    await waitForDiagnostics(uri, (x) => x.length === 0);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', undefined, 'auto');
    expectFindings(await waitForDiagnostics(uri, (x) => errorsOf(x).length === BAD_LINES.length, 100_000));
  });

  it('"Validate File" on it runs the worker instead of failing to open a document', async function () {
    this.timeout(120_000);
    const r = await vscode.commands.executeCommand<{ items: number; errors: number } | undefined>('vertexDatasets.validateFile', uri);
    assert.equal(r?.items, lines);
    expectFindings(ourDiagnostics(uri));
  });

  it('"Show Dataset Statistics" works for it though it has no text editor (statistics from disk)', async function () {
    this.timeout(60_000);
    const r = api.report(uri)!;
    assert.ok(r.stats, 'the disk run computes statistics');
    const rendered = new Promise<RenderedEvent>((resolve) => {
      const sub = api.onDidRenderStatistics((e) => {
        if (e.uri.toString() !== uri.toString()) return;
        sub.dispose();
        resolve(e);
      });
    });
    // No argument: the command takes the active tab's file, as the status bar menu runs it.
    await vscode.commands.executeCommand('vertexDatasets.showStatistics');
    const view = await rendered;
    assert.deepEqual(view.charts.labels.names, r.stats!.labels.map((l) => l.name));
    assert.deepEqual(view.charts.labels.items, r.stats!.labels.map((l) => l.items));
  });

  it('changing it on disk validates it again (appended bad line, then the file restored)', async function () {
    this.timeout(240_000);
    const size = fs.statSync(uri.fsPath).size;
    fs.appendFileSync(uri.fsPath, line(lines + 1, 'train') + '\n');
    const grown = await waitForDiagnostics(uri, (x) => errorsOf(x).length === BAD_LINES.length + 1, 110_000);
    assert.deepEqual(errorsOf(grown).map((d) => d.range.start.line + 1), [...BAD_LINES, lines + 1]);
    assert.equal(api.report(uri)?.items, lines + 1);
    fs.truncateSync(uri.fsPath, size);
    expectFindings(await waitForDiagnostics(uri, (x) => errorsOf(x).length === BAD_LINES.length, 110_000));
    assert.equal(api.report(uri)?.items, lines);
  });

  it('closing its tab clears the findings', async () => {
    await closeAllEditors();
    await waitForDiagnostics(uri, (x) => x.length === 0);
  });

  it('"Validate Workspace Import Files" validates it from disk with the same findings', async function () {
    this.timeout(120_000);
    const summary = await vscode.commands.executeCommand<{ importFiles: number; errors: number; cancelled: boolean }>('vertexDatasets.validateWorkspace');
    assert.equal(summary.cancelled, false);
    expectFindings(ourDiagnostics(uri));
  });
});
