// CSV reader choice: the project's reader (positions per field) versus csv-parse (record-level
// info only), both streaming the same generated file, against a plain read that splits lines.
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { loadCore } from './_bundle.mjs';

const ROWS = Number(process.env.BENCH_CSV_READER_ROWS ?? 500_000);
const { core, dir } = await loadCore(['reader']);
const path = join(dir, 'reader.csv');

async function generate() {
  const out = createWriteStream(path);
  let buf = 'id,name,score,city,note,' + Array.from({ length: 15 }, (_, i) => `f${i}`).join(',') + '\n';
  for (let r = 0; r < ROWS; r++) {
    const note = r % 20 === 0 ? `"says ""hi"", then leaves"` : `plain note ${r % 97}`;
    buf += `${r},name_${r % 1000},${(r * 0.37) % 100},city_${r % 50},${note}`;
    for (let c = 0; c < 15; c++) buf += ',' + ((r * (c + 3)) % 10007);
    buf += '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function plain() {
  let lines = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    lines += parts.length;
  }
  return lines + (rest ? 1 : 0);
}

async function own() {
  let records = 0;
  let cells = 0;
  await core.readCsvFile(path, {
    onRecord(r) {
      records++;
      cells += r.fields.length;
    },
    onDiagnostic() {},
  });
  return records + cells * 0;
}

async function ownWithPositions() {
  let records = 0;
  let sum = 0;
  await core.readCsvFile(path, {
    onRecord(r) {
      records++;
      sum += r.range(r.fields.length - 1).endColumn;
    },
    onDiagnostic() {},
  });
  return records + sum * 0;
}

async function csvParse(info) {
  let records = 0;
  const parser = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(parse({ info, relax_column_count: true, bom: true }));
  for await (const _ of parser) records++;
  return records;
}

async function time(name, fn) {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const n = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { name, n, s, cpu: (c.user + c.system) / 1e6 };
}

await generate();
const mb = statSync(path).size / 1e6;
console.log(`file: ${ROWS.toLocaleString('en-US')} rows x 20 columns, ${mb.toFixed(1)} MB (5% of rows quoted with "" escapes)`);
const results = [];
for (let round = 0; round < 2; round++) {
  results.length = 0;
  results.push(await time('plain read + split lines', plain));
  results.push(await time('own reader (records)', own));
  results.push(await time('own reader + field positions', ownWithPositions));
  results.push(await time('csv-parse', () => csvParse(false)));
  results.push(await time('csv-parse info:true', () => csvParse(true)));
}
const base = results[0];
console.log('(wall time; CPU = user+system of this process, steadier on a busy machine)');
for (const r of results) {
  console.log(
    `${r.name.padEnd(30)} ${r.s.toFixed(2).padStart(6)} s  ${(mb / r.s).toFixed(0).padStart(5)} MB/s  ${Math.round(r.n / r.s).toLocaleString('en-US').padStart(10)} rows/s  ratio ${(r.s / base.s).toFixed(2).padStart(5)}  CPU ${r.cpu.toFixed(2).padStart(6)} s  CPU ratio ${(r.cpu / base.cpu).toFixed(2)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
