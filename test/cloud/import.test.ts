import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/import';
import { faultPresets, Code, ManualClock } from '../../src/localServers/state';
import { describeCloudError } from '../../src/core/cloud/errors';
import { startEnv, stopEnv, writeFile, captureIo, imageRow } from './helpers';
import type { Env } from './helpers';

describe('vertex-datasets import against the local servers', () => {
  let env: Env;
  let common: string[];
  before(async () => {
    env = await startEnv();
    common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/imports'];
  });
  after(() => stopEnv(env));
  afterEach(() => {
    env.cloud.vertex.ctx.faults.clear();
    env.cloud.gcs.faults.clear();
    for (const b of env.cloud.gcs.blobs.buckets.values()) b.serviceAgentCanRead = true;
  });

  it('imports a clean file, creating the dataset by name, exit 0', async () => {
    const file = writeFile(env, 'clean.jsonl', [imageRow(1, 'cat'), imageRow(2, 'dog')]);
    const io = captureIo(env.dir);
    const code = await run([file, '--dataset', 'clean-pets', ...common], io);
    assert.equal(code, 0, io.stderr());
    assert.match(io.stdout(), /Imported clean\.jsonl into clean-pets \(projects\/test-project\/locations\/us-central1\/datasets\/\d+\): 2 data items now; 0 rows rejected/);
    const uploaded = [...(env.cloud.gcs.blobs.buckets.get('test-bucket')?.objects.keys() ?? [])].filter((n) => n.startsWith('imports/clean-'));
    assert.equal(uploaded.length, 1);
    assert.equal(env.cloud.gcs.blobs.get('test-bucket', uploaded[0])?.data.toString(), readFileSync(file, 'utf8'));
  });

  it('refuses a file with validation errors unless --force, uploading nothing', async () => {
    const file = writeFile(env, 'broken.jsonl', [imageRow(1, 'cat'), JSON.stringify({ imageGcsUri: 'photos/2.jpg', classificationAnnotation: { displayName: 'dog' } })]);
    const before = env.cloud.gcs.uploadRequests.length;
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'refused', ...common], io), 1);
    assert.match(io.stdout(), /broken\.jsonl:2:\d+: error /);
    assert.match(io.stderr(), /pass --force/);
    assert.equal(env.cloud.gcs.uploadRequests.length, before);
    assert.equal(env.cloud.vertex.datasets.datasets.size > 0 && [...env.cloud.vertex.datasets.datasets.values()].some((d) => d.displayName === 'refused'), false);
  });

  it('maps a row Vertex rejects back to its local line (--force), exit 1', async () => {
    const file = writeFile(env, 'partial.jsonl', [imageRow(1, 'cat'), imageRow(2, 'dog'), JSON.stringify({ imageGcsUri: 'photos/3.jpg', classificationAnnotation: { displayName: 'cat' } }), imageRow(4, 'dog')]);
    const io = captureIo(env.dir);
    const code = await run([file, '--dataset', 'partial-pets', '--force', ...common], io);
    assert.equal(code, 1, io.stderr());
    const rejected = io.stdout().split('\n').filter((l) => l.includes('import.rowFailed'));
    assert.equal(rejected.length, 1, io.stdout());
    assert.match(rejected[0], /^partial\.jsonl:3:1: error import\.rowFailed: Vertex AI rejected this row: imageGcsUri 'photos\/3\.jpg' is not a Cloud Storage URI/);
    assert.match(io.stdout(), /3 data items now; 1 row rejected/);
  });

  it('refuses --label / --annotation-label values Vertex AI would refuse or ignore, before uploading or creating anything (exit 2)', async () => {
    const file = writeFile(env, 'labels.jsonl', [imageRow(1, 'cat')]);
    const uploads = env.cloud.gcs.uploadRequests.length;
    const datasets = env.cloud.vertex.datasets.datasets.size;
    const cases: [string[], RegExp][] = [
      [['--label', 'aiplatform.googleapis.com/ml_use=train'], /--label: ml_use "train" is not valid: expected "training", "validation", "test"\. Did you mean "training"\?/],
      [['--label', 'ml_use=test'], /--label: "ml_use" is not read as the split: the key must be "aiplatform\.googleapis\.com\/ml_use"/],
      [['--label', 'Team=Vision'], /--label: Resource label key "Team" may contain only lowercase letters, digits, "_" and "-"\. Use "team"\.[\s\S]*Resource label value "Vision" .*Use "vision"/],
      [['--label', 'aiplatform.googleapis.com/source=x'], /"aiplatform\.googleapis\.com\/source" is reserved/],
      [['--annotation-label', 'aiplatform.googleapis.com/ml_use=test'], /--annotation-label: ml_use is an item label/],
    ];
    for (const [flags, says] of cases) {
      const io = captureIo(env.dir);
      assert.equal(await run([file, '--dataset', 'labels-refused', ...flags, ...common], io), 2, `${flags.join(' ')}: ${io.stderr()}`);
      assert.match(io.stderr(), says);
    }
    const tabular = writeFile(env, 'tab.csv', ['a,b', ...Array.from({ length: 5 }, (_, i) => `${i},${i}`)]);
    const io = captureIo(env.dir);
    assert.equal(await run([tabular, '--dataset', 'tab-labels', '--format', 'tabular', '--force', '--label', 'team=x', ...common], io), 2, io.stderr());
    assert.match(io.stderr(), /a tabular dataset is created from the CSV itself and has no data items to label/);
    assert.equal(env.cloud.gcs.uploadRequests.length, uploads, 'nothing was uploaded');
    assert.equal(env.cloud.vertex.datasets.datasets.size, datasets, 'no dataset was created');
    const ok = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'labels-ok', '--label', 'aiplatform.googleapis.com/ml_use=test', '--label', 'source=web', ...common], ok), 0, ok.stderr());
    const ds = [...env.cloud.vertex.datasets.datasets.values()].find((d) => d.displayName === 'labels-ok');
    assert.deepEqual([...(ds?.items.values() ?? [])].map((i) => i.labels), [{ 'aiplatform.googleapis.com/ml_use': 'test', source: 'web' }]);
  });

  it('retries UNAVAILABLE with backoff and succeeds', async () => {
    env.cloud.vertex.ctx.faults.inject({ ...faultPresets.unavailable(2), method: 'ListDatasets' });
    const file = writeFile(env, 'retry.jsonl', [imageRow(1, 'cat')]);
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'retry-pets', ...common], io), 0, io.stderr());
    assert.deepEqual(env.cloud.vertex.ctx.faults.fired, ['ListDatasets', 'ListDatasets']);
    assert.equal((io.stderr().match(/retried ListDatasets after UNAVAILABLE/g) ?? []).length, 2);
  });

  it('a CreateDataset whose reply is lost is not sent again: one dataset, a message saying how to check, and the next import uses it', async () => {
    const faults = env.cloud.vertex.ctx.faults;
    faults.fired.length = 0;
    faults.inject({ method: 'CreateDataset', code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', afterEffect: true });
    const file = writeFile(env, 'lost-create.jsonl', [imageRow(1, 'cat')]);
    const before = new Set(env.cloud.vertex.ctx.operations.list('projects/').map((o) => o.name));
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'lost-create', ...common], io), 1, io.stderr());
    assert.deepEqual(faults.fired, ['CreateDataset']);
    const creates = () => env.cloud.vertex.ctx.operations.list('projects/').filter((o) => !before.has(o.name) && /CreateDataset/.test(o.metadataType));
    assert.equal(creates().length, 1, 'the create took effect once and was not sent again');
    // The dataset exists once its operation is done.
    const deadline = Date.now() + 10_000;
    while (!creates()[0].done && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const named = () => [...env.cloud.vertex.datasets.datasets.values()].filter((d) => d.displayName === 'lost-create');
    assert.equal(named().length, 1);
    assert.doesNotMatch(io.stderr(), /retried with backoff|retried CreateDataset/);
    assert.match(io.stderr(), /dataset failed: .*The request was not retried, because it may have reached Vertex AI .*look for a dataset named "lost-create" \(image data\) .*run the import again: it imports into the one dataset of that name/);
    const again = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'lost-create', ...common], again), 0, again.stderr());
    assert.equal(named().length, 1);
    assert.equal(named()[0].items.size, 1);
  });

  it('an ImportData whose reply is lost is not sent again, and the message says how to check whether it ran', async () => {
    const faults = env.cloud.vertex.ctx.faults;
    faults.fired.length = 0;
    faults.inject({ method: 'ImportData', code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', afterEffect: true });
    const file = writeFile(env, 'lost-import.jsonl', [imageRow(1, 'cat'), imageRow(2, 'dog')]);
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'lost-import', ...common], io), 1, io.stderr());
    assert.deepEqual(faults.fired, ['ImportData'], 'ImportData is sent once');
    const dsName = [...env.cloud.vertex.datasets.datasets.entries()].find(([, d]) => d.displayName === 'lost-import')?.[0];
    assert.ok(dsName);
    const imports = env.cloud.vertex.ctx.operations.list(`${dsName}/operations/`).filter((o) => /ImportData/.test(o.metadataType));
    assert.equal(imports.length, 1, 'one ImportData operation was started');
    assert.match(io.stderr(), /import failed: .*The request was not retried.*see whether dataset "lost-import" \(\d+\) grows past 0 data items/);
  });

  it('Cloud Storage 503s are retried by the Storage client and the import goes through', async () => {
    env.cloud.gcs.faults.inject({ method: 'gcs.bucketGet', code: Code.UNAVAILABLE, message: 'Backend Error', times: 2 });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'gcs503.jsonl', [imageRow(1, 'cat')]), '--dataset', 'gcs503', ...common], io), 0, io.stderr());
    assert.deepEqual(env.cloud.gcs.faults.fired, ['gcs.bucketGet', 'gcs.bucketGet']);
  });

  it('a dataset in another region than the endpoint is refused with a fix, before anything is uploaded', async () => {
    const before = env.cloud.gcs.uploadRequests.length;
    const io = captureIo(env.dir);
    const code = await run([writeFile(env, 'region.jsonl', [imageRow(1, 'cat')]), '--dataset', 'projects/test-project/locations/europe-west4/datasets/123', ...common], io);
    assert.equal(code, 1);
    assert.match(io.stderr(), /dataset failed: The region does not match the API endpoint: Location 'europe-west4' .* Make vertexDatasets\.region \(--region\) the dataset's region/);
    assert.equal(env.cloud.gcs.uploadRequests.length, before);
  });

  it('says how to enable the API when it is disabled', async () => {
    env.cloud.vertex.ctx.faults.inject({ ...faultPresets.apiNotEnabled('test-project') });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'api.jsonl', [imageRow(1, 'cat')]), '--dataset', 'api', ...common], io), 1);
    assert.match(io.stderr(), /Vertex AI API is not enabled in project test-project\. Enable it with `gcloud services enable aiplatform\.googleapis\.com --project test-project`/);
  });

  it('names the quota when it is exhausted', async () => {
    env.cloud.vertex.ctx.faults.inject({ ...faultPresets.quota(), method: 'CreateDataset' });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'quota.jsonl', [imageRow(1, 'cat')]), '--dataset', 'quota', ...common], io), 1);
    assert.match(io.stderr(), /dataset failed: Quota exhausted in project test-project \(us-central1\): Quota exceeded for aiplatform\.googleapis\.com/);
  });

  it('reports PERMISSION_DENIED for the caller with the role to ask for', async () => {
    env.cloud.vertex.ctx.faults.inject({ ...faultPresets.permissionDenied('aiplatform.datasets.list', 'projects/test-project/locations/us-central1') });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'perm.jsonl', [imageRow(1, 'cat')]), '--dataset', 'perm', ...common], io), 1);
    assert.match(io.stderr(), /Permission denied in project test-project: .*roles\/aiplatform\.user/);
  });

  it('when the service agent cannot read the bucket: names the role, reports the dataset and the uploaded file, deletes nothing', async () => {
    (env.cloud.gcs.blobs.buckets.get('test-bucket') as { serviceAgentCanRead: boolean }).serviceAgentCanRead = false;
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'agent.jsonl', [imageRow(1, 'cat')]), '--dataset', 'agent-pets', ...common], io), 1);
    const err = io.stderr();
    assert.match(err, /import failed: Vertex AI cannot read the import files: its service agent service-123456789012@gcp-sa-aiplatform\.iam\.gserviceaccount\.com lacks access to bucket test-bucket\. Grant it roles\/storage\.objectViewer/);
    const dataset = /Dataset: agent-pets \((projects\/[^)]+)\), created by this import/.exec(err);
    assert.ok(dataset, err);
    const uploaded = /Uploaded: (gs:\/\/test-bucket\/imports\/agent-\S+\.jsonl) \(kept/.exec(err);
    assert.ok(uploaded, err);
    assert.ok(env.cloud.gcs.blobs.getUri(uploaded[1]).object, 'the uploaded import file is still there');
    assert.ok(env.cloud.vertex.datasets.datasets.get(dataset[1]), 'the dataset is still there');
  });

  it('reports a bucket the user cannot write to as a Cloud Storage permission problem', async () => {
    env.cloud.gcs.faults.inject({ method: 'gcs.bucketGet', code: Code.PERMISSION_DENIED, message: 'me@example.com does not have storage.buckets.get access to the Google Cloud Storage bucket.', times: 1 });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'gcsperm.jsonl', [imageRow(1, 'cat')]), '--dataset', 'gcsperm', ...common], io), 1);
    assert.match(io.stderr(), /bucket failed: Access to Cloud Storage bucket test-bucket was denied: .*roles\/storage\.objectAdmin/);
  });

  it('an upload Cloud Storage refuses is reported with the service\'s reason and the role to ask for', async () => {
    env.cloud.gcs.faults.inject({ method: 'gcs.upload', code: Code.PERMISSION_DENIED, message: 'me@example.com does not have storage.objects.create access to the Google Cloud Storage object.', times: Infinity });
    const io = captureIo(env.dir);
    assert.equal(await run([writeFile(env, 'upload403.jsonl', [imageRow(1, 'cat')]), '--dataset', 'upload403', ...common], io), 1);
    assert.match(io.stderr(), /upload failed: Access to Cloud Storage bucket test-bucket was denied: me@example\.com does not have storage\.objects\.create access .* roles\/storage\.objectAdmin/);
    assert.doesNotMatch(io.stderr(), /Request failed with status code/);
  });

  it('resumes an interrupted upload from the persisted offset instead of restarting', async () => {
    const size = 700 * 1024;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7) % 256;
    env.cloud.gcs.uploadRequests.length = 0;
    env.cloud.gcs.interruptNextUploadAfter(300 * 1024);
    const progress: number[] = [];
    await env.conn.gcs.upload('gs://test-bucket/big/blob.bin', data, { chunkSize: 256 * 1024, onProgress: (s) => progress.push(s) });
    assert.ok(env.cloud.gcs.blobs.get('test-bucket', 'big/blob.bin')?.data.equals(data), 'the object is byte-identical');
    const reqs = env.cloud.gcs.uploadRequests;
    const cut = reqs.findIndex((r) => r.interrupted);
    assert.ok(cut > 0, JSON.stringify(reqs));
    assert.equal(reqs[cut + 1].contentRange, 'bytes */*', 'the client asked the server how much it has');
    assert.match(reqs[cut + 2].contentRange, new RegExp(`^bytes ${300 * 1024}-`), 'and continued from exactly there');
    const sent = reqs.reduce((n, r) => n + r.bytes, 0);
    assert.ok(sent < size + 256 * 1024, `sent ${sent} bytes for a ${size}-byte object: resumed, not restarted`);
    assert.equal(progress[progress.length - 1], size);
  });

  it('finds the dataset named by --dataset with a filtered listing, not by reading every dataset of the project', async () => {
    const { runImport } = await import('../../src/cloud/importFlow');
    for (let i = 0; i < 250; i++) env.cloud.vertex.datasets.create('test-project', 'us-central1', { displayName: `other-${i}`, metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml' });
    const names = ['pets "best" AND cats', 'pets \\ plain'];
    for (const name of names) env.cloud.vertex.datasets.create('test-project', 'us-central1', { displayName: name, metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml' });
    const client = env.conn.clients.datasets;
    const original = client.listDatasets.bind(client);
    let calls = 0;
    client.listDatasets = ((...args: Parameters<typeof original>) => {
      calls++;
      return original(...args);
    }) as typeof client.listDatasets;
    try {
      for (const name of names) {
        calls = 0;
        const report = await runImport(
          env.conn.vertex,
          env.conn.gcs,
          { files: [{ displayPath: 'found.jsonl', data: Buffer.from(imageRow(1, 'cat') + '\n') }], format: 'image-classification-single-label', destination: 'gs://test-bucket/found', dataset: name, createIfMissing: false },
          { step: () => undefined },
        );
        assert.equal(report.ok, true, JSON.stringify(report.error));
        assert.equal(report.dataset?.displayName, name);
        assert.equal(calls, 1, `one ListDatasets call for "${name}", not one per 100 datasets`);
      }
    } finally {
      client.listDatasets = original;
    }
  });

  it('a cancel that lands between two steps starts nothing after it: no upload, no ImportData', async () => {
    const { runImport } = await import('../../src/cloud/importFlow');
    const ac = new AbortController();
    const uploadsBefore = env.cloud.gcs.uploadRequests.length;
    const opsBefore = env.cloud.vertex.ctx.operations.list('projects/').length;
    const steps: string[] = [];
    const report = await runImport(
      env.conn.vertex,
      env.conn.gcs,
      { files: [{ displayPath: 'late.jsonl', data: Buffer.from(imageRow(1, 'cat') + '\n') }], format: 'image-classification-single-label', destination: 'gs://test-bucket/late', dataset: 'late-cancel', createIfMissing: true },
      {
        step: (step, message) => {
          steps.push(message);
          // The user presses Cancel just as the upload begins.
          if (step === 'upload') ac.abort();
        },
      },
      ac.signal,
    );
    assert.equal(report.cancelled, true, JSON.stringify(report.error));
    assert.equal(report.ok, false);
    assert.deepEqual(report.uploaded, []);
    assert.equal(env.cloud.gcs.uploadRequests.length, uploadsBefore, 'nothing was sent to Cloud Storage');
    assert.ok(![...(env.cloud.gcs.blobs.buckets.get('test-bucket')?.objects.keys() ?? [])].some((n) => n.startsWith('late/')));
    const ops = env.cloud.vertex.ctx.operations.list('projects/').slice(opsBefore).map((o) => o.metadataType);
    assert.ok(!ops.some((t) => /ImportData/.test(t)), `no import was started: ${ops.join(', ')}`);
  });

  it('explains missing credentials instead of a stack trace', async () => {
    const { connect } = await import('../../src/cloud/connect');
    const saved = { ...process.env };
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '';
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.CLOUDSDK_CONFIG = env.dir;
    process.env.GCE_METADATA_HOST = '127.0.0.1:9';
    process.env.METADATA_SERVER_DETECTION = 'none';
    try {
      const e = await connect({ project: 'test-project', region: 'us-central1' }).then(
        async (c) => {
          await c.dispose();
          return undefined;
        },
        (err: unknown) => err,
      );
      assert.ok(e, 'connecting failed');
      const info = describeCloudError(e, { service: 'vertex', project: 'test-project' });
      assert.equal(info.kind, 'noCredentials', String((e as Error).message));
      assert.match(info.message, /gcloud auth application-default login/);
    } finally {
      // Restore in place: replacing process.env would turn it into a plain object.
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

describe('vertex-datasets import interrupted with Ctrl-C', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ operations: { defaultDuration: 60, durations: { ImportData: 600_000 } } });
  });
  after(() => stopEnv(env));

  it('cancels the running ImportData, says what exists, and exits 1', async function () {
    this.timeout(60_000);
    const file = writeFile(env, 'sigint.jsonl', [imageRow(1, 'cat'), imageRow(2, 'dog')]);
    const args = ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli', 'bin.ts'), 'import', file, '--dataset', 'sigint-pets', '--project', 'test-project', '--region', 'us-central1',
      '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/sigint'];
    // Run from the repository, where tsx resolves; the file is given by absolute path.
    const child = spawn(process.execPath, args, { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      // Interrupt once the import operation is running on the server.
      if (/Importing into /.test(err) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1, err);
    assert.match(err, /vertex-datasets import: cancelling/);
    assert.match(err, /vertex-datasets import: cancelled\n/);
    assert.match(err, /Dataset: sigint-pets \(projects\/test-project\/locations\/us-central1\/datasets\/\d+\), created by this import/);
    assert.match(err, /Uploaded: gs:\/\/test-bucket\/sigint\/sigint-\S+\.jsonl \(kept/);
    const op = /Operation: (\S+)/.exec(err);
    assert.ok(op, err);
    const stored = env.cloud.vertex.ctx.operations.list('projects/').find((o) => o.name === op[1]);
    assert.equal(stored?.cancelled, true, 'the ImportData operation was cancelled on the server');
  });

  it('--source: cancels the running CreateDataset, names the operation, and exits 1', async function () {
    this.timeout(60_000);
    env.cloud.vertex.ctx.operations.setDurations({ ImportData: 600_000, CreateDataset: 600_000 });
    try {
      const args = ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli', 'bin.ts'), 'import', '--source', 'bq://my-proj.sales.orders', '--dataset', 'sigint-orders', '--project', 'test-project', '--region', 'us-central1',
        '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint];
      const child = spawn(process.execPath, args, { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      const creating = () => env.cloud.vertex.ctx.operations.list('projects/').some((o) => /CreateDataset/.test(o.metadataType) && !o.done);
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
      });
      // Interrupt once the CreateDataset operation is running on the server.
      const deadline = Date.now() + 30_000;
      while (!creating() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (c) => resolve(c))));
      assert.equal(code, 1, err);
      assert.match(err, /vertex-datasets import: cancelling/);
      assert.match(err, /vertex-datasets import: cancelled\n/);
      const op = /Operation: (\S+)/.exec(err);
      assert.ok(op, err);
      const stored = env.cloud.vertex.ctx.operations.list('projects/').find((o) => o.name === op[1]);
      assert.equal(stored?.cancelled, true, 'the CreateDataset operation was cancelled on the server');
      assert.match(stored?.metadataType ?? '', /CreateDataset/);
    } finally {
      env.cloud.vertex.ctx.operations.setDurations({ ImportData: 600_000 });
    }
  });
});

describe('vertex-datasets import while ImportData runs', () => {
  let env: Env;
  const clock = new ManualClock();
  before(async () => {
    // Operations end only when the test moves the clock.
    env = await startEnv({ clock, operations: { defaultDuration: 0, durations: { ImportData: 3_600_000 } } });
  });
  after(() => stopEnv(env));

  it('prints the elapsed time and the operation to stderr at the --progress-every interval, nothing on stdout', async () => {
    const file = writeFile(env, 'slow.jsonl', [imageRow(1, 'cat'), imageRow(2, 'dog')]);
    const io = captureIo(env.dir);
    const common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/slow'];
    const running = run([file, '--dataset', 'slow-pets', '--progress-every', '0.01', ...common], io);
    const lines = () => io.stderr().split('\n').filter((l) => l.startsWith('  still importing after'));
    const deadline = Date.now() + 20_000;
    while (lines().length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.equal(io.stdout(), '', 'nothing on stdout while the operation runs');
    clock.advance(3_600_000);
    assert.equal(await running, 0, io.stderr());
    const [first, second] = lines();
    assert.match(first, /^  still importing after \d+ s \(operation projects\/test-project\/locations\/us-central1\/datasets\/\d+\/operations\/\d+; Ctrl-C cancels it\)$/);
    assert.match(second, /^  still importing after \d+ s$/, 'the operation is named once');
    assert.match(io.stdout(), /^Imported slow\.jsonl into slow-pets .*: 2 data items now; 0 rows rejected\.\n$/);
    assert.ok(io.stderr().indexOf('Importing into slow-pets') < io.stderr().indexOf(first), 'progress follows the step line');
  });

  it('prints no progress line with --progress-every 0, and refuses a value that is not a number of seconds', async () => {
    const file = writeFile(env, 'quiet.jsonl', [imageRow(1, 'cat')]);
    const common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/slow'];
    const io = captureIo(env.dir);
    const running = run([file, '--dataset', 'quiet-pets', '--progress-every', '0', ...common], io);
    // Finish the import once its operation exists on the server.
    const deadline = Date.now() + 20_000;
    const importing = () => env.cloud.vertex.ctx.operations.list('projects/').some((o) => /ImportData/.test(o.metadataType) && !o.done);
    while (!importing() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    clock.advance(3_600_000);
    assert.equal(await running, 0, io.stderr());
    assert.doesNotMatch(io.stderr(), /still importing/);
    const bad = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'quiet-pets', '--progress-every', 'often', ...common], bad), 2);
    assert.match(bad.stderr(), /--progress-every takes a number of seconds \(0 for none\), not "often"/);
  });

  it('--source: prints the elapsed time and the CreateDataset operation at the --progress-every interval, and checks the value', async () => {
    env.cloud.vertex.ctx.operations.setDurations({ ImportData: 3_600_000, CreateDataset: 3_600_000 });
    try {
      const common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint];
      const io = captureIo(env.dir);
      const running = run(['--source', 'bq://my-proj.sales.slow', '--dataset', 'slow-orders', '--progress-every', '0.01', ...common], io);
      const lines = () => io.stderr().split('\n').filter((l) => l.startsWith('  still creating the dataset after'));
      const deadline = Date.now() + 20_000;
      while (lines().length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.equal(io.stdout(), '', 'nothing on stdout while the operation runs');
      clock.advance(3_600_000);
      assert.equal(await running, 0, io.stderr());
      const [first, second] = lines();
      assert.match(first, /^  still creating the dataset after \d+ s \(operation projects\/test-project\/locations\/us-central1\/operations\/\d+; Ctrl-C cancels it\)$/);
      assert.match(second, /^  still creating the dataset after \d+ s$/, 'the operation is named once');
      assert.match(io.stdout(), /^Created tabular dataset slow-orders \(projects\/[^)]+\) from bq:\/\/my-proj\.sales\.slow\.\n$/);

      const bad = captureIo(env.dir);
      assert.equal(await run(['--source', 'bq://my-proj.sales.slow', '--dataset', 'x', '--progress-every', 'soon', ...common], bad), 2);
      assert.match(bad.stderr(), /--progress-every takes a number of seconds \(0 for none\), not "soon"/);
    } finally {
      env.cloud.vertex.ctx.operations.setDurations({ ImportData: 3_600_000 });
    }
  });
});

