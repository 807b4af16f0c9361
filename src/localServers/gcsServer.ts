/**
 * A local Cloud Storage server speaking the JSON API subset the extension uses: bucket get,
 * object list/get/delete, media download (with Range), simple (media, multipart) uploads and
 * resumable uploads with status queries, so an interrupted upload can resume from the offset the
 * server persisted. Faults are injected per route (`gcs.bucketGet`, `gcs.list`, `gcs.get`,
 * `gcs.download`, `gcs.upload`) and uploads can be cut off mid-request.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BlobStore, md5Base64 } from './blobStore';
import type { StoredObject } from './blobStore';
import { Code, Faults, RpcError } from './state';

const HTTP_STATUS: Record<number, number> = {
  [Code.INVALID_ARGUMENT]: 400, [Code.UNAUTHENTICATED]: 401, [Code.PERMISSION_DENIED]: 403, [Code.NOT_FOUND]: 404,
  [Code.FAILED_PRECONDITION]: 412, [Code.RESOURCE_EXHAUSTED]: 429, [Code.INTERNAL]: 500, [Code.UNAVAILABLE]: 503,
};

let crcTable: Uint32Array | undefined;
/** CRC32C (Castagnoli), base64 of the big-endian value, as the JSON API reports `crc32c`. */
export function crc32cBase64(data: Buffer): string {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of data) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

interface Session {
  id: string;
  bucket: string;
  name: string;
  contentType: string;
  metadata: Record<string, string>;
  chunks: Buffer[];
  received: number;
  done?: StoredObject;
}

export interface GcsServerOptions {
  port?: number;
  host?: string;
  blobs?: BlobStore;
  faults?: Faults;
}

