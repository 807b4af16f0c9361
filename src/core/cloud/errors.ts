/**
 * Turns errors from the Google SDKs (gRPC status errors from Vertex AI, HTTP errors from Cloud
 * Storage, google-auth-library errors) into messages that say what is wrong and what to do.
 * Pure: it reads only `code`, `message`/`details` and a few well-known texts.
 */

export type CloudErrorKind =
  | 'noCredentials'
  | 'noProject'
  | 'apiDisabled'
  | 'serviceAgentBucketAccess'
  | 'permissionDenied'
  | 'regionMismatch'
  | 'quota'
  | 'unavailable'
  | 'notFound'
  | 'invalidArgument'
  | 'cancelled'
  | 'unknown';

export interface CloudErrorInfo {
  kind: CloudErrorKind;
  /** What went wrong and how to fix it, for the user. */
  message: string;
  /** Worth retrying the same call after a delay. */
  retryable: boolean;
  /** The service's own message, kept for the log. */
  original: string;
}

/** gRPC codes by number, with the HTTP statuses Cloud Storage uses for the same conditions. */
const GRPC = { CANCELLED: 1, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14, UNAUTHENTICATED: 16 };
const HTTP_TO_GRPC: Record<number, number> = { 400: GRPC.INVALID_ARGUMENT, 401: GRPC.UNAUTHENTICATED, 403: GRPC.PERMISSION_DENIED, 404: GRPC.NOT_FOUND, 412: GRPC.FAILED_PRECONDITION, 429: GRPC.RESOURCE_EXHAUSTED, 500: GRPC.UNAVAILABLE, 502: GRPC.UNAVAILABLE, 503: GRPC.UNAVAILABLE, 504: GRPC.UNAVAILABLE };

export interface ErrorContext {
  /** `vertex` (gRPC) or `storage` (HTTP status codes). */
  service: 'vertex' | 'storage';
  project?: string;
  location?: string;
  bucket?: string;
  /**
   * The caller tries the call again by itself (a view that reloads on a timer) and says so: an
   * UNAVAILABLE message then states the outage only, without asking the user to try again.
   */
  retriesItself?: boolean;
  /**
   * The caller offers its own way to try again and says so (a view with a Retry node): an
   * UNAVAILABLE message then states the outage only, as with `retriesItself`.
   */
  retryOffered?: boolean;
}

const NOT_RETRIED = 'vertexDatasetsNotRetried';

/**
 * Marks an error from a call that is not retried (a create or other write whose answer may
 * have been lost), so its message does not claim a retry. Returns the same error.
 */
export function markNotRetried(e: unknown): unknown {
  try {
    if (e && typeof e === 'object') Object.defineProperty(e, NOT_RETRIED, { value: true, enumerable: false, configurable: true });
  } catch {
    // a frozen error keeps the general wording
  }
  return e;
}

export function isNotRetried(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as Record<string, unknown>)[NOT_RETRIED] === true;
}

/**
 * The status code an SDK error carries: `code` (gRPC status, or HTTP status from the Storage
 * client's JSON calls), else the HTTP `status` of a failed request (the Storage client's
 * resumable uploads fail with a request error that has no `code`).
 */
function statusCode(e: unknown): number | undefined {
  const o = (e ?? {}) as { code?: unknown; status?: unknown; response?: { status?: unknown } | null };
  if (typeof o.code === 'number') return o.code;
  if (typeof o.status === 'number') return o.status;
  return typeof o.response?.status === 'number' ? o.response.status : undefined;
}

/** The service's own words: gRPC `details`, the JSON error body of a failed request, or the message. */
function serviceText(e: unknown): string {
  const err = (e ?? {}) as { message?: unknown; details?: unknown; response?: { data?: unknown } | null };
  if (typeof err.details === 'string' && err.details) return err.details;
  const body = err.response?.data as { error?: { message?: unknown } } | undefined;
  if (body && typeof body === 'object' && typeof body.error?.message === 'string' && body.error.message) return body.error.message;
  return String(err.message ?? e);
}

export function grpcCodeOf(e: unknown, service: 'vertex' | 'storage'): number | undefined {
  const code = statusCode(e);
  if (code === undefined) return undefined;
  return service === 'storage' || code >= 100 ? HTTP_TO_GRPC[code] ?? (code >= 500 ? GRPC.UNAVAILABLE : undefined) : code;
}

