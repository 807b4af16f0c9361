/**
 * Turns ModelService evaluations and slices into what the evaluation view shows: headline
 * metrics, the confusion matrix, and per-label precision/recall/F1 at the 0.5 threshold.
 */
import type { JsonValue } from './json';

export interface EvaluationViewModel {
  title: string;
  schema: string;
  headline: { name: string; value: number }[];
  confusion?: { labels: string[]; rows: number[][] };
  perLabel: { label: string; precision?: number; recall?: number; f1?: number; averagePrecision?: number }[];
}

const HEADLINE: [string, string][] = [
  ['auPrc', 'AU-PRC'],
  ['auRoc', 'AU-ROC'],
  ['logLoss', 'Log loss'],
  ['rootMeanSquaredError', 'RMSE'],
  ['meanAbsoluteError', 'MAE'],
  ['meanAbsolutePercentageError', 'MAPE'],
  ['rSquared', 'R²'],
  ['rootMeanSquaredLogError', 'RMSLE'],
  ['weightedAbsolutePercentageError', 'WAPE'],
  ['boundingBoxMeanAveragePrecision', 'Mean average precision (boxes)'],
];

type Obj = { [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** The confidence-metrics entry at threshold 0.5 (or the closest one). */
function atHalf(m: Obj): Obj | undefined {
  const list = Array.isArray(m.confidenceMetrics) ? m.confidenceMetrics.filter(isObj) : [];
  if (!list.length) return undefined;
  return list.reduce((best, x) => (Math.abs((num(x.confidenceThreshold) ?? 0) - 0.5) < Math.abs((num(best.confidenceThreshold) ?? 0) - 0.5) ? x : best));
}

/** Precision, recall and F1 of `metrics` at the 0.5 confidence threshold (or the closest one listed). */
export function metricsAtHalf(metrics: JsonValue): { threshold?: number; precision?: number; recall?: number; f1?: number } | undefined {
  const h = isObj(metrics) ? atHalf(metrics) : undefined;
  return h ? { threshold: num(h.confidenceThreshold), precision: num(h.precision), recall: num(h.recall), f1: num(h.f1Score) } : undefined;
}

/**
 * One line for a slice's metrics (a label's, for the CLI): precision, recall and F1 at the 0.5
 * threshold where the metrics list confidence thresholds; for object detection and tracking,
 * the mean average precision and the figures at 0.5 of each IoU threshold; for video action
 * recognition, the mean average precision of each window; otherwise the numeric fields by name.
 * Metrics of no known shape stay JSON.
 */
export function sliceMetricsText(metrics: JsonValue): string {
  const half = metricsAtHalf(metrics);
  if (half) return `precision ${half.precision} recall ${half.recall} F1 ${half.f1}`;
  if (!isObj(metrics)) return JSON.stringify(metrics);
  const parts: string[] = [];
  const boxMap = num(metrics.boundingBoxMeanAveragePrecision);
  if (boxMap !== undefined) parts.push(`mean average precision ${boxMap}`);
  for (const b of Array.isArray(metrics.boundingBoxMetrics) ? metrics.boundingBoxMetrics.filter(isObj) : []) {
    const iou = num(b.iouThreshold);
    const at = metricsAtHalf(b);
    const bits = [
      ...(boxMap === undefined && num(b.meanAveragePrecision) !== undefined ? [`mean average precision ${num(b.meanAveragePrecision)}`] : []),
      ...(at ? [`precision ${at.precision} recall ${at.recall} F1 ${at.f1} at confidence ${at.threshold}`] : []),
    ];
    if (bits.length) parts.push(`${bits.join(', ')}${iou !== undefined ? ` (IoU ${iou})` : ''}`);
  }
  for (const a of Array.isArray(metrics.videoActionMetrics) ? metrics.videoActionMetrics.filter(isObj) : []) {
    const m = num(a.meanAveragePrecision);
    if (m !== undefined) parts.push(`mean average precision ${m}${typeof a.precisionWindowLength === 'string' ? ` (${a.precisionWindowLength} window)` : ''}`);
  }
  if (!parts.length) {
    for (const [k, v] of Object.entries(metrics)) if (num(v) !== undefined) parts.push(`${k} ${num(v)}`);
  }
  return parts.length ? parts.join('; ') : JSON.stringify(metrics);
}

export function evaluationViewModel(
  evaluation: { displayName: string; metricsSchemaUri: string; metrics: JsonValue },
  slices: { dimension: string; value: string; metrics: JsonValue }[],
): EvaluationViewModel {
  const m = isObj(evaluation.metrics) ? evaluation.metrics : {};
  const headline: { name: string; value: number }[] = [];
  for (const [k, name] of HEADLINE) {
    const v = num(m[k]);
    if (v !== undefined) headline.push({ name, value: v });
  }
  const half = atHalf(m);
  if (half) {
    for (const [k, name] of [['precision', 'Precision @0.5'], ['recall', 'Recall @0.5'], ['f1Score', 'F1 @0.5']] as const) {
      const v = num(half[k]);
      if (v !== undefined) headline.push({ name, value: v });
    }
  }
  let confusion: EvaluationViewModel['confusion'];
  const cm = m.confusionMatrix;
  if (isObj(cm) && Array.isArray(cm.annotationSpecs) && Array.isArray(cm.rows)) {
    const labels = cm.annotationSpecs.map((s) => (isObj(s) ? String(s.displayName ?? s.id ?? '') : ''));
    const rows = cm.rows.map((r) => (Array.isArray(r) ? r.map((x) => num(x) ?? 0) : []));
    if (rows.length === labels.length && rows.every((r) => r.length === labels.length)) confusion = { labels, rows };
  }
  const perLabel = slices
    .filter((s) => s.dimension === 'annotationSpec')
    .map((s) => {
      const sm = isObj(s.metrics) ? s.metrics : {};
      const h = atHalf(sm);
      const box = Array.isArray(sm.boundingBoxMetrics) ? sm.boundingBoxMetrics.find(isObj) : undefined;
      return {
        label: s.value,
        precision: h ? num(h.precision) : undefined,
        recall: h ? num(h.recall) : undefined,
        f1: h ? num(h.f1Score) : undefined,
        averagePrecision: num(sm.boundingBoxMeanAveragePrecision) ?? (box ? num(box.meanAveragePrecision) : undefined),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  return { title: evaluation.displayName, schema: evaluation.metricsSchemaUri.split('/').pop() ?? '', headline, confusion, perLabel };
}
