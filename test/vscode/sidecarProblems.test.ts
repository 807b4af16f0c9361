import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, codeOf, EXTENSION_ID, ourDiagnostics, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

describe('media sidecar rows that cannot be read', () => {
  let api: TestApi;
  const data = () => workspaceFile('sized.jsonl');
  const sidecar = () => workspaceFile('sized.jsonl.media.json');
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [data(), sidecar()]) fs.rmSync(f.fsPath, { force: true });
  });

  it('are sidecar.invalid warnings on the sidecar\'s lines, as the CLI reports them, and go when the sidecar is fixed', async () => {
    fs.writeFileSync(data().fsPath, JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', boundingBoxAnnotations: [{ displayName: 'car', xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] }) + '\n');
    fs.writeFileSync(sidecar().fsPath, '{\n  "gs://bkt/a.jpg": {"width": 640, "height": "big"},\n  "gs://bkt/b.jpg": {"width": -5, "height": 4}\n}\n');
    const doc = await vscode.workspace.openTextDocument(data());
    await vscode.window.showTextDocument(doc);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const seen = await waitForDiagnostics(sidecar(), (ds) => ds.length > 0);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const r = cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'validate', '--output', 'json', data().fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const cli = (JSON.parse(r.stdout) as { files: { path: string; diagnostics: { line: number; severity: string; code: string; message: string }[] }[] }).files.find((f) => f.path.endsWith('.media.json'));
    assert.ok(cli, r.stdout);
    const show = (line: number, severity: string, code: string | undefined, message: string) => `${line} ${severity} ${code} ${message}`;
    assert.deepEqual(
      seen.map((d) => show(d.range.start.line + 1, d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : String(d.severity), codeOf(d), d.message)),
      cli.diagnostics.map((d) => show(d.line, d.severity, d.code, d.message)),
    );
    fs.writeFileSync(sidecar().fsPath, '{"gs://bkt/a.jpg": {"width": 640, "height": 480}}\n');
    await waitForDiagnostics(sidecar(), (ds) => ds.length === 0);
    assert.ok(!ourDiagnostics(doc.uri).some((d) => codeOf(d) === 'sidecar.invalid'));
  });

  it('are reported for a closed import file validated from disk ("Validate Workspace Import Files")', async () => {
    // Files never opened in this session: only the disk validation reads them.
    const closed = workspaceFile('closed-sized.jsonl');
    const closedSidecar = workspaceFile('closed-sized.jsonl.media.json');
    fs.writeFileSync(closed.fsPath, fs.readFileSync(data().fsPath));
    fs.writeFileSync(closedSidecar.fsPath, '{"gs://bkt/a.jpg": {"width": 0, "height": 480}}\n');
    try {
      await vscode.commands.executeCommand('vertexDatasets.validateWorkspace');
      const ds = await waitForDiagnostics(closedSidecar, (x) => x.length === 1);
      assert.equal(codeOf(ds[0]), 'sidecar.invalid');
    } finally {
      for (const f of [closed, closedSidecar]) fs.rmSync(f.fsPath, { force: true });
    }
  });

  it('go when the import file using the sidecar is closed, as a closed file\'s problems do, and come back when it is reopened', async () => {
    fs.writeFileSync(data().fsPath, JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', boundingBoxAnnotations: [{ displayName: 'car', xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] }) + '\n');
    fs.writeFileSync(sidecar().fsPath, '{"gs://bkt/a.jpg": {"width": 640, "height": "big"}}\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    let doc = await vscode.workspace.openTextDocument(data());
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(sidecar(), (ds) => ds.length === 1 && codeOf(ds[0]) === 'sidecar.invalid');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitForDiagnostics(doc.uri, (ds) => ds.length === 0);
    await waitForDiagnostics(sidecar(), (ds) => ds.length === 0);
    doc = await vscode.workspace.openTextDocument(data());
    await vscode.window.showTextDocument(doc);
    const back = await waitForDiagnostics(sidecar(), (ds) => ds.length === 1);
    assert.equal(codeOf(back[0]), 'sidecar.invalid');
  });
});
