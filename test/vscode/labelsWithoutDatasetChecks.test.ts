import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, waitForReport, workspaceFile, type TestApi } from './util';

const labelsAt = async (doc: vscode.TextDocument, pos: vscode.Position) =>
  (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos)).items
    .filter((i) => i.kind === vscode.CompletionItemKind.Value)
    .sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
    .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));

describe('label completion with vertexDatasets.datasetChecks off', () => {
  let api: TestApi;
  const files: string[] = [];
  before(async () => {
    api = await activateExtension<TestApi>();
    await vscode.workspace.getConfiguration('vertexDatasets').update('datasetChecks', false, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('vertexDatasets').update('datasetChecks', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of files) fs.rmSync(f, { force: true });
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const uri = workspaceFile(name);
    fs.writeFileSync(uri.fsPath, text);
    files.push(uri.fsPath);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && r.format !== undefined);
    return doc;
  }

  it('still offers the labels used in the file, most used first (JSONL and CSV)', async () => {
    const line = (i: number, label: string) => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: label } });
    const doc = await open('nochecks.jsonl', [line(1, 'dog'), line(2, 'cat'), line(3, 'cat'), line(4, '')].join('\n') + '\n');
    assert.equal(api.report(doc.uri)?.stats, undefined, 'no statistics with the dataset checks off');
    const last = doc.lineAt(3).text;
    assert.deepEqual(await labelsAt(doc, new vscode.Position(3, last.indexOf('""') + 1)), ['cat', 'dog']);

    const csv = await open('nochecks.csv', 'gs://bkt/a.jpg,dog\ngs://bkt/b.jpg,cat\ngs://bkt/c.jpg,cat\ngs://bkt/d.jpg,\n');
    assert.deepEqual(await labelsAt(csv, new vscode.Position(3, 15)), ['cat', 'dog']);
  });
});
