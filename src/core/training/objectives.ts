/**
 * What AutoML can train, per objective: the training task definition, the model types with their
 * explanations, budget ranges and defaults, and which split kinds apply.
 * Facts: vertex-import-spec.md §4.4 (P-TP, P-DEF, SDK-TJ, SDK-SCHEMA) and ruling 6.
 */
import type { FormatId } from '../formats';

export type TrainingObjectiveId =
  | 'image-classification-single-label'
  | 'image-classification-multi-label'
  | 'image-object-detection'
  | 'image-segmentation'
  | 'tabular-classification'
  | 'tabular-regression'
  | 'forecasting'
  | 'video-classification'
  | 'video-action-recognition'
  | 'video-object-tracking'
  | 'text-classification-single-label'
  | 'text-classification-multi-label'
  | 'text-extraction'
  | 'text-sentiment';

export type TrainingDataType = 'image' | 'video' | 'tabular' | 'time-series' | 'text';

export type SplitKind = 'fraction' | 'filter' | 'predefined' | 'stratified' | 'timestamp';

/** A budget range in milli node hours (1 node hour = 1,000 milli node hours). */
export interface BudgetRange {
  min: number;
  max: number;
  default: number;
}

export interface ModelTypeInfo {
  /** The enum name sent in `trainingTaskInputs.modelType`. */
  id: string;
  label: string;
  description: string;
  /** True when the trained model can be exported (ModelService.ExportModel). */
  exportable: boolean;
  /** Budget range for this model type; absent when the objective takes no budget (video). */
  budget?: BudgetRange;
}

export interface ObjectiveInfo {
  id: TrainingObjectiveId;
  title: string;
  dataType: TrainingDataType;
  definitionUri: string;
  /** Empty for tabular and forecasting, which have no model type. */
  modelTypes: readonly ModelTypeInfo[];
  /** Budget for objectives without model types (tabular, forecasting). */
  budget?: BudgetRange;
  /** The `trainingTaskInputs` field carrying the budget, when the objective takes one. */
  budgetField?: 'budgetMilliNodeHours' | 'trainBudgetMilliNodeHours';
  /** Whether `disableEarlyStopping` exists in this objective's inputs. */
  earlyStopping: boolean;
  splits: readonly SplitKind[];
  /** Import formats whose datasets this objective trains on. */
  formats: readonly FormatId[];
  /** Set when AutoML no longer trains this objective: the explanation shown to the user. */
  discontinued?: string;
}

export const DEFINITION_PREFIX = 'gs://google-cloud-aiplatform/schema/trainingjob/definition/';

export const TEXT_DISCONTINUED =
  'AutoML text training was discontinued on 15 September 2024: Vertex AI no longer trains text classification, ' +
  'entity extraction or sentiment models with AutoML. Text import files can still be validated and imported; ' +
  'to train on them, tune a Gemini model (supervised tuning) or run a custom training job instead.';

const IMAGE_CLOUD_BUDGET: BudgetRange = { min: 8_000, max: 800_000, default: 192_000 };
const IMAGE_MOBILE_BUDGET: BudgetRange = { min: 1_000, max: 100_000, default: 24_000 };
const DETECTION_CLOUD_BUDGET: BudgetRange = { min: 20_000, max: 900_000, default: 216_000 };
const SEGMENTATION_BUDGET: BudgetRange = { min: 20_000, max: 2_000_000, default: 192_000 };
/** 1,000–72,000 is the documented range; the default is the Python SDK's (1 node hour). */
const TABLES_BUDGET: BudgetRange = { min: 1_000, max: 72_000, default: 1_000 };

const EXPORT_TF = 'Can also be exported (TensorFlow Lite, TensorFlow SavedModel, TF.js, Core ML) for mobile or edge devices.';

