import { strict as assert } from 'node:assert';
import { evaluationViewModel, sliceMetricsText } from '../../../src/core/training/evaluation';

describe('evaluation view model', () => {
  it('classification: headline metrics, confusion matrix, per-label precision/recall/F1 at 0.5', () => {
    const vm = evaluationViewModel(
      {
        displayName: 'eval',
        metricsSchemaUri: 'gs://google-cloud-aiplatform/schema/modelevaluation/classification_metrics_1.0.0.yaml',
        metrics: {
          auPrc: 0.95, auRoc: 0.97, logLoss: 0.2,
          confidenceMetrics: [{ confidenceThreshold: 0.25, precision: 0.8, recall: 0.95, f1Score: 0.87 }, { confidenceThreshold: 0.5, precision: 0.9, recall: 0.9, f1Score: 0.9 }],
          confusionMatrix: { annotationSpecs: [{ displayName: 'cat' }, { displayName: 'dog' }], rows: [[9, 1], ['2', 8]] },
        },
      },
      [
        { dimension: 'annotationSpec', value: 'dog', metrics: { confidenceMetrics: [{ confidenceThreshold: 0.5, precision: 0.89, recall: 0.8, f1Score: 0.84 }] } },
        { dimension: 'annotationSpec', value: 'cat', metrics: { confidenceMetrics: [{ confidenceThreshold: 0.5, precision: 0.82, recall: 0.9, f1Score: 0.86 }] } },
        { dimension: 'other', value: 'x', metrics: {} },
      ],
    );
    assert.equal(vm.schema, 'classification_metrics_1.0.0.yaml');
    assert.deepEqual(vm.headline, [
      { name: 'AU-PRC', value: 0.95 }, { name: 'AU-ROC', value: 0.97 }, { name: 'Log loss', value: 0.2 },
      { name: 'Precision @0.5', value: 0.9 }, { name: 'Recall @0.5', value: 0.9 }, { name: 'F1 @0.5', value: 0.9 },
    ]);
    assert.deepEqual(vm.confusion, { labels: ['cat', 'dog'], rows: [[9, 1], [2, 8]] });
    assert.deepEqual(vm.perLabel.map((p) => [p.label, p.precision, p.recall, p.f1]), [['cat', 0.82, 0.9, 0.86], ['dog', 0.89, 0.8, 0.84]]);
  });
  it('regression and detection shapes; malformed matrices are dropped, never thrown on', () => {
    const r = evaluationViewModel({ displayName: '', metricsSchemaUri: 'x/regression_metrics_1.0.0.yaml', metrics: { rootMeanSquaredError: 3.2, rSquared: '0.8' } }, []);
    assert.deepEqual(r.headline, [{ name: 'RMSE', value: 3.2 }, { name: 'R²', value: 0.8 }]);
    const d = evaluationViewModel(
      { displayName: '', metricsSchemaUri: 'x/image_object_detection_metrics_1.0.0.yaml', metrics: { boundingBoxMeanAveragePrecision: 0.7, confusionMatrix: { annotationSpecs: [{}], rows: [[1, 2]] } } },
      [{ dimension: 'annotationSpec', value: 'car', metrics: { boundingBoxMetrics: [{ meanAveragePrecision: 0.66 }] } }],
    );
    assert.equal(d.confusion, undefined);
    assert.deepEqual(d.perLabel, [{ label: 'car', precision: undefined, recall: undefined, f1: undefined, averagePrecision: 0.66 }]);
    assert.deepEqual(evaluationViewModel({ displayName: '', metricsSchemaUri: '', metrics: null }, []).headline, []);
  });

  describe('sliceMetricsText (one label\'s line in `train evaluations`)', () => {
    it('classification: precision, recall and F1 at 0.5, as before', () => {
      assert.equal(sliceMetricsText({ confidenceMetrics: [{ confidenceThreshold: 0, precision: 0.1, recall: 1, f1Score: 0.2 }, { confidenceThreshold: 0.5, precision: 0.9, recall: 0.8, f1Score: 0.85 }] }), 'precision 0.9 recall 0.8 F1 0.85');
    });
    it('object detection: mean average precision and the figures at 0.5 per IoU threshold, not JSON', () => {
      assert.equal(
        sliceMetricsText({ boundingBoxMeanAveragePrecision: 0.71, boundingBoxMetrics: [
          { iouThreshold: 0.5, meanAveragePrecision: 0.71, confidenceMetrics: [{ confidenceThreshold: 0.3, precision: 0.6, recall: 0.9, f1Score: 0.72 }, { confidenceThreshold: 0.5, precision: 0.75, recall: 0.67, f1Score: 0.71 }] },
          { iouThreshold: 0.75, meanAveragePrecision: 0.5 },
        ] }),
        'mean average precision 0.71; precision 0.75 recall 0.67 F1 0.71 at confidence 0.5 (IoU 0.5)',
      );
      assert.equal(sliceMetricsText({ boundingBoxMetrics: [{ iouThreshold: 0.5, meanAveragePrecision: 0.66 }] }), 'mean average precision 0.66 (IoU 0.5)');
    });
    it('video action recognition per window; other numeric fields by name; anything else stays JSON', () => {
      assert.equal(sliceMetricsText({ videoActionMetrics: [{ precisionWindowLength: '1s', meanAveragePrecision: 0.6 }, { precisionWindowLength: '2s', meanAveragePrecision: 0.7 }] }), 'mean average precision 0.6 (1s window); mean average precision 0.7 (2s window)');
      assert.equal(sliceMetricsText({ meanAbsoluteError: 2.5, evaluatedCount: '120', note: 'x' }), 'meanAbsoluteError 2.5; evaluatedCount 120');
      assert.equal(sliceMetricsText({ note: 'x' }), '{"note":"x"}');
      assert.equal(sliceMetricsText(null), 'null');
    });
  });
});
