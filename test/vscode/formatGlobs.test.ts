import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, capturingErrors, waitForReport, workspaceFile, type TestApi } from './util';

describe('vertexDatasets.formats patterns', () => {
  let api: TestApi;
  const dir = () => workspaceFile('globs');
  before(async () => {
    api = await activateExtension<TestApi>();
    fs.mkdirSync(path.join(dir().fsPath, 'deep', 'er'), { recursive: true });
  });
  after(async () => {
    await vscode.workspace.getConfiguration('vertexDatasets').update('formats', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir().fsPath, { recursive: true, force: true });
  });

  it('a pattern without a slash matches the file name in any folder (as files.associations does); one with a slash stays relative to the folder', async () => {
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    const original = config.inspect<Record<string, string>>('formats')?.workspaceValue ?? {};
    await config.update('formats', { ...original, '*.boxes.jsonl': 'image-bounding-box', 'globs/top/*.jsonl': 'video-classification' }, vscode.ConfigurationTarget.Workspace);
    const file = path.join(dir().fsPath, 'deep', 'er', 'cars.boxes.jsonl');
    fs.writeFileSync(file, '{"id": 1}\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && x.format !== undefined);
    assert.equal(r.format, 'image-bounding-box');
    assert.equal(r.source, 'setting');
    const other = path.join(dir().fsPath, 'deep', 'x.jsonl');
    fs.writeFileSync(other, '{"id": 1}\n');
    const od = await vscode.workspace.openTextDocument(vscode.Uri.file(other));
    await vscode.window.showTextDocument(od);
    const o = await waitForReport(api, od.uri, (x) => x.version === od.version);
    assert.equal(o.format, undefined, '"globs/top/*.jsonl" does not match globs/deep/x.jsonl');
  });

  it('"Validate Import File" on a file that is not an import file says what it accepts and how to make the file count; a glob for it makes it count', async () => {
    const file = path.join(dir().fsPath, 'labels.txt');
    fs.writeFileSync(file, JSON.stringify({ imageGcsUri: 'gs://b/1.jpg', classificationAnnotation: { displayName: 'cat' } }) + '\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    // The command shows its refusal as an error message; the test shares the extension's API object, so it can see it.
    const shown: string[] = [];
    assert.equal(await capturingErrors(shown, () => vscode.commands.executeCommand('vertexDatasets.validateFile', doc.uri)), undefined);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.doesNotMatch(shown[0], /is not a \.jsonl file/);
    assert.match(shown[0], /globs\/labels\.txt is not an import file: "Validate Import File" checks JSON Lines \(\.jsonl\) and CSV \(\.csv\) files/);
    assert.match(shown[0], /"Choose Import Format for This File"/);
    assert.match(shown[0], /vertexDatasets\.formats setting \(for example \{ "globs\/labels\.txt": "image-classification-single-label" \}\)/);
    // The advice works: with the glob it suggests, the same command validates the file.
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    const before = config.inspect<Record<string, string>>('formats')?.workspaceValue ?? {};
    await config.update('formats', { ...before, 'globs/labels.txt': 'image-classification-single-label' }, vscode.ConfigurationTarget.Workspace);
    const r = await vscode.commands.executeCommand<{ format?: string; items: number } | undefined>('vertexDatasets.validateFile', doc.uri);
    assert.equal(r?.format, 'image-classification-single-label');
    assert.equal(r?.items, 1);
    await config.update('formats', before, vscode.ConfigurationTarget.Workspace);
    // A .jsonl file the user marked "Not an import file" is not validated silently: the command says why and how to undo it.
    const marked = vscode.Uri.file(path.join(dir().fsPath, 'marked.jsonl'));
    fs.writeFileSync(marked.fsPath, '{"imageGcsUri": "gs://bkt/a.jpg"}\n');
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', marked, 'none');
    try {
      assert.equal(await capturingErrors(shown, () => vscode.commands.executeCommand('vertexDatasets.validateFile', marked)), undefined);
    } finally {
      await vscode.commands.executeCommand('vertexDatasets.selectFormat', marked, 'auto');
    }
    assert.equal(shown.length, 2, JSON.stringify(shown));
    assert.match(shown[1], /globs\/marked\.jsonl is not validated because you chose "Not an import file" for it; run "Choose Import Format for This File"/);
  });
});
