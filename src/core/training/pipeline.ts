/**
 * Builds the exact `CreateTrainingPipeline` request for an AutoML objective and validates every
 * field against Vertex's allowed values, reporting all problems at once.
 * Facts: vertex-import-spec.md §4.4 (P-TP, P-DEF, SDK-TJ), §2.3-§2.4, ruling 6.
 */
import { ML_USE_KEY } from '../formats';
import type { TrainingEstimate } from './cost';
import { estimateTraining } from './cost';
import type { BuildResult, JsonObject, JsonValue, Problem } from './json';
import { locationName, parseDatasetRef } from './json';
import type { ObjectiveInfo, TrainingObjectiveId } from './objectives';
import { OBJECTIVES, OBJECTIVE_IDS, budgetRange, isObjectiveId, milliToNodeHours, nodeHoursToMilli } from './objectives';
import type { ColumnProfile, PredictionType, Transformation } from './tabular';
import { plural } from '../plural';
import {
  FORECASTING_OBJECTIVES,
  FORECASTING_TRANSFORMATIONS,
  GRANULARITY_QUANTITIES,
  GRANULARITY_UNITS,
  TABLES_TRANSFORMATIONS,
  VALIDATION_OPTIONS,
  defaultTransformations,
  optimizationObjectives,
  targetProblems,
  transformationColumn,
} from './tabular';

export type SplitOption =
  | { kind: 'fraction'; training: number; validation: number; test: number }
  | { kind: 'filter'; training?: string; validation?: string; test?: string }
  | { kind: 'predefined'; key: string }
  | { kind: 'stratified'; key: string; training: number; validation: number; test: number }
  | { kind: 'timestamp'; key: string; training: number; validation: number; test: number };

export const DEFAULT_FRACTIONS = { training: 0.8, validation: 0.1, test: 0.1 } as const;

export interface TrainingOptions {
  objective: string;
  project: string;
  location: string;
  /** Dataset id or full resource name (must be in the same project and location). */
  dataset: string;
  displayName: string;
  modelDisplayName?: string;
  modelId?: string;
  modelType?: string;
  /** Budget in node hours (the UI unit); the request carries milli node hours. */
  budgetNodeHours?: number;
  disableEarlyStopping?: boolean;
  baseModelId?: string;
  split?: SplitOption;
  labels?: Record<string, string>;
  // Tabular and forecasting
  targetColumn?: string;
  optimizationObjective?: string;
  /** Needed by maximize-precision-at-recall. */
  recallValue?: number;
  /** Needed by maximize-recall-at-precision. */
  precisionValue?: number;
  weightColumn?: string;
  transformations?: Transformation[];
  /** Per-column profile of the source CSV: drives default transformations and column checks. */
  columnProfiles?: ColumnProfile[];
  /** `bq://project:dataset:table` to export the test set predictions. */
  exportEvaluatedDataItemsTo?: string;
  // Forecasting
  timeColumn?: string;
  timeSeriesIdentifierColumn?: string;
  granularityUnit?: string;
  granularityQuantity?: number;
  forecastHorizon?: number;
  contextWindow?: number;
  quantiles?: number[];
  validationOptions?: string;
  timeSeriesAttributeColumns?: string[];
  availableAtForecastColumns?: string[];
  unavailableAtForecastColumns?: string[];
}

export interface InputDataConfig {
  datasetId: string;
  fractionSplit?: { trainingFraction: number; validationFraction: number; testFraction: number };
  filterSplit?: { trainingFilter: string; validationFilter: string; testFilter: string };
  predefinedSplit?: { key: string };
  stratifiedSplit?: { trainingFraction: number; validationFraction: number; testFraction: number; key: string };
  timestampSplit?: { trainingFraction: number; validationFraction: number; testFraction: number; key: string };
}

export interface TrainingPipelineSpec {
  displayName: string;
  trainingTaskDefinition: string;
  trainingTaskInputs: JsonObject;
  inputDataConfig: InputDataConfig;
  modelToUpload: { displayName: string };
  modelId?: string;
  labels?: Record<string, string>;
}

export interface CreateTrainingPipelineRequest {
  parent: string;
  trainingPipeline: TrainingPipelineSpec;
}

export const MODEL_ID = /^[a-z_][a-z0-9_-]{0,62}$/;
const MAX_DISPLAY_NAME = 128;

