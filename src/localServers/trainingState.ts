/**
 * State shared by the local training-side services (PipelineService, JobService data labeling,
 * SpecialistPoolService, ModelService): pipelines whose state advances with the clock, the
 * models they produce with evaluations and slices, labeling jobs with progress and spend.
 * Reads settle due transitions lazily, so a manual clock drives tests without sleeps.
 */
import type { DatasetStore, StoredDataset } from './datasetService';
import type { Json } from './value';
import type { ServerContext } from './state';
import { Code } from './state';

export const PIPELINE_TERMINAL = ['PIPELINE_STATE_SUCCEEDED', 'PIPELINE_STATE_FAILED', 'PIPELINE_STATE_CANCELLED'];
export const JOB_TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'];

/** How long each phase lasts, in clock milliseconds. */
export interface TrainingDurations {
  queued: number;
  pending: number;
  running: number;
  cancelling: number;
  labelingPending: number;
  labelingRunning: number;
}

export const DEFAULT_DURATIONS: TrainingDurations = { queued: 300, pending: 300, running: 1500, cancelling: 200, labelingPending: 300, labelingRunning: 3000 };

export interface StoredPipeline {
  id: string;
  project: string;
  location: string;
  displayName: string;
  definition: string;
  /** Short objective key (image_classification, tables, forecasting...). */
  kind: string;
  inputs: { [k: string]: Json };
  inputDataConfig: Record<string, unknown>;
  modelToUpload: Record<string, unknown>;
  modelId?: string;
  labels: Record<string, string>;
  created: number;
  updated: number;
  cancelRequested?: number;
  /** Terminal outcome once decided. */
  outcome?: { state: string; at: number; error?: { code: number; message: string }; modelName?: string; costMilliNodeHours?: number };
  deleted: boolean;
}

export interface StoredEvaluation {
  id: string;
  displayName: string;
  metricsSchemaUri: string;
  metrics: Json;
  sliceDimensions: string[];
  slices: { id: string; dimension: string; value: string; metrics: Json }[];
  created: number;
}

export interface StoredModel {
  id: string;
  project: string;
  location: string;
  displayName: string;
  pipelineName: string;
  modelType: string;
  exportFormats: { id: string; exportableContents: string[] }[];
  evaluations: StoredEvaluation[];
  created: number;
  labels: Record<string, string>;
}

export interface StoredLabelingJob {
  id: string;
  project: string;
  location: string;
  displayName: string;
  datasets: string[];
  labelerCount: number;
  instructionUri: string;
  inputsSchemaUri: string;
  inputs: Json;
  annotationLabels: Record<string, string>;
  labels: Record<string, string>;
  specialistPools: string[];
  activeLearningConfig?: Record<string, unknown>;
  /** Items the labelers will label (after any active learning budget). */
  itemsToLabel: number;
  /** USD per labeled item per labeler. */
  unitPrice: number;
  created: number;
  cancelRequested?: number;
  outcome?: { state: string; at: number; error?: { code: number; message: string } };
  deleted: boolean;
}

export interface StoredPool {
  id: string;
  project: string;
  location: string;
  displayName: string;
  managers: string[];
  workers: string[];
}

/** A one-shot failure for the next pipeline or labeling job to finish (fault injection). */
export interface InjectedFailure {
  code: number;
  message: string;
}

export class TrainingStore {
  readonly pipelines = new Map<string, StoredPipeline>();
  readonly models = new Map<string, StoredModel>();
  readonly labelingJobs = new Map<string, StoredLabelingJob>();
  readonly pools = new Map<string, StoredPool>();
  /** Container images ExportModel copied (image URI with its tag -> model name): the registry's side of an export. */
  readonly images = new Map<string, string>();
  readonly durations: TrainingDurations;
  nextPipelineFailure?: InjectedFailure;
  nextLabelingFailure?: InjectedFailure;

  constructor(readonly ctx: ServerContext, readonly datasets: () => DatasetStore, durations: Partial<TrainingDurations> = {}) {
    this.durations = { ...DEFAULT_DURATIONS, ...durations };
  }

  pipelineName(p: StoredPipeline): string {
    return `projects/${p.project}/locations/${p.location}/trainingPipelines/${p.id}`;
  }
  modelName(m: StoredModel): string {
    return `projects/${m.project}/locations/${m.location}/models/${m.id}`;
  }
  jobName(j: StoredLabelingJob): string {
    return `projects/${j.project}/locations/${j.location}/dataLabelingJobs/${j.id}`;
  }
  poolName(p: StoredPool): string {
    return `projects/${p.project}/locations/${p.location}/specialistPools/${p.id}`;
  }

