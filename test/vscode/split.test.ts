import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from '../../src/extension/api';
import type { ReviewContext, SplitChoices, SplitUi, WizardContext } from '../../src/extension/split/ui';
import type { SplitReport } from '../../src/core/split';
import { activateExtension, codeOf, waitForDiagnostics, workspaceFile } from './util';

const ML = 'aiplatform.googleapis.com/ml_use';

/** Answers the wizard with fixed choices and records what the review step was shown. */
class ScriptedUi implements SplitUi {
  reviewed?: { report: SplitReport; text: string; ctx: ReviewContext };
  constructor(
    private readonly choices: SplitChoices,
    private readonly answer: 'document' | 'files',
  ) {}
  chosenWith?: WizardContext;
  async choose(ctx: WizardContext): Promise<SplitChoices> {
    this.chosenWith = ctx;
    return this.choices;
  }
  async review(report: SplitReport, text: string, ctx: ReviewContext): Promise<'document' | 'files'> {
    this.reviewed = { report, text, ctx };
    return this.answer;
  }
}

function waitForChange(doc: vscode.TextDocument, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no change to ${doc.uri.fsPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

function dataset(name: string, n: number): { uri: vscode.Uri; text: string } {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 3}` } }));
  const text = lines.join('\n') + '\n';
  const uri = workspaceFile(name);
  fs.writeFileSync(uri.fsPath, text);
  return { uri, text };
}

describe('Split Dataset…', () => {
  let api: VertexDatasetsApi;
  before(async () => {
    api = await activateExtension<VertexDatasetsApi>();
  });

  it('shows counts per split and label, applies one undoable edit to the open document', async () => {
    const { uri, text } = dataset('split-doc.jsonl', 30);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ui = new ScriptedUi({ strategy: 'stratified', fractions: '0.8,0.1,0.1', seed: 4 }, 'document');
    const changed = waitForChange(doc);
    const result = await api.splitDataset(ui, uri);
    await changed;
    assert.equal(result?.applied, 'document');
    assert.ok(ui.reviewed?.ctx.canApplyToDocument);
    assert.deepEqual(ui.reviewed?.report.counts, [24, 3, 3]);
    assert.match(ui.reviewed!.text, /^l0\s+8\s+1\s+1$/m);
    const lines = doc.getText().trim().split('\n');
    const counts: Record<string, number> = {};
    for (const l of lines) {
      const use = JSON.parse(l).dataItemResourceLabels[ML] as string;
      counts[use] = (counts[use] ?? 0) + 1;
    }
    assert.deepEqual(counts, { training: 24, validation: 3, test: 3 });
    assert.ok(doc.isDirty);
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), text, 'nothing is written to disk until the user saves');
    // One undo restores the whole file: the split was a single edit.
    const undone = waitForChange(doc);
    await vscode.commands.executeCommand('undo');
    await undone;
    assert.equal(doc.getText(), text);
  });

  it('writes one new file per split when asked, leaving the document alone', async () => {
    const { uri, text } = dataset('split-files.jsonl', 20);
    const ui = new ScriptedUi({ strategy: 'random', fractions: '0.5,0.25,0.25', seed: 2 }, 'files');
    const result = await api.splitDataset(ui, uri);
    assert.equal(result?.applied, 'files');
    const names = ['training', 'validation', 'test'].map((s) => workspaceFile(`split-files.${s}.jsonl`).fsPath);
    assert.deepEqual(result?.files, names);
    assert.deepEqual(ui.reviewed?.ctx.newFiles, names);
    const sizes = names.map((f) => fs.readFileSync(f, 'utf8').trim().split('\n'));
    assert.deepEqual(sizes.map((l) => l.length), [10, 5, 5]);
    sizes.forEach((lines, i) => {
      for (const l of lines) assert.equal(JSON.parse(l).dataItemResourceLabels[ML], ['training', 'validation', 'test'][i]);
    });
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), text);
  });
  it('an inline-text CSV offers no columns (its first row is data) and gets ml_use as its first column; a tabular CSV offers its header', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `"review ${i}, in words",${i % 2 ? 'pos' : 'neg'}`);
    const uri = workspaceFile('split-texts.csv');
    fs.writeFileSync(uri.fsPath, texts.join('\n') + '\n');
    let ui = new ScriptedUi({ strategy: 'group', fractions: '0.8,0.1,0.1', seed: 1 }, 'files');
    let result = await api.splitDataset(ui, uri);
    assert.deepEqual(ui.chosenWith?.columns, []);
    assert.equal(result?.applied, 'files');
    const written = result!.files.flatMap((f) => fs.readFileSync(f, 'utf8').trim().split('\n'));
    assert.deepEqual(written.map((l) => l.slice(l.indexOf(',') + 1)).sort(), texts.slice().sort());
    const table = workspaceFile('split-table.csv');
    fs.writeFileSync(table.fsPath, 'id,user,label\n' + Array.from({ length: 10 }, (_, i) => `${i},u${i % 3},l${i % 2}`).join('\n') + '\n');
    ui = new ScriptedUi({ strategy: 'random', fractions: '0.8,0.1,0.1', seed: 1 }, 'files');
    result = await api.splitDataset(ui, table);
    assert.deepEqual(ui.chosenWith?.columns, ['id', 'user', 'label']);
  });

  it('the preview points to the Problems view and "Validate Import File", not to the command line', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 2}` } }));
    lines.splice(2, 0, '{ "imageGcsUri": "gs://b/broken.jpg", ');
    const uri = workspaceFile('split-advice.jsonl');
    fs.writeFileSync(uri.fsPath, lines.join('\n') + '\n');
    const ui = new ScriptedUi({ strategy: 'group', fractions: '0.5,0.25,0.25', seed: 1, by: 'dataItemResourceLabels.user' }, 'files');
    // A group key no item has is refused; the refusal names what the user entered, not a CLI option.
    await assert.rejects(api.splitDataset(ui, uri), (e: Error) => /the group field you entered/.test(e.message) && !/--by|vertex-datasets/.test(e.message));
    // Fractions typed in the wizard that are not numbers: the example is what to type there, not a CLI option.
    await assert.rejects(api.splitDataset(new ScriptedUi({ strategy: 'random', fractions: 'a,b,c', seed: 1 }, 'files'), uri), (e: Error) => /expected e\.g\. 0\.8,0\.1,0\.1$/.test(e.message));
    const ui2 = new ScriptedUi({ strategy: 'random', fractions: '0.5,0.25,0.25', seed: 1 }, 'files');
    const result = await api.splitDataset(ui2, uri);
    assert.equal(result?.applied, 'files');
    const text = ui2.reviewed!.text;
    assert.match(text, /^note: line is not valid JSON; it was left unchanged \(the Problems view shows why; for a file that is not open, run "Validate Import File"\) \(1 record, first: record 3\)$/m);
    assert.doesNotMatch(text, /vertex-datasets validate/);
    // The advice holds: the split opened the file, and the Problems view has the line's error.
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'jsonl.syntax'));
    assert.equal(ds.find((x) => codeOf(x) === 'jsonl.syntax')!.range.start.line, 2);
  });
});
