/**
 * The editor wizards' prompt and execute steps, scripted through the WizardUi they take, against
 * the local server through the real SDK clients: the exact request each builds for every
 * objective, and that Vertex (the local server) accepts it.
 */
import { strict as assert } from 'node:assert';
import { trainWithAutoML } from '../../src/extension/training/trainWizard';
import type { TrainTarget } from '../../src/extension/training/trainWizard';
import { createLabelingJob } from '../../src/extension/training/labelWizard';
import type { PickItem, WizardUi } from '../../src/extension/cloud/importWizard';
import { VertexDatasets } from '../../src/cloud/vertex';
import type { ColumnProfile } from '../../src/core/training/tabular';
import { BUCKET, PROJECT, REGION, startTrainingEnv } from './trainingEnv';
import type { TrainingEnv } from './trainingEnv';

const DEF = 'gs://google-cloud-aiplatform/schema/trainingjob/definition/';
const ML = 'labels.aiplatform.googleapis.com/ml_use=';

function scripted(answers: Record<string, string | boolean>): WizardUi & { asked: string[]; details: string[] } {
  const asked: string[] = [];
  const details: string[] = [];
  return {
    asked,
    details,
    pick: async (title: string, items: PickItem[]) => {
      asked.push(title);
      if (!(title in answers)) throw new Error(`unexpected prompt "${title}"; asked so far: ${asked.join(' / ')}`);
      const item = items.find((i) => i.value === answers[title] || i.label === answers[title]);
      if (!item) throw new Error(`"${String(answers[title])}" is not offered for "${title}": ${items.map((i) => i.value).join(', ')}`);
      return item;
    },
    input: async (title: string, _prompt: string, value: string, validate: (v: string) => string | undefined) => {
      asked.push(title);
      const v = typeof answers[title] === 'string' ? (answers[title] as string) : value;
      const problem = validate(v);
      if (problem) throw new Error(`"${v}" for "${title}" is refused: ${problem}`);
      return v;
    },
    confirm: async (message: string, detail: string) => {
      asked.push(message);
      details.push(detail);
      return answers[message] !== false;
    },
    notify: async (_kind: string, message: string) => {
      asked.push(message);
      return undefined;
    },
  };
}

