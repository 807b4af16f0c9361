// Dataset checks + statistics against plain validation, in the same run, in child processes:
//   (a) validate --no-dataset-checks   (line validation only: the baseline)
//   (b) validate                       (line validation + dataset checks in the same pass)
//   (c) stats --output json            (line validation + dataset checks + statistics)
// on a generated 1,000,000-line image classification JSONL file with 1,000,000 distinct URIs,
// a 1,000,000-image object detection file, a 1,000,000-line text classification file (items
// keyed by their text), 200,000 lines of long (~1,000-character) documents, and image classification
// and object detection as 1,000,000-row CSV files. Prints, over 5 alternating runs, each child's CPU
// time (user + system, all threads: steadier than wall time when other processes share the cores;
// the fastest run is the least disturbed one, the median is shown too) and median wall time, the
// ratios against (a), and each child's peak RSS (getrusage maxRSS).
// Targets: CPU-time ratio (fastest runs) <= 1.3, peak RSS < 300 MB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const cli = 'dist/cli.js';
if (!existsSync(cli)) spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'bench-dataset-'));

async function write(path, line, lines = LINES) {
  const out = createWriteStream(path);
  const splits = ['training', 'training', 'training', 'training', 'training', 'training', 'training', 'training', 'validation', 'test'];
  for (let i = 0; i < lines; i++) {
    if (!out.write(line(i, splits[i % 10]) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

const classification = await write(join(dir, 'classification.jsonl'), (i, split) =>
  JSON.stringify({
    imageGcsUri: `gs://bench-bucket/images/${String(i).padStart(8, '0')}.jpg`,
    classificationAnnotation: { displayName: `label_${i % 100}` },
    dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split },
  }),
);
const detection = await write(join(dir, 'detection.jsonl'), (i, split) =>
  JSON.stringify({
    imageGcsUri: `gs://bench-bucket/images/${String(i).padStart(8, '0')}.jpg`,
    boundingBoxAnnotations: [
      { displayName: `label_${i % 50}`, xMin: 0.1, yMin: 0.2, xMax: 0.5, yMax: 0.6 },
      { displayName: `label_${(i + 7) % 50}`, xMin: 0.3, yMin: 0.1, xMax: 0.9, yMax: 0.4 },
    ],
    dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split },
  }),
);

function child(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('node', ['--require', './bench/_maxrss.cjs', cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__USAGE__ (\d+) (\d+)/.exec(r.stderr);
  if (r.status === 2 || !m) throw new Error(`child failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return { seconds, rssMB: Number(m[1]) / 1024, cpu: Number(m[2]) / 1e6, out: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n) => `${n.toFixed(0)} MB`;

// Text items are keyed by their content: every line's text is hashed and measured (code points).
const words = ['label', 'image', 'the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'vertex', 'dataset'];
const textClassification = await write(join(dir, 'text.jsonl'), (i, split) =>
  JSON.stringify({
    textContent: Array.from({ length: 40 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ') + ` #${i}`,
    classificationAnnotation: { displayName: `topic_${i % 30}` },
    dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split },
  }),
);

// Long documents: a batch of their keys is over 128 KB of text (see PIECE in src/core/dataset/uriIndex.ts).
const LONG_LINES = Math.max(1, Math.floor(LINES / 5));
const longText = await write(
  join(dir, 'long-text.jsonl'),
  (i, split) =>
    JSON.stringify({
      textContent: Array.from({ length: 170 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ') + ` #${i}`,
      classificationAnnotation: { displayName: `topic_${i % 30}` },
      dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': split },
    }),
  LONG_LINES,
);

// The positional CSV layouts (ml_use, URI, label; boxes as X_MIN,Y_MIN,,,X_MAX,Y_MAX,,): the format is
// detected while the file is read, as a user who gives no --format has it.
const classificationCsv = await write(join(dir, 'classification.csv'), (i, split) => `${split},gs://bench-bucket/images/${String(i).padStart(8, '0')}.jpg,label_${i % 100}`);
const detectionCsv = await write(join(dir, 'detection.csv'), (i, split) => `${split},gs://bench-bucket/images/${String(i).padStart(8, '0')}.jpg,label_${i % 50},0.1,0.2,,,0.5,0.6,,`);

let failed = false;
for (const [name, file, lines = LINES] of [
  ['image classification', classification],
  ['object detection (2 boxes/image)', detection],
  ['text classification (~230-character texts)', textClassification],
  ['text classification (~1,000-character texts)', longText, LONG_LINES],
  ['image classification, CSV', classificationCsv],
  ['object detection, CSV (1 box per row)', detectionCsv],
]) {
  const size = statSync(file).size;
  const variants = [
    ['a validate --no-dataset-checks', ['validate', '--no-dataset-checks', file]],
    ['b validate (dataset checks)', ['validate', file]],
    ['c stats --output json', ['stats', '--output', 'json', file]],
  ];
  const times = variants.map(() => []);
  const cpus = variants.map(() => []);
  const rss = variants.map(() => 0);
  for (let run = 0; run < RUNS; run++) {
    variants.forEach(([, args], i) => {
      const r = child(args);
      times[i].push(r.seconds);
      cpus[i].push(r.cpu);
      rss[i] = Math.max(rss[i], r.rssMB);
      if (i === 2 && run === 0) {
        const s = JSON.parse(r.out).datasets[0];
        if (s.items !== lines) throw new Error(`stats counted ${s.items} items, expected ${lines}`);
      }
    });
  }
  const base = median(times[0]);
  const baseCpu = Math.min(...cpus[0]);
  const baseCpuMedian = median(cpus[0]);
  process.stdout.write(`\n${name}: ${lines.toLocaleString('en-US')} lines, ${lines.toLocaleString('en-US')} distinct items, ${(size / 1048576).toFixed(0)} MB; ${RUNS} runs each\n`);
  variants.forEach(([label], i) => {
    const t = median(times[i]);
    const c = Math.min(...cpus[i]);
    const ratio = c / baseCpu;
    const cm = median(cpus[i]);
    const rssOk = rss[i] < 300;
    const ratioOk = i === 0 || ratio <= 1.3;
    if (!rssOk || !ratioOk) failed = true;
    process.stdout.write(
      `  ${label.padEnd(32)} cpu ${c.toFixed(2).padStart(6)} s  ratio ${ratio.toFixed(2)}${i ? (ratioOk ? ' (≤1.3 ok)' : ' (over 1.3)') : '          '}  median cpu ${cm.toFixed(2)} s (ratio ${(cm / baseCpuMedian).toFixed(2)})  wall ${t.toFixed(2).padStart(6)} s (ratio ${(t / base).toFixed(2)}, ${(lines / t / 1000).toFixed(0)}k lines/s)  peak RSS ${mb(rss[i])}${rssOk ? '' : ' (over 300 MB)'}\n`,
    );
  });
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(failed ? '\nA target was missed (see above).\n' : '\nAll targets met.\n');
