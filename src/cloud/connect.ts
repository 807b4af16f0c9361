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
import { LOCATION_RE } from '../core/cloud/requests';

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
    this.name = 'MissingProjectError';
  }
}

/**
 * A region that cannot be a Vertex AI location. Caught before connecting: the regional endpoint
 * is derived from it, and a typo otherwise surfaces as a name-resolution failure reported as a
 * temporary outage.
 */
export class InvalidRegionError extends Error {
  constructor(region: string) {
    super(`"${region}" is not a Vertex AI region: expected a location such as us-central1 or europe-west4 (lowercase). Set vertexDatasets.region (or pass --region).`);
    this.name = 'InvalidRegionError';
  }
}

/** Problems with the settings themselves (no project, a malformed region): usage errors, not cloud failures. */
export function isSettingsError(e: unknown): e is MissingProjectError | InvalidRegionError {
  return e instanceof MissingProjectError || e instanceof InvalidRegionError;
}

export async function connect(settings: ConnectionSettings, opts: { retry?: RetryPolicy } = {}): Promise<Connection> {
  if (settings.region && !LOCATION_RE.test(settings.region)) throw new InvalidRegionError(settings.region);
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
