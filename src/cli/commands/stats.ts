/**
 * `vertex-datasets stats [--format ID | --schema FILE] [--media FILE] [--output text|json] FILE|FOLDER...`
 * Dataset statistics from the same streaming pass as validation. Exit 0 when statistics were
 * printed (whatever the data's problems), 2 for usage or I/O problems.
 */
import { resolve } from 'node:path';
import { compareDiagnostics, countSeverities, type Diagnostic } from '../../core/diagnostics';
import type { DatasetStats, Histogram } from '../../core/dataset';
import { duplicatesText } from '../../core/dataset/stats';
import { loadSchemaFile } from '../../core/files';
import { formatInfo } from '../../core/formats';
import { runDataset, type DatasetGroup, type DatasetRunOptions } from '../dataset';
import { formatOptionProblem, parseCommand } from '../args';
import type { CliIo } from '../io';
import { displayPath, type FileReport } from '../output/report';
import type { TabularSummary } from '../../core/csv/tabular';
import { displayWidth, padEndDisplay } from '../../core/width';
import { readPipedInputs } from '../stdin';

export const HELP = `Usage: vertex-datasets stats [options] FILE|FOLDER...

Prints dataset statistics: items, annotations, labels with counts, the split x label table,
imbalance, box size and boxes-per-image distributions, text lengths and video segment durations.
All files given together form one dataset per import format. - reads standard input (JSON Lines
or CSV by --format or the content), as do /dev/stdin and named pipes.

Options:
  --format ID      import format (default: detected from the content)
  --schema FILE    your JSON Schema (custom datasets)
  --media FILE     image sizes / video durations (JSON or CSV); FILE.media.json|csv beside a file is read too
  --output KIND    text (default) or json (shape documented in the README, "Dataset statistics")
  --target NAME    tabular CSV: the target column (implies --format tabular); tabular sources get a
                   per-column profile (inferred type, nulls, distinct values, min/max)
  --stdin-name PATH  the file that standard input (-) holds: reports name it, and its
                   extension says JSON Lines or CSV
  -h, --help       show this help

Exit status: 0 statistics printed, 2 usage or I/O problem.
`;

export interface StatsReport {
  datasets: (DatasetStats & { problems: { errors: number; warnings: number; infos: number } })[];
  /** Tabular CSV sources with their per-column profile. */
  tabular?: (TabularSummary & { files: string[] })[];
}

/** Per-column profile of each tabular source. */
export function tabularText(sources: NonNullable<StatsReport['tabular']>): string {
  const out: string[] = [];
  const v = (x: number | undefined) => (x === undefined ? '-' : Number.isInteger(x) ? x.toLocaleString('en-US') : String(Math.round(x * 1000) / 1000));
  for (const t of sources) {
    out.push(`Tabular source: ${t.files.join(', ')}`);
    out.push(`  rows ${t.rows.toLocaleString('en-US')}; columns ${t.columns.toLocaleString('en-US')}${t.target ? `; target ${t.target}${t.objective ? ` (${t.objective})` : ''}` : ''}${t.splitColumn ? `; split column ${t.splitColumn}` : ''}`);
    const rows = [['column', 'type', 'nulls', 'distinct', 'min', 'max']];
    for (const p of t.profile) rows.push([p.name, p.inferredType, p.nulls.toLocaleString('en-US'), `${p.distinctCapped ? '>' : ''}${p.distinct.toLocaleString('en-US')}`, v(p.min), v(p.max)]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]))));
    for (const r of rows) out.push('  ' + r.map((cell, c) => (c < 2 ? padEndDisplay(cell, widths[c]) : ' '.repeat(Math.max(0, widths[c] - displayWidth(cell))) + cell)).join('  ').trimEnd());
    out.push('');
  }
  return out.join('\n');
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('stats', args, io, {
    format: { type: 'string' },
    schema: { type: 'string' },
    media: { type: 'string', multiple: true },
    output: { type: 'string', default: 'text' },
    target: { type: 'string' },
    'stdin-name': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, fail } = parsed;
  if (positionals.length === 0) return fail('no files given (try --help)');
  const output = values.output;
  if (output !== 'text' && output !== 'json') return fail(`--output must be text or json, not "${output}"`);
  const formatProblem = formatOptionProblem(values);
  if (formatProblem) return fail(formatProblem);
  let customSchema: object | undefined;
  try {
    if (values.schema) customSchema = loadSchemaFile(resolve(io.cwd, values.schema));
  } catch (e) {
    return fail((e as Error).message);
  }
  const format = values.target !== undefined ? 'tabular' : values.format;
  const tabularOptions = values.target !== undefined ? { target: values.target } : undefined;
  const piped = await readPipedInputs(positionals, io, { format, jsonl: customSchema !== undefined, stdinName: values['stdin-name'] });
  try {
    if (piped.problem) return fail(piped.problem);
    return await statsOf(piped.paths, positionals, io, output, { format: format as never, customSchema, mediaFiles: values.media, maxDiagnostics: 1000, countOnly: true, tabular: tabularOptions });
  } finally {
    await piped.dispose();
  }
}

