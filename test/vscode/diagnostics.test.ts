import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, codeOf, errorsOf, ourDiagnostics, openFixture, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

describe('live diagnostics', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('leaves unrelated JSON Lines files alone (no media keys, no findings)', async () => {
    const { document: doc } = await openFixture('unrelated.jsonl');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version);
    assert.equal(r.format, undefined);
    assert.deepEqual(ourDiagnostics(doc.uri), []);
  });

  it('shows format, items, errors and warnings in the status bar', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (x) => x.version === doc.version);
    // 3 line errors; 5 dataset warnings (too few items per label, empty splits), as the CLI reports.
    assert.equal(api.statusBarText(), '$(database) Image classification (single-label) · 4 items · $(error) 3 $(warning) 5');
  });

  it('re-validates after an edit from the first changed line, keeping findings above it', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && x.errors === 3);
    // Fix line 3's "Train" by hand: only lines 3.. are re-validated; line 2's finding is kept.
    const line3 = doc.lineAt(2).text;
    const start = line3.indexOf('"Train"');
    await editor.edit((e) => e.replace(new vscode.Range(2, start, 2, start + 7), '"training"'));
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version);
    assert.equal(r.incremental, true);
    assert.equal(r.fromLine, 3);
    assert.equal(r.items, 4);
    const ds = errorsOf(ourDiagnostics(doc.uri));
    assert.deepEqual(ds.map((d) => [d.range.start.line + 1, codeOf(d)]), [[2, 'mlUse.invalid'], [4, 'mlUse.missingPrefix']]);
    // Dataset findings are recomputed from all items' facts: "dog" is still on one image.
    assert.ok(ourDiagnostics(doc.uri).some((d) => codeOf(d) === 'label.tooFewItems' && d.message.includes('"dog"')));
    // Line 2's range is unchanged (the core's columns 169-176 → 0-based 168-175).
    assert.deepEqual([ds[0].range.start.character, ds[0].range.end.character], [168, 175]);
  });

  it('drops stale runs: a burst of edits publishes only for the final version', async () => {
    const editor = await openFixture('broken.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && x.errors === 1);
    const seen: number[] = [];
    const sub = api.onDidValidate((r) => {
      if (r.uri.toString() === doc.uri.toString()) seen.push(r.version);
    });
    try {
      const end = doc.lineAt(2).text.length;
      await editor.edit((e) => e.insert(new vscode.Position(2, end), '}'));
      await editor.edit((e) => e.insert(new vscode.Position(2, end + 1), '}'));
      const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version);
      assert.equal(r.errors, 0);
      assert.deepEqual(errorsOf(ourDiagnostics(doc.uri)), []);
      assert.deepEqual(seen, [doc.version], 'only the last version is published');
    } finally {
      sub.dispose();
    }
  });

  it('validates any file the user maps with vertexDatasets.formats, and re-runs when the setting changes', async () => {
    const { document: doc } = await openFixture('mapped', 'events.jsonl');
    const ds = await waitForDiagnostics(doc.uri, (x) => x.length > 0);
    assert.ok(ds.some((d) => codeOf(d) === 'schema.required'), JSON.stringify(ds.map(codeOf)));
    const config = vscode.workspace.getConfiguration('vertexDatasets', doc.uri);
    await config.update('formats', {}, vscode.ConfigurationTarget.Workspace);
    try {
      await waitForDiagnostics(doc.uri, (x) => x.length === 0);
    } finally {
      await config.update('formats', { 'mapped/**/*.jsonl': 'image-classification-single-label' }, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(doc.uri, (x) => x.length > 0);
  });

  it('honours the per-file format choice (including "not an import file") and remembers it', async () => {
    const { document: doc } = await openFixture('unrelated.jsonl');
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'text-classification-single-label');
    const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'text.source'));
    assert.equal(api.report(doc.uri)?.source, 'choice');
    assert.ok(ds.length >= 2);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'none');
    await waitForDiagnostics(doc.uri, (x) => x.length === 0);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'auto');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && x.source === undefined);
    assert.equal(r.format, undefined);
  });

  it('clears the findings when the document is closed', async () => {
    const uri = workspaceFile('boxes.jsonl');
    await openFixture('boxes.jsonl');
    await waitForDiagnostics(uri, (x) => errorsOf(x).length === 2);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitForDiagnostics(uri, (x) => x.length === 0, 30_000);
  });
});
