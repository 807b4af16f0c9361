/**
 * Thin adapter over the Vertex AI PipelineService, JobService (data labeling),
 * SpecialistPoolService, ModelService and the DatasetService version methods. The SDK is
 * required on first use, never at activation; results come back as plain data for views and CLI.
 */
import type * as Aiplatform from '@google-cloud/aiplatform';
import type { CreateTrainingPipelineRequest } from '../core/training/pipeline';
import type { CreateDataLabelingJobRequest } from '../core/training/labeling';
import type { CreateDatasetVersionRequest } from '../core/training/versions';
import type { JsonValue } from '../core/training/json';
import { describeCloudError, markNotRetried } from '../core/cloud/errors';
import type { RetryPolicy } from './vertex';
import { DEFAULT_RETRY } from './vertex';

type V1 = typeof Aiplatform.protos.google.cloud.aiplatform.v1;
type IValue = Aiplatform.protos.google.protobuf.IValue;
type ITimestamp = Aiplatform.protos.google.protobuf.ITimestamp;

/** Client options as the SDK takes them: `apiEndpoint`, `port`, `sslCreds`, `projectId`, `credentials`... */
export type ClientOptions = NonNullable<ConstructorParameters<typeof Aiplatform.PipelineServiceClient>[0]>;

export interface RpcStatus {
  code: number;
  message: string;
}

export interface PipelineSummary {
  name: string;
  id: string;
  displayName: string;
  /** Enum name without its prefix: QUEUED, PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED, PAUSED. */
  state: string;
  trainingTaskDefinition: string;
  trainingTaskInputs: JsonValue;
  datasetId?: string;
  modelName?: string;
  modelDisplayName?: string;
  createTime?: string;
  startTime?: string;
  endTime?: string;
  updateTime?: string;
  error?: RpcStatus;
  /** trainingTaskMetadata (e.g. costMilliNodeHours), when Vertex reports it. */
  metadata?: JsonValue;
}

export interface LabelingJobSummary {
  name: string;
  id: string;
  displayName: string;
  state: string;
  datasets: string[];
  labelerCount: number;
  labelingProgress: number;
  currentSpend?: { currencyCode: string; amount: number };
  specialistPools: string[];
  inputsSchemaUri: string;
  instructionUri: string;
  createTime?: string;
  updateTime?: string;
  error?: RpcStatus;
}

export interface SpecialistPoolSummary {
  name: string;
  displayName: string;
  managerCount: number;
  managerEmails: string[];
}

export interface ExportFormat {
  id: string;
  exportableContents: string[];
}

export interface ModelSummary {
  name: string;
  displayName: string;
  trainingPipeline?: string;
  supportedExportFormats: ExportFormat[];
  createTime?: string;
  versionId?: string;
}

export interface EvaluationSummary {
  name: string;
  displayName: string;
  metricsSchemaUri: string;
  metrics: JsonValue;
  sliceDimensions: string[];
  createTime?: string;
}

export interface SliceSummary {
  name: string;
  dimension: string;
  value: string;
  metricsSchemaUri: string;
  metrics: JsonValue;
}

export interface VersionSummary {
  name: string;
  id: string;
  displayName: string;
  createTime?: string;
  bigQueryDatasetName?: string;
}

/** Async iterators page on demand anyway; saying so keeps gax from warning on every list. */
const NO_AUTOPAGINATE = { autoPaginate: false };

let sdk: typeof Aiplatform | undefined;
function load(): typeof Aiplatform {
  sdk ??= require('@google-cloud/aiplatform') as typeof Aiplatform;
  return sdk;
}

