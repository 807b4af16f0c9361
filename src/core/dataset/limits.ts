/**
 * Documented dataset limits per import format (vertex-import-spec.md §3). Absent = not documented
 * for Vertex, so not checked. Legacy AutoML figures are deliberately not used.
 */
import type { FormatId } from '../formats';

export interface DatasetLimits {
  /** What one data item is called in messages. */
  itemNoun: 'images' | 'documents' | 'videos' | 'items';
  minItems?: number;
  maxItems?: number;
  minLabels?: number;
  maxLabels?: number;
  /** Minimum distinct items per label (sentiment: per sentiment value). */
  minItemsPerLabel?: number;
  /** Recommended minimum annotations per label (a warning that `strict` leaves alone). */
  recommendedUsesPerLabel?: number;
  /** Most/least frequent label ratio above which training quality suffers. */
  maxImbalance?: number;
  minAnnotations?: number;
  maxBoxes?: number;
  maxBoxesPerImage?: number;
  /** Minimum normalized box width and height. */
  minBoxEdge?: number;
  /** Minimum box width and height in pixels at training scale. */
  minBoxPx?: number;
  /** Images whose shorter side is longer than this are scaled down so that it becomes this. */
  trainingShortSide?: number;
  maxFrames?: number;
  maxVideoSeconds?: number;
  /** Longest label (AnnotationSpec display name) in Unicode characters; absent where labels are checked otherwise. */
  maxLabelLength?: number;
  /** Sentiment values must be consecutive from 0. */
  consecutiveSentiment?: boolean;
  /** Several CSV rows of one media URI with different labels are a conflict (one label per item). */
  singleLabel?: boolean;
  /** Source tags per fact, shown in messages. */
  source: string;
}

/** AnnotationSpec.display_name: "can be up to 128 characters long" (annotation_spec.proto). */
const LABEL_CHARS = 128;
const imageClassification = { itemNoun: 'images', minItemsPerLabel: 10, maxImbalance: 100, maxLabelLength: LABEL_CHARS, source: 'DOC-IMG-CLS' } as const;
const textClassification = {
  itemNoun: 'documents',
  minItems: 20,
  maxItems: 1_000_000,
  minLabels: 2,
  maxLabels: 5_000,
  minItemsPerLabel: 10,
  maxImbalance: 100,
  maxLabelLength: LABEL_CHARS,
  source: 'DOC-TXT-CLS',
} as const;
const VIDEO_SECONDS = 3 * 3600;

export const DATASET_LIMITS: Readonly<Record<FormatId, DatasetLimits>> = {
  'image-classification-single-label': { ...imageClassification, singleLabel: true },
  'image-classification-multi-label': imageClassification,
  'image-bounding-box': {
    itemNoun: 'images',
    maxItems: 150_000,
    minLabels: 1,
    maxLabels: 1_000,
    minItemsPerLabel: 10,
    maxImbalance: 100,
    minAnnotations: 10,
    maxBoxes: 1_000_000,
    maxBoxesPerImage: 500,
    minBoxEdge: 0.01,
    minBoxPx: 8,
    trainingShortSide: 1024,
    maxLabelLength: LABEL_CHARS,
    source: 'DOC-IMG-OD',
  },
  'image-segmentation': { itemNoun: 'images', maxLabelLength: LABEL_CHARS, source: 'P-PAYLOAD' },
  'text-classification-single-label': { ...textClassification, singleLabel: true },
  'text-classification-multi-label': textClassification,
  'text-extraction': {
    itemNoun: 'documents',
    minItems: 50,
    maxItems: 100_000,
    minLabels: 1,
    maxLabels: 100,
    recommendedUsesPerLabel: 200,
    source: 'DOC-TXT-EE',
  },
  'text-sentiment': {
    itemNoun: 'documents',
    minItems: 10,
    maxItems: 100_000,
    minItemsPerLabel: 10,
    consecutiveSentiment: true,
    singleLabel: true,
    source: 'DOC-TXT-SA',
  },
  'video-classification': { itemNoun: 'videos', minLabels: 2, maxLabels: 1_000, maxVideoSeconds: VIDEO_SECONDS, maxLabelLength: LABEL_CHARS, source: 'DOC-VID-CLS' },
  'video-action-recognition': { itemNoun: 'videos', maxLabels: 1_000, maxVideoSeconds: VIDEO_SECONDS, maxLabelLength: LABEL_CHARS, source: 'DOC-VID-AR' },
  'video-object-tracking': {
    itemNoun: 'videos',
    maxLabels: 1_000,
    maxBoxes: 1_000_000,
    maxFrames: 150_000,
    maxVideoSeconds: VIDEO_SECONDS,
    maxLabelLength: LABEL_CHARS,
    source: 'DOC-VID-OT',
  },
  tabular: { itemNoun: 'items', source: 'DOC-TAB' },
  custom: { itemNoun: 'items', source: '' },
};
