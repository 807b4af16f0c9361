import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from '../../src/extension/api';
import type { TreeNode } from '../../src/extension/cloud/datasetsTree';
import type { PickItem, WizardUi } from '../../src/extension/cloud/importWizard';
import { activateExtension } from './util';

function label(node: TreeNode): string {
  const l = node.getTreeItem().label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

/** A WizardUi answering from a script keyed by prompt title; records every prompt. */
function scripted(answers: Record<string, string | boolean>): WizardUi & { asked: string[]; details: string[] } {
  const asked: string[] = [];
  const details: string[] = [];
  return {
    asked,
    details,
    pick: async (title: string, items: PickItem[]) => {
      asked.push(`pick: ${title}`);
      const want = answers[title];
      return items.find((i) => i.value === want || i.label === want);
    },
    input: async (title: string, _prompt: string, value: string, validate: (v: string) => string | undefined) => {
      asked.push(`input: ${title}`);
      const v = typeof answers[title] === 'string' ? (answers[title] as string) : value;
      const problem = validate(v);
      if (problem) throw new Error(`scripted answer "${v}" to "${title}" is invalid: ${problem}`);
      return v;
    },
    confirm: async (message: string, detail: string) => {
      asked.push(`confirm: ${message}`);
      details.push(detail);
      return answers[message] !== false;
    },
    notify: async (kind: string, message: string) => {
      asked.push(`${kind}: ${message}`);
      return undefined;
    },
  };
}

/** Waits until `accept` holds for the view's root nodes, re-checking after each load; rejects after `ms`. */
async function waitForRoots(provider: { getChildren(n?: TreeNode): Promise<TreeNode[]>; onDidLoad: vscode.Event<void> }, accept: (roots: TreeNode[]) => boolean, ms = 60_000): Promise<TreeNode[]> {
  const deadline = Date.now() + ms;
  let last: TreeNode[] = [];
  for (;;) {
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`view did not reach the expected state in ${ms} ms; last: ${JSON.stringify(last.map((n) => [label(n), n.getTreeItem().description]))}`));
      }, Math.max(1, deadline - Date.now()));
      const sub = provider.onDidLoad(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
    last = (await provider.getChildren()) ?? [];
    if (!(last.length === 1 && last[0].id === 'loading') && accept(last)) return last;
    await loaded;
  }
}

