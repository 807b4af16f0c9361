/**
 * `vertex-datasets validate [--format ID | --schema FILE] [--output text|json|sarif] FILE...`
 * Exit 0 when no errors (warnings allowed), 1 when any error, 2 for usage or I/O problems.
 */
import { resolve } from 'node:path';
import { loadSchemaFile } from '../../core/files';
import { runDataset, type DatasetRunOptions, type TabularRunOptions } from '../dataset';
import { FORMAT_IDS } from '../../core/formats';
import { formatOptionProblem, parseCommand } from '../args';
import type { CliIo } from '../io';
import { reportCounts, sarifReport, writeJsonReport, writeTextReport, type OutputKind } from '../output/report';
import { readPipedInputs } from '../stdin';
import { VERSION } from '../version';

export const HELP = `Usage: vertex-datasets validate [options] FILE|FOLDER...

Checks Vertex AI import files (JSONL; CSV) and reports every problem with its line and column.
Folders are searched for .jsonl and .csv files. A JSON Schema beside a file (data.schema.json for
data.jsonl) validates it as a custom dataset. - reads standard input (git show :data.jsonl |
vertex-datasets validate -), as do /dev/stdin and named pipes: JSON Lines or CSV by --format or
the content.

Options:
  --format ID          import format (default: detected from the content). One of:
                       ${FORMAT_IDS.join(',\n                       ')}
  --schema FILE        validate against your JSON Schema (custom datasets)
  --output KIND        text (default), json or sarif
  --max-problems N     stop listing problems after N per file (the error and
                       warning totals still count every problem)
  --strict             dataset findings that only block training (too few items per label,
                       imbalance, split coverage, too few tabular rows) are errors instead
                       of warnings
  --media FILE         image sizes / video durations (JSON or CSV) for the 8x8 px box and
                       segment-within-video checks; FILE.media.json|csv beside a file is read too
  --no-dataset-checks  line checks only (no dataset-level checks)
  --stdin-name PATH    the file that standard input (-) holds: reports name it instead of
                       <stdin> (SARIF and CI annotations point at it), and its extension
                       says JSON Lines or CSV
  --jobs N             threads per large file (default 1). A one-file tabular CSV
                       source (not forecasting) over 8 MB splits; JSONL and positional
                       CSV split only with --format and --no-dataset-checks (the
                       dataset checks read the items in one pass).
  Tabular CSV (implies --format tabular; several CSV files form one source with one header):
  --target NAME        target column: no nulls; classification 2-500 distinct values
  --objective KIND     classification, regression or forecasting
  --weight NAME        weight column: numbers from 0 to 10,000
  --split-column NAME  predefined split column (default: ml_use when present)
  --timestamp-split-column NAME
                       timestamp split column: RFC 3339 date-times with Z
  --time-column NAME   forecasting time column
  --series-column NAME forecasting time series identifier column
  -h, --help           show this help

All files given together form one dataset per format: counts, duplicates and splits span them.

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('validate', args, io, {
    format: { type: 'string' },
    schema: { type: 'string' },
    output: { type: 'string', default: 'text' },
    'max-problems': { type: 'string' },
    strict: { type: 'boolean' },
    media: { type: 'string', multiple: true },
    'no-dataset-checks': { type: 'boolean' },
    jobs: { type: 'string' },
    target: { type: 'string' },
    objective: { type: 'string' },
    weight: { type: 'string' },
    'split-column': { type: 'string' },
    'timestamp-split-column': { type: 'string' },
    'time-column': { type: 'string' },
    'series-column': { type: 'string' },
    'stdin-name': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, fail } = parsed;
  if (positionals.length === 0) return fail('no files given (try --help)');
  const output = values.output as OutputKind;
  if (!['text', 'json', 'sarif'].includes(output)) return fail(`--output must be text, json or sarif, not "${output}"`);
  const formatProblem = formatOptionProblem(values);
  if (formatProblem) return fail(formatProblem);
  let maxDiagnostics: number | undefined;
  if (values['max-problems'] !== undefined) {
    maxDiagnostics = Number(values['max-problems']);
    if (!Number.isInteger(maxDiagnostics) || maxDiagnostics < 1) return fail('--max-problems must be a positive whole number');
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) return fail('--jobs must be a whole number from 1 to 64');
  }
  const objective = values.objective;
  if (objective !== undefined && !['classification', 'regression', 'forecasting'].includes(objective)) {
    return fail(`--objective must be classification, regression or forecasting, not "${objective}"`);
  }
  const tabular: TabularRunOptions = {};
  if (values.target !== undefined) tabular.target = values.target;
  if (objective !== undefined) tabular.objective = objective as TabularRunOptions['objective'];
  if (values.weight !== undefined) tabular.weight = values.weight;
  if (values['split-column'] !== undefined) tabular.splitColumn = values['split-column'];
  if (values['timestamp-split-column'] !== undefined) tabular.timestampSplitColumn = values['timestamp-split-column'];
  if (values['time-column'] !== undefined) tabular.timeColumn = values['time-column'];
  if (values['series-column'] !== undefined) tabular.seriesColumn = values['series-column'];
  const isTabular = values.format === 'tabular' || Object.keys(tabular).length > 0;
  if (isTabular && values.format && values.format !== 'tabular') {
    return fail(`--target, --objective, --weight and the column options apply to --format tabular, not "${values.format}"`);
  }
  if (isTabular && values.schema) return fail('--schema is for JSONL custom datasets; tabular options need CSV files');
  let customSchema: object | undefined;
  try {
    if (values.schema) customSchema = loadSchemaFile(resolve(io.cwd, values.schema));
  } catch (e) {
    return fail((e as Error).message);
  }

  const piped = await readPipedInputs(positionals, io, { format: isTabular ? 'tabular' : values.format, jsonl: customSchema !== undefined, stdinName: values['stdin-name'] });
  try {
    if (piped.problem) return fail(piped.problem);
    return await validatePaths(piped.paths, positionals, io, output, fail, {
      format: (isTabular ? 'tabular' : values.format) as never,
      tabular,
      customSchema,
      maxDiagnostics,
      strict: values.strict,
      mediaFiles: values.media,
      datasetChecks: !values['no-dataset-checks'],
      jobs,
      spool: true,
    });
  } finally {
    await piped.dispose();
  }
}

async function validatePaths(paths: string[], given: string[], io: CliIo, output: OutputKind, fail: (reason: string) => number, options: DatasetRunOptions): Promise<number> {
  const { reports, problems } = await runDataset(
    paths,
    options,
    io.cwd,
  );
  if (reports.length === 0 && problems.length === 0) return fail(`no .jsonl or .csv files found in ${given.join(', ')}`);
  try {
    // Text and JSON stream from the spools; SARIF lists rules before results, so it is built whole.
    if (output === 'json') writeJsonReport(reports, io.cwd, (t) => io.out(t));
    else if (output === 'sarif') io.out(sarifReport(reports, io.cwd, VERSION));
    else if (reports.length) writeTextReport(reports, io.cwd, (t) => io.out(t));
  } finally {
    for (const r of reports) r.spool?.dispose();
  }
  for (const p of problems) io.err(`vertex-datasets validate: ${p}\n`);
  if (problems.length) return 2;
  return reports.some((r) => reportCounts(r).errors > 0) ? 1 : 0;
}
