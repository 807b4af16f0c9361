/**
 * google.cloud.aiplatform.v1.DatasetService with real state: datasets, data items, annotations,
 * annotation specs, saved queries (annotation sets) and versions, long-running create/import/
 * delete/version operations, Vertex-style request validation and per-row partial failures.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ServerContext, ServiceModule, OperationResult } from './state';
import { Code, RpcError, page, parseName, parseParent, timestamp, unary } from './state';
import type { Json, WireValue } from './value';
import { fromWire, isObject, toWire } from './value';
import { IO_FORMATS, isRowError, parseRow } from './importRows';

const V1 = 'google.cloud.aiplatform.v1.';
const METADATA = 'gs://google-cloud-aiplatform/schema/dataset/metadata/';
const DATA_TYPES: Record<string, string> = {
  [METADATA + 'image_1.0.0.yaml']: 'image',
  [METADATA + 'text_1.0.0.yaml']: 'text',
  [METADATA + 'video_1.0.0.yaml']: 'video',
  [METADATA + 'tabular_1.0.0.yaml']: 'tabular',
  [METADATA + 'time_series_1.0.0.yaml']: 'time_series',
  [METADATA + 'multimodal_1.0.0.yaml']: 'multimodal',
  [METADATA + 'text_prompt_1.0.0.yaml']: 'text_prompt',
};
const ANNOTATION_SET_KEY = 'aiplatform.googleapis.com/annotation_set_name';
/** GenericOperationMetadata.partial_failures "should never exceed 20 entries". */
const MAX_PARTIAL_FAILURES = 20;

interface DataItem {
  id: string;
  gcsUri: string;
  mimeType: string;
  labels: Record<string, string>;
  created: number;
  annotations: Annotation[];
}

interface Annotation {
  id: string;
  payloadSchemaUri: string;
  payload: { [key: string]: Json };
  labels: Record<string, string>;
  created: number;
}

interface SavedQuery {
  id: string;
  displayName: string;
  problemType: string;
  created: number;
}

interface Version {
  id: string;
  displayName: string;
  created: number;
  items: DataItem[];
}

export interface StoredDataset {
  id: string;
  project: string;
  location: string;
  displayName: string;
  description: string;
  metadataSchemaUri: string;
  metadata: Json;
  labels: Record<string, string>;
  created: number;
  updated: number;
  items: Map<string, DataItem>;
  specs: Map<string, string>; // displayName -> spec id
  savedQueries: SavedQuery[];
  versions: Version[];
  deleted: boolean;
}

/** The service's state, reachable from tests and the demo seeding. */
export class DatasetStore {
  readonly datasets = new Map<string, StoredDataset>();
  constructor(private readonly ctx: ServerContext) {}

  nameOf(d: StoredDataset): string {
    return `projects/${d.project}/locations/${d.location}/datasets/${d.id}`;
  }

  create(project: string, location: string, init: { displayName: string; metadataSchemaUri: string; metadata?: Json; labels?: Record<string, string>; description?: string }): StoredDataset {
    const now = this.ctx.clock.now();
    const d: StoredDataset = {
      id: this.ctx.nextId(), project, location, displayName: init.displayName, description: init.description ?? '',
      metadataSchemaUri: init.metadataSchemaUri, metadata: init.metadata ?? null, labels: init.labels ?? {},
      created: now, updated: now, items: new Map(), specs: new Map(), savedQueries: [], versions: [], deleted: false,
    };
    this.datasets.set(this.nameOf(d), d);
    return d;
  }

  find(ctx: ServerContext, name: string | undefined, field = 'name'): StoredDataset {
    const ids = parseName(ctx, name, 'projects/{p}/locations/{l}/datasets/{d}', field);
    const d = this.datasets.get(`projects/${ids.p}/locations/${ids.l}/datasets/${ids.d}`);
    if (!d || d.deleted) throw new RpcError(Code.NOT_FOUND, `Dataset ${name} not found.`);
    return d;
  }

