/**
 * google.cloud.aiplatform.v1.PipelineService (training pipelines) with Vertex-style validation:
 * known task definitions, `trainingTaskInputs` parsed against the definition's own proto message
 * (shipped in the SDK package) so unknown fields and bad enum names are rejected, required
 * fields and budget ranges, dataset type checks. A pipeline moves QUEUED → PENDING → RUNNING →
 * SUCCEEDED (uploading a Model with evaluations) or FAILED (data problems or injected faults);
 * cancel goes through CANCELLING to CANCELLED.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import type { ServerContext, ServiceModule } from './state';
import { Code, RpcError, page, parseName, parseParent, timestamp, unary } from './state';
import { protoIncludeDirs } from './protos';
import type { Json, WireValue } from './value';
import { fromWire, isObject, toWire } from './value';
import type { StoredDataset } from './datasetService';
import type { StoredModel, StoredPipeline, TrainingStore } from './trainingState';
import { PIPELINE_TERMINAL } from './trainingState';
import type { Evaluation } from './trainingMetrics';
import { actionEvaluation, classificationEvaluation, detectionEvaluation, regressionEvaluation, segmentationEvaluation } from './trainingMetrics';

const V1 = 'google.cloud.aiplatform.v1.';
const DEF = 'gs://google-cloud-aiplatform/schema/trainingjob/definition/';
const ML_USE = 'aiplatform.googleapis.com/ml_use';

interface DefinitionInfo {
  kind: string;
  message: string;
  dataType: string;
  budget?: (modelType: string) => [number, number] | undefined;
}

const imageBudget = (cloud: [number, number]) => (mt: string): [number, number] => (mt.startsWith('MOBILE') ? [1000, 100000] : cloud);
const PKG = 'google.cloud.aiplatform.v1.schema.trainingjob.definition.';
const PKG_BETA = 'google.cloud.aiplatform.v1beta1.schema.trainingjob.definition.';

export const DEFINITIONS: Record<string, DefinitionInfo> = {
  [DEF + 'automl_image_classification_1.0.0.yaml']: { kind: 'image_classification', message: PKG + 'AutoMlImageClassificationInputs', dataType: 'image', budget: imageBudget([8000, 800000]) },
  [DEF + 'automl_image_object_detection_1.0.0.yaml']: { kind: 'image_object_detection', message: PKG + 'AutoMlImageObjectDetectionInputs', dataType: 'image', budget: imageBudget([20000, 900000]) },
  [DEF + 'automl_image_segmentation_1.0.0.yaml']: { kind: 'image_segmentation', message: PKG + 'AutoMlImageSegmentationInputs', dataType: 'image', budget: () => [20000, 2000000] },
  [DEF + 'automl_tabular_1.0.0.yaml']: { kind: 'tables', message: PKG + 'AutoMlTablesInputs', dataType: 'tabular' },
  [DEF + 'automl_time_series_forecasting_1.0.0.yaml']: { kind: 'forecasting', message: PKG_BETA + 'AutoMlForecastingInputs', dataType: 'time_series' },
  [DEF + 'automl_video_classification_1.0.0.yaml']: { kind: 'video_classification', message: PKG + 'AutoMlVideoClassificationInputs', dataType: 'video' },
  [DEF + 'automl_video_action_recognition_1.0.0.yaml']: { kind: 'video_action_recognition', message: PKG + 'AutoMlVideoActionRecognitionInputs', dataType: 'video' },
  [DEF + 'automl_video_object_tracking_1.0.0.yaml']: { kind: 'video_object_tracking', message: PKG + 'AutoMlVideoObjectTrackingInputs', dataType: 'video' },
};

const TEXT_DEFINITIONS = ['automl_text_classification_1.0.0.yaml', 'automl_text_extraction_1.0.0.yaml', 'automl_text_sentiment_1.0.0.yaml'].map((f) => DEF + f);

const DATA_TYPE_OF_SCHEMA: Record<string, string> = {
  'image_1.0.0.yaml': 'image',
  'video_1.0.0.yaml': 'video',
  'text_1.0.0.yaml': 'text',
  'tabular_1.0.0.yaml': 'tabular',
  'time_series_1.0.0.yaml': 'time_series',
};

function datasetType(d: StoredDataset): string {
  return DATA_TYPE_OF_SCHEMA[d.metadataSchemaUri.slice(d.metadataSchemaUri.lastIndexOf('/') + 1)] ?? 'unknown';
}

let definitionRoot: protobuf.Root | undefined;
function definitions(): protobuf.Root {
  if (definitionRoot) return definitionRoot;
  const pb = require('protobufjs') as typeof protobuf;
  const dirs = protoIncludeDirs();
  const root = new pb.Root();
  root.resolvePath = (_o, target) => dirs.map((d) => path.join(d, target)).find((p) => fs.existsSync(p)) ?? target;
  const files: string[] = [];
  for (const [version, dir] of [['v1', 'google/cloud/aiplatform/v1/schema/trainingjob/definition'], ['v1beta1', 'google/cloud/aiplatform/v1beta1/schema/trainingjob/definition']]) {
    const base = dirs.map((d) => path.join(d, dir)).find((p) => fs.existsSync(p));
    if (!base) continue;
    for (const f of fs.readdirSync(base)) if (f.endsWith('.proto') && (version === 'v1' || f.includes('forecasting'))) files.push(`${dir}/${f}`);
  }
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  definitionRoot = root;
  return root;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Checks a JSON value against a proto message the way the JSON parser Vertex uses does. */
