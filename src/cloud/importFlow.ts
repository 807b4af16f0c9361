/**
 * The import flow shared by the "Import into Vertex AI Dataset…" command and `vertex-datasets
 * import`: check the bucket, pick or create the dataset, upload the file (resumable), call
 * ImportData and follow the operation, then map Vertex's per-row failures to local lines.
 * Nothing is deleted on failure: the report names the dataset and the uploaded objects.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { findLocalMedia, planMediaUris, rewriteMedia } from '../core/cloud/media';
import type { FormatId } from '../core/formats';
import { FORMATS } from '../core/formats';
import type { CloudErrorInfo } from '../core/cloud/errors';
import { describeCloudError, isNotRetried } from '../core/cloud/errors';
import type { MappedFailure } from '../core/cloud/partialFailures';
import { mapPartialFailures } from '../core/cloud/partialFailures';
import { buildCreateDatasetRequest, buildImportDataRequest, datasetName, gcsObjectUri, parseDatasetRef, parseGcsUri } from '../core/cloud/requests';
import type { DatasetSummary, VertexDatasets } from './vertex';
import type { GcsFiles } from './storage';

export interface ImportFile {
  /** Path shown in messages (relative to the workspace or cwd). */
  displayPath: string;
  /** Exact bytes to upload. */
  data: Buffer;
  /** The folder relative media paths in the file are resolved against (needed with `uploadMedia`). */
  baseDir?: string;
}

export interface ImportPlan {
  files: ImportFile[];
  format: FormatId;
  /** `gs://bucket` or `gs://bucket/prefix`. */
  destination: string;
  /** A dataset resource name, numeric id or display name; created when no dataset has that display name. */
  dataset: string;
  /** Create the dataset when `dataset` is a display name that does not exist yet. */
  createIfMissing: boolean;
  dataItemLabels?: Record<string, string>;
  annotationLabels?: Record<string, string>;
  /** Upload local media the file references (under `<destination>/media/`) and import a copy pointing at them. */
  uploadMedia?: boolean;
}

export type ImportStep = 'bucket' | 'dataset' | 'upload' | 'import';

export interface ImportProgress {
  step(step: ImportStep, message: string): void;
  upload?(file: string, sent: number, total: number): void;
  /** After each look at the running operation (ImportData, or the CreateDataset of tabular data). */
  poll?(elapsedMs: number, state: { operationName: string; rowsRejected: number }): void;
}

export interface ImportReport {
  ok: boolean;
  dataset?: DatasetSummary;
  datasetCreated: boolean;
  uploaded: string[];
  /** Local media files uploaded (with `uploadMedia`), in upload order. */
  mediaUploaded: string[];
  /** Local media already in Cloud Storage with the same bytes (with `uploadMedia`): referenced, not uploaded again. */
  mediaUnchanged: string[];
  operationName?: string;
  /** Per-row failures mapped to local lines. */
  failures: MappedFailure[];
  /** True when Vertex returned the maximum of 20 partial failures: more rows may have failed. */
  failuresTruncated: boolean;
  error?: CloudErrorInfo & { step: ImportStep };
  cancelled: boolean;
}

