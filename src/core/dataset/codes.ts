/**
 * Every dataset-level finding: its stable code, default severity, the documented threshold and the
 * fact it comes from (source tags of the project's Vertex import spec, §0). The README's table of
 * dataset codes is generated from this list (`datasetCodesMarkdown`), so the two never disagree.
 */
import type { Severity } from '../diagnostics';
import { codeAnchor } from '../docs';

export interface DatasetCodeInfo {
  code: string;
  /** Severity without `strict`. */
  severity: Severity;
  /**
   * True for findings that only block training (minimums, imbalance, split coverage): Vertex still
   * imports the file, so they are warnings unless `strict` turns them into errors.
   */
  trainingOnly: boolean;
  /** The documented threshold in words. */
  threshold: string;
  /** Where the fact comes from: spec source tags. */
  source: string;
  /** What the finding means and what to do about it. */
  doc: string;
}

const table = [
  {
    code: 'dataset.tooFewItems',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'text classification ≥20 documents; entity extraction ≥50; sentiment ≥10',
    source: 'DOC-TXT-CLS, DOC-TXT-EE, DOC-TXT-SA',
    doc: 'The dataset has fewer data items than training needs. Vertex imports it, but training is refused.',
  },
  {
    code: 'dataset.tooManyItems',
    severity: 'error',
    trainingOnly: false,
    threshold: 'text classification ≤1,000,000 documents; entity extraction and sentiment ≤100,000; object detection ≤150,000 images',
    source: 'DOC-TXT-CLS, DOC-TXT-EE, DOC-TXT-SA, DOC-IMG-OD',
    doc: 'The dataset has more data items than a Vertex dataset of this type holds. Split it into several datasets.',
  },
  {
    code: 'dataset.tooFewLabels',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'text classification ≥2 labels; video classification ≥2 classes; entity extraction and object detection ≥1',
    source: 'DOC-TXT-CLS, DOC-VID-CLS, DOC-TXT-EE, DOC-IMG-OD',
    doc: 'Too few distinct labels for training. Add labeled items for more classes.',
  },
  {
    code: 'dataset.tooManyLabels',
    severity: 'error',
    trainingOnly: false,
    threshold: 'text classification ≤5,000 labels; entity extraction ≤100; object detection ≤1,000; video ≤1,000',
    source: 'DOC-TXT-CLS, DOC-TXT-EE, DOC-IMG-OD, DOC-VID-CLS, DOC-VID-OT, DOC-VID-AR',
    doc: 'More distinct labels than the dataset type allows. Merge or drop labels.',
  },
  {
    code: 'dataset.tooFewAnnotations',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'object detection ≥10 bounding boxes overall',
    source: 'DOC-IMG-OD',
    doc: 'Object detection training needs at least 10 annotations in the dataset.',
  },
  {
    code: 'dataset.tooManyBoxes',
    severity: 'error',
    trainingOnly: false,
    threshold: 'object detection and object tracking ≤1,000,000 bounding boxes per dataset',
    source: 'DOC-IMG-OD, DOC-VID-OT',
    doc: 'More bounding boxes than a dataset holds. Split the dataset.',
  },
  {
    code: 'dataset.tooManyFrames',
    severity: 'error',
    trainingOnly: false,
    threshold: 'object tracking ≤150,000 labeled frames per dataset',
    source: 'DOC-VID-OT',
    doc: 'More labeled video frames (distinct video and time offset pairs) than a tracking dataset holds.',
  },
  {
    code: 'label.tooFewItems',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'image classification and object detection ≥10 images per label; text classification ≥10 documents per label; sentiment ≥10 documents per value',
    source: 'DOC-IMG-CLS, DOC-IMG-OD, DOC-TXT-CLS, DOC-TXT-SA',
    doc: 'A label is used on fewer items than training needs. Sits on the first line using the label; the other lines are related locations.',
  },
  {
    code: 'label.fewUses',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'entity extraction: ≥200 uses per label recommended',
    source: 'DOC-TXT-EE',
    doc: 'An entity label is annotated fewer times than Google recommends; the model will be weak on it. A recommendation, so `strict` leaves it a warning.',
  },
  {
    code: 'label.imbalance',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'most/least frequent label ratio ≤100× (image classification, object detection, text classification)',
    source: 'DOC-IMG-CLS, DOC-IMG-OD, DOC-TXT-CLS',
    doc: 'The most frequent label has more than 100 times the items of the least frequent one. Sits on the first line of the rarest label.',
  },
  {
    code: 'label.similar',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'one spelling per label: labels that differ only in letter case or Unicode composition are two labels',
    source: 'vertex-datasets',
    doc: 'Two labels differ only in letter case (`Cat`, `cat`) or in how the same characters are composed (`café` as é or as e plus an accent). The dataset then has two labels where one is probably meant; use one spelling. Sits on the first line of the later label; the first line of the other is related.',
  },
  {
    code: 'label.tooLong',
    severity: 'error',
    trainingOnly: false,
    threshold: 'a label (AnnotationSpec display name) is at most 128 characters',
    source: 'P-ANN (annotation_spec.proto: AnnotationSpec.display_name)',
    doc: 'A label is longer than Vertex allows for the name of a label, so its annotations cannot be imported. Shorten it. Sits on the first line using the label; the other lines are related locations. (Entity extraction labels have their own 2-30 limit, `label.length`.)',
  },
  {
    code: 'duplicate.conflict',
    severity: 'error',
    trainingOnly: false,
    threshold: 'one data item per media URI: its labels and ml_use must agree on every line',
    source: 'P-DATASET (data items are deduplicated), DOC-MLUSE',
    doc: 'The same media URI appears on several lines with a different ml_use, or with different labels in a single-label format. Vertex keeps one data item, so one of the answers is lost. Sits on the later line; the first line is related. (Different annotations where an item can have several: `duplicate.annotationsSplit`.)',
  },
  {
    code: 'duplicate.annotationsSplit',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'one JSONL line per data item where an item takes several annotations (multi-label, boxes, segments, entities, video)',
    source: 'DOC-IMG-OD (CSV: one box per row, rows of one image add up); JSONL [unverified]',
    doc: 'Two JSONL lines of the same media URI (or the same inline text) carry different annotations in a format where an item can have several. Vertex AI documents that CSV rows of one image add up (one box per row, the image path repeated), and CSV rows are merged so here; it says nothing of JSONL lines, so this is a warning, not a conflict: put all of the item\'s annotations on one line. Both lines count toward the item. Sits on the later line; the first line is related. (Single-label items and a different ml_use stay `duplicate.conflict`.)',
  },
  {
    code: 'duplicate.repeat',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'each media URI once (CSV: each row once)',
    source: 'P-DATASET (data items are deduplicated)',
    doc: 'An identical line (or CSV row) repeats a media URI already given, or one of two JSONL lines of the URI has no annotations (it adds nothing). Harmless for the import but it skews counts; remove the redundant line.',
  },
  {
    code: 'duplicate.textConflict',
    severity: 'error',
    trainingOnly: false,
    threshold: 'one data item per distinct inline text: its labels and ml_use must agree on every line',
    source: 'P-DATASET (duplicate data items are detected by identical content), DOC-MLUSE',
    doc: 'The same inline `textContent` (CSV: the same text cell) appears on several lines with different labels or a different ml_use. Vertex detects duplicates by content and keeps one data item, so one of the answers is lost. Sits on the later line; the first line is related.',
  },
  {
    code: 'duplicate.textRepeat',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'each inline text once (CSV: each row once)',
    source: 'P-DATASET (duplicate data items are detected by identical content)',
    doc: 'An identical line (or CSV row) repeats an inline text already given, with the same annotations, or one of two JSONL lines of the text has no annotations. Vertex imports it once, so it only skews counts; remove the redundant line.',
  },
  {
    code: 'box.tooMany',
    severity: 'error',
    trainingOnly: false,
    threshold: '≤500 bounding boxes per image',
    source: 'DOC-IMG-OD',
    doc: 'An image carries more boxes than Vertex accepts.',
  },
  {
    code: 'box.tooSmall',
    severity: 'error',
    trainingOnly: false,
    threshold: 'box edges ≥0.01 of the image side (normalized width and height ≥0.01)',
    source: 'DOC-IMG-OD',
    doc: 'A bounding box edge is shorter than 1% of the image side; Vertex does not use such boxes.',
  },
  {
    code: 'box.tooSmallPx',
    severity: 'error',
    trainingOnly: false,
    threshold: 'box ≥8×8 px after images whose shorter side exceeds 1024 px are scaled down to 1024',
    source: 'DOC-IMG-OD',
    doc: 'With the image size known (media sidecar), the box is smaller than 8×8 pixels at training scale and Vertex drops it.',
  },
  {
    code: 'video.segmentOutside',
    severity: 'error',
    trainingOnly: false,
    threshold: 'segment start and end within the video duration',
    source: 'DOC-VID-CLS, DOC-VID-AR',
    doc: 'With the video duration known (media sidecar), a time segment or tracked frame lies after the end of the video.',
  },
  {
    code: 'video.tooLong',
    severity: 'error',
    trainingOnly: false,
    threshold: 'video ≤3 h',
    source: 'DOC-VID-CLS, P-PAYLOAD (VideoDataItem)',
    doc: 'With the video duration known (media sidecar), the video is longer than Vertex accepts.',
  },
  {
    code: 'video.overlap',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'segments of one label in one video do not overlap',
    source: 'DOC-VID-CLS, DOC-VID-AR',
    doc: 'Two time segments of the same label overlap in one video; the overlap is counted twice. Merge them.',
  },
  {
    code: 'tracking.instanceInconsistent',
    severity: 'error',
    trainingOnly: false,
    threshold: 'an instanceId names one object: one label per instance in a video',
    source: 'P-PAYLOAD (VideoObjectTrackingAnnotation.instanceId)',
    doc: 'The same instanceId carries different labels in one video, so the track is corrupt.',
  },
  {
    code: 'tracking.instanceRepeated',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'an instance appears at most once per frame',
    source: 'P-PAYLOAD (VideoObjectTrackingAnnotation.instanceId)',
    doc: 'The same instanceId has two boxes at one time offset of a video.',
  },
  {
    code: 'split.empty',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'with ml_use, every split (video: training and test) has items',
    source: 'DOC-MLUSE',
    doc: 'ml_use is used, but one split has no items, so training with this manual split fails.',
  },
  {
    code: 'split.missingLabel',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'with ml_use, every label appears in every non-empty split',
    source: 'DOC-MLUSE',
    doc: 'A label has no items in one of the splits, so it cannot be learned or evaluated there. Sits on the first line using the label.',
  },
  {
    code: 'split.fractions',
    severity: 'info',
    trainingOnly: false,
    threshold: 'default split 80/10/10; reported when a split is more than 10 points away',
    source: 'DOC-MLUSE, P-TP (FractionSplit)',
    doc: 'The ml_use split differs clearly from Vertex\'s default 80/10/10 training/validation/test.',
  },
  {
    code: 'sentiment.notConsecutive',
    severity: 'warning',
    trainingOnly: true,
    threshold: 'sentiment values consecutive from 0 up to sentimentMax, each used',
    source: 'DOC-TXT-SA',
    doc: 'Some sentiment values between 0 and the maximum are never used.',
  },
  {
    code: 'sentiment.maxInconsistent',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'one sentimentMax for the whole dataset',
    source: 'DOC-TXT-SA',
    doc: 'Items disagree on sentimentMax; the scale of the dataset is ambiguous.',
  },
  {
    code: 'dataset.truncated',
    severity: 'info',
    trainingOnly: false,
    threshold: 'at most `maxPerCode` findings per code (default 1,000)',
    source: 'vertex-datasets',
    doc: 'More findings of one code than are listed; the message says how many were left out.',
  },
  {
    code: 'sidecar.invalid',
    severity: 'warning',
    trainingOnly: false,
    threshold: 'media sidecar rows: uri plus width/height in pixels and/or duration in seconds',
    source: 'vertex-datasets (media sidecar)',
    doc: 'A row of the media sidecar (image sizes, video durations) could not be read and is ignored.',
  },
] as const satisfies readonly DatasetCodeInfo[];

export type DatasetCode = (typeof table)[number]['code'];

export const DATASET_CODES: readonly DatasetCodeInfo[] = table;

const byCode = new Map<string, DatasetCodeInfo>(table.map((c) => [c.code, c]));

export function datasetCodeInfo(code: DatasetCode): DatasetCodeInfo {
  return byCode.get(code) as DatasetCodeInfo;
}

export function severityOf(code: DatasetCode, strict: boolean): Severity {
  const info = datasetCodeInfo(code);
  return strict && info.trainingOnly ? 'error' : info.severity;
}

/** The README table of dataset codes. */
export function datasetCodesMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = DATASET_CODES.map(
    (c) =>
      `| <a id="${codeAnchor(c.code)}"></a>\`${c.code}\` | ${c.severity}${c.trainingOnly ? ' (error with `--strict`)' : ''} | ${esc(c.threshold)} | ${esc(c.source)} | ${esc(c.doc)} |`,
  );
  return ['| Code | Severity | Threshold | Source | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
