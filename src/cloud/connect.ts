/**
 * Opens a connection for the extension or the CLI: resolves the project, starts the local
 * servers in local mode, and builds the adapters over the real SDK clients.
 */
import type { ConnectionSettings } from './connection';
import { DEFAULT_REGION, isEmulatorEndpoint, isLocal, resolveProject } from './connection';
import type { Clients } from './sdk';
import { applicationDefaultAuth, createClients } from './sdk';
import type { RetryPolicy } from './vertex';
import { VertexDatasets } from './vertex';
import { GcsFiles } from './storage';

export interface Connection {
  project: string;
  region: string;
  local: boolean;
  /** The bucket local mode provides. */
  defaultBucket?: string;
  vertex: VertexDatasets;
  gcs: GcsFiles;
  clients: Clients;
  dispose(): Promise<void>;
}

export class MissingProjectError extends Error {
  constructor() {
    super('No Google Cloud project is set. Set vertexDatasets.project (or pass --project), run `gcloud config set project PROJECT_ID`, or set GOOGLE_CLOUD_PROJECT.');
  }
}

export async function connect(settings: ConnectionSettings, opts: { retry?: RetryPolicy } = {}): Promise<Connection> {
  if (isLocal(settings)) {
    // Loaded only in local mode: the local servers need the SDKs' proto files.
    const { startLocalCloud } = await import('../localServers/localCloud');
    const cloud = await startLocalCloud({ region: settings.region || DEFAULT_REGION });
    const clients = createClients({ project: cloud.project, region: cloud.region, endpoint: cloud.vertex.address, storageEndpoint: cloud.gcs.endpoint });
    return {
      project: cloud.project,
      region: cloud.region,
      local: true,
      defaultBucket: `gs://${cloud.bucket}`,
      vertex: new VertexDatasets(clients, cloud.project, cloud.region, opts.retry),
      gcs: new GcsFiles(clients),
      clients,
      dispose: async () => {
        await clients.close();
        await cloud.stop();
      },
    };
  }
  const project = resolveProject(settings.project)?.project;
  if (!project) throw new MissingProjectError();
  const region = settings.region || DEFAULT_REGION;
  const auth = isEmulatorEndpoint(settings.endpoint) ? undefined : await applicationDefaultAuth(project);
  const clients = createClients({ ...settings, project, region, auth });
  return {
    project,
    region,
    local: false,
    vertex: new VertexDatasets(clients, project, region, opts.retry),
    gcs: new GcsFiles(clients),
    clients,
    dispose: () => clients.close(),
  };
}
