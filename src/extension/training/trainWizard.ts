/**
 * "Train with AutoML…": prompt steps collect the choices through the injectable WizardUi (tests
 * script it), the core builder checks them and produces the exact CreateTrainingPipeline
 * request, a review step shows it with the cost estimate, and the execute step launches it.
 */
import type { DatasetSummary } from '../../cloud/vertex';
import type { PipelineSummary, TrainingCloud } from '../../cloud/training';
import type { ObjectiveInfo, TrainingDataType } from '../../core/training/objectives';
import { OBJECTIVE_IDS, OBJECTIVES, budgetRange, milliToNodeHours, objectivesForFormat } from '../../core/training/objectives';
import { FORMATS } from '../../core/formats';
import type { FormatId } from '../../core/formats';
import type { CreateTrainingPipelineRequest, SplitOption, TrainingOptions } from '../../core/training/pipeline';
import { DEFAULT_FRACTIONS, buildTrainingPipeline, defaultFilterSplit } from '../../core/training/pipeline';
import type { TrainingEstimate } from '../../core/training/cost';
import type { ColumnProfile } from '../../core/training/tabular';
import { FORECASTING_OBJECTIVES, GRANULARITY_QUANTITIES, GRANULARITY_UNITS, optimizationObjectives } from '../../core/training/tabular';
import type { WizardUi } from '../cloud/importWizard';

export interface TrainTarget {
  project: string;
  location: string;
  /** Datasets to choose from when the wizard was not started on one. */
  listDatasets(): Promise<DatasetSummary[]>;
  cloud(): Promise<TrainingCloud>;
}

export interface TrainResult {
  request: CreateTrainingPipelineRequest;
  estimate?: TrainingEstimate;
  pipeline: PipelineSummary;
}

const DATA_TYPE: Record<string, TrainingDataType> = { image: 'image', video: 'video', text: 'text', tabular: 'tabular', time_series: 'time-series' };

function objectivesFor(d: DatasetSummary): ObjectiveInfo[] {
  const t = DATA_TYPE[d.dataType ?? ''];
  return OBJECTIVE_IDS.map((id) => OBJECTIVES[id]).filter((o) => o.dataType === t);
}

/** Asks for a number in a range; undefined when the user cancels. */
async function askNumber(ui: WizardUi, title: string, prompt: string, value: string, check: (n: number) => string | undefined): Promise<number | undefined> {
  const s = await ui.input(title, prompt, value, (v) => {
    const n = Number(v);
    return v.trim() === '' || !Number.isFinite(n) ? 'Enter a number' : check(n);
  });
  return s === undefined ? undefined : Number(s);
}

async function askColumn(ui: WizardUi, title: string, prompt: string, columns: string[] | undefined, optional = false): Promise<string | undefined | null> {
  if (columns?.length) {
    const items = columns.map((c) => ({ label: c, value: c }));
    if (optional) items.unshift({ label: '(none)', value: '' });
    const p = await ui.pick(title, items);
    return p === undefined ? null : p.value || undefined;
  }
  const s = await ui.input(title, prompt, '', (v) => (!optional && !v.trim() ? 'A column name is required' : undefined));
  return s === undefined ? null : s.trim() || undefined;
}

async function askFractions(ui: WizardUi, title: string): Promise<{ training: number; validation: number; test: number } | undefined> {
  const d = DEFAULT_FRACTIONS;
  const s = await ui.input(title, 'Training, validation and test fractions, separated by commas (they may add up to less than 1)', `${d.training},${d.validation},${d.test}`, (v) => {
    const parts = v.split(',').map((x) => Number(x.trim()));
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0 || x > 1)) return 'Three numbers from 0 to 1, e.g. 0.8,0.1,0.1';
    return parts[0] + parts[1] + parts[2] > 1 + 1e-9 ? 'The fractions must add up to at most 1' : undefined;
  });
  if (s === undefined) return undefined;
  const [training, validation, test] = s.split(',').map((x) => Number(x.trim()));
  return { training, validation, test };
}

