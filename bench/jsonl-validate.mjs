// Issue 2 benchmark: `vertex-datasets validate` against a plain read + JSON.parse loop, measured
// in the same run on the same files. Targets: ratio <= 1.25 on one thread, and peak RSS under
// 200 MB for a 2 GB file. Sizes: BENCH_LINES (default 1,000,000), BENCH_BIG_GB (default 2; 0 skips).
// A third file varies key order and spacing from line to line (the layout cache rarely matches).
// BENCH_JOBS (default 2; 1 skips) adds a `validate --jobs N` row (worker threads). BENCH_FINDINGS
// (default BENCH_LINES; 0 skips) lines that each have a finding: peak RSS of the text and JSON reports. An in-process
// row compares JSON.parse with JsonlLineValidator.validateLine over the same lines (no start-up,
// no I/O), by CPU time, to show the per-line cost alone.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fmt, measure, removeDir, table, tempDir, writeLines } from './_lib.mjs';

if (!existsSync('dist/cli.js')) throw new Error('run `npm run build` first');
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const BIG_GB = Number(process.env.BENCH_BIG_GB ?? 2);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const JOBS = Number(process.env.BENCH_JOBS ?? 2);
const FINDINGS = Number(process.env.BENCH_FINDINGS ?? LINES);
const dir = tempDir('jsonl');
const loadAtStart = loadavg();
const labels = ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'];
const splits = ['training', 'training', 'training', 'validation', 'test'];
const good = (i) =>
  `{"imageGcsUri":"gs://cloud-samples-data/flowers/${labels[i % 5]}/${(1000000 + i).toString(36)}_${(i * 7919) % 100000}.jpg","classificationAnnotation":{"displayName":"${labels[(i * 31) % 5]}"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"${splits[(i * 17) % 5]}"}}`;
