/**
 * The extension's connection to Vertex AI: settings, a status computed from files only (for the
 * views' welcome content), and a connection opened on first use. Importing `src/cloud/connect`
 * is dynamic so activation never loads the Google SDKs.
 */
import * as vscode from 'vscode';
import type { Connection } from '../../cloud/connect';
import type { ConnectionSettings } from '../../cloud/connection';
import { DEFAULT_REGION, findCredentials, isEmulatorEndpoint, resolveProject } from '../../cloud/connection';
import { cloudErrorText } from '../../core/cloud/errors';

const SECTION = 'vertexDatasets';

export type CloudState = 'local' | 'ready' | 'untrusted' | 'missingProject' | 'missingCredentials';

/** States in which the views show welcome content instead of reaching the network. */
export const BLOCKED_STATES: readonly CloudState[] = ['untrusted', 'missingProject', 'missingCredentials'];

export interface CloudStatus {
  state: CloudState;
  /** What to do about it, for welcome content and errors. */
  detail?: string;
  project?: string;
}

export function readCloudSettings(): ConnectionSettings & { importBucket?: string } {
  const c = vscode.workspace.getConfiguration(SECTION);
  const str = (k: string) => {
    const v = c.get<string>(k);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return { project: str('project'), region: str('region') ?? DEFAULT_REGION, endpoint: str('endpoint'), importBucket: str('importBucket') };
}

/**
 * What a failed command shows: for a failed Google Cloud call, what it means and how to fix it
 * (the same text the views and the CLI give), not the raw status line; otherwise the message.
 */
export function commandErrorText(e: unknown): string {
  const s = readCloudSettings();
  return cloudErrorText(e, { project: s.endpoint === 'local' ? 'local-project' : resolveProject(s.project)?.project, location: s.region }) ?? String((e as Error)?.message ?? e);
}

export class CloudSession implements vscode.Disposable {
  private conn?: { key: string; promise: Promise<Connection> };
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when settings that change the connection change. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['project', 'region', 'endpoint'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
          void this.reset();
          void this.updateContext();
          this.changed.fire();
        }
      }),
    );
    this.subs.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void this.updateContext();
        this.changed.fire();
      }),
    );
    void this.updateContext();
  }

  status(): CloudStatus {
    // Restricted Mode: nothing reaches the network until the user trusts the workspace.
    if (!vscode.workspace.isTrusted) return { state: 'untrusted', detail: 'Vertex AI features need a trusted workspace.' };
    const s = readCloudSettings();
    if (s.endpoint === 'local') return { state: 'local', project: 'local-project' };
    const project = resolveProject(s.project)?.project;
    if (!project) return { state: 'missingProject', detail: 'Set vertexDatasets.project, run `gcloud config set project PROJECT_ID`, or set GOOGLE_CLOUD_PROJECT.' };
    // An emulator on this machine needs no Google credentials.
    if (isEmulatorEndpoint(s.endpoint)) return { state: 'ready', project };
    const creds = findCredentials();
    if (!creds.ok) return { state: 'missingCredentials', project, detail: creds.problem };
    return { state: 'ready', project };
  }

  /** Sets `vertexDatasets.cloudState`, which the views' welcome content reads. */
  async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'vertexDatasets.cloudState', this.status().state);
  }

  connection(): Promise<Connection> {
    const s = readCloudSettings();
    const key = JSON.stringify([s.project, s.region, s.endpoint]);
    if (this.conn?.key !== key) {
      void this.reset();
      const promise = import('../../cloud/connect').then(({ connect }) => connect(s));
      this.conn = { key, promise };
      promise.then(
        (c) => this.log.info(`connected to Vertex AI: project ${c.project}, region ${c.region}${c.local ? ' (local servers)' : ''}`),
        (e: unknown) => {
          this.log.error('connecting to Vertex AI failed', e);
          if (this.conn?.promise === promise) this.conn = undefined;
        },
      );
    }
    return this.conn.promise;
  }

  /** True once a connection was opened (tests check activation alone never opens one). */
  get connected(): boolean {
    return this.conn !== undefined;
  }

  private async reset(): Promise<void> {
    const old = this.conn;
    this.conn = undefined;
    if (old) await old.promise.then((c) => c.dispose(), () => undefined);
  }

  dispose(): void {
    void this.reset();
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}
