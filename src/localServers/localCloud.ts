/**
 * Local mode: the local Vertex AI and Cloud Storage servers started together, sharing one object
 * store, seeded with sample datasets so browsing and importing work without a Google account.
 */
import { BlobStore } from './blobStore';
import { LOCAL_BUCKET } from '../cloud/connection';
import { startGcsServer } from './gcsServer';
import type { GcsServer } from './gcsServer';
import { startVertexServer } from './vertexServer';
import type { VertexServer, VertexServerOptions } from './vertexServer';
import { trainingServices } from './trainingServices';
import type { TrainingStore } from './trainingState';

export const LOCAL_PROJECT = 'local-project';
export { LOCAL_BUCKET };
const IOFORMAT = 'gs://google-cloud-aiplatform/schema/dataset/ioformat/';
const METADATA = 'gs://google-cloud-aiplatform/schema/dataset/metadata/';

export interface LocalCloud {
  vertex: VertexServer;
  gcs: GcsServer;
  project: string;
  region: string;
  bucket: string;
  /** State of the training, labeling and model services. */
  training(): TrainingStore;
  stop(): Promise<void>;
}

export interface LocalCloudOptions extends Omit<VertexServerOptions, 'blobs'> {
  seed?: boolean;
  gcsPort?: number;
}

export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const blobs = new BlobStore();
  let server: VertexServer | undefined;
  const training = trainingServices(() => server!.datasets);
  const vertex = await startVertexServer({ ...opts, blobs, extraModules: [...(opts.extraModules ?? []), ...training.modules] });
  server = vertex;
  const gcs = await startGcsServer({ blobs, port: opts.gcsPort, host: opts.host });
  const region = vertex.ctx.region;
  blobs.createBucket(LOCAL_BUCKET, { location: region });
  if (opts.seed !== false) {
    seed(vertex, region);
    training.store().addPool(LOCAL_PROJECT, region, 'medical-imaging-specialists', ['manager@example.com'], ['labeler1@example.com', 'labeler2@example.com']);
  }
  return {
    vertex,
    gcs,
    project: LOCAL_PROJECT,
    region,
    bucket: LOCAL_BUCKET,
    training: training.store,
    stop: async () => {
      await Promise.all([vertex.stop(), gcs.stop()]);
    },
  };
}

function seed(vertex: VertexServer, region: string): void {
  const store = vertex.datasets;
  const flowers = store.create(LOCAL_PROJECT, region, { displayName: 'flowers', metadataSchemaUri: METADATA + 'image_1.0.0.yaml', labels: { team: 'demo' } });
  const labels = ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'];
  const rows = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      imageGcsUri: `gs://${LOCAL_BUCKET}/flowers/${labels[i % 5]}/${i}.jpg`,
      classificationAnnotation: { displayName: labels[i % 5] },
      dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': i % 10 === 0 ? 'test' : i % 10 === 1 ? 'validation' : 'training' },
    }),
  );
  store.importRows(flowers, rows.join('\n'), IOFORMAT + 'image_classification_single_label_io_format_1.0.0.yaml', {}, {});
  flowers.versions.push({ id: vertex.ctx.nextId(), displayName: 'baseline', created: vertex.ctx.clock.now(), items: [...flowers.items.values()] });

  const reviews = store.create(LOCAL_PROJECT, region, { displayName: 'product-reviews', metadataSchemaUri: METADATA + 'text_1.0.0.yaml' });
  const sentiments = ['positive', 'negative', 'neutral'];
  store.importRows(
    reviews,
    Array.from({ length: 30 }, (_, i) => JSON.stringify({ textContent: `review number ${i}`, classificationAnnotation: { displayName: sentiments[i % 3] } })).join('\n'),
    IOFORMAT + 'text_classification_single_label_io_format_1.0.0.yaml',
    {},
    {},
  );
  store.create(LOCAL_PROJECT, region, { displayName: 'street-scenes', metadataSchemaUri: METADATA + 'image_1.0.0.yaml' });
  store.create(LOCAL_PROJECT, region, { displayName: 'churn', metadataSchemaUri: METADATA + 'tabular_1.0.0.yaml', metadata: { inputConfig: { bigquerySource: { uri: `bq://${LOCAL_PROJECT}.crm.customers` } } } });
}
