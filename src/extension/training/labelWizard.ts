/**
 * "Create Labeling Job…": dataset, task, labels (typed or from a file), instructions PDF from the
 * workspace (uploaded to Cloud Storage), labelers per item, specialist pool, optional active
 * learning; a review step with the cost estimate; then CreateDataLabelingJob.
 */
import type { DatasetSummary } from '../../cloud/vertex';
import type { LabelingJobSummary, SpecialistPoolSummary, TrainingCloud } from '../../cloud/training';
import type { CreateDataLabelingJobRequest, LabelingOptions } from '../../core/training/labeling';
import { LABELER_COUNTS, LABELING_TASKS, buildLabelingJob, instructionsUploadUri } from '../../core/training/labeling';
import type { LabelingEstimate } from '../../core/training/cost';
import type { WizardUi } from '../cloud/importWizard';

export interface LabelTarget {
  project: string;
  location: string;
  listDatasets(): Promise<DatasetSummary[]>;
  cloud(): Promise<TrainingCloud>;
  /** Workspace PDFs the instructions can come from (relative path → reader). */
  listPdfs(): Promise<{ path: string; read(): Promise<Uint8Array> }[]>;
  /** Uploads bytes to a gs:// URI; returns where they are when that differs (an existing different file is never replaced). */
  upload(uri: string, data: Uint8Array): Promise<string | void>;
  /** Default upload location (the import bucket setting, or the local bucket). */
  defaultBucket?: string;
}

export interface LabelResult {
  request: CreateDataLabelingJobRequest;
  estimate?: LabelingEstimate;
  job: LabelingJobSummary;
}

