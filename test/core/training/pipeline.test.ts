import { strict as assert } from 'node:assert';
import type { TrainingOptions } from '../../../src/core/training/pipeline';
import { buildTrainingPipeline } from '../../../src/core/training/pipeline';
import { OBJECTIVES, OBJECTIVE_IDS, TEXT_DISCONTINUED, objectivesForFormat, objectivesForMetadataSchema } from '../../../src/core/training/objectives';
import type { ColumnProfile } from '../../../src/core/training/tabular';

const DEF = 'gs://google-cloud-aiplatform/schema/trainingjob/definition/';
const ML = 'labels.aiplatform.googleapis.com/ml_use=';
const base = { project: 'p1', location: 'us-central1', dataset: '123', displayName: 'run 1' };
const FRACTION = { fractionSplit: { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1 } };

function ok(o: Partial<TrainingOptions> & { objective: string }) {
  const r = buildTrainingPipeline({ ...base, ...o });
  if (!r.ok) assert.fail(`expected ok, got ${JSON.stringify(r.problems)}`);
  return r;
}
function problems(o: Partial<TrainingOptions> & { objective: string }) {
  const r = buildTrainingPipeline({ ...base, ...o });
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : r.problems;
}

const profiles: ColumnProfile[] = [
  { name: 'age', inferredType: 'numeric', nulls: 0, distinct: 70, rows: 5000 },
  { name: 'job', inferredType: 'categorical', nulls: 3, distinct: 12, rows: 5000 },
  { name: 'signup', inferredType: 'timestamp', nulls: 0, distinct: 4000, rows: 5000 },
  { name: 'notes', inferredType: 'text', nulls: 0, distinct: 4900, rows: 5000 },
  { name: 'churned', inferredType: 'categorical', nulls: 0, distinct: 2, rows: 5000 },
  { name: 'weight', inferredType: 'numeric', nulls: 0, distinct: 5, rows: 5000 },
  { name: 'split', inferredType: 'categorical', nulls: 0, distinct: 3, rows: 5000 },
];