  /** Imports JSONL rows (the same code path ImportData runs), returning the partial failures. */
  importRows(d: StoredDataset, text: string, schemaUri: string, dataItemLabels: Record<string, string>, annotationLabels: Record<string, string>, csv = false): { imported: number; failures: { line: number; message: string }[] } {
    const failures: { line: number; message: string }[] = [];
    let imported = 0;
    const f = IO_FORMATS[schemaUri];
    const setName = annotationLabels[ANNOTATION_SET_KEY] ?? `${f.problemType.toLowerCase()}_annotation_set`;
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const row = parseRow(line, schemaUri, annotationLabels, csv);
        const now = this.ctx.clock.now();
        let item = [...d.items.values()].find((x) => x.gcsUri === row.gcsUri);
        if (!item) {
          item = { id: this.ctx.nextId(), gcsUri: row.gcsUri, mimeType: row.mimeType, labels: {}, created: now, annotations: [] };
          d.items.set(item.id, item);
        }
        Object.assign(item.labels, dataItemLabels, row.labels);
        for (const a of row.annotations) {
          if (!d.specs.has(a.displayName)) d.specs.set(a.displayName, this.ctx.nextId());
          const payload = { ...a.payload, annotationSpecId: d.specs.get(a.displayName) ?? '' };
          item.annotations.push({ id: this.ctx.nextId(), payloadSchemaUri: a.payloadSchemaUri, payload, labels: { [ANNOTATION_SET_KEY]: setName, ...a.labels }, created: now });
        }
        imported++;
      } catch (e) {
        if (!isRowError(e)) throw e;
        failures.push({ line: i + 1, message: e.message });
      }
    });
    if (imported > 0 && !d.savedQueries.some((q) => q.displayName === setName)) {
      d.savedQueries.push({ id: this.ctx.nextId(), displayName: setName, problemType: f.problemType, created: this.ctx.clock.now() });
    }
    d.updated = this.ctx.clock.now();
    return { imported, failures };
  }
}

