// Incremental dataset findings (the editor's path after an edit) against rebuilding them from all
// item facts (what the editor did before), in the same process, on 100,000 image classification
// items (the editor benchmark's file shape; one item in 2,000 shares a URI with another, so there are
// duplicate findings) and 100,000 object detection items:
//   (a) DatasetAccumulator over every item, then finish()          (the baseline: a full rebuild)
//   (b) IncrementalDataset.replace() of k items, then result()      (k = 1, 10, 1,000)
// and (c) building the IncrementalDataset from all items once (done when a document is opened or
// saved). Prints median wall and CPU times over BENCH_RUNS runs and ratios against (a).
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.BENCH_LINES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'vd-bench-inc-'));
const outfile = join(dir, 'dataset.cjs');
await esbuild.build({ entryPoints: ['src/core/dataset/index.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
const { DatasetAccumulator, IncrementalDataset } = createRequire(import.meta.url)(outfile);
rmSync(dir, { recursive: true, force: true });

const LABELS = ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'];
const SPLITS = ['training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'validation', 'test'];

function facts(format, i, variant = 0) {
  const uri = `gs://cloud-samples-data/flowers/${LABELS[i % 5]}/${100000 + (i % 2000 === 7 ? i - 1 : i)}.jpg`;
  const line = i + 1;
  const label = LABELS[(i + variant) % 5];
  const annotations =
    format === 'image-bounding-box'
      ? [
          { kind: 'box', label, xMin: 0.1, yMin: 0.2, xMax: 0.5 + variant / 100, yMax: 0.6 },
          { kind: 'box', label: LABELS[(i + 2) % 5], xMin: 0.3, yMin: 0.1, xMax: 0.9, yMax: 0.4 },
        ]
      : [{ kind: 'classification', label }];
  return { line, anchor: { line, column: 16, endLine: line, endColumn: 16 + uri.length + 2 }, mediaUri: uri, hasMlUse: true, mlUse: SPLITS[i % 10], annotations };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000 };
}

for (const format of ['image-classification-single-label', 'image-bounding-box']) {
  const items = Array.from({ length: N }, (_, i) => facts(format, i));
  const full = [];
  const build = [];
  const edits = { 1: [], 10: [], 1000: [] };
  let check;
  for (let r = 0; r < RUNS; r++) {
    full.push(
      time(() => {
        const acc = new DatasetAccumulator(format, { csv: false });
        for (const f of items) acc.add(f);
        check = acc.finish();
      }),
    );
    let inc;
    build.push(
      time(() => {
        inc = new IncrementalDataset(format, { csv: false });
        for (const f of items) inc.add(f, f.line);
        inc.result();
      }),
    );
    for (const k of Object.keys(edits).map(Number)) {
      // k items from the middle of the file get another label (and back on the next run).
      const from = Math.floor(N / 2);
      const next = Array.from({ length: k }, (_, j) => facts(format, from + j, r + 1));
      edits[k].push(
        time(() => {
          for (let j = 0; j < k; j++) inc.replace(items[from + j], next[j]);
          inc.result();
        }),
      );
      for (let j = 0; j < k; j++) inc.replace(next[j], items[from + j]);
    }
    const back = inc.result();
    // Means are floating-point sums: the accumulator adds 200,000 values naively (off in the 12th
    // digit here), the incremental dataset with compensation. Compared to 9 digits.
    const same = (x) => JSON.stringify(x, (k, v) => (k === 'mean' && typeof v === 'number' ? Number(v.toPrecision(9)) : v));
    if (same(back) !== same(check)) throw new Error('incremental result differs from the full rebuild');
  }
  const base = median(full.map((t) => t.ms));
  const baseCpu = median(full.map((t) => t.cpu));
  const row = (label, ts) => {
    const ms = median(ts.map((t) => t.ms));
    const cpu = median(ts.map((t) => t.cpu));
    return `  ${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  cpu ${cpu.toFixed(2).padStart(8)} ms  ratio ${(ms / base).toFixed(4)} (cpu ${(cpu / baseCpu).toFixed(4)})\n`;
  };
  process.stdout.write(`\n${format}: ${N.toLocaleString('en-US')} items, ${check.diagnostics.length} findings, ${check.stats.labels.length} labels; medians of ${RUNS} runs\n`);
  process.stdout.write(row('a full rebuild (accumulator over all items)', full));
  for (const k of Object.keys(edits)) process.stdout.write(row(`b replace ${k} item${k === '1' ? '' : 's'} + result()`, edits[k]));
  process.stdout.write(row('c build the incremental dataset (once)', build));
}