async function statsOf(paths: string[], positionals: string[], io: CliIo, output: 'text' | 'json', options: DatasetRunOptions): Promise<number> {
  const result = await runDataset(paths, options, io.cwd);
  for (const p of result.problems) io.err(`vertex-datasets stats: ${p}\n`);
  if (result.datasets.length === 0 && result.tabular.length === 0) {
    if (result.problems.length === 0) {
      io.err(`vertex-datasets stats: no items found in ${positionals.join(', ')}\n`);
      // Why, per file: the first error validate would report (an unknown format, an empty or binary file).
      for (const r of result.reports) {
        const e = [r.counted?.firstError, ...r.diagnostics.filter((d) => d.severity === 'error')].reduce<Diagnostic | undefined>(
          (a, d) => (d && (!a || compareDiagnostics(d, a) < 0) ? d : a),
          undefined,
        );
        if (e) io.err(`  ${displayPath(r.path, io.cwd)}:${e.line}:${e.column}: ${e.code}: ${e.message}\n`);
      }
    }
    return 2;
  }
  const report = statsReport(result.datasets, result.reports, io.cwd);
  if (result.tabular.length) report.tabular = result.tabular.map((t) => ({ files: t.files.map((f) => displayPath(f, io.cwd)), ...t.summary }));
  io.out(output === 'json' ? JSON.stringify(report, null, 2) + '\n' : statsText(report) + (report.tabular ? tabularText(report.tabular) : ''));
  return result.problems.length ? 2 : 0;
}

export function statsReport(datasets: readonly DatasetGroup[], reports: readonly FileReport[], cwd: string): StatsReport {
  return {
    datasets: datasets.map((d) => {
      const files = new Set(d.files);
      const mine = reports.filter((r) => files.has(r.path));
      const problems = countSeverities(mine.flatMap((r) => r.diagnostics));
      for (const r of mine) {
        problems.errors += r.unlisted?.errors ?? 0;
        problems.warnings += r.unlisted?.warnings ?? 0;
        if (!r.counted) continue;
        problems.errors += r.counted.counts.errors;
        problems.warnings += r.counted.counts.warnings;
        problems.infos += r.counted.counts.infos;
      }
      return { ...d.result.stats, files: d.result.stats.files.filter((f) => files.has(f)).map((f) => displayPath(f, cwd)), problems };
    }),
  };
}

const n = (v: number) => v.toLocaleString('en-US');
const LABEL_COLUMN_MAX = 60;
/**
 * A label as typed, or quoted with escapes when it holds control characters (a line break, a terminal
 * escape) or starts or ends with a space (`"cat "` is another label than `cat`); a long label is cut
 * short so that it does not widen every row of the table (`--output json` has it whole).
 */
const printable = (s: string) => {
  let t = s;
  if (t.length > LABEL_COLUMN_MAX) {
    let cut = LABEL_COLUMN_MAX - 1;
    const last = t.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut--;
    t = t.slice(0, cut) + '…';
  }
  return /[\u0000-\u001f\u007f-\u009f]/.test(t) || t !== t.trim() || t === ''
    ? JSON.stringify(t).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : t;
};
/** `1 error`, `2 errors`. */
const count = (v: number, noun: string) => `${n(v)} ${noun}${v === 1 ? '' : 's'}`;
const pct = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '-');
const num = (v: number | null) => (v === null ? '-' : Number.isInteger(v) ? n(v) : String(Math.round(v * 1000) / 1000));

