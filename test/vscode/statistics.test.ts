import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RenderedEvent } from '../../src/extension/statsView';
import { activateExtension, closeAllEditors, openFixture, screenshot, settled, waitForReport, type TestApi } from './util';

function nextRender(api: TestApi, uri: vscode.Uri, accept: (e: RenderedEvent) => boolean, timeoutMs = 30_000): Promise<RenderedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the statistics view did not render within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = api.onDidRenderStatistics((e) => {
      if (e.uri.toString() !== uri.toString() || !accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

describe('statistics view', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await closeAllEditors();
  });

  it('draws the core statistics (labels, split x label) and updates as the file changes', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    const report = await waitForReport(api, doc.uri, settled(doc));
    const stats = report.stats!;
    assert.ok(stats, 'dataset statistics expected');
    const rendered = nextRender(api, doc.uri, () => true);
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    const first = await rendered;
    assert.deepEqual(first.charts.labels.names, stats.labels.map((l) => l.name));
    assert.deepEqual(first.charts.labels.items, stats.labels.map((l) => l.items));
    assert.deepEqual(first.charts.splits.training, stats.labels.map((l) => l.splits.training));
    assert.deepEqual(first.charts.splits.unassigned, stats.labels.map((l) => l.splits.unassigned));
    assert.deepEqual(first.charts.labels.names, ['cat', 'dog']);
    assert.deepEqual(first.charts.labels.items, [3, 1]);

    const png = await screenshot('statistics-view');
    if (png) assert.ok(fs.statSync(png).size > 10_000, 'the screenshot should not be empty');

    // A new "dog" line: the view redraws with the new counts (the view stays visible beside the editor).
    await vscode.commands.executeCommand('vertexDatasets.showStatistics', doc.uri);
    const updated = nextRender(api, doc.uri, (e) => e.charts.labels.items.join() === '3,2');
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n{"imageGcsUri": "gs://my-bucket/images/dog-009.jpg", "classificationAnnotation": {"displayName": "dog"}}'));
    const after = await updated;
    const r2 = await waitForReport(api, doc.uri, settled(doc));
    assert.deepEqual(after.charts.labels.items, r2.stats!.labels.map((l) => l.items));
  });
});