const IMAGE_CLASSIFICATION_MODELS: readonly ModelTypeInfo[] = [
  { id: 'CLOUD', label: 'Cloud (default)', description: 'Best tailored to serving within Google Cloud; cannot be exported.', exportable: false, budget: IMAGE_CLOUD_BUDGET },
  { id: 'MOBILE_TF_LOW_LATENCY_1', label: 'Edge: low latency', description: `Lowest latency, possibly lower quality than other edge models. ${EXPORT_TF}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
  { id: 'MOBILE_TF_VERSATILE_1', label: 'Edge: versatile', description: `Balance of latency and quality. ${EXPORT_TF}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
  { id: 'MOBILE_TF_HIGH_ACCURACY_1', label: 'Edge: high accuracy', description: `Higher latency, higher quality than other edge models. ${EXPORT_TF}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
];

const EXPORT_TF_ONLY = 'Can also be exported for mobile or edge devices with TensorFlow.';

const DETECTION_MODELS: readonly ModelTypeInfo[] = [
  { id: 'CLOUD_HIGH_ACCURACY_1', label: 'Cloud: high accuracy (default)', description: 'Served within Google Cloud; higher latency, higher quality than the low-latency cloud model. Cannot be exported.', exportable: false, budget: DETECTION_CLOUD_BUDGET },
  { id: 'CLOUD_LOW_LATENCY_1', label: 'Cloud: low latency', description: 'Served within Google Cloud; lower latency, possibly lower quality. Cannot be exported.', exportable: false, budget: DETECTION_CLOUD_BUDGET },
  { id: 'MOBILE_TF_LOW_LATENCY_1', label: 'Edge: low latency', description: `Lowest latency, possibly lower quality than other edge models. ${EXPORT_TF_ONLY}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
  { id: 'MOBILE_TF_VERSATILE_1', label: 'Edge: versatile', description: `Balance of latency and quality. ${EXPORT_TF_ONLY}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
  { id: 'MOBILE_TF_HIGH_ACCURACY_1', label: 'Edge: high accuracy', description: `Higher latency, higher quality than other edge models. ${EXPORT_TF_ONLY}`, exportable: true, budget: IMAGE_MOBILE_BUDGET },
];

const SEGMENTATION_MODELS: readonly ModelTypeInfo[] = [
  { id: 'CLOUD_HIGH_ACCURACY_1', label: 'Cloud: high accuracy (default)', description: 'Served through Vertex AI prediction; higher latency, higher quality.', exportable: false, budget: SEGMENTATION_BUDGET },
  { id: 'CLOUD_LOW_ACCURACY_1', label: 'Cloud: low latency', description: 'Served through Vertex AI prediction; lower latency, relatively lower quality.', exportable: false, budget: SEGMENTATION_BUDGET },
  { id: 'MOBILE_TF_LOW_LATENCY_1', label: 'Edge: low latency', description: 'Low latency, possibly lower quality. Can also be exported as a TensorFlow model for mobile or edge devices.', exportable: true, budget: SEGMENTATION_BUDGET },
];

const VIDEO_CLOUD: ModelTypeInfo = { id: 'CLOUD', label: 'Cloud (default)', description: 'Best tailored to serving within Google Cloud; cannot be exported.', exportable: false };
const VIDEO_MOBILE: ModelTypeInfo = { id: 'MOBILE_VERSATILE_1', label: 'Edge: versatile', description: 'Can also be exported as a TensorFlow or TensorFlow Lite model for mobile or edge devices.', exportable: true };
const VIDEO_JETSON: ModelTypeInfo = { id: 'MOBILE_JETSON_VERSATILE_1', label: 'NVIDIA Jetson: versatile', description: 'Can also be exported to an NVIDIA Jetson device.', exportable: true };
const VIDEO_CORAL: ModelTypeInfo = { id: 'MOBILE_CORAL_VERSATILE_1', label: 'Google Coral: versatile', description: 'Can also be exported as a TensorFlow Lite model for a Google Coral device.', exportable: true };
const VIDEO_CORAL_FAST: ModelTypeInfo = { id: 'MOBILE_CORAL_LOW_LATENCY_1', label: 'Google Coral: low latency', description: 'Trades quality for latency; exported to a Google Coral device.', exportable: true };
const VIDEO_JETSON_FAST: ModelTypeInfo = { id: 'MOBILE_JETSON_LOW_LATENCY_1', label: 'NVIDIA Jetson: low latency', description: 'Trades quality for latency; exported to an NVIDIA Jetson device.', exportable: true };

const UNSTRUCTURED_SPLITS: readonly SplitKind[] = ['fraction', 'filter'];
const TABULAR_SPLITS: readonly SplitKind[] = ['fraction', 'predefined', 'stratified', 'timestamp'];
const FORECASTING_SPLITS: readonly SplitKind[] = ['fraction', 'predefined', 'timestamp'];

function objective(o: ObjectiveInfo): ObjectiveInfo {
  return o;
}

export const OBJECTIVES: Readonly<Record<TrainingObjectiveId, ObjectiveInfo>> = {
  'image-classification-single-label': objective({
    id: 'image-classification-single-label',
    title: 'Image classification (single-label)',
    dataType: 'image',
    definitionUri: DEFINITION_PREFIX + 'automl_image_classification_1.0.0.yaml',
    modelTypes: IMAGE_CLASSIFICATION_MODELS,
    budgetField: 'budgetMilliNodeHours',
    earlyStopping: true,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['image-classification-single-label'],
  }),
  'image-classification-multi-label': objective({
    id: 'image-classification-multi-label',
    title: 'Image classification (multi-label)',
    dataType: 'image',
    definitionUri: DEFINITION_PREFIX + 'automl_image_classification_1.0.0.yaml',
    modelTypes: IMAGE_CLASSIFICATION_MODELS,
    budgetField: 'budgetMilliNodeHours',
    earlyStopping: true,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['image-classification-multi-label'],
  }),
  'image-object-detection': objective({
    id: 'image-object-detection',
    title: 'Image object detection',
    dataType: 'image',
    definitionUri: DEFINITION_PREFIX + 'automl_image_object_detection_1.0.0.yaml',
    modelTypes: DETECTION_MODELS,
    budgetField: 'budgetMilliNodeHours',
    earlyStopping: true,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['image-bounding-box'],
  }),
  'image-segmentation': objective({
    id: 'image-segmentation',
    title: 'Image segmentation',
    dataType: 'image',
    definitionUri: DEFINITION_PREFIX + 'automl_image_segmentation_1.0.0.yaml',
    modelTypes: SEGMENTATION_MODELS,
    budgetField: 'budgetMilliNodeHours',
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['image-segmentation'],
  }),
  'tabular-classification': objective({
    id: 'tabular-classification',
    title: 'Tabular classification',
    dataType: 'tabular',
    definitionUri: DEFINITION_PREFIX + 'automl_tabular_1.0.0.yaml',
    modelTypes: [],
    budget: TABLES_BUDGET,
    budgetField: 'trainBudgetMilliNodeHours',
    earlyStopping: true,
    splits: TABULAR_SPLITS,
    formats: ['tabular'],
  }),
  'tabular-regression': objective({
    id: 'tabular-regression',
    title: 'Tabular regression',
    dataType: 'tabular',
    definitionUri: DEFINITION_PREFIX + 'automl_tabular_1.0.0.yaml',
    modelTypes: [],
    budget: TABLES_BUDGET,
    budgetField: 'trainBudgetMilliNodeHours',
    earlyStopping: true,
    splits: TABULAR_SPLITS,
    formats: ['tabular'],
  }),
  forecasting: objective({
    id: 'forecasting',
    title: 'Forecasting (AutoML time series)',
    dataType: 'time-series',
    definitionUri: DEFINITION_PREFIX + 'automl_time_series_forecasting_1.0.0.yaml',
    modelTypes: [],
    budget: TABLES_BUDGET,
    budgetField: 'trainBudgetMilliNodeHours',
    earlyStopping: false,
    splits: FORECASTING_SPLITS,
    formats: ['tabular'],
  }),
  'video-classification': objective({
    id: 'video-classification',
    title: 'Video classification',
    dataType: 'video',
    definitionUri: DEFINITION_PREFIX + 'automl_video_classification_1.0.0.yaml',
    modelTypes: [VIDEO_CLOUD, VIDEO_MOBILE, VIDEO_JETSON],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['video-classification'],
  }),
  'video-action-recognition': objective({
    id: 'video-action-recognition',
    title: 'Video action recognition',
    dataType: 'video',
    definitionUri: DEFINITION_PREFIX + 'automl_video_action_recognition_1.0.0.yaml',
    modelTypes: [VIDEO_CLOUD, VIDEO_MOBILE, VIDEO_JETSON, VIDEO_CORAL],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['video-action-recognition'],
  }),
  'video-object-tracking': objective({
    id: 'video-object-tracking',
    title: 'Video object tracking',
    dataType: 'video',
    definitionUri: DEFINITION_PREFIX + 'automl_video_object_tracking_1.0.0.yaml',
    modelTypes: [VIDEO_CLOUD, VIDEO_MOBILE, VIDEO_CORAL, VIDEO_CORAL_FAST, VIDEO_JETSON, VIDEO_JETSON_FAST],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['video-object-tracking'],
  }),
  'text-classification-single-label': objective({
    id: 'text-classification-single-label',
    title: 'Text classification (single-label)',
    dataType: 'text',
    definitionUri: DEFINITION_PREFIX + 'automl_text_classification_1.0.0.yaml',
    modelTypes: [],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['text-classification-single-label'],
    discontinued: TEXT_DISCONTINUED,
  }),
  'text-classification-multi-label': objective({
    id: 'text-classification-multi-label',
    title: 'Text classification (multi-label)',
    dataType: 'text',
    definitionUri: DEFINITION_PREFIX + 'automl_text_classification_1.0.0.yaml',
    modelTypes: [],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['text-classification-multi-label'],
    discontinued: TEXT_DISCONTINUED,
  }),
  'text-extraction': objective({
    id: 'text-extraction',
    title: 'Text entity extraction',
    dataType: 'text',
    definitionUri: DEFINITION_PREFIX + 'automl_text_extraction_1.0.0.yaml',
    modelTypes: [],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['text-extraction'],
    discontinued: TEXT_DISCONTINUED,
  }),
  'text-sentiment': objective({
    id: 'text-sentiment',
    title: 'Text sentiment',
    dataType: 'text',
    definitionUri: DEFINITION_PREFIX + 'automl_text_sentiment_1.0.0.yaml',
    modelTypes: [],
    earlyStopping: false,
    splits: UNSTRUCTURED_SPLITS,
    formats: ['text-sentiment'],
    discontinued: TEXT_DISCONTINUED,
  }),
};

export const OBJECTIVE_IDS = Object.keys(OBJECTIVES) as TrainingObjectiveId[];

export function isObjectiveId(s: string): s is TrainingObjectiveId {
  return Object.prototype.hasOwnProperty.call(OBJECTIVES, s);
}

/** The objectives a dataset of the given import format can be trained for (discontinued ones included, flagged). */
export function objectivesForFormat(format: FormatId): ObjectiveInfo[] {
  return OBJECTIVE_IDS.map((id) => OBJECTIVES[id]).filter((o) => o.formats.includes(format));
}

/** The objectives for a Vertex dataset, from its `metadataSchemaUri` (image_1.0.0.yaml etc.). */
export function objectivesForMetadataSchema(metadataSchemaUri: string): ObjectiveInfo[] {
  const m = /\/metadata\/([a-z_]+)_\d+\.\d+\.\d+\.yaml$/.exec(metadataSchemaUri);
  const kind = m?.[1];
  const dataType: TrainingDataType | undefined =
    kind === 'image' ? 'image' : kind === 'video' ? 'video' : kind === 'text' ? 'text' : kind === 'tabular' ? 'tabular' : kind === 'time_series' ? 'time-series' : undefined;
  if (!dataType) return [];
  return OBJECTIVE_IDS.map((id) => OBJECTIVES[id]).filter((o) => o.dataType === dataType);
}

/** The budget range that applies to an objective and model type (undefined: no budget field). */
export function budgetRange(o: ObjectiveInfo, modelType?: string): BudgetRange | undefined {
  if (o.budget) return o.budget;
  const mt = o.modelTypes.find((m) => m.id === (modelType ?? o.modelTypes[0]?.id));
  return mt?.budget;
}

export function defaultModelType(o: ObjectiveInfo): string | undefined {
  return o.modelTypes[0]?.id;
}

export const milliToNodeHours = (milli: number): number => milli / 1000;
export const nodeHoursToMilli = (hours: number): number => Math.round(hours * 1000);