describe('vertex-datasets import of CSV files', () => {
  let env: Env;
  let common: string[];
  before(async () => {
    env = await startEnv();
    common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/csv'];
  });
  after(() => stopEnv(env));

  it('imports an image classification CSV and maps a rejected row to its line', async () => {
    const file = writeFile(env, 'pets.csv', ['training,gs://test-bucket/a.jpg,cat', 'test,gs://test-bucket/b.jpg,dog', 'validation,photos/c.jpg,cat', ',gs://test-bucket/d.jpg,dog']);
    const io = captureIo(env.dir);
    const code = await run([file, '--dataset', 'csv-pets', '--format', 'image-classification-single-label', '--force', ...common], io);
    assert.equal(code, 1, io.stderr());
    assert.match(io.stdout(), /^pets\.csv:3:1: error import\.rowFailed: Vertex AI rejected this row: imageGcsUri 'photos\/c\.jpg' is not a Cloud Storage URI/m);
    assert.match(io.stdout(), /3 data items now; 1 row rejected/);
    const ds = [...env.cloud.vertex.datasets.datasets.values()].find((d) => d.displayName === 'csv-pets');
    const mlUses = [...(ds?.items.values() ?? [])].map((i) => i.labels['aiplatform.googleapis.com/ml_use']).sort();
    assert.deepEqual(mlUses, ['test', 'training', undefined].sort());
  });

  it('creates a tabular dataset from a CSV through metadata.inputConfig.gcsSource', async () => {
    const rows = ['id,age,income,churned', ...Array.from({ length: 1000 }, (_, i) => `${i},${20 + (i % 50)},${1000 + i},${i % 3 ? 'no' : 'yes'}`)];
    const file = writeFile(env, 'churn.csv', rows);
    const io = captureIo(env.dir);
    const code = await run([file, '--dataset', 'churn', '--format', 'tabular', '--force', ...common], io);
    assert.equal(code, 0, io.stderr() + io.stdout());
    const m = /Created tabular dataset churn \((projects\/[^)]+)\) from (gs:\/\/test-bucket\/csv\/churn-\S+\.csv)\./.exec(io.stdout());
    assert.ok(m, io.stdout());
    const ds = env.cloud.vertex.datasets.datasets.get(m[1]);
    assert.deepEqual(ds?.metadata, { inputConfig: { gcsSource: { uri: [m[2]] } } });
    assert.equal(ds?.metadataSchemaUri, 'gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml');
    assert.equal(env.cloud.gcs.blobs.getUri(m[2]).object?.data.toString(), rows.join('\n') + '\n');
  });
});