function checkMessage(type: protobuf.Type, value: Json, at: string): void {
  if (!isObject(value)) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${at}': expected an object.`);
  const seenOneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[camel(key)];
    if (!field) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`);
    const where = `${at}.${key}`;
    if (field.partOf) {
      const other = seenOneofs.get(field.partOf.name);
      if (other) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${at}': fields "${other}" and "${key}" belong to the same oneof ${field.partOf.name}; set only one.`);
      seenOneofs.set(field.partOf.name, key);
    }
    const items = field.repeated ? (Array.isArray(v) ? v : null) : [v];
    if (!items) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}': expected a list.`);
    for (const item of items) checkScalar(field, item, where);
  }
}

function checkScalar(field: protobuf.Field, v: Json, where: string): void {
  const rt = field.resolvedType;
  if (rt && 'values' in rt) {
    const e = rt as protobuf.Enum;
    if (typeof v !== 'string' || !(v in e.values)) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}' (type.${e.fullName.slice(1)}), "${String(v)}"; expected one of ${Object.keys(e.values).filter((k) => !k.endsWith('UNSPECIFIED')).join(', ')}.`);
    return;
  }
  if (rt) return checkMessage(rt as protobuf.Type, v, where);
  switch (field.type) {
    case 'string':
      if (typeof v !== 'string') throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}' (TYPE_STRING), ${JSON.stringify(v)}.`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}' (TYPE_BOOL), ${JSON.stringify(v)}.`);
      return;
    case 'double':
    case 'float':
      if (typeof v !== 'number') throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}' (TYPE_DOUBLE), ${JSON.stringify(v)}.`);
      return;
    default: {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid value at '${where}' (TYPE_INT64), ${JSON.stringify(v)}.`);
    }
  }
}

const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : undefined);
const bad = (message: string) => new RpcError(Code.INVALID_ARGUMENT, message);

const TABLE_OBJECTIVES: Record<string, string[]> = {
  classification: ['maximize-au-roc', 'minimize-log-loss', 'maximize-au-prc', 'maximize-precision-at-recall', 'maximize-recall-at-precision'],
  regression: ['minimize-rmse', 'minimize-mae', 'minimize-rmsle'],
};
const FORECAST_OBJECTIVES = ['minimize-rmse', 'minimize-mae', 'minimize-rmsle', 'minimize-rmspe', 'minimize-wape-mae', 'minimize-quantile-loss'];
const GRANULARITY: Record<string, number[]> = { minute: [1, 5, 10, 15, 30], hour: [1], day: [1], week: [1], month: [1], year: [1] };

/** The semantic rules on top of the proto shape (ranges and required fields the definitions document). */
function checkInputs(def: DefinitionInfo, inputs: { [k: string]: Json }): void {
  const at = 'training_pipeline.training_task_inputs';
  if (def.budget) {
    const mt = typeof inputs.modelType === 'string' ? inputs.modelType : 'CLOUD';
    const b = num(inputs.budgetMilliNodeHours);
    const range = def.budget(mt);
    if (b !== undefined && range && (b < range[0] || b > range[1])) {
      throw bad(`${at}.budget_milli_node_hours ${b} is out of range for model type ${mt}: it must be between ${range[0]} and ${range[1]}.`);
    }
  }
  if (def.kind === 'tables' || def.kind === 'forecasting') {
    const required = def.kind === 'tables' ? ['targetColumn', 'predictionType', 'transformations', 'trainBudgetMilliNodeHours'] : ['targetColumn', 'timeColumn', 'timeSeriesIdentifierColumn', 'transformations', 'trainBudgetMilliNodeHours', 'dataGranularity', 'forecastHorizon'];
    for (const k of required) if (inputs[k] === undefined || inputs[k] === '') throw bad(`Required field ${at}.${k} is missing.`);
    const b = num(inputs.trainBudgetMilliNodeHours) ?? 0;
    if (b < 1000 || b > 72000) throw bad(`${at}.train_budget_milli_node_hours ${b} is out of range: it must be between 1000 and 72000.`);
    if (!Array.isArray(inputs.transformations) || inputs.transformations.length === 0) throw bad(`${at}.transformations must list at least one column.`);
  }
  if (def.kind === 'tables') {
    const pt = String(inputs.predictionType);
    const allowed = TABLE_OBJECTIVES[pt];
    if (!allowed) throw bad(`${at}.prediction_type '${pt}' is invalid; use classification or regression.`);
    const obj = inputs.optimizationObjective;
    if (obj !== undefined && !allowed.includes(String(obj))) throw bad(`${at}.optimization_objective '${String(obj)}' is not valid for ${pt}; valid: ${allowed.join(', ')}.`);
    if (obj === 'maximize-precision-at-recall' && num(inputs.optimizationObjectiveRecallValue) === undefined) throw bad(`${at}.optimization_objective_recall_value is required for maximize-precision-at-recall.`);
    if (obj === 'maximize-recall-at-precision' && num(inputs.optimizationObjectivePrecisionValue) === undefined) throw bad(`${at}.optimization_objective_precision_value is required for maximize-recall-at-precision.`);
    for (const k of ['optimizationObjectiveRecallValue', 'optimizationObjectivePrecisionValue']) {
      const v = num(inputs[k]);
      if (v !== undefined && (v < 0 || v > 1)) throw bad(`${at}.${k} must be between 0 and 1.`);
    }
  }
  if (def.kind === 'forecasting') {
    const obj = inputs.optimizationObjective;
    if (obj !== undefined && !FORECAST_OBJECTIVES.includes(String(obj))) throw bad(`${at}.optimization_objective '${String(obj)}' is not valid for forecasting; valid: ${FORECAST_OBJECTIVES.join(', ')}.`);
    const g = isObject(inputs.dataGranularity) ? inputs.dataGranularity : {};
    const unit = String(g.unit ?? '');
    const qty = num(g.quantity) ?? 1;
    if (!GRANULARITY[unit]) throw bad(`${at}.data_granularity.unit '${unit}' is invalid; use minute, hour, day, week, month or year.`);
    if (!GRANULARITY[unit].includes(qty)) throw bad(`${at}.data_granularity.quantity ${qty} is invalid for unit ${unit}; allowed: ${GRANULARITY[unit].join(', ')}.`);
    if ((num(inputs.forecastHorizon) ?? 0) < 1) throw bad(`${at}.forecast_horizon must be at least 1.`);
    const q = Array.isArray(inputs.quantiles) ? inputs.quantiles.map((x) => num(x) ?? NaN) : [];
    if (obj === 'minimize-quantile-loss' && q.length === 0) throw bad(`${at}.quantiles is required for minimize-quantile-loss.`);
    if (q.length > 5 || q.some((x) => !(x > 0 && x < 1)) || new Set(q).size !== q.length) throw bad(`${at}.quantiles must hold at most 5 unique values strictly between 0 and 1.`);
  }
}

function checkSplit(cfg: Record<string, unknown>, def: DefinitionInfo): void {
  const at = 'training_pipeline.input_data_config';
  const structured = def.dataType === 'tabular' || def.dataType === 'time_series';
  const kinds = ['fractionSplit', 'filterSplit', 'predefinedSplit', 'timestampSplit', 'stratifiedSplit'].filter((k) => cfg[k] !== undefined && cfg[k] !== null);
  if (kinds.length > 1) throw bad(`${at} sets more than one split (${kinds.join(', ')}); set only one.`);
  const kind = kinds[0];
  if (!kind) return;
  const s = cfg[kind] as Record<string, unknown>;
  if (kind !== 'filterSplit' && kind !== 'predefinedSplit') {
    const f = ['trainingFraction', 'validationFraction', 'testFraction'].map((k) => Number(s[k] ?? 0));
    if (f.some((x) => x < 0 || x > 1) || f.reduce((a, b) => a + b, 0) > 1 + 1e-9) throw bad(`${at}.${kind}: fractions must be between 0 and 1 and sum to at most 1.`);
  }
  if (kind === 'filterSplit') {
    if (structured) throw bad(`${at}.filter_split is only supported for unstructured (image, text, video) datasets.`);
    for (const k of ['trainingFilter', 'validationFilter', 'testFilter']) if (typeof s[k] !== 'string' || s[k] === '') throw bad(`Required field ${at}.filter_split.${k} is missing; use "-" to match nothing.`);
  }
  if (kind === 'predefinedSplit' || kind === 'timestampSplit' || kind === 'stratifiedSplit') {
    if (!structured) throw bad(`${at}.${kind} is only supported for tabular datasets.`);
    if (typeof s.key !== 'string' || !s.key) throw bad(`Required field ${at}.${kind}.key is missing.`);
  }
}

/** Items matching a ListDataItems-style `labels.k=v` filter ("-" matches none). */
function matchesFilter(labels: Record<string, string>, filter: string): boolean {
  if (filter === '-') return false;
  return filter.split(/\s+AND\s+/i).every((t) => {
    const m = /^labels\.([\w./-]+)\s*=\s*"?([^"]*)"?$/.exec(t.trim());
    return m ? labels[m[1]] === m[2] : true;
  });
}

function csvHeaderAndRows(store: TrainingStore, d: StoredDataset): { header: string[]; rows: string[][] } | undefined {
  const meta = isObject(d.metadata) && isObject(d.metadata.inputConfig) ? d.metadata.inputConfig : undefined;
  const uris = meta && isObject(meta.gcsSource) && Array.isArray(meta.gcsSource.uri) ? (meta.gcsSource.uri as string[]) : undefined;
  if (!uris?.length) return undefined;
  const lines: string[] = [];
  let header: string[] | undefined;
  for (const u of [...uris].sort()) {
    const o = store.ctx.blobs.getUri(u).object;
    if (!o) continue;
    const ls = o.data.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    if (!header) header = (ls.shift() ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
    else if (ls[0] && ls[0].split(',').map((h) => h.trim().replace(/^"|"$/g, '')).join() === header.join()) ls.shift();
    lines.push(...ls);
  }
  return header ? { header, rows: lines.map((l) => l.split(',').map((c) => c.trim().replace(/^"|"$/g, ''))) } : undefined;
}

/** Decides how training ends: Vertex's data checks, then any injected failure, else success. */
function trainOutcome(store: TrainingStore, p: StoredPipeline): { error?: { code: number; message: string }; evaluation?: Evaluation } {
  const d = store.findDataset(`projects/${p.project}/locations/${p.location}/datasets/${String(p.inputDataConfig.datasetId)}`);
  if (!d) return { error: { code: Code.NOT_FOUND, message: `Dataset ${String(p.inputDataConfig.datasetId)} was deleted during training.` } };
  const seed = p.id;
  if (p.kind === 'tables' || p.kind === 'forecasting') {
    const table = csvHeaderAndRows(store, d);
    if (table) {
      const cols = [String(p.inputs.targetColumn), ...(p.kind === 'forecasting' ? [String(p.inputs.timeColumn), String(p.inputs.timeSeriesIdentifierColumn)] : [])];
      for (const t of (p.inputs.transformations as Json[]) ?? []) if (isObject(t)) for (const v of Object.values(t)) if (isObject(v)) cols.push(String(v.columnName));
      const missing = cols.filter((c) => !table.header.includes(c));
      if (missing.length) return { error: { code: Code.INVALID_ARGUMENT, message: `Column(s) ${missing.map((c) => `"${c}"`).join(', ')} not found in the dataset's schema (${table.header.join(', ')}).` } };
      if (table.rows.length < 1000) return { error: { code: Code.FAILED_PRECONDITION, message: `The dataset has ${table.rows.length} rows; AutoML training needs at least 1000 rows.` } };
      const ti = table.header.indexOf(String(p.inputs.targetColumn));
      const nulls = table.rows.filter((r) => (r[ti] ?? '') === '').length;
      if (nulls) return { error: { code: Code.FAILED_PRECONDITION, message: `The target column "${String(p.inputs.targetColumn)}" has ${nulls} rows with null values; every row needs a target.` } };
      if (p.kind === 'tables' && p.inputs.predictionType === 'classification') {
        const counts = new Map<string, number>();
        for (const r of table.rows) counts.set(r[ti], (counts.get(r[ti]) ?? 0) + 1);
        if (counts.size < 2 || counts.size > 500) return { error: { code: Code.FAILED_PRECONDITION, message: `The target column "${String(p.inputs.targetColumn)}" has ${counts.size} distinct values; classification needs 2 to 500.` } };
        return { evaluation: classificationEvaluation(seed, counts) };
      }
    }
    // A BigQuery source is not readable here: a binary classifier gets generic class names.
    if (p.kind === 'tables' && p.inputs.predictionType === 'classification') return { evaluation: classificationEvaluation(seed, new Map([['false', 600], ['true', 400]])) };
    return { evaluation: regressionEvaluation(seed, p.kind === 'forecasting') };
  }
  // Unstructured: the split's training set must not be empty; labels need enough examples.
  const items = [...d.items.values()];
  const filter = isObject(p.inputDataConfig.filterSplit as Json) ? (p.inputDataConfig.filterSplit as Record<string, string>) : undefined;
  if (filter && !items.some((i) => matchesFilter(i.labels, filter.trainingFilter))) {
    return { error: { code: Code.FAILED_PRECONDITION, message: `The training filter "${filter.trainingFilter}" matched no data items; assign ${ML_USE} labels at import or use a fraction split.` } };
  }
  const counts = new Map<string, number>();
  for (const i of items) {
    const seen = new Set<string>();
    for (const a of i.annotations) {
      const name = a.payload.displayName;
      if (typeof name === 'string' && !seen.has(name)) seen.add(name), counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  if (p.kind === 'image_classification' || p.kind === 'video_classification') {
    if (counts.size < 2) return { error: { code: Code.FAILED_PRECONDITION, message: `The dataset has ${counts.size} label(s); classification needs at least 2 labels.` } };
    if (p.kind === 'image_classification') {
      const few = [...counts].filter(([, n]) => n < 10);
      if (few.length) return { error: { code: Code.FAILED_PRECONDITION, message: `Each label needs at least 10 images; too few for: ${few.map(([l, n]) => `${l} (${n})`).join(', ')}.` } };
    }
    return { evaluation: classificationEvaluation(seed, counts) };
  }
  if (p.kind === 'image_object_detection' || p.kind === 'video_object_tracking') {
    const boxes = items.reduce((a, i) => a + i.annotations.length, 0);
    if (boxes < 10) return { error: { code: Code.FAILED_PRECONDITION, message: `The dataset has ${boxes} bounding box annotations; at least 10 are needed.` } };
    return { evaluation: detectionEvaluation(seed, [...counts.keys()].sort(), p.kind === 'image_object_detection' ? 'image_object_detection' : 'video_object_tracking') };
  }
  if (p.kind === 'video_action_recognition') {
    if (counts.size < 1) return { error: { code: Code.FAILED_PRECONDITION, message: 'The dataset has no action annotations.' } };
    return { evaluation: actionEvaluation(seed, [...counts.keys()].sort()) };
  }
  if (items.length === 0) return { error: { code: Code.FAILED_PRECONDITION, message: 'The dataset has no data items.' } };
  return { evaluation: segmentationEvaluation(seed) };
}

/** What ExportModel offers per model type (empty: not exportable, like every CLOUD type). */
export function exportFormatsFor(kind: string, modelType: string): { id: string; exportableContents: string[] }[] {
  const art = (...ids: string[]) => ids.map((id) => ({ id, exportableContents: ['ARTIFACT'] }));
  if (kind === 'tables') return art('tf-saved-model');
  if (!modelType.startsWith('MOBILE')) return [];
  if (kind === 'image_classification') return art('tflite', 'edgetpu-tflite', 'tf-saved-model', 'tf-js', 'core-ml');
  if (kind === 'image_object_detection') return art('tflite', 'edgetpu-tflite', 'tf-saved-model', 'tf-js');
  if (kind === 'image_segmentation') return art('tflite', 'tf-saved-model');
  if (modelType.includes('CORAL')) return art('edgetpu-tflite', 'tflite');
  if (modelType.includes('JETSON')) return art('tf-saved-model');
  return art('tflite', 'tf-saved-model');
}

function finish(store: TrainingStore, p: StoredPipeline): NonNullable<StoredPipeline['outcome']> {
  const d = store.durations;
  const at = p.created + d.queued + d.pending + d.running;
  const cost = num(p.inputs.budgetMilliNodeHours ?? p.inputs.trainBudgetMilliNodeHours);
  const injected = store.nextPipelineFailure;
  store.nextPipelineFailure = undefined;
  const result = injected ? { error: injected } : trainOutcome(store, p);
  if (result.error) return { state: 'PIPELINE_STATE_FAILED', at, error: result.error, costMilliNodeHours: cost ? Math.round(cost * 0.1) : undefined };
  const mt = typeof p.inputs.modelType === 'string' ? p.inputs.modelType : p.kind.toUpperCase();
  const m: StoredModel = {
    id: p.modelId ?? store.ctx.nextId(),
    project: p.project,
    location: p.location,
    displayName: String(p.modelToUpload.displayName ?? p.displayName),
    pipelineName: store.pipelineName(p),
    modelType: mt,
    exportFormats: exportFormatsFor(p.kind, mt),
    evaluations: [],
    created: at,
    labels: (p.modelToUpload.labels as Record<string, string>) ?? {},
  };
  const e = result.evaluation;
  if (e) {
    m.evaluations.push({
      id: store.ctx.nextId(),
      displayName: `${m.displayName} evaluation`,
      metricsSchemaUri: e.metricsSchemaUri,
      metrics: e.metrics,
      sliceDimensions: e.sliceDimensions,
      slices: e.slices.map((s) => ({ ...s, id: store.ctx.nextId() })),
      created: at,
    });
  }
  store.models.set(store.modelName(m), m);
  return { state: 'PIPELINE_STATE_SUCCEEDED', at, modelName: store.modelName(m), costMilliNodeHours: cost ? Math.round(cost * 0.85) : undefined };
}

/** The pipeline's state now, finishing training (and uploading the model) when it is due. */
export function settlePipeline(store: TrainingStore, p: StoredPipeline): string {
  return store.pipelineState(p, (x) => finish(store, x));
}

export function pipelineProto(store: TrainingStore, p: StoredPipeline): object {
  const state = settlePipeline(store, p);
  const out: Record<string, unknown> = {
    name: store.pipelineName(p),
    displayName: p.displayName,
    trainingTaskDefinition: p.definition,
    trainingTaskInputs: toWire(p.inputs),
    inputDataConfig: p.inputDataConfig,
    modelToUpload: { ...p.modelToUpload, ...(p.outcome?.modelName ? { name: p.outcome.modelName } : {}) },
    state,
    createTime: timestamp(p.created),
    updateTime: timestamp(p.outcome?.at ?? p.cancelRequested ?? p.updated),
    labels: p.labels,
  };
  if (p.modelId) out.modelId = p.modelId;
  const start = store.startTime(p);
  if (start !== undefined) out.startTime = timestamp(start);
  if (p.outcome) {
    out.endTime = timestamp(p.outcome.at);
    if (p.outcome.error) out.error = { code: p.outcome.error.code, message: p.outcome.error.message, details: [] };
    if (p.outcome.costMilliNodeHours !== undefined) {
      const cost = String(p.outcome.costMilliNodeHours);
      const meta: Json =
        p.kind === 'tables' || p.kind === 'forecasting'
          ? { trainCostMilliNodeHours: cost }
          : p.outcome.state === 'PIPELINE_STATE_SUCCEEDED'
            ? { costMilliNodeHours: cost, successfulStopReason: 'MODEL_CONVERGED' }
            : { costMilliNodeHours: cost };
      out.trainingTaskMetadata = toWire(meta);
    }
  }
  return out;
}

function listFilter(filter: string | undefined): (p: StoredPipeline, state: string) => boolean {
  if (!filter?.trim()) return () => true;
  const terms = filter.split(/\s+AND\s+/i).map((t) => {
    const m = /^(display_name|state|training_task_definition|labels\.[\w.-]+)\s*(!=|=|:)\s*"?([^"]*)"?$/.exec(t.trim());
    if (!m) throw bad(`Invalid filter '${filter}': cannot parse '${t}'. Supported: display_name, state, training_task_definition, labels.KEY with =, != or :.`);
    return { key: m[1], op: m[2], value: m[3] };
  });
  return (p, state) =>
    terms.every(({ key, op, value }) => {
      const actual = key === 'display_name' ? p.displayName : key === 'state' ? state : key === 'training_task_definition' ? p.definition : p.labels[key.slice(7)];
      if (op === ':') {
        if (value === '*') return actual !== undefined;
        const re = new RegExp('^' + value.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
        return actual !== undefined && re.test(actual);
      }
      return op === '=' ? actual === value : actual !== value;
    });
}