describe('training pipeline builder: exact requests', () => {
  it('image classification single-label with defaults', () => {
    const r = ok({ objective: 'image-classification-single-label' });
    assert.deepEqual(r.request, {
      parent: 'projects/p1/locations/us-central1',
      trainingPipeline: {
        displayName: 'run 1',
        trainingTaskDefinition: DEF + 'automl_image_classification_1.0.0.yaml',
        trainingTaskInputs: { modelType: 'CLOUD', budgetMilliNodeHours: 192000, disableEarlyStopping: false, multiLabel: false },
        inputDataConfig: { datasetId: '123', ...FRACTION },
        modelToUpload: { displayName: 'run 1' },
      },
    });
    assert.equal(r.estimate?.maxUsd, 604.8);
    assert.equal(r.estimate?.estimate, true);
    assert.match(r.estimate!.text, /^Estimated cost: up to \$604\.80 \(192 node hours × \$3\.15 per node hour\)/);
  });

  it('image classification multi-label, mobile model, filter split, early stopping off, model id', () => {
    const r = ok({
      objective: 'image-classification-multi-label',
      dataset: 'projects/p1/locations/us-central1/datasets/999',
      modelType: 'MOBILE_TF_HIGH_ACCURACY_1',
      budgetNodeHours: 24,
      disableEarlyStopping: true,
      split: { kind: 'filter' },
      modelId: 'flowers_v2',
      modelDisplayName: 'flowers',
      labels: { team: 'vision' },
    });
    assert.deepEqual(r.request.trainingPipeline, {
      displayName: 'run 1',
      trainingTaskDefinition: DEF + 'automl_image_classification_1.0.0.yaml',
      trainingTaskInputs: { modelType: 'MOBILE_TF_HIGH_ACCURACY_1', budgetMilliNodeHours: 24000, disableEarlyStopping: true, multiLabel: true },
      inputDataConfig: { datasetId: '999', filterSplit: { trainingFilter: ML + 'training', validationFilter: ML + 'validation', testFilter: ML + 'test' } },
      modelToUpload: { displayName: 'flowers' },
      modelId: 'flowers_v2',
      labels: { team: 'vision' },
    });
  });

  it('object detection defaults to CLOUD_HIGH_ACCURACY_1 with 216 node hours', () => {
    const r = ok({ objective: 'image-object-detection', split: { kind: 'fraction', training: 0.7, validation: 0.15, test: 0.15 } });
    assert.equal(r.request.trainingPipeline.trainingTaskDefinition, DEF + 'automl_image_object_detection_1.0.0.yaml');
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs, { modelType: 'CLOUD_HIGH_ACCURACY_1', budgetMilliNodeHours: 216000, disableEarlyStopping: false });
    assert.deepEqual(r.request.trainingPipeline.inputDataConfig, { datasetId: '123', fractionSplit: { trainingFraction: 0.7, validationFraction: 0.15, testFraction: 0.15 } });
  });

  it('segmentation has no early stopping field and a 20-2,000 node hour range', () => {
    const r = ok({ objective: 'image-segmentation', modelType: 'CLOUD_LOW_ACCURACY_1', budgetNodeHours: 2000, baseModelId: 'm0' });
    assert.equal(r.request.trainingPipeline.trainingTaskDefinition, DEF + 'automl_image_segmentation_1.0.0.yaml');
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs, { modelType: 'CLOUD_LOW_ACCURACY_1', budgetMilliNodeHours: 2000000, baseModelId: 'm0' });
    assert.match(problems({ objective: 'image-segmentation', disableEarlyStopping: true })[0].message, /no early-stopping option/);
  });

  for (const [id, file, types] of [
    ['video-classification', 'automl_video_classification_1.0.0.yaml', ['CLOUD', 'MOBILE_VERSATILE_1', 'MOBILE_JETSON_VERSATILE_1']],
    ['video-action-recognition', 'automl_video_action_recognition_1.0.0.yaml', ['CLOUD', 'MOBILE_VERSATILE_1', 'MOBILE_JETSON_VERSATILE_1', 'MOBILE_CORAL_VERSATILE_1']],
    ['video-object-tracking', 'automl_video_object_tracking_1.0.0.yaml', ['CLOUD', 'MOBILE_VERSATILE_1', 'MOBILE_CORAL_VERSATILE_1', 'MOBILE_CORAL_LOW_LATENCY_1', 'MOBILE_JETSON_VERSATILE_1', 'MOBILE_JETSON_LOW_LATENCY_1']],
  ] as const) {
    it(`${id}: every model type, no budget, filter split with '-' validation`, () => {
      assert.deepEqual(OBJECTIVES[id].modelTypes.map((m) => m.id), types);
      for (const t of types) {
        const r = ok({ objective: id, modelType: t, split: { kind: 'filter' } });
        assert.deepEqual(r.request.trainingPipeline, {
          displayName: 'run 1',
          trainingTaskDefinition: DEF + file,
          trainingTaskInputs: { modelType: t },
          inputDataConfig: { datasetId: '123', filterSplit: { trainingFilter: ML + 'training', validationFilter: '-', testFilter: ML + 'test' } },
          modelToUpload: { displayName: 'run 1' },
        });
        assert.equal(r.estimate?.maxUsd, undefined);
        assert.match(r.estimate!.text, /\$6\.30 per node hour; .* takes no budget/);
      }
      assert.match(problems({ objective: id, budgetNodeHours: 5 })[0].message, /takes no training budget/);
      assert.match(problems({ objective: id, split: { kind: 'filter', validation: ML + 'validation' } })[0].message, /no validation set/);
    });
  }

  it('tabular classification: binary target, defaulted transformations, weight, stratified split', () => {
    const r = ok({
      objective: 'tabular-classification',
      targetColumn: 'churned',
      weightColumn: 'weight',
      columnProfiles: profiles,
      budgetNodeHours: 2,
      split: { kind: 'stratified', key: 'split', training: 0.8, validation: 0.1, test: 0.1 },
    });
    assert.deepEqual(r.request.trainingPipeline.trainingTaskDefinition, DEF + 'automl_tabular_1.0.0.yaml');
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs, {
      predictionType: 'classification',
      targetColumn: 'churned',
      transformations: [
        { numeric: { columnName: 'age' } },
        { categorical: { columnName: 'job' } },
        { timestamp: { columnName: 'signup' } },
        { text: { columnName: 'notes' } },
      ],
      optimizationObjective: 'maximize-au-roc',
      trainBudgetMilliNodeHours: 2000,
      disableEarlyStopping: false,
      weightColumnName: 'weight',
    });
    assert.deepEqual(r.request.trainingPipeline.inputDataConfig, {
      datasetId: '123',
      stratifiedSplit: { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1, key: 'split' },
    });
    assert.equal(r.estimate?.maxUsd, 38.64);
  });

  it('tabular classification: precision-at-recall carries the recall value; recall-at-precision the precision value', () => {
    const a = ok({ objective: 'tabular-classification', targetColumn: 'churned', columnProfiles: profiles, optimizationObjective: 'maximize-precision-at-recall', recallValue: 0.9 });
    assert.equal(a.request.trainingPipeline.trainingTaskInputs.optimizationObjectiveRecallValue, 0.9);
    assert.equal(a.request.trainingPipeline.trainingTaskInputs.optimizationObjectivePrecisionValue, undefined);
    const b = ok({ objective: 'tabular-classification', targetColumn: 'churned', columnProfiles: profiles, optimizationObjective: 'maximize-recall-at-precision', precisionValue: 0.75 });
    assert.equal(b.request.trainingPipeline.trainingTaskInputs.optimizationObjectivePrecisionValue, 0.75);
    const missing = problems({ objective: 'tabular-classification', targetColumn: 'churned', columnProfiles: profiles, optimizationObjective: 'maximize-precision-at-recall' });
    assert.equal(missing[0].field, 'trainingPipeline.trainingTaskInputs.optimizationObjectiveRecallValue');
    const stray = problems({ objective: 'tabular-classification', targetColumn: 'churned', columnProfiles: profiles, precisionValue: 0.5 });
    assert.match(stray[0].message, /only used with maximize-recall-at-precision/);
  });

  it('tabular classification: a multi-class target allows only minimize-log-loss', () => {
    const p = profiles.map((c) => (c.name === 'split' ? { ...c, nulls: 0 } : c));
    const r = ok({ objective: 'tabular-classification', targetColumn: 'split', columnProfiles: p, split: { kind: 'predefined', key: 'job' } });
    assert.equal(r.request.trainingPipeline.trainingTaskInputs.optimizationObjective, 'minimize-log-loss');
    assert.deepEqual(r.request.trainingPipeline.inputDataConfig, { datasetId: '123', predefinedSplit: { key: 'job' } });
    const bad = problems({ objective: 'tabular-classification', targetColumn: 'split', columnProfiles: p, optimizationObjective: 'maximize-au-roc' });
    assert.equal(bad[0].message, "'maximize-au-roc' is not an optimization objective for multi-class classification (3 classes); use one of: minimize-log-loss.");
  });

  it('tabular regression: explicit transformations, timestamp split, export of evaluated items', () => {
    const r = ok({
      objective: 'tabular-regression',
      targetColumn: 'age',
      columnProfiles: profiles,
      optimizationObjective: 'minimize-mae',
      transformations: [{ auto: { columnName: 'job' } }, { numeric: { columnName: 'weight', invalidValuesAllowed: true } }],
      split: { kind: 'timestamp', key: 'signup', training: 0.8, validation: 0.1, test: 0.1 },
      exportEvaluatedDataItemsTo: 'bq://p1:eval:items',
      disableEarlyStopping: true,
      budgetNodeHours: 72,
    });
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs, {
      predictionType: 'regression',
      targetColumn: 'age',
      transformations: [{ auto: { columnName: 'job' } }, { numeric: { columnName: 'weight', invalidValuesAllowed: true } }],
      optimizationObjective: 'minimize-mae',
      trainBudgetMilliNodeHours: 72000,
      disableEarlyStopping: true,
      exportEvaluatedDataItemsConfig: { destinationBigqueryUri: 'bq://p1:eval:items', overrideExistingTable: false },
    });
    assert.deepEqual(r.request.trainingPipeline.inputDataConfig, { datasetId: '123', timestampSplit: { trainingFraction: 0.8, validationFraction: 0.1, testFraction: 0.1, key: 'signup' } });
  });

  it('forecasting: exact inputs with granularity, horizon, context window, quantiles', () => {
    const fp: ColumnProfile[] = [
      { name: 'date', inferredType: 'timestamp', nulls: 0, distinct: 365 },
      { name: 'store', inferredType: 'categorical', nulls: 0, distinct: 40 },
      { name: 'sales', inferredType: 'numeric', nulls: 0, distinct: 9000 },
      { name: 'promo', inferredType: 'boolean', nulls: 0, distinct: 2 },
    ];
    const r = ok({
      objective: 'forecasting',
      targetColumn: 'sales',
      timeColumn: 'date',
      timeSeriesIdentifierColumn: 'store',
      columnProfiles: fp,
      granularityUnit: 'day',
      granularityQuantity: 1,
      forecastHorizon: 30,
      contextWindow: 30,
      optimizationObjective: 'minimize-quantile-loss',
      quantiles: [0.1, 0.5, 0.9],
      availableAtForecastColumns: ['date', 'promo'],
      unavailableAtForecastColumns: ['sales'],
      validationOptions: 'fail-pipeline',
    });
    assert.deepEqual(r.request.trainingPipeline.trainingTaskDefinition, DEF + 'automl_time_series_forecasting_1.0.0.yaml');
    assert.deepEqual(r.request.trainingPipeline.trainingTaskInputs, {
      targetColumn: 'sales',
      timeSeriesIdentifierColumn: 'store',
      timeColumn: 'date',
      transformations: [{ timestamp: { columnName: 'date' } }, { categorical: { columnName: 'promo' } }],
      optimizationObjective: 'minimize-quantile-loss',
      trainBudgetMilliNodeHours: 1000,
      dataGranularity: { unit: 'day', quantity: 1 },
      forecastHorizon: 30,
      contextWindow: 30,
      quantiles: [0.1, 0.5, 0.9],
      validationOptions: 'fail-pipeline',
      availableAtForecastColumns: ['date', 'promo'],
      unavailableAtForecastColumns: ['sales'],
    });
    assert.deepEqual(r.request.trainingPipeline.inputDataConfig, { datasetId: '123', ...FRACTION });
    assert.match(r.warnings[0], /chronologically/);
  });

  it('forecasting rejects bad granularity, missing horizon, non-numeric target and a stratified split', () => {
    const fp: ColumnProfile[] = [
      { name: 'date', inferredType: 'timestamp', nulls: 0, distinct: 365 },
      { name: 'store', inferredType: 'categorical', nulls: 0, distinct: 40 },
      { name: 'label', inferredType: 'categorical', nulls: 0, distinct: 4 },
    ];
    const ps = problems({
      objective: 'forecasting', targetColumn: 'label', timeColumn: 'date', timeSeriesIdentifierColumn: 'store', columnProfiles: fp,
      granularityUnit: 'minute', granularityQuantity: 7, split: { kind: 'stratified', key: 'store', training: 0.8, validation: 0.1, test: 0.1 },
    });
    const fields = ps.map((p) => p.field);
    assert.ok(fields.includes('trainingPipeline.trainingTaskInputs.dataGranularity.quantity'));
    assert.ok(fields.includes('trainingPipeline.trainingTaskInputs.forecastHorizon'));
    assert.ok(fields.includes('trainingPipeline.trainingTaskInputs.targetColumn'));
    assert.ok(fields.includes('trainingPipeline.inputDataConfig'));
    assert.equal(ps.find((p) => p.field.endsWith('quantity'))!.message, "A granularity of 7 minutes is not allowed; for 'minute' use 1, 5, 10, 15, 30.");
    const q = problems({ objective: 'forecasting', targetColumn: 'x', timeColumn: 't', timeSeriesIdentifierColumn: 's', transformations: [], granularityUnit: 'week', forecastHorizon: 4, optimizationObjective: 'minimize-quantile-loss', quantiles: [0.5, 0.5, 1] });
    assert.deepEqual(q.map((p) => p.message), ['Quantiles must be strictly between 0 and 1.', 'Quantiles must be unique.']);
  });
});

