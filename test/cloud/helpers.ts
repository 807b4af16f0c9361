/** Starts the local Vertex AI + Cloud Storage servers for a suite and connects the real SDK clients to them. */
import { writeFileSync } from 'node:fs';
import { tempDir } from '../tempDirs';
import { join } from 'node:path';
import { startLocalCloud } from '../../src/localServers/localCloud';
import type { LocalCloud, LocalCloudOptions } from '../../src/localServers/localCloud';
import { connect } from '../../src/cloud/connect';
import type { Connection } from '../../src/cloud/connect';
import type { CliIo } from '../../src/cli/io';

export const PROJECT = 'test-project';
export const REGION = 'us-central1';

export interface Env {
  cloud: LocalCloud;
  conn: Connection;
  dir: string;
}

export async function startEnv(opts: LocalCloudOptions = {}): Promise<Env> {
  const cloud = await startLocalCloud({ seed: false, operations: { defaultDuration: 60 }, ...opts });
  cloud.gcs.blobs.createBucket('test-bucket', { location: REGION });
  const conn = await connect(
    { project: PROJECT, region: opts.region ?? REGION, endpoint: cloud.vertex.address, storageEndpoint: cloud.gcs.endpoint },
    { retry: { attempts: 4, initialDelayMs: 20, multiplier: 2, maxDelayMs: 200 } },
  );
  return { cloud, conn, dir: tempDir('vd-cloud-') };
}

export async function stopEnv(env: Env | undefined): Promise<void> {
  if (!env) return;
  await env.conn.dispose();
  await env.cloud.stop();
}

export function writeFile(env: Env, name: string, lines: string[]): string {
  const p = join(env.dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

export function captureIo(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { cwd, out: (t) => void (out += t), err: (t) => void (err += t), stdout: () => out, stderr: () => err };
}

export const IMAGE_SINGLE = 'gs://google-cloud-aiplatform/schema/dataset/ioformat/image_classification_single_label_io_format_1.0.0.yaml';
export const IMAGE_METADATA = 'gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml';

export function imageRow(i: number, label: string): string {
  return JSON.stringify({ imageGcsUri: `gs://test-bucket/img/${i}.jpg`, classificationAnnotation: { displayName: label } });
}
