import { strict as assert } from 'node:assert';
import { defaultExportFormat, exportDestinationProblem, parseExportDestination } from '../../../src/core/training/export';

describe('model export destinations (ExportModelRequest.OutputConfig: artifact_destination or image_destination)', () => {
  it('reads gs:// folders as artifact destinations and Artifact Registry / Container Registry URIs as image destinations', () => {
    assert.deepEqual(parseExportDestination('gs://bucket/exports'), { kind: 'artifact', outputUriPrefix: 'gs://bucket/exports' });
    for (const uri of ['us-docker.pkg.dev/my-proj/repo/model', 'europe-west4-docker.pkg.dev/p/r/team/model:v1', 'gcr.io/my-proj/model', 'eu.gcr.io/my-proj/model:2024-01', 'gcr.io/example.com:proj/model']) {
      assert.deepEqual(parseExportDestination(uri), { kind: 'image', imageUri: uri }, uri);
    }
    assert.match((parseExportDestination('us-docker.pkg.dev/my-proj/repo') as { error: string }).error, /is not a container image URI Vertex AI can export to/);
    assert.match((parseExportDestination('gcr.io/My-Proj/Model') as { error: string }).error, /lower-case names/);
    assert.match((parseExportDestination('docker.io/me/model') as { error: string }).error, /neither a Cloud Storage folder \(gs:\/\/BUCKET\/PREFIX.*nor a container image/);
    assert.match((parseExportDestination('/tmp/out') as { error: string }).error, /neither/);
  });

  it('a destination must fit the format\'s exportable contents; without a format, the first that fits', () => {
    const tflite = { id: 'tflite', exportableContents: ['ARTIFACT'] };
    const image = { id: 'custom-trained', exportableContents: ['IMAGE'] };
    const both = { id: 'custom-trained', exportableContents: ['ARTIFACT', 'IMAGE'] };
    const gcs = { kind: 'artifact', outputUriPrefix: 'gs://b/x' } as const;
    const ar = { kind: 'image', imageUri: 'us-docker.pkg.dev/p/r/m' } as const;
    assert.equal(exportDestinationProblem(tflite, gcs), undefined);
    assert.match(exportDestinationProblem(tflite, ar) ?? '', /^export format "tflite" exports files \(ARTIFACT\), not a container image: give a Cloud Storage folder/);
    assert.match(exportDestinationProblem(image, gcs) ?? '', /^export format "custom-trained" exports a container image \(IMAGE\), not files: give an image URI/);
    assert.equal(exportDestinationProblem(both, gcs), undefined);
    assert.equal(exportDestinationProblem(both, ar), undefined);
    assert.equal(defaultExportFormat([tflite, image], ar), image);
    assert.equal(defaultExportFormat([tflite, image], gcs), tflite);
    assert.equal(defaultExportFormat([tflite], ar), undefined);
  });
});
