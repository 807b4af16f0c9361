import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, revertAll, codeOf, ourDiagnostics, openFixture, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

describe('CSV import files', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await revertAll();
  });

  it('validates an image CSV detected from its gs:// rows, with the core ranges', async () => {
    const { document: doc } = await openFixture('images.csv');
    assert.equal(doc.languageId, 'csv');
    const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'mlUse.invalid'));
    const d = ds.find((x) => codeOf(x) === 'mlUse.invalid')!;
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [1, 0, 4]);
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.format, 'image-classification-single-label');
    assert.equal(r.items, 3);
  });

  it('the format advice names the editor\'s command and setting, not the command line\'s --format', async () => {
    const { document: doc } = await openFixture('images.csv');
    const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'format.ambiguous'));
    const d = ds.find((x) => codeOf(x) === 'format.ambiguous')!;
    assert.match(d.message, /Choose one with "Choose Import Format for This File" \(or the vertexDatasets\.formats setting\)\.$/);
    assert.doesNotMatch(d.message, /--format/);
    // The command it names is the one the editor offers.
    const commands = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { title: string }[] } }).contributes.commands;
    assert.ok(commands.some((c) => c.title === 'Choose Import Format for This File'));
  });

  it('JSONL too: the format advice names the editor\'s command and setting, not "CLI --format, editor status bar"', async () => {
    const uri = workspaceFile('ambiguous-images.jsonl');
    fs.writeFileSync(uri.fsPath, '{"imageGcsUri":"gs://my-bucket/a.jpg"}\n{"imageGcsUri":"gs://my-bucket/b.jpg"}\n');
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'format.ambiguous'));
      const d = ds.find((x) => codeOf(x) === 'format.ambiguous')!;
      assert.match(d.message, /Choose one with "Choose Import Format for This File" \(or the vertexDatasets\.formats setting\)\.$/);
      assert.doesNotMatch(d.message, /--format|CLI|status bar/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(uri.fsPath, { force: true });
    }
  });

  it('completes ml_use values and used labels in their columns; hover shows the column and the gs:// parts', async () => {
    const editor = await openFixture('images.csv');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), 'validation,gs://my-bucket/d.jpg,\n'));
    const line = doc.lineCount - 2;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    const names = async (pos: vscode.Position) =>
      (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos)).items
        .filter((i) => i.kind === vscode.CompletionItemKind.Value || i.kind === vscode.CompletionItemKind.EnumMember)
        .sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
        .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    // "dog" is only on row 2, whose ml_use "tset" is an error: Vertex drops that row, so the dataset has no "dog".
    assert.deepEqual(await names(new vscode.Position(line, doc.lineAt(line).text.length)), ['cat']);
    assert.deepEqual(await names(new vscode.Position(line, 2)), ['training', 'validation', 'test']);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 15));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Column 2/);
    assert.match(text, /bucket: `my-bucket`/);
  });

  it('leaves a plain table alone until the user chooses the tabular format', async () => {
    const { document: doc } = await openFixture('people.csv');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.format, undefined);
    assert.deepEqual(ourDiagnostics(doc.uri), []);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'tabular');
    try {
      const ds = await waitForDiagnostics(doc.uri, (x) => x.length > 0);
      assert.ok(ds.some((d) => codeOf(d)?.startsWith('tabular.')), ds.map(codeOf).join(', '));
      // The advice names the editor's setting, not the command line's --target.
      const unset = ds.find((d) => codeOf(d) === 'tabular.target.unset');
      assert.match(unset?.message ?? '', /Name it with the vertexDatasets\.tabular\.target setting\.$/);
    } finally {
      await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'auto');
    }
    await waitForDiagnostics(doc.uri, (x) => x.length === 0);
  });

  it('vertexDatasets.tabular.target makes a plain table a tabular source and underlines a null in the target column', async () => {
    const { document: doc } = await openFixture('tabular', 'churn.csv');
    const before = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(before.format, undefined);
    assert.deepEqual(ourDiagnostics(doc.uri), []);
    const config = vscode.workspace.getConfiguration('vertexDatasets', doc.uri);
    await config.update('tabular.target', 'label', vscode.ConfigurationTarget.Workspace);
    try {
      const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'tabular.target.null'));
      const d = ds.find((x) => codeOf(x) === 'tabular.target.null')!;
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      // Line 3 is `c2,51,pro,`: the empty label cell after the last comma.
      assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [2, 10, 2, 11]);
      assert.match(d.message, /target column 'label' is empty/);
      const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending && x.format === 'tabular');
      assert.ok(r.errors >= 1);
      // Hover names a data cell's column from the header and its role from the settings.
      const hover = async (line: number, character: number) =>
        (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, character)))
          .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
          .join('\n');
      assert.match(await hover(1, 14), /\*\*Column 4\*\* \(`label`\): The target column \(vertexDatasets\.tabular\.target\)/);
      assert.match(await hover(3, 4), /\*\*Column 2\*\* \(`age`\): A feature column\./);
      assert.match(await hover(0, 2), /\*\*Column 1\*\*: Column name: letters, digits and underscores/);
      // A weight setting naming a column the file lacks is reported on the header.
      await config.update('tabular.weight', 'w', vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(doc.uri, (x) => x.some((x2) => codeOf(x2) === 'tabular.weight.missing') && x.some((x2) => codeOf(x2) === 'tabular.target.null'));
    } finally {
      await config.update('tabular.weight', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('tabular.target', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(doc.uri, (x) => x.length === 0);
  });

  it('completes training, validation and test in the split column named by vertexDatasets.tabular.splitColumn', async () => {
    const file = workspaceFile('tabular-split.csv');
    fs.writeFileSync(file.fsPath, 'x,y,split\n1,a,training\n2,b,\n');
    const config = vscode.workspace.getConfiguration('vertexDatasets', file);
    try {
      await config.update('tabular.target', 'y', vscode.ConfigurationTarget.Workspace);
      await config.update('tabular.splitColumn', 'split', vscode.ConfigurationTarget.Workspace);
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending && x.format === 'tabular');
      const values = async (pos: vscode.Position) =>
        (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos)).items
          .filter((i) => i.kind === vscode.CompletionItemKind.EnumMember)
          .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.deepEqual(await values(new vscode.Position(2, doc.lineAt(2).text.length)), ['training', 'validation', 'test']);
      assert.deepEqual(await values(new vscode.Position(2, 0)), []);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await config.update('tabular.splitColumn', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('tabular.target', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('too few tabular rows is a warning, an error with vertexDatasets.strict, and gone at 1,000 rows', async () => {
    const editor = await openFixture('tabular', 'churn.csv');
    const doc = editor.document;
    const config = vscode.workspace.getConfiguration('vertexDatasets', doc.uri);
    const few = (x: readonly vscode.Diagnostic[]) => x.find((d) => codeOf(d) === 'tabular.rows.tooFew');
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `c${from + i},40,basic,stayed\n`).join('');
    await config.update('tabular.target', 'label', vscode.ConfigurationTarget.Workspace);
    try {
      let d = few(await waitForDiagnostics(doc.uri, (x) => few(x)?.message.endsWith('has 3.') === true))!;
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      // 3 + 996 = 999 data rows: one short of the minimum.
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), rows(4, 996)));
      d = few(await waitForDiagnostics(doc.uri, (x) => few(x)?.message.endsWith('has 999.') === true))!;
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(d.message, 'Vertex AI needs 1,000-100,000,000 data rows for tabular training; this source has 999.');
      await config.update('strict', true, vscode.ConfigurationTarget.Workspace);
      d = few(await waitForDiagnostics(doc.uri, (x) => few(x)?.severity === vscode.DiagnosticSeverity.Error))!;
      assert.equal(d.message, 'Vertex AI needs 1,000-100,000,000 data rows for tabular training; this source has 999.');
      assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [0, 0, 0, 23]);
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), rows(1000, 1)));
      // The null label on line 3 is still reported: the 1,000-row source was validated and has no row finding.
      await waitForDiagnostics(doc.uri, (x) => !few(x) && x.some((y) => codeOf(y) === 'tabular.target.null'));
    } finally {
      await config.update('strict', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('tabular.target', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