describe('Vertex AI training (local mode)', function () {
  this.timeout(180_000);
  let api: VertexDatasetsApi;

  before(async () => {
    api = await activateExtension<VertexDatasetsApi>();
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    await config.update('endpoint', 'local', vscode.ConfigurationTarget.Workspace);
    await config.update('trainingRefreshSeconds', 2, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    const config = vscode.workspace.getConfiguration('vertexDatasets');
    await config.update('trainingRefreshSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('endpoint', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('Train with AutoML builds the exact request, shows the estimate, launches, and the view follows it to a model', async () => {
    const ui = scripted({
      'Train on which dataset?': 'flowers',
      'Training objective': 'image-classification-single-label',
      'Model type': 'MOBILE_TF_VERSATILE_1',
      'Training budget (node hours)': '8',
      'Early stopping': 'on',
      'Data split': 'filter',
      'Training pipeline name': 'flowers-edge',
    });
    const result = await api.training.train(ui);
    assert.ok(result, JSON.stringify(ui.asked));
    assert.deepEqual(ui.asked.slice(0, 7), [
      'pick: Train on which dataset?',
      'pick: Training objective',
      'pick: Model type',
      'input: Training budget (node hours)',
      'pick: Early stopping',
      'pick: Data split',
      'input: Training pipeline name',
    ]);
    const tp = result.request.trainingPipeline;
    assert.equal(tp.trainingTaskDefinition, 'gs://google-cloud-aiplatform/schema/trainingjob/definition/automl_image_classification_1.0.0.yaml');
    assert.deepEqual(tp.trainingTaskInputs, { modelType: 'MOBILE_TF_VERSATILE_1', budgetMilliNodeHours: 8000, disableEarlyStopping: false, multiLabel: false });
    assert.deepEqual(tp.inputDataConfig.filterSplit, {
      trainingFilter: 'labels.aiplatform.googleapis.com/ml_use=training',
      validationFilter: 'labels.aiplatform.googleapis.com/ml_use=validation',
      testFilter: 'labels.aiplatform.googleapis.com/ml_use=test',
    });
    assert.match(ui.details[0], /Estimated cost: up to \$25\.20 \(8 node hours × \$3\.15 per node hour\).*ESTIMATE/s);

    const roots = await waitForRoots(api.training.pipelines, (r) => r.some((n) => label(n) === 'flowers-edge' && /^succeeded/.test(String(n.getTreeItem().description))));
    const node = roots.find((n) => label(n) === 'flowers-edge')!;
    assert.match(String(node.getTreeItem().description), /^succeeded · Image classification \(single-label\) · 8 node h · \d+s$/);
    assert.equal(node.getTreeItem().contextValue, 'vertexPipeline.ended');
    const [model] = (await node.getChildren?.()) ?? [];
    assert.match(label(model), /^Model: flowers-edge$/);

    const handle = await vscode.commands.executeCommand<{ rendered: Promise<number>; panel: vscode.WebviewPanel }>('vertexDatasets.training.openEvaluation', model);
    assert.ok(handle, 'the evaluation view opened');
    assert.equal(await handle.rendered, 3, 'metrics, confusion matrix and per-label tables rendered');
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(handle.panel.webview.html)?.[1] ?? '';
    const directives = csp.split(';').map((d) => d.trim());
    assert.ok(directives.includes("default-src 'none'"), csp);
    assert.ok(directives.some((d) => /^script-src 'nonce-[A-Za-z0-9+/=]+'$/.test(d)), csp);
    assert.ok(directives.some((d) => d.startsWith('style-src ') && !d.includes('unsafe')), csp);
    assert.equal(handle.panel.title, 'Evaluation: flowers-edge');

    // Export Model…: tflite exports files (ARTIFACT), so a container image destination is refused with the reason; a folder works.
    const modelName = (model as unknown as { modelName: string }).modelName;
    await assert.rejects(
      api.training.exportModel(modelName, scripted({ 'Export format': 'tflite', 'Export to': 'us-docker.pkg.dev/my-project/models/flowers' })),
      /is invalid: export format "tflite" exports files \(ARTIFACT\), not a container image: give a Cloud Storage folder \(gs:\/\/BUCKET\/PREFIX\)/,
    );
    const exportUi = scripted({ 'Export format': 'tflite' });
    const exported = await api.training.exportModel(modelName, exportUi);
    assert.match(exported?.outputUri ?? '', /^gs:\/\/[^/]+\/.*model-\d+\/tflite\//);
    assert.ok(exportUi.asked.some((a) => a.startsWith('info: Exported flowers-edge to gs://')), JSON.stringify(exportUi.asked));
  });

  it('text datasets explain that AutoML text training was discontinued', async () => {
    const ui = scripted({ 'Train on which dataset?': 'product-reviews', 'Training objective': 'text-classification-single-label' });
    assert.equal(await api.training.train(ui), undefined);
    assert.ok(ui.asked.some((a) => /^warning: AutoML text training was discontinued on 15 September 2024/.test(a)), JSON.stringify(ui.asked));
  });

  it('cancel asks first, then the pipeline goes through CANCELLING to CANCELLED', async () => {
    const result = await api.training.train(
      scripted({ 'Train on which dataset?': 'flowers', 'Training objective': 'image-classification-multi-label', 'Model type': 'CLOUD', 'Early stopping': 'off', 'Data split': 'fraction', 'Training pipeline name': 'to-cancel' }),
    );
    assert.ok(result);
    assert.equal(result.request.trainingPipeline.trainingTaskInputs.disableEarlyStopping, true);
    assert.deepEqual(result.request.trainingPipeline.inputDataConfig.fractionSplit, { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1 });
    const no = scripted({ 'Cancel this training pipeline?': false });
    assert.equal(await api.training.cancelPipeline(result.pipeline.name, no), false);
    assert.equal(await api.training.cancelPipeline(result.pipeline.name, scripted({})), true);
    const roots = await waitForRoots(api.training.pipelines, (r) => r.some((n) => label(n) === 'to-cancel' && /^cancelled/.test(String(n.getTreeItem().description))));
    assert.ok(roots.length >= 2);
  });

  it('Create Labeling Job uploads the workspace PDF, shows the estimate, and the Labeling Jobs view shows progress', async () => {
    const pdf = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'labeling-guide.pdf');
    await vscode.workspace.fs.writeFile(pdf, Buffer.from('%PDF-1.4\nflowers\n'));
    try {
      const ui = scripted({
        'Label which dataset?': 'flowers',
        'Labeling task': 'image-classification',
        Labels: 'daisy, roses',
        'Instructions for the labelers (PDF)': 'file:labeling-guide.pdf',
        'Labelers per item': '3',
        'Specialist pool': 'medical-imaging-specialists',
        'Active learning': 'none',
        'Labeling job name': 'flowers-labels',
      });
      // Started on an import file: its labels are offered as the default list.
      const offered: string[] = [];
      const input = ui.input;
      ui.input = async (title, prompt, value, validate) => {
        if (title === 'Labels') offered.push(value);
        return input(title, prompt, value, validate);
      };
      const result = await api.training.createLabelingJob(ui, vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'mluse.jsonl'));
      // The labels of the lines Vertex would import ("dog" is only on a line with an error).
      assert.equal(offered[0], 'cat');
      assert.ok(result, JSON.stringify(ui.asked));
      const job = result.request.dataLabelingJob;
      // Named by the PDF's bytes (md5 prefix), as the review showed before the upload.
      assert.equal(job.instructionUri, 'gs://local-vertex-bucket/labeling-instructions/labeling-guide-8ee23ebc.pdf');
      assert.match(ui.details[0], /Instructions: gs:\/\/local-vertex-bucket\/labeling-instructions\/labeling-guide-8ee23ebc\.pdf \(uploaded from labeling-guide\.pdf\)/);
      assert.deepEqual(job.inputs, { annotation_specs: ['daisy', 'roses'] });
      assert.equal(job.labelerCount, 3);
      assert.match(job.specialistPools?.[0] ?? '', /^projects\/local-project\/locations\/us-central1\/specialistPools\/\d+$/);
      assert.match(ui.details[0], /Estimated labeling cost: \$9\.00–\$72\.00 \(60 images × \$0\.05–\$0\.08, 3 labelers \(\+50%\), specialist pool \(2–10× base rate\)\)\..*ESTIMATE/s);
      const roots = await waitForRoots(api.training.labelingJobs, (r) => r.some((n) => label(n) === 'flowers-labels'));
      assert.match(String(roots.find((n) => label(n) === 'flowers-labels')!.getTreeItem().description), /^(pending|running|succeeded) · \d+% · \$\d+\.\d\d · 3 labelers$/);
    } finally {
      await vscode.workspace.fs.delete(pdf);
    }
  });
});
