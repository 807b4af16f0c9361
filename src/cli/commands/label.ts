/**
 * `vertex-datasets label create|list|get|cancel|delete|pools`: human data labeling jobs, with
 * the same request builder and cost estimate as the editor's "Create Labeling Job…" wizard.
 * A local instructions PDF is uploaded to --bucket first.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseCommand } from '../args';
import type { CliIo } from '../io';
import { LABELING_TASKS, buildLabelingJob, instructionsUploadUri } from '../../core/training/labeling';
import type { LabelingJobSummary } from '../../cloud/training';
import { CONNECTION_HELP, CONNECTION_OPTIONS, Usage, cloudErrorMessage, fullName, open, outputMode, parseKeyValues, parseList, parseNumber, printJson, printProblems, projectFor, regionOf, resolveDataset, resolveSpecialistPool, runJobVerb } from '../cloudCommand';
import { plural } from '../../core/plural';

export const HELP = `Usage: vertex-datasets label <subcommand> [options]

Subcommands:
  create --dataset ID|NAME --task TASK --labels A,B --instructions FILE.pdf|gs://... --labelers 1|3|5
  list                      data labeling jobs: state, progress, spend, labelers, pools
  get JOB | cancel JOB | delete JOB
  pools                     specialist pools in the project and region

Options for create:
  --display-name NAME                 job display name (default: labeling-DATE)
  --task TASK                         ${LABELING_TASKS.map((t) => t.id).join(', ')}
  --labels A,B,C / --labels-file F    the labels to choose from (one per line in F)
  --instructions PDF                  a gs:// URI, or a local PDF uploaded to --bucket
  --bucket gs://BUCKET[/PREFIX]       where a local instructions PDF is uploaded
  --labelers 1|3|5                    labelers per item (default 1)
  --specialist-pool ID|NAME           specialist pool id, resource name or display name (repeatable)
  --max-items N | --max-percent P     active learning: human labeling budget
  --initial-batch-percent P / --following-batch-percent P   active learning batch samples
  --annotation-set NAME               annotation set the labels go to
  --items N                           items in the dataset, for the estimate (default: asked from Vertex)
  --label K=V                         job label (repeatable)
  --dry-run                           print the request and the cost estimate; do not create

${CONNECTION_HELP}

Exit status: 0 ok; 1 the service refused; 2 usage problem or invalid options.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  dataset: { type: 'string' },
  'display-name': { type: 'string' },
  task: { type: 'string' },
  labels: { type: 'string' },
  'labels-file': { type: 'string' },
  instructions: { type: 'string' },
  bucket: { type: 'string' },
  labelers: { type: 'string' },
  'specialist-pool': { type: 'string', multiple: true },
  'max-items': { type: 'string' },
  'max-percent': { type: 'string' },
  'initial-batch-percent': { type: 'string' },
  'following-batch-percent': { type: 'string' },
  'annotation-set': { type: 'string' },
  items: { type: 'string' },
  label: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  filter: { type: 'string' },
} as const;

function describe(j: LabelingJobSummary): string {
  const spend = j.currentSpend ? `$${j.currentSpend.amount.toFixed(2)} ${j.currentSpend.currencyCode}` : '-';
  const lines = [`${j.displayName} (${j.name})`, `  state: ${j.state}`, `  progress: ${j.labelingProgress}%`, `  current spend: ${spend}`, `  labelers per item: ${j.labelerCount}`];
  if (j.specialistPools.length) lines.push(`  specialist pools: ${j.specialistPools.join(', ')}`);
  if (j.error) lines.push(`  error: ${j.error.message} (code ${j.error.code})`);
  return lines.join('\n') + '\n';
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('label', args, io, OPTIONS, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, target] = positionals;
  if (!sub) {
    io.out(HELP);
    return 2;
  }
  const fail = (reason: string, code = 2) => {
    io.err(`vertex-datasets label ${sub}: ${reason}\n`);
    return code;
  };
  if (!['create', 'list', 'get', 'cancel', 'delete', 'pools'].includes(sub)) return fail('unknown subcommand (try --help)');
  if (['get', 'cancel', 'delete'].includes(sub) && !target) return fail('give the labeling job id or name');
  let json: boolean;
  let options;
  let localPdf: { path: string; data: Buffer } | undefined;
  try {
    json = outputMode(v) === 'json';
    if (sub === 'create') {
      let labels = parseList(v.labels);
      if (v['labels-file']) labels = labels.concat((await readFile(resolve(io.cwd, v['labels-file']), 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
      let instructionUri = v.instructions ?? '';
      if (instructionUri && !instructionUri.startsWith('gs://')) {
        const path = resolve(io.cwd, instructionUri);
        localPdf = { path, data: await readFile(path) };
        if (!/\.pdf$/i.test(path) || localPdf.data.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Usage(`--instructions ${instructionUri} is not a PDF file`);
        const bucket = v.bucket ?? (v.endpoint === 'local' ? 'gs://local-vertex-bucket' : undefined);
        if (!bucket || !/^gs:\/\/[^/]+/.test(bucket)) throw new Usage('--bucket gs://BUCKET[/PREFIX] is required to upload a local instructions PDF');
        instructionUri = instructionsUploadUri(bucket, basename(path), localPdf.data);
      }
      const project = (await projectFor(v)) ?? '';
      const region = regionOf(v);
      const al = v['max-items'] !== undefined || v['max-percent'] !== undefined || v['initial-batch-percent'] !== undefined || v['following-batch-percent'] !== undefined;
      options = {
        project,
        location: region,
        dataset: v.dataset ?? '',
        displayName: v['display-name'] ?? `labeling-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`,
        task: v.task ?? '',
        labels,
        instructionUri,
        labelerCount: parseNumber('--labelers', v.labelers) ?? 1,
        specialistPools: (v['specialist-pool'] ?? []).map((p) => fullName(project, region, 'specialistPools', p)),
        activeLearning: al
          ? {
              maxDataItemCount: parseNumber('--max-items', v['max-items']),
              maxDataItemPercentage: parseNumber('--max-percent', v['max-percent']),
              initialBatchSamplePercentage: parseNumber('--initial-batch-percent', v['initial-batch-percent']),
              followingBatchSamplePercentage: parseNumber('--following-batch-percent', v['following-batch-percent']),
            }
          : undefined,
        annotationSetName: v['annotation-set'],
        itemCount: parseNumber('--items', v.items),
        jobLabels: parseKeyValues('--label', v.label),
      };
    }
  } catch (e) {
    if (e instanceof Usage || (e as NodeJS.ErrnoException).code) return fail((e as Error).message);
    throw e;
  }

  if (sub === 'create' && options) {
    const built = buildLabelingJob(options);
    // A dry run works offline (no credentials, no network), so display names are not looked up:
    // the request shows them in the name's place and a note (also in the JSON) says so.
    if (v['dry-run'] && built.ok) {
      if (v.dataset && !/^(\d+|projects\/.+)$/.test(v.dataset)) built.warnings.push(`"${v.dataset}" is not a numeric dataset id; without --dry-run it is looked up by display name.`);
      for (const p of v['specialist-pool'] ?? []) {
        if (!p.includes('/') && !/^\d+$/.test(p)) built.warnings.push(`"${p}" is not a numeric specialist pool id; without --dry-run it is looked up by display name.`);
      }
    }
    for (const w of built.warnings) io.err(`vertex-datasets label create: note: ${w}\n`);
    if (!built.ok) {
      printProblems(io, 'label create', built.problems, json);
      return 2;
    }
    if (v['dry-run']) {
      if (json) printJson(io, { request: built.request, estimate: built.estimate, warnings: built.warnings, upload: localPdf ? { from: localPdf.path, to: built.request.dataLabelingJob.instructionUri } : undefined });
      else io.out(`${JSON.stringify(built.request, null, 2)}\n${built.estimate?.text ?? 'Estimated labeling cost: pass --items N for an estimate.'}\n`);
      return 0;
    }
  }

  let opened;
  try {
    opened = await open(v);
  } catch (e) {
    return fail(await cloudErrorMessage(e, v), ['MissingProjectError', 'InvalidRegionError'].includes((e as Error).name) ? 2 : 1);
  }
  const { cloud, project, region, conn } = opened;
  const parent = `projects/${project}/locations/${region}`;
  try {
    switch (sub) {
      case 'create': {
        // Rebuild against the connected project (local mode fixes the project) and the resolved dataset.
        const dataset = await resolveDataset(opened, options!.dataset);
        const specialistPools: string[] = [];
        for (const p of v['specialist-pool'] ?? []) specialistPools.push(await resolveSpecialistPool(opened, p));
        let built = buildLabelingJob({ ...options!, project, location: region, dataset, specialistPools });
        if (!built.ok) {
          printProblems(io, 'label create', built.problems, json);
          return 2;
        }
        if (options!.itemCount === undefined) {
          const ds = await conn.vertex.getDataset(built.request.dataLabelingJob.datasets[0]).catch(() => undefined);
          if (ds) built = buildLabelingJob({ ...options!, project, location: region, dataset, specialistPools, itemCount: ds.itemCount });
        }
        if (!built.ok) return 2;
        if (localPdf) {
          const planned = built.request.dataLabelingJob.instructionUri;
          const placed = await conn.gcs.place(planned, localPdf.data, { contentType: 'application/pdf' });
          built.request.dataLabelingJob.instructionUri = placed.uri;
          if (!json) {
            if (placed.renamed) io.err(`${planned} holds a different file (kept: other labeling jobs may use it)\n`);
            io.err(placed.uploaded ? `Uploaded ${localPdf.path} to ${placed.uri}\n` : `${localPdf.path} is already at ${placed.uri}: not uploaded again\n`);
          }
        }
        const job = await cloud.createDataLabelingJob(built.request);
        if (json) printJson(io, { job, estimate: built.estimate });
        else io.out(`Created ${job.name}\n${describe(job)}${built.estimate?.text ?? ''}\n`);
        return 0;
      }
      case 'list': {
        const jobs = await cloud.listDataLabelingJobs(parent, v.filter);
        if (json) printJson(io, jobs);
        else if (!jobs.length) io.out(`No data labeling jobs in ${parent}.\n`);
        else for (const j of jobs) io.out(`${j.id}  ${j.state.padEnd(10)} ${String(j.labelingProgress).padStart(3)}%  $${(j.currentSpend?.amount ?? 0).toFixed(2).padStart(8)}  ${plural(j.labelerCount, 'labeler')}  ${j.displayName}${j.specialistPools.length ? `  pools: ${j.specialistPools.map((p) => p.split('/').pop()).join(',')}` : ''}\n`);
        return 0;
      }
      case 'get':
      case 'cancel':
      case 'delete':
        return await runJobVerb(io, json, sub, fullName(project, region, 'dataLabelingJobs', target), {
          get: (n) => cloud.getDataLabelingJob(n),
          cancel: (n) => cloud.cancelDataLabelingJob(n),
          delete: (n) => cloud.deleteDataLabelingJob(n),
          describe,
        });
      case 'pools': {
        const pools = await cloud.listSpecialistPools(parent);
        if (json) printJson(io, pools);
        else if (!pools.length) io.out(`No specialist pools in ${parent}.\n`);
        else for (const p of pools) io.out(`${p.name}  ${p.displayName}  (${p.managerCount} manager${p.managerCount === 1 ? '' : 's'})\n`);
        return 0;
      }
    }
    return 2;
  } catch (e) {
    if (e instanceof Usage) return fail(e.message);
    return fail(await cloudErrorMessage(e, v), 1);
  } finally {
    await opened.close();
  }
}
