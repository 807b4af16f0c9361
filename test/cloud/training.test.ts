import { strict as assert } from 'node:assert';
import { buildTrainingPipeline } from '../../src/core/training/pipeline';
import type { TrainingOptions } from '../../src/core/training/pipeline';
import { buildLabelingJob } from '../../src/core/training/labeling';
import { buildCreateVersion } from '../../src/core/training/versions';
import type { ColumnProfile } from '../../src/core/training/tabular';
import { PROJECT, REGION, BUCKET, startTrainingEnv } from './trainingEnv';
import type { TrainingEnv } from './trainingEnv';

const PARENT = `projects/${PROJECT}/locations/${REGION}`;
type RpcErr = { code: number; details?: string; message: string };
const rpc = (code: number, re: RegExp) => (e: RpcErr) => {
  assert.equal(e.code, code, e.details ?? e.message);
  assert.match(e.details ?? e.message, re);
  return true;
};

const customers: ColumnProfile[] = [
  { name: 'age', inferredType: 'numeric', nulls: 0, distinct: 50, rows: 1200 },
  { name: 'job', inferredType: 'categorical', nulls: 0, distinct: 3, rows: 1200 },
  { name: 'churned', inferredType: 'categorical', nulls: 0, distinct: 2, rows: 1200 },
  { name: 'weight', inferredType: 'numeric', nulls: 0, distinct: 1, rows: 1200 },
  { name: 'split', inferredType: 'categorical', nulls: 0, distinct: 3, rows: 1200 },
  { name: 'signup', inferredType: 'timestamp', nulls: 0, distinct: 9, rows: 1200 },
];
const sales: ColumnProfile[] = [
  { name: 'date', inferredType: 'timestamp', nulls: 0, distinct: 28 },
  { name: 'store', inferredType: 'categorical', nulls: 0, distinct: 40 },
  { name: 'sales', inferredType: 'numeric', nulls: 0, distinct: 17 },
  { name: 'promo', inferredType: 'numeric', nulls: 0, distinct: 2 },
];

