/**
 * `vertex-datasets train create|list|get|cancel|delete|evaluations|export|objectives`:
 * AutoML training pipelines from the command line, with the same request builder and checks
 * as the editor's "Train with AutoML…" wizard. `--dry-run` prints the exact request.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommand } from '../args';
import type { CliIo } from '../io';
import { OBJECTIVES, OBJECTIVE_IDS, milliToNodeHours } from '../../core/training/objectives';
import type { SplitOption, TrainingOptions } from '../../core/training/pipeline';
import { DEFAULT_FRACTIONS, buildTrainingPipeline } from '../../core/training/pipeline';
import type { ColumnProfile, TablesTransformationKind, Transformation } from '../../core/training/tabular';
import { TABLES_TRANSFORMATIONS } from '../../core/training/tabular';
import { sliceMetricsText } from '../../core/training/evaluation';
import { ARTIFACT_DESTINATION_HINT, IMAGE_DESTINATION_HINT, defaultExportFormat, exportDestinationProblem, parseExportDestination } from '../../core/training/export';
import type { PipelineSummary } from '../../cloud/training';
import {
  CONNECTION_HELP, CONNECTION_OPTIONS, Usage, cloudErrorMessage, fullName, open, outputMode, parseKeyValues, parseList, parseNumber, printJson, printProblems, projectFor, regionOf, resolveDataset, runJobVerb,
} from '../cloudCommand';

export const HELP = `Usage: vertex-datasets train <subcommand> [options]

Subcommands:
  objectives                       objectives, model types and budget ranges AutoML accepts
  create OBJECTIVE --dataset ID    build, check and launch an AutoML training pipeline
  list                             training pipelines in the project and region
  get PIPELINE                     one pipeline: state, objective, budget, elapsed time, error
  cancel PIPELINE                  ask Vertex AI to stop a pipeline
  delete PIPELINE                  delete a stopped pipeline
  evaluations MODEL                evaluation metrics and per-label slices of a trained model
  export MODEL --format ID --to DESTINATION   export a model in a format it supports: files to
                                   gs://BUCKET/PREFIX, a container image to
                                   LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE[:TAG] or
                                   gcr.io/PROJECT/IMAGE[:TAG], as the format exports (ARTIFACT, IMAGE);
                                   without --format, the model's first format that fits --to

Options for create:
  --dataset ID|NAME                dataset id, resource name or display name (required)
  --display-name NAME              pipeline display name (default: OBJECTIVE-DATE)
  --model-name NAME                display name of the uploaded model (default: the pipeline's)
  --model-id ID                    id for the uploaded model
  --model-type TYPE                e.g. CLOUD, MOBILE_TF_VERSATILE_1 (see "train objectives")
  --budget NODE_HOURS              training budget in node hours (default per objective)
  --disable-early-stopping         use the whole budget
  --split SPEC                     fraction[:T,V,E] (default 0.8,0.1,0.1) | filter[:TRAIN;VALID;TEST] |
                                   predefined:KEY | stratified:KEY[:T,V,E] | timestamp:KEY[:T,V,E]
  --target COLUMN                  tabular/forecasting target column
  --objective-metric NAME          optimization objective (e.g. maximize-au-prc, minimize-mae)
  --recall V / --precision V       value for maximize-precision-at-recall / maximize-recall-at-precision
  --weight COLUMN                  weight column
  --source FILE.csv                the tabular source CSV: its column profile (types, nulls, distinct values)
                                   checks the columns and defaults the transformations
  --profile FILE.json              a column profile instead (array of {name, inferredType, nulls, distinct})
  --columns A,B,C                  feature columns with automatic transformations (when no profile)
  --transformation KIND:COLUMN     explicit transformation (repeatable; KIND: ${TABLES_TRANSFORMATIONS.join(', ')})
  --time-column C / --series-column C / --horizon N / --context-window N
  --granularity UNIT[:QUANTITY]    forecasting data granularity, e.g. day, minute:15
  --quantiles Q1,Q2                quantiles for minimize-quantile-loss
  --label K=V                      pipeline label (repeatable)
  --dry-run                        print the request and the cost estimate; do not launch
  --wait                           follow the pipeline until it ends (Ctrl-C stops following;
                                   the pipeline keeps running)

${CONNECTION_HELP}

Exit status: 0 ok; 1 the service refused or the pipeline failed; 2 usage problem or invalid options;
130 create --wait interrupted (the pipeline keeps running).
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  dataset: { type: 'string' },
  'display-name': { type: 'string' },
  'model-name': { type: 'string' },
  'model-id': { type: 'string' },
  'model-type': { type: 'string' },
  budget: { type: 'string' },
  'disable-early-stopping': { type: 'boolean' },
  split: { type: 'string' },
  target: { type: 'string' },
  'objective-metric': { type: 'string' },
  recall: { type: 'string' },
  precision: { type: 'string' },
  weight: { type: 'string' },
  profile: { type: 'string' },
  source: { type: 'string' },
  columns: { type: 'string' },
  transformation: { type: 'string', multiple: true },
  'time-column': { type: 'string' },
  'series-column': { type: 'string' },
  horizon: { type: 'string' },
  'context-window': { type: 'string' },
  granularity: { type: 'string' },
  quantiles: { type: 'string' },
  label: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  wait: { type: 'boolean' },
  'poll-ms': { type: 'string' },
  format: { type: 'string' },
  to: { type: 'string' },
  filter: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function fractions(flag: string, s: string | undefined): { training: number; validation: number; test: number } {
  if (!s) return { ...DEFAULT_FRACTIONS };
  const parts = s.split(',').map((x) => parseNumber(flag, x) ?? NaN);
  if (parts.length !== 3) throw new Usage(`${flag} fractions are TRAINING,VALIDATION,TEST, e.g. 0.8,0.1,0.1`);
  return { training: parts[0], validation: parts[1], test: parts[2] };
}

export function parseSplit(spec: string): SplitOption {
  const [kind, ...rest] = spec.split(':');
  const arg = rest.join(':');
  switch (kind) {
    case 'fraction':
      return { kind: 'fraction', ...fractions('--split fraction', arg || undefined) };
    case 'filter': {
      if (!arg) return { kind: 'filter' };
      const [training, validation, test] = arg.split(';');
      if (test === undefined) throw new Usage('--split filter:TRAIN;VALID;TEST takes three filters separated by ";" (use - to match nothing)');
      return { kind: 'filter', training, validation, test };
    }
    case 'predefined':
      if (!arg) throw new Usage('--split predefined:KEY needs the split column');
      return { kind: 'predefined', key: arg };
    case 'stratified':
    case 'timestamp': {
      const [key, f] = [rest[0], rest[1]];
      if (!key) throw new Usage(`--split ${kind}:KEY needs the key column`);
      return { kind, key, ...fractions(`--split ${kind}`, f) };
    }
    default:
      throw new Usage(`--split must start with fraction, filter, predefined, stratified or timestamp, not "${kind}"`);
  }
}

function parseTransformations(values: string[] | undefined, columns: string | undefined): Transformation[] | undefined {
  const out: Transformation[] = [];
  for (const v of values ?? []) {
    const i = v.indexOf(':');
    const kind = v.slice(0, i) as TablesTransformationKind;
    if (i <= 0 || !TABLES_TRANSFORMATIONS.includes(kind)) throw new Usage(`--transformation takes KIND:COLUMN with KIND one of ${TABLES_TRANSFORMATIONS.join(', ')}, not "${v}"`);
    out.push({ [kind]: { columnName: v.slice(i + 1) } });
  }
  for (const c of parseList(columns)) out.push({ auto: { columnName: c } });
  return out.length ? out : undefined;
}

async function readProfile(io: CliIo, path: string | undefined, source?: string): Promise<ColumnProfile[] | undefined> {
  if (source) {
    const { profileCsvFile } = await import('../../core/training/sourceProfile');
    let profiles: ColumnProfile[] | undefined;
    try {
      profiles = await profileCsvFile(resolve(io.cwd, source));
    } catch (e) {
      throw new Usage(`--source ${source}: ${(e as Error).message}`);
    }
    if (!profiles?.length) throw new Usage(`--source ${source}: no header row found`);
    return profiles;
  }
  if (!path) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(resolve(io.cwd, path), 'utf8'));
  } catch (e) {
    throw new Usage(`--profile ${path}: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { profile?: unknown; columns?: unknown })?.profile ?? (parsed as { columns?: unknown })?.columns;
  if (!Array.isArray(list) || !list.every((c) => c && typeof c.name === 'string' && typeof c.inferredType === 'string')) {
    throw new Usage(`--profile ${path}: expected a JSON array of {name, inferredType, nulls, distinct} column profiles`);
  }
  return list as ColumnProfile[];
}

export function createOptions(objective: string, v: Values, project: string, region: string, profiles: ColumnProfile[] | undefined): TrainingOptions {
  const [unit, qty] = (v.granularity ?? '').split(':');
  return {
    objective,
    project,
    location: region,
    dataset: v.dataset ?? '',
    displayName: v['display-name'] ?? `${objective}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`,
    modelDisplayName: v['model-name'],
    modelId: v['model-id'],
    modelType: v['model-type'],
    budgetNodeHours: parseNumber('--budget', v.budget),
    disableEarlyStopping: v['disable-early-stopping'] ? true : undefined,
    split: v.split ? parseSplit(v.split) : undefined,
    labels: parseKeyValues('--label', v.label),
    targetColumn: v.target,
    optimizationObjective: v['objective-metric'],
    recallValue: parseNumber('--recall', v.recall),
    precisionValue: parseNumber('--precision', v.precision),
    weightColumn: v.weight,
    transformations: parseTransformations(v.transformation, v.columns),
    columnProfiles: profiles,
    timeColumn: v['time-column'],
    timeSeriesIdentifierColumn: v['series-column'],
    forecastHorizon: parseNumber('--horizon', v.horizon),
    contextWindow: parseNumber('--context-window', v['context-window']),
    granularityUnit: v.granularity ? unit : undefined,
    granularityQuantity: qty ? parseNumber('--granularity', qty) : undefined,
    quantiles: v.quantiles ? parseList(v.quantiles).map((q) => parseNumber('--quantiles', q) ?? NaN) : undefined,
  };
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
/** Waits `ms`, or less when `signal` aborts first. */
function pauseUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `work`'s result, or undefined as soon as `signal` aborts (the call itself is left to finish). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** Polls in a row that may fail transiently before `--wait` gives up following. */
const WAIT_FAILURES = 10;

