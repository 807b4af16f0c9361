/**
 * Assembles the training side of the extension: the Training Pipelines and Labeling Jobs views,
 * the "Train with AutoML…" and "Create Labeling Job…" wizards, cancel/delete, the evaluation
 * webview, model export and dataset versions. Nothing loads the Google SDKs until first use.
 */
import * as vscode from 'vscode';
import type { TrainingCloud } from '../../cloud/training';
import type { FormatId } from '../../core/formats';
import type { DatasetSummary } from '../../cloud/vertex';
import { buildCreateVersion } from '../../core/training/versions';
import { ARTIFACT_DESTINATION_HINT, IMAGE_DESTINATION_HINT, exportDestinationProblem, parseExportDestination } from '../../core/training/export';
import type { TreeNode } from '../cloud/datasetsTree';
import { DatasetNode } from '../cloud/datasetsTree';
import type { WizardUi } from '../cloud/importWizard';
import { vscodeUi } from '../cloud/importWizard';
import type { CloudSession } from '../cloud/session';
import { BLOCKED_STATES, commandErrorText, readCloudSettings } from '../cloud/session';
import { createLabelingJob } from './labelWizard';
import type { LabelResult } from './labelWizard';
import { trainWithAutoML } from './trainWizard';
import type { TrainResult } from './trainWizard';
import type { ListTreeProvider } from './trainingTrees';
import { LabelingJobNode, ModelNode, PipelineNode, labelingJobsProvider, pipelinesProvider } from './trainingTrees';
import type { EvaluationPanelHandle } from './evaluationPanel';
import { openEvaluation } from './evaluationPanel';
import type { LabelingJobSummary, PipelineSummary } from '../../cloud/training';

export const PIPELINES_VIEW = 'vertexDatasets.trainingPipelines';
export const LABELING_VIEW = 'vertexDatasets.labelingJobs';

export const TRAINING_COMMANDS = {
  train: 'vertexDatasets.training.train',
  refreshPipelines: 'vertexDatasets.training.refresh',
  cancelPipeline: 'vertexDatasets.training.cancel',
  deletePipeline: 'vertexDatasets.training.delete',
  openEvaluation: 'vertexDatasets.training.openEvaluation',
  exportModel: 'vertexDatasets.training.exportModel',
  createLabelingJob: 'vertexDatasets.labeling.create',
  refreshLabeling: 'vertexDatasets.labeling.refresh',
  cancelLabelingJob: 'vertexDatasets.labeling.cancel',
  deleteLabelingJob: 'vertexDatasets.labeling.delete',
  createVersion: 'vertexDatasets.versions.create',
  restoreVersion: 'vertexDatasets.versions.restore',
} as const;

/** The training part of the extension API (tests drive it). */
export interface TrainingApi {
  readonly pipelines: ListTreeProvider<PipelineSummary>;
  readonly labelingJobs: ListTreeProvider<LabelingJobSummary>;
  /** `from`: a dataset resource name, or an import file whose format narrows the choices. */
  train(ui: WizardUi, from?: string | vscode.Uri): Promise<TrainResult | undefined>;
  /** `from`: a dataset resource name, or an import file whose labels are the defaults. */
  createLabelingJob(ui: WizardUi, from?: string | vscode.Uri): Promise<LabelResult | undefined>;
  openEvaluation(modelName: string): Promise<EvaluationPanelHandle>;
  cancelPipeline(name: string, ui: WizardUi): Promise<boolean>;
  /** Export Model…: a format, then a Cloud Storage folder or a container image as the format exports. */
  exportModel(modelName: string, ui: WizardUi): Promise<{ outputUri?: string } | undefined>;
}

function register(id: string, log: vscode.LogOutputChannel, handler: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...(args as never[]));
    } catch (e) {
      log.error(`command ${id} failed`, e);
      void vscode.window.showErrorMessage(`Vertex Datasets: ${commandErrorText(e)}`, 'Show Log').then((a) => a && log.show());
      return undefined;
    }
  });
}