describe('training, models, labeling and versions through the real SDK clients', function () {
  let env: TrainingEnv;
  before(async () => {
    env = await startTrainingEnv();
  });
  after(() => env?.stop());

  function request(o: Partial<TrainingOptions> & { objective: string; dataset: string }) {
    const r = buildTrainingPipeline({ project: PROJECT, location: REGION, displayName: `${o.objective} run`, ...o });
    if (!r.ok) assert.fail(JSON.stringify(r.problems));
    return r.request;
  }

  it('every trainable objective: the request the wizard builds is accepted and trains to a model with evaluations', async () => {
    const cases: (Partial<TrainingOptions> & { objective: string; dataset: string; schema: RegExp })[] = [
      { objective: 'image-classification-single-label', dataset: env.ds.images.id, split: { kind: 'filter' }, schema: /classification_metrics/ },
      { objective: 'image-classification-multi-label', dataset: env.ds.images.id, modelType: 'MOBILE_TF_VERSATILE_1', budgetNodeHours: 1, schema: /classification_metrics/ },
      { objective: 'image-object-detection', dataset: env.ds.boxes.id, modelType: 'MOBILE_TF_LOW_LATENCY_1', budgetNodeHours: 20, schema: /image_object_detection_metrics/ },
      { objective: 'image-segmentation', dataset: env.ds.segments.id, modelType: 'MOBILE_TF_LOW_LATENCY_1', schema: /image_segmentation_metrics/ },
      { objective: 'tabular-classification', dataset: env.ds.tabular.id, targetColumn: 'churned', columnProfiles: customers, split: { kind: 'stratified', key: 'split', training: 0.8, validation: 0.1, test: 0.1 }, optimizationObjective: 'maximize-precision-at-recall', recallValue: 0.8, schema: /classification_metrics/ },
      { objective: 'tabular-regression', dataset: env.ds.tabular.id, targetColumn: 'age', columnProfiles: customers, split: { kind: 'predefined', key: 'split' }, schema: /regression_metrics/ },
      { objective: 'forecasting', dataset: env.ds.series.id, targetColumn: 'sales', timeColumn: 'date', timeSeriesIdentifierColumn: 'store', columnProfiles: sales, granularityUnit: 'day', forecastHorizon: 7, optimizationObjective: 'minimize-quantile-loss', quantiles: [0.1, 0.5, 0.9], schema: /forecasting_metrics/ },
      { objective: 'video-classification', dataset: env.ds.video.id, split: { kind: 'filter', training: '-', test: '-' }, schema: /classification_metrics/ },
      { objective: 'video-action-recognition', dataset: env.ds.actions.id, modelType: 'MOBILE_CORAL_VERSATILE_1', schema: /video_action_recognition_metrics/ },
      { objective: 'video-object-tracking', dataset: env.ds.tracks.id, modelType: 'MOBILE_JETSON_LOW_LATENCY_1', schema: /video_object_tracking_metrics/ },
    ];
    const created = [];
    for (const c of cases) {
      const { schema, ...o } = c;
      const p = await env.cloud.createTrainingPipeline(request(o));
      assert.equal(p.state, 'QUEUED', o.objective);
      assert.deepEqual(p.trainingTaskInputs, request(o).trainingPipeline.trainingTaskInputs, 'inputs survive the round trip through google.protobuf.Value');
      created.push({ p, schema, objective: o.objective });
    }
    env.clock.advance(12000);
    for (const { p, schema, objective } of created) {
      const done = await env.cloud.getTrainingPipeline(p.name);
      if (objective === 'video-classification') {
        // The filter split matched no training items ("-"): Vertex fails the pipeline.
        assert.equal(done.state, 'FAILED');
        assert.match(done.error!.message, /training filter "-" matched no data items/);
        continue;
      }
      assert.equal(done.state, 'SUCCEEDED', `${objective}: ${done.error?.message}`);
      assert.ok(done.modelName, objective);
      assert.ok(done.endTime && done.startTime && done.startTime < done.endTime);
      const evals = await env.cloud.listModelEvaluations(done.modelName!);
      assert.equal(evals.length, 1);
      assert.match(evals[0].metricsSchemaUri, schema, objective);
    }
  });

  it('moves QUEUED → PENDING → RUNNING → SUCCEEDED over time; the model has consistent metrics and slices', async () => {
    const p = await env.cloud.createTrainingPipeline(request({ objective: 'image-classification-single-label', dataset: env.ds.images.id, modelDisplayName: 'flowers-model' }));
    const states = [p.state];
    for (const step of [1000, 1000, 9999, 1]) {
      env.clock.advance(step);
      states.push((await env.cloud.getTrainingPipeline(p.name)).state);
    }
    assert.deepEqual(states, ['QUEUED', 'PENDING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    const done = await env.cloud.getTrainingPipeline(p.name);
    assert.equal((done.metadata as { costMilliNodeHours: string }).costMilliNodeHours, String(Math.round(192000 * 0.85)));
    const model = await env.cloud.getModel(done.modelName!);
    assert.equal(model.displayName, 'flowers-model');
    assert.equal(model.trainingPipeline, p.name);
    assert.deepEqual(model.supportedExportFormats, [], 'CLOUD models are not exportable');
    const [evaluation] = await env.cloud.listModelEvaluations(model.name);
    const m = evaluation.metrics as { auPrc: number; auRoc: number; logLoss: number; confusionMatrix: { annotationSpecs: { displayName: string }[]; rows: number[][] } };
    assert.ok(m.auPrc > 0.5 && m.auPrc < 1 && m.auRoc > 0.5 && m.auRoc < 1 && m.logLoss > 0);
    assert.deepEqual(m.confusionMatrix.annotationSpecs.map((s) => s.displayName), ['daisy', 'iris', 'lily', 'rose', 'tulip']);
    assert.equal(m.confusionMatrix.rows.length, 5);
    const slices = await env.cloud.listModelEvaluationSlices(evaluation.name, 'slice.dimension = annotationSpec');
    assert.deepEqual(slices.map((s) => s.value), ['daisy', 'iris', 'lily', 'rose', 'tulip']);
    slices.forEach((s, i) => {
      const cm = (s.metrics as { confidenceMetrics: { confidenceThreshold: number; precision: number; recall: number; f1Score: number }[] }).confidenceMetrics.find((c) => c.confidenceThreshold === 0.5)!;
      const tp = m.confusionMatrix.rows[i][i];
      const recall = tp / m.confusionMatrix.rows[i].reduce((a, b) => a + b, 0);
      const precision = tp / m.confusionMatrix.rows.reduce((a, r) => a + r[i], 0);
      assert.ok(Math.abs(cm.recall - recall) < 1e-4 && Math.abs(cm.precision - precision) < 1e-4, `slice ${s.value} follows from the confusion matrix`);
      assert.ok(Math.abs(cm.f1Score - (2 * precision * recall) / (precision + recall)) < 1e-4);
    });
    await assert.rejects(env.cloud.exportModel(model.name, 'tflite', { outputUriPrefix: `gs://${BUCKET}/exports` }), rpc(9, /is not exportable: its model type CLOUD/));
  });

  it('exports a mobile model only in the formats it supports, writing the artifact to the bucket', async () => {
    const p = await env.cloud.createTrainingPipeline(request({ objective: 'image-object-detection', dataset: env.ds.boxes.id, modelType: 'MOBILE_TF_VERSATILE_1', budgetNodeHours: 10 }));
    env.clock.advance(12000);
    const done = await env.cloud.getTrainingPipeline(p.name);
    const model = await env.cloud.getModel(done.modelName!);
    assert.deepEqual(model.supportedExportFormats.map((f) => f.id), ['tflite', 'edgetpu-tflite', 'tf-saved-model', 'tf-js']);
    assert.deepEqual(model.supportedExportFormats[0].exportableContents, ['ARTIFACT']);
    const out = await env.cloud.exportModel(model.name, 'tflite', { outputUriPrefix: `gs://${BUCKET}/exports/` });
    assert.match(out.outputUri!, new RegExp(`^gs://${BUCKET}/exports/model-\\d+/tflite/`));
    const object = env.blobs.getUri(`${out.outputUri}/model.tflite`).object;
    assert.ok(object, 'the exported artifact exists in the bucket');
    await assert.rejects(env.cloud.exportModel(model.name, 'core-ml', { outputUriPrefix: `gs://${BUCKET}/exports` }), rpc(3, /'core-ml' is not supported .* supported: tflite, edgetpu-tflite, tf-saved-model, tf-js/));
    await assert.rejects(env.cloud.exportModel(model.name, 'tflite', {}), rpc(3, /artifact_destination.output_uri_prefix is required/));
    await assert.rejects(env.cloud.exportModel(model.name, 'tflite', { outputUriPrefix: 'gs://no-such-bucket/x' }), rpc(5, /bucket no-such-bucket does not exist/));
  });

  it('exports a container image to image_destination where the format exports one (IMAGE), as the real protos have it', async () => {
    const m = env.store.addModel(PROJECT, REGION, 'custom', [{ id: 'custom-trained', exportableContents: ['IMAGE'] }]);
    const name = `${PARENT}/models/${m.id}`;
    const model = await env.cloud.getModel(name);
    assert.deepEqual(model.supportedExportFormats, [{ id: 'custom-trained', exportableContents: ['IMAGE'] }]);
    const out = await env.cloud.exportModel(name, 'custom-trained', { imageUri: 'europe-west4-docker.pkg.dev/p/repo/custom' });
    assert.equal(out.outputUri, 'europe-west4-docker.pkg.dev/p/repo/custom:latest', 'ExportModelOperationMetadata.output_info.image_output_uri');
    await assert.rejects(env.cloud.exportModel(name, 'custom-trained', {}), rpc(3, /exports a container image: output_config\.image_destination\.output_uri is required/));
    await assert.rejects(env.cloud.exportModel(name, 'custom-trained', { outputUriPrefix: `gs://${BUCKET}/x` }), rpc(3, /does not export artifacts; remove artifact_destination/));
    await assert.rejects(env.cloud.exportModel(name, 'custom-trained', { imageUri: 'docker.io/me/custom' }), rpc(3, /is not a Container Registry .* or Artifact Registry .* URI/));
  });

  it('fails pipelines with Vertex-style messages: too few images per label, missing columns, injected faults', async () => {
    const tiny = await env.cloud.createTrainingPipeline(request({ objective: 'image-classification-single-label', dataset: env.ds.tinyImages.id }));
    const cols = await env.cloud.createTrainingPipeline(request({ objective: 'tabular-regression', dataset: env.ds.tabular.id, targetColumn: 'age', transformations: [{ numeric: { columnName: 'income' } }] }));
    env.clock.advance(12000);
    const [a, b] = [await env.cloud.getTrainingPipeline(tiny.name), await env.cloud.getTrainingPipeline(cols.name)];
    assert.deepEqual([a.state, b.state], ['FAILED', 'FAILED']);
    assert.deepEqual(a.error, { code: 9, message: 'Each label needs at least 10 images; too few for: daisy (3), rose (3), tulip (3).' });
    assert.match(b.error!.message, /Column\(s\) "income" not found in the dataset's schema \(age, job, churned, weight, split, signup\)/);
    env.store.nextPipelineFailure = { code: 13, message: 'Internal error occurred. Please retry in a few minutes.' };
    const injected = await env.cloud.createTrainingPipeline(request({ objective: 'image-segmentation', dataset: env.ds.segments.id }));
    const healthy = await env.cloud.createTrainingPipeline(request({ objective: 'image-segmentation', dataset: env.ds.segments.id }));
    env.clock.advance(12000);
    const c = await env.cloud.getTrainingPipeline(injected.name);
    assert.equal(c.state, 'FAILED');
    assert.deepEqual(c.error, { code: 13, message: 'Internal error occurred. Please retry in a few minutes.' });
    assert.equal((await env.cloud.getTrainingPipeline(healthy.name)).state, 'SUCCEEDED', 'the injected fault is one-shot');
  });

  it('cancels: RUNNING → CANCELLING → CANCELLED; terminal pipelines cannot be cancelled; delete only when stopped', async () => {
    const p = await env.cloud.createTrainingPipeline(request({ objective: 'image-classification-single-label', dataset: env.ds.images.id }));
    env.clock.advance(3000);
    assert.equal((await env.cloud.getTrainingPipeline(p.name)).state, 'RUNNING');
    await assert.rejects(env.cloud.deleteTrainingPipeline(p.name), rpc(9, /state PIPELINE_STATE_RUNNING; cancel it/));
    await env.cloud.cancelTrainingPipeline(p.name);
    assert.equal((await env.cloud.getTrainingPipeline(p.name)).state, 'CANCELLING');
    env.clock.advance(500);
    const cancelled = await env.cloud.getTrainingPipeline(p.name);
    assert.equal(cancelled.state, 'CANCELLED');
    assert.deepEqual(cancelled.error, { code: 1, message: 'CANCELED' });
    assert.equal(cancelled.modelName, undefined);
    env.clock.advance(20000);
    assert.equal((await env.cloud.getTrainingPipeline(p.name)).state, 'CANCELLED', 'a cancelled pipeline never finishes');
    await assert.rejects(env.cloud.cancelTrainingPipeline(p.name), rpc(9, /cannot be cancelled/));
    await env.cloud.deleteTrainingPipeline(p.name);
    await assert.rejects(env.cloud.getTrainingPipeline(p.name), rpc(5, /not found/));
  });

  it('lists with filters and pages', async () => {
    const running = await env.cloud.createTrainingPipeline(request({ objective: 'video-object-tracking', dataset: env.ds.tracks.id, displayName: 'tracker' }));
    env.clock.advance(2500);
    const list = await env.cloud.listTrainingPipelines(PARENT, 'state="PIPELINE_STATE_RUNNING"');
    assert.deepEqual(list.map((p) => p.name), [running.name]);
    const byDef = await env.cloud.listTrainingPipelines(PARENT, 'training_task_definition:"*video_object_tracking*"');
    assert.ok(byDef.length >= 2 && byDef.every((p) => p.trainingTaskDefinition.endsWith('automl_video_object_tracking_1.0.0.yaml')));
    const [page1, , resp] = await env.cloud.pipelines.listTrainingPipelines({ parent: PARENT, pageSize: 2 }, { autoPaginate: false });
    assert.equal(page1.length, 2);
    assert.ok(resp?.nextPageToken);
    await assert.rejects(env.cloud.listTrainingPipelines(PARENT, 'foo ~ 1'), rpc(3, /Invalid filter/));
  });

  it('validates requests as Vertex does, independently of the wizard', async () => {
    const { pipelines } = env.cloud;
    const { helpers } = await import('@google-cloud/aiplatform');
    const base = request({ objective: 'image-classification-single-label', dataset: env.ds.images.id }).trainingPipeline;
    const send = (tp: object) => pipelines.createTrainingPipeline({ parent: PARENT, trainingPipeline: { ...base, trainingTaskInputs: helpers.toValue(base.trainingTaskInputs), ...tp } });
    await assert.rejects(send({ trainingTaskInputs: helpers.toValue({ modelType: 'CLOUD', budgetMilliNodeHours: 8000, imageSize: 5 }) }), rpc(3, /Unknown name "imageSize"/));
    await assert.rejects(send({ trainingTaskInputs: helpers.toValue({ modelType: 'CLOUD_HIGH_ACCURACY_1' }) }), rpc(3, /"CLOUD_HIGH_ACCURACY_1"; expected one of CLOUD, MOBILE_TF_LOW_LATENCY_1/));
    await assert.rejects(send({ trainingTaskInputs: helpers.toValue({ modelType: 'MOBILE_TF_VERSATILE_1', budgetMilliNodeHours: 200000 }) }), rpc(3, /out of range for model type MOBILE_TF_VERSATILE_1: it must be between 1000 and 100000/));
    await assert.rejects(send({ trainingTaskDefinition: 'gs://google-cloud-aiplatform/schema/trainingjob/definition/automl_text_classification_1.0.0.yaml' }), rpc(9, /text training is no longer supported/));
    await assert.rejects(send({ trainingTaskDefinition: 'gs://google-cloud-aiplatform/schema/trainingjob/definition/automl_vision_1.0.0.yaml' }), rpc(3, /not a supported AutoML training task definition/));
    await assert.rejects(send({ trainingTaskInputs: undefined }), rpc(3, /training_task_inputs is missing/));
    await assert.rejects(send({ displayName: '' }), rpc(3, /display_name is missing/));
    await assert.rejects(send({ inputDataConfig: { datasetId: env.ds.tabular.id } }), rpc(3, /holds tabular data .* needs a image dataset/));
    await assert.rejects(send({ inputDataConfig: { datasetId: '404' } }), rpc(5, /Dataset .*\/404 not found/));
    await assert.rejects(send({ inputDataConfig: { datasetId: env.ds.images.id, predefinedSplit: { key: 'x' } } }), rpc(3, /only supported for tabular datasets/));
    await assert.rejects(send({ inputDataConfig: { datasetId: env.ds.images.id, fractionSplit: { trainingFraction: 0.9, validationFraction: 0.2 } } }), rpc(3, /sum to at most 1/));
    await assert.rejects(send({ modelId: '1abc' }), rpc(3, /model_id '1abc' is invalid/));
    const tables = request({ objective: 'tabular-classification', dataset: env.ds.tabular.id, targetColumn: 'churned', columnProfiles: customers }).trainingPipeline;
    const sendTables = (inputs: object) => pipelines.createTrainingPipeline({ parent: PARENT, trainingPipeline: { ...tables, trainingTaskInputs: helpers.toValue({ ...tables.trainingTaskInputs, ...inputs }) } });
    await assert.rejects(sendTables({ trainBudgetMilliNodeHours: 500 }), rpc(3, /between 1000 and 72000/));
    await assert.rejects(sendTables({ optimizationObjective: 'minimize-rmse' }), rpc(3, /not valid for classification/));
    await assert.rejects(sendTables({ optimizationObjective: 'maximize-recall-at-precision' }), rpc(3, /precision_value is required/));
    await assert.rejects(sendTables({ transformations: [{ numeric: { columnName: 'age' }, categorical: { columnName: 'age' } }] }), rpc(3, /same oneof/));
    await assert.rejects(pipelines.createTrainingPipeline({ parent: 'projects/p/locations/europe-west4', trainingPipeline: base as never }), rpc(3, /does not match the endpoint's region/));
  });

  it('labeling jobs: pools, create, progress and spend over time, cancel, delete, failures', async () => {
    env.blobs.put(BUCKET, 'instructions/flowers.pdf', Buffer.from('%PDF-1.4\n'), 'application/pdf');
    const pool = env.store.addPool(PROJECT, REGION, 'botanists', ['boss@example.com']);
    const pools = await env.cloud.listSpecialistPools(PARENT);
    assert.deepEqual(pools.map((p) => [p.displayName, p.managerCount]), [['botanists', 1]]);
    const built = buildLabelingJob({
      project: PROJECT, location: REGION, dataset: env.ds.images.id, displayName: 'label flowers', task: 'image-classification', labels: ['daisy', 'rose'],
      instructionUri: `gs://${BUCKET}/instructions/flowers.pdf`, labelerCount: 3, specialistPools: [pools[0].name], activeLearning: { maxDataItemCount: 40 }, itemCount: 100,
    });
    if (!built.ok) assert.fail(JSON.stringify(built.problems));
    const job = await env.cloud.createDataLabelingJob(built.request);
    assert.equal(job.state, 'PENDING');
    assert.equal(job.labelerCount, 3);
    assert.deepEqual(job.specialistPools, [env.store.poolName(pool)]);
    env.clock.advance(1000 + 5000);
    const half = await env.cloud.getDataLabelingJob(job.name);
    assert.equal(half.state, 'RUNNING');
    assert.equal(half.labelingProgress, 50);
    // 20 of 40 items × 3 labelers × $0.13 (specialist pool: twice $0.065)
    assert.deepEqual(half.currentSpend, { currencyCode: 'USD', amount: 7.8 });
    assert.ok(half.currentSpend!.amount >= built.estimate!.lowUsd * 0.5 - 1e-9 && half.currentSpend!.amount <= built.estimate!.highUsd);
    env.clock.advance(5000);
    const done = await env.cloud.getDataLabelingJob(job.name);
    assert.deepEqual([done.state, done.labelingProgress], ['SUCCEEDED', 100]);

    const second = await env.cloud.createDataLabelingJob(built.request);
    env.clock.advance(2000);
    await assert.rejects(env.cloud.deleteDataLabelingJob(second.name), rpc(9, /cancel it before deleting/));
    await env.cloud.cancelDataLabelingJob(second.name);
    assert.equal((await env.cloud.getDataLabelingJob(second.name)).state, 'CANCELLING');
    env.clock.advance(500);
    const cancelled = await env.cloud.getDataLabelingJob(second.name);
    assert.equal(cancelled.state, 'CANCELLED');
    assert.equal(cancelled.labelingProgress, 10, 'progress stops where it was cancelled');
    await env.cloud.deleteDataLabelingJob(second.name);
    assert.deepEqual((await env.cloud.listDataLabelingJobs(PARENT)).map((j) => j.name), [job.name]);

    env.store.nextLabelingFailure = { code: 8, message: 'Human labeling is not available for this project.' };
    const third = await env.cloud.createDataLabelingJob(built.request);
    env.clock.advance(11000);
    const failed = await env.cloud.getDataLabelingJob(third.name);
    assert.equal(failed.state, 'FAILED');
    assert.deepEqual(failed.error, { code: 8, message: 'Human labeling is not available for this project.' });

    const { helpers } = await import('@google-cloud/aiplatform');
    const raw = { ...built.request.dataLabelingJob, inputs: helpers.toValue(built.request.dataLabelingJob.inputs) };
    const create = (j: object) => env.cloud.jobs.createDataLabelingJob({ parent: PARENT, dataLabelingJob: { ...raw, ...j } });
    await assert.rejects(create({ labelerCount: 2 }), rpc(3, /labeler_count 2 is invalid; it must be 1, 3 or 5/));
    await assert.rejects(create({ instructionUri: `gs://${BUCKET}/instructions/missing.pdf` }), rpc(3, /does not exist/));
    await assert.rejects(create({ specialistPools: [`${PARENT}/specialistPools/9`] }), rpc(5, /SpecialistPool .* not found/));
    await assert.rejects(create({ inputsSchemaUri: 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/video_classification_1.0.0.yaml' }), rpc(3, /holds image data/));
    await assert.rejects(create({ inputs: helpers.toValue({ annotation_specs: [] }) }), rpc(3, /at least one label/));
    await assert.rejects(create({ datasets: [`${PARENT}/datasets/${env.ds.text.id}`], inputsSchemaUri: 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/text_classification_1.0.0.yaml' }), rpc(9, /no data items to label/));
  });

  it('dataset versions: create with a description, list, restore', async () => {
    const dataset = `${PARENT}/datasets/${env.ds.images.id}`;
    const req = buildCreateVersion(PROJECT, REGION, env.ds.images.id, 'before relabeling');
    assert.ok(req.ok);
    const v = await env.cloud.createDatasetVersion(req.request);
    assert.equal(v.displayName, 'before relabeling');
    assert.match(v.name, new RegExp(`^${dataset}/datasetVersions/\\d+$`));
    const list = await env.cloud.listDatasetVersions(dataset);
    assert.ok(list.some((x) => x.name === v.name));
    const before = env.ds.images.items.size;
    env.server.datasets.importRows(env.ds.images, JSON.stringify({ imageGcsUri: `gs://${BUCKET}/img/new.jpg`, classificationAnnotation: { displayName: 'rose' } }), 'gs://google-cloud-aiplatform/schema/dataset/ioformat/image_classification_single_label_io_format_1.0.0.yaml', {}, {});
    assert.equal(env.ds.images.items.size, before + 1);
    const restored = await env.cloud.restoreDatasetVersion(v.name);
    assert.equal(restored.name, v.name);
    assert.equal(env.ds.images.items.size, before, 'restore brings back the versioned items');
  });
});