function iso(t: ITimestamp | null | undefined): string | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  const ms = Number(String(t.seconds)) * 1000 + Math.round((t.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function lastId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Enum values arrive as names or numbers depending on the decoding path; always return the name. */
function enumName(e: Record<string, string | number>, v: unknown, prefix: string): string {
  const n = typeof v === 'number' ? (Object.keys(e).find((k) => e[k] === v) ?? String(v)) : String(v ?? `${prefix}UNSPECIFIED`);
  return n.startsWith(prefix) ? n.slice(prefix.length) : n;
}

function status(s: Aiplatform.protos.google.rpc.IStatus | null | undefined): RpcStatus | undefined {
  return s && (s.code || s.message) ? { code: s.code ?? 0, message: s.message ?? '' } : undefined;
}

export class TrainingCloud {
  private readonly a = load();
  private readonly v1: V1 = this.a.protos.google.cloud.aiplatform.v1;
  private _pipelines?: InstanceType<typeof Aiplatform.PipelineServiceClient>;
  private _jobs?: InstanceType<typeof Aiplatform.JobServiceClient>;
  private _pools?: InstanceType<typeof Aiplatform.SpecialistPoolServiceClient>;
  private _models?: InstanceType<typeof Aiplatform.ModelServiceClient>;
  private _datasets?: InstanceType<typeof Aiplatform.DatasetServiceClient>;

  /** Every retry made (method, gRPC code, wait), for logs and tests. */
  readonly retries: { method: string; code: number; delayMs: number }[] = [];

  constructor(
    private readonly options: ClientOptions,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * Reads (get, list) are retried on UNAVAILABLE / DEADLINE_EXCEEDED with exponential backoff:
   * the SDK's own configuration retries none of these services' methods. Writes are not
   * retried (a create whose answer was lost may still have happened); their errors say so.
   */
  private async read<T>(method: string, fn: () => Promise<T>): Promise<T> {
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (describeCloudError(e, { service: 'vertex' }).kind !== 'unavailable' || attempt >= this.retry.attempts) throw e;
        const wait = Math.min(this.retry.maxDelayMs, delay) * (0.8 + Math.random() * 0.4);
        this.retries.push({ method, code: Number((e as { code?: unknown }).code ?? 0), delayMs: Math.round(wait) });
        await new Promise((r) => setTimeout(r, wait));
        delay *= this.retry.multiplier;
      }
    }
  }

  private async write<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw markNotRetried(e);
    }
  }

  // Each client loads its own service protos when built: build only the ones a command uses.
  get pipelines(): InstanceType<typeof Aiplatform.PipelineServiceClient> {
    return (this._pipelines ??= new this.a.PipelineServiceClient(this.options));
  }
  get jobs(): InstanceType<typeof Aiplatform.JobServiceClient> {
    return (this._jobs ??= new this.a.JobServiceClient(this.options));
  }
  get pools(): InstanceType<typeof Aiplatform.SpecialistPoolServiceClient> {
    return (this._pools ??= new this.a.SpecialistPoolServiceClient(this.options));
  }
  get models(): InstanceType<typeof Aiplatform.ModelServiceClient> {
    return (this._models ??= new this.a.ModelServiceClient(this.options));
  }
  get datasets(): InstanceType<typeof Aiplatform.DatasetServiceClient> {
    return (this._datasets ??= new this.a.DatasetServiceClient(this.options));
  }

  private toValue(v: JsonValue): IValue {
    return this.a.helpers.toValue(v as object) as IValue;
  }

  private fromValue(v: IValue | null | undefined): JsonValue {
    return v ? (this.a.helpers.fromValue(v as never) as JsonValue) : null;
  }

  // ---------------------------------------------------------------- training pipelines

  private pipeline(p: Aiplatform.protos.google.cloud.aiplatform.v1.ITrainingPipeline): PipelineSummary {
    const name = p.name ?? '';
    const out: PipelineSummary = {
      name,
      id: lastId(name),
      displayName: p.displayName ?? '',
      state: enumName(this.v1.PipelineState as unknown as Record<string, number>, p.state, 'PIPELINE_STATE_'),
      trainingTaskDefinition: p.trainingTaskDefinition ?? '',
      trainingTaskInputs: this.fromValue(p.trainingTaskInputs),
      datasetId: p.inputDataConfig?.datasetId || undefined,
      modelName: p.modelToUpload?.name || undefined,
      modelDisplayName: p.modelToUpload?.displayName || undefined,
      createTime: iso(p.createTime),
      startTime: iso(p.startTime),
      endTime: iso(p.endTime),
      updateTime: iso(p.updateTime),
      error: status(p.error),
    };
    if (p.trainingTaskMetadata) out.metadata = this.fromValue(p.trainingTaskMetadata);
    return out;
  }

  async createTrainingPipeline(req: CreateTrainingPipelineRequest): Promise<PipelineSummary> {
    const tp = req.trainingPipeline;
    const [created] = await this.write(() =>
      this.pipelines.createTrainingPipeline({
        parent: req.parent,
        trainingPipeline: { ...tp, trainingTaskInputs: this.toValue(tp.trainingTaskInputs) },
      }),
    );
    return this.pipeline(created);
  }

  async getTrainingPipeline(name: string): Promise<PipelineSummary> {
    const [p] = await this.read('GetTrainingPipeline', () => this.pipelines.getTrainingPipeline({ name }));
    return this.pipeline(p);
  }

  async listTrainingPipelines(parent: string, filter?: string): Promise<PipelineSummary[]> {
    return this.read('ListTrainingPipelines', async () => {
      const out: PipelineSummary[] = [];
      for await (const p of this.pipelines.listTrainingPipelinesAsync({ parent, filter }, NO_AUTOPAGINATE)) out.push(this.pipeline(p));
      return out;
    });
  }

  async cancelTrainingPipeline(name: string): Promise<void> {
    await this.write(() => this.pipelines.cancelTrainingPipeline({ name }));
  }

  async deleteTrainingPipeline(name: string): Promise<void> {
    await this.write(async () => {
      const [op] = await this.pipelines.deleteTrainingPipeline({ name });
      await op.promise();
    });
  }

  // ---------------------------------------------------------------- models

  async getModel(name: string): Promise<ModelSummary> {
    const [m] = await this.read('GetModel', () => this.models.getModel({ name }));
    return {
      name: m.name ?? '',
      displayName: m.displayName ?? '',
      trainingPipeline: m.trainingPipeline || undefined,
      versionId: m.versionId || undefined,
      createTime: iso(m.createTime),
      supportedExportFormats: (m.supportedExportFormats ?? []).map((f) => ({
        id: f.id ?? '',
        exportableContents: (f.exportableContents ?? []).map((c) => enumName(this.v1.Model.ExportFormat.ExportableContent as unknown as Record<string, number>, c, '')),
      })),
    };
  }

  async listModelEvaluations(model: string): Promise<EvaluationSummary[]> {
    return this.read('ListModelEvaluations', async () => {
      const out: EvaluationSummary[] = [];
      for await (const e of this.models.listModelEvaluationsAsync({ parent: model }, NO_AUTOPAGINATE)) {
        out.push({
        name: e.name ?? '',
        displayName: e.displayName ?? '',
        metricsSchemaUri: e.metricsSchemaUri ?? '',
        metrics: this.fromValue(e.metrics),
        sliceDimensions: e.sliceDimensions ?? [],
        createTime: iso(e.createTime),
        });
      }
      return out;
    });
  }

  async listModelEvaluationSlices(evaluation: string, filter?: string): Promise<SliceSummary[]> {
    return this.read('ListModelEvaluationSlices', async () => {
      const out: SliceSummary[] = [];
      for await (const s of this.models.listModelEvaluationSlicesAsync({ parent: evaluation, filter }, NO_AUTOPAGINATE)) {
        out.push({
        name: s.name ?? '',
        dimension: s.slice?.dimension ?? '',
        value: s.slice?.value ?? '',
        metricsSchemaUri: s.metricsSchemaUri ?? '',
        metrics: this.fromValue(s.metrics),
        });
      }
      return out;
    });
  }

  /**
   * Exports a model in one of its supported formats: artifacts go to a `gs://` prefix, container
   * images to an Artifact Registry URI, as the format's exportable contents allow.
   */
  async exportModel(name: string, exportFormatId: string, destination: { outputUriPrefix?: string; imageUri?: string }): Promise<{ outputUri?: string }> {
    const outputConfig: Aiplatform.protos.google.cloud.aiplatform.v1.ExportModelRequest.IOutputConfig = { exportFormatId };
    if (destination.outputUriPrefix) outputConfig.artifactDestination = { outputUriPrefix: destination.outputUriPrefix };
    if (destination.imageUri) outputConfig.imageDestination = { outputUri: destination.imageUri };
    const metadata = await this.write(async () => {
      const [op] = await this.models.exportModel({ name, outputConfig });
      return (await op.promise())[1];
    });
    return { outputUri: metadata?.outputInfo?.artifactOutputUri || metadata?.outputInfo?.imageOutputUri || undefined };
  }

  // ---------------------------------------------------------------- data labeling

  private labelingJob(j: Aiplatform.protos.google.cloud.aiplatform.v1.IDataLabelingJob): LabelingJobSummary {
    const name = j.name ?? '';
    const spend = j.currentSpend;
    return {
      name,
      id: lastId(name),
      displayName: j.displayName ?? '',
      state: enumName(this.v1.JobState as unknown as Record<string, number>, j.state, 'JOB_STATE_'),
      datasets: j.datasets ?? [],
      labelerCount: j.labelerCount ?? 0,
      labelingProgress: j.labelingProgress ?? 0,
      currentSpend: spend ? { currencyCode: spend.currencyCode ?? 'USD', amount: Number(String(spend.units ?? 0)) + (spend.nanos ?? 0) / 1e9 } : undefined,
      specialistPools: j.specialistPools ?? [],
      inputsSchemaUri: j.inputsSchemaUri ?? '',
      instructionUri: j.instructionUri ?? '',
      createTime: iso(j.createTime),
      updateTime: iso(j.updateTime),
      error: status(j.error),
    };
  }

  async createDataLabelingJob(req: CreateDataLabelingJobRequest): Promise<LabelingJobSummary> {
    const job = req.dataLabelingJob;
    const [created] = await this.write(() => this.jobs.createDataLabelingJob({ parent: req.parent, dataLabelingJob: { ...job, inputs: this.toValue(job.inputs) } }));
    return this.labelingJob(created);
  }

  async getDataLabelingJob(name: string): Promise<LabelingJobSummary> {
    const [j] = await this.read('GetDataLabelingJob', () => this.jobs.getDataLabelingJob({ name }));
    return this.labelingJob(j);
  }

  async listDataLabelingJobs(parent: string, filter?: string): Promise<LabelingJobSummary[]> {
    return this.read('ListDataLabelingJobs', async () => {
      const out: LabelingJobSummary[] = [];
      for await (const j of this.jobs.listDataLabelingJobsAsync({ parent, filter }, NO_AUTOPAGINATE)) out.push(this.labelingJob(j));
      return out;
    });
  }

  async cancelDataLabelingJob(name: string): Promise<void> {
    await this.write(() => this.jobs.cancelDataLabelingJob({ name }));
  }

  async deleteDataLabelingJob(name: string): Promise<void> {
    await this.write(async () => {
      const [op] = await this.jobs.deleteDataLabelingJob({ name });
      await op.promise();
    });
  }

  async listSpecialistPools(parent: string): Promise<SpecialistPoolSummary[]> {
    return this.read('ListSpecialistPools', async () => {
      const out: SpecialistPoolSummary[] = [];
      for await (const p of this.pools.listSpecialistPoolsAsync({ parent }, NO_AUTOPAGINATE)) {
        out.push({ name: p.name ?? '', displayName: p.displayName ?? '', managerCount: p.specialistManagersCount ?? 0, managerEmails: p.specialistManagerEmails ?? [] });
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- dataset versions

  private version(v: Aiplatform.protos.google.cloud.aiplatform.v1.IDatasetVersion): VersionSummary {
    const name = v.name ?? '';
    return { name, id: lastId(name), displayName: v.displayName ?? '', createTime: iso(v.createTime), bigQueryDatasetName: v.bigQueryDatasetName || undefined };
  }

  async createDatasetVersion(req: CreateDatasetVersionRequest): Promise<VersionSummary> {
    const v = await this.write(async () => {
      const [op] = await this.datasets.createDatasetVersion(req);
      return (await op.promise())[0];
    });
    return this.version(v);
  }

  async listDatasetVersions(dataset: string): Promise<VersionSummary[]> {
    return this.read('ListDatasetVersions', async () => {
      const out: VersionSummary[] = [];
      for await (const v of this.datasets.listDatasetVersionsAsync({ parent: dataset }, NO_AUTOPAGINATE)) out.push(this.version(v));
      return out;
    });
  }

  async restoreDatasetVersion(name: string): Promise<VersionSummary> {
    const v = await this.write(async () => {
      const [op] = await this.datasets.restoreDatasetVersion({ name });
      return (await op.promise())[0];
    });
    return this.version(v);
  }

  async close(): Promise<void> {
    await Promise.all([this._pipelines, this._jobs, this._pools, this._models, this._datasets].map((c) => c?.close()));
  }
}

/** Opens the clients (loading the SDK now, on first cloud use). */
export function openTrainingCloud(options: ClientOptions, retry?: RetryPolicy): TrainingCloud {
  return new TrainingCloud(options, retry);
}
