/**
 * Shared machinery of the local Vertex AI server: a clock, gRPC errors, switchable fault
 * injection, long-running operations and resource-name checks. Each service module
 * (datasetService.ts, operationsService.ts, and the training services of issue 8) receives one
 * `ServerContext` and registers its handlers; none of them owns the others' state.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ProtoBundle } from './protos';
import { packAny } from './protos';
import type { BlobStore } from './blobStore';

/** gRPC status codes (numeric values are the wire protocol's). */
export const Code = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

export class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** Time source for operations: real time by default; tests and demos may drive it by hand. */
export interface Clock {
  now(): number;
}

export class ManualClock implements Clock {
  constructor(private t = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const realClock: Clock = { now: () => Date.now() };

export function timestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

// ---------------------------------------------------------------------------------------------
// Fault injection

export interface FaultRule {
  /** RPC method name (`ListDatasets`), `*` for every method, or a GCS route name (`gcs.upload`). */
  method: string;
  code: number;
  message: string;
  /** How many calls fail before the rule is used up (Infinity: until cleared). */
  times: number;
  /** The call takes effect and then its reply is lost: the error comes after the handler ran. */
  afterEffect?: boolean;
}

export class Faults {
  private rules: FaultRule[] = [];
  /** Every method a rule fired on, in order: lets tests assert retries really happened. */
  readonly fired: string[] = [];

  inject(rule: Partial<FaultRule> & Pick<FaultRule, 'code'>): void {
    this.rules.push({ method: '*', message: 'injected fault', times: 1, ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** Throws the first matching rule's error and uses one of its `times`; `after` checks the rules that fire once the call took effect. */
  check(method: string, after = false): void {
    const rule = this.rules.find((r) => r.times > 0 && !!r.afterEffect === after && (r.method === method || (r.method === '*' && !method.startsWith('gcs.'))));
    if (!rule) return;
    rule.times--;
    this.fired.push(method);
    throw new RpcError(rule.code, rule.message);
  }
}

/** The errors Google returns for situations users meet; messages follow the real services' wording. */
export const faultPresets = {
  unavailable: (times = 2): Partial<FaultRule> & Pick<FaultRule, 'code'> => ({ code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', times }),
  apiNotEnabled: (project: string): Partial<FaultRule> & Pick<FaultRule, 'code'> => ({
    code: Code.PERMISSION_DENIED,
    times: Infinity,
    message:
      `Vertex AI API has not been used in project ${project} before or it is disabled. Enable it by visiting ` +
      `https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=${project} then retry. ` +
      'If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry. (reason: SERVICE_DISABLED)',
  }),
  permissionDenied: (permission: string, resource: string): Partial<FaultRule> & Pick<FaultRule, 'code'> => ({
    code: Code.PERMISSION_DENIED,
    times: Infinity,
    message: `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
  }),
  quota: (): Partial<FaultRule> & Pick<FaultRule, 'code'> => ({
    code: Code.RESOURCE_EXHAUSTED,
    times: Infinity,
    message: 'Quota exceeded for aiplatform.googleapis.com/resource_management_requests_per_minute_per_region with base model: unknown. Please submit a quota increase request.',
  }),
};

// ---------------------------------------------------------------------------------------------
// Long-running operations

export interface OperationResult {
  /** Full proto type name and plain value of the response, or an error. */
  response?: { type: string; value: object };
  error?: { code: number; message: string };
}

export interface StoredOperation {
  name: string;
  metadataType: string;
  metadata: () => object;
  doneAt: number;
  done: boolean;
  result?: OperationResult;
  finish: () => OperationResult;
  cancelled: boolean;
}

export interface OperationsOptions {
  /** How long an operation takes, by kind (`CreateDataset`, `ImportData`...), in clock milliseconds. */
  durations?: Record<string, number>;
  defaultDuration?: number;
}

export class OperationStore {
  private readonly ops = new Map<string, StoredOperation>();
  private seq = 0;

  constructor(private readonly ctx: { clock: Clock; bundle: ProtoBundle }, private readonly opts: OperationsOptions = {}) {}

  /** Starts an operation under `parent` (a resource name); `finish` runs once, when it is due. */
  start(parent: string, kind: string, metadataType: string, metadata: () => object, finish: () => OperationResult): StoredOperation {
    const duration = this.opts.durations?.[kind] ?? this.opts.defaultDuration ?? 300;
    const op: StoredOperation = {
      name: `${parent}/operations/${8000000000000000000n + BigInt(++this.seq)}`,
      metadataType,
      metadata,
      doneAt: this.ctx.clock.now() + duration,
      done: false,
      finish,
      cancelled: false,
    };
    this.ops.set(op.name, op);
    return op;
  }

  /** Changes how long new operations take (tests make one kind slow to exercise cancellation). */
  setDurations(durations: Record<string, number> | undefined): void {
    this.opts.durations = durations;
  }

  get(name: string): StoredOperation | undefined {
    const op = this.ops.get(name);
    if (op) this.settle(op);
    return op;
  }

  list(prefix: string): StoredOperation[] {
    return [...this.ops.values()].filter((o) => o.name.startsWith(prefix)).map((o) => (this.settle(o), o));
  }

  cancel(name: string): boolean {
    const op = this.ops.get(name);
    if (!op) return false;
    this.settle(op);
    if (!op.done) {
      op.cancelled = true;
      op.done = true;
      op.result = { error: { code: Code.CANCELLED, message: 'Operation was cancelled.' } };
    }
    return true;
  }

  delete(name: string): boolean {
    return this.ops.delete(name);
  }

  /** Completes every due operation (also done lazily on read). */
  settleAll(): void {
    for (const op of this.ops.values()) this.settle(op);
  }

  private settle(op: StoredOperation): void {
    if (op.done || this.ctx.clock.now() < op.doneAt) return;
    op.done = true;
    try {
      op.result = op.finish();
    } catch (e) {
      op.result = e instanceof RpcError ? { error: { code: e.code, message: e.message } } : { error: { code: Code.INTERNAL, message: String(e) } };
    }
  }

  /** The wire form of `google.longrunning.Operation`. */
  toProto(op: StoredOperation): object {
    const out: Record<string, unknown> = {
      name: op.name,
      metadata: packAny(this.ctx.bundle, op.metadataType, op.metadata()),
      done: op.done,
    };
    if (op.done && op.result?.error) out.error = { code: op.result.error.code, message: op.result.error.message, details: [] };
    else if (op.done && op.result?.response) out.response = packAny(this.ctx.bundle, op.result.response.type, op.result.response.value);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Resource names

export interface Parent {
  project: string;
  location: string;
}

const PARENT_RE = /^projects\/([^/]+)\/locations\/([^/]+)$/;

/** Checks `projects/{p}/locations/{l}` and that the location is the one this endpoint serves. */
export function parseParent(ctx: ServerContext, value: string | undefined, field = 'parent'): Parent {
  if (!value) throw new RpcError(Code.INVALID_ARGUMENT, `Required field ${field} is missing.`);
  const m = PARENT_RE.exec(value);
  if (!m) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid ${field} '${value}': expected projects/{project}/locations/{location}.`);
  checkLocation(ctx, m[2]);
  return { project: m[1], location: m[2] };
}

export function checkLocation(ctx: ServerContext, location: string): void {
  if (location !== ctx.region) {
    throw new RpcError(
      Code.INVALID_ARGUMENT,
      `Location '${location}' in the request does not match the endpoint's region '${ctx.region}'. Use the ${location}-aiplatform.googleapis.com endpoint or a resource in ${ctx.region}.`,
    );
  }
}

/** Matches `name` against a pattern like `projects/{p}/locations/{l}/datasets/{d}`; returns the ids. */
export function parseName(ctx: ServerContext, value: string | undefined, pattern: string, field = 'name'): Record<string, string> {
  if (!value) throw new RpcError(Code.INVALID_ARGUMENT, `Required field ${field} is missing.`);
  const keys: string[] = [];
  const re = new RegExp('^' + pattern.replace(/\{(\w+)\}/g, (_m, k: string) => (keys.push(k), '([^/]+)')) + '$');
  const m = re.exec(value);
  if (!m) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid ${field} '${value}': expected ${pattern}.`);
  const ids: Record<string, string> = {};
  keys.forEach((k, i) => (ids[k] = m[i + 1]));
  if (ids.l) checkLocation(ctx, ids.l);
  return ids;
}

/** Page tokens are opaque to clients; here they are the base64 offset into a stable ordering. */
export function page<T>(items: T[], pageSize: number | undefined, pageToken: string | undefined, defaultSize = 100): { items: T[]; nextPageToken: string } {
  let start = 0;
  if (pageToken) {
    const n = Number(Buffer.from(pageToken, 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw new RpcError(Code.INVALID_ARGUMENT, `Invalid page_token '${pageToken}'.`);
    start = n;
  }
  const size = pageSize && pageSize > 0 ? Math.min(pageSize, 1000) : defaultSize;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : '';
  return { items: slice, nextPageToken: next };
}

// ---------------------------------------------------------------------------------------------

export interface ServerContext {
  bundle: ProtoBundle;
  clock: Clock;
  faults: Faults;
  operations: OperationStore;
  /** The region this endpoint serves (a regional endpoint rejects other locations). */
  region: string;
  /** Numeric project number used in service-agent names. */
  projectNumber: string;
  /** Objects readable by the Vertex service agent (the local Cloud Storage server's store). */
  blobs: BlobStore;
  /** Monotonic id source for created resources. */
  nextId(): string;
}

export type Handler = (call: { request: Record<string, unknown> }) => unknown | Promise<unknown>;

/** Wraps plain handlers as gRPC unary handlers with fault injection and error mapping. */
export function unary(ctx: ServerContext, method: string, fn: Handler): grpc.handleUnaryCall<Record<string, unknown>, unknown> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => {
        ctx.faults.check(method);
        return fn({ request: call.request });
      })
      .then((res) => {
        ctx.faults.check(method, true);
        return res;
      })
      .then(
        (res) => callback(null, res),
        (e: unknown) => {
          if (e instanceof RpcError) callback({ code: e.code, details: e.message, name: 'RpcError', message: e.message });
          else callback({ code: Code.INTERNAL, details: String((e as Error)?.stack ?? e), name: 'Error', message: String(e) });
        },
      );
  };
}

/** A module adds one gRPC service to the server. */
export interface ServiceModule {
  /** Full proto service name, e.g. `google.cloud.aiplatform.v1.DatasetService`. */
  service: string;
  handlers(ctx: ServerContext): grpc.UntypedServiceImplementation;
}