/** Runs the wizard; resolves undefined when the user stops at any step. */
export async function trainWithAutoML(
  target: TrainTarget,
  ui: WizardUi,
  preset: { dataset?: DatasetSummary; profiles?: ColumnProfile[]; /** The open import file's format: only matching datasets and objectives. */ format?: FormatId } = {},
): Promise<TrainResult | undefined> {
  let dataset = preset.dataset;
  const forFormat = preset.format ? objectivesForFormat(preset.format) : undefined;
  if (!dataset) {
    const all = (await target.listDatasets()).filter((d) => objectivesFor(d).some((o) => !forFormat || forFormat.includes(o)));
    if (!all.length && preset.format) throw new Error(`there is no ${FORMATS[preset.format].dataType} dataset in this project and region; import the file first`);
    if (!all.length) throw new Error('there are no datasets to train on in this project and region; import data first');
    const p = await ui.pick('Train on which dataset?', all.map((d) => ({ label: d.displayName, description: `${d.dataType} · ${d.itemCount} items`, value: d.name })));
    if (!p) return undefined;
    dataset = all.find((d) => d.name === p.value)!;
  }
  const ofDataset = objectivesFor(dataset);
  const narrowed = forFormat ? ofDataset.filter((o) => forFormat.includes(o)) : ofDataset;
  const objectives = narrowed.length ? narrowed : ofDataset;
  const o = await ui.pick(
    'Training objective',
    objectives.map((x) => ({ label: x.title, description: x.discontinued ? 'not trainable: AutoML text training was discontinued' : undefined, value: x.id })),
  );
  if (!o) return undefined;
  const objective = OBJECTIVES[o.value as keyof typeof OBJECTIVES];
  if (objective.discontinued) {
    void ui.notify('warning', objective.discontinued);
    return undefined;
  }
  const options: TrainingOptions = { objective: objective.id, project: target.project, location: target.location, dataset: dataset.name, displayName: '', columnProfiles: preset.profiles };
  const columns = preset.profiles?.map((c) => c.name);

  if (objective.modelTypes.length) {
    const m = await ui.pick(
      'Model type',
      objective.modelTypes.map((t) => ({ label: t.label, description: t.id, detail: t.description + (t.budget ? ` Budget ${milliToNodeHours(t.budget.min)}–${milliToNodeHours(t.budget.max)} node hours.` : ''), value: t.id })),
    );
    if (!m) return undefined;
    options.modelType = m.value;
  }
  const range = budgetRange(objective, options.modelType);
  if (range && objective.budgetField) {
    const min = milliToNodeHours(range.min);
    const max = milliToNodeHours(range.max);
    const b = await askNumber(ui, 'Training budget (node hours)', `From ${min} to ${max} node hours; the default is ${milliToNodeHours(range.default)}.`, String(milliToNodeHours(range.default)), (n) =>
      n < min || n > max ? `The budget must be from ${min} to ${max} node hours` : undefined,
    );
    if (b === undefined) return undefined;
    options.budgetNodeHours = b;
  }
  if (objective.earlyStopping) {
    const e = await ui.pick('Early stopping', [
      { label: 'Stop early when the model stops improving', description: 'default', value: 'on' },
      { label: 'Use the whole budget', value: 'off' },
    ]);
    if (!e) return undefined;
    options.disableEarlyStopping = e.value === 'off';
  }

  const structured = objective.dataType === 'tabular' || objective.dataType === 'time-series';
  if (structured) {
    const target = await askColumn(ui, 'Target column', 'The column to predict', columns);
    if (target === null) return undefined;
    options.targetColumn = target;
  }
  if (objective.dataType === 'time-series') {
    const time = await askColumn(ui, 'Time column', 'The column with each row\'s time', columns);
    if (time === null) return undefined;
    const series = await askColumn(ui, 'Time series identifier column', 'The column naming the series each row belongs to', columns);
    if (series === null) return undefined;
    const unit = await ui.pick('Data granularity', GRANULARITY_UNITS.map((u) => ({ label: u, value: u })));
    if (!unit) return undefined;
    const quantities = GRANULARITY_QUANTITIES[unit.value as (typeof GRANULARITY_UNITS)[number]];
    let quantity = quantities[0];
    if (quantities.length > 1) {
      const q = await ui.pick(`Every how many ${unit.value}s?`, quantities.map((n) => ({ label: String(n), value: String(n) })));
      if (!q) return undefined;
      quantity = Number(q.value);
    }
    const horizon = await askNumber(ui, 'Forecast horizon', `How many ${unit.value} periods ahead to forecast`, '7', (n) => (Number.isInteger(n) && n >= 1 ? undefined : 'A whole number, at least 1'));
    if (horizon === undefined) return undefined;
    Object.assign(options, { timeColumn: time, timeSeriesIdentifierColumn: series, granularityUnit: unit.value, granularityQuantity: quantity, forecastHorizon: horizon });
    const obj = await ui.pick('Optimization objective', FORECASTING_OBJECTIVES.map((x) => ({ label: x.id, description: x.isDefault ? 'default' : undefined, detail: x.description, value: x.id })));
    if (!obj) return undefined;
    options.optimizationObjective = obj.value;
    if (obj.value === 'minimize-quantile-loss') {
      const q = await ui.input('Quantiles', 'Up to 5 unique values between 0 and 1, separated by commas', '0.1,0.5,0.9', (v) => {
        const qs = v.split(',').map((x) => Number(x.trim()));
        return qs.length >= 1 && qs.length <= 5 && qs.every((x) => x > 0 && x < 1) && new Set(qs).size === qs.length ? undefined : 'Up to 5 unique values strictly between 0 and 1';
      });
      if (q === undefined) return undefined;
      options.quantiles = q.split(',').map((x) => Number(x.trim()));
    }
  } else if (objective.dataType === 'tabular') {
    const classification = objective.id === 'tabular-classification';
    let distinct = preset.profiles?.find((c) => c.name === options.targetColumn)?.distinct;
    if (classification && distinct === undefined) {
      const k = await ui.pick('How many classes does the target have?', [
        { label: 'Two (binary classification)', value: '2' },
        { label: 'More than two (multi-class)', value: '3' },
      ]);
      if (!k) return undefined;
      distinct = Number(k.value);
    }
    const valid = optimizationObjectives(classification ? 'classification' : 'regression', distinct);
    const obj = await ui.pick('Optimization objective', valid.map((x) => ({ label: x.id, description: x.isDefault ? 'default' : undefined, detail: x.description, value: x.id })));
    if (!obj) return undefined;
    options.optimizationObjective = obj.value;
    const needs = valid.find((x) => x.id === obj.value)?.needs;
    if (needs) {
      const n = await askNumber(ui, needs === 'recall' ? 'Recall to hold' : 'Precision to hold', 'A value from 0 to 1, e.g. 0.9', '0.9', (x) => (x >= 0 && x <= 1 ? undefined : 'From 0 to 1'));
      if (n === undefined) return undefined;
      if (needs === 'recall') options.recallValue = n;
      else options.precisionValue = n;
    }
    const weight = await askColumn(ui, 'Weight column (optional)', 'A numeric column weighting each row (0–10,000); leave empty for equal weights', columns, true);
    if (weight === null) return undefined;
    options.weightColumn = weight;
  }
  if (structured && !preset.profiles) {
    const cols = await ui.input('Feature columns', 'Columns to train on, separated by commas (each gets an automatic transformation)', '', (v) => (v.split(',').some((x) => x.trim()) ? undefined : 'Give at least one column'));
    if (cols === undefined) return undefined;
    options.transformations = cols.split(',').map((c) => c.trim()).filter((c) => c && c !== options.targetColumn).map((columnName) => ({ auto: { columnName } }));
  }

  const splitItems = [
    { label: 'Random fractions', description: `default ${DEFAULT_FRACTIONS.training}/${DEFAULT_FRACTIONS.validation}/${DEFAULT_FRACTIONS.test}${objective.dataType === 'time-series' ? ', assigned chronologically' : ''}`, value: 'fraction' },
    ...(objective.splits.includes('filter')
      ? [{ label: 'Use the ml_use labels from import', description: objective.dataType === 'video' ? 'training and test (video has no validation set)' : 'training, validation and test', detail: Object.values(defaultFilterSplit(objective)).join('  |  '), value: 'filter' }]
      : []),
    ...(objective.splits.includes('predefined') ? [{ label: 'Predefined split column', description: "a column holding 'training', 'validation' or 'test'", value: 'predefined' }] : []),
    ...(objective.splits.includes('stratified') ? [{ label: 'Stratified by a column', description: 'keeps the proportions of a categorical column', value: 'stratified' }] : []),
    ...(objective.splits.includes('timestamp') ? [{ label: 'By timestamp column', description: 'RFC 3339 times', value: 'timestamp' }] : []),
  ];
  const s = await ui.pick('Data split', splitItems);
  if (!s) return undefined;
  let split: SplitOption;
  if (s.value === 'fraction') {
    const f = await askFractions(ui, 'Split fractions');
    if (!f) return undefined;
    split = { kind: 'fraction', ...f };
  } else if (s.value === 'filter') {
    split = { kind: 'filter' };
  } else {
    const key = await askColumn(ui, s.value === 'predefined' ? 'Split column' : s.value === 'stratified' ? 'Stratify by column' : 'Timestamp column', 'Column name', columns);
    if (key === null || !key) return undefined;
    if (s.value === 'predefined') split = { kind: 'predefined', key };
    else {
      const f = await askFractions(ui, 'Split fractions');
      if (!f) return undefined;
      split = { kind: s.value as 'stratified' | 'timestamp', key, ...f };
    }
  }
  options.split = split;

  const name = await ui.input('Training pipeline name', 'Display name of the pipeline and of the model it uploads', `${dataset.displayName}-${objective.id}`.slice(0, 128), (v) =>
    !v.trim() ? 'Give the pipeline a name' : v.length > 128 ? 'At most 128 characters' : undefined,
  );
  if (name === undefined) return undefined;
  options.displayName = name.trim();

  const built = buildTrainingPipeline(options);
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join(' '));
  const inputs = built.request.trainingPipeline.trainingTaskInputs;
  const review = [
    `Dataset: ${dataset.displayName} (${dataset.name})`,
    `Objective: ${objective.title}`,
    ...(inputs.modelType ? [`Model type: ${String(inputs.modelType)}`] : []),
    ...(built.estimate?.budgetNodeHours !== undefined ? [`Budget: ${built.estimate.budgetNodeHours} node hours${options.disableEarlyStopping ? ', early stopping off' : ''}`] : []),
    `Split: ${JSON.stringify(Object.values(built.request.trainingPipeline.inputDataConfig)[1] ?? 'default')}`,
    ...built.warnings,
    '',
    built.estimate ? `${built.estimate.text} This is an ESTIMATE from approximate list prices; check the Vertex AI pricing page.` : '',
  ].join('\n');
  const go = await ui.confirm(`Launch AutoML training "${options.displayName}"?`, review, 'Launch Training');
  if (!go) return undefined;
  const cloud = await target.cloud();
  const pipeline = await cloud.createTrainingPipeline(built.request);
  void ui.notify('info', `Training pipeline ${pipeline.displayName} launched (${pipeline.state}). Follow it in the Training Pipelines view.`);
  return { request: built.request, estimate: built.estimate, pipeline };
}
