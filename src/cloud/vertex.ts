/**
 * A thin adapter over the real `DatasetServiceClient`: plain results for the tree and the import
 * flow, transient failures (UNAVAILABLE, DEADLINE_EXCEEDED) of reads retried with exponential
 * backoff (CreateDataset and ImportData are sent once: a lost reply may hide a call that took effect),
 * long-running operations followed with cancellation, and partial failures read from the
 * operation metadata even when the operation itself failed.
 */
import type { Clients } from './sdk';
import type { CreateDatasetRequest, ImportDataRequest } from '../core/cloud/requests';
import { datasetDataType, displayNameFilter, fromProtoValue, locationParent } from '../core/cloud/requests';
import type { DataType } from '../core/formats';
import type { PartialFailure } from '../core/cloud/partialFailures';
import { describeCloudError, grpcCodeOf, markNotRetried } from '../core/cloud/errors';

export interface SavedQuerySummary {
  name: string;
  displayName: string;
  problemType: string;
  annotationSpecCount: number;
}

export interface DatasetSummary {
  name: string;
  id: string;
  displayName: string;
  metadataSchemaUri: string;
  dataType: DataType | 'time_series' | undefined;
  itemCount: number;
  createTime?: Date;
  updateTime?: Date;
  labels: Record<string, string>;
  savedQueries: SavedQuerySummary[];
  description: string;
}

export interface VersionSummary {
  name: string;
  displayName: string;
  createTime?: Date;
}

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 250, multiplier: 2, maxDelayMs: 8000 };

export interface FollowOptions {
  signal?: AbortSignal;
  /** Called after each poll with the operation, the elapsed time and the partial failures so far. */
  onPoll?: (state: { operationName: string; elapsedMs: number; partialFailures: PartialFailure[] }) => void;
  /** First polling interval; grows by 1.5x up to 5 s. */
  pollMs?: number;
}

export interface OperationOutcome<T> {
  operationName: string;
  result?: T;
  error?: { code: number; message: string };
  partialFailures: PartialFailure[];
  cancelled: boolean;
}