/** The default filter split for unstructured data: the `ml_use` labels set at import. Video has no validation set. */
export function defaultFilterSplit(o: ObjectiveInfo): { trainingFilter: string; validationFilter: string; testFilter: string } {
  const f = (v: string) => `labels.${ML_USE_KEY}=${v}`;
  return { trainingFilter: f('training'), validationFilter: o.dataType === 'video' ? '-' : f('validation'), testFilter: f('test') };
}

const fmt = (n: number) => n.toLocaleString('en-US');

function checkFractions(prefix: string, s: { training: number; validation: number; test: number }, problems: Problem[]): void {
  for (const k of ['training', 'validation', 'test'] as const) {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      problems.push({ field: `${prefix}.${k}Fraction`, message: `The ${k} fraction must be a number from 0 to 1, got ${String(v)}.` });
    }
  }
  const sum = s.training + s.validation + s.test;
  if (Number.isFinite(sum) && sum > 1 + 1e-9) {
    problems.push({ field: prefix, message: `The split fractions add up to ${+sum.toFixed(6)}; they must add up to at most 1 (e.g. 0.8/0.1/0.1).` });
  }
}

function profileOf(o: TrainingOptions, column: string | undefined): ColumnProfile | undefined {
  return column ? o.columnProfiles?.find((p) => p.name === column) : undefined;
}

function checkColumn(o: TrainingOptions, field: string, what: string, column: string | undefined, problems: Problem[], required: boolean): void {
  if (!column) {
    if (required) problems.push({ field, message: `The ${what} is required.` });
    return;
  }
  if (o.columnProfiles && !profileOf(o, column)) {
    const names = o.columnProfiles.map((p) => p.name);
    problems.push({ field, message: `The ${what} '${column}' is not a column of the source; columns are: ${names.join(', ')}.` });
  }
}

function buildSplit(objective: ObjectiveInfo, split: SplitOption, problems: Problem[]): Omit<InputDataConfig, 'datasetId'> {
  const field = 'trainingPipeline.inputDataConfig';
  if (!objective.splits.includes(split.kind)) {
    const allowed = objective.splits.join(', ');
    problems.push({ field, message: `A ${split.kind} split is not available for ${objective.title}; use one of: ${allowed}.` });
    return {};
  }
  switch (split.kind) {
    case 'fraction':
      checkFractions(`${field}.fractionSplit`, split, problems);
      return { fractionSplit: { trainingFraction: split.training, validationFraction: split.validation, testFraction: split.test } };
    case 'filter': {
      const d = defaultFilterSplit(objective);
      const fs = { trainingFilter: split.training ?? d.trainingFilter, validationFilter: split.validation ?? d.validationFilter, testFilter: split.test ?? d.testFilter };
      for (const [k, v] of Object.entries(fs)) {
        if (!v.trim()) problems.push({ field: `${field}.filterSplit.${k}`, message: `${k} must not be empty; use '-' to match no data items.` });
      }
      if (objective.dataType === 'video' && fs.validationFilter.includes(`${ML_USE_KEY}=validation`)) {
        problems.push({ field: `${field}.filterSplit.validationFilter`, message: "Video datasets have no validation set (ml_use is only training or test); use '-' as the validation filter." });
      }
      return { filterSplit: fs };
    }
    case 'predefined':
      if (!split.key) problems.push({ field: `${field}.predefinedSplit.key`, message: "A predefined split needs the column holding 'training', 'validation' or 'test'." });
      return { predefinedSplit: { key: split.key } };
    case 'stratified':
    case 'timestamp': {
      const name = split.kind === 'stratified' ? 'stratifiedSplit' : 'timestampSplit';
      if (!split.key) {
        problems.push({ field: `${field}.${name}.key`, message: split.kind === 'stratified' ? 'A stratified split needs a categorical key column.' : 'A timestamp split needs a column of RFC 3339 timestamps.' });
      }
      checkFractions(`${field}.${name}`, split, problems);
      return { [name]: { trainingFraction: split.training, validationFraction: split.validation, testFraction: split.test, key: split.key } };
    }
  }
}

