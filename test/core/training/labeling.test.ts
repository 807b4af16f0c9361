import { strict as assert } from 'node:assert';
import type { LabelingOptions } from '../../../src/core/training/labeling';
import { buildLabelingJob } from '../../../src/core/training/labeling';
import { buildCreateVersion, versionName } from '../../../src/core/training/versions';
import { estimateLabeling, estimateTraining } from '../../../src/core/training/cost';
import { OBJECTIVES } from '../../../src/core/training/objectives';

const base: LabelingOptions = {
  project: 'p1',
  location: 'us-central1',
  dataset: '42',
  displayName: 'flowers labeling',
  task: 'image-classification',
  labels: ['rose', 'tulip', 'daisy'],
  instructionUri: 'gs://bucket/instructions/flowers.pdf',
  labelerCount: 1,
};
const INPUTS = 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/';

describe('data labeling job builder', () => {
  it('image classification: exact request and estimate', () => {
    const r = buildLabelingJob({ ...base, itemCount: 1000, annotationSetName: 'set-a' });
    if (!r.ok) assert.fail(JSON.stringify(r.problems));
    assert.deepEqual(r.request, {
      parent: 'projects/p1/locations/us-central1',
      dataLabelingJob: {
        displayName: 'flowers labeling',
        datasets: ['projects/p1/locations/us-central1/datasets/42'],
        labelerCount: 1,
        instructionUri: 'gs://bucket/instructions/flowers.pdf',
        inputsSchemaUri: INPUTS + 'image_classification_1.0.0.yaml',
        inputs: { annotation_specs: ['rose', 'tulip', 'daisy'] },
        annotationLabels: { 'aiplatform.googleapis.com/annotation_set_name': 'set-a' },
      },
    });
    assert.deepEqual(r.warnings, []);
    assert.equal(r.estimate?.estimate, true);
    assert.deepEqual([r.estimate?.lowUsd, r.estimate?.highUsd], [50, 80]);
    assert.equal(r.estimate?.text, 'Estimated labeling cost: $50.00–$80.00 (1,000 images × $0.05–$0.08).');
  });

  it('segmentation inputs carry one color per label; 3 labelers and a specialist pool raise the estimate', () => {
    const pool = 'projects/p1/locations/us-central1/specialistPools/77';
    const r = buildLabelingJob({ ...base, task: 'image-segmentation', labels: ['sky', 'road'], colors: { road: { red: 0.2, green: 0.2, blue: 0.2 } }, labelerCount: 3, specialistPools: [pool], itemCount: 100 });
    if (!r.ok) assert.fail(JSON.stringify(r.problems));
    assert.equal(r.request.dataLabelingJob.inputsSchemaUri, INPUTS + 'image_segmentation_1.0.0.yaml');
    assert.deepEqual(r.request.dataLabelingJob.inputs, {
      annotationSpecColors: [
        { color: { red: 1, green: 0, blue: 0 }, displayName: 'sky' },
        { color: { red: 0.2, green: 0.2, blue: 0.2 }, displayName: 'road' },
      ],
    });
    assert.deepEqual(r.request.dataLabelingJob.specialistPools, [pool]);
    assert.equal(r.request.dataLabelingJob.labelerCount, 3);
    // 100 × $0.10–$0.15 × 1.5 (two extra labelers) × 2–10 (specialists)
    assert.deepEqual([r.estimate?.lowUsd, r.estimate?.highUsd], [30, 225]);
  });

  it('active learning with a percentage budget and batch samples', () => {
    const r = buildLabelingJob({ ...base, task: 'video-classification', itemCount: 200, activeLearning: { maxDataItemPercentage: 25, initialBatchSamplePercentage: 10, followingBatchSamplePercentage: 5, timeoutTrainingMilliHours: 8000 } });
    if (!r.ok) assert.fail(JSON.stringify(r.problems));
    assert.deepEqual(r.request.dataLabelingJob.activeLearningConfig, {
      maxDataItemPercentage: 25,
      sampleConfig: { sampleStrategy: 'UNCERTAINTY', initialBatchSamplePercentage: 10, followingBatchSamplePercentage: 5 },
      trainingConfig: { timeoutTrainingMilliHours: 8000 },
    });
    assert.equal(r.estimate?.units, 50);
    assert.equal(r.estimate?.unit, 'minute of video');
  });

  it('unverified schemas warn; bad values are all reported', () => {
    const w = buildLabelingJob({ ...base, task: 'image-bounding-box' });
    assert.equal(w.ok, true);
    assert.match(w.warnings[0], /not confirmed/);
    const r = buildLabelingJob({
      ...base,
      task: 'image-classification',
      labelerCount: 2,
      instructionUri: 'https://example.com/x.pdf',
      labels: [' '],
      specialistPools: ['pool-1'],
      activeLearning: { maxDataItemCount: 10, maxDataItemPercentage: 5 },
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.problems.map((p) => p.field), [
      'dataLabelingJob.instructionUri',
      'dataLabelingJob.labelerCount',
      'dataLabelingJob.inputs',
      'dataLabelingJob.specialistPools',
      'dataLabelingJob.activeLearningConfig',
    ]);
    assert.equal(r.problems[1].message, 'The labeler count must be 1, 3 or 5; got 2.');
    const t = buildLabelingJob({ ...base, task: 'audio' });
    assert.equal(t.ok, false);
    assert.match(t.ok ? '' : t.problems[0].message, /Unknown labeling task 'audio'; use one of: image-classification/);
    const al = buildLabelingJob({ ...base, activeLearning: { initialBatchSamplePercentage: 101 } });
    assert.deepEqual(al.ok ? [] : al.problems.map((p) => p.field), ['dataLabelingJob.activeLearningConfig', 'dataLabelingJob.activeLearningConfig.sampleConfig.initialBatchSamplePercentage']);
  });
});

describe('dataset version requests', () => {
  it('create carries the description as display name; restore needs a full version name', () => {
    const r = buildCreateVersion('p1', 'us-central1', '42', 'before relabel');
    assert.deepEqual(r.ok && r.request, { parent: 'projects/p1/locations/us-central1/datasets/42', datasetVersion: { displayName: 'before relabel' } });
    const long = buildCreateVersion('p1', 'us-central1', '42', 'x'.repeat(129));
    assert.equal(long.ok, false);
    assert.equal(buildCreateVersion('p1', 'us-central1', 'a/b').ok, false);
    assert.equal(versionName('p1', 'us-central1', '42', '7'), 'projects/p1/locations/us-central1/datasets/42/datasetVersions/7');
    assert.equal(versionName('p', 'l', 'x', 'projects/a/locations/b/datasets/c/datasetVersions/d'), 'projects/a/locations/b/datasets/c/datasetVersions/d');
    assert.equal(versionName('p', 'l', '42', 'bad id'), undefined);
  });
});

describe('cost estimates', () => {
  it('training: tabular and forecasting at $19.32 per node hour, video without budget', () => {
    assert.equal(estimateTraining(OBJECTIVES['tabular-regression'], 1000).maxUsd, 19.32);
    assert.equal(estimateTraining(OBJECTIVES.forecasting, 2500).maxUsd, 48.3);
    assert.doesNotMatch(estimateTraining(OBJECTIVES.forecasting, 2500).text, /early stopping/);
    const v = estimateTraining(OBJECTIVES['video-object-tracking']);
    assert.equal(v.maxUsd, undefined);
    assert.equal(v.usdPerNodeHour, 6.3);
  });
  it('labeling: text per document, five labelers +100%', () => {
    const e = estimateLabeling('text', 10, 5, false);
    assert.deepEqual([e.lowUsd, e.highUsd], [0.2, 0.6]);
    assert.match(e.text, /^Estimated labeling cost: \$0\.20–\$0\.60 \(10 documents × \$0\.01–\$0\.03, 5 labelers \(\+100%\)\)\.$/);
  });
});