const bad = (i) => {
  if (i % 20 !== 7) return good(i);
  switch ((i / 20) % 5 | 0) {
    case 0: return good(i).replace('"training"', '"TRAIN"').replace('"test"', '"TEST"').replace('"validation"', '"VALIDATE"');
    case 1: return good(i).replace('gs://', 'https://storage.googleapis.com/');
    case 2: return good(i).slice(0, -2);
    case 3: return good(i).replace('imageGcsUri', 'imageUri');
    default: return good(i).replace('"classificationAnnotation":{"displayName"', '"classificationAnnotation":{"label"');
  }
};
// Lines laid out differently from their neighbours (key order and spacing vary, 18 layouts in
// turn): the validator's layout cache rarely matches, so this row shows the JSON.parse path.
const PERMS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
const varied = (i) => {
  const o = JSON.parse(good(i));
  const keys = Object.keys(o);
  const sep = [':', ': ', ' : '][(i * 13) % 3];
  return `{${PERMS[(i * 7) % 6].map((k) => `${JSON.stringify(keys[k])}${sep}${JSON.stringify(o[keys[k]])}`).join(',')}}`;
};
try {
  const rows = [['file', 'lines', 'MB', 'parse-only ms', 'validate ms', 'ratio', 'CPU ratio', 'median CPU ratio', 'lines/s', 'MB/s', 'peak RSS MB']];
  const findingRows = [['report', 'findings', 'MB', 'validate ms', 'CPU ms', 'peak RSS MB']];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const run = (name, path, lines, size, repeat, extra = []) => {
    // Baseline and validate alternate, so a busy spell on a shared machine hits both alike.
    const bases = [];
    const vals = [];
    for (let i = 0; i < repeat; i++) {
      bases.push(measure('bench/_jsonl-parse-baseline.cjs', [path]));
      vals.push(measure('dist/cli.js', ['validate', '--no-dataset-checks', ...extra, '--format', 'image-classification-single-label', '--output', 'json', path]));
    }
    for (const v of vals) if (v.code !== 0 && v.code !== 1) throw new Error(`validate exited ${v.code}`);
    const best = (runs) => ({ ms: Math.min(...runs.map((r) => r.ms)), cpuMs: Math.min(...runs.map((r) => r.cpuMs)), maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) });
    const base = best(bases);
    const val = best(vals);
    const medianRatio = median(vals.map((v) => v.cpuMs)) / median(bases.map((b) => b.cpuMs));
    rows.push([name, fmt(lines), fmt(size / 1048576, 1), fmt(base.ms), fmt(val.ms), fmt(val.ms / base.ms, 2), fmt(val.cpuMs / base.cpuMs, 2), fmt(medianRatio, 2), fmt(lines / (val.ms / 1000)), fmt(size / 1048576 / (val.ms / 1000), 1), fmt(val.maxRssMB, 1)]);
  };
  const goodPath = join(dir, 'good.jsonl');
  const badPath = join(dir, 'bad.jsonl');
  const goodSize = writeLines(goodPath, LINES, good);
  run('valid', goodPath, LINES, goodSize, REPEAT);
  run('5% bad', badPath, LINES, writeLines(badPath, LINES, bad), REPEAT);
  const variedPath = join(dir, 'varied.jsonl');
  run('varied layout', variedPath, LINES, writeLines(variedPath, LINES, varied), REPEAT);
  if (JOBS > 1) run(`valid, --jobs ${JOBS}`, goodPath, LINES, goodSize, REPEAT, ['--jobs', String(JOBS)]);
  if (BIG_GB > 0) {
    const bigPath = join(dir, 'big.jsonl');
    const perLine = good(1).length + 1;
    const bigLines = Math.ceil((BIG_GB * 1024 ** 3) / perLine);
    run(`${BIG_GB} GB`, bigPath, bigLines, writeLines(bigPath, bigLines, good), 1);
  }
  if (FINDINGS > 0) {
    // Every line has one finding (an invalid ml_use): the reports stream from a disk spool, so
    // peak RSS stays flat however many findings there are.
    const findingsPath = join(dir, 'findings.jsonl');
    const findingsSize = writeLines(findingsPath, FINDINGS, (i) => good(i).replace(/"(training|validation|test)"/, '"TRAIN"'));
    for (const output of ['text', 'json']) {
      const m = measure('dist/cli.js', ['validate', '--no-dataset-checks', '--format', 'image-classification-single-label', '--output', output, findingsPath]);
      if (m.code !== 1) throw new Error(`validate exited ${m.code}`);
      findingRows.push([`${fmt(FINDINGS)} findings, --output ${output}`, fmt(FINDINGS), fmt(findingsSize / 1048576, 1), fmt(m.ms), fmt(m.cpuMs), fmt(m.maxRssMB, 1)]);
    }
  }
  console.log(
    `Node ${process.version}; ${REPEAT} runs each, interleaved (big file: 1 run); load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end. ` +
      'Times are the best run; ratio = validate / parse-only wall time (target <= 1.25); CPU ratio uses user+system CPU time (best runs), steadier on a busy machine (with --jobs, CPU time of all threads); median CPU ratio = median validate CPU / median parse-only CPU.',
  );
  table(rows);
  if (findingRows.length > 1) {
    console.log('');
    table(findingRows);
  }
  await inProcess(dir);
} finally {
  removeDir(dir);
}

/** JSON.parse vs validateLine over the same in-memory lines, best CPU time of several rounds. */
async function inProcess(tmp) {
  const outfile = join(tmp, 'core.cjs');
  await esbuild.build({
    stdin: { contents: "export { JsonlLineValidator } from './src/core/jsonl/validate';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    mainFields: ['module', 'main'],
  });
  const { JsonlLineValidator } = createRequire(import.meta.url)(outfile);
  const n = Math.min(LINES, 300_000);
  for (const [name, gen] of [['valid', good], ['5% bad', bad]]) {
    const lines = Array.from({ length: n }, (_, i) => gen(i));
    const validator = new JsonlLineValidator('image-classification-single-label');
    const out = [];
    const cpu = (fn) => {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    let parse = Infinity;
    let validate = Infinity;
    for (let r = 0; r < 7; r++) {
      parse = Math.min(
        parse,
        cpu(() => {
          for (let i = 0; i < n; i++) {
            try {
              JSON.parse(lines[i]);
            } catch {
              // counted as unparseable, like the file baseline
            }
          }
        }),
      );
      validate = Math.min(validate, cpu(() => { for (let i = 0; i < n; i++) { if (out.length) out.length = 0; validator.validateLine(lines[i], i + 1, out); } }));
    }
    console.log(`in-process, ${name}, ${fmt(n)} lines: JSON.parse ${fmt(parse)} ms, validateLine ${fmt(validate)} ms CPU; ratio ${fmt(validate / parse, 2)}`);
  }
}
