/**
 * Connection settings shared by the extension and the CLI, and how the project and credentials
 * are found: explicit setting, then the environment, then the active gcloud configuration, then
 * the service-account key file. Reads files only; never calls gcloud or the network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ConnectionSettings {
  project?: string;
  /** Vertex location, e.g. `us-central1`. */
  region: string;
  /** `local`, a `host:port` for an emulator/private endpoint, or undefined for the regional Google endpoint. */
  endpoint?: string;
  /** Cloud Storage JSON API endpoint (`http://host:port`); defaults to STORAGE_EMULATOR_HOST or Google. */
  storageEndpoint?: string;
}

export const DEFAULT_REGION = 'us-central1';
/** The bucket local mode provides (and the default upload location there). */
export const LOCAL_BUCKET = 'local-vertex-bucket';

function gcloudConfigDir(env: NodeJS.ProcessEnv): string {
  if (env.CLOUDSDK_CONFIG) return env.CLOUDSDK_CONFIG;
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'gcloud');
  return path.join(os.homedir(), '.config', 'gcloud');
}

function readIni(file: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const s = /^\[(.+)\]$/.exec(line);
    if (s) section = s[1];
    else {
      const kv = /^([^=#;]+?)\s*=\s*(.*)$/.exec(line);
      if (kv && section) (out[section] ??= {})[kv[1]] = kv[2];
    }
  }
  return out;
}

/** Where the project id came from, for messages. */
export interface ProjectSource {
  project: string;
  source: 'setting' | 'environment' | 'gcloud' | 'credentials';
}

export function resolveProject(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): ProjectSource | undefined {
  if (explicit?.trim()) return { project: explicit.trim(), source: 'setting' };
  for (const k of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CLOUDSDK_CORE_PROJECT']) {
    const v = env[k]?.trim();
    if (v) return { project: v, source: 'environment' };
  }
  try {
    const dir = gcloudConfigDir(env);
    let active = 'default';
    try {
      active = fs.readFileSync(path.join(dir, 'active_config'), 'utf8').trim() || 'default';
    } catch {
      // no active_config: gcloud uses "default"
    }
    const project = readIni(path.join(dir, 'configurations', `config_${active}`)).core?.project;
    if (project) return { project, source: 'gcloud' };
  } catch {
    // no gcloud configuration
  }
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (keyFile) {
    try {
      const key = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { project_id?: string; quota_project_id?: string };
      const project = key.project_id ?? key.quota_project_id;
      if (project) return { project, source: 'credentials' };
    } catch {
      // unreadable key file: reported by findCredentials
    }
  }
  return undefined;
}

export interface CredentialsStatus {
  ok: boolean;
  /** Where Application Default Credentials would come from. */
  source?: 'GOOGLE_APPLICATION_CREDENTIALS' | 'gcloud application-default' | 'metadata server';
  problem?: string;
}

/**
 * Whether Application Default Credentials are present, without contacting Google. On Google
 * Cloud machines the metadata server provides them, which this cannot see: the first call tells.
 */
export function findCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsStatus {
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (keyFile) {
    if (!fs.existsSync(keyFile)) return { ok: false, problem: `GOOGLE_APPLICATION_CREDENTIALS points to ${keyFile}, which does not exist.` };
    return { ok: true, source: 'GOOGLE_APPLICATION_CREDENTIALS' };
  }
  if (fs.existsSync(path.join(gcloudConfigDir(env), 'application_default_credentials.json'))) return { ok: true, source: 'gcloud application-default' };
  if (env.GCE_METADATA_HOST || env.K_SERVICE || env.CLOUD_SHELL) return { ok: true, source: 'metadata server' };
  return { ok: false, problem: 'No Application Default Credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file.' };
}

export function isLocal(settings: ConnectionSettings): boolean {
  return settings.endpoint === 'local';
}

/** Splits `host:port` (IPv6 in brackets allowed); a bare host gets port 443. */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(endpoint.trim());
  if (!m) throw new Error(`'${endpoint}' is not an endpoint; expected host or host:port`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 443 };
}

/** An endpoint on this machine (an emulator or the local servers): plaintext, no Google credentials. */
export function isEmulatorEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  return /^http:\/\//.test(endpoint) || /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)(:|$)/.test(endpoint.replace(/^https?:\/\//, ''));
}
