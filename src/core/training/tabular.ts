/**
 * Tabular and forecasting training choices: optimization objectives valid for a target,
 * transformations defaulted from a column profile, forecasting granularity.
 * Facts: vertex-import-spec.md §2.2-§2.4 and §4.4 (AutoMlTablesInputs, AutoMlForecastingInputs).
 */
import { plural } from '../plural';

/** What the CSV profiler knows about one column (structural, so any profiler's output fits). */
export interface ColumnProfile {
  name: string;
  /** Inferred value type. */
  inferredType: 'numeric' | 'categorical' | 'timestamp' | 'text' | 'boolean' | 'empty' | string;
  /** Rows where the value is empty or null. */
  nulls: number;
  /** Distinct non-empty values (may be capped by the profiler). */
  distinct: number;
  /** Rows profiled. */
  rows?: number;
}

export type PredictionType = 'classification' | 'regression';

export interface OptimizationObjectiveInfo {
  id: string;
  description: string;
  /** The extra value required: recall for maximize-precision-at-recall, precision for maximize-recall-at-precision. */
  needs?: 'recall' | 'precision';
  isDefault?: boolean;
}

export const BINARY_OBJECTIVES: readonly OptimizationObjectiveInfo[] = [
  { id: 'maximize-au-roc', description: 'Maximize the area under the ROC curve; distinguishes the classes best.', isDefault: true },
  { id: 'minimize-log-loss', description: 'Keep prediction probabilities as accurate as possible.' },
  { id: 'maximize-au-prc', description: 'Maximize the area under the precision-recall curve; best for the less common class.' },
  { id: 'maximize-precision-at-recall', description: 'Maximize precision at a fixed recall value you give.', needs: 'recall' },
  { id: 'maximize-recall-at-precision', description: 'Maximize recall at a fixed precision value you give.', needs: 'precision' },
];
export const MULTICLASS_OBJECTIVES: readonly OptimizationObjectiveInfo[] = [
  { id: 'minimize-log-loss', description: 'Keep prediction probabilities as accurate as possible (the only objective for more than two classes).', isDefault: true },
];
export const REGRESSION_OBJECTIVES: readonly OptimizationObjectiveInfo[] = [
  { id: 'minimize-rmse', description: 'Minimize root-mean-squared error; captures extreme values accurately.', isDefault: true },
  { id: 'minimize-mae', description: 'Minimize mean absolute error; extreme values have less impact.' },
  { id: 'minimize-rmsle', description: 'Minimize root-mean-squared log error; penalizes relative rather than absolute error.' },
];
export const FORECASTING_OBJECTIVES: readonly OptimizationObjectiveInfo[] = [
  { id: 'minimize-rmse', description: 'Minimize root-mean-squared error.', isDefault: true },
  { id: 'minimize-mae', description: 'Minimize mean absolute error.' },
  { id: 'minimize-rmsle', description: 'Minimize root-mean-squared log error.' },
  { id: 'minimize-rmspe', description: 'Minimize root-mean-squared percentage error.' },
  { id: 'minimize-wape-mae', description: 'Minimize the combination of weighted absolute percentage error and mean absolute error.' },
  { id: 'minimize-quantile-loss', description: 'Minimize the scaled pinball loss of the quantiles you give.' },
];

/**
 * The objectives valid for a prediction type. For classification the target's distinct count
 * decides: exactly 2 = binary, more = multi-class (only log loss).
 */
export function optimizationObjectives(predictionType: PredictionType, targetDistinct?: number): readonly OptimizationObjectiveInfo[] {
  if (predictionType === 'regression') return REGRESSION_OBJECTIVES;
  if (targetDistinct !== undefined && targetDistinct > 2) return MULTICLASS_OBJECTIVES;
  return BINARY_OBJECTIVES;
}

export const CLASSIFICATION_TARGET_MAX_DISTINCT = 500;

export type TablesTransformationKind =
  | 'auto'
  | 'numeric'
  | 'categorical'
  | 'timestamp'
  | 'text'
  | 'repeatedNumeric'
  | 'repeatedCategorical'
  | 'repeatedText';

