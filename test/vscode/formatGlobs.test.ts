import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitForReport, workspaceFile, type TestApi } from './util';

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
});
