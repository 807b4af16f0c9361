import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from '../../src/extension/api';
import { activateExtension, codeOf, errorsOf, openFixture, waitForDiagnostics, waitForReport, type TestApi } from './util';

// Runs only in the Restricted Mode session (scripts/host/run-tests.mjs --session restricted).
describe('Restricted Mode @restricted', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });

  it('opens the workspace untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still validates, hovers and offers quick fixes (they edit the open document only)', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 3);
    const ds = errorsOf(await waitForDiagnostics(doc.uri, (x) => errorsOf(x).length === 3));
    assert.deepEqual(ds.map(codeOf), ['mlUse.invalid', 'mlUse.invalid', 'mlUse.missingPrefix']);
    const col = doc.lineAt(0).text.indexOf('imageGcsUri') + 3;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, col));
    assert.ok(hovers.length > 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, ds[0].range);
    assert.ok(actions.some((a) => a.title === 'Change to "training"'), actions.map((a) => a.title).join(' | '));
    assert.match(api.statusBarText() ?? '', /Image classification \(single-label\) · 4 items/);
  });

  it('keeps everything that reaches Google Cloud or writes files off, with welcome content saying why', async () => {
    const full = await activateExtension<VertexDatasetsApi>();
    const status = full.cloud.status();
    assert.equal(status.state, 'untrusted');
    assert.match(status.detail ?? '', /trusted workspace/);
    assert.deepEqual(await full.cloud.datasets.getChildren(), []);
    assert.equal(full.cloud.connected(), false);
    assert.equal(full.cloud.sdkLoaded(), false);
    const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'vertex-datasets')?.packageJSON as {
      contributes: { commands: { command: string; enablement?: string }[]; viewsWelcome: { view: string; when: string }[] };
    };
    for (const id of ['vertexDatasets.importToVertex', 'vertexDatasets.splitDataset', 'vertexDatasets.datasets.refresh', 'vertexDatasets.training.train', 'vertexDatasets.versions.restore']) {
      assert.equal(manifest.contributes.commands.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', id);
    }
    for (const view of ['vertexDatasets.datasets', 'vertexDatasets.trainingPipelines', 'vertexDatasets.labelingJobs']) {
      assert.ok(manifest.contributes.viewsWelcome.some((w) => w.view === view && w.when === 'vertexDatasets.cloudState == untrusted'), view);
    }
  });
});
