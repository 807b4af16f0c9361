import { strict as assert } from 'node:assert';
import { buildCreateDatasetRequest, buildImportDataRequest, datasetTypeFilter, displayNameFilter } from '../../src/core/cloud/requests';
import { describeCloudError } from '../../src/core/cloud/errors';
import { startEnv, stopEnv, PROJECT, REGION, IMAGE_METADATA, imageRow } from './helpers';
import { ManualClock } from '../../src/localServers/state';
import type { Env } from './helpers';

describe('DatasetService through the real SDK client', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => stopEnv(env));

  it('creates datasets through the long-running operation and lists them page by page', async () => {
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const out = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: `ds-${i}`, format: i < 5 ? 'image-classification-single-label' : 'text-sentiment' }), { pollMs: 10 });
      assert.equal(out.error, undefined);
      assert.ok(out.result);
      assert.match(out.result.name, /^projects\/test-project\/locations\/us-central1\/datasets\/\d+$/);
      assert.equal(out.result.displayName, `ds-${i}`);
      names.push(out.result.name);
    }
    const seen: string[] = [];
    const tokens: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await env.conn.vertex.listDatasets({ pageSize: 3, pageToken, orderBy: 'display_name' });
      assert.ok(page.datasets.length <= 3);
      seen.push(...page.datasets.map((d) => d.displayName));
      pageToken = page.nextPageToken;
      if (pageToken) tokens.push(pageToken);
    } while (pageToken);
    assert.deepEqual(seen, ['ds-0', 'ds-1', 'ds-2', 'ds-3', 'ds-4', 'ds-5', 'ds-6']);
    assert.equal(tokens.length, 2);

    const text = await env.conn.vertex.listDatasets({ filter: datasetTypeFilter('text') });
    assert.deepEqual(text.datasets.map((d) => d.displayName).sort(), ['ds-5', 'ds-6']);
    assert.ok(text.datasets.every((d) => d.dataType === 'text'));
    const one = await env.conn.vertex.listDatasets({ filter: displayNameFilter('ds-3') });
    assert.deepEqual(one.datasets.map((d) => d.name), [names[3]]);
    const got = await env.conn.vertex.getDataset(names[0]);
    assert.equal(got.metadataSchemaUri, IMAGE_METADATA);
    assert.ok(got.createTime instanceof Date && !Number.isNaN(got.createTime.getTime()));
  });

  it('rejects requests the way Vertex does: missing display name, unknown schema, bad names, bad filters', async () => {
    const { datasets } = env.conn.clients;
    await assert.rejects(
      datasets.createDataset({ parent: `projects/${PROJECT}/locations/${REGION}`, dataset: { metadataSchemaUri: IMAGE_METADATA } }),
      (e: { code: number; details: string }) => e.code === 3 && /display_name is missing/.test(e.details),
    );
    await assert.rejects(
      datasets.createDataset({ parent: `projects/${PROJECT}/locations/${REGION}`, dataset: { displayName: 'x', metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/images.yaml' } }),
      (e: { code: number; details: string }) => e.code === 3 && /Unknown metadata_schema_uri/.test(e.details),
    );
    await assert.rejects(datasets.getDataset({ name: 'datasets/123' }), (e: { code: number }) => e.code === 3);
    await assert.rejects(datasets.getDataset({ name: `projects/${PROJECT}/locations/${REGION}/datasets/404` }), (e: { code: number }) => e.code === 5);
    await assert.rejects(env.conn.vertex.listDatasets({ filter: 'display_name ~ "x"' }), (e: { code: number }) => e.code === 3);
    await assert.rejects(
      datasets.createDataset({ parent: `projects/${PROJECT}/locations/${REGION}`, dataset: { displayName: 't', metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml' } }),
      (e: { code: number; details: string }) => e.code === 3 && /inputConfig/.test(e.details),
    );
  });

  it('reports a region that does not match the endpoint with a fix', async () => {
    const e = await env.conn.clients.datasets.getDataset({ name: `projects/${PROJECT}/locations/europe-west4/datasets/1` }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const info = describeCloudError(e, { service: 'vertex', project: PROJECT, location: 'europe-west4' });
    assert.equal(info.kind, 'regionMismatch');
    assert.match(info.message, /europe-west4/);
    assert.match(info.message, /region/);
  });

  it('creates tabular datasets from Cloud Storage CSVs and from BigQuery, and refuses ImportData on them', async () => {
    env.cloud.gcs.blobs.put('test-bucket', 'tab/a.csv', Buffer.from('x,y\n1,2\n'));
    const gcs = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'tab', format: 'tabular', tabularSource: { gcsUris: ['gs://test-bucket/tab/a.csv'] } }), { pollMs: 10 });
    assert.equal(gcs.result?.dataType, 'tabular');
    const bq = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'tab-bq', format: 'tabular', tabularSource: { bigqueryUri: 'bq://my-project.d.t' } }), { pollMs: 10 });
    assert.ok(bq.result);
    const missing = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'tab-missing', format: 'tabular', tabularSource: { gcsUris: ['gs://test-bucket/tab/none.csv'] } }), { pollMs: 10 });
    assert.equal(missing.error?.code, 5);
    const req = buildImportDataRequest({ datasetName: (gcs.result as { name: string }).name, format: 'image-classification-single-label', gcsUris: ['gs://test-bucket/x.jsonl'] });
    await assert.rejects(env.conn.vertex.importData(req), (e: { code: number; details: string }) => e.code === 9 && /do not support ImportData/.test(e.details));
  });

  it('imports rows, then shows annotation sets, label counts and versions', async () => {
    const created = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'pets', format: 'image-classification-single-label' }), { pollMs: 10 });
    const name = (created.result as { name: string }).name;
    env.cloud.gcs.blobs.put('test-bucket', 'pets.jsonl', Buffer.from([imageRow(1, 'cat'), imageRow(2, 'dog'), imageRow(3, 'cat')].join('\n')));
    const out = await env.conn.vertex.importData(buildImportDataRequest({ datasetName: name, format: 'image-classification-single-label', gcsUris: ['gs://test-bucket/pets.jsonl'], dataItemLabels: { source: 'test' } }), { pollMs: 10 });
    assert.equal(out.error, undefined);
    assert.deepEqual(out.partialFailures, []);
    const ds = await env.conn.vertex.getDataset(name);
    assert.equal(ds.itemCount, 3);
    const queries = await env.conn.vertex.listSavedQueries(name);
    assert.equal(queries.length, 1);
    assert.equal(queries[0].problemType, 'IMAGE_CLASSIFICATION_SINGLE_LABEL');
    assert.equal(queries[0].annotationSpecCount, 2);
    const labels = await env.conn.vertex.labelCounts(name);
    assert.deepEqual([...labels.counts.entries()].sort(), [['cat', 2], ['dog', 1]]);
    assert.equal(labels.complete, true);
    const [items] = await env.conn.clients.datasets.listDataItems({ parent: name, filter: 'labels.source=test' });
    assert.equal(items.length, 3);

    const [vop] = await env.conn.clients.datasets.createDatasetVersion({ parent: name, datasetVersion: { displayName: 'v1' } });
    const [version] = await vop.promise();
    assert.match(String(version.name), /datasetVersions\/\d+$/);
    const versions = await env.conn.vertex.listVersions(name);
    assert.deepEqual(versions.map((v) => v.displayName), ['v1']);
    const [rop] = await env.conn.clients.datasets.restoreDatasetVersion({ name: version.name });
    await rop.promise();

    const del = await env.conn.vertex.deleteDataset(name, { pollMs: 10 });
    assert.equal(del.result, true);
    await assert.rejects(env.conn.vertex.getDataset(name), (e: { code: number }) => e.code === 5);
  });

  it('a DeleteDataset whose reply is lost is retried, and the retry finding nothing to delete is success: the dataset is gone', async () => {
    const created = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'doomed', format: 'image-classification-single-label' }), { pollMs: 10 });
    const name = (created.result as { name: string }).name;
    const faults = env.cloud.vertex.ctx.faults;
    const ops = env.cloud.vertex.ctx.operations;
    faults.fired.length = 0;
    faults.inject({ method: 'DeleteDataset', code: 14, message: 'The service is currently unavailable.', afterEffect: true });
    // The delete the lost reply hides finishes at once, while the client waits to retry.
    ops.setDurations({ DeleteDataset: 0 });
    const retriesBefore = env.conn.vertex.retries.length;
    let del;
    try {
      const deleting = env.conn.vertex.deleteDataset(name, { pollMs: 10 });
      while (faults.fired.length === 0) await new Promise((r) => setImmediate(r));
      ops.settleAll();
      await assert.rejects(env.conn.vertex.getDataset(name), (e: { code: number }) => e.code === 5, 'gone before the retry');
      del = await deleting;
    } finally {
      ops.setDurations(undefined);
    }
    assert.deepEqual(faults.fired, ['DeleteDataset']);
    assert.equal(env.conn.vertex.retries.length, retriesBefore + 1, 'the delete was sent again once');
    assert.equal(del.result, true);
    assert.equal(del.error, undefined);
    await assert.rejects(env.conn.vertex.getDataset(name), (e: { code: number }) => e.code === 5);
    // A dataset that was never there is still an error on the first try.
    await assert.rejects(env.conn.vertex.deleteDataset(`${name}0`, { pollMs: 10 }), (e: { code: number }) => e.code === 5);
  });

  it('cancels a long-running import when the caller aborts', async () => {
    const created = await env.conn.vertex.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'slow', format: 'image-classification-single-label' }), { pollMs: 10 });
    const name = (created.result as { name: string }).name;
    env.cloud.gcs.blobs.put('test-bucket', 'slow.jsonl', Buffer.from(imageRow(1, 'cat')));
    env.cloud.vertex.ctx.operations.setDurations({ ImportData: 60_000 });
    try {
      const ac = new AbortController();
      const out = await env.conn.vertex.importData(buildImportDataRequest({ datasetName: name, format: 'image-classification-single-label', gcsUris: ['gs://test-bucket/slow.jsonl'] }), {
        signal: ac.signal,
        pollMs: 10,
        onPoll: () => ac.abort(),
      });
      assert.equal(out.cancelled, true);
      const op = env.cloud.vertex.ctx.operations.get(out.operationName);
      assert.equal(op?.cancelled, true);
      assert.equal((await env.conn.vertex.getDataset(name)).itemCount, 0);
    } finally {
      env.cloud.vertex.ctx.operations.setDurations(undefined);
    }
  });
});

