import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, codeOf, errorsOf, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

type Report = NonNullable<ReturnType<TestApi['report']>>;

const LINES = 8_000;
/** 1-based lines with ml_use "train" (mlUse.invalid): one near the top, one far below the first screen. */
const BAD = [3, 7_500];

function write(path: string, lines = LINES): void {
  const out: string[] = [];
  for (let i = 1; i <= lines; i++) {
    out.push(JSON.stringify({
      imageGcsUri: `gs://my-bucket/images/img-${i}.jpg`,
      classificationAnnotation: { displayName: i % 2 ? 'cat' : 'dog' },
      dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': BAD.includes(i) ? 'train' : i % 10 === 0 ? 'test' : i % 10 === 1 ? 'validation' : 'training' },
    }));
  }
  fs.writeFileSync(path, out.join('\n') + '\n');
}

describe('opening a large document: the lines an editor shows first, then the whole document', () => {
  let api: TestApi;
  const uri = workspaceFile('open-large-generated.jsonl');
  before(async () => {
    api = await activateExtension<TestApi>();
    write(uri.fsPath);
  });
  after(async () => {
    await closeAllEditors();
    fs.rmSync(uri.fsPath, { force: true });
  });

  it('publishes the head findings at once, then all findings of the same version', async function () {
    this.timeout(60_000);
    const seen: Report[] = [];
    const sub = api.onDidValidate((r) => {
      if (r.uri.toString() === uri.toString()) seen.push(r);
    });
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const full = await waitForReport(api, uri, (r) => r.version === doc.version && !r.partial && !r.datasetPending, 50_000);
      const first = seen[0];
      assert.ok(first, 'a report was published');
      assert.equal(first.partial, true, `the first report should hold the visible lines only: ${JSON.stringify({ ...first, diagnostics: first.diagnostics.length })}`);
      assert.equal(first.version, doc.version);
      assert.equal(first.format, 'image-classification-single-label');
      assert.deepEqual(first.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.code]), [[3, 'mlUse.invalid']]);
      assert.deepEqual(full.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.code]), BAD.map((l) => [l, 'mlUse.invalid']));
      assert.equal(full.items, LINES);
      const ds = await waitForDiagnostics(uri, (x) => errorsOf(x).length === BAD.length);
      assert.deepEqual(errorsOf(ds).map((d) => [d.range.start.line + 1, codeOf(d)]), BAD.map((l) => [l, 'mlUse.invalid']));
      // Edits after the opening are incremental as before.
      const editor = vscode.window.activeTextEditor!;
      const at = BAD[1] - 1;
      await editor.edit((e) => e.replace(doc.lineAt(at).range, doc.lineAt(at).text.replace('"train"', '"training"')));
      const after = await waitForReport(api, uri, (r) => r.version === doc.version && !r.datasetPending);
      assert.equal(after.incremental, true);
      assert.deepEqual(after.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line), [3]);
    } finally {
      sub.dispose();
    }
  });

  it('a tab whose document VS Code does not load (it asks first) still gets findings, from disk', async function () {
    this.timeout(90_000);
    // 5 MB: above the size from which a tab is validated from disk while its document loads.
    const big = workspaceFile('open-large-unloaded.jsonl');
    write(big.fsPath, 26_000);
    assert.ok(fs.statSync(big.fsPath).size > 4 * 1024 * 1024);
    const config = vscode.workspace.getConfiguration('workbench');
    const previous = config.inspect<number>('editorLargeFileConfirmation')?.globalValue;
    // Above 1 MB the workbench shows "the file is very large, open anyway?" instead of loading it.
    await config.update('editorLargeFileConfirmation', 1, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('vscode.open', big);
      const ds = await waitForDiagnostics(big, (x) => errorsOf(x).length === BAD.length, 80_000);
      assert.deepEqual(errorsOf(ds).map((d) => [d.range.start.line + 1, codeOf(d)]), BAD.map((l) => [l, 'mlUse.invalid']));
      const r = api.report(big)!;
      assert.equal(r.fromDisk, true);
      assert.equal(r.items, 26_000);
      assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.toString() === big.toString()), false, 'VS Code should not have loaded the document');
    } finally {
      await config.update('editorLargeFileConfirmation', previous, vscode.ConfigurationTarget.Global);
      await closeAllEditors();
      fs.rmSync(big.fsPath, { force: true });
    }
  });
});