describe('vertex-datasets import --source (tabular from BigQuery or existing CSVs)', () => {
  let env: Env;
  let common: string[];
  before(async () => {
    env = await startEnv();
    common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint];
  });
  after(() => stopEnv(env));

  it('creates from a BigQuery table', async () => {
    const io = captureIo(env.dir);
    assert.equal(await run(['--source', 'bq://my-proj.sales.orders', '--dataset', 'orders', ...common], io), 0, io.stderr());
    const m = /Created tabular dataset orders \((projects\/[^)]+)\)/.exec(io.stdout());
    assert.ok(m, io.stdout());
    assert.deepEqual(env.cloud.vertex.datasets.datasets.get(m[1])?.metadata, { inputConfig: { bigquerySource: { uri: 'bq://my-proj.sales.orders' } } });
  });

  it('reports a CSV that does not exist as the operation error', async () => {
    const io = captureIo(env.dir);
    assert.equal(await run(['--source', 'gs://test-bucket/none.csv', '--dataset', 'none', ...common], io), 1);
    assert.match(io.stderr(), /Not found: Cloud Storage object gs:\/\/test-bucket\/none\.csv does not exist/);
  });

  it('refuses a malformed BigQuery URI before calling Vertex', async () => {
    const io = captureIo(env.dir);
    const calls = env.cloud.vertex.ctx.operations.list('projects/').length;
    assert.equal(await run(['--source', 'bq://just-a-table', '--dataset', 'bad', ...common], io), 1);
    assert.match(io.stderr(), /bq:\/\/project\.dataset\.table/);
    assert.equal(env.cloud.vertex.ctx.operations.list('projects/').length, calls);
  });
});

