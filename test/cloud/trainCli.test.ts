import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tempDir } from '../tempDirs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { startLocalCloud, LOCAL_PROJECT, LOCAL_BUCKET } from '../../src/localServers/localCloud';
import type { LocalCloud } from '../../src/localServers/localCloud';
import { Code, ManualClock } from '../../src/localServers/state';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(cwd: string, ...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(args, io);
  return { code, out, err };
}

const json = <T>(r: Run): T => JSON.parse(r.out) as T;

describe('CLI: train, label, version', () => {
  let dir: string;
  let cloud: LocalCloud;
  let clock: ManualClock;
  let conn: string[];
  let flowersId: string;

  before(async () => {
    dir = tempDir('vd-train-cli-');
    clock = new ManualClock();
    cloud = await startLocalCloud({ clock, operations: { defaultDuration: 0 } });
    conn = ['--endpoint', cloud.vertex.address, '--storage-endpoint', cloud.gcs.endpoint, '--project', LOCAL_PROJECT, '--region', cloud.region];
    flowersId = [...cloud.vertex.datasets.datasets.values()].find((d) => d.displayName === 'flowers')!.id;
  });
  after(() => cloud?.stop());

  it('train create --dry-run prints the exact tabular request with defaults from a column profile', async () => {
    writeFileSync(
      join(dir, 'profile.json'),
      JSON.stringify([
        { name: 'age', inferredType: 'numeric', nulls: 0, distinct: 60 },
        { name: 'plan', inferredType: 'categorical', nulls: 0, distinct: 4 },
        { name: 'churned', inferredType: 'boolean', nulls: 0, distinct: 2 },
        { name: 'fold', inferredType: 'categorical', nulls: 0, distinct: 3 },
      ]),
    );
    const r = await cli(dir, 'train', 'create', 'tabular-classification', '--dataset', '42', '--project', 'p1', '--display-name', 'churn', '--target', 'churned', '--profile', 'profile.json',
      '--split', 'stratified:fold:0.7,0.15,0.15', '--objective-metric', 'maximize-recall-at-precision', '--precision', '0.9', '--budget', '3', '--dry-run', '--output', 'json');
    assert.equal(r.code, 0, r.err);
    const { request, estimate } = json<{ request: unknown; estimate: { maxUsd: number; estimate: boolean } }>(r);
    assert.deepEqual(request, {
      parent: 'projects/p1/locations/us-central1',
      trainingPipeline: {
        displayName: 'churn',
        trainingTaskDefinition: 'gs://google-cloud-aiplatform/schema/trainingjob/definition/automl_tabular_1.0.0.yaml',
        trainingTaskInputs: {
          predictionType: 'classification',
          targetColumn: 'churned',
          transformations: [{ numeric: { columnName: 'age' } }, { categorical: { columnName: 'plan' } }],
          optimizationObjective: 'maximize-recall-at-precision',
          optimizationObjectivePrecisionValue: 0.9,
          trainBudgetMilliNodeHours: 3000,
          disableEarlyStopping: false,
        },
        inputDataConfig: { datasetId: '42', stratifiedSplit: { trainingFraction: 0.7, validationFraction: 0.15, testFraction: 0.15, key: 'fold' } },
        modelToUpload: { displayName: 'churn' },
      },
    });
    assert.deepEqual([estimate.estimate, estimate.maxUsd], [true, 57.96]);
  });

  it('train create --source profiles the CSV and defaults forecasting transformations from it', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `2024-01-${String(1 + (i % 28)).padStart(2, '0')},store${i % 3},${100 + i},${i % 2 ? 'true' : 'false'}`);
    writeFileSync(join(dir, 'sales.csv'), ['date,store,sales,promo', ...rows].join('\n'));
    const r = await cli(dir, 'train', 'create', 'forecasting', '--dataset', '7', '--project', 'p1', '--display-name', 'sales', '--source', 'sales.csv', '--target', 'sales', '--time-column', 'date',
      '--series-column', 'store', '--granularity', 'day', '--horizon', '14', '--budget', '2', '--dry-run', '--output', 'json');
    assert.equal(r.code, 0, r.err);
    const inputs = json<{ request: { trainingPipeline: { trainingTaskInputs: Record<string, unknown> } } }>(r).request.trainingPipeline.trainingTaskInputs;
    assert.deepEqual(inputs, {
      targetColumn: 'sales', timeSeriesIdentifierColumn: 'store', timeColumn: 'date',
      transformations: [{ timestamp: { columnName: 'date' } }, { categorical: { columnName: 'promo' } }],
      optimizationObjective: 'minimize-rmse', trainBudgetMilliNodeHours: 2000, dataGranularity: { unit: 'day', quantity: 1 }, forecastHorizon: 14,
    });
    const missing = await cli(dir, 'train', 'create', 'forecasting', '--dataset', '7', '--project', 'p1', '--source', 'sales.csv', '--target', 'revenue', '--time-column', 'date', '--series-column', 'store', '--granularity', 'day', '--horizon', '14', '--dry-run');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /The target column 'revenue' is not a column of the source; columns are: date, store, sales, promo\./);
  });

  it('train create refuses invalid options with exit 2 and says why', async () => {
    const text = await cli(dir, 'train', 'create', 'text-sentiment', '--dataset', '1', '--project', 'p', '--dry-run');
    assert.equal(text.code, 2);
    assert.match(text.err, /AutoML text training was discontinued on 15 September 2024/);
    const budget = await cli(dir, 'train', 'create', 'image-object-detection', '--dataset', '1', '--project', 'p', '--budget', '5', '--dry-run');
    assert.equal(budget.code, 2);
    assert.match(budget.err, /trainingTaskInputs.budgetMilliNodeHours: The budget must be 20 to 900 node hours/);
    const split = await cli(dir, 'train', 'create', 'image-object-detection', '--dataset', '1', '--project', 'p', '--split', 'random', '--dry-run');
    assert.deepEqual([split.code, /--split must start with fraction/.test(split.err)], [2, true]);
    const sub = await cli(dir, 'train', 'launch');
    assert.equal(sub.code, 2);
  });

  it('train create, get, list, cancel and delete against the local server', async () => {
    const created = await cli(dir, 'train', 'create', 'image-classification-single-label', '--dataset', 'flowers', '--display-name', 'cli-run', ...conn, '--output', 'json');
    assert.equal(created.code, 0, created.err);
    const p = json<{ pipeline: { name: string; state: string; datasetId: string } }>(created).pipeline;
    assert.deepEqual([p.state, p.datasetId], ['QUEUED', flowersId]);
    clock.advance(700);
    const got = await cli(dir, 'train', 'get', p.name.split('/').pop()!, ...conn);
    assert.equal(got.code, 0, got.err);
    assert.match(got.out, /state: RUNNING\n  objective: image-classification-single-label\n  budget: 192 node h\n  elapsed: \S+\n$/);
    const list = await cli(dir, 'train', 'list', ...conn, '--output', 'json');
    assert.ok(json<{ name: string }[]>(list).some((x) => x.name === p.name));
    const cancel = await cli(dir, 'train', 'cancel', p.name, ...conn);
    assert.match(cancel.out, /is CANCELLING\.$/m);
    clock.advance(1000);
    const after = await cli(dir, 'train', 'get', p.name, ...conn, '--output', 'json');
    assert.equal(json<{ state: string }>(after).state, 'CANCELLED');
    const del = await cli(dir, 'train', 'delete', p.name, ...conn);
    assert.equal(del.code, 0, del.err);
    const gone = await cli(dir, 'train', 'get', p.name, ...conn);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /not found/i);
  });

  it('train evaluations and export of a mobile model', async () => {
    const created = await cli(dir, 'train', 'create', 'image-classification-multi-label', '--dataset', flowersId, '--model-type', 'MOBILE_TF_LOW_LATENCY_1', '--budget', '2', ...conn, '--output', 'json');
    const p = json<{ pipeline: { name: string } }>(created).pipeline;
    clock.advance(5000);
    const done = json<{ state: string; modelName: string }>(await cli(dir, 'train', 'get', p.name, ...conn, '--output', 'json'));
    assert.equal(done.state, 'SUCCEEDED');
    const evals = await cli(dir, 'train', 'evaluations', done.modelName, ...conn);
    assert.equal(evals.code, 0, evals.err);
    assert.match(evals.out, /classification_metrics_1\.0\.0\.yaml\)\n  auPrc: 0\.\d+\n  auRoc: 0\.\d+\n  logLoss: /);
    assert.equal((evals.out.match(/^  (daisy|dandelion|roses|sunflowers|tulips): precision [\d.]+ recall [\d.]+ F1 [\d.]+$/gm) ?? []).length, 5);
    // Each label's figures are the server's at the 0.5 threshold (the console's), not the list's first entry (threshold 0).
    type Cm = { confidenceThreshold: number; precision: number; recall: number; f1Score: number };
    const [evaluation] = json<{ slices: { value: string; metrics: { confidenceMetrics: Cm[] } }[] }[]>(await cli(dir, 'train', 'evaluations', done.modelName, ...conn, '--output', 'json'));
    for (const s of evaluation.slices) {
      assert.ok(s.metrics.confidenceMetrics.length > 1 && s.metrics.confidenceMetrics[0].confidenceThreshold === 0);
      const half = s.metrics.confidenceMetrics.find((c) => c.confidenceThreshold === 0.5)!;
      assert.ok(evals.out.includes(`\n  ${s.value}: precision ${half.precision} recall ${half.recall} F1 ${half.f1Score}\n`), `${s.value} at 0.5 in:\n${evals.out}`);
    }
    const bad = await cli(dir, 'train', 'export', done.modelName, '--format', 'custom-trained', '--to', `gs://${LOCAL_BUCKET}/exports`, ...conn);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /does not support export format "custom-trained"; it supports: tflite \(ARTIFACT\), edgetpu-tflite \(ARTIFACT\), tf-saved-model \(ARTIFACT\), tf-js \(ARTIFACT\), core-ml \(ARTIFACT\)/);
    // A container image destination for a format that exports files: refused before any request, saying what fits.
    const image = await cli(dir, 'train', 'export', done.modelName, '--format', 'tflite', '--to', `us-docker.pkg.dev/${LOCAL_PROJECT}/models/flowers`, ...conn);
    assert.equal(image.code, 2);
    assert.match(image.err, /export format "tflite" exports files \(ARTIFACT\), not a container image: give a Cloud Storage folder \(gs:\/\/BUCKET\/PREFIX\)/);
    const noImageFormat = await cli(dir, 'train', 'export', done.modelName, '--to', `gcr.io/${LOCAL_PROJECT}/flowers`, ...conn);
    assert.equal(noImageFormat.code, 2);
    assert.match(noImageFormat.err, /has no export format that exports a container image; its formats: tflite \(ARTIFACT\).* Give --to gs:\/\/BUCKET\/PREFIX/);
    const ok = await cli(dir, 'train', 'export', done.modelName, '--format', 'core-ml', '--to', `gs://${LOCAL_BUCKET}/exports`, ...conn, '--output', 'json');
    assert.equal(ok.code, 0, ok.err);
    const { outputUri } = json<{ outputUri: string }>(ok);
    assert.ok(cloud.gcs.blobs.getUri(`${outputUri}/model.mlmodel`).object, 'artifact written');
  });

  it('train export to a container image: Artifact Registry or Container Registry for formats that export an image (IMAGE), with clear errors otherwise', async () => {
    const store = cloud.training();
    const both = store.addModel(LOCAL_PROJECT, cloud.region, 'churn-custom');
    const imageOnly = store.addModel(LOCAL_PROJECT, cloud.region, 'churn-image', [{ id: 'tf-saved-model', exportableContents: ['ARTIFACT'] }, { id: 'custom-trained', exportableContents: ['IMAGE'] }]);
    const name = (m: { id: string }) => `projects/${LOCAL_PROJECT}/locations/${cloud.region}/models/${m.id}`;
    const ar = `us-docker.pkg.dev/${LOCAL_PROJECT}/models/churn`;
    const toAr = await cli(dir, 'train', 'export', both.id, '--format', 'custom-trained', '--to', ar, ...conn, '--output', 'json');
    assert.equal(toAr.code, 0, toAr.err);
    assert.deepEqual(json(toAr), { model: name(both), format: 'custom-trained', destination: 'image', outputUri: `${ar}:latest` });
    assert.equal(store.images.get(`${ar}:latest`), name(both), 'the image was exported under the default tag');
    // Without --format: the model's first format that exports an image; a tag is kept.
    const gcr = await cli(dir, 'train', 'export', imageOnly.id, '--to', `gcr.io/${LOCAL_PROJECT}/churn:v2`, ...conn);
    assert.equal(gcr.code, 0, gcr.err);
    assert.equal(gcr.out, `Exported ${name(imageOnly)} as custom-trained to gcr.io/${LOCAL_PROJECT}/churn:v2\n`);
    assert.equal(store.images.get(`gcr.io/${LOCAL_PROJECT}/churn:v2`), name(imageOnly));
    // The same format with a Cloud Storage folder, where it exports only an image.
    const toGcs = await cli(dir, 'train', 'export', imageOnly.id, '--format', 'custom-trained', '--to', `gs://${LOCAL_BUCKET}/exports`, ...conn);
    assert.equal(toGcs.code, 2);
    assert.match(toGcs.err, /export format "custom-trained" exports a container image \(IMAGE\), not files: give an image URI \(LOCATION-docker\.pkg\.dev\/PROJECT\/REPOSITORY\/IMAGE\[:TAG\] or gcr\.io\/PROJECT\/IMAGE\[:TAG\]\)/);
    // A format exporting both takes a folder too; without --format a folder picks the first that exports files.
    const files = await cli(dir, 'train', 'export', imageOnly.id, '--to', `gs://${LOCAL_BUCKET}/exports`, ...conn, '--output', 'json');
    assert.equal(files.code, 0, files.err);
    assert.equal(json<{ format: string }>(files).format, 'tf-saved-model');
    const bothToGcs = await cli(dir, 'train', 'export', both.id, '--format', 'custom-trained', '--to', `gs://${LOCAL_BUCKET}/exports`, ...conn, '--output', 'json');
    assert.equal(bothToGcs.code, 0, bothToGcs.err);
    assert.match(json<{ outputUri: string }>(bothToGcs).outputUri, new RegExp(`^gs://${LOCAL_BUCKET}/exports/model-${both.id}/custom-trained/`));
    // Destinations that are neither.
    for (const [to, says] of [
      ['docker.io/me/churn', /--to: the export destination "docker\.io\/me\/churn" is neither a Cloud Storage folder .* nor a container image/],
      [`us-docker.pkg.dev/${LOCAL_PROJECT}`, /--to: "us-docker\.pkg\.dev\/[^"]+" is not a container image URI Vertex AI can export to/],
    ] as const) {
      const r = await cli(dir, 'train', 'export', both.id, '--to', to, ...conn);
      assert.equal(r.code, 2, to);
      assert.match(r.err, says);
    }
  });

  it('train evaluations prints object detection labels readably: mean average precision and the figures at 0.5, not JSON', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({
      imageGcsUri: `gs://${LOCAL_BUCKET}/boxes/${i}.jpg`,
      boundingBoxAnnotations: [{ displayName: i % 2 ? 'car' : 'bike', xMin: 0.1, xMax: 0.5, yMin: 0.2, yMax: 0.6 }],
    }));
    writeFileSync(join(dir, 'boxes.jsonl'), rows.join('\n') + '\n');
    const imported = await cli(dir, 'import', 'boxes.jsonl', '--dataset', 'boxes', '--bucket', `gs://${LOCAL_BUCKET}/imports`, ...conn);
    assert.equal(imported.code, 0, imported.err);
    const created = await cli(dir, 'train', 'create', 'image-object-detection', '--dataset', 'boxes', '--budget', '20', ...conn, '--output', 'json');
    assert.equal(created.code, 0, created.err);
    const p = json<{ pipeline: { name: string } }>(created).pipeline;
    clock.advance(5000);
    const done = json<{ state: string; modelName: string; error?: { message: string } }>(await cli(dir, 'train', 'get', p.name, ...conn, '--output', 'json'));
    assert.equal(done.state, 'SUCCEEDED', done.error?.message);
    const evals = await cli(dir, 'train', 'evaluations', done.modelName, ...conn);
    assert.equal(evals.code, 0, evals.err);
    assert.match(evals.out, /image_object_detection_metrics_1\.0\.0\.yaml\)\n  boundingBoxMeanAveragePrecision: 0\.\d+\n/);
    const labels = evals.out.match(/^  (bike|car): .*$/gm) ?? [];
    assert.equal(labels.length, 2, evals.out);
    for (const l of labels) assert.match(l, /^  (bike|car): mean average precision 0\.\d+; precision [\d.]+ recall [\d.]+ F1 [\d.]+ at confidence 0\.5 \(IoU 0\.5\)$/);
    assert.doesNotMatch(evals.out, /[{}]/, 'no raw JSON');
  });

  it('train create --wait follows a pipeline to the end in local mode', async () => {
    const r = await cli(dir, 'train', 'create', 'image-classification-single-label', '--dataset', 'flowers', '--endpoint', 'local', '--wait', '--poll-ms', '50');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /QUEUED\n(  PENDING\n)?(  RUNNING\n)?  SUCCEEDED\n$/);
    assert.match(r.out, /state: SUCCEEDED[\s\S]*model: projects\/local-project\/locations\/us-central1\/models\/\d+/);
  });

  it('train, label and version reads ride out a passing UNAVAILABLE; a create is not retried and says so', async () => {
    const faults = cloud.vertex.ctx.faults;
    try {
      for (const [method, args] of [
        ['ListTrainingPipelines', ['train', 'list']],
        ['ListDataLabelingJobs', ['label', 'list']],
        ['ListSpecialistPools', ['label', 'pools']],
        ['ListDatasetVersions', ['version', 'list', flowersId]],
      ] as const) {
        faults.fired.length = 0;
        faults.inject({ method, code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', times: 1 });
        const r = await cli(dir, ...args, ...conn);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
        assert.deepEqual(faults.fired, [method]);
      }
      faults.fired.length = 0;
      faults.inject({ method: 'CreateTrainingPipeline', code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', times: 1 });
      const created = await cli(dir, 'train', 'create', 'image-classification-single-label', '--dataset', flowersId, ...conn);
      assert.equal(created.code, 1);
      assert.deepEqual(faults.fired, ['CreateTrainingPipeline'], 'a create is sent once');
      assert.doesNotMatch(created.err, /retried with backoff/);
      assert.match(created.err, /temporarily unavailable \(.*\)\. The request was not retried, because it may have reached Vertex AI .*check whether it took effect/);
    } finally {
      faults.clear();
      faults.fired.length = 0;
    }
  });

  it('train create --wait interrupted with Ctrl-C says the pipeline keeps running and how to follow or cancel it, and leaves it running', async function () {
    this.timeout(60_000);
    const args = ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'cli', 'bin.ts'), 'train', 'create', 'image-classification-single-label', '--dataset', flowersId,
      '--display-name', 'interrupted', '--wait', '--poll-ms', '20', ...conn];
    // Run from the repository, where tsx resolves. The manual clock keeps the pipeline from ending.
    const child = spawn(process.execPath, args, { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => void (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (/^  [A-Z_]+\n/m.test(err) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, err);
    const launched = /^Launched (projects\/\S+\/trainingPipelines\/(\d+))$/m.exec(out);
    assert.ok(launched, out);
    assert.match(err, new RegExp(`interrupted; stopped following ${launched[1]}, which keeps running in Vertex AI \\(last seen [A-Z_]+\\)\\. `
      + `Follow it with \`vertex-datasets train get ${launched[2]}\`, or stop it with \`vertex-datasets train cancel ${launched[2]}\`\\.\n$`));
    const stored = cloud.training().pipelines.get(launched[1]);
    assert.ok(stored, 'the pipeline exists on the server');
    assert.equal(stored.cancelRequested, undefined, 'Ctrl-C does not cancel the pipeline');
  });

  it('train create --wait keeps following through a passing outage longer than the retries', async () => {
    const faults = cloud.vertex.ctx.faults;
    faults.fired.length = 0;
    faults.inject({ method: 'GetTrainingPipeline', code: Code.UNAVAILABLE, message: 'The service is currently unavailable.', times: 6 });
    try {
      const run = cli(dir, 'train', 'create', 'image-classification-single-label', '--dataset', flowersId, '--wait', '--poll-ms', '10', ...conn);
      // Let the pipeline finish only once every injected failure was seen.
      const deadline = Date.now() + 20_000;
      while (faults.fired.length < 6 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      clock.advance(10_000);
      const r = await run;
      assert.equal(r.code, 0, r.err);
      assert.equal(faults.fired.length, 6);
      assert.match(r.err, /could not read the pipeline's state \(.*currently unavailable.*\); still waiting\n/);
      assert.match(r.out, /state: SUCCEEDED/);
    } finally {
      faults.clear();
      faults.fired.length = 0;
    }
  });

  it('a malformed region or a missing project is a usage problem (exit 2) named before anything is called', async () => {
    const at = conn.indexOf('--region');
    for (const region of ['uscentral1', 'US-CENTRAL1', 'us-central']) {
      const withRegion = [...conn.slice(0, at), '--region', region];
      for (const args of [['train', 'list'], ['label', 'list'], ['version', 'list', flowersId]]) {
        const r = await cli(dir, ...args, ...withRegion);
        assert.equal(r.code, 2, `${args.join(' ')} --region ${region}: ${r.err}`);
        assert.match(r.err, new RegExp(`"${region}" is not a Vertex AI region: expected a location such as us-central1 or europe-west4 \\(lowercase\\)\\. Set vertexDatasets\\.region \\(or pass --region\\)\\.`));
      }
    }
    writeFileSync(join(dir, 'region.jsonl'), JSON.stringify({ imageGcsUri: `gs://${LOCAL_BUCKET}/a.jpg`, classificationAnnotation: { displayName: 'a' } }) + '\n');
    const imported = await cli(dir, 'import', 'region.jsonl', '--dataset', 'region-test', '--bucket', `gs://${LOCAL_BUCKET}`, ...conn.slice(0, at), '--region', 'uscentral1');
    assert.equal(imported.code, 2, imported.err);
    assert.match(imported.err, /"uscentral1" is not a Vertex AI region/);
    const saved = { ...process.env };
    try {
      for (const k of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CLOUDSDK_CORE_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS']) delete process.env[k];
      process.env.CLOUDSDK_CONFIG = join(dir, 'no-gcloud');
      const noProject = conn.filter((_, i) => i !== conn.indexOf('--project') && i !== conn.indexOf('--project') + 1);
      for (const args of [['train', 'list'], ['label', 'pools'], ['version', 'list', flowersId]]) {
        const r = await cli(dir, ...args, ...noProject);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
        assert.match(r.err, /No Google Cloud project is set/);
      }
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('DATASET and --specialist-pool take display names, as their help says', async () => {
    for (const [command, said] of [
      ['train', /--dataset ID\|NAME\s+dataset id, resource name or display name \(required\)/],
      ['version', /DATASET is a dataset id, resource name or display name;/],
      ['label', /--dataset ID\|NAME[\s\S]*--specialist-pool ID\|NAME\s+specialist pool id, resource name or display name \(repeatable\)/],
    ] as const) assert.match((await cli(dir, command, '--help')).out, said);
    const versions = await cli(dir, 'version', 'list', 'flowers', ...conn);
    assert.equal(versions.code, 0, versions.err);
    assert.match(versions.out, /baseline/);
    const [pool] = json<{ name: string; displayName: string }[]>(await cli(dir, 'label', 'pools', ...conn, '--output', 'json'));
    const pdf = `gs://${LOCAL_BUCKET}/docs/pool-guide.pdf`;
    cloud.gcs.blobs.put(LOCAL_BUCKET, 'docs/pool-guide.pdf', Buffer.from('%PDF-1.4\n'), 'application/pdf');
    const create = (poolRef: string) => cli(dir, 'label', 'create', '--dataset', 'flowers', '--task', 'image-classification', '--labels', 'daisy,roses', '--instructions', pdf, '--specialist-pool', poolRef, ...conn, '--output', 'json');
    const created = await create(pool.displayName);
    assert.equal(created.code, 0, created.err);
    const { job } = json<{ job: { name: string; specialistPools: string[] } }>(created);
    assert.deepEqual(job.specialistPools, [pool.name], 'the display name was looked up, not taken for an id');
    const unknown = await create('no-such-pool');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no specialist pool has the id or display name "no-such-pool" in projects\/\S+; `vertex-datasets label pools` lists them/);
    assert.equal((await cli(dir, 'label', 'cancel', job.name, ...conn)).code, 0);
    clock.advance(500);
    assert.equal((await cli(dir, 'label', 'delete', job.name, ...conn)).code, 0);
  });

  it('label pools, create with a local PDF uploaded to the bucket, list, cancel, delete', async () => {
    const pools = await cli(dir, 'label', 'pools', ...conn, '--output', 'json');
    const [pool] = json<{ name: string; displayName: string }[]>(pools);
    assert.equal(pool.displayName, 'medical-imaging-specialists');
    writeFileSync(join(dir, 'guide.pdf'), '%PDF-1.4\nlabel the flowers\n');
    // A different file where the PDF's plain name would go: the dry run and the real create must still name the same object.
    cloud.gcs.blobs.put(LOCAL_BUCKET, 'docs/labeling-instructions/guide.pdf', Buffer.from('%PDF-1.4\nsomeone else\n'), 'application/pdf');
    const uploadedTo = `gs://${LOCAL_BUCKET}/docs/labeling-instructions/guide-8b17504d.pdf`;
    const dry = await cli(dir, 'label', 'create', '--dataset', flowersId, '--task', 'image-classification', '--labels', 'daisy,roses', '--instructions', 'guide.pdf', '--bucket', `gs://${LOCAL_BUCKET}/docs`,
      '--labelers', '3', '--specialist-pool', pool.name.split('/').pop()!, '--max-percent', '50', '--items', '60', ...conn, '--dry-run', '--output', 'json');
    assert.equal(dry.code, 0, dry.err);
    const d = json<{ request: { dataLabelingJob: Record<string, unknown> }; estimate: { lowUsd: number; highUsd: number } }>(dry);
    assert.equal(d.request.dataLabelingJob.instructionUri, uploadedTo);
    assert.deepEqual(d.request.dataLabelingJob.specialistPools, [pool.name]);
    assert.deepEqual(d.request.dataLabelingJob.activeLearningConfig, { maxDataItemPercentage: 50 });
    // 30 images × $0.05–$0.08 × 1.5 (3 labelers) × 2–10 (specialists)
    assert.deepEqual([d.estimate.lowUsd, d.estimate.highUsd], [4.5, 36]);
    const created = await cli(dir, 'label', 'create', '--dataset', 'flowers', '--task', 'image-classification', '--labels', 'daisy,roses', '--instructions', 'guide.pdf', '--bucket', `gs://${LOCAL_BUCKET}/docs`, '--labelers', '3', ...conn);
    assert.equal(created.code, 0, created.err);
    assert.ok(created.err.includes(`guide.pdf to ${uploadedTo}\n`), created.err);
    assert.doesNotMatch(created.err, /holds a different file/);
    assert.match(created.out, /state: PENDING\n  progress: 0%\n  current spend: \$0\.00 USD\n  labelers per item: 3/);
    assert.match(created.out, /Estimated labeling cost: \$4\.50–\$7\.20 \(60 images × \$0\.05–\$0\.08, 3 labelers \(\+50%\)\)\./);
    assert.equal(cloud.gcs.blobs.getUri(uploadedTo).object?.data.toString(), '%PDF-1.4\nlabel the flowers\n');
    assert.equal(cloud.gcs.blobs.getUri(`gs://${LOCAL_BUCKET}/docs/labeling-instructions/guide.pdf`).object?.data.toString(), '%PDF-1.4\nsomeone else\n', 'the other file is untouched');
    const id = /Created (\S+)/.exec(created.out)![1];
    // 1.5 s of the local 3 s labeling run: half of the 60 items × 3 labelers × $0.065.
    clock.advance(1800);
    const list = await cli(dir, 'label', 'list', ...conn);
    assert.match(list.out, new RegExp(`${id.split('/').pop()}  RUNNING\\s+50%\\s+\\$\\s+5\\.85  3 labelers`));
    assert.equal((await cli(dir, 'label', 'cancel', id, ...conn)).code, 0);
    clock.advance(500);
    assert.equal(json<{ state: string }>(await cli(dir, 'label', 'get', id, ...conn, '--output', 'json')).state, 'CANCELLED');
    assert.equal((await cli(dir, 'label', 'delete', id, ...conn)).code, 0);
    const badPdf = await cli(dir, 'label', 'create', '--dataset', 'flowers', '--task', 'image-classification', '--labels', 'a', '--instructions', 'profile.json', '--bucket', `gs://${LOCAL_BUCKET}`, ...conn);
    assert.deepEqual([badPdf.code, /is not a PDF file/.test(badPdf.err)], [2, true]);
    const refused = await cli(dir, 'label', 'create', '--dataset', 'product-reviews', '--task', 'image-classification', '--labels', 'a', '--instructions', `gs://${LOCAL_BUCKET}/docs/labeling-instructions/guide.pdf`, ...conn);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /holds text data/);
  });

  it('label create --dry-run stays offline: dataset and pool display names are not looked up, and notes (stderr and JSON) say so', async () => {
    // Nothing listens on port 9: any call would fail.
    const dry = await cli(dir, 'label', 'create', '--dataset', 'flowers', '--task', 'image-classification', '--labels', 'a,b', '--instructions', `gs://${LOCAL_BUCKET}/docs/pool-guide.pdf`,
      '--specialist-pool', 'medical-imaging-specialists', '--specialist-pool', '123', '--project', 'p', '--endpoint', '127.0.0.1:9', '--dry-run', '--output', 'json');
    assert.equal(dry.code, 0, dry.err);
    const { request, warnings } = json<{ request: { dataLabelingJob: { datasets: string[]; specialistPools: string[] } }; warnings: string[] }>(dry);
    assert.deepEqual(request.dataLabelingJob.datasets, ['projects/p/locations/us-central1/datasets/flowers']);
    assert.deepEqual(request.dataLabelingJob.specialistPools, ['projects/p/locations/us-central1/specialistPools/medical-imaging-specialists', 'projects/p/locations/us-central1/specialistPools/123']);
    assert.deepEqual(warnings, [
      '"flowers" is not a numeric dataset id; without --dry-run it is looked up by display name.',
      '"medical-imaging-specialists" is not a numeric specialist pool id; without --dry-run it is looked up by display name.',
    ]);
    for (const w of warnings) assert.ok(dry.err.includes(`vertex-datasets label create: note: ${w}\n`), dry.err);
  });

  it('label create never replaces an instructions PDF another job may use, and does not upload the same PDF again', async () => {
    const at = `gs://${LOCAL_BUCKET}/keep/labeling-instructions/rules-f14ccb3f.pdf`;
    const create = async () => {
      const r = await cli(dir, 'label', 'create', '--dataset', flowersId, '--task', 'image-classification', '--labels', 'daisy,roses', '--instructions', 'rules.pdf', '--bucket', `gs://${LOCAL_BUCKET}/keep`, ...conn, '--output', 'json');
      assert.equal(r.code, 0, r.err);
      return json<{ job: { name: string; instructionUri: string } }>(r).job;
    };
    writeFileSync(join(dir, 'rules.pdf'), '%PDF-1.4\nfirst rules\n');
    const first = await create();
    assert.equal(first.instructionUri, at);
    const generation = cloud.gcs.blobs.getUri(at).object?.generation;
    const again = await create();
    assert.equal(again.instructionUri, at);
    assert.equal(cloud.gcs.blobs.getUri(at).object?.generation, generation, 'the same PDF was not uploaded again');
    writeFileSync(join(dir, 'rules.pdf'), '%PDF-1.4\nnew rules\n');
    const second = await create();
    assert.equal(second.instructionUri, `gs://${LOCAL_BUCKET}/keep/labeling-instructions/rules-8967015e.pdf`);
    assert.equal(cloud.gcs.blobs.getUri(at).object?.data.toString(), '%PDF-1.4\nfirst rules\n', "the first job's instructions are untouched");
    assert.equal(cloud.gcs.blobs.getUri(second.instructionUri).object?.data.toString(), '%PDF-1.4\nnew rules\n');
    for (const j of [first, again, second]) await cli(dir, 'label', 'cancel', j.name, ...conn);
  });

  it('label create: a Cloud Storage refusal of the instructions upload gets Cloud Storage advice, not Vertex AI advice', async () => {
    writeFileSync(join(dir, 'denied.pdf'), '%PDF-1.4\nlabel the flowers\n');
    cloud.gcs.faults.inject({ method: 'gcs.upload', code: Code.PERMISSION_DENIED, message: 'me@example.com does not have storage.objects.create access to the Google Cloud Storage object.', times: Infinity });
    try {
      const r = await cli(dir, 'label', 'create', '--dataset', flowersId, '--task', 'image-classification', '--labels', 'daisy,roses', '--instructions', 'denied.pdf', '--bucket', `gs://${LOCAL_BUCKET}/docs`, ...conn);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /Access to Cloud Storage was denied: .*storage\.objects\.create.* roles\/storage\.objectAdmin/);
      assert.doesNotMatch(r.err, /aiplatform\.user/);
    } finally {
      cloud.gcs.faults.clear();
    }
  });

  it('version create, list, restore (restore asks for --yes)', async () => {
    const created = await cli(dir, 'version', 'create', 'flowers', '--description', 'before cleanup', ...conn, '--output', 'json');
    assert.equal(created.code, 0, created.err);
    const v = json<{ id: string; displayName: string }>(created);
    assert.equal(v.displayName, 'before cleanup');
    const list = await cli(dir, 'version', 'list', 'flowers', ...conn);
    assert.match(list.out, new RegExp(`^${v.id}  \\S+  before cleanup$`, 'm'));
    assert.match(list.out, /baseline/);
    const noYes = await cli(dir, 'version', 'restore', 'flowers', v.id, ...conn);
    assert.equal(noYes.code, 2);
    assert.match(noYes.err, /pass --yes to confirm/);
    const restored = await cli(dir, 'version', 'restore', 'flowers', v.id, '--yes', ...conn);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, new RegExp(`Restored projects/local-project/locations/us-central1/datasets/${flowersId} to version ${v.id} "before cleanup"\\.`));
    const missing = await cli(dir, 'version', 'list', 'no-such-dataset', ...conn);
    assert.deepEqual([missing.code, /no dataset has the id or display name "no-such-dataset"/.test(missing.err)], [2, true]);
  });
});
