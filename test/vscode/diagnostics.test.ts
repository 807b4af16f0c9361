import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, revertAll, codeOf, errorsOf, ourDiagnostics, openFixture, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

describe('live diagnostics', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await revertAll();
  });

  it('leaves unrelated JSON Lines files alone (no media keys, no findings)', async () => {
    const { document: doc } = await openFixture('unrelated.jsonl');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.format, undefined);
    assert.deepEqual(ourDiagnostics(doc.uri), []);
  });

  it('shows format, items, errors and warnings in the status bar', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    // 3 line errors; 5 dataset warnings (too few items per label, empty splits), as the CLI reports.
    assert.equal(api.statusBarText(), '$(database) Image classification (single-label) · 4 items · $(error) 3 $(warning) 3');
  });

  it('re-validates after an edit from the first changed line, keeping findings above it', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending && x.errors === 3);
    // Fix line 3's "Train" by hand: only lines 3.. are re-validated; line 2's finding is kept.
    const line3 = doc.lineAt(2).text;
    const start = line3.indexOf('"Train"');
    await editor.edit((e) => e.replace(new vscode.Range(2, start, 2, start + 7), '"training"'));
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
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

  it('after line inserts, deletes and multi-line pastes, the incremental findings equal a full run', async () => {
    const editor = await openFixture('incremental.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    const bad = '{"imageGcsUri": "gs://my-bucket/new.jpg", "classificationAnnotation": {"displayName": "cat"}, "dataItemResourceLabels": {"aiplatform.googleapis.com/ml_use": "tst"}}';
    const snapshot = () => ourDiagnostics(doc.uri).map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${codeOf(d)}`).sort();
    const steps: ((e: vscode.TextEditorEdit) => void)[] = [
      (e) => e.insert(new vscode.Position(0, 0), `${bad}\n${bad}\n`),
      (e) => e.delete(new vscode.Range(3, 0, 4, 0)),
      (e) => e.replace(new vscode.Range(1, 10, 2, 20), 'broken\n{"imageGcsUri": "gs://x'),
      (e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), `${bad}\n\n${bad}\n`),
    ];
    for (const step of steps) {
      await editor.edit(step);
      const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
      assert.equal(r.incremental, true, 'expected an incremental run');
      const incremental = snapshot();
      const full = await vscode.commands.executeCommand<{ items: number }>('vertexDatasets.validateFile', doc.uri);
      assert.deepEqual(snapshot(), incremental, 'a full run found something else');
      assert.equal(r.items, full.items);
    }
  });

  it('vertexDatasets.strict makes training-only findings errors when set, and warnings again when cleared', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    const settledNow = (x: { version: number; datasetPending: boolean }) => x.version === doc.version && !x.datasetPending;
    let r = await waitForReport(api, doc.uri, (x) => settledNow(x) && x.errors === 3 && x.warnings === 3);
    const TRAINING_ONLY = ['label.tooFewItems', 'split.empty', 'split.missingLabel'];
    const trainingOnly = () => ourDiagnostics(doc.uri).filter((d) => TRAINING_ONLY.includes(codeOf(d) ?? ''));
    // Lines 2-4 have line errors, so the dataset is line 1 alone: "cat" on 1 image, no validation or test items.
    assert.equal(trainingOnly().length, 3);
    assert.ok(trainingOnly().every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
    const config = vscode.workspace.getConfiguration('vertexDatasets', doc.uri);
    assert.equal(config.inspect('strict')?.defaultValue, false);
    await config.update('strict', true, vscode.ConfigurationTarget.Workspace);
    try {
      // The 3 dataset warnings become errors; the 3 line errors are errors either way.
      r = await waitForReport(api, doc.uri, (x) => settledNow(x) && x.errors === 6);
      assert.equal(r.warnings, 0);
      assert.ok(trainingOnly().every((d) => d.severity === vscode.DiagnosticSeverity.Error));
      assert.deepEqual(errorsOf(ourDiagnostics(doc.uri)).filter((d) => !TRAINING_ONLY.includes(codeOf(d) ?? '')).map(codeOf), ['mlUse.invalid', 'mlUse.invalid', 'mlUse.missingPrefix']);
      assert.match(api.statusBarText() ?? '', /\$\(error\) 6 \$\(warning\) 0/);
    } finally {
      await config.update('strict', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForReport(api, doc.uri, (x) => settledNow(x) && x.errors === 3 && x.warnings === 3);
    assert.ok(trainingOnly().every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
  });

  it('counts problems over vertexDatasets.maxProblems in the status bar, listing only up to the limit', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    const settledNow = (x: { version: number; datasetPending: boolean }) => x.version === doc.version && !x.datasetPending;
    await waitForReport(api, doc.uri, (x) => settledNow(x) && x.errors === 3 && x.warnings === 3);
    const config = vscode.workspace.getConfiguration('vertexDatasets', doc.uri);
    await config.update('maxProblems', 1, vscode.ConfigurationTarget.Workspace);
    try {
      // One line error listed, two counted only; the dataset warnings are listed as before.
      const r = await waitForReport(api, doc.uri, (x) => settledNow(x) && x.unlisted !== undefined);
      assert.deepEqual(r.unlisted, { errors: 2, warnings: 0 });
      assert.equal(r.errors, 3);
      assert.equal(r.warnings, 3);
      const listed = ourDiagnostics(doc.uri);
      assert.equal(errorsOf(listed).length, 1);
      assert.match(listed.find((d) => codeOf(d) === 'report.truncated')?.message ?? '', /^2 more problems were not listed \(limit 1\)\.$/);
      assert.equal(api.statusBarText(), '$(database) Image classification (single-label) · 4 items · $(error) 3 $(warning) 3');
    } finally {
      await config.update('maxProblems', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const r = await waitForReport(api, doc.uri, (x) => settledNow(x) && x.unlisted === undefined && x.errors === 3);
    assert.equal(errorsOf(ourDiagnostics(doc.uri)).length, 3);
    assert.equal(r.warnings, 3);
  });

  it('drops stale runs: a burst of edits publishes only for the final version', async () => {
    const editor = await openFixture('broken.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending && x.errors === 1);
    const seen: number[] = [];
    const sub = api.onDidValidate((r) => {
      if (r.uri.toString() === doc.uri.toString()) seen.push(r.version);
    });
    try {
      const end = doc.lineAt(2).text.length;
      await editor.edit((e) => e.insert(new vscode.Position(2, end), '}'));
      await editor.edit((e) => e.insert(new vscode.Position(2, end + 1), '}'));
      const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
      assert.equal(r.errors, 0);
      assert.deepEqual(errorsOf(ourDiagnostics(doc.uri)), []);
      // Published once with line findings, once more with dataset findings: both for the last version only.
      assert.deepEqual([...new Set(seen)], [doc.version], 'only the last version is published');
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
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending && x.source === undefined);
    assert.equal(r.format, undefined);
  });

  it('"Validate Workspace Import Files" validates closed files from disk, honouring the mappings', async () => {
    await closeAllEditors();
    const summary = await vscode.commands.executeCommand<{ files: number; importFiles: number; errors: number; cancelled: boolean }>('vertexDatasets.validateWorkspace');
    assert.equal(summary.cancelled, false);
    assert.ok(summary.importFiles >= 5 && summary.errors > 0, JSON.stringify(summary));
    const codes = (name: string) => ourDiagnostics(workspaceFile(...name.split('/'))).map(codeOf);
    assert.ok(codes('boxes.jsonl').includes('box.minMax'), codes('boxes.jsonl').join(', '));
    assert.ok(codes('images.csv').includes('mlUse.invalid'));
    assert.ok(codes('mapped/events.jsonl').includes('schema.required'), 'the vertexDatasets.formats mapping applies to closed files');
    assert.deepEqual(codes('unrelated.jsonl'), []);
    assert.deepEqual(codes('people.csv'), []);
    assert.ok(codes('tinybox.jsonl').includes('box.tooSmallPx'), `the disk worker reads the media sidecar: ${codes('tinybox.jsonl').join(', ')}`);
  });

  it('validates a file with a sidecar name.schema.json as a custom dataset, as the CLI does', async () => {
    const { document: doc } = await openFixture('custom', 'textures.jsonl');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.format, 'custom');
    const ds = errorsOf(ourDiagnostics(doc.uri));
    assert.equal(ds.length, 6);
    assert.ok(ds.every((d) => d.range.start.line === 2 && codeOf(d) === 'schema.required'));
  });

  it('clears the findings when the document is closed', async () => {
    const uri = workspaceFile('boxes.jsonl');
    await openFixture('boxes.jsonl');
    await waitForDiagnostics(uri, (x) => errorsOf(x).length === 2);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitForDiagnostics(uri, (x) => x.length === 0, 30_000);
  });
});