describe('editor wizards, scripted, against the local server', () => {
  let env: TrainingEnv;
  let target: TrainTarget;
  before(async () => {
    env = await startTrainingEnv();
    const vertex = new VertexDatasets(env.clients, PROJECT, REGION);
    target = { project: PROJECT, location: REGION, listDatasets: async () => (await vertex.listDatasets({ pageSize: 100 })).datasets, cloud: async () => env.cloud };
  });
  after(() => env?.stop());

  const base = (dataset: string, objective: string) => ({ 'Train on which dataset?': dataset, 'Training objective': objective, 'Training pipeline name': `${objective} via wizard` });
  const expectPipeline = (objective: string) => (r: Awaited<ReturnType<typeof trainWithAutoML>>) => {
    assert.ok(r, objective);
    assert.equal(r.pipeline.state, 'QUEUED');
    assert.equal(r.request.parent, `projects/${PROJECT}/locations/${REGION}`);
    assert.equal(r.request.trainingPipeline.displayName, `${objective} via wizard`);
    return r.request.trainingPipeline;
  };

  it('image objectives: model type, budget, early stopping, split', async () => {
    const cls = expectPipeline('image-classification-multi-label')(
      await trainWithAutoML(target, scripted({ ...base('flowers', 'image-classification-multi-label'), 'Model type': 'MOBILE_TF_HIGH_ACCURACY_1', 'Training budget (node hours)': '100', 'Early stopping': 'off', 'Data split': 'fraction', 'Split fractions': '0.7,0.2,0.1' })),
    );
    assert.equal(cls.trainingTaskDefinition, DEF + 'automl_image_classification_1.0.0.yaml');
    assert.deepEqual(cls.trainingTaskInputs, { modelType: 'MOBILE_TF_HIGH_ACCURACY_1', budgetMilliNodeHours: 100000, disableEarlyStopping: true, multiLabel: true });
    assert.deepEqual(cls.inputDataConfig, { datasetId: env.ds.images.id, fractionSplit: { trainingFraction: 0.7, validationFraction: 0.2, testFraction: 0.1 } });
    const od = expectPipeline('image-object-detection')(
      await trainWithAutoML(target, scripted({ ...base('street', 'image-object-detection'), 'Model type': 'CLOUD_LOW_LATENCY_1', 'Early stopping': 'on', 'Data split': 'filter' })),
    );
    assert.deepEqual(od.trainingTaskInputs, { modelType: 'CLOUD_LOW_LATENCY_1', budgetMilliNodeHours: 216000, disableEarlyStopping: false });
    assert.deepEqual(od.inputDataConfig.filterSplit, { trainingFilter: ML + 'training', validationFilter: ML + 'validation', testFilter: ML + 'test' });
    const ui = scripted({ ...base('scenes', 'image-segmentation'), 'Model type': 'CLOUD_HIGH_ACCURACY_1', 'Training budget (node hours)': '2000', 'Data split': 'fraction' });
    const seg = expectPipeline('image-segmentation')(await trainWithAutoML(target, ui));
    assert.ok(!ui.asked.includes('Early stopping'), 'segmentation has no early stopping option');
    assert.deepEqual(seg.trainingTaskInputs, { modelType: 'CLOUD_HIGH_ACCURACY_1', budgetMilliNodeHours: 2000000 });
    assert.match(ui.details[0], /Estimated cost: up to \$6,300\.00 \(2000 node hours × \$3\.15 per node hour\)/);
    await assert.rejects(
      trainWithAutoML(target, scripted({ ...base('flowers', 'image-classification-single-label'), 'Model type': 'CLOUD', 'Training budget (node hours)': '900' })),
      /"900" for "Training budget \(node hours\)" is refused: The budget must be from 8 to 800 node hours/,
    );
  });

  it('started from an import file: only datasets and objectives of its format are offered', async () => {
    const ui = scripted({ ...base('street', 'image-object-detection'), 'Model type': 'MOBILE_TF_LOW_LATENCY_1', 'Training budget (node hours)': '24', 'Early stopping': 'on', 'Data split': 'filter' });
    const offered: string[][] = [];
    const pick = ui.pick;
    ui.pick = async (title, items) => {
      offered.push(items.map((i) => i.label));
      return pick(title, items);
    };
    expectPipeline('image-object-detection')(await trainWithAutoML(target, ui, { format: 'image-bounding-box' }));
    assert.ok(offered[0].includes('street') && !offered[0].includes('customers') && !offered[0].includes('clips'), JSON.stringify(offered[0]));
    assert.deepEqual(offered[1], ['Image object detection']);
    await assert.rejects(trainWithAutoML(target, scripted({}), { format: 'text-extraction' }).then(() => undefined), /unexpected prompt "Train on which dataset\?"/);
  });

  it('video objectives: no budget step; the ml_use split has "-" for validation', async () => {
    for (const [objective, dataset, modelType, file] of [
      ['video-classification', 'clips', 'MOBILE_JETSON_VERSATILE_1', 'automl_video_classification_1.0.0.yaml'],
      ['video-action-recognition', 'actions', 'MOBILE_CORAL_VERSATILE_1', 'automl_video_action_recognition_1.0.0.yaml'],
      ['video-object-tracking', 'tracks', 'MOBILE_CORAL_LOW_LATENCY_1', 'automl_video_object_tracking_1.0.0.yaml'],
    ]) {
      const ui = scripted({ ...base(dataset, objective), 'Model type': modelType, 'Data split': 'filter' });
      const tp = expectPipeline(objective)(await trainWithAutoML(target, ui));
      assert.deepEqual(ui.asked.slice(0, 4), ['Train on which dataset?', 'Training objective', 'Model type', 'Data split']);
      assert.equal(tp.trainingTaskDefinition, DEF + file);
      assert.deepEqual(tp.trainingTaskInputs, { modelType });
      assert.deepEqual(tp.inputDataConfig.filterSplit, { trainingFilter: ML + 'training', validationFilter: '-', testFilter: ML + 'test' });
      assert.match(ui.details[0], /about \$6\.30 per node hour; .* takes no budget/);
    }
  });

  it('tabular classification with a column profile: target picked from the columns, objective for a binary target with its precision value, stratified split', async () => {
    const profiles: ColumnProfile[] = [
      { name: 'age', inferredType: 'numeric', nulls: 0, distinct: 50, rows: 1200 },
      { name: 'job', inferredType: 'categorical', nulls: 0, distinct: 3, rows: 1200 },
      { name: 'churned', inferredType: 'categorical', nulls: 0, distinct: 2, rows: 1200 },
      { name: 'weight', inferredType: 'numeric', nulls: 0, distinct: 1, rows: 1200 },
      { name: 'split', inferredType: 'categorical', nulls: 0, distinct: 3, rows: 1200 },
      { name: 'signup', inferredType: 'timestamp', nulls: 0, distinct: 9, rows: 1200 },
    ];
    const ui = scripted({
      ...base('customers', 'tabular-classification'),
      'Training budget (node hours)': '2',
      'Early stopping': 'on',
      'Target column': 'churned',
      'Optimization objective': 'maximize-recall-at-precision',
      'Precision to hold': '0.95',
      'Weight column (optional)': 'weight',
      'Data split': 'stratified',
      'Stratify by column': 'split',
      'Split fractions': '0.8,0.1,0.1',
    });
    const tp = expectPipeline('tabular-classification')(await trainWithAutoML(target, ui, { profiles }));
    assert.ok(!ui.asked.includes('How many classes does the target have?'), 'the profile knows the target has two values');
    assert.deepEqual(tp.trainingTaskInputs, {
      predictionType: 'classification',
      targetColumn: 'churned',
      transformations: [{ numeric: { columnName: 'age' } }, { categorical: { columnName: 'job' } }, { timestamp: { columnName: 'signup' } }],
      optimizationObjective: 'maximize-recall-at-precision',
      optimizationObjectivePrecisionValue: 0.95,
      trainBudgetMilliNodeHours: 2000,
      disableEarlyStopping: false,
      weightColumnName: 'weight',
    });
    assert.deepEqual(tp.inputDataConfig, { datasetId: env.ds.tabular.id, stratifiedSplit: { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1, key: 'split' } });
    assert.match(ui.details[0], /Estimated cost: up to \$38\.64 \(2 node hours × \$19\.32 per node hour\)/);
  });

  it('tabular regression without a profile: typed columns; multi-class classification offers only log loss', async () => {
    const reg = expectPipeline('tabular-regression')(
      await trainWithAutoML(target, scripted({ ...base('customers', 'tabular-regression'), 'Training budget (node hours)': '1', 'Early stopping': 'off', 'Target column': 'age', 'Optimization objective': 'minimize-rmsle', 'Weight column (optional)': '', 'Feature columns': 'job, signup, age', 'Data split': 'predefined', 'Split column': 'split' })),
    );
    assert.deepEqual(reg.trainingTaskInputs, {
      predictionType: 'regression', targetColumn: 'age', transformations: [{ auto: { columnName: 'job' } }, { auto: { columnName: 'signup' } }],
      optimizationObjective: 'minimize-rmsle', trainBudgetMilliNodeHours: 1000, disableEarlyStopping: true,
    });
    assert.deepEqual(reg.inputDataConfig, { datasetId: env.ds.tabular.id, predefinedSplit: { key: 'split' } });
    await assert.rejects(
      trainWithAutoML(target, scripted({ ...base('customers', 'tabular-classification'), 'Training budget (node hours)': '1', 'Early stopping': 'on', 'Target column': 'job', 'How many classes does the target have?': '3', 'Optimization objective': 'maximize-au-roc' })),
      /"maximize-au-roc" is not offered for "Optimization objective": minimize-log-loss$/,
    );
  });

  it('forecasting: time, series, granularity with quantity, horizon, quantile loss', async () => {
    const ui = scripted({
      ...base('sales', 'forecasting'),
      'Training budget (node hours)': '3',
      'Target column': 'sales',
      'Time column': 'date',
      'Time series identifier column': 'store',
      'Data granularity': 'minute',
      'Every how many minutes?': '15',
      'Forecast horizon': '96',
      'Optimization objective': 'minimize-quantile-loss',
      Quantiles: '0.1,0.5,0.9',
      'Feature columns': 'promo, date',
      'Data split': 'timestamp',
      'Timestamp column': 'date',
      'Split fractions': '0.8,0.1,0.1',
    });
    const tp = expectPipeline('forecasting')(await trainWithAutoML(target, ui));
    assert.ok(!ui.asked.includes('Early stopping'));
    assert.deepEqual(tp.trainingTaskInputs, {
      targetColumn: 'sales', timeSeriesIdentifierColumn: 'store', timeColumn: 'date',
      transformations: [{ auto: { columnName: 'promo' } }, { auto: { columnName: 'date' } }],
      optimizationObjective: 'minimize-quantile-loss', trainBudgetMilliNodeHours: 3000, dataGranularity: { unit: 'minute', quantity: 15 }, forecastHorizon: 96, quantiles: [0.1, 0.5, 0.9],
    });
    assert.equal(tp.trainingTaskDefinition, DEF + 'automl_time_series_forecasting_1.0.0.yaml');
    assert.deepEqual(tp.inputDataConfig, { datasetId: env.ds.series.id, timestampSplit: { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1, key: 'date' } });
  });

  it('text datasets: the objective is refused with the discontinuation explanation; declining the review launches nothing', async () => {
    const ui = scripted({ 'Train on which dataset?': 'reviews', 'Training objective': 'text-sentiment' });
    assert.equal(await trainWithAutoML(target, ui), undefined);
    assert.match(ui.asked[ui.asked.length - 1], /^AutoML text training was discontinued on 15 September 2024/);
    const before = env.store.pipelines.size;
    const no = scripted({ ...base('flowers', 'image-classification-single-label'), 'Model type': 'CLOUD', 'Early stopping': 'on', 'Data split': 'filter', 'Launch AutoML training "image-classification-single-label via wizard"?': false });
    assert.equal(await trainWithAutoML(target, no), undefined);
    assert.equal(env.store.pipelines.size, before);
  });

  it('Create Labeling Job: pools listed from the server, the PDF uploaded, active learning, the estimate on review', async () => {
    const pool = env.store.addPool(PROJECT, REGION, 'florists', ['m@example.com']);
    const uploads: string[] = [];
    const ui = scripted({
      'Label which dataset?': 'flowers',
      'Labeling task': 'image-classification',
      Labels: 'daisy, rose, tulip',
      'Instructions for the labelers (PDF)': 'file:docs/guide.pdf',
      'Upload the instructions to': `gs://${BUCKET}/labeling`,
      'Labelers per item': '5',
      'Specialist pool': 'florists',
      'Active learning': 'count',
      'Items to label at most': '40',
      'Batch sample percentages (optional)': '10,5',
      'Labeling job name': 'flowers round 2',
    });
    const result = await createLabelingJob(
      {
        ...target,
        listPdfs: async () => [{ path: 'docs/guide.pdf', read: async () => Buffer.from('%PDF-1.4\nguide') }],
        upload: async (uri, data) => {
          uploads.push(uri);
          const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)!;
          env.blobs.put(m[1], m[2], Buffer.from(data), 'application/pdf');
        },
      },
      ui,
    );
    assert.ok(result);
    // Named by the PDF's bytes: the review showed this URI before anything was uploaded.
    assert.deepEqual(uploads, [`gs://${BUCKET}/labeling/labeling-instructions/guide-1b44dadf.pdf`]);
    assert.match(ui.details[0], /Instructions: gs:\/\/\S+\/labeling\/labeling-instructions\/guide-1b44dadf\.pdf \(uploaded from docs\/guide\.pdf\)/);
    assert.deepEqual(result.request.dataLabelingJob, {
      displayName: 'flowers round 2',
      datasets: [`projects/${PROJECT}/locations/${REGION}/datasets/${env.ds.images.id}`],
      labelerCount: 5,
      instructionUri: `gs://${BUCKET}/labeling/labeling-instructions/guide-1b44dadf.pdf`,
      inputsSchemaUri: 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/image_classification_1.0.0.yaml',
      inputs: { annotation_specs: ['daisy', 'rose', 'tulip'] },
      specialistPools: [env.store.poolName(pool)],
      activeLearningConfig: { maxDataItemCount: 40, sampleConfig: { sampleStrategy: 'UNCERTAINTY', initialBatchSamplePercentage: 10, followingBatchSamplePercentage: 5 } },
    });
    assert.equal(result.job.state, 'PENDING');
    // 40 items × $0.05–$0.08 × 2 (five labelers: +100%) × 2–10 (specialist pool)
    assert.match(ui.details[0], /Estimated labeling cost: \$8\.00–\$64\.00 .*ESTIMATE/s);
  });

  it('Create Labeling Job: when the upload lands beside a different file of the same name, the job points at it and the message says so', async () => {
    const ui = scripted({
      'Label which dataset?': 'flowers',
      'Labeling task': 'image-classification',
      Labels: 'daisy, rose',
      'Instructions for the labelers (PDF)': 'file:docs/guide.pdf',
      'Upload the instructions to': `gs://${BUCKET}/labeling`,
      'Labelers per item': '1',
      'Specialist pool': '',
      'Active learning': 'none',
      'Labeling job name': 'flowers round 3',
    });
    const moved = `gs://${BUCKET}/labeling/labeling-instructions/guide-0123abcd.pdf`;
    const result = await createLabelingJob(
      {
        ...target,
        listPdfs: async () => [{ path: 'docs/guide.pdf', read: async () => Buffer.from('%PDF-1.4\nnew guide') }],
        upload: async (_uri, data) => {
          env.blobs.put(BUCKET, 'labeling/labeling-instructions/guide-0123abcd.pdf', Buffer.from(data), 'application/pdf');
          return moved;
        },
      },
      ui,
    );
    assert.equal(result?.request.dataLabelingJob.instructionUri, moved);
    assert.ok(ui.asked.some((m) => m.includes(`gs://${BUCKET}/labeling/labeling-instructions/guide-51b733a3.pdf holds a different file, which was kept; the instructions are at ${moved}.`)), ui.asked.join('\n'));
  });
});
