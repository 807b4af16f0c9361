// Shared helpers for the benchmarks: temp files, measured child runs, table printing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(name) {
  return mkdtempSync(join(tmpdir(), `vertex-datasets-bench-${name}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `node script args` under bench/_measure.cjs; returns { ms, maxRssMB, code }. stdout is discarded. */
export function measure(script, args, { repeat = 1 } = {}) {
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const out = join(tmpdir(), `vertex-datasets-measure-${process.pid}-${i}.json`);
    const r = spawnSync(process.execPath, ['bench/_measure.cjs', out, script, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.error) throw r.error;
    const m = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(out, { force: true });
    runs.push(m);
  }
  // The fastest run is the least disturbed by the machine; RSS is the max seen.
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ms: best.ms, cpuMs: Math.min(...runs.map((r) => r.cpuMs)), userMs: best.userMs, sysMs: best.sysMs, maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)), code: best.code };
}

/** Writes lines produced by gen(i) for i in [0, n) to path in large blocks. */
export function writeLines(path, n, gen) {
  const fd = openSync(path, 'w');
  let buf = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const line = gen(i) + '\n';
    buf.push(line);
    size += line.length;
    if (size > 8 << 20) {
      writeSync(fd, buf.join(''));
      buf = [];
      size = 0;
    }
  }
  if (buf.length) writeSync(fd, buf.join(''));
  closeSync(fd);
  return statSync(path).size;
}

export function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '));
}
