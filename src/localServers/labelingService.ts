/**
 * The data labeling part of google.cloud.aiplatform.v1.JobService, and SpecialistPoolService
 * (list/get). A labeling job goes PENDING → RUNNING (progress and spend grow with the clock) →
 * SUCCEEDED, or FAILED by fault injection; cancel goes through CANCELLING to CANCELLED.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ServerContext, ServiceModule } from './state';
import { Code, RpcError, page, parseName, parseParent, timestamp, unary } from './state';
import type { Json, WireValue } from './value';
import { fromWire, isObject, toWire } from './value';
import type { StoredLabelingJob, StoredPool, TrainingStore } from './trainingState';
import { JOB_TERMINAL } from './trainingState';

const V1 = 'google.cloud.aiplatform.v1.';
const INPUTS = 'gs://google-cloud-aiplatform/schema/datalabelingjob/inputs/';

/** Inputs schemas the SDK names, with the dataset kind they label and a mid-range unit price (USD per item per labeler). */
const SCHEMAS: Record<string, { dataType: string; price: number }> = {
  'image_classification_1.0.0.yaml': { dataType: 'image', price: 0.065 },
  'image_bounding_box_1.0.0.yaml': { dataType: 'image', price: 0.125 },
  'image_segmentation_1.0.0.yaml': { dataType: 'image', price: 0.125 },
  'text_classification_1.0.0.yaml': { dataType: 'text', price: 0.02 },
  'text_extraction_1.0.0.yaml': { dataType: 'text', price: 0.02 },
  'text_sentiment_1.0.0.yaml': { dataType: 'text', price: 0.02 },
  'video_classification_1.0.0.yaml': { dataType: 'video', price: 1.25 },
  'video_action_recognition_1.0.0.yaml': { dataType: 'video', price: 1.25 },
  'video_object_tracking_1.0.0.yaml': { dataType: 'video', price: 1.25 },
};

const bad = (message: string) => new RpcError(Code.INVALID_ARGUMENT, message);

function money(usd: number): object {
  const units = Math.floor(usd);
  return { currencyCode: 'USD', units: String(units), nanos: Math.round((usd - units) * 1e9) };
}

export function labelingJobProto(store: TrainingStore, j: StoredLabelingJob): object {
  const state = store.jobState(j);
  const out: Record<string, unknown> = {
    name: store.jobName(j),
    displayName: j.displayName,
    datasets: j.datasets,
    annotationLabels: j.annotationLabels,
    labelerCount: j.labelerCount,
    instructionUri: j.instructionUri,
    inputsSchemaUri: j.inputsSchemaUri,
    inputs: toWire(j.inputs),
    state,
    labelingProgress: store.jobProgress(j),
    currentSpend: money(store.jobSpend(j)),
    createTime: timestamp(j.created),
    updateTime: timestamp(j.outcome?.at ?? store.ctx.clock.now()),
    labels: j.labels,
    specialistPools: j.specialistPools,
  };
  if (j.activeLearningConfig) out.activeLearningConfig = j.activeLearningConfig;
  if (j.outcome?.error) out.error = { code: j.outcome.error.code, message: j.outcome.error.message, details: [] };
  return out;
}

function listFilter(filter: string | undefined): (j: StoredLabelingJob, state: string) => boolean {
  if (!filter?.trim()) return () => true;
  const terms = filter.split(/\s+AND\s+/i).map((t) => {
    const m = /^(display_name|state|labels\.[\w.-]+)\s*(!=|=|:)\s*"?([^"]*)"?$/.exec(t.trim());
    if (!m) throw bad(`Invalid filter '${filter}': cannot parse '${t}'.`);
    return { key: m[1], op: m[2], value: m[3] };
  });
  return (j, state) =>
    terms.every(({ key, op, value }) => {
      const actual = key === 'display_name' ? j.displayName : key === 'state' ? state : j.labels[key.slice(7)];
      if (op === ':') return value === '*' ? actual !== undefined : actual !== undefined && actual.includes(value.replace(/\*/g, ''));
      return op === '=' ? actual === value : actual !== value;
    });
}

