/**
 * google.cloud.aiplatform.v1.ModelService for models the local pipelines upload: GetModel,
 * ListModels, evaluations and slices, and ExportModel as a long-running operation that honours
 * the model's `supportedExportFormats` and writes the artifact to the local Cloud Storage store.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ServerContext, ServiceModule } from './state';
import { Code, RpcError, page, parseName, parseParent, timestamp, unary } from './state';
import { toWire } from './value';
import { settlePipeline } from './pipelineService';
import type { StoredEvaluation, StoredModel, TrainingStore } from './trainingState';

const V1 = 'google.cloud.aiplatform.v1.';

export function modelProto(store: TrainingStore, m: StoredModel): object {
  return {
    name: store.modelName(m),
    displayName: m.displayName,
    trainingPipeline: m.pipelineName,
    versionId: '1',
    versionAliases: ['default'],
    versionCreateTime: timestamp(m.created),
    createTime: timestamp(m.created),
    updateTime: timestamp(m.created),
    supportedExportFormats: m.exportFormats,
    labels: m.labels,
  };
}

function evaluationProto(store: TrainingStore, m: StoredModel, e: StoredEvaluation): object {
  return {
    name: `${store.modelName(m)}/evaluations/${e.id}`,
    displayName: e.displayName,
    metricsSchemaUri: e.metricsSchemaUri,
    metrics: toWire(e.metrics),
    createTime: timestamp(e.created),
    sliceDimensions: e.sliceDimensions,
  };
}

const FORMAT_FILES: Record<string, string> = {
  tflite: 'model.tflite',
  'edgetpu-tflite': 'edgetpu_model.tflite',
  'tf-saved-model': 'saved_model.pb',
  'tf-js': 'model.json',
  'core-ml': 'model.mlmodel',
};

export function modelService(ctx: ServerContext, store: TrainingStore): grpc.UntypedServiceImplementation {
  const settle = () => {
    // Reading any pipeline may upload its model: settle them all before model reads.
    for (const p of store.pipelines.values()) settlePipeline(store, p);
  };
  const findModel = (name: unknown, field = 'name'): StoredModel => {
    const raw = String(name ?? '');
    const ids = parseName(ctx, raw.replace(/@[^/]+$/, ''), 'projects/{p}/locations/{l}/models/{m}', field);
    const m = store.models.get(`projects/${ids.p}/locations/${ids.l}/models/${ids.m}`);
    if (!m) throw new RpcError(Code.NOT_FOUND, `Model ${raw} not found.`);
    return m;
  };
  const findEvaluation = (name: unknown, field = 'name'): { m: StoredModel; e: StoredEvaluation } => {
    const ids = parseName(ctx, name as string | undefined, 'projects/{p}/locations/{l}/models/{m}/evaluations/{e}', field);
    const m = findModel(`projects/${ids.p}/locations/${ids.l}/models/${ids.m}`);
    const e = m.evaluations.find((x) => x.id === ids.e);
    if (!e) throw new RpcError(Code.NOT_FOUND, `ModelEvaluation ${String(name)} not found.`);
    return { m, e };
  };
  return {
    GetModel: unary(ctx, 'GetModel', ({ request }) => {
      settle();
      return modelProto(store, findModel(request.name));
    }),
    ListModels: unary(ctx, 'ListModels', ({ request }) => {
      settle();
      const parent = parseParent(ctx, request.parent as string | undefined);
      const all = [...store.models.values()].filter((m) => m.project === parent.project && m.location === parent.location);
      const pg = page(all, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { models: pg.items.map((m) => modelProto(store, m)), nextPageToken: pg.nextPageToken };
    }),
    ListModelEvaluations: unary(ctx, 'ListModelEvaluations', ({ request }) => {
      settle();
      const m = findModel(request.parent, 'parent');
      const pg = page(m.evaluations, request.pageSize as number | undefined, request.pageToken as string | undefined);
      return { modelEvaluations: pg.items.map((e) => evaluationProto(store, m, e)), nextPageToken: pg.nextPageToken };
    }),
    GetModelEvaluation: unary(ctx, 'GetModelEvaluation', ({ request }) => {
      settle();
      const { m, e } = findEvaluation(request.name);
      return evaluationProto(store, m, e);
    }),
    ListModelEvaluationSlices: unary(ctx, 'ListModelEvaluationSlices', ({ request }) => {
      settle();
      const { m, e } = findEvaluation(request.parent, 'parent');
      const filter = String(request.filter ?? '').trim();
      let slices = e.slices;
      if (filter) {
        const f = /^slice\.dimension\s*=\s*"?([\w-]+)"?$/.exec(filter);
        if (!f) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid filter '${filter}': only slice.dimension = DIMENSION is supported.`);
        slices = slices.filter((s) => s.dimension === f[1]);
      }
      const pg = page(slices, request.pageSize as number | undefined, request.pageToken as string | undefined);
      const base = `${store.modelName(m)}/evaluations/${e.id}/slices/`;
      return {
        modelEvaluationSlices: pg.items.map((s) => ({ name: base + s.id, slice: { dimension: s.dimension, value: s.value }, metricsSchemaUri: e.metricsSchemaUri, metrics: toWire(s.metrics), createTime: timestamp(e.created) })),
        nextPageToken: pg.nextPageToken,
      };
    }),
    ExportModel: unary(ctx, 'ExportModel', ({ request }) => {
      settle();
      const m = findModel(request.name);
      const cfg = (request.outputConfig ?? {}) as { exportFormatId?: string; artifactDestination?: { outputUriPrefix?: string }; imageDestination?: { outputUri?: string } };
      if (m.exportFormats.length === 0) {
        throw new RpcError(Code.FAILED_PRECONDITION, `Model ${store.modelName(m)} is not exportable: its model type ${m.modelType} is served only within Google Cloud. Train an edge (MOBILE_*) model type to export it.`);
      }
      const formatId = cfg.exportFormatId || m.exportFormats[0].id;
      const format = m.exportFormats.find((f) => f.id === formatId);
      if (!format) throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' is not supported by model ${store.modelName(m)}; supported: ${m.exportFormats.map((f) => f.id).join(', ')}.`);
      const artifact = cfg.artifactDestination?.outputUriPrefix;
      const image = cfg.imageDestination?.outputUri;
      const contents = format.exportableContents;
      // A format exporting both takes either destination (or both); one exporting one kind needs that one.
      if (!artifact && !image) {
        if (contents.includes('ARTIFACT') && !contents.includes('IMAGE')) throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' exports artifacts: output_config.artifact_destination.output_uri_prefix is required.`);
        if (contents.includes('IMAGE') && !contents.includes('ARTIFACT')) throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' exports a container image: output_config.image_destination.output_uri is required.`);
        throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' needs output_config.artifact_destination or output_config.image_destination.`);
      }
      if (artifact && !contents.includes('ARTIFACT')) throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' does not export artifacts; remove artifact_destination.`);
      if (image && !contents.includes('IMAGE')) throw new RpcError(Code.INVALID_ARGUMENT, `Export format '${formatId}' does not export a container image; remove image_destination.`);
      // ContainerRegistryDestination.output_uri: Container Registry or Artifact Registry only; no tag means "latest".
      if (image && !/^((us|eu|asia)\.)?gcr\.io\/[^/\s]+\/\S+$|^[a-z0-9-]+-docker\.pkg\.dev\/[^/\s]+\/[^/\s]+\/\S+$/.test(image)) {
        throw new RpcError(Code.INVALID_ARGUMENT, `image_destination.output_uri '${image}' is not a Container Registry (gcr.io/PROJECT/IMAGE) or Artifact Registry (LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE) URI.`);
      }
      const imageUri = image ? (/:[\w][\w.-]*$/.test(image.slice(image.lastIndexOf('/'))) ? image : `${image}:latest`) : '';
      const dest = /^gs:\/\/([^/]+)\/?(.*)$/.exec(artifact ?? '');
      if (artifact && !dest) throw new RpcError(Code.INVALID_ARGUMENT, `output_uri_prefix '${artifact}' must be a gs://bucket/prefix URI.`);
      const created = ctx.clock.now();
      const folder = dest ? `${dest[2].replace(/\/$/, '')}${dest[2] ? '/' : ''}model-${m.id}/${formatId}/${new Date(created).toISOString().replace(/[-:.]/g, '')}` : '';
      let outputUri = '';
      let imageOutputUri = '';
      const op = ctx.operations.start(
        store.modelName(m),
        'ExportModel',
        V1 + 'ExportModelOperationMetadata',
        () => ({
          genericMetadata: { createTime: timestamp(created), updateTime: timestamp(ctx.clock.now()) },
          outputInfo: { ...(outputUri ? { artifactOutputUri: outputUri } : {}), ...(imageOutputUri ? { imageOutputUri } : {}) },
        }),
        () => {
          if (dest) {
            const bucket = ctx.blobs.buckets.get(dest[1]);
            if (!bucket) return { error: { code: Code.NOT_FOUND, message: `Cloud Storage bucket ${dest[1]} does not exist.` } };
            if (!bucket.serviceAgentCanRead) {
              return { error: { code: Code.PERMISSION_DENIED, message: `Vertex AI Service Agent service-${ctx.projectNumber}@gcp-sa-aiplatform.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage bucket ${dest[1]}. Grant it roles/storage.objectAdmin on the bucket.` } };
            }
            ctx.blobs.put(dest[1], `${folder}/${FORMAT_FILES[formatId] ?? 'model.bin'}`, Buffer.from(`${formatId} export of ${store.modelName(m)}\n`), 'application/octet-stream');
            outputUri = `gs://${dest[1]}/${folder}`;
          }
          if (imageUri) {
            store.images.set(imageUri, store.modelName(m));
            imageOutputUri = imageUri;
          }
          return { response: { type: V1 + 'ExportModelResponse', value: {} } };
        },
      );
      return ctx.operations.toProto(op);
    }),
  };
}

export const modelServiceModule = (store: () => TrainingStore): ServiceModule => ({
  service: V1 + 'ModelService',
  handlers: (ctx) => modelService(ctx, store()),
});
