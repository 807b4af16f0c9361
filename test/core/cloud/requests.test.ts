import { strict as assert } from 'node:assert';
import {
  buildCreateDatasetRequest, buildImportDataRequest, consoleUrl, fromProtoValue, gcsObjectUri, parseDatasetRef, toProtoValue, datasetDataType,
} from '../../../src/core/cloud/requests';
import { mapPartialFailures, formatDiagnosticLine } from '../../../src/core/cloud/partialFailures';
import { cloudErrorText, describeCloudError } from '../../../src/core/cloud/errors';
import { resolveProject } from '../../../src/cloud/connection';

describe('cloud request builders', () => {
  it('CreateDataset for image data sends only the metadata schema URI', () => {
    assert.deepEqual(buildCreateDatasetRequest({ project: 'p', location: 'us-central1', displayName: 'flowers', format: 'image-bounding-box', labels: { team: 'a' } }), {
      parent: 'projects/p/locations/us-central1',
      dataset: { displayName: 'flowers', metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/image_1.0.0.yaml', labels: { team: 'a' } },
    });
  });

  it('tabular datasets carry metadata.inputConfig (gcsSource uri list or bigquerySource uri)', () => {
    const gcs = buildCreateDatasetRequest({ project: 'p', location: 'l', displayName: 't', format: 'tabular', tabularSource: { gcsUris: ['gs://bkt/a.csv', 'gs://bkt/b.csv'] } });
    assert.deepEqual(fromProtoValue(gcs.dataset.metadata), { inputConfig: { gcsSource: { uri: ['gs://bkt/a.csv', 'gs://bkt/b.csv'] } } });
    const bq = buildCreateDatasetRequest({ project: 'p', location: 'l', displayName: 't', format: 'tabular', tabularSource: { bigqueryUri: 'bq://my-project.d.t' }, timeSeries: { timeSeriesIdentifierColumn: 'store', timeColumn: 'date' } });
    assert.equal(bq.dataset.metadataSchemaUri, 'gs://google-cloud-aiplatform/schema/dataset/metadata/time_series_1.0.0.yaml');
    assert.deepEqual(fromProtoValue(bq.dataset.metadata), { inputConfig: { bigquerySource: { uri: 'bq://my-project.d.t' } }, timeSeriesIdentifierColumn: 'store', timeColumn: 'date' });
    assert.throws(() => buildCreateDatasetRequest({ project: 'p', location: 'l', displayName: 't', format: 'tabular' }), /takes its data at creation/);
    assert.throws(() => buildCreateDatasetRequest({ project: 'p', location: 'l', displayName: 't', format: 'tabular', tabularSource: { bigqueryUri: 'p.d.t' } }), /bq:\/\/project\.dataset\.table/);
    assert.throws(() => buildCreateDatasetRequest({ project: 'p', location: 'l', displayName: 'x'.repeat(129), format: 'text-sentiment' }), /at most 128/);
  });

  it('ImportData uses the format importSchemaUri and optional labels', () => {
    assert.deepEqual(buildImportDataRequest({ datasetName: 'projects/p/locations/l/datasets/1', format: 'text-extraction', gcsUris: ['gs://bkt/x.jsonl'], annotationLabels: { 'aiplatform.googleapis.com/annotation_set_name': 'set' } }), {
      name: 'projects/p/locations/l/datasets/1',
      importConfigs: [{ gcsSource: { uris: ['gs://bkt/x.jsonl'] }, importSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/ioformat/text_extraction_io_format_1.0.0.yaml', annotationLabels: { 'aiplatform.googleapis.com/annotation_set_name': 'set' } }],
    });
    assert.throws(() => buildImportDataRequest({ datasetName: 'projects/p/locations/l/datasets/1', format: 'tabular', gcsUris: ['gs://bkt/x.csv'] }), /do not support ImportData/);
    assert.throws(() => buildImportDataRequest({ datasetName: '1', format: 'text-extraction', gcsUris: ['gs://bkt/x.jsonl'] }), /resource name/);
  });

  it('parses dataset references, gs:// destinations, console links and Value round trips', () => {
    assert.equal(parseDatasetRef('projects/p/locations/l/datasets/9').kind, 'name');
    assert.equal(parseDatasetRef('123').kind, 'id');
    assert.equal(parseDatasetRef('my pets').kind, 'displayName');
    assert.equal(gcsObjectUri('gs://bkt/pre/', 'f.jsonl'), 'gs://bkt/pre/f.jsonl');
    assert.equal(gcsObjectUri('gs://bucket', 'f.jsonl'), 'gs://bucket/f.jsonl');
    assert.throws(() => gcsObjectUri('s3://b', 'f'), /gs:\/\/bucket/);
    assert.equal(consoleUrl('projects/p/locations/europe-west4/datasets/9'), 'https://console.cloud.google.com/vertex-ai/locations/europe-west4/datasets/9/browse?project=p');
    const v = { a: [1, 'x', true, null, { b: 2 }] };
    assert.deepEqual(fromProtoValue(toProtoValue(v)), v);
    assert.equal(datasetDataType('gs://google-cloud-aiplatform/schema/dataset/metadata/video_1.0.0.yaml'), 'video');
  });
});

describe('partial failures to local lines', () => {
  const file = { gcsUri: 'gs://b/imports/pets-1.jsonl', path: 'data/pets.jsonl', lines: ['{"a":1}', '{"imageGcsUri":"x"}', '{"b":2}'] };
  const cases: { name: string; message: string; line: number; code: string }[] = [
    { name: 'line N of URI', message: 'Error at line 2 of gs://b/imports/pets-1.jsonl: bad uri.', line: 2, code: 'import.rowFailed' },
    { name: 'row N', message: 'Failed to import row 3 in gs://b/imports/pets-1.jsonl', line: 3, code: 'import.rowFailed' },
    { name: 'quoted row content', message: 'Invalid data item {"imageGcsUri":"x"} in gs://b/imports/pets-1.jsonl', line: 2, code: 'import.rowFailed' },
    { name: 'no row at all', message: 'Could not read gs://b/imports/pets-1.jsonl', line: 1, code: 'import.fileFailed' },
    { name: 'line beyond the file falls back', message: 'line 99 of gs://b/imports/pets-1.jsonl', line: 1, code: 'import.fileFailed' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [m] = mapPartialFailures([{ code: 3, message: c.message }], [file]);
      assert.equal(m.path, 'data/pets.jsonl');
      assert.equal(m.diagnostic.line, c.line);
      assert.equal(m.diagnostic.code, c.code);
      assert.equal(m.diagnostic.severity, 'error');
    });
  }
  it('formats CLI lines', () => {
    const [m] = mapPartialFailures([{ code: 3, message: 'Error at line 2 of gs://b/imports/pets-1.jsonl: bad uri.' }], [file]);
    assert.equal(formatDiagnosticLine(m.path, m.diagnostic), 'data/pets.jsonl:2:1: error import.rowFailed: Vertex AI rejected this row: bad uri.');
  });
});

describe('cloud error messages', () => {
  const cases: { name: string; err: object; service: 'vertex' | 'storage'; kind: string; says: RegExp }[] = [
    { name: 'no ADC', err: { message: 'Could not load the default credentials. Browse to ...' }, service: 'vertex', kind: 'noCredentials', says: /application-default login/ },
    { name: 'API disabled', err: { code: 7, details: 'Vertex AI API has not been used in project p before or it is disabled. (reason: SERVICE_DISABLED)' }, service: 'vertex', kind: 'apiDisabled', says: /gcloud services enable aiplatform\.googleapis\.com/ },
    { name: 'service agent', err: { code: 7, details: 'Vertex AI Service Agent service-1@gcp-sa-aiplatform.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage bucket b1.' }, service: 'vertex', kind: 'serviceAgentBucketAccess', says: /roles\/storage\.objectViewer/ },
    { name: 'quota', err: { code: 8, details: 'Quota exceeded' }, service: 'vertex', kind: 'quota', says: /quota/i },
    { name: 'unavailable', err: { code: 14, details: 'down' }, service: 'vertex', kind: 'unavailable', says: /retried with backoff/ },
    { name: 'storage 403', err: { code: 403, message: 'forbidden' }, service: 'storage', kind: 'permissionDenied', says: /roles\/storage\.objectAdmin/ },
    { name: 'storage 503', err: { code: 503, message: 'backend' }, service: 'storage', kind: 'unavailable', says: /Cloud Storage/ },
    // A resumable upload's failure: no `code`, the HTTP status and the service's JSON error body.
    { name: 'storage upload 403', err: { message: 'Request failed with status code 403', status: 403, response: { status: 403, data: { error: { code: 403, message: 'me does not have storage.objects.create access' } } } }, service: 'storage', kind: 'permissionDenied', says: /^Access to Cloud Storage was denied: me does not have storage\.objects\.create access .*roles\/storage\.objectAdmin/ },
    { name: 'storage upload 429', err: { message: 'Request failed with status code 429', response: { status: 429, data: { error: { message: 'rate limited' } } } }, service: 'storage', kind: 'quota', says: /rate limited/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const info = describeCloudError(c.err, { service: c.service, project: 'p' });
      assert.equal(info.kind, c.kind);
      assert.match(info.message, c.says);
    });
  }
});

describe('cloud error messages for a caller that retries by itself', () => {
  it('states an UNAVAILABLE outage once, without asking the user to try again; other errors keep their advice', () => {
    const unavailable = describeCloudError({ code: 14, details: 'down' }, { service: 'vertex', retriesItself: true });
    assert.equal(unavailable.kind, 'unavailable');
    assert.equal(unavailable.message, 'The Vertex AI service is temporarily unavailable (down).');
    const denied = describeCloudError({ code: 7, details: 'no' }, { service: 'vertex', project: 'p', retriesItself: true });
    assert.match(denied.message, /roles\/aiplatform\.user/);
  });

  it('a caller that offers its own retry (the Datasets view\'s Retry node) also gets the outage alone, to add how to retry', () => {
    assert.equal(describeCloudError({ code: 14, details: 'down' }, { service: 'vertex', retryOffered: true }).message, 'The Vertex AI service is temporarily unavailable (down).');
    assert.match(describeCloudError({ code: 14, details: 'down' }, { service: 'vertex' }).message, /try again in a minute\.$/);
  });
});

describe('cloud error text for commands', () => {
  it('describes SDK failures by their code (HTTP statuses as Cloud Storage) and leaves other errors alone', () => {
    assert.match(cloudErrorText({ code: 7, details: "Permission 'aiplatform.trainingPipelines.cancel' denied" }, { project: 'p' }) ?? '', /^Permission denied in project p: .*roles\/aiplatform\.user/);
    assert.match(cloudErrorText({ code: 403, message: 'me@x does not have storage.objects.create access' }) ?? '', /^Access to Cloud Storage was denied: .*roles\/storage\.objectAdmin/);
    assert.match(cloudErrorText(new Error('Could not load the default credentials. Browse to ...')) ?? '', /application-default login/);
    assert.equal(cloudErrorText(new Error('select a dataset in the Vertex AI Datasets view')), undefined);
    assert.equal(cloudErrorText(Object.assign(new Error('no such file'), { code: 'ENOENT' })), undefined);
    assert.equal(cloudErrorText(new Error('the quota of labels in this file is 5')), undefined, 'a word in a plain message does not make it a cloud error');
  });
});

describe('project resolution', () => {
  it('prefers the setting, then the environment', () => {
    assert.deepEqual(resolveProject('a', { GOOGLE_CLOUD_PROJECT: 'b' }), { project: 'a', source: 'setting' });
    assert.deepEqual(resolveProject(undefined, { GOOGLE_CLOUD_PROJECT: 'b', CLOUDSDK_CONFIG: '/nonexistent' }), { project: 'b', source: 'environment' });
    assert.equal(resolveProject(undefined, { CLOUDSDK_CONFIG: '/nonexistent' }), undefined);
  });
});
