import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, codeOf, ourDiagnostics, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

const actionsAt = async (doc: vscode.TextDocument, range: vscode.Range, only?: vscode.CodeActionKind) =>
  (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, only?.value)) ?? [];

describe('CSV quick fixes (the replacement each finding names)', () => {
  let api: TestApi;
  const rows = ['TRAIN,gs://bkt/a.jpg,cat', 'test,https://storage.googleapis.com/bkt/b.jpg,dog', '"training","gs://bkt/x//c.jpg",dog', 'Test,gs://bkt/d.jpg,dog'];
  const text = rows.join('\r\n') + '\r\n';
  const uri = () => workspaceFile('fixes.csv');
  before(async () => {
    api = await activateExtension<TestApi>();
    fs.writeFileSync(uri().fsPath, text);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(uri().fsPath, { force: true });
  });

  async function open(): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    return doc;
  }

  it('each fix rewrites only its cell (keeping its quotes and the CRLF line ends) and is undoable', async () => {
    const doc = await open();
    const expect: [string, number, string, string][] = [
      ['mlUse.invalid', 0, 'Change to training', 'training,gs://bkt/a.jpg,cat'],
      ['value.gcsUri', 1, 'Change to gs://bkt/b.jpg', 'test,gs://bkt/b.jpg,dog'],
      ['value.gcsPath', 2, 'Change to "gs://bkt/x/c.jpg"', '"training","gs://bkt/x/c.jpg",dog'],
      ['mlUse.invalid', 3, 'Change to test', 'test,gs://bkt/d.jpg,dog'],
    ];
    for (const [code, line, title, fixed] of expect) {
      const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === code && x.range.start.line === line);
      assert.ok(d, `no ${code} on line ${line + 1}`);
      const actions = await actionsAt(doc, d.range);
      const fix = actions.find((a) => a.title === title);
      assert.ok(fix?.edit, `no "${title}" among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.getText(), rows.map((r, i) => (i === line ? fixed : r)).join('\r\n') + '\r\n');
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => codeOf(x) === code && x.range.start.line === line));
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), text);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    }
  });

  it('"fix all" of one code and source.fixAll fix every cell in one edit', async () => {
    const doc = await open();
    const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'mlUse.invalid')!;
    const all = (await actionsAt(doc, d.range)).find((a) => a.title === 'Fix all 2 "mlUse.invalid" problems in this file');
    assert.ok(all?.edit);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(doc.lineAt(0).text + '|' + doc.lineAt(3).text, 'training,gs://bkt/a.jpg,cat|test,gs://bkt/d.jpg,dog');
    await vscode.commands.executeCommand('undo');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const source = (await actionsAt(doc, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll)).find((a) => a.edit);
    assert.ok(source?.edit);
    assert.ok(await vscode.workspace.applyEdit(source.edit));
    assert.equal(doc.getText(), 'training,gs://bkt/a.jpg,cat\r\ntest,gs://bkt/b.jpg,dog\r\n"training","gs://bkt/x/c.jpg",dog\r\ntest,gs://bkt/d.jpg,dog\r\n');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.errors, 0, JSON.stringify(ourDiagnostics(doc.uri).map(codeOf)));
  });

  it('swaps the cells of a box whose min and max are swapped, both axes in one "fix all", undoably', async () => {
    const other = workspaceFile('swapped.csv');
    const original = 'gs://bkt/a.jpg,cat,0.9,0.8,,,0.1,0.2,,\ngs://bkt/b.jpg,cat,"0.7",0.1,,,"0.2",0.6,,\n';
    fs.writeFileSync(other.fsPath, original);
    try {
      const doc = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const swapped = () => ourDiagnostics(doc.uri).filter((x) => codeOf(x) === 'box.minMax');
      assert.equal(swapped().length, 3);
      const second = swapped().find((x) => x.range.start.line === 1)!;
      const one = (await actionsAt(doc, second.range)).find((a) => a.title === 'Swap the min and max coordinates');
      assert.ok(one?.edit);
      assert.ok(await vscode.workspace.applyEdit(one.edit));
      assert.equal(doc.lineAt(1).text, 'gs://bkt/b.jpg,cat,"0.2",0.1,,,"0.7",0.6,,');
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const all = (await actionsAt(doc, swapped()[0].range)).find((a) => a.title === 'Fix all 3 "box.minMax" problems in this file');
      assert.ok(all?.edit);
      assert.ok(await vscode.workspace.applyEdit(all.edit));
      assert.equal(doc.getText(), 'gs://bkt/a.jpg,cat,0.1,0.2,,,0.9,0.8,,\ngs://bkt/b.jpg,cat,"0.2",0.1,,,"0.7",0.6,,\n');
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => codeOf(x) === 'box.minMax'));
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      fs.rmSync(other.fsPath, { force: true });
    }
  });

  it('UNASSIGNED: empties the ml_use cell (the column stays), undoably', async () => {
    const other = workspaceFile('unassigned.csv');
    const original = 'UNASSIGNED,gs://bkt/a.jpg,cat\ntest,gs://bkt/b.jpg,cat\n';
    fs.writeFileSync(other.fsPath, original);
    try {
      const doc = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'mlUse.unassigned');
      assert.ok(d);
      const fix = (await actionsAt(doc, d.range)).find((a) => a.title === 'Remove the UNASSIGNED split (let Vertex AI assign it)');
      assert.ok(fix?.edit);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.getText(), ',gs://bkt/a.jpg,cat\ntest,gs://bkt/b.jpg,cat\n');
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => codeOf(x)?.startsWith('mlUse')));
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      fs.rmSync(other.fsPath, { force: true });
    }
  });

  it('renames a CSV label with spaces; a label with letters beyond ASCII is a warning naming "cafe", with no one-click fix', async () => {
    const other = workspaceFile('labels.csv');
    fs.writeFileSync(other.fsPath, 'gs://bkt/a.jpg,my cat\ngs://bkt/b.jpg,café\n');
    try {
      const doc = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const on = (line: number) => ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'label.csvName' && x.range.start.line === line)!;
      assert.deepEqual((await actionsAt(doc, on(0).range)).map((a) => a.title), ['Change to my_cat']);
      assert.match(on(1).message, /"cafe" is safe/);
      assert.equal(on(1).severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(on(0).severity, vscode.DiagnosticSeverity.Error);
      assert.deepEqual((await actionsAt(doc, on(1).range)).map((a) => a.title), []);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(other.fsPath, { force: true });
    }
  });
});