function checkSplitKeyProfile(o: TrainingOptions, split: SplitOption, problems: Problem[]): void {
  if (split.kind !== 'predefined' && split.kind !== 'stratified' && split.kind !== 'timestamp') return;
  const field = `trainingPipeline.inputDataConfig.${split.kind}Split.key`;
  checkColumn(o, field, 'split key column', split.key, problems, false);
  const p = profileOf(o, split.key);
  if (!p) return;
  if (split.kind === 'timestamp' && p.inferredType !== 'timestamp') {
    problems.push({ field, message: `Column '${split.key}' looks ${p.inferredType}; a timestamp split needs RFC 3339 timestamps (e.g. 1985-04-12T23:20:50.52Z).` });
  }
  if (split.kind === 'stratified' && p.inferredType !== 'categorical' && p.inferredType !== 'boolean' && p.inferredType !== 'text') {
    problems.push({ field, message: `Column '${split.key}' looks ${p.inferredType}; a stratified split needs a categorical column.` });
  }
}

function checkTransformations(o: TrainingOptions, ts: Transformation[], allowed: readonly string[], exclude: (string | undefined)[], problems: Problem[]): void {
  const field = 'trainingPipeline.trainingTaskInputs.transformations';
  const seen = new Set<string>();
  ts.forEach((t, i) => {
    const c = transformationColumn(t);
    if (!c) {
      problems.push({ field: `${field}[${i}]`, message: `Each transformation names exactly one kind (${allowed.join(', ')}) with a columnName.` });
      return;
    }
    if (!allowed.includes(c.kind)) problems.push({ field: `${field}[${i}]`, message: `Transformation '${c.kind}' is not available here; use one of: ${allowed.join(', ')}.` });
    if (!c.columnName) problems.push({ field: `${field}[${i}].${c.kind}.columnName`, message: 'The transformation needs a columnName.' });
    if (seen.has(c.columnName)) problems.push({ field: `${field}[${i}]`, message: `Column '${c.columnName}' has more than one transformation.` });
    seen.add(c.columnName);
    if (exclude.includes(c.columnName) && c.columnName === o.targetColumn && o.objective !== 'forecasting') {
      problems.push({ field: `${field}[${i}]`, message: `The target column '${c.columnName}' must not be a feature; remove its transformation.` });
    }
    if (o.columnProfiles && !profileOf(o, c.columnName)) problems.push({ field: `${field}[${i}]`, message: `Column '${c.columnName}' is not in the source.` });
  });
}

