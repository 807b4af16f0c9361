/**
 * Builds the `CreateDataLabelingJob` request and its cost estimate.
 * Facts: vertex-import-spec.md §4.3 (P-DLJ, SDK-DLJ) and ruling 7.
 */
import { createHash } from 'node:crypto';
import { ANNOTATION_SET_KEY } from '../formats';
import type { LabelingEstimate, LabelingPriceKey } from './cost';
import { estimateLabeling } from './cost';
import type { BuildResult, JsonObject, Problem } from './json';
import { locationName, parseDatasetRef } from './json';

export const INPUTS_SCHEMA_PREFIX = 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/';

/**
 * Where a local instructions PDF is uploaded: `FOLDER/labeling-instructions/NAME-HASH.pdf`, HASH
 * from the file's bytes. The name depends on the content only, so a dry run or a review shows the
 * URI the job will use without asking Cloud Storage, the same PDF is never uploaded twice, and a
 * changed PDF never replaces one that other jobs point at.
 */
export function instructionsUploadUri(folder: string, fileName: string, data: Uint8Array): string {
  const hash = createHash('md5').update(data).digest('hex').slice(0, 8);
  return `${folder.replace(/\/+$/, '')}/labeling-instructions/${fileName.replace(/(\.[^./]*)?$/, (ext) => `-${hash}${ext}`)}`;
}

export interface LabelingTaskInfo {
  id: string;
  title: string;
  inputsSchemaUri: string;
  /** False where only an unverified schema file name is known; Vertex's answer is then shown as is. */
  confirmed: boolean;
  price: LabelingPriceKey;
  /** Dataset metadata kind this task labels. */
  dataType: 'image' | 'video' | 'text';
}

export const LABELING_TASKS: readonly LabelingTaskInfo[] = [
  { id: 'image-classification', title: 'Image classification', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'image_classification_1.0.0.yaml', confirmed: true, price: 'image-classification', dataType: 'image' },
  { id: 'image-segmentation', title: 'Image segmentation', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'image_segmentation_1.0.0.yaml', confirmed: true, price: 'image-bounding-box', dataType: 'image' },
  { id: 'video-classification', title: 'Video classification', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'video_classification_1.0.0.yaml', confirmed: true, price: 'video', dataType: 'video' },
  { id: 'image-bounding-box', title: 'Image object detection (bounding boxes)', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'image_bounding_box_1.0.0.yaml', confirmed: false, price: 'image-bounding-box', dataType: 'image' },
  { id: 'video-object-tracking', title: 'Video object tracking', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'video_object_tracking_1.0.0.yaml', confirmed: false, price: 'video', dataType: 'video' },
  { id: 'video-action-recognition', title: 'Video action recognition', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'video_action_recognition_1.0.0.yaml', confirmed: false, price: 'video', dataType: 'video' },
  { id: 'text-classification', title: 'Text classification', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'text_classification_1.0.0.yaml', confirmed: false, price: 'text', dataType: 'text' },
  { id: 'text-extraction', title: 'Text entity extraction', inputsSchemaUri: INPUTS_SCHEMA_PREFIX + 'text_extraction_1.0.0.yaml', confirmed: false, price: 'text', dataType: 'text' },
];

export const LABELER_COUNTS = [1, 3, 5] as const;
export const SPECIALIST_POOL = /^projects\/[^/]+\/locations\/[^/]+\/specialistPools\/[^/]+$/;

export interface ActiveLearningOptions {
  maxDataItemCount?: number;
  maxDataItemPercentage?: number;
  initialBatchSamplePercentage?: number;
  followingBatchSamplePercentage?: number;
  timeoutTrainingMilliHours?: number;
}

export interface LabelingOptions {
  project: string;
  location: string;
  dataset: string;
  displayName: string;
  task: string;
  labels: string[];
  /** gs:// URI of the instructions PDF (uploaded by the caller). */
  instructionUri: string;
  labelerCount: number;
  specialistPools?: string[];
  activeLearning?: ActiveLearningOptions;
  /** Annotation set the labels go to (`annotationLabels[aiplatform.googleapis.com/annotation_set_name]`). */
  annotationSetName?: string;
  /** Segmentation colors per label (0..1 RGB); defaulted from a palette. */
  colors?: Record<string, { red: number; green: number; blue: number }>;
  /** Items in the dataset (for the estimate); minutes for video. */
  itemCount?: number;
  jobLabels?: Record<string, string>;
}

