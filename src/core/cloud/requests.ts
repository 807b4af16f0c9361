/**
 * Pure builders for the Vertex AI DatasetService requests the extension sends, in the shape the
 * Node SDK accepts (camelCase fields, `google.protobuf.Value` for struct fields). No SDK import:
 * the cloud adapters pass these objects to the real clients unchanged.
 * Facts: vertex-import-spec.md §2.1 (tabular sources), §4.2 (DatasetService, schema URIs).
 */
import type { DataType, FormatId } from '../formats';
import { FORMATS, TIME_SERIES_METADATA_SCHEMA_URI } from '../formats';
import { bigQueryUriProblem } from '../rules/values';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `google.protobuf.Value` as the Node SDK takes it (`helpers.toValue` produces the same shape). */
export type ProtoValue =
  | { nullValue: 'NULL_VALUE' }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { listValue: { values: ProtoValue[] } }
  | { structValue: { fields: Record<string, ProtoValue> } };

export function toProtoValue(v: JsonValue): ProtoValue {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toProtoValue) } };
  const fields: Record<string, ProtoValue> = {};
  for (const [k, x] of Object.entries(v)) fields[k] = toProtoValue(x);
  return { structValue: { fields } };
}

/** Reads a `google.protobuf.Value` as returned by the SDK (with or without the `kind` discriminator). */
export function fromProtoValue(v: unknown): JsonValue {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const kind = typeof o.kind === 'string' ? o.kind : Object.keys(o).find((k) => k.endsWith('Value') && o[k] !== undefined && o[k] !== null);
  switch (kind) {
    case 'numberValue':
      return Number(o.numberValue);
    case 'stringValue':
      return String(o.stringValue);
    case 'boolValue':
      return Boolean(o.boolValue);
    case 'listValue':
      return (((o.listValue as { values?: unknown[] }) ?? {}).values ?? []).map(fromProtoValue);
    case 'structValue': {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(((o.structValue as { fields?: Record<string, unknown> }) ?? {}).fields ?? {})) out[k] = fromProtoValue(x);
      return out;
    }
    default:
      return null;
  }
}

export const LOCATION_RE = /^[a-z]+-[a-z]+\d+$/;

export function locationParent(project: string, location: string): string {
  return `projects/${project}/locations/${location}`;
}

export function datasetName(project: string, location: string, id: string): string {
  return `${locationParent(project, location)}/datasets/${id}`;
}

export interface ParsedDatasetName {
  project: string;
  location: string;
  id: string;
}

const DATASET_NAME_RE = /^projects\/([^/]+)\/locations\/([^/]+)\/datasets\/([^/]+)$/;

export function parseDatasetName(name: string): ParsedDatasetName | undefined {
  const m = DATASET_NAME_RE.exec(name);
  return m ? { project: m[1], location: m[2], id: m[3] } : undefined;
}

/** What the user typed after `--dataset`: a full resource name, a numeric id, or a display name. */
export type DatasetRef = { kind: 'name'; name: string; parsed: ParsedDatasetName } | { kind: 'id'; id: string } | { kind: 'displayName'; displayName: string };

export function parseDatasetRef(ref: string): DatasetRef {
  const parsed = parseDatasetName(ref);
  if (parsed) return { kind: 'name', name: ref, parsed };
  if (/^\d+$/.test(ref)) return { kind: 'id', id: ref };
  return { kind: 'displayName', displayName: ref };
}

export interface GcsUri {
  bucket: string;
  /** Object name or prefix (no leading slash; may be empty for a bucket). */
  path: string;
}

export function parseGcsUri(uri: string): GcsUri | undefined {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  return m ? { bucket: m[1], path: m[2] ?? '' } : undefined;
}

/** `gs://bucket/prefix` + `file.jsonl` → `gs://bucket/prefix/file.jsonl`. */
export function gcsObjectUri(bucketOrPrefix: string, fileName: string): string {
  const g = parseGcsUri(bucketOrPrefix);
  if (!g) throw new Error(`'${bucketOrPrefix}' is not a Cloud Storage location; expected gs://bucket or gs://bucket/prefix`);
  const prefix = g.path.replace(/^\/+|\/+$/g, '');
  return `gs://${g.bucket}/${prefix ? prefix + '/' : ''}${fileName}`;
}

const DATA_TYPE_BY_METADATA: Record<string, DataType | 'time_series'> = {};
for (const f of Object.values(FORMATS)) if (f.metadataSchemaUri) DATA_TYPE_BY_METADATA[f.metadataSchemaUri] = f.dataType;
DATA_TYPE_BY_METADATA[TIME_SERIES_METADATA_SCHEMA_URI] = 'time_series';

/** The data type of a dataset from its `metadataSchemaUri` (`undefined` for types this extension does not handle). */
export function datasetDataType(metadataSchemaUri: string): DataType | 'time_series' | undefined {
  return DATA_TYPE_BY_METADATA[metadataSchemaUri];
}

export interface CreateDatasetInput {
  project: string;
  location: string;
  displayName: string;
  format: FormatId;
  description?: string;
  labels?: Record<string, string>;
  /** Tabular only: the source, given at creation (no ImportData for tabular). */
  tabularSource?: { gcsUris: string[] } | { bigqueryUri: string };
  /** Time-series tabular datasets use their own metadata schema and name the id/time columns. */
  timeSeries?: { timeSeriesIdentifierColumn: string; timeColumn: string };
}

