import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from '../../src/extension/api';
import type { TreeNode } from '../../src/extension/cloud/datasetsTree';
import type { PickItem, WizardUi } from '../../src/extension/cloud/importWizard';
import { activateExtension, capturingErrors, workspaceFile } from './util';

/** Resolves on the next root load of the Datasets view, or rejects after `ms`. */
function nextLoad(api: VertexDatasetsApi, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the Datasets view did not load within ${ms} ms`));
    }, ms);
    const sub = api.cloud.datasets.onDidLoad(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** The root nodes once loaded (the first call shows a "Loading…" node and starts the load). */
async function loadedRoots(api: VertexDatasetsApi): Promise<TreeNode[]> {
  const loaded = nextLoad(api);
  const first = (await api.cloud.datasets.getChildren()) ?? [];
  if (first.length === 1 && first[0].id === 'loading') {
    await loaded;
    return (await api.cloud.datasets.getChildren()) ?? [];
  }
  return first;
}

function label(node: TreeNode): string {
  const l = node.getTreeItem().label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

describe('Vertex AI (local mode)', function () {
  this.timeout(120_000);
  let api: VertexDatasetsApi;

  before(async () => {
    api = await activateExtension<VertexDatasetsApi>();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('vertexDatasets').update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('activation neither connects nor loads the Google SDKs', () => {
    assert.equal(api.cloud.connected(), false);
    assert.equal(api.cloud.sdkLoaded(), false);
  });

  it('without a project or credentials the view is empty so its welcome content explains the fix', async () => {
    const saved = { ...process.env };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-no-gcloud-'));
    try {
      for (const k of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CLOUDSDK_CORE_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS', 'GCE_METADATA_HOST', 'K_SERVICE', 'CLOUD_SHELL']) delete process.env[k];
      process.env.CLOUDSDK_CONFIG = dir;
      await vscode.workspace.getConfiguration('vertexDatasets').update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
      const missingProject = api.cloud.status();
      assert.equal(missingProject.state, 'missingProject');
      assert.match(missingProject.detail ?? '', /gcloud config set project/);
      assert.deepEqual(await api.cloud.datasets.getChildren(), []);
      process.env.GOOGLE_CLOUD_PROJECT = 'my-project';
      const missingCredentials = api.cloud.status();
      assert.equal(missingCredentials.state, 'missingCredentials');
      assert.match(missingCredentials.detail ?? '', /gcloud auth application-default login/);
      assert.deepEqual(await api.cloud.datasets.getChildren(), []);
      assert.equal(api.cloud.connected(), false, 'nothing tried to connect');
    } finally {
      // Restore in place: replacing process.env would turn it into a plain object.
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreachable endpoint shows as an error node with a retry node, not a pop-up; it says to select Retry, as the view does not load again by itself', async () => {
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    await config.update('project', 'my-project', vscode.ConfigurationTarget.Workspace);
    await config.update('endpoint', '127.0.0.1:1', vscode.ConfigurationTarget.Workspace);
    try {
      assert.equal(api.cloud.status().state, 'ready', 'an emulator endpoint needs no Google credentials');
      const roots = await loadedRoots(api);
      assert.deepEqual(roots.map((n) => n.getTreeItem().contextValue), ['vertexError', 'vertexMessage']);
      assert.match(label(roots[0]), /^Could not load datasets: The Vertex AI service is temporarily unavailable \(.*\)\. Select Retry to try again\.$/);
      assert.doesNotMatch(label(roots[0]), /in a minute|retried with backoff/);
      assert.equal(roots[1].getTreeItem().command?.command, 'vertexDatasets.datasets.refresh');
      assert.equal(label(roots[1]), 'Retry');
    } finally {
      await config.update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('project', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('a command whose Vertex AI call fails says what the failure means and what to do, not the raw gRPC status line', async () => {
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    await config.update('project', 'my-project', vscode.ConfigurationTarget.Workspace);
    await config.update('endpoint', '127.0.0.1:1', vscode.ConfigurationTarget.Workspace);
    const shown: string[] = [];
    try {
      await capturingErrors(shown, () => vscode.commands.executeCommand('vertexDatasets.versions.restore', 'projects/my-project/locations/us-central1/datasets/1'));
    } finally {
      await config.update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('project', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.doesNotMatch(shown[0], /^Vertex Datasets: 14 UNAVAILABLE/);
    assert.match(shown[0], /^Vertex Datasets: The Vertex AI service is temporarily unavailable \(.*\)\. It was retried with backoff; try again in a minute\.$/);
  });

  it('the Datasets view shows the local server\'s datasets with counts, versions, annotation sets and labels', async () => {
    await vscode.workspace.getConfiguration('vertexDatasets').update('endpoint', 'local', vscode.ConfigurationTarget.Workspace);
    assert.equal(api.cloud.status().state, 'local');
    const roots = await loadedRoots(api);
    const names = roots.map(label);
    for (const n of ['flowers', 'product-reviews', 'street-scenes', 'churn']) assert.ok(names.includes(n), `missing ${n} in ${JSON.stringify(names)}`);
    assert.equal(api.cloud.sdkLoaded(), true, 'the first cloud use loads the SDKs');
    const flowers = roots.find((n) => label(n) === 'flowers') as TreeNode;
    const item = flowers.getTreeItem();
    assert.match(String(item.description), /^60 items · updated \d{4}-\d\d-\d\d$/);
    assert.equal(item.contextValue, 'vertexDataset.image');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'file-media');
    const churn = roots.find((n) => label(n) === 'churn') as TreeNode;
    assert.equal((churn.getTreeItem().iconPath as vscode.ThemeIcon).id, 'table');

    const groups = (await flowers.getChildren?.()) ?? [];
    assert.deepEqual(groups.map(label), ['Versions', 'Annotation sets', 'Labels']);
    const versions = (await groups[0].getChildren?.()) ?? [];
    assert.deepEqual(versions.map(label), ['baseline']);
    const sets = (await groups[1].getChildren?.()) ?? [];
    assert.equal(sets.length, 1);
    assert.match(label(sets[0]), /IMAGE_CLASSIFICATION_SINGLE_LABEL, 5 labels/);
    const labels = (await groups[2].getChildren?.()) ?? [];
    assert.deepEqual(labels.map((n) => [label(n), n.getTreeItem().description]), [['daisy', '12'], ['dandelion', '12'], ['roses', '12'], ['sunflowers', '12'], ['tulips', '12']]);
  });

  it('imports a file end to end and puts the row Vertex rejected on its line', async () => {
    const uri = workspaceFile('cloud', 'pets-partial.jsonl');
    const asked: string[] = [];
    const ui: WizardUi = {
      confirm: async (message) => {
        asked.push(`confirm: ${message}`);
        return true;
      },
      pick: async (title, items: PickItem[]) => {
        asked.push(`pick: ${title}`);
        return items.find((i) => i.value === 'new' || i.value === 'asIs');
      },
      input: async (title, _prompt, value) => {
        asked.push(`input: ${title} [${value}]`);
        return title === 'New dataset name' ? 'pets-e2e' : value;
      },
      notify: async (kind, message) => {
        asked.push(`${kind}: ${message}`);
        return undefined;
      },
    };
    const report = await api.cloud.importFile(uri, ui);
    assert.ok(report, JSON.stringify(asked));
    assert.equal(report.ok, true, JSON.stringify({ error: report.error, asked }));
    assert.ok(asked.includes('confirm: cloud/pets-partial.jsonl has 1 error. Import anyway?'), JSON.stringify(asked));
    assert.ok(asked.includes('pick: cloud/pets-partial.jsonl references 1 local media file (e.g. pets/3.jpg). Upload it?'), JSON.stringify(asked));
    assert.ok(asked.includes('pick: Import cloud/pets-partial.jsonl into which image dataset?'), JSON.stringify(asked));
    assert.ok(asked.includes('input: Upload to [gs://local-vertex-bucket]'), JSON.stringify(asked));
    assert.equal(report.dataset?.displayName, 'pets-e2e');
    assert.equal(report.dataset?.itemCount, 3);
    assert.equal(report.uploaded.length, 1);

    const fromImport = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vertex-ai-import');
    assert.equal(fromImport.length, 1, JSON.stringify(fromImport));
    assert.equal(fromImport[0].range.start.line, 2, 'line 3 of the file (0-based 2)');
    assert.equal(String(fromImport[0].code), 'import.rowFailed');
    assert.match(fromImport[0].message, /Vertex AI rejected this row: imageGcsUri 'pets\/3\.jpg' is not a Cloud Storage URI/);
    assert.ok(asked.some((a) => /^warning: Imported cloud\/pets-partial\.jsonl into pets-e2e: 3 data items now; Vertex AI rejected 1 row/.test(a)), JSON.stringify(asked));

    const roots = await loadedRoots(api);
    assert.ok(roots.map(label).includes('pets-e2e'), 'the view was refreshed with the new dataset');
  });
  it('uploads local media on request and imports a copy pointing at them', async () => {
    const uri = workspaceFile('cloud', 'local-media.jsonl');
    const original = (await vscode.workspace.openTextDocument(uri)).getText();
    const asked: string[] = [];
    const ui: WizardUi = {
      confirm: async (message) => {
        asked.push(`confirm: ${message}`);
        return false;
      },
      pick: async (title, items: PickItem[]) => {
        asked.push(`pick: ${title}`);
        return items.find((i) => i.value === 'new' || i.value === 'upload');
      },
      input: async (title, _prompt, value) => (title === 'New dataset name' ? 'media-e2e' : value),
      notify: async (kind, message) => {
        asked.push(`${kind}: ${message}`);
        return undefined;
      },
    };
    const report = await api.cloud.importFile(uri, ui);
    assert.ok(report?.ok, JSON.stringify({ report, asked }));
    assert.ok(!asked.some((a) => a.startsWith('confirm:')), 'no override needed once the media paths point to Cloud Storage');
    assert.deepEqual(report.mediaUploaded.map((u) => u.replace(/^gs:\/\/local-vertex-bucket\//, '')), ['media/photos/cat.jpg', 'media/photos/dog.jpg']);
    assert.equal(report.dataset?.itemCount, 2);
    assert.equal(report.failures.length, 0);
    assert.equal((await vscode.workspace.openTextDocument(uri)).getText(), original, 'the document is not modified');
  });
});


describe('Vertex AI view commands (local mode)', function () {
  this.timeout(120_000);
  let api: VertexDatasetsApi;
  const answers: { confirm?: boolean; pick?: string; inputs?: Record<string, string> } = {};
  const asked: string[] = [];
  const ui: WizardUi = {
    confirm: async (message) => {
      asked.push(`confirm: ${message}`);
      return answers.confirm ?? false;
    },
    pick: async (title, items) => {
      asked.push(`pick: ${title}`);
      return items.find((i) => i.value === answers.pick);
    },
    input: async (title, _prompt, value) => {
      asked.push(`input: ${title}`);
      return answers.inputs?.[title] ?? value;
    },
    notify: async (kind, message) => {
      asked.push(`${kind}: ${message}`);
      return undefined;
    },
  };

  before(async () => {
    api = await activateExtension<VertexDatasetsApi>();
    await vscode.workspace.getConfiguration('vertexDatasets').update('endpoint', 'local', vscode.ConfigurationTarget.Workspace);
    api.cloud.useUi(ui);
  });
  after(async () => {
    api.cloud.useUi(undefined);
    await vscode.workspace.getConfiguration('vertexDatasets').update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('filters by type on the server and by name on what is loaded', async () => {
    Object.assign(answers, { pick: 'image', inputs: { 'Filter by name': 'flow' } });
    const loaded = nextLoad(api);
    await vscode.commands.executeCommand('vertexDatasets.datasets.filter');
    await api.cloud.datasets.getChildren();
    await loaded;
    let roots = (await api.cloud.datasets.getChildren()) ?? [];
    assert.deepEqual(roots.map(label), ['flowers']);
    Object.assign(answers, { pick: 'all', inputs: { 'Filter by name': '' } });
    const reloaded = nextLoad(api);
    await vscode.commands.executeCommand('vertexDatasets.datasets.filter');
    await api.cloud.datasets.getChildren();
    await reloaded;
    roots = (await api.cloud.datasets.getChildren()) ?? [];
    assert.ok(roots.map(label).includes('churn'));
  });

  it('deletes a dataset only after confirmation', async () => {
    const roots = await loadedRoots(api);
    const street = roots.find((n) => label(n) === 'street-scenes');
    assert.ok(street);
    answers.confirm = false;
    assert.equal(await vscode.commands.executeCommand('vertexDatasets.datasets.delete', street), false);
    assert.ok(asked.includes('confirm: Delete dataset "street-scenes"?'));
    assert.ok((await loadedRoots(api)).map(label).includes('street-scenes'), 'declining keeps it');
    answers.confirm = true;
    assert.equal(await vscode.commands.executeCommand('vertexDatasets.datasets.delete', street), true);
    assert.ok(!(await loadedRoots(api)).map(label).includes('street-scenes'), 'confirming deletes it');
  });

  it('creates a tabular dataset from a BigQuery table', async () => {
    Object.assign(answers, { pick: 'bq', inputs: { 'BigQuery table': 'bq://local-project.crm.orders', 'New tabular dataset name': 'orders' } });
    await vscode.commands.executeCommand('vertexDatasets.datasets.createTabular');
    const roots = await loadedRoots(api);
    const orders = roots.find((n) => label(n) === 'orders');
    assert.ok(orders, JSON.stringify(roots.map(label)));
    assert.equal((orders.getTreeItem().iconPath as vscode.ThemeIcon).id, 'table');
  });
});
