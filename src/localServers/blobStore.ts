/** In-memory buckets and objects shared by the local Cloud Storage server and the local Vertex server. */
import { createHash } from 'node:crypto';

export interface StoredObject {
  name: string;
  data: Buffer;
  contentType: string;
  generation: string;
  updated: number;
  metadata: Record<string, string>;
}

export interface Bucket {
  name: string;
  location: string;
  created: number;
  objects: Map<string, StoredObject>;
  /** False models a bucket whose IAM does not grant the Vertex AI service agent `roles/storage.objectViewer`. */
  serviceAgentCanRead: boolean;
}

export class BlobStore {
  readonly buckets = new Map<string, Bucket>();
  private generation = 1700000000000000;

  createBucket(name: string, opts: { location?: string; serviceAgentCanRead?: boolean } = {}): Bucket {
    const b: Bucket = { name, location: (opts.location ?? 'US-CENTRAL1').toUpperCase(), created: Date.now(), objects: new Map(), serviceAgentCanRead: opts.serviceAgentCanRead ?? true };
    this.buckets.set(name, b);
    return b;
  }

  put(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream', metadata: Record<string, string> = {}): StoredObject {
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`bucket ${bucket} does not exist`);
    const o: StoredObject = { name, data, contentType, generation: String(++this.generation), updated: Date.now(), metadata };
    b.objects.set(name, o);
    return o;
  }

  get(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.objects.get(name);
  }

  /** Reads `gs://bucket/object`. */
  getUri(uri: string): { bucket?: Bucket; object?: StoredObject } {
    const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) return {};
    const bucket = this.buckets.get(m[1]);
    return { bucket, object: bucket?.objects.get(m[2]) };
  }
}

export function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}