export async function runImport(vertex: VertexDatasets, gcs: GcsFiles, plan: ImportPlan, progress: ImportProgress, signal?: AbortSignal): Promise<ImportReport> {
  const report: ImportReport = { ok: false, datasetCreated: false, uploaded: [], mediaUploaded: [], mediaUnchanged: [], failures: [], failuresTruncated: false, cancelled: false };
  const fmt = FORMATS[plan.format];
  const dest = parseGcsUri(plan.destination);
  let step: ImportStep = 'bucket';
  const fail = (e: unknown, service: 'vertex' | 'storage', unsure?: string): ImportReport => {
    const info = describeCloudError(e, { service, project: vertex.project, location: vertex.location, bucket: dest?.bucket });
    if (unsure && info.kind === 'unavailable' && isNotRetried(e)) info.message += ` ${unsure}`;
    report.error = { ...info, step };
    report.cancelled = info.kind === 'cancelled' || !!signal?.aborted;
    return report;
  };
  if (!dest) throw new Error(`'${plan.destination}' is not a Cloud Storage location; expected gs://bucket or gs://bucket/prefix`);
  if (fmt.dataType === 'tabular') return runTabularImport(vertex, gcs, plan, progress, report, dest.bucket, signal);
  if (!fmt.importSchemaUri) throw new Error(`${fmt.title} files cannot be imported into Vertex AI`);

  try {
    progress.step('bucket', `Checking bucket gs://${dest.bucket}`);
    await gcs.bucketLocation(dest.bucket);
  } catch (e) {
    return fail(e, 'storage');
  }

  step = 'dataset';
  try {
    const ref = parseDatasetRef(plan.dataset);
    let ds: DatasetSummary | undefined;
    if (ref.kind === 'name') ds = await vertex.getDataset(ref.name);
    else if (ref.kind === 'id') ds = await vertex.getDataset(datasetName(vertex.project, vertex.location, ref.id));
    else {
      progress.step('dataset', `Looking for dataset "${ref.displayName}"`);
      const found = (await vertex.findByDisplayName(ref.displayName)).filter((d) => d.dataType === fmt.dataType);
      if (found.length > 1) {
        report.error = { kind: 'invalidArgument', retryable: false, original: '', step, message: `${found.length} ${fmt.dataType} datasets are named "${ref.displayName}" (${found.map((d) => d.id).join(', ')}); pass the id instead.` };
        return report;
      }
      ds = found[0];
      if (!ds) {
        if (!plan.createIfMissing) {
          report.error = { kind: 'notFound', retryable: false, original: '', step, message: `No ${fmt.dataType} dataset is named "${ref.displayName}" in ${vertex.project}/${vertex.location}.` };
          return report;
        }
        progress.step('dataset', `Creating ${fmt.dataType} dataset "${ref.displayName}"`);
        let created;
        try {
          created = await vertex.createDataset(buildCreateDatasetRequest({ project: vertex.project, location: vertex.location, displayName: ref.displayName, format: plan.format }), { signal });
        } catch (e) {
          return fail(e, 'vertex', createUnsure(fmt.dataType, ref.displayName, false));
        }
        if (created.cancelled) return { ...report, cancelled: true };
        if (created.error || !created.result) return fail({ code: created.error?.code ?? 2, message: created.error?.message ?? 'CreateDataset returned no dataset', details: created.error?.message }, 'vertex');
        ds = created.result;
        report.datasetCreated = true;
      }
    }
    if (ds.dataType !== fmt.dataType) {
      report.dataset = ds;
      report.error = { kind: 'invalidArgument', retryable: false, original: '', step, message: `Dataset "${ds.displayName}" (${ds.id}) holds ${ds.dataType ?? 'unknown'} data, but ${plan.files[0]?.displayPath ?? 'the file'} is ${fmt.title}. Pick a ${fmt.dataType} dataset or a new name.` };
      return report;
    }
    report.dataset = ds;
  } catch (e) {
    return fail(e, 'vertex');
  }

  step = 'upload';
  const uploaded: { gcsUri: string; file: ImportFile }[] = [];
  try {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    for (const file of plan.files) {
      let data = file.data;
      if (plan.uploadMedia) data = await uploadMedia(gcs, plan, file, report, progress, signal);
      const uri = gcsObjectUri(plan.destination, uploadName(file, stamp));
      progress.step('upload', `Uploading ${file.displayPath}${data !== file.data ? ' (media paths rewritten to gs://)' : ''} to ${uri}`);
      await gcs.upload(uri, data, { contentType: /\.csv$/i.test(uri) ? 'text/csv' : 'application/jsonl', signal, onProgress: (s, t) => progress.upload?.(file.displayPath, s, t) });
      uploaded.push({ gcsUri: uri, file });
      report.uploaded.push(uri);
    }
  } catch (e) {
    return fail(e, 'storage');
  }

  step = 'import';
  try {
    progress.step('import', `Importing into ${report.dataset.displayName} (${report.dataset.name})`);
    const req = buildImportDataRequest({ datasetName: report.dataset.name, format: plan.format, gcsUris: uploaded.map((u) => u.gcsUri), dataItemLabels: plan.dataItemLabels, annotationLabels: plan.annotationLabels });
    const outcome = await vertex.importData(req, { signal, onPoll: (s) => progress.poll?.(s.elapsedMs, { operationName: s.operationName, rowsRejected: s.partialFailures.length }) });
    report.operationName = outcome.operationName;
    report.failures = mapPartialFailures(outcome.partialFailures, uploaded.map((u) => ({ gcsUri: u.gcsUri, path: u.file.displayPath, lines: u.file.data.toString('utf8').split(/\r?\n/) })));
    report.failuresTruncated = outcome.partialFailures.length >= 20;
    if (outcome.cancelled) return { ...report, cancelled: true };
    if (outcome.error) return fail({ code: outcome.error.code, message: outcome.error.message, details: outcome.error.message }, 'vertex');
    report.dataset = await vertex.getDataset(report.dataset.name).catch(() => report.dataset);
    report.ok = true;
    return report;
  } catch (e) {
    const ds = report.dataset;
    return fail(e, 'vertex', ds && `To check: see whether dataset "${ds.displayName}" (${ds.id}) grows past ${ds.itemCount} data items in the Vertex AI console (Vertex AI > Datasets) or the Datasets view before you import again, so its rows are not imported twice.`);
  }
}

