import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, codeOf, ourDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

describe('"Fix all Vertex import problems" on a line with several fixes', () => {
  let api: TestApi;
  const uri = () => workspaceFile('fixall-together.jsonl');
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(uri().fsPath, { force: true });
  });

  it('renames "ml_use" and corrects its value in one member', async () => {
    const line = '{"imageGcsUri": "gs://bucket/a.jpg", "classificationAnnotation": {"displayName": "x"}, "dataItemResourceLabels": {"ml_use": "TRAIN"}}';
    fs.writeFileSync(uri().fsPath, line + '\n');
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value)) ?? [];
    const all = actions.find((a) => a.edit);
    assert.ok(all?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(doc.lineAt(0).text, line.replace('"ml_use": "TRAIN"', '"aiplatform.googleapis.com/ml_use": "training"'));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    assert.deepEqual(ourDiagnostics(doc.uri).filter((d) => codeOf(d)?.startsWith('mlUse')).map(codeOf), []);
  });

  it('offers no "Rename" onto a key the object already has (it would make a duplicate key)', async () => {
    const line = '{"textContent": "Acme hired Bob", "textSegmentAnnotations": [{"displayName": "org", "startOffset": 0, "endOffset": 4}], "textSegmentAnnotation": {"displayName": "person", "startOffset": 11, "endOffset": 14}}';
    fs.writeFileSync(uri().fsPath, line + '\n');
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.format === 'text-extraction');
    const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'schema.unknownKey');
    assert.ok(d, ourDiagnostics(doc.uri).map(codeOf).join(', '));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range)) ?? [];
    assert.deepEqual(actions.map((a) => a.title).filter((t) => t.startsWith('Rename')), []);
  });
});