export class CancelledError extends Error {
  readonly code = 1;
  constructor() {
    super('Cancelled.');
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface TimestampLike {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

function toDate(t: TimestampLike | null | undefined): Date | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  return new Date(Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
}

export class VertexDatasets {
  /** Every retry made, for logs and tests: method and the error code that caused it. */
  readonly retries: { method: string; code: number; delayMs: number }[] = [];

  constructor(
    private readonly clients: Clients,
    readonly project: string,
    readonly location: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  get parent(): string {
    return locationParent(this.project, this.location);
  }

  /** Runs a call, retrying UNAVAILABLE / DEADLINE_EXCEEDED with exponential backoff and jitter. */
  async call<T>(method: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      // Cancelled between steps: start nothing new (an ImportData started now would run on).
      if (signal?.aborted) throw new CancelledError();
      try {
        return await fn();
      } catch (e) {
        const code = grpcCodeOf(e, 'vertex') ?? 0;
        // Missing credentials also surface as UNAVAILABLE ("Getting metadata from plugin failed"): not transient.
        if (describeCloudError(e, { service: 'vertex' }).kind !== 'unavailable' || attempt >= this.retry.attempts || signal?.aborted) throw e;
        const wait = Math.min(this.retry.maxDelayMs, delay) * (0.8 + Math.random() * 0.4);
        this.retries.push({ method, code, delayMs: Math.round(wait) });
        await sleep(wait, signal);
        delay *= this.retry.multiplier;
      }
    }
  }

  /**
   * Sends a write once. A create or import whose reply was lost may have taken effect: sent again,
   * it made a second dataset of the same name (and the next import refused the name) or imported
   * the rows twice. Its UNAVAILABLE says it was not retried.
   */
  async send<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new CancelledError();
    try {
      return await fn();
    } catch (e) {
      throw markNotRetried(e);
    }
  }

  toSummary(d: Record<string, unknown>): DatasetSummary {
    const name = String(d.name ?? '');
    const schema = String(d.metadataSchemaUri ?? '');
    return {
      name,
      id: name.split('/').pop() ?? '',
      displayName: String(d.displayName ?? ''),
      description: String(d.description ?? ''),
      metadataSchemaUri: schema,
      dataType: datasetDataType(schema),
      itemCount: Number(String(d.dataItemCount ?? 0)),
      createTime: toDate(d.createTime as TimestampLike),
      updateTime: toDate(d.updateTime as TimestampLike),
      labels: { ...((d.labels as Record<string, string>) ?? {}) },
      savedQueries: ((d.savedQueries as Record<string, unknown>[]) ?? []).map((q) => ({
        name: String(q.name ?? ''),
        displayName: String(q.displayName ?? ''),
        problemType: String(q.problemType ?? ''),
        annotationSpecCount: Number(q.annotationSpecCount ?? 0),
      })),
    };
  }

  async listDatasets(opts: { filter?: string; pageToken?: string; pageSize?: number; orderBy?: string; signal?: AbortSignal } = {}): Promise<{ datasets: DatasetSummary[]; nextPageToken?: string }> {
    const [datasets, , response] = await this.call('ListDatasets', () =>
      this.clients.datasets.listDatasets(
        { parent: this.parent, filter: opts.filter, pageSize: opts.pageSize ?? 50, pageToken: opts.pageToken, orderBy: opts.orderBy },
        { autoPaginate: false },
      ), opts.signal);
    return { datasets: datasets.map((d) => this.toSummary(d as Record<string, unknown>)), nextPageToken: response?.nextPageToken || undefined };
  }

  async getDataset(name: string): Promise<DatasetSummary> {
    const [d] = await this.call('GetDataset', () => this.clients.datasets.getDataset({ name }));
    return this.toSummary(d as Record<string, unknown>);
  }

  /** Every dataset whose display name is exactly `displayName` (display names are not unique in Vertex). */
  async findByDisplayName(displayName: string): Promise<DatasetSummary[]> {
    // Filtered by the service: listing every dataset of a large project took a call per 100 datasets.
    // A name the filter grammar refuses falls back to reading them all; matches stay exact either way.
    const all = async (filter?: string) => {
      const out: DatasetSummary[] = [];
      let pageToken: string | undefined;
      do {
        const page = await this.listDatasets({ filter, pageToken, pageSize: 100 });
        out.push(...page.datasets.filter((d) => d.displayName === displayName));
        pageToken = page.nextPageToken;
      } while (pageToken);
      return out;
    };
    try {
      return await all(displayNameFilter(displayName));
    } catch (e) {
      if (grpcCodeOf(e, 'vertex') !== 3) throw e;
      return all();
    }
  }

  async listVersions(datasetName: string): Promise<VersionSummary[]> {
    const [versions] = await this.call('ListDatasetVersions', () => this.clients.datasets.listDatasetVersions({ parent: datasetName, pageSize: 100 }, { autoPaginate: false }));
    return versions.map((v) => ({ name: String(v.name ?? ''), displayName: String(v.displayName ?? ''), createTime: toDate(v.createTime as TimestampLike) }));
  }

  async listSavedQueries(datasetName: string): Promise<SavedQuerySummary[]> {
    const [queries] = await this.call('ListSavedQueries', () => this.clients.datasets.listSavedQueries({ parent: datasetName, pageSize: 100 }, { autoPaginate: false }));
    return queries.map((q) => ({ name: String(q.name ?? ''), displayName: String(q.displayName ?? ''), problemType: String(q.problemType ?? ''), annotationSpecCount: Number(q.annotationSpecCount ?? 0) }));
  }

  /**
   * Label counts (annotations per display name) over the first `maxItems` data items, read with
   * SearchDataItems (items and their annotations in one call). `complete` is false when capped.
   */
  async labelCounts(datasetName: string, maxItems = 2000): Promise<{ counts: Map<string, number>; items: number; complete: boolean }> {
    const counts = new Map<string, number>();
    let items = 0;
    let pageToken: string | undefined;
    do {
      const [views, , response] = await this.call('SearchDataItems', () =>
        this.clients.datasets.searchDataItems({ dataset: datasetName, pageSize: Math.min(500, maxItems - items), pageToken }, { autoPaginate: false }));
      for (const v of views) {
        items++;
        for (const a of v.annotations ?? []) {
          const payload = fromProtoValue(a.payload);
          const label = payload && typeof payload === 'object' && !Array.isArray(payload) ? payload.displayName : undefined;
          if (typeof label === 'string') counts.set(label, (counts.get(label) ?? 0) + 1);
        }
      }
      pageToken = response?.nextPageToken || undefined;
    } while (pageToken && items < maxItems);
    return { counts, items, complete: !pageToken };
  }

  async createDataset(request: CreateDatasetRequest, follow: FollowOptions = {}): Promise<OperationOutcome<DatasetSummary>> {
    const [op] = await this.send(() => this.clients.datasets.createDataset(request), follow.signal);
    return this.follow(String(op.name), 'createDataset', (d) => this.toSummary(d as Record<string, unknown>), follow);
  }

  async deleteDataset(name: string, follow: FollowOptions = {}): Promise<OperationOutcome<true>> {
    let sent = 0;
    let op;
    try {
      [op] = await this.call(
        'DeleteDataset',
        () => {
          sent++;
          return this.clients.datasets.deleteDataset({ name });
        },
        follow.signal,
      );
    } catch (e) {
      // A delete whose reply was lost took effect: sent again, it finds nothing to delete. The
      // dataset is gone, as asked, so that is no failure.
      if (sent > 1 && grpcCodeOf(e, 'vertex') === 5) return { operationName: '', result: true, partialFailures: [], cancelled: false };
      throw e;
    }
    return this.follow(String(op.name), 'deleteDataset', () => true as const, follow);
  }

  async importData(request: ImportDataRequest, follow: FollowOptions = {}): Promise<OperationOutcome<true>> {
    const [op] = await this.send(() => this.clients.datasets.importData(request), follow.signal);
    return this.follow(String(op.name), 'importData', () => true as const, follow);
  }

  /**
   * Polls GetOperation until done; on abort, asks the service to cancel and reports `cancelled`.
   * Metadata and response are decoded with the client's own LRO decoders for `method`.
   */
  async follow<T>(operationName: string, method: 'createDataset' | 'deleteDataset' | 'importData', decode: (value: unknown) => T, opts: FollowOptions): Promise<OperationOutcome<T>> {
    const ops = this.clients.datasets.operationsClient;
    const descriptor = (this.clients.datasets.descriptors.longrunning as Record<string, { metadataDecoder?: (b: Uint8Array) => unknown; responseDecoder?: (b: Uint8Array) => unknown }>)[method];
    const started = Date.now();
    let wait = opts.pollMs ?? 200;
    for (;;) {
      if (opts.signal?.aborted) {
        await this.call('CancelOperation', () => ops.cancelOperation({ name: operationName } as Parameters<typeof ops.cancelOperation>[0])).catch(() => undefined);
        return { operationName, partialFailures: [], cancelled: true };
      }
      const [op] = await this.call('GetOperation', () => ops.getOperation({ name: operationName } as Parameters<typeof ops.getOperation>[0]));
      let partialFailures: PartialFailure[] = [];
      if (op.metadata?.value && descriptor?.metadataDecoder) {
        const meta = descriptor.metadataDecoder(op.metadata.value as Uint8Array) as { genericMetadata?: { partialFailures?: { code?: number | null; message?: string | null }[] | null } | null };
        partialFailures = (meta.genericMetadata?.partialFailures ?? []).map((f) => ({ code: f.code ?? undefined, message: f.message ?? '' }));
      }
      opts.onPoll?.({ operationName, elapsedMs: Date.now() - started, partialFailures });
      if (op.done) {
        if (op.error) return { operationName, error: { code: Number(op.error.code ?? 2), message: String(op.error.message ?? '') }, partialFailures, cancelled: Number(op.error.code) === 1 };
        const response = op.response?.value && descriptor?.responseDecoder ? descriptor.responseDecoder(op.response.value as Uint8Array) : undefined;
        return { operationName, result: decode(response), partialFailures, cancelled: false };
      }
      await sleep(wait, opts.signal).catch(() => undefined);
      wait = Math.min(5000, wait * 1.5);
    }
  }
}
