/**
 * Holds one file's diagnostics for the CLI report in bounded memory: batches are sorted and
 * written to a temporary file as they fill, and read back merged in report order. A file with
 * millions of findings then costs disk, not memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostics';
import type { DiagnosticStore } from '../../core/validate';

/** Diagnostics kept in memory before a batch goes to disk (about 30 MB): most files never spill. */
const BATCH = 100_000;
const READ_BLOCK = 64 * 1024;
const MAX_RUNS = 32;

let spoolDir: string | undefined;
function tempDir(): string {
  if (!spoolDir) {
    const dir = mkdtempSync(join(tmpdir(), 'vertex-datasets-'));
    spoolDir = dir;
    const remove = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', remove);
    // Interrupted runs leave no spool behind either: remove it, then die of the signal as before.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        remove();
        process.kill(process.pid, signal);
      });
    }
  }
  return spoolDir;
}
let nextRun = 0;

/** Only what the reports print; `data` (fix paths for the editor) is not kept. */
type Stored = Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn' | 'severity' | 'code' | 'message' | 'related'>;

function stored(d: Diagnostic): Stored {
  const s: Stored = { line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, severity: d.severity, code: d.code, message: d.message };
  if (d.related?.length) s.related = d.related;
  return s;
}

export class DiagnosticSpool implements DiagnosticStore {
  errors = 0;
  warnings = 0;
  count = 0;
  private batch: Stored[] = [];
  /** Sorted runs on disk, in the order they were written. */
  private runs: string[] = [];

  constructor(
    private readonly batchSize = BATCH,
    /** Runs open at once while merging; more are first merged into one (bounded open files). */
    private readonly maxRuns = MAX_RUNS,
  ) {}

  push(d: Diagnostic): void {
    this.count++;
    if (d.severity === 'error') this.errors++;
    else if (d.severity === 'warning') this.warnings++;
    this.batch.push(stored(d));
    if (this.batch.length >= this.batchSize) this.spill();
  }

  clear(): void {
    this.dispose();
    this.errors = 0;
    this.warnings = 0;
    this.count = 0;
  }

  get onDisk(): number {
    return this.runs.length;
  }

  /**
   * Every diagnostic pushed, then `extra`, in the order a stable sort of all of them by
   * compareDiagnostics gives (equal ones keep the order they arrived in).
   */
  *sorted(extra: readonly Diagnostic[] = []): Generator<Diagnostic> {
    const sources: Iterator<Diagnostic>[] = this.runs.map((file) => readRun(file));
    sources.push([...this.batch].sort(compareDiagnostics)[Symbol.iterator]());
    if (extra.length) sources.push([...extra].sort(compareDiagnostics)[Symbol.iterator]());
    yield* merge(sources);
  }

  /** Deletes the spooled runs. */
  dispose(): void {
    for (const f of this.runs) rmSync(f, { force: true });
    this.runs = [];
    this.batch = [];
  }

  private spill(): void {
    const file = join(tempDir(), `run-${process.pid}-${nextRun++}.jsonl`);
    writeRun(file, this.batch.sort(compareDiagnostics));
    this.runs.push(file);
    this.batch = [];
    if (this.runs.length >= this.maxRuns) this.compact();
  }

  /** Merges the runs on disk into one (they are consecutive, so the merge keeps the order stable). */
  private compact(): void {
    const file = join(tempDir(), `run-${process.pid}-${nextRun++}.jsonl`);
    writeRun(file, merge(this.runs.map((f) => readRun(f))));
    for (const f of this.runs) rmSync(f, { force: true });
    this.runs = [file];
  }
}

function writeRun(file: string, diagnostics: Iterable<Stored>): void {
  const fd = openSync(file, 'w');
  try {
    let chunk = '';
    for (const d of diagnostics) {
      chunk += JSON.stringify(d) + '\n';
      if (chunk.length > READ_BLOCK) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * Merges sorted sources by compareDiagnostics; equal diagnostics come from the earlier source
 * first. Stable sorts of consecutive runs merged this way equal one stable sort of them all.
 */
function* merge(sources: Iterator<Diagnostic>[]): Generator<Diagnostic> {
  const heads: { d: Diagnostic; source: number }[] = [];
  const less = (a: { d: Diagnostic; source: number }, b: { d: Diagnostic; source: number }) => {
    const c = compareDiagnostics(a.d, b.d);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heads[i], heads[p])) break;
      [heads[i], heads[p]] = [heads[p], heads[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heads.length && less(heads[l], heads[m])) m = l;
      if (r < heads.length && less(heads[r], heads[m])) m = r;
      if (m === i) return;
      [heads[i], heads[m]] = [heads[m], heads[i]];
      i = m;
    }
  };
  sources.forEach((it, source) => {
    const n = it.next();
    if (!n.done) {
      heads.push({ d: n.value, source });
      up(heads.length - 1);
    }
  });
  while (heads.length) {
    const top = heads[0];
    yield top.d;
    const n = sources[top.source].next();
    if (!n.done) heads[0] = { d: n.value, source: top.source };
    else {
      const last = heads.pop() as { d: Diagnostic; source: number };
      if (heads.length === 0) break;
      heads[0] = last;
    }
    down(0);
  }
}

/** Reads one run back, a block at a time. */
function* readRun(file: string): Generator<Diagnostic> {
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(READ_BLOCK);
    // A block can end inside a multi-byte character: the decoder carries it over.
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const n = readSync(fd, block, 0, block.length, null);
      if (n === 0) break;
      const text = carry + decoder.write(block.subarray(0, n));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        yield JSON.parse(text.slice(start, nl)) as Diagnostic;
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  } finally {
    closeSync(fd);
  }
}
