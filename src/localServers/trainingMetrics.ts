/**
 * Evaluation metrics for models the local server trains: deterministic per model (seeded by its
 * id), internally consistent (per-label precision/recall/F1 follow from the confusion matrix),
 * in the shapes of Vertex's model evaluation metrics schemas.
 */
import type { Json } from './value';

export const METRICS_SCHEMA = 'gs://google-cloud-aiplatform/schema/modelevaluation/';

/** mulberry32: small, seedable, good enough for plausible numbers. */
export function rng(seedText: string): () => number {
  let a = 0;
  for (const ch of seedText) a = (Math.imul(a ^ ch.charCodeAt(0), 2654435761) >>> 0) ^ (a >>> 13);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r4 = (n: number) => Math.round(n * 10000) / 10000;

export interface Evaluation {
  metricsSchemaUri: string;
  metrics: Json;
  sliceDimensions: string[];
  slices: { dimension: string; value: string; metrics: Json }[];
}

/** Classification (image, video, tabular): confusion matrix over the test items, per-label slices. */
export function classificationEvaluation(seed: string, labelCounts: Map<string, number>): Evaluation {
  const rand = rng(seed);
  const labels = [...labelCounts.keys()].sort();
  const n = labels.length;
  const rows = labels.map((l, i) => {
    // At least 5 test items per label, so small datasets still show some confusion.
    const test = Math.max(5, Math.round((labelCounts.get(l) ?? 0) * 0.1));
    const correct = Math.max(1, Math.round(test * (0.78 + rand() * 0.2)));
    const row = new Array<number>(n).fill(0);
    row[i] = correct;
    for (let k = 0; k < test - correct; k++) row[(i + 1 + Math.floor(rand() * Math.max(1, n - 1))) % n]++;
    return row;
  });
  const total = rows.flat().reduce((a, b) => a + b, 0);
  const slices = labels.map((label, i) => {
    const tp = rows[i][i];
    const fn = rows[i].reduce((a, b) => a + b, 0) - tp;
    const fp = rows.reduce((a, row) => a + row[i], 0) - tp;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const metrics: Json = {
      auPrc: r4(Math.min(0.999, 0.5 + precision * 0.48 + rand() * 0.02)),
      auRoc: r4(Math.min(0.999, 0.7 + recall * 0.28 + rand() * 0.02)),
      logLoss: r4(0.05 + (1 - f1) * 0.9),
      // Like Vertex's, the list runs over thresholds from 0 up; at 0 every item is predicted as the label.
      confidenceMetrics: [
        { confidenceThreshold: 0, precision: r4(total ? (tp + fn) / total : 0), recall: 1, f1Score: r4(total ? (2 * (tp + fn)) / (total + tp + fn) : 0) },
        { confidenceThreshold: 0.5, precision: r4(precision), recall: r4(recall), f1Score: r4(f1) },
        { confidenceThreshold: 0.9, precision: r4(precision + (1 - precision) * 0.5), recall: r4(recall * 0.7), f1Score: r4(((precision + (1 - precision) * 0.5) * recall * 1.4) / (precision + (1 - precision) * 0.5 + recall * 0.7 || 1)) },
      ],
    };
    return { dimension: 'annotationSpec', value: label, metrics, precision, recall, f1 };
  });
  const correct = rows.reduce((a, row, i) => a + row[i], 0);
  const micro = total ? correct / total : 0;
  const macroPrecision = slices.reduce((a, s) => a + s.precision, 0) / Math.max(1, n);
  const metrics: Json = {
    auPrc: r4(Math.min(0.999, 0.55 + macroPrecision * 0.43 + rand() * 0.01)),
    auRoc: r4(Math.min(0.999, 0.75 + micro * 0.23 + rand() * 0.01)),
    logLoss: r4(0.05 + (1 - micro) * 0.9),
    // At 0.5 the single-label micro precision and recall both equal the matrix's accuracy.
    confidenceMetrics: [0, 0.25, 0.5, 0.75, 0.9].map((t) => {
      const recall = Math.max(0, Math.min(1, micro - (t - 0.5) * 0.4));
      const precision = Math.max(0, Math.min(1, micro + (t - 0.5) * (1 - micro) * 1.6));
      return { confidenceThreshold: t, precision: r4(precision), recall: r4(recall), f1Score: r4((2 * precision * recall) / (precision + recall || 1)) };
    }),
    confusionMatrix: {
      annotationSpecs: labels.map((displayName) => ({ displayName })),
      rows: rows as unknown as Json[],
    },
  };
  return {
    metricsSchemaUri: METRICS_SCHEMA + 'classification_metrics_1.0.0.yaml',
    metrics,
    sliceDimensions: ['annotationSpec'],
    slices: slices.map(({ dimension, value, metrics: m }) => ({ dimension, value, metrics: m })),
  };
}

export function regressionEvaluation(seed: string, forecasting: boolean): Evaluation {
  const rand = rng(seed);
  const rmse = 2 + rand() * 8;
  const metrics: Json = {
    rootMeanSquaredError: r4(rmse),
    meanAbsoluteError: r4(rmse * (0.6 + rand() * 0.2)),
    meanAbsolutePercentageError: r4(5 + rand() * 15),
    rSquared: r4(0.7 + rand() * 0.25),
    rootMeanSquaredLogError: r4(0.05 + rand() * 0.2),
  };
  if (forecasting) (metrics as { [k: string]: Json }).weightedAbsolutePercentageError = r4(0.05 + rand() * 0.2);
  return { metricsSchemaUri: METRICS_SCHEMA + (forecasting ? 'forecasting_metrics_1.0.0.yaml' : 'regression_metrics_1.0.0.yaml'), metrics, sliceDimensions: [], slices: [] };
}

export function detectionEvaluation(seed: string, labels: string[], schema: 'image_object_detection' | 'video_object_tracking'): Evaluation {
  const rand = rng(seed);
  const map = 0.5 + rand() * 0.4;
  const per = (m: number): Json => ({ iouThreshold: 0.5, meanAveragePrecision: r4(m), confidenceMetrics: [{ confidenceThreshold: 0.5, recall: r4(m * 0.95), precision: r4(Math.min(1, m * 1.05)), f1Score: r4(m) }] });
  return {
    metricsSchemaUri: METRICS_SCHEMA + `${schema}_metrics_1.0.0.yaml`,
    metrics: { boundingBoxMeanAveragePrecision: r4(map), boundingBoxMetrics: [per(map)] },
    sliceDimensions: ['annotationSpec'],
    slices: labels.map((value) => {
      const m = Math.min(0.99, Math.max(0.1, map + (rand() - 0.5) * 0.2));
      return { dimension: 'annotationSpec', value, metrics: { boundingBoxMeanAveragePrecision: r4(m), boundingBoxMetrics: [per(m)] } };
    }),
  };
}

export function segmentationEvaluation(seed: string): Evaluation {
  const rand = rng(seed);
  const iou = 0.55 + rand() * 0.3;
  return {
    metricsSchemaUri: METRICS_SCHEMA + 'image_segmentation_metrics_1.0.0.yaml',
    metrics: { confidenceMetricsEntries: [0.3, 0.5, 0.7].map((t) => ({ confidenceThreshold: t, iouScore: r4(iou - t * 0.05), diceScoreCoefficient: r4(Math.min(0.99, iou + 0.08)), precision: r4(iou + 0.1 * t), recall: r4(iou + 0.1 - 0.1 * t) })) },
    sliceDimensions: [],
    slices: [],
  };
}

export function actionEvaluation(seed: string, labels: string[]): Evaluation {
  const rand = rng(seed);
  const map = 0.5 + rand() * 0.4;
  return {
    metricsSchemaUri: METRICS_SCHEMA + 'video_action_recognition_metrics_1.0.0.yaml',
    metrics: { evaluatedActionCount: 10 * Math.max(1, labels.length), videoActionMetrics: [{ precisionWindowLength: '1s', meanAveragePrecision: r4(map) }] },
    sliceDimensions: ['annotationSpec'],
    slices: labels.map((value) => ({ dimension: 'annotationSpec', value, metrics: { videoActionMetrics: [{ precisionWindowLength: '1s', meanAveragePrecision: r4(Math.min(0.99, map + (rand() - 0.5) * 0.2)) }] } })),
  };
}
