/**
 * What the training-side commands (`train`, `label`, `version`) share: connection options, JSON
 * or text output, problem reporting, resource-name expansion and the lazily opened clients.
 */
import type { CliIo } from './io';
import type { Problem } from '../core/training/json';
import type { TrainingCloud } from '../cloud/training';
import type { Connection } from '../cloud/connect';

export const CONNECTION_OPTIONS = {
  project: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'storage-endpoint': { type: 'string' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CONNECTION_HELP = `Connection:
  --project ID             Google Cloud project (default: GOOGLE_CLOUD_PROJECT or gcloud config)
  --region REGION          Vertex AI region (default: us-central1)
  --endpoint E             API endpoint host[:port]; "local" starts the offline local servers
  --storage-endpoint URL   Cloud Storage JSON API endpoint (default: STORAGE_EMULATOR_HOST or Google)
  --output text|json       output format (default: text)`;

export interface ConnectionValues {
  project?: string;
  region?: string;
  endpoint?: string;
  'storage-endpoint'?: string;
  output?: string;
}

export class Usage extends Error {}

export function outputMode(v: ConnectionValues): 'text' | 'json' {
  if (v.output === undefined || v.output === 'text') return 'text';
  if (v.output === 'json') return 'json';
  throw new Usage(`--output must be text or json, not "${v.output}"`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

export function printProblems(io: CliIo, cmd: string, problems: Problem[], json: boolean): void {
  if (json) printJson(io, { ok: false, problems });
  else for (const p of problems) io.err(`vertex-datasets ${cmd}: ${p.field}: ${p.message}\n`);
}

/** The project for requests: --project, then the environment and gcloud config. Local mode uses the local project. */
export async function projectFor(v: ConnectionValues): Promise<string | undefined> {
  if (v.endpoint === 'local') {
    const { LOCAL_PROJECT } = await import('../localServers/localCloud');
    return v.project ?? LOCAL_PROJECT;
  }
  const { resolveProject } = await import('../cloud/connection');
  return resolveProject(v.project)?.project;
}

export function regionOf(v: ConnectionValues): string {
  return v.region ?? 'us-central1';
}

/** Expands an id to `projects/P/locations/L/<collection>/ID`; full names pass through. */
export function fullName(project: string, region: string, collection: string, idOrName: string): string {
  return idOrName.includes('/') ? idOrName : `projects/${project}/locations/${region}/${collection}/${idOrName}`;
}

export interface Opened {
  conn: Connection;
  cloud: TrainingCloud;
  project: string;
  region: string;
  close(): Promise<void>;
}

/** Connects (loading the SDKs now) and opens the training-side clients over the same options. */
export async function open(v: ConnectionValues): Promise<Opened> {
  const { connect } = await import('../cloud/connect');
  const { openTrainingCloud } = await import('../cloud/training');
  const conn = await connect({ project: v.project, region: regionOf(v), endpoint: v.endpoint, storageEndpoint: v['storage-endpoint'] });
  const cloud = openTrainingCloud(conn.clients.vertexOptions);
  return {
    conn,
    cloud,
    project: conn.project,
    region: conn.region,
    close: async () => {
      await cloud.close();
      await conn.dispose();
    },
  };
}

/** One line for a failed cloud call: the service's meaning and what to do. */
export async function cloudErrorMessage(e: unknown, v: ConnectionValues): Promise<string> {
  const { cloudErrorText, describeCloudError } = await import('../core/cloud/errors');
  const ctx = { project: v.project, location: v.region };
  // Cloud Storage failures (an instructions PDF upload) carry HTTP statuses and get Cloud Storage advice.
  return cloudErrorText(e, ctx) ?? describeCloudError(e, { ...ctx, service: 'vertex' }).message;
}

export function parseList(s: string | undefined): string[] {
  return (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
}

export function parseNumber(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new Usage(`${flag} takes a number, not "${s}"`);
  return n;
}

export function parseKeyValues(flag: string, values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new Usage(`${flag} takes KEY=VALUE, not "${v}"`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

/** Waits between polls; the CLI follows real operations, so this is wall time. */
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A dataset given by id, resource name or display name, as its resource name. Display names
 * (what local mode and most users know) are looked up and must match exactly one dataset.
 */
export async function resolveDataset(opened: Opened, ref: string): Promise<string> {
  if (ref.startsWith('projects/')) return ref;
  if (/^\d+$/.test(ref)) return `projects/${opened.project}/locations/${opened.region}/datasets/${ref}`;
  const { displayNameFilter } = await import('../core/cloud/requests');
  const { datasets } = await opened.conn.vertex.listDatasets({ filter: displayNameFilter(ref) });
  if (datasets.length === 1) return datasets[0].name;
  throw new Usage(datasets.length ? `${datasets.length} datasets are named "${ref}"; give its id: ${datasets.map((d) => d.name.split('/').pop()).join(', ')}` : `no dataset has the id or display name "${ref}" in projects/${opened.project}/locations/${opened.region}`);
}

/** A specialist pool given by numeric id, resource name or display name, as its resource name. */
export async function resolveSpecialistPool(opened: Opened, ref: string): Promise<string> {
  if (ref.includes('/') || /^\d+$/.test(ref)) return fullName(opened.project, opened.region, 'specialistPools', ref);
  const parent = `projects/${opened.project}/locations/${opened.region}`;
  const pools = (await opened.cloud.listSpecialistPools(parent)).filter((p) => p.displayName === ref);
  if (pools.length === 1) return pools[0].name;
  throw new Usage(pools.length
    ? `${pools.length} specialist pools are named "${ref}"; give its id: ${pools.map((p) => p.name.split('/').pop()).join(', ')}`
    : `no specialist pool has the id or display name "${ref}" in ${parent}; \`vertex-datasets label pools\` lists them`);
}

/** The get/cancel/delete verbs shared by every long-running job kind (labeling jobs, training pipelines). */
export interface JobVerbs<T extends { state: string }> {
  get(name: string): Promise<T>;
  cancel(name: string): Promise<unknown>;
  delete(name: string): Promise<unknown>;
  describe(job: T): string;
}

/** Runs `get`, `cancel` or `delete` on one job. */
export async function runJobVerb<T extends { state: string }>(io: CliIo, json: boolean, verb: 'get' | 'cancel' | 'delete', name: string, ops: JobVerbs<T>): Promise<number> {
  switch (verb) {
    case 'get': {
      const job = await ops.get(name);
      if (json) printJson(io, job);
      else io.out(ops.describe(job));
      return 0;
    }
    case 'cancel': {
      await ops.cancel(name);
      const job = await ops.get(name);
      if (json) printJson(io, job);
      else io.out(`Cancellation requested: ${name} is ${job.state}.\n`);
      return 0;
    }
    case 'delete': {
      await ops.delete(name);
      if (json) printJson(io, { deleted: name });
      else io.out(`Deleted ${name}.\n`);
      return 0;
    }
  }
}
