import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseCommand } from '../args';
import type { CliIo } from '../io';
import { FORMAT_IDS, isFormatId } from '../../core/formats';
import { STRATEGIES, SplitError, formatReport, parseTimestamp, splitFile } from '../../core/split';
import type { SplitOptions, StrategyName } from '../../core/split';
import { isStdinName, pipedName, readPipedInputs } from '../stdin';

const HELP = `Usage: vertex-datasets split FILE --strategy NAME [options]

Assigns every item of a Vertex AI import file to training, validation or test and writes the
assignment where the format keeps it (JSONL: dataItemResourceLabels "aiplatform.googleapis.com/ml_use";
image/text/video CSV: the first column; tabular CSV: a named column). Nothing else in the file changes.
Without --out or --in-place nothing is written: the report shows what the split would be.
FILE - reads standard input (as do /dev/stdin and named pipes): give --out PATH to write the result.

Strategies:
  random            random, exact counts for the fractions (default 0.8,0.1,0.1; video 0.8,0.2)
  stratified        every label in every split in proportion (multi-label: iterative stratification)
  manual            keep valid existing ml_use values, assign only the items without one
  temporal          oldest items to training, newest to test (--time-field; --fractions or --cutoffs)
  kfold             K equal folds: K files (fold i held out as test), or a fold column for tabular CSVs
  stratified-kfold  K folds with every label in every fold in proportion
  group             items sharing a key stay together (default: same media URI; --by FIELD_OR_COLUMN)

Options:
  --strategy NAME         one of the strategies above (default random)
  --fractions A,B,C       training,validation,test shares (video: training,test); percentages work too
  --seed N                seed of the pseudo-random choices (default 0); same seed, same output
  --by FIELD_OR_COLUMN    group key (group), or the label column of a tabular CSV (stratified)
  --time-field F          timestamp field (JSONL, dotted path) or column (CSV) for temporal: RFC 3339 /
                          ISO 8601 dates (no offset = UTC) or Unix seconds
  --cutoffs D1[,D2]       temporal cut-off dates: before D1 training, before D2 validation, then test
  --k K                   number of folds (default 5), 2 to 100 and at most the number of items
  --split-column NAME     tabular CSVs: the column receiving the split (default ml_use)
  --fold-column NAME      tabular CSVs, k-fold: the column receiving the fold number (default fold)
  --format ID             the import format (detected from the content otherwise)
  --out PATH              write the result to PATH (k-fold: PATH names the fold files)
  --in-place              replace FILE (through a temporary file renamed into place)
  --per-split             with --out PATH: one file per split (PATH.training.ext, PATH.validation.ext, ...)
  --output text|json      report format (default text)

Exit codes: 0 done, 1 the split failed (for example, items without a timestamp), 2 usage or I/O problem.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('split', args, io, {
    strategy: { type: 'string', default: 'random' },
    fractions: { type: 'string' },
    seed: { type: 'string', default: '0' },
    by: { type: 'string' },
    'time-field': { type: 'string' },
    cutoffs: { type: 'string' },
    k: { type: 'string' },
    'split-column': { type: 'string' },
    'fold-column': { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    'in-place': { type: 'boolean', default: false },
    'per-split': { type: 'boolean', default: false },
    output: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h', default: false },
  }, HELP);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const usage = (msg: string): number => {
    io.err(`vertex-datasets split: ${msg}\nRun \`vertex-datasets split --help\` for the options.\n`);
    return 2;
  };
  if (parsed.positionals.length !== 1) return usage(`expected exactly one FILE, got ${parsed.positionals.length}`);
  const given = parsed.positionals[0];
  let file = resolve(io.cwd, given);
  if (!(STRATEGIES as readonly string[]).includes(v.strategy)) {
    return usage(`unknown strategy '${v.strategy}'; expected one of ${STRATEGIES.join(', ')}`);
  }
  if (v.output !== 'text' && v.output !== 'json') return usage(`--output must be text or json, got '${v.output}'`);
  // An option the strategy does not read would be ignored without a word (--cutoffs without
  // --strategy temporal gave a random split).
  const strategy = v.strategy;
  const kfold = strategy === 'kfold' || strategy === 'stratified-kfold';
  const onlyFor: [string, unknown, boolean, string][] = [
    ['--cutoffs', v.cutoffs, strategy === 'temporal', 'temporal'],
    ['--time-field', v['time-field'], strategy === 'temporal', 'temporal'],
    ['--k', v.k, kfold, 'kfold or stratified-kfold'],
    ['--fold-column', v['fold-column'], kfold, 'kfold or stratified-kfold'],
    ['--by', v.by, strategy === 'group' || strategy === 'stratified' || strategy === 'stratified-kfold', 'group, stratified or stratified-kfold'],
  ];
  for (const [flag, value, applies, strategies] of onlyFor) {
    if (value !== undefined && !applies) return usage(`${flag} applies to --strategy ${strategies} only (the strategy is ${strategy})`);
  }
  for (const [flag, value] of [['--fractions', v.fractions], ['--split-column', v['split-column']]] as const) {
    if (value !== undefined && kfold) return usage(`${flag} does not apply to --strategy ${strategy} (each fold is held out once; the fold column is --fold-column)`);
  }
  if (v.fractions !== undefined && v.cutoffs !== undefined) return usage('give either --fractions or --cutoffs: cut-off dates decide the splits');
  if (v.out !== undefined && v['in-place']) return usage('give either --out PATH or --in-place, not both');
  if (v['per-split'] && v.out === undefined) return usage('--per-split needs --out PATH to name the files');
  if (v.format !== undefined && !isFormatId(v.format)) {
    return usage(`unknown format '${v.format}'; expected one of ${FORMAT_IDS.join(', ')}`);
  }
  if (!/^-?\d+$/.test(v.seed)) return usage(`--seed must be an integer, got '${v.seed}'`);
  // Larger integers are not exact as numbers: two different seeds would give the same split.
  if (!Number.isSafeInteger(Number(v.seed))) return usage(`--seed must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, got '${v.seed}'`);
  const opts: SplitOptions = {
    strategy: v.strategy as StrategyName,
    seed: Number(v.seed),
    format: v.format !== undefined && isFormatId(v.format) ? v.format : undefined,
    by: v.by,
    timeField: v['time-field'],
    splitColumn: v['split-column'],
    foldColumn: v['fold-column'],
  };
  if (v.k !== undefined) {
    if (!/^\d+$/.test(v.k)) return usage(`--k must be a whole number, got '${v.k}'`);
    opts.k = Number(v.k);
  }
  if (v.cutoffs !== undefined) {
    const parts = v.cutoffs.split(',').map((s) => s.trim());
    const times = parts.map(parseTimestamp);
    const bad = times.findIndex((t) => Number.isNaN(t));
    if (bad >= 0) return usage(`cut-off '${parts[bad]}' is not a date; expected e.g. 2024-01-01 or 2024-01-01T00:00:00Z`);
    opts.cutoffs = times;
  }
  // Parsed by the core once the format (and so the number of splits) is known.
  if (v.fractions !== undefined) opts.fractions = v.fractions;
  const output = v['in-place'] ? 'in-place' : v.out !== undefined ? resolve(io.cwd, v.out) : undefined;
  if (v['in-place']) {
    const st = await stat(file).catch(() => undefined);
    if (isStdinName(given) || (st && !st.isFile() && !st.isDirectory())) {
      return usage(`--in-place replaces a file, and ${pipedName(given)} is piped input: give --out PATH to write the split`);
    }
  }
  const piped = await readPipedInputs(v['in-place'] ? [] : [given], io);
  if (piped.problem) {
    await piped.dispose();
    return usage(piped.problem);
  }
  if (piped.paths[0] !== undefined && piped.paths[0] !== given) file = piped.paths[0];
  try {
    const result = await splitFile(file, opts, output, v['per-split']);
    const shown = (p: string): string => piped.names.get(p) ?? (isAbsolute(p) ? relative(io.cwd, p) || p : p);
    if (v.output === 'json') {
      io.out(JSON.stringify({ file: shown(file), written: result.written.map(shown), report: result.plan.report }, null, 2) + '\n');
    } else {
      io.out(formatReport(result.plan.report));
      if (result.written.length) io.out(`\nwrote ${result.written.map(shown).join(', ')}\n`);
      else io.out('\nnothing written (dry run): add --out PATH or --in-place to write the split\n');
    }
    return 0;
  } catch (e) {
    if (e instanceof SplitError) {
      io.err(`vertex-datasets split: ${e.message}\n`);
      return e.exitCode;
    }
    if ((e as NodeJS.ErrnoException).code) {
      io.err(`vertex-datasets split: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await piped.dispose();
  }
}
