/**
 * A local Vertex server with the training-side services on a manual clock (states advance only
 * when a test moves time), and the adapter over the real SDK clients connected to it.
 */
import { BlobStore } from '../../src/localServers/blobStore';
import { ManualClock } from '../../src/localServers/state';
import { startVertexServer } from '../../src/localServers/vertexServer';
import type { VertexServer } from '../../src/localServers/vertexServer';
import { trainingServices } from '../../src/localServers/trainingServices';
import type { TrainingStore } from '../../src/localServers/trainingState';
import { createClients } from '../../src/cloud/sdk';
import type { Clients } from '../../src/cloud/sdk';
import { openTrainingCloud } from '../../src/cloud/training';
import type { TrainingCloud } from '../../src/cloud/training';
import type { StoredDataset } from '../../src/localServers/datasetService';

export const PROJECT = 'train-project';
export const REGION = 'us-central1';
export const BUCKET = 'train-bucket';
const METADATA = 'gs://google-cloud-aiplatform/schema/dataset/metadata/';
const IOFORMAT = 'gs://google-cloud-aiplatform/schema/dataset/ioformat/';

export interface TrainingEnv {
  clock: ManualClock;
  blobs: BlobStore;
  server: VertexServer;
  store: TrainingStore;
  clients: Clients;
  cloud: TrainingCloud;
  /** Dataset ids by purpose. */
  ds: Record<'images' | 'tinyImages' | 'boxes' | 'segments' | 'video' | 'actions' | 'tracks' | 'tabular' | 'series' | 'text', StoredDataset>;
  stop(): Promise<void>;
}

function image(d: StoredDataset, env: { server: VertexServer }, n: number, labels: string[], withMlUse: boolean): void {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      imageGcsUri: `gs://${BUCKET}/img/${d.id}/${i}.jpg`,
      classificationAnnotation: { displayName: labels[i % labels.length] },
      ...(withMlUse ? { dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': i % 10 === 0 ? 'test' : i % 10 === 1 ? 'validation' : 'training' } } : {}),
    }),
  );
  env.server.datasets.importRows(d, rows.join('\n'), IOFORMAT + 'image_classification_single_label_io_format_1.0.0.yaml', {}, {});
}

export async function startTrainingEnv(): Promise<TrainingEnv> {
  const clock = new ManualClock();
  const blobs = new BlobStore();
  blobs.createBucket(BUCKET, { location: REGION });
  let server: VertexServer | undefined;
  const training = trainingServices(() => server!.datasets, { queued: 1000, pending: 1000, running: 10000, cancelling: 500, labelingPending: 1000, labelingRunning: 10000 });
  server = await startVertexServer({ clock, blobs, region: REGION, operations: { defaultDuration: 0 }, extraModules: training.modules });
  const store = training.store();
  const s = server;
  const create = (name: string, kind: string, metadata?: object) => s.datasets.create(PROJECT, REGION, { displayName: name, metadataSchemaUri: METADATA + kind, metadata: metadata as never });

  const images = create('flowers', 'image_1.0.0.yaml');
  image(images, { server: s }, 100, ['daisy', 'rose', 'tulip', 'iris', 'lily'], true);
  const tinyImages = create('few flowers', 'image_1.0.0.yaml');
  image(tinyImages, { server: s }, 9, ['daisy', 'rose', 'tulip'], false);
  const boxes = create('street', 'image_1.0.0.yaml');
  s.datasets.importRows(
    boxes,
    Array.from({ length: 20 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://${BUCKET}/street/${i}.jpg`, boundingBoxAnnotations: [{ displayName: i % 2 ? 'car' : 'bike', xMin: 0.1, yMin: 0.1, xMax: 0.5, yMax: 0.5 }] })).join('\n'),
    IOFORMAT + 'image_bounding_box_io_format_1.0.0.yaml',
    {},
    {},
  );
  const segments = create('scenes', 'image_1.0.0.yaml');
  image(segments, { server: s }, 12, ['sky', 'road'], false);
  const video = create('clips', 'video_1.0.0.yaml');
  const vrow = (i: number, ann: object) => JSON.stringify({ videoGcsUri: `gs://${BUCKET}/v/${i}.mp4`, ...ann });
  s.datasets.importRows(video, Array.from({ length: 12 }, (_, i) => vrow(i, { timeSegmentAnnotations: [{ displayName: i % 2 ? 'goal' : 'miss', startTime: '0s', endTime: '2s' }] })).join('\n'), IOFORMAT + 'video_classification_io_format_1.0.0.yaml', {}, {});
  const actions = create('actions', 'video_1.0.0.yaml');
  s.datasets.importRows(actions, Array.from({ length: 6 }, (_, i) => vrow(100 + i, { timeSegmentAnnotations: [{ displayName: 'jump', startTime: '1s', endTime: '2s' }] })).join('\n'), IOFORMAT + 'video_action_recognition_io_format_1.0.0.yaml', {}, {});
  const tracks = create('tracks', 'video_1.0.0.yaml');
  s.datasets.importRows(
    tracks,
    Array.from({ length: 12 }, (_, i) => vrow(200 + i, { temporalBoundingBoxAnnotations: [{ displayName: 'ball', timeOffset: '1s', xMin: 0.1, yMin: 0.1, xMax: 0.2, yMax: 0.2, instanceId: '1' }] })).join('\n'),
    IOFORMAT + 'video_object_tracking_io_format_1.0.0.yaml',
    {},
    {},
  );
  const csv = ['age,job,churned,weight,split,signup', ...Array.from({ length: 1200 }, (_, i) => `${20 + (i % 50)},${['a', 'b', 'c'][i % 3]},${i % 4 === 0 ? 'yes' : 'no'},1,${['training', 'validation', 'test'][i % 3]},2024-01-0${1 + (i % 9)}T00:00:00Z`)].join('\n');
  blobs.put(BUCKET, 'tables/customers.csv', Buffer.from(csv), 'text/csv');
  const tabular = create('customers', 'tabular_1.0.0.yaml', { inputConfig: { gcsSource: { uri: [`gs://${BUCKET}/tables/customers.csv`] } } });
  const sales = ['date,store,sales,promo', ...Array.from({ length: 1100 }, (_, i) => `2024-01-${String(1 + (i % 28)).padStart(2, '0')},s${i % 40},${100 + (i % 17)},${i % 2}`)].join('\n');
  blobs.put(BUCKET, 'tables/sales.csv', Buffer.from(sales), 'text/csv');
  const series = create('sales', 'time_series_1.0.0.yaml', { inputConfig: { gcsSource: { uri: [`gs://${BUCKET}/tables/sales.csv`] } } });
  const text = create('reviews', 'text_1.0.0.yaml');

  const clients = createClients({ project: PROJECT, region: REGION, endpoint: server.address });
  const cloud = openTrainingCloud(clients.vertexOptions);
  return {
    clock,
    blobs,
    server,
    store,
    clients,
    cloud,
    ds: { images, tinyImages, boxes, segments, video, actions, tracks, tabular, series, text },
    stop: async () => {
      await cloud.close();
      await clients.close();
      await s.stop();
    },
  };
}