export const TABLES_TRANSFORMATIONS: readonly TablesTransformationKind[] = [
  'auto', 'numeric', 'categorical', 'timestamp', 'text', 'repeatedNumeric', 'repeatedCategorical', 'repeatedText',
];
/** The forecasting proto has no repeated or invalid-value options. */
export const FORECASTING_TRANSFORMATIONS: readonly TablesTransformationKind[] = ['auto', 'numeric', 'categorical', 'timestamp', 'text'];

/** One entry of `trainingTaskInputs.transformations`: `{ numeric: { columnName } }` etc. */
export type Transformation = Partial<Record<TablesTransformationKind, { columnName: string; invalidValuesAllowed?: boolean; timeFormat?: string }>>;

export function transformationColumn(t: Transformation): { kind: TablesTransformationKind; columnName: string } | undefined {
  const kinds = Object.keys(t) as TablesTransformationKind[];
  if (kinds.length !== 1) return undefined;
  const detail = t[kinds[0]];
  return detail ? { kind: kinds[0], columnName: detail.columnName } : undefined;
}

/** The transformation a column gets by default from its profile. */
export function defaultTransformationKind(p: ColumnProfile): TablesTransformationKind {
  switch (p.inferredType) {
    case 'numeric':
      return 'numeric';
    case 'timestamp':
      return 'timestamp';
    case 'categorical':
    case 'boolean':
      return 'categorical';
    case 'text':
      // The profiler calls a column text only when its values are long and mostly distinct.
      return 'text';
    default:
      return 'auto';
  }
}

/**
 * Default transformations for every feature column: all columns except the target, the weight
 * column and the split key (the forecasting time-series identifier is kept out too).
 */
export function defaultTransformations(profiles: readonly ColumnProfile[], exclude: readonly (string | undefined)[], forecasting = false): Transformation[] {
  const skip = new Set(exclude.filter((c): c is string => !!c));
  const out: Transformation[] = [];
  for (const p of profiles) {
    if (skip.has(p.name)) continue;
    let kind = defaultTransformationKind(p);
    if (forecasting && !FORECASTING_TRANSFORMATIONS.includes(kind)) kind = 'auto';
    out.push({ [kind]: { columnName: p.name } });
  }
  return out;
}

/** Is the column usable as a classification/regression target per its profile (§2.2)? Returns problems. */
export function targetProblems(p: ColumnProfile, predictionType: PredictionType): string[] {
  const problems: string[] = [];
  if (p.nulls > 0) problems.push(`Target column '${p.name}' has ${plural(p.nulls, 'empty value')}; Vertex requires a value in every row. Remove or fill those rows.`);
  if (predictionType === 'regression' && p.inferredType !== 'numeric') {
    problems.push(`Regression needs a numeric target, but column '${p.name}' looks ${p.inferredType}. Pick a numeric column or train classification.`);
  }
  if (predictionType === 'classification') {
    if (p.distinct < 2) problems.push(`Classification needs at least 2 distinct target values; column '${p.name}' has ${p.distinct}.`);
    if (p.distinct > CLASSIFICATION_TARGET_MAX_DISTINCT) {
      problems.push(`Classification targets may have at most ${CLASSIFICATION_TARGET_MAX_DISTINCT} distinct values; column '${p.name}' has ${p.distinct}. Train regression, or bucket the values.`);
    }
  }
  return problems;
}

/** Forecasting granularity units and the quantities each allows (P-DEF forecasting). */
export const GRANULARITY_UNITS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type GranularityUnit = (typeof GRANULARITY_UNITS)[number];
export const GRANULARITY_QUANTITIES: Readonly<Record<GranularityUnit, readonly number[]>> = {
  minute: [1, 5, 10, 15, 30],
  hour: [1],
  day: [1],
  week: [1],
  month: [1],
  year: [1],
};

export const VALIDATION_OPTIONS = ['fail-pipeline', 'ignore-validation'] as const;