export function registerTraining(deps: { log: vscode.LogOutputChannel; session: CloudSession; extensionUri: vscode.Uri; ui?: WizardUi }): { disposable: vscode.Disposable; api: TrainingApi } {
  const { log, session, extensionUri } = deps;
  const ui = deps.ui ?? vscodeUi;
  let opened: { key: unknown; cloud: Promise<TrainingCloud> } | undefined;
  const cloud = async (): Promise<TrainingCloud> => {
    const conn = await session.connection();
    if (opened?.key !== conn) {
      const { openTrainingCloud } = await import('../../cloud/training');
      opened = { key: conn, cloud: Promise.resolve(openTrainingCloud(conn.clients.vertexOptions)) };
    }
    return opened.cloud;
  };
  const parentOf = async () => {
    const conn = await session.connection();
    return `projects/${conn.project}/locations/${conn.region}`;
  };
  const open = async () => ({ cloud: await cloud(), parent: await parentOf() });
  // The setting's minimum (2 s) is only advisory in settings.json: 0, a negative number or a string
  // would poll Vertex AI without pause while a job runs.
  const refreshMs = () => {
    const s = vscode.workspace.getConfiguration('vertexDatasets').get<unknown>('trainingRefreshSeconds', 10);
    return (typeof s === 'number' && Number.isFinite(s) ? Math.max(2, s) : 10) * 1000;
  };
  const blocked = () => BLOCKED_STATES.includes(session.status().state);
  const pipelines = pipelinesProvider(open, refreshMs, blocked);
  const labeling = labelingJobsProvider(open, refreshMs, blocked);
  const pipelinesView = vscode.window.createTreeView(PIPELINES_VIEW, { treeDataProvider: pipelines });
  const labelingView = vscode.window.createTreeView(LABELING_VIEW, { treeDataProvider: labeling });

  const target = async () => {
    const conn = await session.connection();
    return {
      project: conn.project,
      location: conn.region,
      listDatasets: async (): Promise<DatasetSummary[]> => (await conn.vertex.listDatasets({ pageSize: 200 })).datasets,
      cloud,
      conn,
    };
  };
  const datasetFrom = async (arg: unknown): Promise<DatasetSummary | undefined> => {
    if (arg instanceof DatasetNode) return arg.dataset;
    if (typeof arg === 'string') return (await session.connection()).vertex.getDataset(arg);
    return undefined;
  };

  const train = async (scripted: WizardUi, dataset?: unknown) => {
    // An open CSV source gives the column list and types the tabular steps offer and default from.
    const file = dataset instanceof vscode.Uri ? dataset : undefined;
    const doc = file ? await vscode.workspace.openTextDocument(file) : vscode.window.activeTextEditor?.document;
    let profiles;
    let format: FormatId | undefined;
    if (file && doc && /\.jsonl$/i.test(doc.uri.path)) {
      // Started from an import file: its format narrows the datasets and objectives offered.
      format = ((await vscode.commands.executeCommand('vertexDatasets.validateFile', doc.uri)) as { format?: FormatId } | undefined)?.format;
    }
    if (doc && /\.csv$/i.test(doc.uri.path) && (!format || format === 'tabular')) {
      const { profileCsvText } = await import('../../core/training/sourceProfile');
      profiles = profileCsvText(doc.getText());
      format = 'tabular';
    }
    const res = await trainWithAutoML(await target(), scripted, { dataset: file ? undefined : await datasetFrom(dataset), profiles, format: file ? format : undefined });
    if (res) pipelines.refresh();
    return res;
  };
  const label = async (scripted: WizardUi, dataset?: unknown) => {
    // Started on (or with) an import file open: its labels are the default label list.
    const file = dataset instanceof vscode.Uri ? dataset : vscode.window.activeTextEditor?.document.uri;
    let labels: string[] | undefined;
    if (file && /\.jsonl$/i.test(file.path)) {
      const report = (await vscode.commands.executeCommand('vertexDatasets.validateFile', file)) as { stats?: { labels: { name: string }[] } } | undefined;
      labels = report?.stats?.labels.map((l) => l.name);
    }
    const t = await target();
    const settings = readCloudSettings();
    const res = await createLabelingJob(
      {
        ...t,
        defaultBucket: settings.importBucket ?? t.conn.defaultBucket,
        listPdfs: async () =>
          (await vscode.workspace.findFiles('**/*.pdf', '**/node_modules/**', 50)).map((u) => ({ path: vscode.workspace.asRelativePath(u), read: async () => vscode.workspace.fs.readFile(u) })),
        upload: async (uri, data) => (await t.conn.gcs.place(uri, Buffer.from(data), { contentType: 'application/pdf' })).uri,
      },
      scripted,
      { dataset: dataset instanceof vscode.Uri ? undefined : await datasetFrom(dataset), labels },
    );
    if (res) labeling.refresh();
    return res;
  };
  const cancelPipeline = async (name: string, scripted: WizardUi) => {
    const ok = await scripted.confirm('Cancel this training pipeline?', `${name} stops; the budget used so far is still billed and no model is uploaded.`, 'Cancel Training');
    if (!ok) return false;
    await (await cloud()).cancelTrainingPipeline(name);
    pipelines.refresh();
    return true;
  };
  const exportModel = async (modelName: string, scripted: WizardUi) => {
    const c = await cloud();
    const model = await c.getModel(modelName);
    if (!model.supportedExportFormats.length) throw new Error(`${model.displayName} cannot be exported: its model type is served only within Google Cloud`);
    const f = await scripted.pick('Export format', model.supportedExportFormats.map((x) => ({ label: x.id, description: x.exportableContents.join(', '), value: x.id })));
    if (!f) return undefined;
    const format = model.supportedExportFormats.find((x) => x.id === f.value)!;
    // Files (ARTIFACT) go to a Cloud Storage folder, a container image (IMAGE) to a registry.
    const files = format.exportableContents.includes('ARTIFACT');
    const image = format.exportableContents.includes('IMAGE');
    const settings = readCloudSettings();
    const conn = await session.connection();
    const prompt = files && image ? `Cloud Storage folder (${ARTIFACT_DESTINATION_HINT}) for its files, or container image (${IMAGE_DESTINATION_HINT})` : image ? `Container image (${IMAGE_DESTINATION_HINT})` : `Cloud Storage folder (${ARTIFACT_DESTINATION_HINT})`;
    const initial = files ? settings.importBucket ?? conn.defaultBucket ?? 'gs://' : `${conn.region}-docker.pkg.dev/${conn.project}/`;
    const to = await scripted.input('Export to', prompt, initial, (v) => {
      const d = parseExportDestination(v);
      return 'error' in d ? d.error : exportDestinationProblem(format, d);
    });
    if (!to) return undefined;
    const destination = parseExportDestination(to);
    if ('error' in destination) throw new Error(destination.error);
    const out = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting ${model.displayName} as ${f.value}` }, () =>
      c.exportModel(modelName, f.value, destination.kind === 'image' ? { imageUri: destination.imageUri } : { outputUriPrefix: destination.outputUriPrefix }));
    void scripted.notify('info', `Exported ${model.displayName} to ${out.outputUri ?? to}.`);
    return out;
  };
  const openEval = (modelName: string) => cloud().then((c) => openEvaluation(extensionUri, c, modelName, () => void exportModel(modelName, ui)));

  const disposables: vscode.Disposable[] = [
    pipelines,
    labeling,
    pipelinesView,
    labelingView,
    session.onDidChange(() => {
      opened = undefined;
      pipelines.reset();
      labeling.reset();
    }),
    register(TRAINING_COMMANDS.train, log, (arg?: unknown) => train(ui, arg)),
    register(TRAINING_COMMANDS.refreshPipelines, log, () => pipelines.refresh()),
    register(TRAINING_COMMANDS.cancelPipeline, log, (node?: unknown) => {
      if (!(node instanceof PipelineNode)) throw new Error('select a training pipeline in the Training Pipelines view');
      return cancelPipeline(node.pipeline.name, ui);
    }),
    register(TRAINING_COMMANDS.deletePipeline, log, async (node?: unknown) => {
      if (!(node instanceof PipelineNode)) throw new Error('select a training pipeline in the Training Pipelines view');
      if (!(await ui.confirm(`Delete training pipeline "${node.pipeline.displayName}"?`, 'The pipeline record is deleted; a model it uploaded stays.', 'Delete'))) return;
      await (await cloud()).deleteTrainingPipeline(node.pipeline.name);
      pipelines.refresh();
    }),
    register(TRAINING_COMMANDS.openEvaluation, log, (node?: unknown) => {
      const name = node instanceof ModelNode ? node.modelName : typeof node === 'string' ? node : undefined;
      if (!name) throw new Error('select a model under a succeeded training pipeline');
      return openEval(name);
    }),
    register(TRAINING_COMMANDS.exportModel, log, (node?: unknown) => {
      const name = node instanceof ModelNode ? node.modelName : typeof node === 'string' ? node : undefined;
      if (!name) throw new Error('select a model under a succeeded training pipeline');
      return exportModel(name, ui);
    }),
    register(TRAINING_COMMANDS.createLabelingJob, log, (arg?: unknown) => label(ui, arg)),
    register(TRAINING_COMMANDS.refreshLabeling, log, () => labeling.refresh()),
    register(TRAINING_COMMANDS.cancelLabelingJob, log, async (node?: unknown) => {
      if (!(node instanceof LabelingJobNode)) throw new Error('select a labeling job in the Labeling Jobs view');
      if (!(await ui.confirm(`Cancel labeling job "${node.job.displayName}"?`, 'Labeling stops; items labeled so far are kept and billed.', 'Cancel Labeling'))) return;
      await (await cloud()).cancelDataLabelingJob(node.job.name);
      labeling.refresh();
    }),
    register(TRAINING_COMMANDS.deleteLabelingJob, log, async (node?: unknown) => {
      if (!(node instanceof LabelingJobNode)) throw new Error('select a labeling job in the Labeling Jobs view');
      if (!(await ui.confirm(`Delete labeling job "${node.job.displayName}"?`, 'The job record is deleted; labels already written to the dataset stay.', 'Delete'))) return;
      await (await cloud()).deleteDataLabelingJob(node.job.name);
      labeling.refresh();
    }),
    register(TRAINING_COMMANDS.createVersion, log, async (node?: unknown) => {
      const d = await datasetFrom(node);
      if (!d) throw new Error('select a dataset in the Vertex AI Datasets view');
      const description = await ui.input('New dataset version', `Describe this version of ${d.displayName} (saved as its name, at most 128 characters)`, '', (v) => (v.length > 128 ? 'At most 128 characters' : undefined));
      if (description === undefined) return undefined;
      const conn = await session.connection();
      const built = buildCreateVersion(conn.project, conn.region, d.name, description.trim() || undefined);
      if (!built.ok) throw new Error(built.problems.map((p) => p.message).join(' '));
      const v = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating a version of ${d.displayName}` }, async () => (await cloud()).createDatasetVersion(built.request));
      void ui.notify('info', `Created version ${v.displayName || v.id} of ${d.displayName}.`);
      void vscode.commands.executeCommand('vertexDatasets.datasets.refresh');
      return v;
    }),
    register(TRAINING_COMMANDS.restoreVersion, log, async (node?: unknown) => {
      const d = await datasetFrom(node);
      if (!d) throw new Error('select a dataset in the Vertex AI Datasets view');
      const c = await cloud();
      const versions = await c.listDatasetVersions(d.name);
      if (!versions.length) throw new Error(`${d.displayName} has no versions to restore`);
      const pick = await ui.pick(`Restore ${d.displayName} to which version?`, versions.map((v) => ({ label: v.displayName || v.id, description: v.createTime, value: v.name })));
      if (!pick) return undefined;
      const ok = await ui.confirm(`Restore "${d.displayName}" to version "${pick.label}"?`, `The dataset's current data items and annotations are replaced by those of ${pick.value}. Create a version first if you may want them back.`, 'Restore Version');
      if (!ok) return undefined;
      const v = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Restoring ${d.displayName}` }, () => c.restoreDatasetVersion(pick.value));
      void vscode.commands.executeCommand('vertexDatasets.datasets.refresh');
      return v;
    }),
  ];

  const api: TrainingApi = {
    pipelines,
    labelingJobs: labeling,
    train: (scripted, dataset) => train(scripted, dataset),
    createLabelingJob: (scripted, dataset) => label(scripted, dataset),
    openEvaluation: openEval,
    cancelPipeline,
    exportModel,
  };
  return { disposable: vscode.Disposable.from(...disposables), api };
}

export type { TreeNode };
