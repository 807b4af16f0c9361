import { strict as assert } from 'node:assert';
import { startEnv, stopEnv } from './helpers';
import type { Env } from './helpers';

describe('the local Cloud Storage server through the real Storage client', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => stopEnv(env));

  it('gets a bucket and reports a missing one as 404', async () => {
    assert.equal(await env.conn.gcs.bucketLocation('test-bucket'), 'US-CENTRAL1');
    await assert.rejects(env.conn.gcs.bucketLocation('no-such-bucket'), (e: { code: number }) => e.code === 404);
  });

  it('stores simple (multipart) uploads and serves them back whole and by range', async () => {
    const file = env.conn.clients.storage.bucket('test-bucket').file('simple/hello.txt');
    await file.save('hello, storage', { resumable: false, contentType: 'text/plain' });
    const stored = env.cloud.gcs.blobs.get('test-bucket', 'simple/hello.txt');
    assert.equal(stored?.data.toString(), 'hello, storage');
    assert.equal(stored?.contentType, 'text/plain');
    assert.equal((await env.conn.gcs.download('gs://test-bucket/simple/hello.txt')).toString(), 'hello, storage');
    const [part] = await file.download({ start: 7, end: 13 });
    assert.equal(part.toString(), 'storage');
    const [meta] = await file.getMetadata();
    assert.equal(meta.size, '14');
    assert.equal(typeof meta.md5Hash, 'string');
  });

  it('lists objects by prefix, with delimiters and pages', async () => {
    for (const n of ['list/a.jsonl', 'list/b.jsonl', 'list/sub/c.jsonl', 'other/d.jsonl']) env.cloud.gcs.blobs.put('test-bucket', n, Buffer.from(n));
    const listed = await env.conn.gcs.list('gs://test-bucket/list/');
    assert.deepEqual(listed.map((f) => f.name), ['gs://test-bucket/list/a.jsonl', 'gs://test-bucket/list/b.jsonl', 'gs://test-bucket/list/sub/c.jsonl']);
    const [files, , resp] = await env.conn.clients.storage.bucket('test-bucket').getFiles({ prefix: 'list/', delimiter: '/', autoPaginate: false });
    assert.deepEqual(files.map((f) => f.name), ['list/a.jsonl', 'list/b.jsonl']);
    assert.deepEqual((resp as { prefixes?: string[] }).prefixes, ['list/sub/']);
    const [page1, next] = await env.conn.clients.storage.bucket('test-bucket').getFiles({ prefix: 'list/', maxResults: 2, autoPaginate: false });
    assert.equal(page1.length, 2);
    assert.ok(next && (next as { pageToken?: string }).pageToken, 'a next page token');
    const [page2] = await env.conn.clients.storage.bucket('test-bucket').getFiles(next as object);
    assert.deepEqual(page2.map((f) => f.name), ['list/sub/c.jsonl']);
  });

  it('reports a missing object as 404 and deletes objects', async () => {
    await assert.rejects(env.conn.gcs.download('gs://test-bucket/none.txt'), (e: { code: number }) => e.code === 404);
    env.cloud.gcs.blobs.put('test-bucket', 'del/x', Buffer.from('x'));
    await env.conn.clients.storage.bucket('test-bucket').file('del/x').delete();
    assert.equal(env.cloud.gcs.blobs.get('test-bucket', 'del/x'), undefined);
  });
});