describe('training pipeline builder: rejections', () => {
  it('text objectives are refused with the discontinuation explanation', () => {
    for (const id of OBJECTIVE_IDS.filter((i) => i.startsWith('text-'))) {
      const ps = problems({ objective: id });
      assert.deepEqual(ps, [{ field: 'objective', message: TEXT_DISCONTINUED }]);
    }
    assert.match(TEXT_DISCONTINUED, /discontinued on 15 September 2024/);
  });

  it('unknown objective lists the trainable ones', () => {
    const ps = problems({ objective: 'image-captioning' });
    assert.match(ps[0].message, /^Unknown training objective 'image-captioning'; use one of: image-classification-single-label, /);
    assert.doesNotMatch(ps[0].message, /text-/);
  });

  it('budgets out of range per model type', () => {
    assert.equal(
      problems({ objective: 'image-classification-single-label', budgetNodeHours: 7 })[0].message,
      'The budget must be 8 to 800 node hours (8,000–800,000 milli node hours) for Image classification (single-label) (CLOUD); got 7 node hours. Default: 192.',
    );
    assert.match(problems({ objective: 'image-classification-single-label', modelType: 'MOBILE_TF_VERSATILE_1', budgetNodeHours: 101 })[0].message, /1 to 100 node hours/);
    assert.match(problems({ objective: 'image-object-detection', budgetNodeHours: 901 })[0].message, /20 to 900 node hours/);
    assert.match(problems({ objective: 'image-segmentation', budgetNodeHours: 19 })[0].message, /20 to 2,000 node hours/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', columnProfiles: profiles, budgetNodeHours: 73 })[0].message, /1 to 72 node hours/);
    ok({ objective: 'image-object-detection', modelType: 'MOBILE_TF_LOW_LATENCY_1', budgetNodeHours: 1 });
  });

  it('model types outside the objective, with the detection CLOUD hint', () => {
    const ps = problems({ objective: 'image-object-detection', modelType: 'CLOUD' });
    assert.match(ps[0].message, /'CLOUD' is CLOUD_HIGH_ACCURACY_1/);
    assert.match(problems({ objective: 'video-classification', modelType: 'MOBILE_CORAL_VERSATILE_1' })[0].message, /use one of: CLOUD, MOBILE_VERSATILE_1, MOBILE_JETSON_VERSATILE_1/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', columnProfiles: profiles, modelType: 'CLOUD' })[0].message, /has no model type/);
  });

  it('splits: fractions over 1, tabular splits on images, filter on tabular, empty filter', () => {
    assert.match(problems({ objective: 'image-classification-single-label', split: { kind: 'fraction', training: 0.9, validation: 0.1, test: 0.1 } })[0].message, /add up to 1\.1/);
    assert.match(problems({ objective: 'image-classification-single-label', split: { kind: 'fraction', training: -0.1, validation: 0.1, test: 0.1 } })[0].message, /from 0 to 1/);
    assert.match(problems({ objective: 'image-classification-single-label', split: { kind: 'predefined', key: 'x' } })[0].message, /not available .* use one of: fraction, filter/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', columnProfiles: profiles, split: { kind: 'filter' } })[0].message, /use one of: fraction, predefined, stratified, timestamp/);
    assert.match(problems({ objective: 'image-classification-single-label', split: { kind: 'filter', test: ' ' } })[0].message, /use '-' to match no data items/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', columnProfiles: profiles, split: { kind: 'timestamp', key: 'job', training: 0.8, validation: 0.1, test: 0.1 } })[0].message, /needs RFC 3339 timestamps/);
  });

  it('tabular target and column checks', () => {
    const ps = problems({ objective: 'tabular-classification', targetColumn: 'job', columnProfiles: profiles });
    assert.match(ps[0].message, /has 3 empty values/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'job', columnProfiles: profiles.map((p) => ({ ...p, nulls: 0 })) })[0].message, /Regression needs a numeric target/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'nope', columnProfiles: profiles })[0].message, /not a column of the source; columns are: age, job/);
    assert.match(problems({ objective: 'tabular-regression' })[0].message, /target column is required/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age' })[0].message, /Transformations are required/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', transformations: [{ auto: { columnName: 'a' } }, { numeric: { columnName: 'a' } }] })[0].message, /more than one transformation/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', weightColumn: 'job', columnProfiles: profiles })[0].message, /weight column 'job' must be numeric/);
    assert.match(problems({ objective: 'tabular-regression', targetColumn: 'age', columnProfiles: profiles, exportEvaluatedDataItemsTo: 'p1.eval' })[0].message, /bq:\/\/project:dataset:table/);
    assert.match(problems({ objective: 'image-segmentation', targetColumn: 'x' })[0].message, /only applies to tabular/);
  });

  it('names, ids, dataset in another region; every problem reported at once', () => {
    const ps = problems({
      objective: 'image-classification-single-label',
      displayName: 'x'.repeat(129),
      modelId: '9model',
      dataset: 'projects/p1/locations/europe-west4/datasets/5',
      budgetNodeHours: 1,
      project: '',
    });
    assert.deepEqual(ps.map((p) => p.field), [
      'parent',
      'trainingPipeline.inputDataConfig.datasetId',
      'trainingPipeline.displayName',
      'trainingPipeline.modelToUpload.displayName',
      'trainingPipeline.modelId',
      'trainingPipeline.trainingTaskInputs.budgetMilliNodeHours',
    ]);
  });
});

