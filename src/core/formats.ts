/**
 * The registry of Vertex AI import formats. One entry per format id; everything else in the
 * project (validators, detection, split, import, training) reads its facts from here.
 * Facts: vertex-import-spec.md §1 (import schema URIs), §4.2 (metadata schema URIs).
 */
export type JsonlFormatId =
  | 'image-classification-single-label'
  | 'image-classification-multi-label'
  | 'image-bounding-box'
  | 'image-segmentation'
  | 'text-classification-single-label'
  | 'text-classification-multi-label'
  | 'text-extraction'
  | 'text-sentiment'
  | 'video-classification'
  | 'video-action-recognition'
  | 'video-object-tracking';

export type FormatId = JsonlFormatId | 'tabular' | 'custom';

export type DataType = 'image' | 'text' | 'video' | 'tabular' | 'custom';

export type MlUse = 'training' | 'validation' | 'test';

export interface FormatInfo {
  id: FormatId;
  title: string;
  dataType: DataType;
  /** The official `importSchemaUri` for ImportData (absent for tabular and custom). */
  importSchemaUri?: string;
  /** `Dataset.metadataSchemaUri` for CreateDataset. */
  metadataSchemaUri?: string;
  /** JSON Schema file under `schemas/` (JSONL formats). */
  schemaFile?: string;
  jsonl: boolean;
  csv: boolean;
  /** The top-level key holding the media URI in JSONL. */
  mediaKeys: string[];
  /** The top-level key holding the annotations in JSONL. */
  annotationKey?: string;
  /** Allowed `ml_use` values: video takes only training and test. */
  mlUseValues: readonly MlUse[];
  /** Official documentation page (hover links, diagnostics docs). */
  docUrl: string;
}

const IOFORMAT = 'gs://google-cloud-aiplatform/schema/dataset/ioformat/';
const METADATA = 'gs://google-cloud-aiplatform/schema/dataset/metadata/';
const ALL_SPLITS: readonly MlUse[] = ['training', 'validation', 'test'];
const VIDEO_SPLITS: readonly MlUse[] = ['training', 'test'];

export const ML_USE_KEY = 'aiplatform.googleapis.com/ml_use';
export const ANNOTATION_SET_KEY = 'aiplatform.googleapis.com/annotation_set_name';
export const RESERVED_LABEL_PREFIX = 'aiplatform.googleapis.com/';

