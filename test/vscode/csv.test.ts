import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, codeOf, ourDiagnostics, openFixture, waitForDiagnostics, waitForReport, type TestApi } from './util';

describe('CSV import files', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
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

  it('leaves a plain table alone until the user chooses the tabular format', async () => {
    const { document: doc } = await openFixture('people.csv');
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.format, undefined);
    assert.deepEqual(ourDiagnostics(doc.uri), []);
    await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'tabular');
    try {
      const ds = await waitForDiagnostics(doc.uri, (x) => x.length > 0);
      assert.ok(ds.some((d) => codeOf(d)?.startsWith('tabular.')), ds.map(codeOf).join(', '));
    } finally {
      await vscode.commands.executeCommand('vertexDatasets.selectFormat', doc.uri, 'auto');
    }
    await waitForDiagnostics(doc.uri, (x) => x.length === 0);
  });
});
