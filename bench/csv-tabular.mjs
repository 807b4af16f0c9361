// Issue 3 benchmark: `vertex-datasets validate --format tabular --target ...` on a 1,000,000-row,
// 20-column CSV against a plain read that splits lines, measured in the same run on the same file,
// each in its own child process (wall time and peak RSS); the same on a 4-column file with a column of
// distinct date-times; then the first file's layout at 2 GB for memory.
// Targets: ratio <= 2.5, peak RSS under 200 MB on the 2 GB file.
// Sizes: BENCH_CSV_ROWS (default 1,000,000), BENCH_CSV_BIG_GB (default 2; 0 skips), BENCH_REPEAT (default 3).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fmt, measure, removeDir, table, tempDir, writeLines } from './_lib.mjs';

if (!existsSync('dist/cli.js')) throw new Error('run `npm run build` first');
const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const BIG_GB = Number(process.env.BENCH_CSV_BIG_GB ?? 2);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const dir = tempDir('csv-tabular');
const loadAtStart = loadavg();

const cities = ['paris', 'oslo', 'lima', 'pune', 'kyoto', 'accra', 'quito', 'perth'];
const labels = ['churned', 'stayed', 'paused'];
const splits = ['training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'validation', 'test'];
const header = ['id', 'age', 'city', 'plan', 'signup_date', ...Array.from({ length: 12 }, (_, i) => `f${i}`), 'weight', 'ml_use', 'label'].join(',');
const row = (i) => {
  const cells = [
    i,
    18 + (i % 70),
    cities[i % 8],
    i % 5 === 0 ? '"basic, annual"' : 'pro',
    `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  ];
  for (let c = 0; c < 12; c++) cells.push(c % 3 === 0 ? ((i * (c + 7)) % 1000) / 10 : (i * (c + 3)) % 9973);
  cells.push(i % 4 === 0 ? 2 : 1, splits[(i * 7) % 10], labels[(i * 13) % 3]);
  return cells.join(',');
};
const gen = (i) => (i === 0 ? header : row(i - 1));

try {
  const rows = [['file', 'rows', 'MB', 'split-lines ms', 'validate ms', 'ratio', 'CPU ms (base/val)', 'CPU ratio', 'median CPU ratio', 'rows/s', 'MB/s', 'baseline RSS MB', 'validate RSS MB']];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const run = (name, path, n, size, repeat) => {
    // Baseline and validate alternate, so a busy spell on a shared machine hits both alike.
    const bases = [];
    const vals = [];
    for (let i = 0; i < repeat; i++) {
      bases.push(measure('bench/_csv-split-baseline.cjs', [path]));
      vals.push(measure('dist/cli.js', ['validate', '--format', 'tabular', '--target', 'label', '--weight', 'weight', '--output', 'json', path]));
    }
    const best = (runs) => ({ ms: Math.min(...runs.map((r) => r.ms)), cpuMs: Math.min(...runs.map((r) => r.cpuMs)), maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) });
    const base = best(bases);
    const val = best(vals);
    for (const v of vals) if (v.code !== 0 && v.code !== 1) throw new Error(`validate exited ${v.code}`);
    const mb = size / 1048576;
    rows.push([
      name,
      fmt(n),
      fmt(mb, 1),
      fmt(base.ms),
      fmt(val.ms),
      fmt(val.ms / base.ms, 2),
      `${fmt(base.cpuMs)} / ${fmt(val.cpuMs)}`,
      fmt(val.cpuMs / base.cpuMs, 2),
      fmt(median(vals.map((v) => v.cpuMs)) / median(bases.map((b) => b.cpuMs)), 2),
      fmt(n / (val.ms / 1000)),
      fmt(mb / (val.ms / 1000), 1),
      fmt(base.maxRssMB, 1),
      fmt(val.maxRssMB, 1),
    ]);
  };
  const path = join(dir, 'table.csv');
  run(`${fmt(ROWS)} x 20`, path, ROWS, writeLines(path, ROWS + 1, gen), REPEAT);
  // A column of distinct date-times (event logs): past the distinct-value cap every cell's type is checked.
  const times = join(dir, 'times.csv');
  const t0 = Date.UTC(2020, 0, 1);
  const timeRow = (i) => `${i},${new Date(t0 + i * 37_000).toISOString().slice(0, 19).replace('T', ' ')},${(i * 7) % 1000 / 10},${labels[i % 3]}`;
  run(`${fmt(ROWS)} x 4 times`, times, ROWS, writeLines(times, ROWS + 1, (i) => (i === 0 ? 'id,ts,amount,label' : timeRow(i - 1))), REPEAT);
  if (BIG_GB > 0) {
    const big = join(dir, 'big.csv');
    const perRow = row(123456).length + 1;
    const n = Math.ceil((BIG_GB * 1024 ** 3) / perRow);
    run(`${BIG_GB} GB`, big, n, writeLines(big, n + 1, gen), 1);
  }
  console.log(`Node ${process.version}; ${REPEAT} runs each, interleaved (big file: 1 run); load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end. Times are the best run; median CPU ratio = median validate CPU / median split-lines CPU. ratio = validate / split-lines wall time (target <= 2.5); CPU = user+system time of each child; RSS target < 200 MB on the big file.`);
  table(rows);
} finally {
  removeDir(dir);
}
