/**
 * `vertex-datasets validate [--format ID | --schema FILE] [--output text|json|sarif] FILE...`
 * Exit 0 when no errors (warnings allowed), 1 when any error, 2 for usage or I/O problems.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { FORMAT_IDS, isFormatId } from '../../core/formats';
import { collectImportFiles, fileKind, loadSchemaFile, validateFile } from '../../core/files';
import { validateTabularFiles } from '../../core/csv/validate';
import type { ValidationOptions } from '../../core/validate';
import { UsageError } from '../../core/jsonl/validate';
import type { CliIo } from '../io';
import { displayPath, jsonReport, sarifReport, textReport, type FileReport, type OutputKind } from '../output/report';
import { VERSION } from '../version';

export const HELP = `Usage: vertex-datasets validate [options] FILE|FOLDER...

Checks Vertex AI import files (JSONL; CSV) and reports every problem with its line and column.
Folders are searched for .jsonl and .csv files. A JSON Schema beside a file (data.schema.json for
data.jsonl) validates it as a custom dataset.

Options:
  --format ID          import format (default: detected from the content). One of:
                       ${FORMAT_IDS.join(',\n                       ')}
  --schema FILE        validate against your JSON Schema (custom datasets)
  --output KIND        text (default), json or sarif
  --max-problems N     stop listing problems after N per file
  Tabular CSV (implies --format tabular; several CSV files form one source with one header):
  --target NAME        target column: no nulls; classification 2-500 distinct values
  --objective KIND     classification, regression or forecasting
  --weight NAME        weight column: numbers from 0 to 10,000
  --split-column NAME  predefined split column (default: ml_use when present)
  --time-column NAME   forecasting time column
  --series-column NAME forecasting time series identifier column
  -h, --help           show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        schema: { type: 'string' },
        output: { type: 'string', default: 'text' },
        'max-problems': { type: 'string' },
        target: { type: 'string' },
        objective: { type: 'string' },
        weight: { type: 'string' },
        'split-column': { type: 'string' },
        'time-column': { type: 'string' },
        'series-column': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`vertex-datasets validate: ${(e as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const fail = (reason: string) => {
    io.err(`vertex-datasets validate: ${reason}\n`);
    return 2;
  };
  if (positionals.length === 0) return fail('no files given (try --help)');
  const output = values.output as OutputKind;
  if (!['text', 'json', 'sarif'].includes(output)) return fail(`--output must be text, json or sarif, not "${output}"`);
  if (values.format && !isFormatId(values.format)) return fail(`unknown format "${values.format}" (known: ${FORMAT_IDS.join(', ')})`);
  if (values.format && values.schema) return fail('give --format or --schema, not both');
  let maxDiagnostics: number | undefined;
  if (values['max-problems'] !== undefined) {
    maxDiagnostics = Number(values['max-problems']);
    if (!Number.isInteger(maxDiagnostics) || maxDiagnostics < 1) return fail('--max-problems must be a positive whole number');
  }
  const objective = values.objective;
  if (objective !== undefined && !['classification', 'regression', 'forecasting'].includes(objective)) {
    return fail(`--objective must be classification, regression or forecasting, not "${objective}"`);
  }
  const tabular: ValidationOptions = {};
  if (values.target !== undefined) tabular.target = values.target;
  if (objective !== undefined) tabular.objective = objective as ValidationOptions['objective'];
  if (values.weight !== undefined) tabular.weight = values.weight;
  if (values['split-column'] !== undefined) tabular.splitColumn = values['split-column'];
  if (values['time-column'] !== undefined) tabular.timeColumn = values['time-column'];
  if (values['series-column'] !== undefined) tabular.seriesColumn = values['series-column'];
  const isTabular = values.format === 'tabular' || Object.keys(tabular).length > 0;
  if (isTabular && values.format && values.format !== 'tabular') return fail(`--target, --objective, --weight and the column options apply to --format tabular, not "${values.format}"`);
  if (isTabular && values.schema) return fail('--schema is for JSONL custom datasets; tabular options need CSV files');
  let customSchema: object | undefined;
  try {
    if (values.schema) customSchema = loadSchemaFile(resolve(io.cwd, values.schema));
  } catch (e) {
    return fail((e as Error).message);
  }

  const { files, missing } = await collectImportFiles(positionals.map((p) => resolve(io.cwd, p)));
  const problems = missing.map((m) => `${displayPath(m, io.cwd)}: no such file or folder`);
  if (files.length === 0 && missing.length === 0) return fail(`no .jsonl or .csv files found in ${positionals.join(', ')}`);
  const reports: FileReport[] = [];
  const csvFiles = files.filter((f) => fileKind(f) === 'csv');
  if (isTabular && csvFiles.length > 1) {
    // The CSV files of one tabular source share a header, a profile and the dataset-wide checks.
    try {
      const { files: results } = await validateTabularFiles(csvFiles, { ...tabular, format: 'tabular', maxDiagnostics });
      for (const { path, result } of results) reports.push({ path, format: result.format, items: result.items, diagnostics: result.diagnostics });
    } catch (e) {
      if (e instanceof UsageError) problems.push(e.message);
      else throw e;
    }
  }
  for (const path of files) {
    if (isTabular && csvFiles.length > 1 && fileKind(path) === 'csv') continue;
    try {
      const result = await validateFile(path, { format: (isTabular ? 'tabular' : values.format) as never, customSchema, maxDiagnostics, ...tabular });
      if (!result.format && result.diagnostics.length === 0) {
        problems.push(`${displayPath(path, io.cwd)}: cannot tell the import format (${result.detection.reason}); pass --format ID or --schema FILE`);
        continue;
      }
      reports.push({ path, format: result.format, items: result.items, diagnostics: result.diagnostics });
    } catch (e) {
      if (e instanceof UsageError) problems.push(e.message.startsWith(path) ? displayPath(path, io.cwd) + e.message.slice(path.length) : `${displayPath(path, io.cwd)}: ${e.message}`);
      else throw e;
    }
  }
  if (output === 'json') io.out(jsonReport(reports, io.cwd));
  else if (output === 'sarif') io.out(sarifReport(reports, io.cwd, VERSION));
  else if (reports.length) io.out(textReport(reports, io.cwd));
  for (const p of problems) io.err(`vertex-datasets validate: ${p}\n`);
  if (problems.length) return 2;
  return reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