describe('vertex-datasets import --upload-media', () => {
  let env: Env;
  let common: string[];
  before(async () => {
    env = await startEnv();
    common = ['--project', 'test-project', '--region', 'us-central1', '--endpoint', env.cloud.vertex.address, '--storage-endpoint', env.cloud.gcs.endpoint, '--bucket', 'gs://test-bucket/run1'];
  });
  after(() => stopEnv(env));

  it('uploads the media the file references, imports a rewritten copy and leaves the local file alone', async () => {
    mkdirSync(join(env.dir, 'photos'), { recursive: true });
    writeFileSync(join(env.dir, 'photos', 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]));
    writeFileSync(join(env.dir, 'photos', 'b b.jpg'), Buffer.from([0xff, 0xd8, 0xff, 4, 5, 6]));
    const lines = [
      JSON.stringify({ imageGcsUri: 'photos/a.jpg', classificationAnnotation: { displayName: 'cat' } }),
      JSON.stringify({ imageGcsUri: 'gs://test-bucket/remote.jpg', classificationAnnotation: { displayName: 'dog' } }),
      JSON.stringify({ classificationAnnotation: { displayName: 'dog' }, imageGcsUri: './photos/b b.jpg' }),
      JSON.stringify({ imageGcsUri: 'photos/a.jpg', classificationAnnotation: { displayName: 'cat' } }),
    ];
    const file = writeFile(env, 'local-media.jsonl', lines);
    const before = readFileSync(file, 'utf8');
    const io = captureIo(env.dir);
    const code = await run([file, '--dataset', 'media-pets', '--upload-media', ...common], io);
    assert.equal(code, 0, io.stderr() + io.stdout());
    assert.match(io.stderr(), /2 local media files will be uploaded/);
    assert.deepEqual(env.cloud.gcs.blobs.get('test-bucket', 'run1/media/photos/a.jpg')?.data, Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]));
    assert.ok(env.cloud.gcs.blobs.get('test-bucket', 'run1/media/photos/b b.jpg'));
    const imported = [...(env.cloud.gcs.blobs.buckets.get('test-bucket')?.objects.values() ?? [])].find((o) => o.name.startsWith('run1/local-media-'));
    const importedLines = imported?.data.toString('utf8').split('\n') ?? [];
    assert.equal(importedLines.length, lines.length + 1, 'one row per line, as in the local file');
    assert.equal(JSON.parse(importedLines[0]).imageGcsUri, 'gs://test-bucket/run1/media/photos/a.jpg');
    assert.equal(JSON.parse(importedLines[1]).imageGcsUri, 'gs://test-bucket/remote.jpg');
    assert.equal(JSON.parse(importedLines[2]).imageGcsUri, 'gs://test-bucket/run1/media/photos/b b.jpg');
    assert.equal(readFileSync(file, 'utf8'), before, 'the local file is unchanged');
    assert.match(io.stdout(), /3 data items now; 0 rows rejected/);
  });

  it('a second import of the same file does not upload unchanged media again; a changed one is uploaded', async () => {
    mkdirSync(join(env.dir, 'again'), { recursive: true });
    writeFileSync(join(env.dir, 'again', 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 7, 7, 7]));
    writeFileSync(join(env.dir, 'again', 'b.jpg'), Buffer.from([0xff, 0xd8, 0xff, 8, 8, 8]));
    const file = writeFile(env, 'again.jsonl', [
      JSON.stringify({ imageGcsUri: 'again/a.jpg', classificationAnnotation: { displayName: 'cat' } }),
      JSON.stringify({ imageGcsUri: 'again/b.jpg', classificationAnnotation: { displayName: 'dog' } }),
    ]);
    const first = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'media-again', '--upload-media', ...common], first), 0, first.stderr());
    const generation = (name: string) => env.cloud.gcs.blobs.get('test-bucket', `run1/media/again/${name}`)?.generation;
    const [a1, b1] = [generation('a.jpg'), generation('b.jpg')];
    assert.ok(a1 && b1);
    writeFileSync(join(env.dir, 'again', 'b.jpg'), Buffer.from([0xff, 0xd8, 0xff, 9, 9, 9, 9]));
    const second = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'media-again', '--upload-media', ...common], second), 0, second.stderr());
    assert.equal(generation('a.jpg'), a1, 'the unchanged image was not written again');
    assert.notEqual(generation('b.jpg'), b1, 'the changed image was uploaded');
    assert.deepEqual(env.cloud.gcs.blobs.get('test-bucket', 'run1/media/again/b.jpg')?.data, Buffer.from([0xff, 0xd8, 0xff, 9, 9, 9, 9]));
    assert.match(second.stderr(), /Media again\/a\.jpg is already at gs:\/\/test-bucket\/run1\/media\/again\/a\.jpg with the same bytes: not uploaded again/);
    assert.match(second.stderr(), /Uploading media again\/b\.jpg to /);
    assert.match(second.stdout(), /2 data items now; 0 rows rejected/);
  });

  it('two different local files that plan to the same object name (../sib/a.jpg and sib/a.jpg) each keep their own object', async () => {
    mkdirSync(join(env.dir, 'proj', 'sib'), { recursive: true });
    mkdirSync(join(env.dir, 'sib'), { recursive: true });
    writeFileSync(join(env.dir, 'sib', 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xa1]));
    writeFileSync(join(env.dir, 'proj', 'sib', 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xb2]));
    const file = join(env.dir, 'proj', 'clash.jsonl');
    writeFileSync(file, [
      JSON.stringify({ imageGcsUri: '../sib/a.jpg', classificationAnnotation: { displayName: 'cat' } }),
      JSON.stringify({ imageGcsUri: 'sib/a.jpg', classificationAnnotation: { displayName: 'dog' } }),
      JSON.stringify({ imageGcsUri: './sib/a.jpg', classificationAnnotation: { displayName: 'dog' } }),
    ].join('\n') + '\n');
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'media-clash', '--upload-media', ...common], io), 0, io.stderr());
    const imported = [...(env.cloud.gcs.blobs.buckets.get('test-bucket')?.objects.values() ?? [])].find((o) => o.name.startsWith('run1/clash-'));
    const uris = (imported?.data.toString('utf8').trim().split('\n') ?? []).map((l) => JSON.parse(l).imageGcsUri as string);
    assert.equal(uris.length, 3);
    assert.notEqual(uris[0], uris[1], 'two different files, two objects');
    assert.equal(uris[1], uris[2], 'one file written two ways, one object');
    assert.deepEqual(env.cloud.gcs.blobs.getUri(uris[0]).object?.data, Buffer.from([0xff, 0xd8, 0xff, 0xa1]));
    assert.deepEqual(env.cloud.gcs.blobs.getUri(uris[1]).object?.data, Buffer.from([0xff, 0xd8, 0xff, 0xb2]));
    assert.equal(uris[0], 'gs://test-bucket/run1/media/sib/a.jpg', 'the first keeps the planned name');
    assert.match(uris[1], /^gs:\/\/test-bucket\/run1\/media\/sib\/a-[0-9a-f]{8}\.jpg$/);
  });

  it('names media that do not exist and uploads no import file, and none of the media that do', async () => {
    mkdirSync(join(env.dir, 'present'), { recursive: true });
    writeFileSync(join(env.dir, 'present', 'here.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x42]));
    const file = writeFile(env, 'missing-media.jsonl', [
      JSON.stringify({ imageGcsUri: 'present/here.jpg', classificationAnnotation: { displayName: 'dog' } }),
      JSON.stringify({ imageGcsUri: 'photos/nope.jpg', classificationAnnotation: { displayName: 'cat' } }),
    ]);
    const io = captureIo(env.dir);
    assert.equal(await run([file, '--dataset', 'media-missing', '--upload-media', ...common], io), 1);
    assert.match(io.stderr(), /upload failed: Not found: missing-media\.jsonl references media that do not exist next to it: line 2: photos\/nope\.jpg/);
    assert.equal(env.cloud.gcs.blobs.get('test-bucket', 'run1/media/present/here.jpg'), undefined, 'the media that exist were not uploaded either');
    assert.ok(![...(env.cloud.gcs.blobs.buckets.get('test-bucket')?.objects.keys() ?? [])].some((n) => n.startsWith('run1/missing-media-')));
  });
});
