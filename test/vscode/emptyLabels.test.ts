import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, actionsAt, activateExtension, codeOf, openWithFindings, ourDiagnostics, waitForDiagnostics, waitForReport, type TestApi } from './util';

describe('Removing an empty label between labels (quick fix)', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('JSONL: removes the empty annotation beside real labels, undoably; an empty label that is the only one has no fix', async () => {
    const lines = [
      '{"imageGcsUri": "gs://bkt/a.jpg", "classificationAnnotations": [{"displayName": "cat"}, {"displayName": ""}, {"displayName": "dog"}]}',
      '{"imageGcsUri": "gs://bkt/b.jpg", "classificationAnnotations": [{"displayName": " "}]}',
    ];
    const text = lines.join('\n') + '\n';
    const { doc, found } = await openWithFindings(api, 'empty-labels.jsonl', text, 'image-classification-multi-label', 'label.empty', 2);
    const only = await actionsAt(doc, found[1].range);
    assert.deepEqual(only.filter((a) => a.diagnostics?.some((d) => codeOf(d) === 'label.empty')).map((a) => a.title), [], 'the only label, empty: no fix');
    const actions = await actionsAt(doc, found[0].range);
    const fix = actions.find((a) => a.title === 'Remove the empty label');
    assert.ok(fix?.edit, `no "Remove the empty label" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), ['{"imageGcsUri": "gs://bkt/a.jpg", "classificationAnnotations": [{"displayName": "cat"}, {"displayName": "dog"}]}', lines[1]].join('\n') + '\n');
    await waitForDiagnostics(doc.uri, (ds) => ds.filter((d) => codeOf(d) === 'label.empty').length === 1);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), text);
  });

  it('CSV: removes the empty cell and the comma before it (quoted or not, CRLF and quotes of the rest kept); fix all removes each', async () => {
    const rows = ['gs://bkt/a.jpg,cat,,dog', '"gs://bkt/b.jpg",cat,"","dog"', 'training,gs://bkt/c.jpg,,cat', 'gs://bkt/d.jpg,cat,,'];
    const text = rows.join('\r\n') + '\r\n';
    const { doc, found } = await openWithFindings(api, 'empty-labels.csv', text, 'image-classification-multi-label', 'label.empty', 4);
    const actions = await actionsAt(doc, found[0].range);
    const one = actions.find((a) => a.title === 'Remove the empty label column (the extra comma)');
    assert.ok(one?.edit, `no "Remove the empty label column (the extra comma)" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(one.edit));
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat,dog', ...rows.slice(1)].join('\r\n') + '\r\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), text);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const again = ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'label.empty')!;
    const all = (await actionsAt(doc, again.range)).find((a) => a.title === 'Fix all 4 "label.empty" problems in this file');
    assert.ok(all?.edit);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    // The trailing empty columns go too (their commas), the CRLF kept.
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat,dog', '"gs://bkt/b.jpg",cat,"dog"', 'training,gs://bkt/c.jpg,cat', 'gs://bkt/d.jpg,cat'].join('\r\n') + '\r\n');
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'label.empty'));
  });

  it('CSV: empty label columns ending a row are one warning whose fix removes the trailing commas, undoably, as the CLI reports them', async () => {
    const rows = ['gs://bkt/a.jpg,cat,,', 'gs://bkt/b.jpg,cat,dog', 'gs://bkt/c.jpg,dog,""', 'gs://bkt/d.jpg,,'];
    const text = rows.join('\n') + '\n';
    const { doc, found } = await openWithFindings(api, 'trailing-labels.csv', text, 'image-classification-multi-label', 'label.empty', 3);
    assert.deepEqual(
      found.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity]),
      [[0, 18, 20, vscode.DiagnosticSeverity.Warning], [2, 18, 21, vscode.DiagnosticSeverity.Warning], [3, 14, 16, vscode.DiagnosticSeverity.Warning]],
    );
    assert.match(found[0].message, /^2 empty label columns end this row \(trailing commas\)\./);
    // The command line reports the same findings, at the same places, with the same messages.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const r = cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'validate', '--output', 'json', '--no-dataset-checks', '--format', 'image-classification-multi-label', doc.uri.fsPath], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const cli = (JSON.parse(r.stdout) as { files: { diagnostics: { line: number; column: number; endColumn: number; code: string; message: string }[] }[] }).files[0].diagnostics;
    assert.deepEqual(
      cli.filter((d) => d.code === 'label.empty').map((d) => [d.line - 1, d.column - 1, d.endColumn - 1, d.message]),
      found.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.message]),
      r.stdout,
    );
    assert.match(found[2].message, /and it has no label/);
    const actions = await actionsAt(doc, found[0].range);
    const fix = actions.find((a) => a.title === 'Remove the empty label columns at the end of the row (the trailing commas)');
    assert.ok(fix?.edit, `no fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok((await actionsAt(doc, found[1].range)).some((a) => a.title === 'Remove the empty label column at the end of the row (the trailing comma)'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat', ...rows.slice(1)].join('\n') + '\n');
    await waitForDiagnostics(doc.uri, (ds) => ds.filter((d) => codeOf(d) === 'label.empty').length === 2);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), text);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const again = ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'label.empty')!;
    const all = (await actionsAt(doc, again.range)).find((a) => a.title === 'Fix all 3 "label.empty" problems in this file');
    assert.ok(all?.edit);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(doc.getText(), ['gs://bkt/a.jpg,cat', 'gs://bkt/b.jpg,cat,dog', 'gs://bkt/c.jpg,dog', 'gs://bkt/d.jpg'].join('\n') + '\n');
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'label.empty'));
  });

  it('CSV: a box row without its label has no fix (removing the comma would shift the coordinates)', async () => {
    const { doc, found } = await openWithFindings(api, 'empty-box-label.csv', 'gs://bkt/a.jpg,,0.1,0.1,,,0.5,0.5,,\n', 'image-bounding-box', 'label.empty', 1);
    const actions = await actionsAt(doc, found[0].range);
    assert.deepEqual(actions.filter((a) => a.diagnostics?.some((d) => codeOf(d) === 'label.empty')).map((a) => a.title), []);
  });
});