export function describeCloudError(e: unknown, ctx: ErrorContext): CloudErrorInfo {
  const original = serviceText(e);
  const text = original;
  const code = grpcCodeOf(e, ctx.service);
  const info = (kind: CloudErrorKind, message: string, retryable = false): CloudErrorInfo => ({ kind, message, retryable, original });
  const project = ctx.project ?? 'your project';

  if (/Could not load the default credentials|Unable to detect a Project Id|could not find default credentials|invalid_grant|reauth/i.test(text) || code === GRPC.UNAUTHENTICATED) {
    if (/Unable to detect a Project Id/i.test(text)) return noProject(original);
    return info('noCredentials', 'No Google Cloud credentials were found (or they expired). Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, then retry. To try the extension without an account, set vertexDatasets.endpoint to "local".');
  }
  if (/SERVICE_DISABLED|has not been used in project|API has not been used|is disabled\. Enable it/i.test(text)) {
    const api = ctx.service === 'storage' ? 'storage.googleapis.com' : 'aiplatform.googleapis.com';
    return info('apiDisabled', `The ${ctx.service === 'storage' ? 'Cloud Storage' : 'Vertex AI'} API is not enabled in project ${project}. Enable it with \`gcloud services enable ${api} --project ${project}\` (or in the console: APIs & Services > Library), wait a minute, then retry.`);
  }
  if (/gcp-sa-aiplatform|Vertex AI Service Agent|service agent/i.test(text) && (code === GRPC.PERMISSION_DENIED || /denied|does not have/i.test(text))) {
    const agent = /service-\d+@gcp-sa-aiplatform\.iam\.gserviceaccount\.com/.exec(text)?.[0] ?? 'service-PROJECT_NUMBER@gcp-sa-aiplatform.iam.gserviceaccount.com';
    const bucket = ctx.bucket ?? /bucket ([a-z0-9._-]+)/i.exec(text)?.[1] ?? 'BUCKET';
    return info('serviceAgentBucketAccess', `Vertex AI cannot read the import files: its service agent ${agent} lacks access to bucket ${bucket}. Grant it roles/storage.objectViewer: \`gcloud storage buckets add-iam-policy-binding gs://${bucket} --member=serviceAccount:${agent} --role=roles/storage.objectViewer\`, then run the import again.`);
  }
  if (code === GRPC.INVALID_ARGUMENT && /location|region/i.test(text) && /match|endpoint/i.test(text)) {
    return info('regionMismatch', `The region does not match the API endpoint: ${original} Make vertexDatasets.region (--region) the dataset's region, or clear the endpoint setting so the regional endpoint is derived from it.`);
  }
  if (code === GRPC.RESOURCE_EXHAUSTED || /quota|rate limit/i.test(text)) {
    return info('quota', `Quota exhausted in project ${project}${ctx.location ? ` (${ctx.location})` : ''}: ${original} Wait and retry, or request a higher quota in the console (IAM & Admin > Quotas).`, true);
  }
  if (code === GRPC.PERMISSION_DENIED) {
    if (ctx.service === 'storage') {
      return info('permissionDenied', `Access to Cloud Storage${ctx.bucket ? ` bucket ${ctx.bucket}` : ''} was denied: ${original} Your account needs roles/storage.objectAdmin (upload) or roles/storage.objectViewer (browse) on the bucket.`);
    }
    return info('permissionDenied', `Permission denied in project ${project}: ${original} Your account needs the Vertex AI User role (roles/aiplatform.user) in the project.`);
  }
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED || /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up/i.test(text)) {
    const service = ctx.service === 'storage' ? 'Cloud Storage' : 'Vertex AI';
    if (isNotRetried(e)) {
      return info('unavailable', `The ${service} service is temporarily unavailable (${original}). The request was not retried, because it may have reached ${service} before the connection failed: check whether it took effect before you run it again.`, true);
    }
    if (ctx.retriesItself || ctx.retryOffered) return info('unavailable', `The ${service} service is temporarily unavailable (${original}).`, true);
    return info('unavailable', `The ${service} service is temporarily unavailable (${original}). It was retried with backoff; try again in a minute.`, true);
  }
  if (code === GRPC.NOT_FOUND) return info('notFound', `Not found: ${original}`);
  if (code === GRPC.CANCELLED) return info('cancelled', 'The operation was cancelled.');
  if (code === GRPC.INVALID_ARGUMENT || code === GRPC.FAILED_PRECONDITION) return info('invalidArgument', `The request was rejected: ${original}`);
  return info('unknown', original);
}

/**
 * The user-facing text for an error that came from a Google SDK call (a gRPC status, an HTTP
 * status from Cloud Storage, a credentials failure), or undefined for any other error, whose own
 * message stands. The service is told apart by the code: Cloud Storage's are HTTP statuses.
 */
export function cloudErrorText(e: unknown, ctx: Omit<ErrorContext, 'service'> = {}): string | undefined {
  const code = statusCode(e);
  const service = typeof code === 'number' && code >= 100 ? 'storage' : 'vertex';
  const info = describeCloudError(e, { ...ctx, service });
  if (typeof code === 'number' && code > 0) return info.message;
  return info.kind === 'noCredentials' || info.kind === 'noProject' ? info.message : undefined;
}

export function noProject(original = ''): CloudErrorInfo {
  return {
    kind: 'noProject',
    retryable: false,
    original,
    message: 'No Google Cloud project is set. Set vertexDatasets.project (or pass --project), or run `gcloud config set project PROJECT_ID`, or set GOOGLE_CLOUD_PROJECT.',
  };
}