function elapsed(p: PipelineSummary): string {
  if (!p.startTime) return '';
  const ms = (p.endTime ? Date.parse(p.endTime) : Date.now()) - Date.parse(p.startTime);
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function objectiveOf(p: PipelineSummary): string {
  const o = OBJECTIVE_IDS.map((id) => OBJECTIVES[id]).find((x) => x.definitionUri === p.trainingTaskDefinition);
  const inputs = p.trainingTaskInputs as { multiLabel?: boolean; predictionType?: string } | null;
  if (o?.id.startsWith('image-classification')) return inputs?.multiLabel ? 'image-classification-multi-label' : 'image-classification-single-label';
  if (o?.id.startsWith('tabular')) return inputs?.predictionType === 'regression' ? 'tabular-regression' : 'tabular-classification';
  return o?.id ?? p.trainingTaskDefinition;
}

function budgetOf(p: PipelineSummary): string {
  const i = p.trainingTaskInputs as { budgetMilliNodeHours?: number | string; trainBudgetMilliNodeHours?: number | string } | null;
  const b = i?.budgetMilliNodeHours ?? i?.trainBudgetMilliNodeHours;
  return b === undefined ? '-' : `${milliToNodeHours(Number(b))} node h`;
}

function describe(p: PipelineSummary): string {
  const parts = [`${p.displayName} (${p.name})`, `  state: ${p.state}`, `  objective: ${objectiveOf(p)}`, `  budget: ${budgetOf(p)}`];
  const e = elapsed(p);
  if (e) parts.push(`  elapsed: ${e}`);
  if (p.modelName) parts.push(`  model: ${p.modelName}`);
  if (p.error) parts.push(`  error: ${p.error.message} (code ${p.error.code})`);
  return parts.join('\n') + '\n';
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('train', args, io, OPTIONS, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, target] = positionals;
  if (!sub) {
    io.out(HELP);
    return 2;
  }
  const fail = (reason: string, code = 2) => {
    io.err(`vertex-datasets train ${sub}: ${reason}\n`);
    return code;
  };
  let json: boolean;
  try {
    json = outputMode(v) === 'json';
  } catch (e) {
    return fail((e as Error).message);
  }

  if (sub === 'objectives') {
    const list = OBJECTIVE_IDS.map((id) => OBJECTIVES[id]);
    if (json) printJson(io, list);
    else {
      for (const o of list) {
        io.out(`${o.id}: ${o.title}${o.discontinued ? ' — not trainable: AutoML text training was discontinued' : ''}\n`);
        if (o.discontinued) continue;
        const budget = (b?: { min: number; max: number; default: number }) => (b ? `budget ${milliToNodeHours(b.min)}–${milliToNodeHours(b.max)} node hours, default ${milliToNodeHours(b.default)}` : 'no budget');
        if (o.budget) io.out(`  ${budget(o.budget)}\n`);
        for (const m of o.modelTypes) io.out(`  ${m.id}: ${m.description} (${budget(m.budget)})\n`);
        io.out(`  splits: ${o.splits.join(', ')}\n`);
      }
    }
    return 0;
  }

  const needsTarget = ['create', 'get', 'cancel', 'delete', 'evaluations', 'export'];
  if (!['list', ...needsTarget].includes(sub)) return fail(`unknown subcommand (try --help)`);
  if (needsTarget.includes(sub) && !target) return fail(sub === 'create' ? 'give the OBJECTIVE (see "train objectives")' : 'give the resource id or name');

  if (sub === 'create') {
    let profiles: ColumnProfile[] | undefined;
    let project: string | undefined;
    try {
      project = await projectFor(v);
      profiles = await readProfile(io, v.profile, v.source);
      createOptions(target, v, '', '', profiles);
    } catch (e) {
      if (e instanceof Usage) return fail(e.message);
      throw e;
    }
    if (v['dry-run']) {
      const result = buildTrainingPipeline(createOptions(target, v, project ?? '', regionOf(v), profiles));
      if (result.ok && v.dataset && !/^(\d+|projects\/.+)$/.test(v.dataset)) result.warnings.push(`"${v.dataset}" is not a numeric dataset id; without --dry-run it is looked up by display name.`);
      for (const w of result.warnings) io.err(`vertex-datasets train create: note: ${w}\n`);
      if (!result.ok) {
        printProblems(io, 'train create', result.problems, json);
        return 2;
      }
      if (json) printJson(io, { request: result.request, estimate: result.estimate, warnings: result.warnings });
      else io.out(`${JSON.stringify(result.request, null, 2)}\n${result.estimate?.text ?? ''}\n(${result.estimate?.source})\n`);
      return 0;
    }
    let opened;
    try {
      opened = await open(v);
    } catch (e) {
      return fail(await cloudErrorMessage(e, v), ['MissingProjectError', 'InvalidRegionError'].includes((e as Error).name) ? 2 : 1);
    }
    try {
      let dataset: string;
      try {
        dataset = v.dataset ? await resolveDataset(opened, v.dataset) : '';
      } catch (e) {
        if (e instanceof Usage) return fail(e.message);
        throw e;
      }
      const result = buildTrainingPipeline({ ...createOptions(target, v, opened.project, opened.region, profiles), dataset });
      for (const w of result.warnings) io.err(`vertex-datasets train create: note: ${w}\n`);
      if (!result.ok) {
        printProblems(io, 'train create', result.problems, json);
        return 2;
      }
      let p = await opened.cloud.createTrainingPipeline(result.request);
      if (!json) io.out(`Launched ${p.name}\n${result.estimate?.text ?? ''}\n`);
      if (v.wait) {
        const pollMs = parseNumber('--poll-ms', v['poll-ms']) ?? 10000;
        let last = '';
        let failedPolls = 0;
        // Ctrl-C stops following, not the pipeline: it runs on in Vertex AI, and the user is told
        // how to follow or cancel it. A second Ctrl-C quits at once.
        const interrupted = new AbortController();
        const quit = () => process.exit(130);
        const onInterrupt = () => {
          interrupted.abort();
          process.once('SIGINT', quit);
        };
        process.once('SIGINT', onInterrupt);
        try {
          while (!TERMINAL.includes(p.state)) {
            if (p.state !== last && !json) io.err(`  ${p.state}\n`);
            last = p.state;
            await pauseUnless(pollMs, interrupted.signal);
            if (interrupted.signal.aborted) break;
            try {
              const next = await untilAborted(opened.cloud.getTrainingPipeline(p.name), interrupted.signal);
              if (!next) break;
              p = next;
              failedPolls = 0;
            } catch (e) {
              // The pipeline runs on whatever happens here: a passing outage only delays the next look.
              const { describeCloudError } = await import('../../core/cloud/errors');
              const info = describeCloudError(e, { service: 'vertex', project: opened.project, location: opened.region });
              if (!info.retryable || ++failedPolls >= WAIT_FAILURES) {
                io.err(`vertex-datasets train create: stopped following ${p.name}, which keeps running; follow it with \`vertex-datasets train get ${p.id}\`.\n`);
                throw e;
              }
              if (!json) io.err(`  could not read the pipeline's state (${info.original}); still waiting\n`);
            }
          }
        } finally {
          process.removeListener('SIGINT', onInterrupt);
          process.removeListener('SIGINT', quit);
        }
        if (interrupted.signal.aborted) {
          io.err(`vertex-datasets train create: interrupted; stopped following ${p.name}, which keeps running in Vertex AI (last seen ${p.state}). `
            + `Follow it with \`vertex-datasets train get ${p.id}\`, or stop it with \`vertex-datasets train cancel ${p.id}\`.\n`);
          if (json) printJson(io, { pipeline: p, estimate: result.estimate });
          return 130;
        }
        if (!json) io.err(`  ${p.state}\n`);
      }
      if (json) printJson(io, { pipeline: p, estimate: result.estimate });
      else io.out(describe(p));
      return p.state === 'FAILED' || p.state === 'CANCELLED' ? 1 : 0;
    } catch (e) {
      if (e instanceof Usage) return fail(e.message);
      return fail(await cloudErrorMessage(e, v), 1);
    } finally {
      await opened.close();
    }
  }

  let opened;
  try {
    opened = await open(v);
  } catch (e) {
    if (e instanceof Usage) return fail(e.message);
    return fail(await cloudErrorMessage(e, v), ['MissingProjectError', 'InvalidRegionError'].includes((e as Error).name) ? 2 : 1);
  }
  const { cloud, project, region } = opened;
  try {
    const parent = `projects/${project}/locations/${region}`;
    switch (sub) {
      case 'list': {
        const list = await cloud.listTrainingPipelines(parent, v.filter);
        if (json) printJson(io, list);
        else if (!list.length) io.out(`No training pipelines in ${parent}.\n`);
        else for (const p of list) io.out(`${p.id}  ${p.state.padEnd(10)} ${objectiveOf(p).padEnd(34)} ${budgetOf(p).padEnd(12)} ${elapsed(p).padEnd(8)} ${p.displayName}${p.error ? `  error: ${p.error.message}` : ''}\n`);
        return 0;
      }
      case 'get':
      case 'cancel':
      case 'delete':
        return await runJobVerb(io, json, sub, fullName(project, region, 'trainingPipelines', target), {
          get: (n) => cloud.getTrainingPipeline(n),
          cancel: (n) => cloud.cancelTrainingPipeline(n),
          delete: (n) => cloud.deleteTrainingPipeline(n),
          describe,
        });
      case 'evaluations': {
        const model = fullName(project, region, 'models', target);
        const evaluations = await cloud.listModelEvaluations(model);
        const out = [];
        for (const e of evaluations) out.push({ ...e, slices: await cloud.listModelEvaluationSlices(e.name) });
        if (json) printJson(io, out);
        else {
          if (!out.length) io.out(`${model} has no evaluations.\n`);
          for (const e of out) {
            const m = (e.metrics ?? {}) as Record<string, unknown>;
            io.out(`${e.displayName || e.name}  (${e.metricsSchemaUri.split('/').pop()})\n`);
            for (const k of ['auPrc', 'auRoc', 'logLoss', 'rootMeanSquaredError', 'meanAbsoluteError', 'rSquared', 'boundingBoxMeanAveragePrecision']) if (typeof m[k] === 'number') io.out(`  ${k}: ${m[k]}\n`);
            // Figures at the 0.5 threshold, which the console and the editor's evaluation view report; the list starts at 0.
            for (const s of e.slices) io.out(`  ${s.value}: ${sliceMetricsText(s.metrics)}\n`);
          }
        }
        return 0;
      }
      case 'export': {
        const model = fullName(project, region, 'models', target);
        if (!v.to) return fail(`--to is required: ${ARTIFACT_DESTINATION_HINT} for a format that exports files, ${IMAGE_DESTINATION_HINT} for one that exports a container image`);
        const destination = parseExportDestination(v.to);
        if ('error' in destination) return fail(`--to: ${destination.error}`);
        const m = await cloud.getModel(model);
        if (!m.supportedExportFormats.length) return fail(`${model} cannot be exported: its model type is served only within Google Cloud`, 1);
        const formats = m.supportedExportFormats.map((f) => `${f.id} (${f.exportableContents.join(', ')})`).join(', ');
        const chosen = v.format === undefined ? defaultExportFormat(m.supportedExportFormats, destination) : m.supportedExportFormats.find((f) => f.id === v.format);
        if (!chosen) {
          if (v.format !== undefined) return fail(`${model} does not support export format "${v.format}"; it supports: ${formats}`);
          return fail(`${model} has no export format that exports ${destination.kind === 'image' ? 'a container image' : 'files'}; its formats: ${formats}. ${destination.kind === 'image' ? `Give --to ${ARTIFACT_DESTINATION_HINT}` : `Give --to ${IMAGE_DESTINATION_HINT}`}`);
        }
        const problem = exportDestinationProblem(chosen, destination);
        if (problem) return fail(`--to ${v.to}: ${problem}`);
        const format = chosen.id;
        const res = await cloud.exportModel(model, format, destination.kind === 'image' ? { imageUri: destination.imageUri } : { outputUriPrefix: destination.outputUriPrefix });
        if (json) printJson(io, { model, format, destination: destination.kind, outputUri: res.outputUri });
        else io.out(`Exported ${model} as ${format} to ${res.outputUri ?? v.to}\n`);
        return 0;
      }
    }
    return 2;
  } catch (e) {
    return fail(await cloudErrorMessage(e, v), 1);
  } finally {
    await opened.close();
  }
}
