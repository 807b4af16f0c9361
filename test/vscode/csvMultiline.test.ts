import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, waitForReport, workspaceFile, type TestApi } from './util';

const hoverText = async (doc: vscode.TextDocument, pos: vscode.Position) =>
  (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const values = async (doc: vscode.TextDocument, pos: vscode.Position) =>
  (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos)).items
    .filter((i) => i.kind === vscode.CompletionItemKind.Value || i.kind === vscode.CompletionItemKind.EnumMember)
    .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));

describe('CSV: a quoted field over several lines', () => {
  let api: TestApi;
  const uri = () => workspaceFile('multiline.csv');
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(uri().fsPath, { force: true });
  });

  it('hover and completion on its later lines see the text cell, not the split, path or label columns', async () => {
    // The first row has a stray quote (a literal character in an unquoted field): it opens no field.
    fs.writeFileSync(uri().fsPath, 'test,"a 5"" screen",neg\ntraining,"first line of a review,\nsecond line, still text",pos\ntest,another 5" review,neg\ntest,"last review",neg\n');
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    // Line 3 starts inside the quoted text of the record that began on line 1.
    for (const col of [2, 13]) {
      const text = await hoverText(doc, new vscode.Position(2, col));
      assert.match(text, /\*\*Column 2\*\*: Text of the document/, `hover at 3:${col + 1}: ${text}`);
      assert.deepEqual(await values(doc, new vscode.Position(2, col)), [], `no split or label values inside the text (3:${col + 1})`);
    }
    // The label after the text, and the rows that follow, are read as before.
    const labelAt = new vscode.Position(2, doc.lineAt(2).text.length - 1);
    assert.match(await hoverText(doc, labelAt), /\*\*Column 3\*\*: Label of the item/);
    assert.deepEqual((await values(doc, labelAt)).sort(), ['neg', 'pos']);
    assert.deepEqual(await values(doc, new vscode.Position(4, 1)), ['training', 'validation', 'test']);
    assert.match(await hoverText(doc, new vscode.Position(4, 20)), /\*\*Column 3\*\*: Label of the item/);
  });

  it('hover shows the rule of a finding over several lines on each of its lines', async () => {
    const other = workspaceFile('multiline-label.csv');
    fs.writeFileSync(other.fsPath, 'gs://bkt/a.jpg,cat\ngs://bkt/b.jpg,"my\nbig cat"\n');
    try {
      const doc = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const finding = api.report(doc.uri)?.diagnostics.find((d) => d.code === 'label.csvName');
      assert.deepEqual(finding && [finding.line, finding.column, finding.endLine, finding.endColumn], [2, 16, 3, 9]);
      for (const pos of [new vscode.Position(1, 16), new vscode.Position(1, 17), new vscode.Position(2, 0), new vscode.Position(2, 6)]) {
        assert.match(await hoverText(doc, pos), /label\.csvName/, `hover at ${pos.line + 1}:${pos.character + 1}`);
      }
      assert.doesNotMatch(await hoverText(doc, new vscode.Position(1, 3)), /label\.csvName/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(other.fsPath, { force: true });
    }
  });

  it('multi-label rows: every column after the path completes and hovers as a label', async () => {
    const other = workspaceFile('multilabel.csv');
    fs.writeFileSync(other.fsPath, 'gs://bkt/a.jpg,cat,dog\ngs://bkt/b.jpg,dog,bird\ngs://bkt/c.jpg,cat,\n');
    try {
      const doc = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      assert.equal(api.report(doc.uri)?.format, 'image-classification-multi-label');
      const third = new vscode.Position(2, doc.lineAt(2).text.length);
      // "cat" is already on the row: offering it again would make a repeated label.
      assert.deepEqual((await values(doc, third)).sort(), ['bird', 'dog']);
      assert.match(await hoverText(doc, new vscode.Position(1, 20)), /\*\*Column 3\*\*: Label of the item/);
    } finally {
      fs.rmSync(other.fsPath, { force: true });
    }
  });
});