function tablesInputs(o: TrainingOptions, objective: ObjectiveInfo, budgetMilli: number, problems: Problem[]): JsonObject {
  const field = 'trainingPipeline.trainingTaskInputs';
  const predictionType: PredictionType = objective.id === 'tabular-regression' ? 'regression' : 'classification';
  checkColumn(o, `${field}.targetColumn`, 'target column', o.targetColumn, problems, true);
  const target = profileOf(o, o.targetColumn);
  if (target) for (const m of targetProblems(target, predictionType)) problems.push({ field: `${field}.targetColumn`, message: m });
  const valid = optimizationObjectives(predictionType, target?.distinct);
  const chosen = o.optimizationObjective ?? valid.find((v) => v.isDefault)?.id ?? valid[0].id;
  const info = valid.find((v) => v.id === chosen);
  if (!info) {
    const kind = predictionType === 'regression' ? 'regression' : target && target.distinct > 2 ? `multi-class classification (${target.distinct} classes)` : 'binary classification';
    problems.push({ field: `${field}.optimizationObjective`, message: `'${chosen}' is not an optimization objective for ${kind}; use one of: ${valid.map((v) => v.id).join(', ')}.` });
  }
  const inputs: JsonObject = { predictionType, targetColumn: o.targetColumn ?? '' };
  checkColumn(o, `${field}.weightColumnName`, 'weight column', o.weightColumn, problems, false);
  if (o.weightColumn && o.weightColumn === o.targetColumn) problems.push({ field: `${field}.weightColumnName`, message: 'The weight column must differ from the target column.' });
  const wp = profileOf(o, o.weightColumn);
  if (wp && wp.inferredType !== 'numeric') problems.push({ field: `${field}.weightColumnName`, message: `The weight column '${wp.name}' must be numeric (0 to 10,000); it looks ${wp.inferredType}.` });
  const splitKey = o.split && 'key' in o.split ? o.split.key : undefined;
  const exclude = [o.targetColumn, o.weightColumn, splitKey];
  let transformations = o.transformations;
  if (!transformations) {
    if (o.columnProfiles) transformations = defaultTransformations(o.columnProfiles, exclude);
    else problems.push({ field: `${field}.transformations`, message: 'Transformations are required: give the column profile of the source CSV (they are defaulted from it) or list them.' });
  }
  if (transformations) {
    checkTransformations(o, transformations, TABLES_TRANSFORMATIONS, exclude, problems);
    if (transformations.length === 0) problems.push({ field: `${field}.transformations`, message: 'At least one feature column needs a transformation.' });
  }
  inputs.transformations = (transformations ?? []) as unknown as JsonValue;
  inputs.optimizationObjective = chosen;
  if (info?.needs === 'recall') {
    const v = o.recallValue;
    if (v === undefined || !(v >= 0 && v <= 1)) problems.push({ field: `${field}.optimizationObjectiveRecallValue`, message: `${chosen} needs the recall value to hold, from 0 to 1 (e.g. 0.9).` });
    else inputs.optimizationObjectiveRecallValue = v;
  } else if (o.recallValue !== undefined) {
    problems.push({ field: `${field}.optimizationObjectiveRecallValue`, message: 'A recall value is only used with maximize-precision-at-recall.' });
  }
  if (info?.needs === 'precision') {
    const v = o.precisionValue;
    if (v === undefined || !(v >= 0 && v <= 1)) problems.push({ field: `${field}.optimizationObjectivePrecisionValue`, message: `${chosen} needs the precision value to hold, from 0 to 1 (e.g. 0.9).` });
    else inputs.optimizationObjectivePrecisionValue = v;
  } else if (o.precisionValue !== undefined) {
    problems.push({ field: `${field}.optimizationObjectivePrecisionValue`, message: 'A precision value is only used with maximize-recall-at-precision.' });
  }
  inputs.trainBudgetMilliNodeHours = budgetMilli;
  inputs.disableEarlyStopping = o.disableEarlyStopping ?? false;
  if (o.weightColumn) inputs.weightColumnName = o.weightColumn;
  if (o.exportEvaluatedDataItemsTo !== undefined) inputs.exportEvaluatedDataItemsConfig = exportConfig(o.exportEvaluatedDataItemsTo, problems);
  return inputs;
}

function exportConfig(uri: string, problems: Problem[]): JsonObject {
  if (!/^bq:\/\/[^:.\s]+[:.][^:.\s]+([:.][^:.\s]+)?$/.test(uri)) {
    problems.push({ field: 'trainingPipeline.trainingTaskInputs.exportEvaluatedDataItemsConfig.destinationBigqueryUri', message: `'${uri}' is not a BigQuery destination; use bq://project:dataset:table.` });
  }
  return { destinationBigqueryUri: uri, overrideExistingTable: false };
}

