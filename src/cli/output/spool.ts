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

/** Messages are joined into one string per block of this many findings (see Batch). */
const MESSAGE_BLOCK = 1024;
const SEVERITIES = ['error', 'warning', 'info'] as const;

/**
 * The findings not yet on disk, in columns: positions in typed arrays, codes and severities as
 * small numbers, messages joined into one string per block. A file with many findings keeps them
 * without one object per finding, which the garbage collector would otherwise copy again and
 * again while the file is read.
 */
class Batch {
  n = 0;
  private cap = 0;
  private pos = new Int32Array(0);
  private meta = new Uint32Array(0);
  private msgEnd = new Int32Array(0);
  private readonly codes: string[] = [];
  private readonly codeIds = new Map<string, number>();
  private readonly blocks: string[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly related = new Map<number, Stored['related']>();

  push(d: Diagnostic): void {
    const i = this.n;
    if (i === this.cap) this.grow();
    let code = this.codeIds.get(d.code);
    if (code === undefined) {
      code = this.codes.length;
      this.codes.push(d.code);
      this.codeIds.set(d.code, code);
    }
    const p = i * 4;
    this.pos[p] = d.line;
    this.pos[p + 1] = d.column;
    this.pos[p + 2] = d.endLine;
    this.pos[p + 3] = d.endColumn;
    this.meta[i] = code * 4 + (d.severity === 'error' ? 0 : d.severity === 'warning' ? 1 : 2);
    this.pendingLength += d.message.length;
    this.msgEnd[i] = this.pendingLength;
    this.pending.push(d.message);
    if (d.related?.length) this.related.set(i, d.related);
    this.n++;
    if (this.n % MESSAGE_BLOCK === 0) this.closeBlock();
  }

  /** Every finding in report order (a stable sort by compareDiagnostics). */
  *sorted(): Generator<Stored> {
    const order = this.order();
    // The last block's messages, joined once (the block stays open for more findings).
    const tail = this.pending.join('');
    for (let k = 0; k < order.length; k++) yield this.at(order[k], tail);
  }

  private at(i: number, tail: string): Stored {
    const p = i * 4;
    const meta = this.meta[i];
    const block = Math.floor(i / MESSAGE_BLOCK);
    const text = block < this.blocks.length ? this.blocks[block] : tail;
    const start = i % MESSAGE_BLOCK === 0 ? 0 : this.msgEnd[i - 1];
    const s: Stored = {
      line: this.pos[p],
      column: this.pos[p + 1],
      endLine: this.pos[p + 2],
      endColumn: this.pos[p + 3],
      severity: SEVERITIES[meta & 3],
      code: this.codes[meta >>> 2],
      message: text.slice(start, this.msgEnd[i]),
    };
    const related = this.related.get(i);
    if (related) s.related = related;
    return s;
  }

  /** Indexes in report order; findings usually arrive in it already. */
  private order(): Uint32Array {
    const n = this.n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = this.compare(i - 1, i) <= 0;
    if (!sorted) {
      const list = Array.from(order);
      list.sort((a, b) => this.compare(a, b) || a - b);
      order.set(list);
    }
    return order;
  }

  private compare(a: number, b: number): number {
    const pa = a * 4;
    const pb = b * 4;
    const pos = this.pos;
    const d = pos[pa] - pos[pb] || pos[pa + 1] - pos[pb + 1] || pos[pa + 2] - pos[pb + 2] || pos[pa + 3] - pos[pb + 3];
    if (d !== 0) return d;
    const ca = this.codes[this.meta[a] >>> 2];
    const cb = this.codes[this.meta[b] >>> 2];
    return ca < cb ? -1 : ca > cb ? 1 : 0;
  }

  private closeBlock(): void {
    // One flat string per block (join copies the parts), and the block's offsets restart at 0.
    this.blocks.push(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const pos = new Int32Array(cap * 4);
    pos.set(this.pos);
    const meta = new Uint32Array(cap);
    meta.set(this.meta);
    const msgEnd = new Int32Array(cap);
    msgEnd.set(this.msgEnd);
    this.pos = pos;
    this.meta = meta;
    this.msgEnd = msgEnd;
    this.cap = cap;
  }
}

export class DiagnosticSpool implements DiagnosticStore {
  errors = 0;
  warnings = 0;
  count = 0;
  private batch = new Batch();
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
    this.batch.push(d);
    if (this.batch.n >= this.batchSize) this.spill();
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
    sources.push(this.batch.sorted());
    if (extra.length) sources.push([...extra].sort(compareDiagnostics)[Symbol.iterator]());
    yield* merge(sources);
  }

  /** Deletes the spooled runs. */
  dispose(): void {
    for (const f of this.runs) rmSync(f, { force: true });
    this.runs = [];
    this.batch = new Batch();
  }

  private spill(): void {
    const file = join(tempDir(), `run-${process.pid}-${nextRun++}.jsonl`);
    writeRun(file, this.batch.sorted());
    this.runs.push(file);
    this.batch = new Batch();
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