describe('objective catalog', () => {
  it('maps import formats and dataset metadata schemas to objectives', () => {
    assert.deepEqual(objectivesForFormat('tabular').map((o) => o.id), ['tabular-classification', 'tabular-regression', 'forecasting']);
    assert.deepEqual(objectivesForFormat('image-bounding-box').map((o) => o.id), ['image-object-detection']);
    assert.deepEqual(objectivesForMetadataSchema('gs://google-cloud-aiplatform/schema/dataset/metadata/video_1.0.0.yaml').map((o) => o.id), ['video-classification', 'video-action-recognition', 'video-object-tracking']);
    assert.deepEqual(objectivesForMetadataSchema('gs://google-cloud-aiplatform/schema/dataset/metadata/time_series_1.0.0.yaml').map((o) => o.id), ['forecasting']);
    assert.deepEqual(objectivesForMetadataSchema('gs://x/unknown.yaml'), []);
  });
  it('every model type has an explanation and every budgeted type a default inside its range', () => {
    for (const id of OBJECTIVE_IDS) {
      const o = OBJECTIVES[id];
      for (const m of o.modelTypes) {
        assert.ok(m.description.length > 20, `${id}/${m.id}`);
        if (m.budget) assert.ok(m.budget.min <= m.budget.default && m.budget.default <= m.budget.max);
      }
      assert.ok(o.definitionUri.startsWith(DEF) && o.definitionUri.endsWith('_1.0.0.yaml'));
    }
  });
});