export async function createLabelingJob(target: LabelTarget, ui: WizardUi, preset: { dataset?: DatasetSummary; labels?: string[] } = {}): Promise<LabelResult | undefined> {
  let dataset = preset.dataset;
  if (!dataset) {
    const all = (await target.listDatasets()).filter((d) => d.dataType === 'image' || d.dataType === 'video' || d.dataType === 'text');
    if (!all.length) throw new Error('there are no image, video or text datasets to label in this project and region');
    const p = await ui.pick('Label which dataset?', all.map((d) => ({ label: d.displayName, description: `${d.dataType} · ${d.itemCount} items`, value: d.name })));
    if (!p) return undefined;
    dataset = all.find((d) => d.name === p.value)!;
  }
  const tasks = LABELING_TASKS.filter((t) => t.dataType === dataset!.dataType);
  const t = await ui.pick('Labeling task', tasks.map((x) => ({ label: x.title, description: x.confirmed ? undefined : 'schema not confirmed by Google samples', detail: x.inputsSchemaUri, value: x.id })));
  if (!t) return undefined;
  const labelsText = await ui.input('Labels', 'The labels labelers choose from, separated by commas', (preset.labels ?? []).join(', '), (v) => (v.split(',').some((x) => x.trim()) ? undefined : 'Give at least one label'));
  if (labelsText === undefined) return undefined;
  const labels = labelsText.split(',').map((x) => x.trim()).filter(Boolean);

  const pdfs = await target.listPdfs();
  let instructionUri: string;
  let upload: { path: string; read(): Promise<Uint8Array> } | undefined;
  let pdfBytes: Uint8Array | undefined;
  const pdfPick = await ui.pick('Instructions for the labelers (PDF)', [
    ...pdfs.map((p) => ({ label: p.path, description: 'upload from the workspace', value: `file:${p.path}` })),
    { label: 'A PDF already in Cloud Storage…', value: 'gs' },
  ]);
  if (!pdfPick) return undefined;
  if (pdfPick.value === 'gs') {
    const uri = await ui.input('Instructions PDF in Cloud Storage', 'gs://bucket/path/instructions.pdf', 'gs://', (v) => (/^gs:\/\/[^/]+\/.+\.pdf$/i.test(v.trim()) ? undefined : 'Expected gs://bucket/path/file.pdf'));
    if (uri === undefined) return undefined;
    instructionUri = uri.trim();
  } else {
    upload = pdfs.find((p) => `file:${p.path}` === pdfPick.value)!;
    const dest = await ui.input('Upload the instructions to', 'A Cloud Storage folder (gs://bucket/prefix)', target.defaultBucket ?? 'gs://', (v) => (/^gs:\/\/[^/]+/.test(v.trim()) ? undefined : 'Expected gs://bucket or gs://bucket/prefix'));
    if (dest === undefined) return undefined;
    // The bytes name the object, so the review below shows the URI the job gets.
    pdfBytes = await upload.read();
    instructionUri = instructionsUploadUri(dest.trim(), upload.path.split('/').pop() ?? 'instructions.pdf', pdfBytes);
  }
  const count = await ui.pick('Labelers per item', LABELER_COUNTS.map((n) => ({ label: String(n), description: n === 1 ? 'cheapest' : `each item labeled by ${n} people; +${(n - 1) * 25}% cost`, value: String(n) })));
  if (!count) return undefined;

  const cloud = await target.cloud();
  const parent = `projects/${target.project}/locations/${target.location}`;
  let pools: SpecialistPoolSummary[] = [];
  try {
    pools = await cloud.listSpecialistPools(parent);
  } catch {
    // Listing pools needs its own permission; without it the job uses Google's labelers.
  }
  const pool = await ui.pick('Specialist pool', [{ label: "Google's labelers", description: 'no specialist pool', value: '' }, ...pools.map((p) => ({ label: p.displayName, description: p.name, value: p.name }))]);
  if (!pool) return undefined;

  const al = await ui.pick('Active learning', [
    { label: 'Label every item', value: 'none' },
    { label: 'Active learning: at most N items', value: 'count' },
    { label: 'Active learning: at most a percentage of items', value: 'percent' },
  ]);
  if (!al) return undefined;
  const options: LabelingOptions = {
    project: target.project,
    location: target.location,
    dataset: dataset.name,
    displayName: '',
    task: t.value,
    labels,
    instructionUri,
    labelerCount: Number(count.value),
    specialistPools: pool.value ? [pool.value] : undefined,
    itemCount: dataset.itemCount,
  };
  if (al.value !== 'none') {
    const isCount = al.value === 'count';
    const n = await ui.input(isCount ? 'Items to label at most' : 'Percentage of items to label at most', isCount ? 'A whole number' : '1 to 100', isCount ? String(Math.ceil(dataset.itemCount / 2)) : '50', (v) => {
      const x = Number(v);
      return Number.isInteger(x) && x >= 1 && (isCount || x <= 100) ? undefined : isCount ? 'A whole number, at least 1' : 'A whole number from 1 to 100';
    });
    if (n === undefined) return undefined;
    const batches = await ui.input('Batch sample percentages (optional)', 'Initial and following batch sizes in percent, e.g. 10,5 (empty: Vertex decides)', '', (v) =>
      !v.trim() || /^\s*\d{1,3}\s*,\s*\d{1,3}\s*$/.test(v) ? undefined : 'Two whole numbers, e.g. 10,5',
    );
    if (batches === undefined) return undefined;
    const [initial, following] = batches.trim() ? batches.split(',').map((x) => Number(x.trim())) : [undefined, undefined];
    options.activeLearning = { ...(isCount ? { maxDataItemCount: Number(n) } : { maxDataItemPercentage: Number(n) }), initialBatchSamplePercentage: initial, followingBatchSamplePercentage: following };
  }
  const name = await ui.input('Labeling job name', 'Display name (at most 128 characters)', `${dataset.displayName}-labeling`.slice(0, 128), (v) => (!v.trim() ? 'Give the job a name' : v.length > 128 ? 'At most 128 characters' : undefined));
  if (name === undefined) return undefined;
  options.displayName = name.trim();

  const built = buildLabelingJob(options);
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join(' '));
  const review = [
    `Dataset: ${dataset.displayName} (${dataset.itemCount} items)`,
    `Task: ${LABELING_TASKS.find((x) => x.id === t.value)?.title}`,
    `Labels: ${labels.join(', ')}`,
    `Instructions: ${instructionUri}${upload ? ` (uploaded from ${upload.path})` : ''}`,
    `Labelers per item: ${options.labelerCount}${pool.value ? `, specialist pool ${pool.label}` : ''}`,
    ...built.warnings,
    '',
    built.estimate ? `${built.estimate.text} This is an ESTIMATE from approximate prices; Vertex AI bills actual labeling.` : '',
  ].join('\n');
  const go = await ui.confirm(`Create labeling job "${options.displayName}"?`, review, 'Create Labeling Job');
  if (!go) return undefined;
  let movedTo: string | undefined;
  if (pdfBytes) {
    const at = await target.upload(instructionUri, pdfBytes);
    if (at && at !== instructionUri) built.request.dataLabelingJob.instructionUri = movedTo = at;
  }
  const job = await cloud.createDataLabelingJob(built.request);
  void ui.notify('info', `Labeling job ${job.displayName} created (${job.state}). Follow it in the Labeling Jobs view.${movedTo ? ` ${instructionUri} holds a different file, which was kept; the instructions are at ${movedTo}.` : ''}`);
  return { request: built.request, estimate: built.estimate, job };
}