export interface GcsServer {
  port: number;
  /** `http://host:port`, for the Storage client's `apiEndpoint`. */
  endpoint: string;
  blobs: BlobStore;
  faults: Faults;
  /** Cut off the resumable upload request that crosses this byte offset of the object (persisting the bytes before it). */
  interruptNextUploadAfter(bytes: number): void;
  /** Every resumable PUT: its Content-Range and how many body bytes arrived (tests check resume offsets). */
  readonly uploadRequests: { contentRange: string; bytes: number; interrupted: boolean }[];
  stop(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, message: string, reason = 'error'): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export async function startGcsServer(opts: GcsServerOptions = {}): Promise<GcsServer> {
  const blobs = opts.blobs ?? new BlobStore();
  const faults = opts.faults ?? new Faults();
  const sessions = new Map<string, Session>();
  const uploadRequests: GcsServer['uploadRequests'] = [];
  let interruptAfter: number | undefined;
  let endpoint = '';

  const objectResource = (bucket: string, o: StoredObject): object => ({
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    selfLink: `${endpoint}/storage/v1/b/${bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${endpoint}/download/storage/v1/b/${bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    size: String(o.data.length),
    md5Hash: md5Base64(o.data),
    crc32c: crc32cBase64(o.data),
    etag: Buffer.from(o.generation).toString('base64'),
    timeCreated: new Date(o.updated).toISOString(),
    updated: new Date(o.updated).toISOString(),
    metadata: o.metadata,
  });

  const finalize = (s: Session): StoredObject => {
    s.done = blobs.put(s.bucket, s.name, Buffer.concat(s.chunks), s.contentType, s.metadata);
    return s.done;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const q = url.searchParams;
    let m: RegExpExecArray | null;

    // Resumable upload session requests.
    if (q.get('upload_id') && (req.method === 'PUT' || req.method === 'POST')) {
      const s = sessions.get(q.get('upload_id') as string);
      if (!s) return sendError(res, 404, 'No such upload session.', 'notFound');
      faults.check('gcs.upload');
      const range = String(req.headers['content-range'] ?? '');
      const status = /^bytes \*\/(\*|\d+)$/.exec(range);
      if (status) {
        await readBody(req);
        uploadRequests.push({ contentRange: range, bytes: 0, interrupted: false });
        if (s.done) return sendJson(res, 200, objectResource(s.bucket, s.done));
        if (status[1] !== '*' && Number(status[1]) === s.received) return sendJson(res, 200, objectResource(s.bucket, finalize(s)));
        return sendJson(res, 308, {}, s.received > 0 ? { Range: `bytes=0-${s.received - 1}` } : {});
      }
      const cr = /^bytes (\d+)-(\d+|\*)\/(\*|\d+)$/.exec(range);
      if (!cr && range) return sendError(res, 400, `Invalid Content-Range '${range}'.`, 'invalid');
      const start = cr ? Number(cr[1]) : 0;
      const total = cr && cr[3] !== '*' ? Number(cr[3]) : undefined;
      if (start > s.received) return sendError(res, 400, `Content-Range starts at ${start} but only ${s.received} bytes were persisted.`, 'invalid');
      let skip = s.received - start;
      let got = 0;
      // The cut is an absolute offset in the object: the request that crosses it is cut off there.
      const cut = interruptAfter !== undefined && interruptAfter < s.received + Number(req.headers['content-length'] ?? Infinity) ? interruptAfter : undefined;
      if (cut !== undefined) interruptAfter = undefined;
      const entry = { contentRange: range, bytes: 0, interrupted: false };
      uploadRequests.push(entry);
      await new Promise<void>((resolve) => {
        req.on('data', (chunk: Buffer) => {
          if (entry.interrupted) return;
          got += chunk.length;
          entry.bytes = got;
          let c = chunk;
          if (skip > 0) {
            const drop = Math.min(skip, c.length);
            skip -= drop;
            c = c.subarray(drop);
          }
          const cutHere = cut !== undefined && s.received + c.length >= cut;
          if (cutHere) c = c.subarray(0, Math.max(0, (cut as number) - s.received));
          if (c.length) {
            s.chunks.push(Buffer.from(c));
            s.received += c.length;
          }
          if (cutHere) {
            entry.interrupted = true;
            req.socket.destroy();
            resolve();
          }
        });
        req.on('end', () => resolve());
        req.on('close', () => resolve());
      });
      if (entry.interrupted) return;
      const last = cr ? cr[2] === '*' || (total !== undefined && s.received >= total) : true;
      if (last && (total === undefined || s.received === total)) return sendJson(res, 200, objectResource(s.bucket, finalize(s)));
      return sendJson(res, 308, {}, s.received > 0 ? { Range: `bytes=0-${s.received - 1}` } : {});
    }

    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path)) && req.method === 'POST') {
      faults.check('gcs.upload');
      const bucket = blobs.buckets.get(decodeURIComponent(m[1]));
      if (!bucket) return sendError(res, 404, 'The specified bucket does not exist.', 'notFound');
      const type = q.get('uploadType');
      const body = await readBody(req);
      if (type === 'resumable') {
        const meta = body.length ? (JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string; metadata?: Record<string, string> }) : {};
        const name = q.get('name') ?? meta.name;
        if (!name) return sendError(res, 400, 'Required parameter: name', 'required');
        const s: Session = { id: randomUUID(), bucket: bucket.name, name, contentType: meta.contentType ?? String(req.headers['x-upload-content-type'] ?? 'application/octet-stream'), metadata: meta.metadata ?? {}, chunks: [], received: 0 };
        sessions.set(s.id, s);
        res.writeHead(200, { Location: `${endpoint}/upload/storage/v1/b/${bucket.name}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${s.id}`, 'Content-Length': 0 });
        return void res.end();
      }
      if (type === 'media') {
        const name = q.get('name');
        if (!name) return sendError(res, 400, 'Required parameter: name', 'required');
        return sendJson(res, 200, objectResource(bucket.name, blobs.put(bucket.name, name, body, String(req.headers['content-type'] ?? 'application/octet-stream'))));
      }
      if (type === 'multipart') {
        const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers['content-type'] ?? ''))?.[1];
        if (!boundary) return sendError(res, 400, 'Missing multipart boundary.', 'invalid');
        const parts = splitMultipart(body, boundary);
        if (parts.length < 2) return sendError(res, 400, 'A multipart upload needs a metadata part and a media part.', 'invalid');
        const meta = JSON.parse(parts[0].body.toString('utf8')) as { name?: string; contentType?: string; metadata?: Record<string, string> };
        const name = q.get('name') ?? meta.name;
        if (!name) return sendError(res, 400, 'Required parameter: name', 'required');
        const contentType = meta.contentType ?? parts[1].headers['content-type'] ?? 'application/octet-stream';
        return sendJson(res, 200, objectResource(bucket.name, blobs.put(bucket.name, name, parts[1].body, contentType, meta.metadata ?? {})));
      }
      return sendError(res, 400, `Unsupported uploadType '${type}'.`, 'invalid');
    }

    if ((m = /^\/storage\/v1\/b\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      faults.check('gcs.bucketGet');
      const b = blobs.buckets.get(decodeURIComponent(m[1]));
      if (!b) return sendError(res, 404, 'The specified bucket does not exist.', 'notFound');
      return sendJson(res, 200, { kind: 'storage#bucket', id: b.name, name: b.name, location: b.location, storageClass: 'STANDARD', timeCreated: new Date(b.created).toISOString(), updated: new Date(b.created).toISOString(), metageneration: '1', projectNumber: '123456789012' });
    }

    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path)) && req.method === 'GET') {
      faults.check('gcs.list');
      const b = blobs.buckets.get(decodeURIComponent(m[1]));
      if (!b) return sendError(res, 404, 'The specified bucket does not exist.', 'notFound');
      const prefix = q.get('prefix') ?? '';
      const delimiter = q.get('delimiter');
      const names = [...b.objects.keys()].filter((n) => n.startsWith(prefix)).sort();
      const items: StoredObject[] = [];
      const prefixes = new Set<string>();
      for (const n of names) {
        const rest = n.slice(prefix.length);
        const cut = delimiter ? rest.indexOf(delimiter) : -1;
        if (delimiter && cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
        else items.push(b.objects.get(n) as StoredObject);
      }
      const start = Number(q.get('pageToken') ?? 0);
      const max = Number(q.get('maxResults') ?? 1000);
      const slice = items.slice(start, start + max);
      const body: Record<string, unknown> = { kind: 'storage#objects', items: slice.map((o) => objectResource(b.name, o)), prefixes: [...prefixes] };
      if (start + max < items.length) body.nextPageToken = String(start + max);
      return sendJson(res, 200, body);
    }

    if ((m = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path)) && (req.method === 'GET' || req.method === 'DELETE')) {
      const bucket = decodeURIComponent(m[1]);
      const name = decodeURIComponent(m[2]);
      const media = q.get('alt') === 'media';
      faults.check(media ? 'gcs.download' : 'gcs.get');
      if (!blobs.buckets.has(bucket)) return sendError(res, 404, 'The specified bucket does not exist.', 'notFound');
      const o = blobs.get(bucket, name);
      if (!o) return sendError(res, 404, `No such object: ${bucket}/${name}`, 'notFound');
      if (req.method === 'DELETE') {
        blobs.buckets.get(bucket)?.objects.delete(name);
        res.writeHead(204);
        return void res.end();
      }
      if (!media) return sendJson(res, 200, objectResource(bucket, o));
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      const headers = { 'Content-Type': o.contentType, 'x-goog-hash': `crc32c=${crc32cBase64(o.data)},md5=${md5Base64(o.data)}`, 'x-goog-generation': o.generation, 'x-goog-stored-content-encoding': 'identity' };
      if (range) {
        const a = Number(range[1]);
        const b = range[2] ? Math.min(Number(range[2]), o.data.length - 1) : o.data.length - 1;
        res.writeHead(206, { ...headers, 'Content-Range': `bytes ${a}-${b}/${o.data.length}`, 'Content-Length': b - a + 1 });
        return void res.end(o.data.subarray(a, b + 1));
      }
      res.writeHead(200, { ...headers, 'Content-Length': o.data.length });
      return void res.end(o.data);
    }

    sendError(res, 404, `Not found: ${req.method} ${path}`, 'notFound');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (e instanceof RpcError) sendError(res, HTTP_STATUS[e.code] ?? 500, e.message, e.code === Code.PERMISSION_DENIED ? 'forbidden' : 'backendError');
      else sendError(res, 500, String(e), 'backendError');
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return {
    port,
    endpoint,
    blobs,
    faults,
    uploadRequests,
    interruptNextUploadAfter: (bytes) => {
      interruptAfter = bytes;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function splitMultipart(body: Buffer, boundary: string): { headers: Record<string, string>; body: Buffer }[] {
  const delim = Buffer.from(`--${boundary}`);
  const out: { headers: Record<string, string>; body: Buffer }[] = [];
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // strip CRLF after the delimiter and before the next
    const sep = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, sep).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    out.push({ headers, body: part.subarray(sep + 4) });
    pos = next;
  }
  return out;
}