export interface DataLabelingJobSpec {
  displayName: string;
  datasets: string[];
  labelerCount: number;
  instructionUri: string;
  inputsSchemaUri: string;
  inputs: JsonObject;
  annotationLabels?: Record<string, string>;
  labels?: Record<string, string>;
  specialistPools?: string[];
  activeLearningConfig?: {
    maxDataItemCount?: number;
    maxDataItemPercentage?: number;
    sampleConfig?: { initialBatchSamplePercentage?: number; followingBatchSamplePercentage?: number; sampleStrategy: 'UNCERTAINTY' };
    trainingConfig?: { timeoutTrainingMilliHours: number };
  };
}

export interface CreateDataLabelingJobRequest {
  parent: string;
  dataLabelingJob: DataLabelingJobSpec;
}

const PALETTE = [
  [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 0.5, 0], [0.5, 0, 1], [0, 0.5, 0.5], [0.5, 0.5, 0],
];

function isPercent(n: number | undefined): boolean {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 100;
}

export function buildLabelingJob(o: LabelingOptions): BuildResult<CreateDataLabelingJobRequest> & { estimate?: LabelingEstimate } {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const f = 'dataLabelingJob';
  const task = LABELING_TASKS.find((t) => t.id === o.task);
  if (!task) problems.push({ field: `${f}.inputsSchemaUri`, message: `Unknown labeling task '${o.task}'; use one of: ${LABELING_TASKS.map((t) => t.id).join(', ')}.` });
  else if (!task.confirmed) warnings.push(`The inputs schema for ${task.title} (${task.inputsSchemaUri}) is not confirmed in Vertex's published samples; if Vertex rejects it, its message is shown as it comes.`);
  if (!o.project) problems.push({ field: 'parent', message: 'The project is required.' });
  if (!o.location) problems.push({ field: 'parent', message: 'The region is required (e.g. us-central1).' });
  const ds = parseDatasetRef(o.dataset ?? '');
  if (!ds) problems.push({ field: `${f}.datasets`, message: `'${o.dataset}' is not a dataset id or resource name.` });
  const datasetName = ds ? `projects/${ds.project ?? o.project}/locations/${ds.location ?? o.location}/datasets/${ds.datasetId}` : '';
  if (!o.displayName?.trim()) problems.push({ field: `${f}.displayName`, message: 'A display name is required.' });
  else if (o.displayName.length > 128) problems.push({ field: `${f}.displayName`, message: `The display name has ${o.displayName.length} characters; at most 128 are allowed.` });
  if (!/^gs:\/\/[^/]+\/.+\.pdf$/i.test(o.instructionUri ?? '')) {
    problems.push({ field: `${f}.instructionUri`, message: `The instructions must be a PDF in Cloud Storage (gs://bucket/path/instructions.pdf); got '${o.instructionUri ?? ''}'.` });
  }
  if (!(LABELER_COUNTS as readonly number[]).includes(o.labelerCount)) {
    problems.push({ field: `${f}.labelerCount`, message: `The labeler count must be 1, 3 or 5; got ${o.labelerCount}.` });
  }
  const labels = [...new Set((o.labels ?? []).map((l) => l.trim()).filter(Boolean))];
  if (labels.length === 0) problems.push({ field: `${f}.inputs`, message: 'Give at least one label for the labelers to choose from.' });
  if (labels.length !== (o.labels ?? []).length) warnings.push('Duplicate or empty labels were dropped.');
  for (const p of o.specialistPools ?? []) {
    if (!SPECIALIST_POOL.test(p)) problems.push({ field: `${f}.specialistPools`, message: `'${p}' is not a specialist pool name (projects/P/locations/L/specialistPools/ID).` });
  }

  let inputs: JsonObject;
  if (task?.id === 'image-segmentation') {
    inputs = {
      annotationSpecColors: labels.map((displayName, i) => {
        const c = o.colors?.[displayName];
        const [red, green, blue] = c ? [c.red, c.green, c.blue] : PALETTE[i % PALETTE.length];
        return { color: { red, green, blue }, displayName };
      }),
    };
  } else {
    // The published samples use the snake_case key.
    inputs = { annotation_specs: labels };
  }

  const job: DataLabelingJobSpec = {
    displayName: o.displayName ?? '',
    datasets: [datasetName],
    labelerCount: o.labelerCount,
    instructionUri: o.instructionUri ?? '',
    inputsSchemaUri: task?.inputsSchemaUri ?? '',
    inputs,
  };
  if (o.annotationSetName) job.annotationLabels = { [ANNOTATION_SET_KEY]: o.annotationSetName };
  if (o.jobLabels && Object.keys(o.jobLabels).length) job.labels = o.jobLabels;
  if (o.specialistPools?.length) job.specialistPools = o.specialistPools;

  const al = o.activeLearning;
  let labeledUnits = o.itemCount;
  if (al) {
    const cfg: NonNullable<DataLabelingJobSpec['activeLearningConfig']> = {};
    if (al.maxDataItemCount !== undefined && al.maxDataItemPercentage !== undefined) {
      problems.push({ field: `${f}.activeLearningConfig`, message: 'Give either a maximum item count or a maximum percentage, not both.' });
    } else if (al.maxDataItemCount !== undefined) {
      if (!Number.isInteger(al.maxDataItemCount) || al.maxDataItemCount < 1) problems.push({ field: `${f}.activeLearningConfig.maxDataItemCount`, message: 'The maximum item count must be a whole number, at least 1.' });
      cfg.maxDataItemCount = al.maxDataItemCount;
      if (labeledUnits !== undefined) labeledUnits = Math.min(labeledUnits, al.maxDataItemCount);
    } else if (al.maxDataItemPercentage !== undefined) {
      if (!isPercent(al.maxDataItemPercentage)) problems.push({ field: `${f}.activeLearningConfig.maxDataItemPercentage`, message: 'The maximum percentage must be a whole number from 1 to 100.' });
      cfg.maxDataItemPercentage = al.maxDataItemPercentage;
      if (labeledUnits !== undefined) labeledUnits = Math.ceil((labeledUnits * al.maxDataItemPercentage) / 100);
    } else {
      problems.push({ field: `${f}.activeLearningConfig`, message: 'Active learning needs a human labeling budget: a maximum item count or a maximum percentage of the dataset.' });
    }
    if (al.initialBatchSamplePercentage !== undefined || al.followingBatchSamplePercentage !== undefined) {
      for (const k of ['initialBatchSamplePercentage', 'followingBatchSamplePercentage'] as const) {
        if (al[k] !== undefined && !isPercent(al[k])) problems.push({ field: `${f}.activeLearningConfig.sampleConfig.${k}`, message: `${k} must be a whole number from 1 to 100.` });
      }
      cfg.sampleConfig = { sampleStrategy: 'UNCERTAINTY' };
      if (al.initialBatchSamplePercentage !== undefined) cfg.sampleConfig.initialBatchSamplePercentage = al.initialBatchSamplePercentage;
      if (al.followingBatchSamplePercentage !== undefined) cfg.sampleConfig.followingBatchSamplePercentage = al.followingBatchSamplePercentage;
    }
    if (al.timeoutTrainingMilliHours !== undefined) {
      if (!Number.isInteger(al.timeoutTrainingMilliHours) || al.timeoutTrainingMilliHours < 1) problems.push({ field: `${f}.activeLearningConfig.trainingConfig.timeoutTrainingMilliHours`, message: 'The training timeout is a whole number of milli hours (1 hour = 1,000).' });
      cfg.trainingConfig = { timeoutTrainingMilliHours: al.timeoutTrainingMilliHours };
    }
    job.activeLearningConfig = cfg;
  }
  const estimate = task && labeledUnits !== undefined ? estimateLabeling(task.price, labeledUnits, o.labelerCount, !!o.specialistPools?.length) : undefined;
  if (problems.length) return { ok: false, problems, warnings, estimate };
  return { ok: true, request: { parent: locationName(o.project, o.location), dataLabelingJob: job }, warnings, estimate };
}
