/**
 * `vertex-datasets import FILE --dataset NAME|ID [--bucket gs://...] [--project P --region R] [--endpoint E]`
 * Validates the file, refuses on errors unless --force, uploads it (resumable), picks or creates
 * the dataset, runs ImportData, follows the operation and prints rows Vertex rejected as
 * `path:line:col: error import.rowFailed: ...` on the local file's lines.
 * Exit 0 imported with no rejected rows; 1 validation errors, rejected rows or a failed operation;
 * 2 usage or I/O problem.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FORMAT_IDS, FORMATS, isFormatId } from '../../core/formats';
import type { FormatId, MlUse } from '../../core/formats';
import { importLabelProblems } from '../../core/cloud/importLabels';
import { validateFile } from '../../core/files';
import { UsageError, validateJsonlText } from '../../core/jsonl/validate';
import { bigQueryUriProblem } from '../../core/rules/values';
import { findLocalMedia, planMediaUris, rewriteMedia } from '../../core/cloud/media';
import { LOCAL_BUCKET } from '../../cloud/connection';
import { formatDiagnosticLine } from '../../core/cloud/partialFailures';
import { parseGcsUri } from '../../core/cloud/requests';
import { describeCloudError } from '../../core/cloud/errors';
import { parseCommand } from '../args';
import type { CliIo } from '../io';
import { displayPath, textReport } from '../output/report';
import { plural } from '../../core/plural';

export const HELP = `Usage: vertex-datasets import FILE --dataset NAME|ID [options]
       vertex-datasets import --source bq://PROJECT.DATASET.TABLE|gs://CSV... --dataset NAME [options]

Validates FILE, uploads it to Cloud Storage, imports it into a Vertex AI dataset and reports the
rows Vertex rejected on the lines of FILE. A --dataset that is a display name not found in the
project is created with the data type of FILE's format. A tabular CSV creates a new tabular
dataset from the uploaded file (tabular datasets take their data at creation).

Options:
  --dataset NAME|ID        dataset display name, numeric id or full resource name (required)
  --bucket gs://B[/PREFIX] where to upload the import file (required unless --endpoint local)
  --project ID             Google Cloud project (default: GOOGLE_CLOUD_PROJECT or gcloud config)
  --region REGION          Vertex AI region (default: us-central1)
  --endpoint E             API endpoint host[:port]; "local" starts the offline local servers
  --storage-endpoint URL   Cloud Storage JSON API endpoint (default: STORAGE_EMULATOR_HOST or Google)
  --format ID              import format (default: detected from the content)
  --label K=V              data item label for every imported item (repeatable)
  --annotation-label K=V   label for every imported annotation (repeatable)
  --source URI             create a tabular dataset from a BigQuery table or Cloud Storage CSVs
                           (repeatable for CSVs) instead of uploading FILE
  --upload-media           upload local media FILE references (relative to FILE) under
                           BUCKET/media/ and import a copy of FILE pointing at them
  --force                  import even when validation finds errors
  --progress-every SECONDS how often to print the elapsed time of a running import to stderr
                           (default 30; 0 prints none); also with --source
  -h, --help               show this help

Authentication: Application Default Credentials (gcloud auth application-default login, or
GOOGLE_APPLICATION_CREDENTIALS). Exit status: 0 imported with no rejected rows; 1 validation
errors, rejected rows or a failed operation; 2 usage or I/O problem.
`;

function labels(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} takes KEY=VALUE, not "${v}"`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('import', args, io, {
    dataset: { type: 'string' },
    bucket: { type: 'string' },
    project: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'storage-endpoint': { type: 'string' },
    format: { type: 'string' },
    label: { type: 'string', multiple: true },
    'annotation-label': { type: 'string', multiple: true },
    force: { type: 'boolean' },
    source: { type: 'string', multiple: true },
    'upload-media': { type: 'boolean' },
    'progress-every': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, fail } = parsed;
  if (!values.dataset) return fail('--dataset NAME|ID is required');
  const every = values['progress-every'] === undefined ? 30 : Number(values['progress-every']);
  if (!(every >= 0) || values['progress-every']?.trim() === '') return fail(`--progress-every takes a number of seconds (0 for none), not "${values['progress-every']}"`);
  if (values.source?.length) {
    if (positionals.length) return fail('give FILE or --source, not both');
    return createFromSource(values.source, values.dataset, { project: values.project, region: values.region ?? 'us-central1', endpoint: values.endpoint, storageEndpoint: values['storage-endpoint'] }, every * 1000, io);
  }
  if (positionals.length !== 1) return fail(positionals.length ? 'give exactly one FILE' : 'no FILE given (try --help)');
  if (values.format && !isFormatId(values.format)) return fail(`unknown format "${values.format}" (known: ${FORMAT_IDS.join(', ')})`);
  const local = values.endpoint === 'local';
  if (!values.bucket && !local) return fail('--bucket gs://BUCKET[/PREFIX] is required (where the import file is uploaded)');
  if (values.bucket && !parseGcsUri(values.bucket)) return fail(`--bucket "${values.bucket}" is not a Cloud Storage location; expected gs://bucket or gs://bucket/prefix`);
  let dataItemLabels: Record<string, string>;
  let annotationLabels: Record<string, string>;
  try {
    dataItemLabels = labels(values.label, '--label');
    annotationLabels = labels(values['annotation-label'], '--annotation-label');
  } catch (e) {
    return fail((e as Error).message);
  }

  const path = resolve(io.cwd, positionals[0]);
  const shown = displayPath(path, io.cwd);
  const labelProblems = (mlUseValues: readonly MlUse[]) => [
    ...importLabelProblems(dataItemLabels, 'item', mlUseValues).map((m) => `--label: ${m}`),
    ...importLabelProblems(annotationLabels, 'annotation', mlUseValues).map((m) => `--annotation-label: ${m}`),
  ];
  let data: Buffer;
  let format: FormatId | undefined;
  try {
    data = await readFile(path);
    const result = await validateFile(path, { format: values.format as FormatId | undefined });
    format = result.format;
    if (!format) {
      if (result.diagnostics.length) io.out(textReport([{ path, format: result.format, items: result.items, diagnostics: result.diagnostics }], io.cwd));
      return fail(`${shown}: cannot tell the import format (${result.detection.reason}); pass --format ID`);
    }
    // Labels Vertex would refuse fail the import only after the upload and the dataset creation.
    const badLabels = labelProblems(FORMATS[format].mlUseValues);
    if (badLabels.length) return fail(badLabels.join('\n  '));
    if (FORMATS[format].dataType === 'tabular' && (Object.keys(dataItemLabels).length || Object.keys(annotationLabels).length)) {
      return fail('--label and --annotation-label apply to the items ImportData creates; a tabular dataset is created from the CSV itself and has no data items to label. Drop them (a split column in the CSV sets each row\'s split).');
    }
    let diagnostics = result.diagnostics;
    if (values['upload-media']) {
      // Validate what will be imported: the copy whose local media paths point at their upload location.
      const text = data.toString('utf8');
      const refs = findLocalMedia(text, format);
      if (refs.length) {
        const rewritten = rewriteMedia(text, refs, planMediaUris(refs, values.bucket ?? `gs://${LOCAL_BUCKET}`)).text;
        diagnostics = validateJsonlText(rewritten, { format, textIsUtf8: isUtf8(data) }).diagnostics;
        io.err(`${shown}: ${plural(new Set(refs.map((r) => r.value)).size, 'local media file')} will be uploaded and referenced by gs:// URI\n`);
      }
    }
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (diagnostics.length) io.out(textReport([{ path, format, items: result.items, diagnostics }], io.cwd));
    if (errors && !values.force) return fail(`${shown} has ${errors} error${errors === 1 ? '' : 's'}; fix ${errors === 1 ? 'it' : 'them'} or pass --force to import anyway (Vertex skips rows it rejects)`, 1);
    if (errors) io.err(`vertex-datasets import: importing despite ${errors} validation error${errors === 1 ? '' : 's'} (--force)\n`);
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code) return fail(e instanceof UsageError ? e.message : `${shown}: ${(e as Error).message}`);
    throw e;
  }
  if (!FORMATS[format].importSchemaUri && FORMATS[format].dataType !== 'tabular') return fail(`${FORMATS[format].title} files cannot be imported into Vertex AI`);

  // The SDKs load here, after validation: a refused file never pays for them.
  const { connect, isSettingsError } = await import('../../cloud/connect');
  const { runImport, describeLeftovers } = await import('../../cloud/importFlow');
  let conn;
  try {
    conn = await connect({ project: values.project, region: values.region ?? 'us-central1', endpoint: values.endpoint, storageEndpoint: values['storage-endpoint'] });
  } catch (e) {
    if (isSettingsError(e)) return fail(e.message);
    return fail(describeCloudError(e, { service: 'vertex', project: values.project }).message, 1);
  }
  // Ctrl-C cancels cleanly: the running upload stops, an ImportData in progress is cancelled, and
  // what already exists is listed. A second Ctrl-C quits at once.
  const interrupt = onCtrlC(io);
  const cancel = interrupt.controller;
  try {
    const destination = values.bucket ?? conn.defaultBucket ?? `gs://${LOCAL_BUCKET}`;
    let lastPct = -1;
    const progress = operationProgress(io, every * 1000);
    const report = await runImport(
      conn.vertex,
      conn.gcs,
      { files: [{ displayPath: shown, data, baseDir: dirname(path) }], format, destination, dataset: values.dataset, createIfMissing: true, dataItemLabels, annotationLabels, uploadMedia: values['upload-media'] },
      {
        step: (s, message) => {
          progress.step(s === 'import' ? 'importing' : 'creating the dataset');
          io.err(`${message}\n`);
        },
        poll: progress.poll,
        upload: (_f, sent, total) => {
          const pct = total ? Math.floor((sent / total) * 100) : 100;
          if (pct !== lastPct && (pct === 100 || pct - lastPct >= 25)) io.err(`  uploaded ${pct}% (${sent}/${total} bytes)\n`);
          lastPct = pct;
        },
      },
      cancel.signal,
    );
    for (const f of report.failures) io.out(formatDiagnosticLine(f.path, f.diagnostic) + '\n');
    if (report.failuresTruncated) io.out(`${shown}: Vertex AI reports at most 20 rejected rows; more rows may have been rejected.\n`);
    for (const l of conn.vertex.retries) io.err(`  retried ${l.method} after ${l.code === 14 ? 'UNAVAILABLE' : 'DEADLINE_EXCEEDED'} (waited ${l.delayMs} ms)\n`);
    if (report.ok && FORMATS[format].dataType === 'tabular') {
      io.out(`Created tabular dataset ${report.dataset?.displayName} (${report.dataset?.name}) from ${report.uploaded.join(', ')}.\n`);
      return 0;
    }
    if (report.ok) {
      const ds = report.dataset;
      io.out(`Imported ${shown} into ${ds?.displayName} (${ds?.name}): ${ds?.itemCount ?? '?'} data items now; ${report.failures.length} row${report.failures.length === 1 ? '' : 's'} rejected.\n`);
      return report.failures.length ? 1 : 0;
    }
    if (report.cancelled) io.err('vertex-datasets import: cancelled\n');
    if (report.error) io.err(`vertex-datasets import: ${report.error.step} failed: ${report.error.message}\n`);
    for (const l of describeLeftovers(report)) io.err(`  ${l}\n`);
    return 1;
  } finally {
    interrupt.dispose();
    await conn.dispose();
  }
}

/** The first Ctrl-C aborts the returned controller (the caller cancels what runs); a second one quits at once. */
function onCtrlC(io: CliIo): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const quit = () => process.exit(130);
  const onInterrupt = () => {
    io.err('vertex-datasets import: cancelling (Ctrl-C again quits at once)\n');
    controller.abort();
    process.once('SIGINT', quit);
  };
  process.once('SIGINT', onInterrupt);
  return {
    controller,
    dispose() {
      process.removeListener('SIGINT', onInterrupt);
      process.removeListener('SIGINT', quit);
    },
  };
}

