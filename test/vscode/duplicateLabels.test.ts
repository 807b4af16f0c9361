import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { actionsAt, activateExtension, codeOf, openWithFindings, ourDiagnostics, waitForDiagnostics, waitForReport, type TestApi } from './util';

describe('Removing a repeated label (quick fix) removes exactly it and one comma', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('JSONL: the space before the comma stays, the rest of the line is byte-identical', async () => {
    const line = '{"imageGcsUri": "gs://bkt/a.jpg", "classificationAnnotations": [{"displayName": "cat"} , {"displayName": "dog"} ,{"displayName": "cat"}]}';
    const { doc, found } = await openWithFindings(api, 'dup-labels.jsonl', line + '\n', 'image-classification-multi-label', 'label.duplicate');
    assert.equal(found.length, 1);
    const actions = await actionsAt(doc, found[0].range);
    const fix = actions.find((a) => a.title === 'Remove item 3');
    assert.ok(fix?.edit, `no "Remove item 3" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), '{"imageGcsUri": "gs://bkt/a.jpg", "classificationAnnotations": [{"displayName": "cat"} , {"displayName": "dog"} ]}\n');
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'label.duplicate'));
  });

  it('CSV: a quick fix removes the repeated cell and the comma before it (quotes and CRLF of the rest kept); fix all removes every repeat', async () => {
    const rows = ['gs://bkt/a.jpg,cat,dog,"cat",dog', '"gs://bkt/b.jpg",cat,cat', 'gs://bkt/c.jpg,cat'];
    const { doc, found } = await openWithFindings(api, 'dup-labels.csv', rows.join('\r\n') + '\r\n', 'image-classification-multi-label', 'label.duplicate');
    assert.equal(found.length, 3);
    const first = found.find((d) => d.range.start.line === 0 && d.range.start.character === 23)!;
    const actions = await actionsAt(doc, first.range);
    const one = actions.find((a) => a.title === 'Remove the repeated label');
    assert.ok(one?.edit, `no "Remove the repeated label" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(one.edit));
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat,dog,dog', rows[1], rows[2]].join('\r\n') + '\r\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), rows.join('\r\n') + '\r\n');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const again = ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'label.duplicate')!;
    const all = (await actionsAt(doc, again.range)).find((a) => a.title === 'Fix all 3 "label.duplicate" problems in this file');
    assert.ok(all?.edit);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat,dog', '"gs://bkt/b.jpg",cat', rows[2]].join('\r\n') + '\r\n');
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'label.duplicate'));
  });
});
