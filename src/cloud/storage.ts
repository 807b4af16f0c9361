/**
 * A thin adapter over the real Cloud Storage client: bucket checks, object listing and resumable
 * uploads with progress and cancellation. Uploads go in chunks, so a request cut off halfway is
 * resumed from the offset the server persisted (the SDK queries it), not restarted.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clients } from './sdk';
import { parseGcsUri } from '../core/cloud/requests';

export interface UploadOptions {
  contentType?: string;
  /** Chunk size in bytes (a multiple of 256 KiB); each chunk is one resumable request. */
  chunkSize?: number;
  onProgress?: (bytesSent: number, total: number) => void;
  signal?: AbortSignal;
}

export const DEFAULT_CHUNK = 8 * 256 * 1024;

export class GcsFiles {
  constructor(private readonly clients: Clients) {}

  async bucketLocation(bucket: string): Promise<string> {
    const [meta] = await this.clients.storage.bucket(bucket).getMetadata();
    return String(meta.location ?? '');
  }

  async list(uri: string, maxResults = 1000): Promise<{ name: string; size: number; updated?: string }[]> {
    const g = parseGcsUri(uri);
    if (!g) throw new Error(`'${uri}' is not a gs:// location`);
    const [files] = await this.clients.storage.bucket(g.bucket).getFiles({ prefix: g.path, maxResults, autoPaginate: false });
    return files.map((f) => ({ name: `gs://${g.bucket}/${f.name}`, size: Number(f.metadata.size ?? 0), updated: f.metadata.updated }));
  }

  async download(uri: string): Promise<Buffer> {
    const g = parseGcsUri(uri);
    if (!g?.path) throw new Error(`'${uri}' is not a gs://bucket/object URI`);
    const [buf] = await this.clients.storage.bucket(g.bucket).file(g.path).download();
    return buf;
  }

  /**
   * True when `uri` already holds exactly `data` (same size and MD5), so uploading it again
   * would change nothing. Any failure to tell (no such object, no read permission) is false.
   */
  async holds(uri: string, data: Buffer): Promise<boolean> {
    const g = parseGcsUri(uri);
    if (!g?.path) return false;
    try {
      const [meta] = await this.clients.storage.bucket(g.bucket).file(g.path).getMetadata();
      return Number(meta.size) === data.length && typeof meta.md5Hash === 'string' && meta.md5Hash === createHash('md5').update(data).digest('base64');
    } catch {
      return false;
    }
  }

  /**
   * Puts `data` at `uri` without replacing anything: when `uri` already holds these bytes nothing
   * is sent; when it holds other bytes (a file another job may still reference), the data goes
   * next to it, named with its MD5 (`guide.pdf` → `guide-1a2b3c4d.pdf`). Returns where it is.
   */
  async place(uri: string, data: Buffer, opts: UploadOptions = {}): Promise<{ uri: string; uploaded: boolean; renamed: boolean }> {
    if (await this.holds(uri, data)) return { uri, uploaded: false, renamed: false };
    let target = uri;
    if (await this.exists(uri)) {
      const hash = createHash('md5').update(data).digest('hex').slice(0, 8);
      target = uri.replace(/(\.[^./]*)?$/, (ext) => `-${hash}${ext}`);
      if (await this.holds(target, data)) return { uri: target, uploaded: false, renamed: true };
    }
    await this.upload(target, data, opts);
    return { uri: target, uploaded: true, renamed: target !== uri };
  }

  private async exists(uri: string): Promise<boolean> {
    const g = parseGcsUri(uri);
    if (!g?.path) return false;
    const [exists] = await this.clients.storage.bucket(g.bucket).file(g.path).exists();
    return exists;
  }

  /** Uploads `data` to `uri` as one resumable session. */
  async upload(uri: string, data: Buffer, opts: UploadOptions = {}): Promise<void> {
    const g = parseGcsUri(uri);
    if (!g?.path) throw new Error(`'${uri}' is not a gs://bucket/object URI`);
    // A signal aborted before the start never fires 'abort': without this the upload would run.
    if (opts.signal?.aborted) throw new Error('Upload cancelled.');
    const file = this.clients.storage.bucket(g.bucket).file(g.path);
    const total = data.length;
    const chunk = Math.max(256 * 1024, Math.floor((opts.chunkSize ?? DEFAULT_CHUNK) / (256 * 1024)) * 256 * 1024);
    const out = file.createWriteStream({
      resumable: true,
      chunkSize: chunk,
      contentType: opts.contentType ?? 'application/octet-stream',
      metadata: { contentType: opts.contentType ?? 'application/octet-stream' },
    });
    out.on('progress', (p: { bytesWritten: number }) => opts.onProgress?.(Math.min(p.bytesWritten, total), total));
    const onAbort = () => out.destroy(new Error('Upload cancelled.'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await pipeline(Readable.from([data]), out);
      opts.onProgress?.(total, total);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