/**
 * Lines on stderr while an operation runs (ImportData can take hours): the elapsed time at most
 * once per `everyMs`, the operation's name the first time, and the rows Vertex rejected so far.
 */
function operationProgress(io: CliIo, everyMs: number) {
  let doing = 'importing';
  let next = everyMs;
  let named = false;
  return {
    step(what: string): void {
      doing = what;
      next = everyMs;
      named = false;
    },
    poll: (elapsedMs: number, state: { operationName: string; rowsRejected: number }): void => {
      if (everyMs <= 0 || elapsedMs < next) return;
      next = elapsedMs + everyMs;
      const rejected = state.rowsRejected ? `; ${plural(state.rowsRejected, 'row')} rejected so far` : '';
      io.err(`  still ${doing} after ${elapsedText(elapsedMs)}${named ? '' : ` (operation ${state.operationName}; Ctrl-C cancels it)`}${rejected}\n`);
      named = true;
    },
  };
}

function elapsedText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

async function createFromSource(sources: string[], displayName: string, settings: { project?: string; region: string; endpoint?: string; storageEndpoint?: string }, everyMs: number, io: CliIo): Promise<number> {
  const fail = (reason: string, code = 2) => {
    io.err(`vertex-datasets import: ${reason}\n`);
    return code;
  };
  const bq = sources.filter((s) => s.startsWith('bq://'));
  const gcs = sources.filter((s) => s.startsWith('gs://'));
  if (bq.length + gcs.length !== sources.length) return fail('--source takes bq://project.dataset.table or gs://bucket/file.csv URIs');
  if (bq.length > 1 || (bq.length && gcs.length)) return fail('give one BigQuery table, or Cloud Storage CSV files, not both');
  for (const uri of bq) {
    const problem = bigQueryUriProblem(uri);
    if (problem) return fail(problem.message, 1);
  }
  const { connect, isSettingsError } = await import('../../cloud/connect');
  const { createTabularFromSource } = await import('../../cloud/importFlow');
  let conn;
  try {
    conn = await connect(settings);
  } catch (e) {
    if (isSettingsError(e)) return fail(e.message);
    return fail(describeCloudError(e, { service: 'vertex', project: settings.project }).message, 1);
  }
  // As for a file: Ctrl-C cancels the CreateDataset operation, a second one quits at once.
  const interrupt = onCtrlC(io);
  try {
    io.err(`Creating tabular dataset "${displayName}" from ${sources.join(', ')}\n`);
    const progress = operationProgress(io, everyMs);
    progress.step('creating the dataset');
    let out;
    try {
      out = await createTabularFromSource(conn.vertex, { displayName, source: bq.length ? { bigqueryUri: bq[0] } : { gcsUris: gcs } }, interrupt.controller.signal, progress.poll);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (out.dataset) {
      io.out(`Created tabular dataset ${out.dataset.displayName} (${out.dataset.name}) from ${sources.join(', ')}.\n`);
      return 0;
    }
    if (out.cancelled) {
      io.err('vertex-datasets import: cancelled\n');
      if (out.operationName) io.err(`  Operation: ${out.operationName}\n`);
      return 1;
    }
    return fail(out.error?.message ?? 'CreateDataset failed', 1);
  } finally {
    interrupt.dispose();
    await conn.dispose();
  }
}