export const FORMATS: Readonly<Record<FormatId, FormatInfo>> = {
  'image-classification-single-label': {
    id: 'image-classification-single-label',
    title: 'Image classification (single-label)',
    dataType: 'image',
    importSchemaUri: IOFORMAT + 'image_classification_single_label_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'image_1.0.0.yaml',
    schemaFile: 'image-classification-single-label.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['imageGcsUri'],
    annotationKey: 'classificationAnnotation',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/image-data/classification/prepare-data',
  },
  'image-classification-multi-label': {
    id: 'image-classification-multi-label',
    title: 'Image classification (multi-label)',
    dataType: 'image',
    importSchemaUri: IOFORMAT + 'image_classification_multi_label_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'image_1.0.0.yaml',
    schemaFile: 'image-classification-multi-label.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['imageGcsUri'],
    annotationKey: 'classificationAnnotations',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/image-data/classification/prepare-data',
  },
  'image-bounding-box': {
    id: 'image-bounding-box',
    title: 'Image object detection (bounding boxes)',
    dataType: 'image',
    importSchemaUri: IOFORMAT + 'image_bounding_box_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'image_1.0.0.yaml',
    schemaFile: 'image-bounding-box.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['imageGcsUri'],
    annotationKey: 'boundingBoxAnnotations',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/image-data/object-detection/prepare-data',
  },
  'image-segmentation': {
    id: 'image-segmentation',
    title: 'Image segmentation',
    dataType: 'image',
    importSchemaUri: IOFORMAT + 'image_segmentation_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'image_1.0.0.yaml',
    schemaFile: 'image-segmentation.schema.json',
    jsonl: true,
    csv: false,
    mediaKeys: ['imageGcsUri'],
    annotationKey: 'segmentationAnnotation',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/image-data/segmentation/prepare-data',
  },
  'text-classification-single-label': {
    id: 'text-classification-single-label',
    title: 'Text classification (single-label)',
    dataType: 'text',
    importSchemaUri: IOFORMAT + 'text_classification_single_label_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'text_1.0.0.yaml',
    schemaFile: 'text-classification-single-label.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['textContent', 'textGcsUri'],
    annotationKey: 'classificationAnnotation',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/text-data/classification/prepare-data',
  },
  'text-classification-multi-label': {
    id: 'text-classification-multi-label',
    title: 'Text classification (multi-label)',
    dataType: 'text',
    importSchemaUri: IOFORMAT + 'text_classification_multi_label_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'text_1.0.0.yaml',
    schemaFile: 'text-classification-multi-label.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['textContent', 'textGcsUri'],
    annotationKey: 'classificationAnnotations',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/text-data/classification/prepare-data',
  },
  'text-extraction': {
    id: 'text-extraction',
    title: 'Text entity extraction',
    dataType: 'text',
    importSchemaUri: IOFORMAT + 'text_extraction_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'text_1.0.0.yaml',
    schemaFile: 'text-extraction.schema.json',
    jsonl: true,
    csv: false,
    mediaKeys: ['textContent', 'textGcsUri'],
    annotationKey: 'textSegmentAnnotations',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/text-data/entity-extraction/prepare-data',
  },
  'text-sentiment': {
    id: 'text-sentiment',
    title: 'Text sentiment',
    dataType: 'text',
    importSchemaUri: IOFORMAT + 'text_sentiment_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'text_1.0.0.yaml',
    schemaFile: 'text-sentiment.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['textContent', 'textGcsUri'],
    annotationKey: 'sentimentAnnotation',
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/text-data/sentiment-analysis/prepare-data',
  },
  'video-classification': {
    id: 'video-classification',
    title: 'Video classification',
    dataType: 'video',
    importSchemaUri: IOFORMAT + 'video_classification_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'video_1.0.0.yaml',
    schemaFile: 'video-classification.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['videoGcsUri'],
    annotationKey: 'timeSegmentAnnotations',
    mlUseValues: VIDEO_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/video-data/classification/prepare-data',
  },
  'video-action-recognition': {
    id: 'video-action-recognition',
    title: 'Video action recognition',
    dataType: 'video',
    importSchemaUri: IOFORMAT + 'video_action_recognition_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'video_1.0.0.yaml',
    schemaFile: 'video-action-recognition.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['videoGcsUri'],
    annotationKey: 'timeSegmentAnnotations',
    mlUseValues: VIDEO_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/video-data/action-recognition/prepare-data',
  },
  'video-object-tracking': {
    id: 'video-object-tracking',
    title: 'Video object tracking',
    dataType: 'video',
    importSchemaUri: IOFORMAT + 'video_object_tracking_io_format_1.0.0.yaml',
    metadataSchemaUri: METADATA + 'video_1.0.0.yaml',
    schemaFile: 'video-object-tracking.schema.json',
    jsonl: true,
    csv: true,
    mediaKeys: ['videoGcsUri'],
    annotationKey: 'temporalBoundingBoxAnnotations',
    mlUseValues: VIDEO_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/video-data/object-tracking/prepare-data',
  },
  tabular: {
    id: 'tabular',
    title: 'Tabular (classification, regression, forecasting)',
    dataType: 'tabular',
    metadataSchemaUri: METADATA + 'tabular_1.0.0.yaml',
    jsonl: false,
    csv: true,
    mediaKeys: [],
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/tabular-data/classification-regression/prepare-data',
  },
  custom: {
    id: 'custom',
    title: 'Custom dataset (your JSON Schema)',
    dataType: 'custom',
    jsonl: true,
    csv: false,
    mediaKeys: [],
    mlUseValues: ALL_SPLITS,
    docUrl: 'https://cloud.google.com/vertex-ai/docs/training/using-managed-datasets',
  },
};

export const TIME_SERIES_METADATA_SCHEMA_URI = METADATA + 'time_series_1.0.0.yaml';

export const JSONL_FORMAT_IDS = Object.values(FORMATS)
  .filter((f) => f.jsonl && f.id !== 'custom')
  .map((f) => f.id as JsonlFormatId);

export const FORMAT_IDS = Object.keys(FORMATS) as FormatId[];

export function isFormatId(value: string): value is FormatId {
  return Object.prototype.hasOwnProperty.call(FORMATS, value);
}

export function isJsonlFormatId(value: string): value is JsonlFormatId {
  return (JSONL_FORMAT_IDS as string[]).includes(value);
}

export function formatInfo(id: FormatId): FormatInfo {
  return FORMATS[id];
}