/** Rows lined up in display columns (a CJK label takes two per character, a combining mark none). */
function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]))));
  return rows.map((r) => indent + r.map((cell, c) => (c === 0 ? padEndDisplay(cell, widths[c]) : ' '.repeat(Math.max(0, widths[c] - displayWidth(cell))) + cell)).join('  ').trimEnd());
}

function histogram(title: string, h: Histogram): string[] {
  const out = [`  ${title}: ${n(h.count)} (min ${num(h.min)}, mean ${num(h.mean)}, max ${num(h.max)})`];
  if (h.count === 0) return out;
  const peak = Math.max(...h.buckets.map((b) => b.count));
  const rows = h.buckets.filter((b) => b.count > 0).map((b) => [`[${num(b.from)}, ${b.to === null ? '∞' : num(b.to)})`, n(b.count)]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return out.concat(rows.map(([range, count]) => `    ${range.padEnd(w0)}  ${count.padStart(w1)}  ${'█'.repeat(Math.max(1, Math.round((20 * Number(count.replace(/,/g, ''))) / peak)))}`));
}

export function statsText(report: StatsReport): string {
  const out: string[] = [];
  for (const s of report.datasets) {
    out.push(`${formatInfo(s.format).title} (${s.format}): ${s.files.join(', ')}`);
    out.push(`  items ${n(s.items)} (${n(s.labeledItems)} labeled) from ${n(s.rows)} ${s.rows === 1 ? 'line' : 'lines'}; annotations ${n(s.annotations)}; labels ${n(s.labels.length)}`);
    const excluded = s.excludedRows ?? 0;
    if (excluded > 0) out.push(`  not counted: ${n(excluded)} ${excluded === 1 ? 'line' : 'lines'} with errors (Vertex drops such lines at import; the figures describe the other lines)`);
    out.push(`  imbalance (most/least frequent label): ${s.imbalanceRatio === null ? '-' : `${num(s.imbalanceRatio)}×`}; duplicates: ${duplicatesText(s.duplicates)}`);
    const sp = s.splits;
    out.push(
      `  splits: training ${n(sp.training)} (${pct(sp.training, s.items)}), validation ${n(sp.validation)} (${pct(sp.validation, s.items)}), test ${n(sp.test)} (${pct(sp.test, s.items)}), unassigned ${n(sp.unassigned)} (${pct(sp.unassigned, s.items)})`,
    );
    if (s.labels.length) {
      const shown = s.labels.slice(0, 50);
      out.push(
        ...table([
          ['label', 'items', 'annotations', 'training', 'validation', 'test', 'unassigned'],
          ...shown.map((l) => [printable(l.name), n(l.items), n(l.annotations), n(l.splits.training), n(l.splits.validation), n(l.splits.test), n(l.splits.unassigned)]),
        ]),
      );
      if (s.labels.length > shown.length) out.push(`  … ${count(s.labels.length - shown.length, 'more label')} (--output json lists all)`);
    }
    if (s.boxes) {
      out.push(`  bounding boxes: ${n(s.boxes.count)}`);
      out.push(...histogram('boxes per image', s.boxes.perImage), ...histogram('box width (fraction of image)', s.boxes.width), ...histogram('box height (fraction of image)', s.boxes.height));
    }
    if (s.textLength) out.push(...histogram('text length (characters)', s.textLength));
    if (s.videoSegments) out.push(...histogram('segment duration (s)', s.videoSegments.duration));
    if (s.tracking) out.push(`  tracking: ${n(s.tracking.boxes)} ${s.tracking.boxes === 1 ? 'box' : 'boxes'} on ${count(s.tracking.frames, 'frame')}, ${count(s.tracking.instances, 'instance')}`);
    if (s.sentimentMax) out.push(`  sentimentMax: ${s.sentimentMax.map((m) => `${m.value} (${count(m.items, 'item')})`).join(', ')}`);
    out.push(`  problems: ${count(s.problems.errors, 'error')}, ${count(s.problems.warnings, 'warning')} (run \`vertex-datasets validate\` for the list)`, '');
  }
  return out.join('\n');
}