function forecastingInputs(o: TrainingOptions, budgetMilli: number, problems: Problem[]): JsonObject {
  const field = 'trainingPipeline.trainingTaskInputs';
  checkColumn(o, `${field}.targetColumn`, 'target column', o.targetColumn, problems, true);
  checkColumn(o, `${field}.timeColumn`, 'time column', o.timeColumn, problems, true);
  checkColumn(o, `${field}.timeSeriesIdentifierColumn`, 'time series identifier column', o.timeSeriesIdentifierColumn, problems, true);
  const target = profileOf(o, o.targetColumn);
  if (target) {
    if (target.inferredType !== 'numeric') problems.push({ field: `${field}.targetColumn`, message: `Forecasting needs a numeric target; column '${target.name}' looks ${target.inferredType}.` });
    if (target.nulls > 0) problems.push({ field: `${field}.targetColumn`, message: `Target column '${target.name}' has ${plural(target.nulls, 'empty value')}; every row needs a value.` });
  }
  const time = profileOf(o, o.timeColumn);
  if (time && time.nulls > 0) problems.push({ field: `${field}.timeColumn`, message: `Time column '${time.name}' has ${plural(time.nulls, 'empty value')}; every row needs a time.` });
  const series = profileOf(o, o.timeSeriesIdentifierColumn);
  if (series && series.nulls > 0) problems.push({ field: `${field}.timeSeriesIdentifierColumn`, message: `Series identifier column '${series.name}' has ${plural(series.nulls, 'empty value')}; every row needs one.` });
  const chosen = o.optimizationObjective ?? 'minimize-rmse';
  if (!FORECASTING_OBJECTIVES.some((v) => v.id === chosen)) {
    problems.push({ field: `${field}.optimizationObjective`, message: `'${chosen}' is not a forecasting objective; use one of: ${FORECASTING_OBJECTIVES.map((v) => v.id).join(', ')}.` });
  }
  const unit = o.granularityUnit ?? '';
  const quantity = o.granularityQuantity ?? 1;
  if (!(GRANULARITY_UNITS as readonly string[]).includes(unit)) {
    problems.push({ field: `${field}.dataGranularity.unit`, message: `The data granularity unit is required and must be one of: ${GRANULARITY_UNITS.join(', ')}.` });
  } else {
    const allowed = GRANULARITY_QUANTITIES[unit as (typeof GRANULARITY_UNITS)[number]];
    if (!allowed.includes(quantity)) problems.push({ field: `${field}.dataGranularity.quantity`, message: `A granularity of ${plural(quantity, unit)} is not allowed; for '${unit}' use ${allowed.join(', ')}.` });
  }
  const horizon = o.forecastHorizon;
  if (horizon === undefined || !Number.isInteger(horizon) || horizon < 1) {
    problems.push({ field: `${field}.forecastHorizon`, message: 'The forecast horizon is required: a whole number of granularity periods, at least 1.' });
  }
  if (o.contextWindow !== undefined && (!Number.isInteger(o.contextWindow) || o.contextWindow < 0)) {
    problems.push({ field: `${field}.contextWindow`, message: 'The context window is a whole number of granularity periods, 0 or more.' });
  }
  checkColumn(o, `${field}.weightColumn`, 'weight column', o.weightColumn, problems, false);
  const splitKey = o.split && 'key' in o.split ? o.split.key : undefined;
  const exclude = [o.targetColumn, o.weightColumn, splitKey, o.timeSeriesIdentifierColumn];
  let transformations = o.transformations;
  if (!transformations) {
    if (o.columnProfiles) transformations = defaultTransformations(o.columnProfiles, exclude, true);
    else problems.push({ field: `${field}.transformations`, message: 'Transformations are required: give the column profile of the source CSV (they are defaulted from it) or list them.' });
  }
  if (transformations) checkTransformations(o, transformations, FORECASTING_TRANSFORMATIONS, [], problems);
  const inputs: JsonObject = {
    targetColumn: o.targetColumn ?? '',
    timeSeriesIdentifierColumn: o.timeSeriesIdentifierColumn ?? '',
    timeColumn: o.timeColumn ?? '',
    transformations: (transformations ?? []) as unknown as JsonValue,
    optimizationObjective: chosen,
    trainBudgetMilliNodeHours: budgetMilli,
    dataGranularity: { unit, quantity },
    forecastHorizon: horizon ?? 0,
  };
  if (o.contextWindow !== undefined) inputs.contextWindow = o.contextWindow;
  if (o.weightColumn) inputs.weightColumn = o.weightColumn;
  if (chosen === 'minimize-quantile-loss' || o.quantiles) {
    const q = o.quantiles ?? [];
    if (q.length === 0 || q.length > 5) problems.push({ field: `${field}.quantiles`, message: 'minimize-quantile-loss needs 1 to 5 quantiles, each between 0 and 1 (e.g. 0.1, 0.5, 0.9).' });
    if (q.some((v) => !(v > 0 && v < 1))) problems.push({ field: `${field}.quantiles`, message: 'Quantiles must be strictly between 0 and 1.' });
    if (new Set(q).size !== q.length) problems.push({ field: `${field}.quantiles`, message: 'Quantiles must be unique.' });
    if (chosen !== 'minimize-quantile-loss') problems.push({ field: `${field}.quantiles`, message: 'Quantiles are only used with minimize-quantile-loss.' });
    inputs.quantiles = q;
  }
  if (o.validationOptions !== undefined) {
    if (!(VALIDATION_OPTIONS as readonly string[]).includes(o.validationOptions)) problems.push({ field: `${field}.validationOptions`, message: `validationOptions must be one of: ${VALIDATION_OPTIONS.join(', ')}.` });
    inputs.validationOptions = o.validationOptions;
  }
  for (const key of ['timeSeriesAttributeColumns', 'availableAtForecastColumns', 'unavailableAtForecastColumns'] as const) {
    const cols = o[key];
    if (!cols) continue;
    for (const c of cols) checkColumn(o, `${field}.${key}`, `column in ${key}`, c, problems, false);
    inputs[key] = cols;
  }
  if (o.exportEvaluatedDataItemsTo !== undefined) inputs.exportEvaluatedDataItemsConfig = exportConfig(o.exportEvaluatedDataItemsTo, problems);
  return inputs;
}