export function pipelineService(ctx: ServerContext, store: TrainingStore): grpc.UntypedServiceImplementation {
  const find = (name: unknown): StoredPipeline => {
    const ids = parseName(ctx, name as string | undefined, 'projects/{p}/locations/{l}/trainingPipelines/{t}');
    const p = store.pipelines.get(`projects/${ids.p}/locations/${ids.l}/trainingPipelines/${ids.t}`);
    if (!p || p.deleted) throw new RpcError(Code.NOT_FOUND, `TrainingPipeline ${String(name)} not found.`);
    return p;
  };
  return {
    CreateTrainingPipeline: unary(ctx, 'CreateTrainingPipeline', ({ request }) => {
      const parent = parseParent(ctx, request.parent as string | undefined);
      const tp = (request.trainingPipeline ?? {}) as Record<string, unknown>;
      const displayName = typeof tp.displayName === 'string' ? tp.displayName : '';
      if (!displayName) throw bad('Required field training_pipeline.display_name is missing.');
      if (displayName.length > 128) throw bad(`training_pipeline.display_name is ${displayName.length} characters; at most 128 are allowed.`);
      const definition = typeof tp.trainingTaskDefinition === 'string' ? tp.trainingTaskDefinition : '';
      if (!definition) throw bad('Required field training_pipeline.training_task_definition is missing.');
      if (TEXT_DEFINITIONS.includes(definition)) throw new RpcError(Code.FAILED_PRECONDITION, 'AutoML text training is no longer supported (discontinued on 15 September 2024). Use Gemini tuning or custom training.');
      const def = DEFINITIONS[definition];
      if (!def) throw bad(`training_pipeline.training_task_definition '${definition}' is not a supported AutoML training task definition; expected one of ${Object.keys(DEFINITIONS).join(', ')}.`);
      if (!tp.trainingTaskInputs) throw bad('Required field training_pipeline.training_task_inputs is missing.');
      const inputs = fromWire(tp.trainingTaskInputs as WireValue);
      if (!isObject(inputs)) throw bad('training_pipeline.training_task_inputs must be a struct.');
      checkMessage(definitions().lookupType(def.message), inputs, 'training_pipeline.training_task_inputs');
      checkInputs(def, inputs);
      const cfg = (tp.inputDataConfig ?? {}) as Record<string, unknown>;
      const datasetId = typeof cfg.datasetId === 'string' ? cfg.datasetId : '';
      if (!datasetId) throw bad('Required field training_pipeline.input_data_config.dataset_id is missing: AutoML training needs a managed dataset.');
      if (!/^[0-9A-Za-z_-]+$/.test(datasetId)) throw bad(`training_pipeline.input_data_config.dataset_id '${datasetId}' must be the dataset's id, not its resource name.`);
      const dsName = `projects/${parent.project}/locations/${parent.location}/datasets/${datasetId}`;
      const d = store.findDataset(dsName);
      if (!d) throw new RpcError(Code.NOT_FOUND, `Dataset ${dsName} not found. The dataset must be in the same project and location as the pipeline.`);
      if (datasetType(d) !== def.dataType) {
        throw bad(`Dataset ${dsName} holds ${datasetType(d)} data (${d.metadataSchemaUri}); ${definition} needs a ${def.dataType} dataset.`);
      }
      checkSplit(cfg, def);
      const modelId = typeof tp.modelId === 'string' && tp.modelId ? tp.modelId : undefined;
      if (modelId !== undefined) {
        if (!/^[a-z_][a-z0-9_-]{0,62}$/.test(modelId)) throw bad(`training_pipeline.model_id '${modelId}' is invalid: up to 63 characters [a-z0-9_-], not starting with a digit or hyphen.`);
        if (store.models.has(`projects/${parent.project}/locations/${parent.location}/models/${modelId}`)) throw new RpcError(Code.ALREADY_EXISTS, `Model ${modelId} already exists.`);
      }
      const now = ctx.clock.now();
      const p: StoredPipeline = {
        id: ctx.nextId(),
        project: parent.project,
        location: parent.location,
        displayName,
        definition,
        kind: def.kind,
        inputs,
        inputDataConfig: cfg,
        modelToUpload: (tp.modelToUpload as Record<string, unknown>) ?? { displayName },
        modelId,
        labels: (tp.labels as Record<string, string>) ?? {},
        created: now,
        updated: now,
        deleted: false,
      };
      store.pipelines.set(store.pipelineName(p), p);
      return pipelineProto(store, p);
    }),

    GetTrainingPipeline: unary(ctx, 'GetTrainingPipeline', ({ request }) => pipelineProto(store, find(request.name))),

    ListTrainingPipelines: unary(ctx, 'ListTrainingPipelines', ({ request }) => {
      const parent = parseParent(ctx, request.parent as string | undefined);
      const match = listFilter(request.filter as string | undefined);
      const all = [...store.pipelines.values()]
        .filter((p) => !p.deleted && p.project === parent.project && p.location === parent.location)
        .filter((p) => match(p, settlePipeline(store, p)))
        .sort((a, b) => b.created - a.created);
      const pg = page(all, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { trainingPipelines: pg.items.map((p) => pipelineProto(store, p)), nextPageToken: pg.nextPageToken };
    }),

    CancelTrainingPipeline: unary(ctx, 'CancelTrainingPipeline', ({ request }) => {
      const p = find(request.name);
      const state = settlePipeline(store, p);
      if (PIPELINE_TERMINAL.includes(state)) throw new RpcError(Code.FAILED_PRECONDITION, `TrainingPipeline ${store.pipelineName(p)} is in state ${state} and cannot be cancelled.`);
      p.cancelRequested ??= ctx.clock.now();
      return {};
    }),

    DeleteTrainingPipeline: unary(ctx, 'DeleteTrainingPipeline', ({ request }) => {
      const p = find(request.name);
      const state = settlePipeline(store, p);
      if (!PIPELINE_TERMINAL.includes(state)) throw new RpcError(Code.FAILED_PRECONDITION, `TrainingPipeline ${store.pipelineName(p)} is in state ${state}; cancel it and wait for it to stop before deleting it.`);
      const created = ctx.clock.now();
      const op = ctx.operations.start(store.pipelineName(p), 'DeleteTrainingPipeline', V1 + 'DeleteOperationMetadata', () => ({ genericMetadata: { createTime: timestamp(created), updateTime: timestamp(ctx.clock.now()) } }), () => {
        p.deleted = true;
        return { response: { type: 'google.protobuf.Empty', value: {} } };
      });
      return ctx.operations.toProto(op);
    }),
  };
}

export const pipelineServiceModule = (store: () => TrainingStore): ServiceModule => ({
  service: V1 + 'PipelineService',
  handlers: (ctx) => pipelineService(ctx, store()),
});