  /**
   * A model that was not trained here (uploaded, or trained by custom code): Vertex lists the
   * `custom-trained` export format for such models, exporting its files and its serving container image.
   */
  addModel(project: string, location: string, displayName: string, exportFormats: StoredModel['exportFormats'] = [{ id: 'custom-trained', exportableContents: ['ARTIFACT', 'IMAGE'] }]): StoredModel {
    const m: StoredModel = { id: this.ctx.nextId(), project, location, displayName, pipelineName: '', modelType: 'CUSTOM', exportFormats, evaluations: [], created: this.ctx.clock.now(), labels: {} };
    this.models.set(this.modelName(m), m);
    return m;
  }

  addPool(project: string, location: string, displayName: string, managers: string[] = [], workers: string[] = []): StoredPool {
    const p: StoredPool = { id: this.ctx.nextId(), project, location, displayName, managers, workers };
    this.pools.set(this.poolName(p), p);
    return p;
  }

  findDataset(name: string): StoredDataset | undefined {
    const d = this.datasets().datasets.get(name);
    return d && !d.deleted ? d : undefined;
  }

  /** The pipeline's state now; decides the outcome (and creates the model) when training ends. */
  pipelineState(p: StoredPipeline, finish: (p: StoredPipeline) => NonNullable<StoredPipeline['outcome']>): string {
    const now = this.ctx.clock.now();
    if (p.outcome) return p.outcome.state;
    const d = this.durations;
    if (p.cancelRequested !== undefined) {
      if (now >= p.cancelRequested + d.cancelling) {
        p.outcome = { state: 'PIPELINE_STATE_CANCELLED', at: p.cancelRequested + d.cancelling, error: { code: Code.CANCELLED, message: 'CANCELED' } };
        p.updated = p.outcome.at;
        return p.outcome.state;
      }
      return 'PIPELINE_STATE_CANCELLING';
    }
    const t = now - p.created;
    if (t < d.queued) return 'PIPELINE_STATE_QUEUED';
    if (t < d.queued + d.pending) return 'PIPELINE_STATE_PENDING';
    if (t < d.queued + d.pending + d.running) return 'PIPELINE_STATE_RUNNING';
    p.outcome = finish(p);
    p.updated = p.outcome.at;
    return p.outcome.state;
  }

  startTime(p: StoredPipeline): number | undefined {
    const start = p.created + this.durations.queued + this.durations.pending;
    const end = p.outcome?.at ?? p.cancelRequested ?? Infinity;
    return start <= Math.min(this.ctx.clock.now(), end) ? start : undefined;
  }

  jobState(j: StoredLabelingJob): string {
    const now = this.ctx.clock.now();
    if (j.outcome) return j.outcome.state;
    const d = this.durations;
    if (j.cancelRequested !== undefined) {
      if (now >= j.cancelRequested + d.cancelling) {
        j.outcome = { state: 'JOB_STATE_CANCELLED', at: j.cancelRequested + d.cancelling, error: { code: Code.CANCELLED, message: 'CANCELED' } };
        return j.outcome.state;
      }
      return 'JOB_STATE_CANCELLING';
    }
    const t = now - j.created;
    if (t < d.labelingPending) return 'JOB_STATE_PENDING';
    if (t < d.labelingPending + d.labelingRunning) return 'JOB_STATE_RUNNING';
    const failure = this.nextLabelingFailure;
    this.nextLabelingFailure = undefined;
    const at = j.created + d.labelingPending + d.labelingRunning;
    j.outcome = failure ? { state: 'JOB_STATE_FAILED', at, error: failure } : { state: 'JOB_STATE_SUCCEEDED', at };
    return j.outcome.state;
  }

  /** Percentage of items labeled so far (0-100), growing linearly while running. */
  jobProgress(j: StoredLabelingJob): number {
    const state = this.jobState(j);
    if (state === 'JOB_STATE_SUCCEEDED') return 100;
    const d = this.durations;
    const end = j.cancelRequested ?? j.outcome?.at ?? this.ctx.clock.now();
    const ran = Math.max(0, Math.min(end, this.ctx.clock.now()) - j.created - d.labelingPending);
    return Math.min(99, Math.floor((ran / d.labelingRunning) * 100));
  }

  /** Spend so far: labeled items × labelers × unit price. */
  jobSpend(j: StoredLabelingJob): number {
    const labeled = Math.floor((j.itemsToLabel * this.jobProgress(j)) / 100);
    return Math.round(labeled * j.labelerCount * j.unitPrice * 100) / 100;
  }
}
