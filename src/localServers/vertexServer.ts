/**
 * The local Vertex AI gRPC server: composes service modules over one shared context. Other
 * services (training, jobs, models) plug in through `extraModules` without touching this file's
 * dataset logic.
 */
import type * as grpc from '@grpc/grpc-js';
import { loadProtos, serviceDefinition } from './protos';
import type { Clock, OperationsOptions, ServerContext, ServiceModule } from './state';
import { Faults, OperationStore, realClock } from './state';
import { BlobStore } from './blobStore';
import { DatasetStore, datasetServiceModule } from './datasetService';
import { operationsServiceModule } from './operationsService';

export interface VertexServerOptions {
  /** Port to listen on (0: any free port). */
  port?: number;
  host?: string;
  region?: string;
  projectNumber?: string;
  clock?: Clock;
  operations?: OperationsOptions;
  /** Shared with the local Cloud Storage server so ImportData reads what was uploaded. */
  blobs?: BlobStore;
  extraModules?: ServiceModule[];
}

export interface VertexServer {
  port: number;
  /** `host:port`, for `apiEndpoint`. */
  address: string;
  ctx: ServerContext;
  datasets: DatasetStore;
  stop(): Promise<void>;
}

export async function startVertexServer(opts: VertexServerOptions = {}): Promise<VertexServer> {
  const bundle = loadProtos();
  const { grpc: grpcJs } = bundle;
  let id = 1000000000000000000n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n;
  const clock = opts.clock ?? realClock;
  const ctx = {
    bundle,
    clock,
    faults: new Faults(),
    region: opts.region ?? 'us-central1',
    projectNumber: opts.projectNumber ?? '123456789012',
    blobs: opts.blobs ?? new BlobStore(),
    nextId: () => String(++id),
  } as Omit<ServerContext, 'operations'> as ServerContext;
  ctx.operations = new OperationStore(ctx, opts.operations);
  const datasets = new DatasetStore(ctx);

  const server: grpc.Server = new grpcJs.Server();
  const modules = [datasetServiceModule(() => datasets), operationsServiceModule, ...(opts.extraModules ?? [])];
  for (const m of modules) server.addService(serviceDefinition(bundle, m.service), m.handlers(ctx));

  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port ?? 0}`, grpcJs.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    address: `${host}:${port}`,
    ctx,
    datasets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // In-flight WaitOperation calls would hold a graceful shutdown open.
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}