function str(r: Record<string, unknown>, k: string): string | undefined {
  const v = r[k];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function labelsOf(v: unknown): Record<string, string> {
  return v && typeof v === 'object' ? { ...(v as Record<string, string>) } : {};
}

function datasetProto(store: DatasetStore, d: StoredDataset): object {
  return {
    name: store.nameOf(d),
    displayName: d.displayName,
    description: d.description,
    metadataSchemaUri: d.metadataSchemaUri,
    metadata: toWire(d.metadata),
    dataItemCount: String(d.items.size),
    createTime: timestamp(d.created),
    updateTime: timestamp(d.updated),
    etag: `"${d.updated.toString(36)}"`,
    labels: d.labels,
    savedQueries: d.savedQueries.map((q) => savedQueryProto(store, d, q)),
  };
}

function savedQueryProto(store: DatasetStore, d: StoredDataset, q: SavedQuery): object {
  const specs = new Set<string>();
  for (const item of d.items.values()) for (const a of item.annotations) if (a.labels[ANNOTATION_SET_KEY] === q.displayName) specs.add(String(a.payload.displayName));
  return {
    name: `${store.nameOf(d)}/savedQueries/${q.id}`,
    displayName: q.displayName,
    problemType: q.problemType,
    createTime: timestamp(q.created),
    updateTime: timestamp(q.created),
    annotationSpecCount: specs.size,
    annotationFilter: `labels.${ANNOTATION_SET_KEY}="${q.displayName}"`,
    supportAutomlTraining: true,
  };
}

function dataItemProto(store: DatasetStore, d: StoredDataset, i: DataItem): object {
  const payload: Json = i.gcsUri.startsWith('inline:') ? { mimeType: i.mimeType } : { gcsUri: i.gcsUri, mimeType: i.mimeType };
  return { name: `${store.nameOf(d)}/dataItems/${i.id}`, createTime: timestamp(i.created), updateTime: timestamp(i.created), labels: i.labels, payload: toWire(payload) };
}

function annotationProto(store: DatasetStore, d: StoredDataset, i: DataItem, a: Annotation): object {
  return {
    name: `${store.nameOf(d)}/dataItems/${i.id}/annotations/${a.id}`,
    payloadSchemaUri: a.payloadSchemaUri,
    payload: toWire(a.payload),
    createTime: timestamp(a.created),
    updateTime: timestamp(a.created),
    labels: a.labels,
  };
}

function versionProto(store: DatasetStore, d: StoredDataset, v: Version): object {
  return { name: `${store.nameOf(d)}/datasetVersions/${v.id}`, displayName: v.displayName, createTime: timestamp(v.created), updateTime: timestamp(v.created), bigQueryDatasetName: `bq://${d.project}.vertex_dataset_${d.id}_${v.id}` };
}

/** Parses the ListDatasets/ListDataItems filter grammar subset Vertex documents: `a=b AND c!=d AND labels.k:*`. */
function compileFilter(filter: string | undefined, fields: Record<string, (x: never) => string | undefined>, labels: (x: never) => Record<string, string>): (x: never) => boolean {
  if (!filter || !filter.trim()) return () => true;
  // Terms joined by AND; a quoted value may hold spaces, "AND" and backslash-escaped quotes (AIP-160).
  const terms: RegExpExecArray[] = [];
  const term = /\s*([\w.\/-]+)\s*(!=|=|:)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*/y;
  const and = /AND\s+/iy;
  for (let pos = 0; pos < filter.length; ) {
    term.lastIndex = pos;
    const m = term.exec(filter);
    if (!m) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid filter '${filter}': cannot parse '${filter.slice(pos).trim()}'.`);
    terms.push(m);
    pos = term.lastIndex;
    if (pos >= filter.length) break;
    and.lastIndex = pos;
    if (!and.exec(filter)) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid filter '${filter}': expected AND at '${filter.slice(pos)}'.`);
    pos = and.lastIndex;
  }
  const preds = terms.map((m) => {
    const [, key, op, quoted, bare] = m;
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
    if (key.startsWith('labels.')) {
      const k = key.slice('labels.'.length);
      return (x: never) => {
        const v = labels(x)[k];
        if (op === ':') return value === '*' ? v !== undefined : v === value;
        return op === '=' ? v === value : v !== value;
      };
    }
    const get = fields[key];
    if (!get) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid filter '${filter}': unsupported field '${key}'.`);
    return (x: never) => (op === '!=' ? get(x) !== value : get(x) === value);
  });
  return (x: never) => preds.every((p) => p(x));
}

function order<T>(items: T[], orderBy: string | undefined, keys: Record<string, (x: T) => string | number>): T[] {
  if (!orderBy) return items;
  const [field, dir] = orderBy.trim().split(/\s+/);
  const key = keys[field];
  if (!key) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid order_by '${orderBy}'.`);
  const sign = dir === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
}

function generic(ctx: ServerContext, created: number, failures: { code: number; message: string }[] = []): object {
  return { genericMetadata: { partialFailures: failures, createTime: timestamp(created), updateTime: timestamp(ctx.clock.now()) } };
}

export function datasetService(ctx: ServerContext, store: DatasetStore): grpc.UntypedServiceImplementation {
  const ops = ctx.operations;
  const lro = (parent: string, kind: string, metadataType: string, finish: () => OperationResult, failures: () => { code: number; message: string }[] = () => []) => {
    const created = ctx.clock.now();
    const op = ops.start(parent, kind, V1 + metadataType, () => generic(ctx, created, failures()), finish);
    return ops.toProto(op);
  };

  return {
    CreateDataset: unary(ctx, 'CreateDataset', ({ request }) => {
      const parent = parseParent(ctx, str(request, 'parent'));
      const ds = (request.dataset ?? {}) as Record<string, unknown>;
      const displayName = str(ds, 'displayName');
      if (!displayName) throw new RpcError(Code.INVALID_ARGUMENT, 'Required field dataset.display_name is missing.');
      if (displayName.length > 128) throw new RpcError(Code.INVALID_ARGUMENT, `dataset.display_name is ${displayName.length} characters; at most 128 are allowed.`);
      const schema = str(ds, 'metadataSchemaUri');
      if (!schema) throw new RpcError(Code.INVALID_ARGUMENT, 'Required field dataset.metadata_schema_uri is missing.');
      const type = DATA_TYPES[schema];
      if (!type) throw new RpcError(Code.INVALID_ARGUMENT, `Unknown metadata_schema_uri '${schema}'. Expected one of ${Object.keys(DATA_TYPES).join(', ')}.`);
      const metadata = fromWire(ds.metadata as WireValue | undefined);
      if (type === 'tabular' || type === 'time_series') {
        const input = isObject(metadata) ? metadata.inputConfig : undefined;
        const gcs = isObject(input) && isObject(input.gcsSource) ? input.gcsSource.uri : undefined;
        const bq = isObject(input) && isObject(input.bigquerySource) ? input.bigquerySource.uri : undefined;
        if (gcs === undefined && bq === undefined) throw new RpcError(Code.INVALID_ARGUMENT, 'A tabular dataset needs metadata.inputConfig with gcsSource.uri or bigquerySource.uri.');
        if (gcs !== undefined && (!Array.isArray(gcs) || gcs.length === 0 || gcs.some((u) => typeof u !== 'string' || !/^gs:\/\/[^/]+\/.+/.test(u)))) {
          throw new RpcError(Code.INVALID_ARGUMENT, 'metadata.inputConfig.gcsSource.uri must be a non-empty list of gs://bucket/object URIs.');
        }
        if (bq !== undefined && (typeof bq !== 'string' || !/^bq:\/\/[\w-]+\.\w+\.[\w$-]+$/.test(bq) || bq.length > 2000)) {
          throw new RpcError(Code.INVALID_ARGUMENT, `metadata.inputConfig.bigquerySource.uri '${String(bq)}' must look like bq://project.dataset.table.`);
        }
      }
      const labels = labelsOf(ds.labels);
      return lro(`projects/${parent.project}/locations/${parent.location}`, 'CreateDataset', 'CreateDatasetOperationMetadata', () => {
        if (type === 'tabular' || type === 'time_series') {
          const input = isObject(metadata) && isObject(metadata.inputConfig) ? metadata.inputConfig : {};
          const uris = isObject(input.gcsSource) && Array.isArray(input.gcsSource.uri) ? (input.gcsSource.uri as string[]) : [];
          for (const u of uris) {
            const { bucket, object } = ctx.blobs.getUri(u);
            if (!bucket || !object) return { error: { code: Code.NOT_FOUND, message: `Cloud Storage object ${u} does not exist.` } };
            if (!bucket.serviceAgentCanRead) return { error: serviceAgentDenied(ctx, bucket.name) };
          }
        }
        const d = store.create(parent.project, parent.location, { displayName, metadataSchemaUri: schema, metadata, labels, description: str(ds, 'description') });
        return { response: { type: V1 + 'Dataset', value: datasetProto(store, d) } };
      });
    }),

    GetDataset: unary(ctx, 'GetDataset', ({ request }) => datasetProto(store, store.find(ctx, str(request, 'name')))),

    UpdateDataset: unary(ctx, 'UpdateDataset', ({ request }) => {
      const ds = (request.dataset ?? {}) as Record<string, unknown>;
      const d = store.find(ctx, str(ds, 'name'), 'dataset.name');
      const paths = ((request.updateMask as { paths?: string[] } | undefined)?.paths ?? []);
      if (!paths.length) throw new RpcError(Code.INVALID_ARGUMENT, 'Required field update_mask is missing.');
      for (const p of paths) {
        if (p === 'display_name' || p === 'displayName') d.displayName = str(ds, 'displayName') ?? d.displayName;
        else if (p === 'description') d.description = str(ds, 'description') ?? '';
        else if (p === 'labels') d.labels = labelsOf(ds.labels);
        else throw new RpcError(Code.INVALID_ARGUMENT, `update_mask path '${p}' is not updatable; only display_name, description and labels are.`);
      }
      d.updated = ctx.clock.now();
      return datasetProto(store, d);
    }),

    ListDatasets: unary(ctx, 'ListDatasets', ({ request }) => {
      const parent = parseParent(ctx, str(request, 'parent'));
      const match = compileFilter(str(request, 'filter'), {
        display_name: ((d: StoredDataset) => d.displayName) as (x: never) => string,
        displayName: ((d: StoredDataset) => d.displayName) as (x: never) => string,
        metadata_schema_uri: ((d: StoredDataset) => d.metadataSchemaUri) as (x: never) => string,
        metadataSchemaUri: ((d: StoredDataset) => d.metadataSchemaUri) as (x: never) => string,
      }, ((d: StoredDataset) => d.labels) as (x: never) => Record<string, string>);
      let all = [...store.datasets.values()].filter((d) => !d.deleted && d.project === parent.project && d.location === parent.location && match(d as never));
      all = order(all, str(request, 'orderBy'), { display_name: (d) => d.displayName, create_time: (d) => d.created, update_time: (d) => d.updated });
      const p = page(all, request.pageSize as number | undefined, str(request, 'pageToken'));
      return { datasets: p.items.map((d) => datasetProto(store, d)), nextPageToken: p.nextPageToken };
    }),

    DeleteDataset: unary(ctx, 'DeleteDataset', ({ request }) => {
      const d = store.find(ctx, str(request, 'name'));
      return lro(store.nameOf(d), 'DeleteDataset', 'DeleteOperationMetadata', () => {
        d.deleted = true;
        store.datasets.delete(store.nameOf(d));
        return { response: { type: 'google.protobuf.Empty', value: {} } };
      });
    }),

    ImportData: unary(ctx, 'ImportData', ({ request }) => {
      const d = store.find(ctx, str(request, 'name'));
      const type = DATA_TYPES[d.metadataSchemaUri];
      if (type === 'tabular' || type === 'time_series') {
        throw new RpcError(Code.FAILED_PRECONDITION, `Dataset ${store.nameOf(d)} is a ${type} dataset; tabular datasets take their source in metadata.inputConfig at creation and do not support ImportData.`);
      }
      const configs = (request.importConfigs ?? []) as Record<string, unknown>[];
      if (!configs.length) throw new RpcError(Code.INVALID_ARGUMENT, 'Required field import_configs is missing.');
      configs.forEach((c, i) => {
        const schema = str(c, 'importSchemaUri');
        if (!schema) throw new RpcError(Code.INVALID_ARGUMENT, `Required field import_configs[${i}].import_schema_uri is missing.`);
        const io = IO_FORMATS[schema];
        if (!io) throw new RpcError(Code.INVALID_ARGUMENT, `Unknown import_schema_uri '${schema}' in import_configs[${i}].`);
        if (io.dataType !== type) throw new RpcError(Code.INVALID_ARGUMENT, `import_configs[${i}].import_schema_uri is a ${io.dataType} format but dataset ${d.displayName} is a ${type} dataset.`);
        const uris = ((c.gcsSource as { uris?: string[] } | undefined)?.uris ?? []);
        if (!uris.length) throw new RpcError(Code.INVALID_ARGUMENT, `Required field import_configs[${i}].gcs_source.uris is missing.`);
        for (const u of uris) if (!/^gs:\/\/[^/]+\/.+/.test(u)) throw new RpcError(Code.INVALID_ARGUMENT, `import_configs[${i}].gcs_source.uris contains '${u}', which is not a gs://bucket/object URI.`);
      });
      const failures: { code: number; message: string }[] = [];
      return lro(store.nameOf(d), 'ImportData', 'ImportDataOperationMetadata', () => {
        let imported = 0;
        let rows = 0;
        for (const c of configs) {
          const schema = str(c, 'importSchemaUri') as string;
          for (const uri of (c.gcsSource as { uris: string[] }).uris) {
            const { bucket, object } = ctx.blobs.getUri(uri);
            if (bucket && !bucket.serviceAgentCanRead) return { error: serviceAgentDenied(ctx, bucket.name) };
            if (!object) {
              failures.push({ code: Code.NOT_FOUND, message: `Could not read ${uri}: the object does not exist.` });
              continue;
            }
            const r = store.importRows(d, object.data.toString('utf8'), schema, labelsOf(c.dataItemLabels), labelsOf(c.annotationLabels), /\.csv$/i.test(uri));
            imported += r.imported;
            rows += r.imported + r.failures.length;
            for (const f of r.failures) {
              if (failures.length < MAX_PARTIAL_FAILURES) failures.push({ code: Code.INVALID_ARGUMENT, message: `Error at line ${f.line} of ${uri}: ${f.message}.` });
            }
          }
        }
        if (imported === 0) {
          return { error: { code: Code.INVALID_ARGUMENT, message: rows ? `No data items were imported: all ${rows} rows failed. See the partial failures for each row.` : 'No data items were imported: the import files were empty or unreadable.' } };
        }
        return { response: { type: V1 + 'ImportDataResponse', value: {} } };
      }, () => failures);
    }),

    ListDataItems: unary(ctx, 'ListDataItems', ({ request }) => {
      const d = store.find(ctx, str(request, 'parent'), 'parent');
      const match = compileFilter(str(request, 'filter'), {}, ((i: DataItem) => i.labels) as (x: never) => Record<string, string>);
      const items = [...d.items.values()].filter((i) => match(i as never));
      const p = page(items, request.pageSize as number | undefined, str(request, 'pageToken'));
      return { dataItems: p.items.map((i) => dataItemProto(store, d, i)), nextPageToken: p.nextPageToken };
    }),

    SearchDataItems: unary(ctx, 'SearchDataItems', ({ request }) => {
      const d = store.find(ctx, str(request, 'dataset'), 'dataset');
      const match = compileFilter(str(request, 'dataItemFilter'), {}, ((i: DataItem) => i.labels) as (x: never) => Record<string, string>);
      const limit = Number(request.annotationsLimit ?? 0);
      const items = [...d.items.values()].filter((i) => match(i as never));
      const p = page(items, request.pageSize as number | undefined, str(request, 'pageToken'));
      return {
        dataItemViews: p.items.map((i) => ({
          dataItem: dataItemProto(store, d, i),
          annotations: (limit > 0 ? i.annotations.slice(0, limit) : i.annotations).map((a) => annotationProto(store, d, i, a)),
          hasTruncatedAnnotations: limit > 0 && i.annotations.length > limit,
        })),
        nextPageToken: p.nextPageToken,
      };
    }),

    ListAnnotations: unary(ctx, 'ListAnnotations', ({ request }) => {
      const ids = parseName(ctx, str(request, 'parent'), 'projects/{p}/locations/{l}/datasets/{d}/dataItems/{i}', 'parent');
      const d = store.find(ctx, `projects/${ids.p}/locations/${ids.l}/datasets/${ids.d}`, 'parent');
      const item = d.items.get(ids.i);
      if (!item) throw new RpcError(Code.NOT_FOUND, `DataItem ${str(request, 'parent')} not found.`);
      const p = page(item.annotations, request.pageSize as number | undefined, str(request, 'pageToken'));
      return { annotations: p.items.map((a) => annotationProto(store, d, item, a)), nextPageToken: p.nextPageToken };
    }),

    GetAnnotationSpec: unary(ctx, 'GetAnnotationSpec', ({ request }) => {
      const ids = parseName(ctx, str(request, 'name'), 'projects/{p}/locations/{l}/datasets/{d}/annotationSpecs/{s}');
      const d = store.find(ctx, `projects/${ids.p}/locations/${ids.l}/datasets/${ids.d}`);
      const entry = [...d.specs.entries()].find(([, id]) => id === ids.s);
      if (!entry) throw new RpcError(Code.NOT_FOUND, `AnnotationSpec ${str(request, 'name')} not found.`);
      return { name: str(request, 'name'), displayName: entry[0], createTime: timestamp(d.created), updateTime: timestamp(d.updated) };
    }),

    ListSavedQueries: unary(ctx, 'ListSavedQueries', ({ request }) => {
      const d = store.find(ctx, str(request, 'parent'), 'parent');
      const p = page(d.savedQueries, request.pageSize as number | undefined, str(request, 'pageToken'));
      return { savedQueries: p.items.map((q) => savedQueryProto(store, d, q)), nextPageToken: p.nextPageToken };
    }),

    DeleteSavedQuery: unary(ctx, 'DeleteSavedQuery', ({ request }) => {
      const ids = parseName(ctx, str(request, 'name'), 'projects/{p}/locations/{l}/datasets/{d}/savedQueries/{q}');
      const d = store.find(ctx, `projects/${ids.p}/locations/${ids.l}/datasets/${ids.d}`);
      const q = d.savedQueries.find((x) => x.id === ids.q);
      if (!q) throw new RpcError(Code.NOT_FOUND, `SavedQuery ${str(request, 'name')} not found.`);
      return lro(store.nameOf(d), 'DeleteSavedQuery', 'DeleteOperationMetadata', () => {
        d.savedQueries = d.savedQueries.filter((x) => x !== q);
        return { response: { type: 'google.protobuf.Empty', value: {} } };
      });
    }),

    CreateDatasetVersion: unary(ctx, 'CreateDatasetVersion', ({ request }) => {
      const d = store.find(ctx, str(request, 'parent'), 'parent');
      const dv = (request.datasetVersion ?? {}) as Record<string, unknown>;
      const displayName = str(dv, 'displayName') ?? '';
      if (displayName.length > 128) throw new RpcError(Code.INVALID_ARGUMENT, 'dataset_version.display_name exceeds 128 characters.');
      return lro(store.nameOf(d), 'CreateDatasetVersion', 'CreateDatasetVersionOperationMetadata', () => {
        const v: Version = { id: ctx.nextId(), displayName, created: ctx.clock.now(), items: [...d.items.values()].map((i) => ({ ...i, labels: { ...i.labels }, annotations: [...i.annotations] })) };
        d.versions.push(v);
        return { response: { type: V1 + 'DatasetVersion', value: versionProto(store, d, v) } };
      });
    }),

    GetDatasetVersion: unary(ctx, 'GetDatasetVersion', ({ request }) => {
      const { d, v } = findVersion(ctx, store, str(request, 'name'));
      return versionProto(store, d, v);
    }),

    ListDatasetVersions: unary(ctx, 'ListDatasetVersions', ({ request }) => {
      const d = store.find(ctx, str(request, 'parent'), 'parent');
      const sorted = order(d.versions, str(request, 'orderBy'), { create_time: (v) => v.created, display_name: (v) => v.displayName });
      const p = page(sorted, request.pageSize as number | undefined, str(request, 'pageToken'));
      return { datasetVersions: p.items.map((v) => versionProto(store, d, v)), nextPageToken: p.nextPageToken };
    }),

    DeleteDatasetVersion: unary(ctx, 'DeleteDatasetVersion', ({ request }) => {
      const { d, v } = findVersion(ctx, store, str(request, 'name'));
      return lro(store.nameOf(d), 'DeleteDatasetVersion', 'DeleteOperationMetadata', () => {
        d.versions = d.versions.filter((x) => x !== v);
        return { response: { type: 'google.protobuf.Empty', value: {} } };
      });
    }),

    RestoreDatasetVersion: unary(ctx, 'RestoreDatasetVersion', ({ request }) => {
      const { d, v } = findVersion(ctx, store, str(request, 'name'));
      return lro(store.nameOf(d), 'RestoreDatasetVersion', 'RestoreDatasetVersionOperationMetadata', () => {
        d.items = new Map(v.items.map((i) => [i.id, { ...i, labels: { ...i.labels }, annotations: [...i.annotations] }]));
        d.updated = ctx.clock.now();
        return { response: { type: V1 + 'DatasetVersion', value: versionProto(store, d, v) } };
      });
    }),
  };
}

function findVersion(ctx: ServerContext, store: DatasetStore, name: string | undefined): { d: StoredDataset; v: Version } {
  const ids = parseName(ctx, name, 'projects/{p}/locations/{l}/datasets/{d}/datasetVersions/{v}');
  const d = store.find(ctx, `projects/${ids.p}/locations/${ids.l}/datasets/${ids.d}`);
  const v = d.versions.find((x) => x.id === ids.v);
  if (!v) throw new RpcError(Code.NOT_FOUND, `DatasetVersion ${name} not found.`);
  return { d, v };
}

/** The error Vertex reports when its service agent cannot read the bucket. */
export function serviceAgentDenied(ctx: ServerContext, bucket: string): { code: number; message: string } {
  return {
    code: Code.PERMISSION_DENIED,
    message: `Vertex AI Service Agent service-${ctx.projectNumber}@gcp-sa-aiplatform.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage bucket ${bucket}. Permission 'storage.objects.get' denied on resource (or it may not exist).`,
  };
}

export const datasetServiceModule = (store: (ctx: ServerContext) => DatasetStore): ServiceModule => ({
  service: V1 + 'DatasetService',
  handlers: (ctx) => datasetService(ctx, store(ctx)),
});
