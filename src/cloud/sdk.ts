/**
 * The one place the Google SDKs are required. Every require is inside a function, so nothing
 * loads until the first cloud call (never at activation, never for CLI commands that do not
 * reach Google Cloud).
 */
import type * as Aiplatform from '@google-cloud/aiplatform';
import type * as StorageSdk from '@google-cloud/storage';
import type * as GrpcJs from '@grpc/grpc-js';
import type { ConnectionSettings } from './connection';
import { DEFAULT_REGION, isEmulatorEndpoint, splitEndpoint } from './connection';
import { regionalEndpoint } from '../core/cloud/requests';

export type DatasetServiceClient = InstanceType<typeof Aiplatform.v1.DatasetServiceClient>;
export type Storage = StorageSdk.Storage;

let loaded: { DatasetServiceClient: typeof Aiplatform.v1.DatasetServiceClient; storage: typeof StorageSdk; grpc: typeof GrpcJs } | undefined;

/** True once the SDKs were required (tests assert that unrelated commands never do it). */
export function sdkLoaded(): boolean {
  return loaded !== undefined;
}

export function loadSdk(): NonNullable<typeof loaded> {
  loaded ??= {
    // Only the dataset client: the package index loads every client and the static protos (about 1 s more).
    DatasetServiceClient: (require('@google-cloud/aiplatform/build/src/v1/dataset_service_client') as typeof Aiplatform.v1).DatasetServiceClient,
    storage: require('@google-cloud/storage') as typeof StorageSdk,
    grpc: require('@grpc/grpc-js') as typeof GrpcJs,
  };
  return loaded;
}

export interface Clients {
  datasets: DatasetServiceClient;
  storage: Storage;
  /** The options the Vertex clients were built with, for other service clients (training, labeling). */
  vertexOptions: NonNullable<ConstructorParameters<typeof Aiplatform.v1.DatasetServiceClient>[0]>;
  close(): Promise<void>;
}

/**
 * Resolves Application Default Credentials once, up front: the SDK clients otherwise discover a
 * missing credential inside background promises nobody awaits (an unhandled rejection).
 */
export async function applicationDefaultAuth(project: string): Promise<unknown> {
  const { GoogleAuth } = require('google-gax') as { GoogleAuth: new (o: object) => { getClient(): Promise<unknown> } };
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], projectId: project });
  await auth.getClient();
  return auth;
}

/** Real SDK clients for the given connection (`endpoint` must already be resolved, not `local`). */
export function createClients(settings: ConnectionSettings & { project: string; auth?: unknown }): Clients {
  const { DatasetServiceClient, storage, grpc } = loadSdk();
  const region = settings.region || DEFAULT_REGION;
  const endpoint = settings.endpoint || regionalEndpoint(region);
  const { host, port } = splitEndpoint(endpoint);
  const opts: NonNullable<ConstructorParameters<typeof DatasetServiceClient>[0]> & { universeDomain?: string } = { apiEndpoint: host, port, projectId: settings.project };
  if (isEmulatorEndpoint(endpoint)) {
    // A local server: plaintext channel, no Google credentials, no metadata-server probing.
    opts.sslCreds = grpc.credentials.createInsecure();
    opts.universeDomain = 'googleapis.com';
  } else if (settings.auth) (opts as { auth?: unknown }).auth = settings.auth;
  const datasets = new DatasetServiceClient(opts);
  const storageEndpoint = settings.storageEndpoint ?? (process.env.STORAGE_EMULATOR_HOST || undefined);
  const st = new storage.Storage({
    projectId: settings.project,
    ...(storageEndpoint ? { apiEndpoint: storageEndpoint } : settings.auth ? { authClient: settings.auth as never } : {}),
    // Uploads are resumable sessions: retrying a chunk resumes from the offset the server persisted.
    retryOptions: { autoRetry: true, maxRetries: 5, idempotencyStrategy: storage.IdempotencyStrategy.RetryAlways },
  });
  return {
    datasets,
    storage: st,
    vertexOptions: opts,
    close: async () => {
      await datasets.close();
    },
  };
}