describe('long-running operations on a manual clock', () => {
  let env: Env;
  const clock = new ManualClock();
  before(async () => {
    env = await startEnv({ clock, operations: { defaultDuration: 5_000 } });
  });
  after(() => stopEnv(env));

  it('stay pending until the clock passes their duration, then carry their result', async () => {
    const { datasets } = env.conn.clients;
    const [op] = await datasets.createDataset(buildCreateDatasetRequest({ project: PROJECT, location: REGION, displayName: 'clocked', format: 'text-sentiment' }));
    const ops = datasets.operationsClient;
    const get = async () => (await ops.getOperation({ name: String(op.name) } as Parameters<typeof ops.getOperation>[0]))[0];
    assert.equal((await get()).done, false);
    clock.advance(4_999);
    assert.equal((await get()).done, false);
    clock.advance(1);
    const done = await get();
    assert.equal(done.done, true);
    const [listed] = await env.conn.clients.datasets.listDatasets({ parent: `projects/${PROJECT}/locations/${REGION}` });
    assert.deepEqual(listed.map((d) => d.displayName), ['clocked']);
    const res = (await ops.listOperations({ name: `projects/${PROJECT}/locations/${REGION}`, filter: '' } as Parameters<typeof ops.listOperations>[0])) as unknown;
    // Typed as one response; returned as [operations, ...] (GAPIC auto-pagination).
    const first = Array.isArray(res) ? (res[0] as unknown) : res;
    const list = (Array.isArray(first) ? first : ((first as { operations?: unknown[] }).operations ?? [])) as { name?: string | null; done?: boolean | null }[];
    assert.ok(list.some((o) => o.name === op.name && o.done));
  });
});
