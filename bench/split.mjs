// Split of a 10,000,000-row tabular CSV (vertex-datasets split, the bundled CLI) against a plain
// read+write copy of the same file in the same run. Target: every strategy ≤ 2x the copy's CPU
// time (user + sys of the child; wall time on a shared machine mostly measures the queue), peak
// RSS < 1 GB. Medians of BENCH_SPLIT_REPEAT (or BENCH_REPEAT, default 3) runs; BENCH_SPLIT_QUICK=1
// times only random and k-fold. Rows: BENCH_SPLIT_ROWS (default 10,000,000). The file lives in
// a temp dir deleted at the end.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fmt, measure, removeDir, table, tempDir } from './_lib.mjs';

const ROWS = Number(process.env.BENCH_SPLIT_ROWS ?? 10_000_000);
const REPEAT = Number(process.env.BENCH_SPLIT_REPEAT ?? process.env.BENCH_REPEAT ?? 3);
if (!existsSync('dist/cli.js')) {
  console.error('dist/cli.js is missing: run `npm run bench` (it bundles first)');
  process.exit(2);
}
const dir = tempDir('split');
const input = join(dir, 'big.csv');
const output = join(dir, 'out.csv');

function generate() {
  // Built in 8 MB blocks of ASCII bytes: generating 600 MB through strings would take longer than the split.
  const fd = openSync(input, 'w');
  const block = Buffer.allocUnsafe(8 << 20);
  let used = block.write('id,user,label,ts,score,note\n', 0, 'latin1');
  for (let i = 1; i <= ROWS; i++) {
    if (used > block.length - 256) {
      writeSync(fd, block, 0, used);
      used = 0;
    }
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + ((i * 7) % 28)).padStart(2, '0');
    const note = i % 50 === 0 ? `"says ""hi"", then, leaves"` : `n${i % 97}`;
    used += block.write(`${i},u${(i * 7919) % 100_000},l${i % 20},2024-${month}-${day}T10:00:00Z,${(i * 37) % 10_000},${note}\n`, used, 'latin1');
  }
  writeSync(fd, block, 0, used);
  closeSync(fd);
}

// Flushes dirty pages before each timed run, so one run's write-back does not land in the next.
const settle = () => spawnSync('sync');

function run(name, script, args) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    settle();
    const m = measure(script, args);
    if (m.code !== 0) throw new Error(`${name} exited with ${m.code}`);
    runs.push(m);
  }
  // Medians: on a shared machine one lucky or unlucky run says little.
  return {
    name,
    ms: median(runs.map((r) => r.ms)),
    cpu: median(runs.map((r) => r.cpuMs)),
    user: median(runs.map((r) => r.userMs)),
    sys: median(runs.map((r) => r.sysMs)),
    rss: Math.max(...runs.map((r) => r.maxRssMB)),
  };
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

try {
  console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const t0 = Date.now();
  generate();
  const size = statSync(input).size;
  console.log(`generated ${fmt(ROWS)} rows, ${fmt(size / 1e6)} MB in ${fmt((Date.now() - t0) / 1000, 1)} s; median of ${REPEAT} runs each (CPU = user+sys of the child)`);
  const copy = run('plain copy (read + write, 1 MB chunks)', 'bench/_copy.cjs', [input, output]);
  // The floor of a split that reads the file twice: the copy plus one more read (without the
  // second Node start-up the read's figure includes).
  const read = run('read-only pass (1 MB reads, no write)', 'bench/_read.cjs', [input]);
  const start = run('node start-up only', 'bench/_read.cjs', []);
  const cli = (strategy, ...extra) => ['split', input, '--strategy', strategy, '--seed', '1', '--out', output, '--output', 'json', ...extra];
  const results = [
    copy,
    read,
    start,
    run('split --strategy random', 'dist/cli.js', cli('random')),
    run('split --strategy kfold --k 5 (fold column)', 'dist/cli.js', cli('kfold', '--k', '5')),
  ];
  if (!process.env.BENCH_SPLIT_QUICK) {
    // These keep per-item facts in memory, so their RSS is the figure to watch.
    results.push(run('split --strategy stratified --by label', 'dist/cli.js', cli('stratified', '--by', 'label')));
    results.push(run('split --strategy stratified-kfold --k 5 --by label', 'dist/cli.js', cli('stratified-kfold', '--k', '5', '--by', 'label')));
    results.push(run('split --strategy group --by user', 'dist/cli.js', cli('group', '--by', 'user')));
    results.push(run('split --strategy temporal --time-field ts', 'dist/cli.js', cli('temporal', '--time-field', 'ts')));
  }
  table([
    ['run', 'wall s', 'x copy', 'CPU s', 'user s', 'sys s', 'x copy CPU', 'peak RSS MB'],
    ...results.map((r) => [r.name, fmt(r.ms / 1000, 2), fmt(r.ms / copy.ms, 2), fmt(r.cpu / 1000, 2), fmt(r.user / 1000, 2), fmt(r.sys / 1000, 2), fmt(r.cpu / copy.cpu, 2), fmt(r.rss)]),
  ]);
  // Wall time on a busy machine mostly measures the queue for a CPU; say how busy it was.
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine's CPUs`);
  const floor = copy.cpu + read.cpu - start.cpu;
  console.log(`two passes cost at least copy + one read (less its start-up) = ${fmt(floor / 1000, 2)} s CPU = ${fmt(floor / copy.cpu, 2)}x copy`);
  // CPU time is the comparable figure on a shared machine; wall time is printed for reference.
  for (const r of results.slice(3)) {
    const ok = r.cpu <= 2 * copy.cpu && r.rss < 1024;
    console.log(`target (≤ 2x copy CPU, peak RSS < 1 GB) ${r.name}: ${ok ? 'met' : 'NOT met'} (${fmt(r.cpu / copy.cpu, 2)}x, ${fmt(r.rss)} MB)`);
  }
} finally {
  removeDir(dir);
}