export function labelingService(ctx: ServerContext, store: TrainingStore): grpc.UntypedServiceImplementation {
  const find = (name: unknown): StoredLabelingJob => {
    const ids = parseName(ctx, name as string | undefined, 'projects/{p}/locations/{l}/dataLabelingJobs/{j}');
    const j = store.labelingJobs.get(`projects/${ids.p}/locations/${ids.l}/dataLabelingJobs/${ids.j}`);
    if (!j || j.deleted) throw new RpcError(Code.NOT_FOUND, `DataLabelingJob ${String(name)} not found.`);
    return j;
  };
  return {
    CreateDataLabelingJob: unary(ctx, 'CreateDataLabelingJob', ({ request }) => {
      const parent = parseParent(ctx, request.parent as string | undefined);
      const job = (request.dataLabelingJob ?? {}) as Record<string, unknown>;
      const displayName = typeof job.displayName === 'string' ? job.displayName : '';
      if (!displayName) throw bad('Required field data_labeling_job.display_name is missing.');
      if (displayName.length > 128) throw bad(`data_labeling_job.display_name is ${displayName.length} characters; at most 128 are allowed.`);
      const datasets = (job.datasets as string[] | undefined) ?? [];
      if (datasets.length !== 1) throw bad(`data_labeling_job.datasets must name exactly one dataset; got ${datasets.length}.`);
      const d = store.findDataset(datasets[0]);
      parseName(ctx, datasets[0], 'projects/{p}/locations/{l}/datasets/{d}', 'data_labeling_job.datasets[0]');
      if (!d) throw new RpcError(Code.NOT_FOUND, `Dataset ${datasets[0]} not found.`);
      const labelerCount = Number(job.labelerCount ?? 0);
      if (!labelerCount) throw bad('Required field data_labeling_job.labeler_count is missing.');
      if (![1, 3, 5].includes(labelerCount)) throw bad(`data_labeling_job.labeler_count ${labelerCount} is invalid; it must be 1, 3 or 5.`);
      const instructionUri = typeof job.instructionUri === 'string' ? job.instructionUri : '';
      if (!instructionUri) throw bad('Required field data_labeling_job.instruction_uri is missing.');
      const { bucket, object } = ctx.blobs.getUri(instructionUri);
      if (!object) throw bad(`data_labeling_job.instruction_uri ${instructionUri} does not exist or is not a Cloud Storage object.`);
      if (!bucket?.serviceAgentCanRead) throw new RpcError(Code.PERMISSION_DENIED, `Vertex AI Service Agent cannot read ${instructionUri}; grant it roles/storage.objectViewer on bucket ${bucket?.name}.`);
      if (!/\.pdf$/i.test(instructionUri) && object.contentType !== 'application/pdf') throw bad(`data_labeling_job.instruction_uri ${instructionUri} must be a PDF document.`);
      const schemaUri = typeof job.inputsSchemaUri === 'string' ? job.inputsSchemaUri : '';
      if (!schemaUri) throw bad('Required field data_labeling_job.inputs_schema_uri is missing.');
      const schema = schemaUri.startsWith(INPUTS) ? SCHEMAS[schemaUri.slice(INPUTS.length)] : undefined;
      if (!schema) throw bad(`data_labeling_job.inputs_schema_uri '${schemaUri}' is unknown; expected ${INPUTS}<task>_1.0.0.yaml.`);
      const dsKind = d.metadataSchemaUri.slice(d.metadataSchemaUri.lastIndexOf('/') + 1).replace(/_1\.0\.0\.yaml$/, '');
      if (dsKind !== schema.dataType) throw bad(`Dataset ${datasets[0]} holds ${dsKind} data; ${schemaUri} labels ${schema.dataType} data.`);
      if (!job.inputs) throw bad('Required field data_labeling_job.inputs is missing.');
      const inputs: Json = fromWire(job.inputs as WireValue);
      if (!isObject(inputs)) throw bad('data_labeling_job.inputs must be a struct.');
      if (schemaUri.endsWith('image_segmentation_1.0.0.yaml')) {
        const colors = inputs.annotationSpecColors ?? inputs.annotation_spec_colors;
        if (!Array.isArray(colors) || colors.length === 0 || colors.some((c) => !isObject(c) || typeof c.displayName !== 'string' || !isObject(c.color))) {
          throw bad('data_labeling_job.inputs.annotationSpecColors must list {displayName, color{red,green,blue}} for each label.');
        }
      } else {
        const specs = inputs.annotation_specs ?? inputs.annotationSpecs;
        if (!Array.isArray(specs) || specs.length === 0 || specs.some((s) => typeof s !== 'string' || !s)) throw bad('data_labeling_job.inputs.annotation_specs must list at least one label name.');
      }
      const pools = (job.specialistPools as string[] | undefined) ?? [];
      for (const p of pools) if (!store.pools.has(p)) throw new RpcError(Code.NOT_FOUND, `SpecialistPool ${p} not found.`);
      const items = d.items.size;
      if (items === 0) throw new RpcError(Code.FAILED_PRECONDITION, `Dataset ${datasets[0]} has no data items to label; import data first.`);
      let toLabel = items;
      const al = job.activeLearningConfig as Record<string, unknown> | undefined;
      if (al) {
        const count = al.maxDataItemCount !== undefined && al.maxDataItemCount !== null ? Number(al.maxDataItemCount) : undefined;
        const pct = al.maxDataItemPercentage !== undefined && al.maxDataItemPercentage !== null ? Number(al.maxDataItemPercentage) : undefined;
        if (count === undefined && pct === undefined) throw bad('data_labeling_job.active_learning_config needs max_data_item_count or max_data_item_percentage.');
        if (pct !== undefined && (pct < 1 || pct > 100)) throw bad('data_labeling_job.active_learning_config.max_data_item_percentage must be 1 to 100.');
        toLabel = count !== undefined ? Math.min(items, count) : Math.ceil((items * (pct ?? 100)) / 100);
        const sc = al.sampleConfig as Record<string, unknown> | undefined;
        for (const k of ['initialBatchSamplePercentage', 'followingBatchSamplePercentage']) {
          const v = sc?.[k];
          if (v !== undefined && v !== null && (Number(v) < 1 || Number(v) > 100)) throw bad(`data_labeling_job.active_learning_config.sample_config.${k} must be 1 to 100.`);
        }
      }
      const j: StoredLabelingJob = {
        id: ctx.nextId(),
        project: parent.project,
        location: parent.location,
        displayName,
        datasets,
        labelerCount,
        instructionUri,
        inputsSchemaUri: schemaUri,
        inputs,
        annotationLabels: (job.annotationLabels as Record<string, string>) ?? {},
        labels: (job.labels as Record<string, string>) ?? {},
        specialistPools: pools,
        activeLearningConfig: al,
        itemsToLabel: toLabel,
        unitPrice: schema.price * (pools.length ? 2 : 1),
        created: ctx.clock.now(),
        deleted: false,
      };
      store.labelingJobs.set(store.jobName(j), j);
      return labelingJobProto(store, j);
    }),
    GetDataLabelingJob: unary(ctx, 'GetDataLabelingJob', ({ request }) => labelingJobProto(store, find(request.name))),
    ListDataLabelingJobs: unary(ctx, 'ListDataLabelingJobs', ({ request }) => {
      const parent = parseParent(ctx, request.parent as string | undefined);
      const match = listFilter(request.filter as string | undefined);
      const all = [...store.labelingJobs.values()]
        .filter((j) => !j.deleted && j.project === parent.project && j.location === parent.location && match(j, store.jobState(j)))
        .sort((a, b) => b.created - a.created);
      const pg = page(all, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { dataLabelingJobs: pg.items.map((j) => labelingJobProto(store, j)), nextPageToken: pg.nextPageToken };
    }),
    CancelDataLabelingJob: unary(ctx, 'CancelDataLabelingJob', ({ request }) => {
      const j = find(request.name);
      const state = store.jobState(j);
      if (JOB_TERMINAL.includes(state)) throw new RpcError(Code.FAILED_PRECONDITION, `DataLabelingJob ${store.jobName(j)} is in state ${state} and cannot be cancelled.`);
      j.cancelRequested ??= ctx.clock.now();
      return {};
    }),
    DeleteDataLabelingJob: unary(ctx, 'DeleteDataLabelingJob', ({ request }) => {
      const j = find(request.name);
      const state = store.jobState(j);
      if (!JOB_TERMINAL.includes(state)) throw new RpcError(Code.FAILED_PRECONDITION, `DataLabelingJob ${store.jobName(j)} is in state ${state}; cancel it before deleting it.`);
      const created = ctx.clock.now();
      const op = ctx.operations.start(store.jobName(j), 'DeleteDataLabelingJob', V1 + 'DeleteOperationMetadata', () => ({ genericMetadata: { createTime: timestamp(created), updateTime: timestamp(ctx.clock.now()) } }), () => {
        j.deleted = true;
        return { response: { type: 'google.protobuf.Empty', value: {} } };
      });
      return ctx.operations.toProto(op);
    }),
  };
}

function poolProto(store: TrainingStore, p: StoredPool): object {
  const pending = [...store.labelingJobs.values()].filter((j) => !j.deleted && j.specialistPools.includes(store.poolName(p)) && !JOB_TERMINAL.includes(store.jobState(j))).map((j) => store.jobName(j));
  return { name: store.poolName(p), displayName: p.displayName, specialistManagersCount: p.managers.length, specialistManagerEmails: p.managers, specialistWorkerEmails: p.workers, pendingDataLabelingJobs: pending };
}

export function specialistPoolService(ctx: ServerContext, store: TrainingStore): grpc.UntypedServiceImplementation {
  return {
    ListSpecialistPools: unary(ctx, 'ListSpecialistPools', ({ request }) => {
      const parent = parseParent(ctx, request.parent as string | undefined);
      const all = [...store.pools.values()].filter((p) => p.project === parent.project && p.location === parent.location);
      const pg = page(all, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { specialistPools: pg.items.map((p) => poolProto(store, p)), nextPageToken: pg.nextPageToken };
    }),
    GetSpecialistPool: unary(ctx, 'GetSpecialistPool', ({ request }) => {
      parseName(ctx, request.name as string | undefined, 'projects/{p}/locations/{l}/specialistPools/{s}');
      const p = store.pools.get(String(request.name));
      if (!p) throw new RpcError(Code.NOT_FOUND, `SpecialistPool ${String(request.name)} not found.`);
      return poolProto(store, p);
    }),
  };
}

export const jobServiceModule = (store: () => TrainingStore): ServiceModule => ({
  service: V1 + 'JobService',
  handlers: (ctx) => labelingService(ctx, store()),
});

export const specialistPoolServiceModule = (store: () => TrainingStore): ServiceModule => ({
  service: V1 + 'SpecialistPoolService',
  handlers: (ctx) => specialistPoolService(ctx, store()),
});