/** What to do when a CreateDataset that was sent once failed with no answer: it may have created the dataset. */
function createUnsure(dataType: string, displayName: string, withData: boolean): string {
  return `To check: look for a dataset named "${displayName}" (${dataType} data) in the Vertex AI console (Vertex AI > Datasets) or the Datasets view. ${withData
    ? 'If it is there, it was created from the data: do not create it again.'
    : 'If it is there, run the import again: it imports into the one dataset of that name instead of creating another.'}`;
}

/** Uploads the local media `file` references and returns its text with those references rewritten. */
async function uploadMedia(gcs: GcsFiles, plan: ImportPlan, file: ImportFile, report: ImportReport, progress: ImportProgress, signal?: AbortSignal): Promise<Buffer> {
  const text = file.data.toString('utf8');
  const refs = findLocalMedia(text, plan.format);
  if (!refs.length) return file.data;
  if (!file.baseDir) throw new Error(`cannot resolve the local media paths of ${file.displayPath}: its folder is unknown`);
  const planned = planMediaUris(refs, plan.destination);
  const uris = new Map<string, string>();
  /** Object name → the local file uploaded there. */
  const owners = new Map<string, string>();
  const missing: string[] = [];
  // Every referenced file must exist before the first upload: one missing image should not leave all the others uploaded.
  const checked = new Set<string>();
  for (const r of refs) {
    if (checked.has(r.value)) continue;
    checked.add(r.value);
    if (!(await stat(path.resolve(file.baseDir, r.value.replace(/^file:\/\//i, ''))).then((s) => s.isFile(), () => false))) missing.push(`line ${r.line}: ${r.value}`);
  }
  if (missing.length) throw missingMedia(file, missing);
  for (const r of refs) {
    if (signal?.aborted) throw new Error('Upload cancelled.');
    if (uris.has(r.value)) continue;
    const local = path.resolve(file.baseDir, r.value.replace(/^file:\/\//i, ''));
    let bytes: Buffer;
    try {
      bytes = await readFile(local);
    } catch {
      missing.push(`line ${r.line}: ${r.value}`);
      continue;
    }
    let uri = planned.get(r.value) as string;
    // The plan drops '..' and the leading '/' of paths, so two different files (../shared/a.jpg and
    // shared/a.jpg) can get one object name; the later one gets its own, named after its local path.
    const owner = owners.get(uri);
    if (owner !== undefined && owner !== local) uri = uri.replace(/(\.[^./]*)?$/, (ext) => `-${createHash('md5').update(local).digest('hex').slice(0, 8)}${ext}`);
    owners.set(uri, local);
    uris.set(r.value, uri);
    // Re-running an import (after fixing a label, say) must not send every image again.
    if (await gcs.holds(uri, bytes)) {
      progress.step('upload', `Media ${r.value} is already at ${uri} with the same bytes: not uploaded again`);
      report.mediaUnchanged.push(uri);
      continue;
    }
    progress.step('upload', `Uploading media ${r.value} to ${uri}`);
    await gcs.upload(uri, bytes, { signal, contentType: MEDIA_TYPES[path.extname(local).slice(1).toLowerCase()] ?? 'application/octet-stream' });
    report.mediaUploaded.push(uri);
  }
  if (missing.length) throw missingMedia(file, missing);
  return Buffer.from(rewriteMedia(text, refs, uris).text, 'utf8');
}

function missingMedia(file: ImportFile, missing: string[]): Error {
  return Object.assign(new Error(`${file.displayPath} references media that do not exist next to it: ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`), { code: 404 });
}

const MEDIA_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/vnd.microsoft.icon', txt: 'text/plain', mp4: 'video/mp4', mov: 'video/quicktime', avi: 'video/x-msvideo', mpeg: 'video/mpeg' };

function uploadName(file: ImportFile, stamp: string): string {
  const base = path.basename(file.displayPath).replace(/\.(jsonl|csv)$/i, '');
  const ext = path.extname(file.displayPath) || '.jsonl';
  return `${base}-${stamp}${ext}`;
}

/**
 * Tabular data has no ImportData: the CSV files are uploaded and a new dataset is created with
 * them as `metadata.inputConfig.gcsSource` (vertex-import-spec.md §2.1).
 */
async function runTabularImport(vertex: VertexDatasets, gcs: GcsFiles, plan: ImportPlan, progress: ImportProgress, report: ImportReport, bucket: string, signal?: AbortSignal): Promise<ImportReport> {
  let step: ImportStep = 'bucket';
  const fail = (e: unknown, service: 'vertex' | 'storage', unsure?: string): ImportReport => {
    const info = describeCloudError(e, { service, project: vertex.project, location: vertex.location, bucket });
    if (unsure && info.kind === 'unavailable' && isNotRetried(e)) info.message += ` ${unsure}`;
    report.error = { ...info, step };
    report.cancelled = info.kind === 'cancelled' || !!signal?.aborted;
    return report;
  };
  const ref = parseDatasetRef(plan.dataset);
  if (ref.kind !== 'displayName') {
    report.error = { kind: 'invalidArgument', retryable: false, original: '', step: 'dataset', message: 'Tabular datasets take their data when they are created and cannot be imported into; give the name of a new dataset.' };
    return report;
  }
  try {
    progress.step('bucket', `Checking bucket gs://${bucket}`);
    await gcs.bucketLocation(bucket);
    step = 'upload';
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    for (const file of plan.files) {
      let data = file.data;
      if (plan.uploadMedia) data = await uploadMedia(gcs, plan, file, report, progress, signal);
      const uri = gcsObjectUri(plan.destination, uploadName(file, stamp));
      progress.step('upload', `Uploading ${file.displayPath}${data !== file.data ? ' (media paths rewritten to gs://)' : ''} to ${uri}`);
      await gcs.upload(uri, data, { contentType: 'text/csv', signal, onProgress: (s, t) => progress.upload?.(file.displayPath, s, t) });
      report.uploaded.push(uri);
    }
  } catch (e) {
    return fail(e, 'storage');
  }
  step = 'dataset';
  try {
    progress.step('dataset', `Creating tabular dataset "${ref.displayName}" from ${report.uploaded.join(', ')}`);
    const created = await vertex.createDataset(buildCreateDatasetRequest({ project: vertex.project, location: vertex.location, displayName: ref.displayName, format: 'tabular', tabularSource: { gcsUris: report.uploaded } }), { signal, onPoll: (s) => progress.poll?.(s.elapsedMs, { operationName: s.operationName, rowsRejected: s.partialFailures.length }) });
    if (created.cancelled) return { ...report, cancelled: true };
    report.operationName = created.operationName;
    if (created.error || !created.result) return fail({ code: created.error?.code ?? 2, message: created.error?.message ?? 'CreateDataset returned no dataset', details: created.error?.message }, 'vertex');
    report.dataset = created.result;
    report.datasetCreated = true;
    report.ok = true;
    return report;
  } catch (e) {
    return fail(e, 'vertex', createUnsure('tabular', ref.displayName, true));
  }
}

/** A plain-text account of a failed or partial import: what exists now, so nothing is lost. */
export function describeLeftovers(report: ImportReport): string[] {
  const lines: string[] = [];
  if (report.dataset) lines.push(`Dataset: ${report.dataset.displayName} (${report.dataset.name})${report.datasetCreated ? ', created by this import' : ''}`);
  if (report.mediaUploaded.length) lines.push(`Uploaded media: ${report.mediaUploaded.length} file${report.mediaUploaded.length === 1 ? '' : 's'} under ${report.mediaUploaded[0].replace(/\/media\/.*$/, '/media/')} (kept)`);
  for (const u of report.uploaded) lines.push(`Uploaded: ${u} (kept; delete it with \`gcloud storage rm ${u}\` if you no longer need it)`);
  if (report.operationName) lines.push(`Operation: ${report.operationName}`);
  return lines;
}

/** Creates a tabular (or time-series) dataset straight from existing Cloud Storage CSVs or a BigQuery table. */
export async function createTabularFromSource(
  vertex: VertexDatasets,
  input: { displayName: string; source: { gcsUris: string[] } | { bigqueryUri: string }; timeSeries?: { timeSeriesIdentifierColumn: string; timeColumn: string } },
  signal?: AbortSignal,
  poll?: ImportProgress['poll'],
): Promise<{ dataset?: DatasetSummary; error?: CloudErrorInfo; cancelled: boolean; operationName?: string }> {
  try {
    const req = buildCreateDatasetRequest({ project: vertex.project, location: vertex.location, displayName: input.displayName, format: 'tabular', tabularSource: input.source, timeSeries: input.timeSeries });
    const out = await vertex.createDataset(req, { signal, onPoll: poll && ((s) => poll(s.elapsedMs, { operationName: s.operationName, rowsRejected: s.partialFailures.length })) });
    const operationName = out.operationName || undefined;
    if (out.cancelled) return { cancelled: true, operationName };
    if (out.error || !out.result) return { cancelled: false, operationName, error: describeCloudError({ code: out.error?.code ?? 2, details: out.error?.message ?? 'CreateDataset returned no dataset' }, { service: 'vertex', project: vertex.project, location: vertex.location }) };
    return { dataset: out.result, cancelled: false, operationName };
  } catch (e) {
    const error = describeCloudError(e, { service: 'vertex', project: vertex.project, location: vertex.location });
    if (error.kind === 'unavailable' && isNotRetried(e)) error.message += ` ${createUnsure(input.timeSeries ? 'time series' : 'tabular', input.displayName, true)}`;
    return { cancelled: error.kind === 'cancelled' || !!signal?.aborted, error };
  }
}