export interface CreateDatasetRequest {
  parent: string;
  dataset: { displayName: string; metadataSchemaUri: string; metadata?: ProtoValue; description?: string; labels?: Record<string, string> };
}

export function buildCreateDatasetRequest(input: CreateDatasetInput): CreateDatasetRequest {
  const f = FORMATS[input.format];
  if (!f.metadataSchemaUri) throw new Error(`format ${input.format} has no Vertex AI dataset type; pick a concrete format`);
  if (!input.displayName.trim()) throw new Error('a dataset needs a display name');
  if (input.displayName.length > 128) throw new Error(`dataset display name is ${input.displayName.length} characters; Vertex allows at most 128`);
  const dataset: CreateDatasetRequest['dataset'] = { displayName: input.displayName, metadataSchemaUri: f.metadataSchemaUri };
  if (f.dataType === 'tabular') {
    const src = input.tabularSource;
    if (!src) throw new Error('a tabular dataset takes its data at creation: give Cloud Storage CSV URIs or a BigQuery table');
    let inputConfig: JsonValue;
    if ('gcsUris' in src) {
      if (!src.gcsUris.length) throw new Error('give at least one gs:// CSV URI');
      for (const u of src.gcsUris) if (!parseGcsUri(u)?.path) throw new Error(`'${u}' is not a gs://bucket/object URI`);
      inputConfig = { gcsSource: { uri: src.gcsUris } };
    } else {
      const bqProblem = bigQueryUriProblem(src.bigqueryUri);
      if (bqProblem) throw new Error(bqProblem.message);
      inputConfig = { bigquerySource: { uri: src.bigqueryUri } };
    }
    const metadata: { [key: string]: JsonValue } = { inputConfig };
    if (input.timeSeries) {
      dataset.metadataSchemaUri = TIME_SERIES_METADATA_SCHEMA_URI;
      metadata.timeSeriesIdentifierColumn = input.timeSeries.timeSeriesIdentifierColumn;
      metadata.timeColumn = input.timeSeries.timeColumn;
    }
    dataset.metadata = toProtoValue(metadata);
  }
  if (input.description) dataset.description = input.description;
  if (input.labels && Object.keys(input.labels).length) dataset.labels = { ...input.labels };
  return { parent: locationParent(input.project, input.location), dataset };
}

export interface ImportDataInput {
  datasetName: string;
  format: FormatId;
  gcsUris: string[];
  dataItemLabels?: Record<string, string>;
  annotationLabels?: Record<string, string>;
}

export interface ImportDataRequest {
  name: string;
  importConfigs: { gcsSource: { uris: string[] }; importSchemaUri: string; dataItemLabels?: Record<string, string>; annotationLabels?: Record<string, string> }[];
}

export function buildImportDataRequest(input: ImportDataInput): ImportDataRequest {
  const f = FORMATS[input.format];
  if (!f.importSchemaUri) {
    throw new Error(f.dataType === 'tabular' ? 'tabular datasets do not support ImportData; create the dataset from the CSV/BigQuery source instead' : `format ${input.format} has no Vertex import schema`);
  }
  if (!parseDatasetName(input.datasetName)) throw new Error(`'${input.datasetName}' is not a dataset resource name (projects/P/locations/L/datasets/ID)`);
  if (!input.gcsUris.length) throw new Error('ImportData needs at least one gs:// import file');
  for (const u of input.gcsUris) if (!parseGcsUri(u)?.path) throw new Error(`'${u}' is not a gs://bucket/object URI`);
  const config: ImportDataRequest['importConfigs'][number] = { gcsSource: { uris: [...input.gcsUris] }, importSchemaUri: f.importSchemaUri };
  if (input.dataItemLabels && Object.keys(input.dataItemLabels).length) config.dataItemLabels = { ...input.dataItemLabels };
  if (input.annotationLabels && Object.keys(input.annotationLabels).length) config.annotationLabels = { ...input.annotationLabels };
  return { name: input.datasetName, importConfigs: [config] };
}

/** A ListDatasets filter for the data types shown (Vertex's filter grammar: `metadata_schema_uri = "..."`). */
export function datasetTypeFilter(dataType: DataType | 'time_series'): string {
  const uri = dataType === 'time_series' ? TIME_SERIES_METADATA_SCHEMA_URI : Object.values(FORMATS).find((f) => f.dataType === dataType)?.metadataSchemaUri;
  if (!uri) throw new Error(`no dataset type for ${dataType}`);
  return `metadata_schema_uri="${uri}"`;
}

export function displayNameFilter(displayName: string): string {
  return `display_name="${displayName.replace(/(["\\])/g, '\\$1')}"`;
}

/** The dataset's page in the Google Cloud console. */
export function consoleUrl(name: string): string {
  const p = parseDatasetName(name);
  if (!p) throw new Error(`'${name}' is not a dataset resource name`);
  return `https://console.cloud.google.com/vertex-ai/locations/${p.location}/datasets/${p.id}/browse?project=${encodeURIComponent(p.project)}`;
}

/** The regional API endpoint for a location (`us-central1-aiplatform.googleapis.com`). */
export function regionalEndpoint(location: string): string {
  return `${location}-aiplatform.googleapis.com`;
}
