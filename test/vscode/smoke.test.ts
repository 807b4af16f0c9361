import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, codeOf, waitForDiagnostics, workspaceFile } from './util';

describe('smoke', () => {
  it('activates in a real VS Code extension host', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'the extension should be active after activate()');
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('puts a jsonl.syntax diagnostic on the broken line of a .jsonl file', async () => {
    const uri = workspaceFile('broken.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'jsonl');
    const diagnostics = await waitForDiagnostics(uri, (ds) => ds.some((d) => codeOf(d) === 'jsonl.syntax'));
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const [d] = errors;
    assert.equal(d.source, 'vertex-datasets');
    assert.equal(codeOf(d), 'jsonl.syntax');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    // The core's range (line 3, columns 102-103, 1-based, end exclusive) arrives 0-based.
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [2, 101, 2, 102]);
    assert.match(d.message, /expected "}"/);
  });
});

describe('walkthrough', () => {
  it('"Open Example Import File" opens the broken example as an untitled JSONL copy with findings', async () => {
    await activateExtension();
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('vertexDatasets.openExample');
    const doc = editor.document;
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'jsonl');
    const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'legacy.boundingBox'));
    assert.ok(ds.some((d) => codeOf(d) === 'mlUse.invalid'));
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { walkthroughs: { steps: unknown[] }[] } };
    assert.equal(manifest.contributes.walkthroughs[0].steps.length, 3);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