/** Builds and validates the request. Never throws on bad options: every problem is returned. */
export function buildTrainingPipeline(o: TrainingOptions): BuildResult<CreateTrainingPipelineRequest> & { estimate?: TrainingEstimate } {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  if (!isObjectiveId(o.objective)) {
    const known = OBJECTIVE_IDS.filter((id) => !OBJECTIVES[id].discontinued).join(', ');
    return { ok: false, problems: [{ field: 'objective', message: `Unknown training objective '${o.objective}'; use one of: ${known}.` }], warnings };
  }
  const objective = OBJECTIVES[o.objective as TrainingObjectiveId];
  if (objective.discontinued) return { ok: false, problems: [{ field: 'objective', message: objective.discontinued }], warnings };

  if (!o.project) problems.push({ field: 'parent', message: 'The project is required (set vertexDatasets.project or pass --project).' });
  if (!o.location) problems.push({ field: 'parent', message: 'The region is required (e.g. us-central1).' });
  const ds = parseDatasetRef(o.dataset ?? '');
  if (!ds) {
    problems.push({ field: 'trainingPipeline.inputDataConfig.datasetId', message: `'${o.dataset}' is not a dataset id or a resource name like projects/P/locations/L/datasets/ID.` });
  } else if ((ds.project && ds.project !== o.project) || (ds.location && ds.location !== o.location)) {
    problems.push({ field: 'trainingPipeline.inputDataConfig.datasetId', message: `The dataset must be in the pipeline's project and region (${o.project}/${o.location}); it is in ${ds.project}/${ds.location}.` });
  }
  const displayName = o.displayName ?? '';
  if (!displayName.trim()) problems.push({ field: 'trainingPipeline.displayName', message: 'A display name is required.' });
  if (displayName.length > MAX_DISPLAY_NAME) problems.push({ field: 'trainingPipeline.displayName', message: `The display name has ${displayName.length} characters; at most ${MAX_DISPLAY_NAME} are allowed.` });
  const modelDisplayName = o.modelDisplayName ?? displayName;
  if (modelDisplayName.length > MAX_DISPLAY_NAME) problems.push({ field: 'trainingPipeline.modelToUpload.displayName', message: `The model display name has ${modelDisplayName.length} characters; at most ${MAX_DISPLAY_NAME} are allowed.` });
  if (o.modelId !== undefined && !MODEL_ID.test(o.modelId)) {
    problems.push({ field: 'trainingPipeline.modelId', message: `Model id '${o.modelId}' is invalid: up to 63 characters of a-z, 0-9, '_' and '-', not starting with a digit or '-'.` });
  }

  // Model type
  let modelType: string | undefined;
  if (objective.modelTypes.length) {
    modelType = o.modelType ?? objective.modelTypes[0].id;
    if (!objective.modelTypes.some((m) => m.id === modelType)) {
      const hint = objective.id === 'image-object-detection' && modelType === 'CLOUD' ? " (for detection, 'CLOUD' is CLOUD_HIGH_ACCURACY_1)" : '';
      problems.push({ field: 'trainingPipeline.trainingTaskInputs.modelType', message: `Model type '${modelType}' is not available for ${objective.title}${hint}; use one of: ${objective.modelTypes.map((m) => m.id).join(', ')}.` });
    }
  } else if (o.modelType !== undefined) {
    problems.push({ field: 'trainingPipeline.trainingTaskInputs.modelType', message: `${objective.title} has no model type; remove it.` });
  }

  // Budget
  const range = budgetRange(objective, modelType);
  let budgetMilli = 0;
  if (range && objective.budgetField) {
    budgetMilli = o.budgetNodeHours === undefined ? range.default : nodeHoursToMilli(o.budgetNodeHours);
    if (!Number.isFinite(budgetMilli) || budgetMilli < range.min || budgetMilli > range.max) {
      problems.push({
        field: `trainingPipeline.trainingTaskInputs.${objective.budgetField}`,
        message: `The budget must be ${milliToNodeHours(range.min)} to ${fmt(milliToNodeHours(range.max))} node hours (${fmt(range.min)}–${fmt(range.max)} milli node hours) for ${objective.title}${modelType ? ` (${modelType})` : ''}; got ${o.budgetNodeHours} node hours. Default: ${milliToNodeHours(range.default)}.`,
      });
    }
  } else if (o.budgetNodeHours !== undefined) {
    problems.push({ field: 'trainingPipeline.trainingTaskInputs', message: `${objective.title} takes no training budget: Vertex AI trains until the model converges. Remove the budget.` });
  }
  if (o.disableEarlyStopping !== undefined && o.disableEarlyStopping && !objective.earlyStopping) {
    problems.push({ field: 'trainingPipeline.trainingTaskInputs.disableEarlyStopping', message: `${objective.title} has no early-stopping option.` });
  }
  if (o.baseModelId !== undefined && !(objective.id.startsWith('image-classification') || objective.id === 'image-segmentation')) {
    problems.push({ field: 'trainingPipeline.trainingTaskInputs.baseModelId', message: `A base model is only used by image classification and segmentation.` });
  }

  // Inputs per objective
  let inputs: JsonObject;
  switch (objective.id) {
    case 'image-classification-single-label':
    case 'image-classification-multi-label':
      inputs = { modelType: modelType ?? 'CLOUD', budgetMilliNodeHours: budgetMilli, disableEarlyStopping: o.disableEarlyStopping ?? false, multiLabel: objective.id === 'image-classification-multi-label' };
      if (o.baseModelId) inputs.baseModelId = o.baseModelId;
      break;
    case 'image-object-detection':
      inputs = { modelType: modelType ?? 'CLOUD_HIGH_ACCURACY_1', budgetMilliNodeHours: budgetMilli, disableEarlyStopping: o.disableEarlyStopping ?? false };
      break;
    case 'image-segmentation':
      inputs = { modelType: modelType ?? 'CLOUD_HIGH_ACCURACY_1', budgetMilliNodeHours: budgetMilli };
      if (o.baseModelId) inputs.baseModelId = o.baseModelId;
      break;
    case 'tabular-classification':
    case 'tabular-regression':
      inputs = tablesInputs(o, objective, budgetMilli, problems);
      break;
    case 'forecasting':
      inputs = forecastingInputs(o, budgetMilli, problems);
      break;
    default:
      inputs = { modelType: modelType ?? 'CLOUD' };
  }
  if (objective.dataType !== 'tabular' && objective.dataType !== 'time-series') {
    for (const k of ['targetColumn', 'timeColumn', 'timeSeriesIdentifierColumn', 'optimizationObjective', 'weightColumn', 'transformations', 'forecastHorizon'] as const) {
      if (o[k] !== undefined) problems.push({ field: k, message: `${k} only applies to tabular and forecasting training, not ${objective.title}.` });
    }
  }

  // Split
  const split: SplitOption = o.split ?? { kind: 'fraction', ...DEFAULT_FRACTIONS };
  const splitConfig = buildSplit(objective, split, problems);
  checkSplitKeyProfile(o, split, problems);
  if (objective.id === 'forecasting' && split.kind === 'fraction') {
    warnings.push('Forecasting assigns the fraction split chronologically: the earliest rows train, the latest test.');
  }

  const trainingPipeline: TrainingPipelineSpec = {
    displayName,
    trainingTaskDefinition: objective.definitionUri,
    trainingTaskInputs: inputs,
    inputDataConfig: { datasetId: ds?.datasetId ?? '', ...splitConfig },
    modelToUpload: { displayName: modelDisplayName },
  };
  if (o.modelId !== undefined) trainingPipeline.modelId = o.modelId;
  if (o.labels && Object.keys(o.labels).length) trainingPipeline.labels = o.labels;
  if (problems.length) return { ok: false, problems, warnings };
  const estimate = estimateTraining(objective, objective.budgetField ? budgetMilli : undefined);
  return { ok: true, request: { parent: locationName(o.project, o.location), trainingPipeline }, warnings, estimate };
}
