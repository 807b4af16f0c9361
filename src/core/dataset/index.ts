export { DatasetAccumulator, type DatasetDiagnostic, type DatasetOptions, type DatasetResult } from './accumulator';
export { IncrementalDataset, MultisetHistogram } from './incremental';
export { DATASET_CODES, datasetCodeInfo, datasetCodesMarkdown, severityOf, type DatasetCode, type DatasetCodeInfo } from './codes';
export { DATASET_LIMITS, type DatasetLimits } from './limits';
export { mergeMedia, parseMediaSidecar, SIDECAR_SUFFIXES, type MediaInfo, type MediaTable, type ParsedSidecar, type SidecarProblem } from './media';
export type { DatasetStats, Histogram, HistogramBucket, LabelStats, SplitCounts } from './stats';
